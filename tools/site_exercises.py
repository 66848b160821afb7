"""The exercises on the static docs site: a bank drawn from the Python generators, and a small widget that checks
answers in the page, with the verdicts and the words of `check`.

    python tools/site_exercises.py DEST              # write the bank alone into DEST/bank and DEST/fig
    python tools/site_exercises.py DEST --pictures   # its pictures only (what `start` runs)

tools/docs.py calls `start` when it begins to build the site and `install` once the pages are written:
- the bank: for every kind of `EXERCISES` whose answer is a value, `SEEDS` exercises, one JavaScript file per kind
  (`assets/exercises/bank/<kind>.js`, a call `convbookExercises.add(kind, [entries])` around the JSON, so that it loads
  from file:// as from a server, on demand: a page loads only the kinds it shows), each entry with everything `judge`
  and the feedback use (see `entry`), and the picture of an exercise that has one as a PNG (`fig/<kind>-<seed>.png`).
  A kind whose answer is not a value (code to write) gets its question only, with a link to its chapter in Colab.
  The pictures (the slow part) are drawn in a process of its own while the pages are made (the machine's second
  core), the entries once the pages are written; the same bytes on every build;
- the widget, tools/site_exercises.js and .css, on every course chapter's "Exercises" section (the kinds of its
  chapter) and on the Practice page (every kind): see the script for what it does.
"""
import hashlib, io, json, math, re, shutil, subprocess, sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
from paths import ROOT
SEEDS = range(50)      # the bank's seeds of each kind
CODE_SEEDS = range(3)  # the seeds of a kind whose answer is code: its question only
ASSETS = 'assets/exercises'
PICTURE_ALT = {'which_kernel': "The exercise's picture: the handwritten digit, the feature map one kernel made of it "
                               "(red positive, blue negative) and the weights of the four candidate kernels."}

def plain(v):
    "An answer (as `as_answer` gives it) as JSON: numbers, text, lists for tuples; `nan`/`inf` as the strings 'nan', 'inf', '-inf'"
    if isinstance(v, tuple): return [plain(x) for x in v]
    if isinstance(v, float) and not math.isfinite(v): return repr(v)
    return v

def is_value_kind(ex) -> bool:
    "Whether `ex` is answered with a plain value (a number, a name, a tuple of them: what `as_answer` gives), which the site can check; not with code to write"
    def plain_value(v): return (isinstance(v, (int, float, str)) and not isinstance(v, bool)) or (isinstance(v, tuple) and all(map(plain_value, v)))
    return plain_value(ex.answer)

def md_html(md:str) -> str:
    "Markdown as the site renders it (Python-Markdown, with tables and fenced code)"
    import markdown
    return markdown.markdown(md, extensions=['tables', 'fenced_code'])

def entry(ex) -> dict:
    "What the widget needs of exercise `ex`: its question (Markdown, and HTML), the answer and how it is judged, the mistakes, hints and worked solution"
    from convbook.workbook import same_answer
    return dict(
        kind=ex.kind, seed=ex.seed, question_html=md_html(ex.question), form=ex.form,
        answer=plain(ex.answer), alternatives=[plain(a) for a in getattr(ex, 'alternatives', ())],
        unordered=bool(getattr(ex, 'unordered', False)), tolerance=ex.tol, square=bool(ex.square),
        choices=None if ex.choices is None else [plain(c) for c in ex.choices], labels=None if ex.labels is None else list(ex.labels),
        mistakes=[dict(name=m.name, label=m.label, answer=None if m.answer is None else plain(m.answer), why=m.why, working=m.working,
                       counts=m.answer is not None and not same_answer(m.answer, ex.answer, ex.tol))
                  for m in ex.mistakes],
        hints=ex.hint_ladder(), working=ex.working, reveal_after=ex.reveal_after)

def picture_png(ex) -> bytes|None:
    "The exercise's picture as PNG bytes (the same bytes on every build), or None"
    if ex.picture is None: return None
    import matplotlib; matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig = ex.picture()
    buf = io.BytesIO()
    fig.savefig(buf, format='png', dpi=80, metadata={'Software': None})
    plt.close(fig)
    return buf.getvalue()

def chapter_of(kind:str) -> str:
    "The course chapter (`nbs/course/NN_*.ipynb`) of a kind: the one numbered as its `EXERCISES` chapter ('00a_workbook' is chapter 00)"
    from convbook.exercises import EXERCISES
    n = EXERCISES[kind][1][:2]
    found = sorted((ROOT/'nbs'/'course').glob(f'{n}_*.ipynb'))
    return found[0].stem if found else ''

def write_bank(dest:Path, seeds=SEEDS, pictures:bool=True, entries:bool=True) -> dict:
    "Write the bank into `dest/bank/<kind>.js` (if `entries`) and the pictures into `dest/fig/` (if `pictures`); `{kind: number of entries}`"
    import colab
    from convbook.exercises import EXERCISES
    dest = Path(dest)
    for d in ('bank', 'fig'): (dest/d).mkdir(parents=True, exist_ok=True)
    counts, index = {}, {}
    for kind,(gen,chapter) in EXERCISES.items():
        first = gen(seed=seeds[0])
        code = not is_value_kind(first)
        if not entries and (code or first.picture is None): continue   # pictures only: this kind has none
        es = []
        for s in (CODE_SEEDS if code else seeds):
            ex = first if s == seeds[0] and not code else gen(seed=s)
            e = dict(kind=kind, seed=s, question_html=md_html(ex.question), code=True) if code else entry(ex) if entries else {}
            if not code and ex.picture is not None:
                name = f'{kind}-{s}.png'
                if pictures: (dest/'fig'/name).write_bytes(picture_png(ex))
                e.update(figure=f'fig/{name}', figure_alt=PICTURE_ALT.get(kind, "The exercise's picture."))
            es.append(e)
        counts[kind] = len(es)
        if not entries: continue
        nb = chapter_of(kind)
        index[kind] = dict(chapter=chapter, code=code, n=len(es), colab=colab.colab_url(ROOT/'nbs'/'course'/f'{nb}.ipynb') if nb else '')
        (dest/'bank'/f'{kind}.js').write_text(f"convbookExercises.add({json.dumps(kind)}, {json.dumps(es, sort_keys=True, ensure_ascii=False, separators=(',', ':'))});\n")
    if entries: (dest/'bank'/'index.js').write_text(f"convbookExercises.kinds({json.dumps(index, sort_keys=True, separators=(',', ':'))});\n")
    return counts

def read_bank(dest:Path) -> dict:
    "The bank written in `dest`: `{kind: [entries]}` (for tests)"
    res = {}
    for p in sorted((Path(dest)/'bank').glob('*.js')):
        if p.name == 'index.js': continue
        t = p.read_text()
        res[p.stem] = json.loads(t[t.index(', ') + 2:t.rindex(');')])
    return res

def start() -> tuple:
    "Start drawing the bank's pictures (the slow part) in a process of its own, into a temporary folder: `(process, folder)` for `install`"
    import tempfile
    dest = Path(tempfile.mkdtemp(prefix='convbook-bank-'))
    return subprocess.Popen([sys.executable, str(Path(__file__)), str(dest), '--pictures'], cwd=ROOT), dest

def widget(kind:str, seed:int=0) -> str:
    "The element a page holds for one exercise; the script fills it in"
    return (f'<div class="cbk-exercise" data-exercise-kind="{kind}" data-exercise-seed="{seed}" markdown="0">'
            f'<p class="cbk-loading">This exercise is answered in the page; it needs JavaScript.</p></div>')

def section(kinds:list, title:str='Answer here, in the page') -> str:
    "The Markdown of the widgets of `kinds`, under a heading"
    intro = ("Type an answer and press **Check** (or Enter): the page says what `check` would say, names the mistake "
             "it most likely comes from, and gives a closer hint with each wrong try. **Another one** draws a new exercise "
             "of the kind; your progress stays in this browser.")
    return f"### {title}\n\n{intro}\n\n" + '\n\n'.join(widget(k) for k in kinds) + '\n\n'

def inject(md:str, kinds:list, practice:bool=False) -> str:
    "Page Markdown `md` with the widgets of `kinds`: at the end of its '## Exercises' section, or (Practice, or no such section) at its end"
    if not kinds: return md
    if practice: return md.rstrip() + '\n\n' + section(kinds, 'Every kind, answered in the page').replace('### ', '## ', 1)
    m = re.search(r'^## Exercises\s*$', md, re.M)
    if not m: return md.rstrip() + '\n\n## Exercises\n\n' + section(kinds)
    nxt = re.search(r'^## ', md[m.end():], re.M)
    at = m.end() + nxt.start() if nxt else len(md)
    return md[:at].rstrip() + '\n\n' + section(kinds) + md[at:]

def install(docs:Path, conf:dict, started:tuple|None=None):
    "Wait for the bank (`started`, from `start`; else write it now), copy the widget's script and style, put the widgets on the pages, list the files in `conf`"
    from convbook.exercises import EXERCISES
    dest = Path(docs)/ASSETS
    shutil.rmtree(dest, ignore_errors=True)
    if started is None: write_bank(dest)
    else:                                                 # the entries here, meanwhile the pictures in the other process
        import time
        proc, tmp = started
        t0 = time.perf_counter()
        n = write_bank(dest, pictures=False)
        t1 = time.perf_counter()
        if proc.wait() != 0: raise RuntimeError("drawing the exercise bank's pictures failed (see above)")
        print(f"  exercise bank: {sum(n.values())} exercises of {len(n)} kinds in {t1 - t0:.1f} s, then {time.perf_counter() - t1:.1f} s "
              f"waiting for the pictures", flush=True)
        for f in sorted((tmp/'fig').iterdir()): shutil.move(str(f), str(dest/'fig'/f.name))
        shutil.rmtree(tmp, ignore_errors=True)
    shutil.copy(HERE/'site_exercises.js', dest/'exercises.js')
    shutil.copy(HERE/'site_exercises.css', dest/'exercises.css')
    from nbdev.config import nbpath2html
    for nb in sorted((ROOT/'nbs'/'course').glob('*.ipynb')):   # a chapter's page: course/01_kernels.ipynb is course/kernels.md
        p = Path(docs)/nbpath2html(Path('course')/nb.name).with_suffix('.md')
        kinds = [k for k,(g,ch) in EXERCISES.items() if ch[:2] == nb.stem[:2]]
        if p.exists(): p.write_text(inject(p.read_text(), kinds))
    if (pr := Path(docs)/'practice.md').exists(): pr.write_text(inject(pr.read_text(), list(EXERCISES), practice=True))
    conf['extra_javascript'] = [*conf.get('extra_javascript', []), f'{ASSETS}/exercises.js']
    conf['extra_css'] = [*conf.get('extra_css', []), f'{ASSETS}/exercises.css']

def size(dest:Path) -> int:
    "Bytes of the bank and its pictures"
    return sum(p.stat().st_size for p in Path(dest).rglob('*') if p.is_file())

if __name__ == '__main__':
    import time
    t0 = time.perf_counter()
    only_pictures = sys.argv[2:] == ['--pictures']
    n = write_bank(Path(sys.argv[1]), entries=not only_pictures)
    print(f"  exercise bank: {'pictures of ' if only_pictures else ''}{sum(n.values())} exercises of {len(n)} kinds, "
          f"{size(sys.argv[1])/1e6:.2f} MB, in {time.perf_counter()-t0:.1f} s", flush=True)
