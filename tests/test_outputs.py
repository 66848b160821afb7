"""What readers see must not depend on the machine, the folder or the run that made it.

Every tracked notebook's saved outputs (and its metadata), README.md and every page of the built site are searched
for what would differ on another machine or in another run: absolute paths (of the repository, a home folder, a
temp folder, Python's installation), user and host names, warnings and tracebacks that quote file paths, timings
(fastai's `time` column, `00:02`, `%time` and `%timeit` lines, progress-bar rates), dates and clock times,
memory addresses, random temp names, widget ids and torch build tags. Each failure says which file, cell and
output, what was found, and shows it in context.

Also checked: the README's images are absolute links to files of the repository (so that they show on PyPI), and
two builds of the site from the same notebooks are byte-identical (the main job's determinism for the notebooks
themselves is checked in CI: `.ci/run` runs the main job on a fresh clone, and twice, and compares).
"""
import getpass, hashlib, json, os, re, socket, subprocess, sys, tempfile
from html.parser import HTMLParser
from pathlib import Path
import pytest

from paths import ROOT

def tracked_notebooks() -> list:
    "The notebooks git tracks in nbs/ (all of nbs/*.ipynb when this is not a git checkout)"
    r = subprocess.run(['git', 'ls-files', 'nbs/*.ipynb'], cwd=ROOT, capture_output=True, text=True)
    names = r.stdout.split() if r.returncode == 0 and r.stdout.strip() else [p.relative_to(ROOT).as_posix() for p in (ROOT/'nbs').rglob('*.ipynb')]
    return sorted(n for n in names if not Path(n).name.startswith('_'))

def _local(*paths) -> list:
    "Regexes for absolute paths of this machine (long enough not to match by chance)"
    res = []
    for p in paths:
        p = str(p).rstrip('/\\')
        if len(p) >= 4 and p.count('/') + p.count('\\') >= 2: res.append(re.escape(p))
    return res

def machine_patterns() -> list:
    "`(what, regex)` pairs for what tells the machine, folder or user that made a text"
    me, host = getpass.getuser(), socket.gethostname().split('.')[0]
    here = [ROOT, ROOT.parent, Path.home(), sys.prefix, sys.base_prefix, tempfile.gettempdir(), Path(sys.executable).parent]
    pats = [
        ('a path of this machine', '|'.join(_local(*here))),
        ('an absolute path', r'''(?:^|(?<=[\s'"(\[=,>]))/(?:[\w.+@-]+/)+[\w.+@-]*'''),
        ('an absolute Windows path', r'\b[A-Za-z]:\\(?:[\w. -]+\\)+'),
        ('a home folder', r'(?:/home/|/Users/|/root/|\\Users\\)[\w.-]+'),
        ('a temp folder', r'(?<![\w.])/(?:tmp|var/tmp|var/folders|private/var)/|\\AppData\\Local\\Temp|\btmp[a-z0-9_]{6,}\b'),
        ("Python's installation", r'site-packages|dist-packages|\.pyenv\b|\bminiconda\d?\b|\banaconda\d?\b|/\.?venvs?/|/usr(?:/local)?/lib/python'),
        ('a warning or traceback quoting a file', r'\.py:\d+: \w*(?:Warning|Error)\b|Triggered internally at|Traceback \(most recent call last\)|File "[^"]+", line \d+|^\s*warnings?\.warn\('),
        ('a memory address', r'\bat 0x[0-9a-fA-F]{6,}'),
        ('a torch build tag or device of this machine', r'\b\d+\.\d+\.\d+\+(?:cpu|cu\d+|rocm[\d.]+)\b|\bcuda:\d\b'),
    ]
    if me and len(me) >= 3: pats.append(('the user name', rf'[/\\]{re.escape(me)}(?:[/\\]|\b)'))
    if host and len(host) >= 5 and host.lower() not in ('localhost', 'runner'): pats.append(('the host name', rf'\b{re.escape(host)}\b'))
    return [(w, re.compile(p, re.M)) for w,p in pats if p]

RUN_PATTERNS = [(w, re.compile(p, re.M)) for w,p in [
    ('a timing', r'<th>time</th>|\b\d{1,2}:\d\d(?::\d\d)?\b|\bWall time\b|\bCPU times\b|\bper loop\b|\bloops?, best of\b|\d(?:\.\d+)? ?(?:it/s|s/it)\b|\b\d+(?:\.\d+)? ?(?:ms|µs|us|ns|sec|seconds)\b'),
    ('a date', r'\b(?:19|20)\d\d-[01]\d-[0-3]\d\b'),
    ('a widget id', r'"model_id"|application/vnd\.jupyter\.widget'),
]]

def findings(text:str, patterns:list) -> list:
    "`(what, excerpt)` for each pattern that matches `text`: the first match in context, and how many there are"
    res = []
    for what,pat in patterns:
        ms = list(pat.finditer(text))
        if not ms: continue
        a,b = max(0, ms[0].start()-50), min(len(text), ms[0].end()+30)
        res.append((what + (f' ({len(ms)} times)' if len(ms) > 1 else ''), text[a:b].replace('\n', '⏎')))
    return res

def output_text(o) -> str:
    "The text of a saved output: streams, tracebacks and every text-like mime type (images' bytes excluded)"
    if o.get('output_type') == 'stream': return ''.join(o.get('text', ''))
    if o.get('output_type') == 'error': return '\n'.join([o.get('ename', ''), o.get('evalue', ''), *o.get('traceback', [])])
    parts = []
    for mime,v in o.get('data', {}).items():
        if mime.startswith('image/') and not mime.startswith('image/svg'): continue
        parts.append(v if isinstance(v, str) else ''.join(v) if isinstance(v, list) else json.dumps(v))
    parts.append(json.dumps(o.get('metadata', {})))
    return '\n'.join(parts)

def notebook_leaks(path:Path) -> list:
    "Every leak in the saved outputs and metadata of the notebook at `path`, as readable lines"
    nb = json.loads(path.read_text())
    pats = machine_patterns() + RUN_PATTERNS
    res = [f"notebook metadata: {w}: {x!r}" for w,x in findings(json.dumps(nb.get('metadata', {})), pats)]
    if 'widgets' in nb.get('metadata', {}): res.append("notebook metadata: the widgets' saved state (new random ids every run)")
    for i,c in enumerate(nb['cells']):
        where = f"cell {i} (id {c.get('id', '?')}, {c.get('source', '')[:40]!r}...)" if isinstance(c.get('source'), str) else f"cell {i}"
        if isinstance(c.get('source'), list): where = f"cell {i} (id {c.get('id', '?')}, {''.join(c['source'])[:40]!r}...)"
        for k in ('execution', 'ExecuteTime', 'collapsed', 'scrolled'):
            if k in c.get('metadata', {}): res.append(f"{where}: cell metadata {k!r} (run nbdev-clean)")
        for j,o in enumerate(c.get('outputs', [])):
            if (found := findings(output_text(o), pats)):
                res.append(f"{where}, output {j} ({o.get('name') or o.get('output_type')}): " + '; '.join(w for w,_ in found) + f": {found[0][1]!r}")
    return res

def fail(msg:str): pytest.fail(msg, pytrace=False)

NOTEBOOKS = tracked_notebooks()

@pytest.mark.parametrize('name', NOTEBOOKS)
def test_notebook_outputs_tell_nothing_of_the_machine(name):
    "No saved output of a tracked notebook shows the machine, folder, user or run that made it"
    leaks = notebook_leaks(ROOT/name)
    if leaks: fail(f"{name}: {len(leaks)} output(s) that would differ on another machine or run:\n  " + '\n  '.join(leaks))

def test_patterns_catch_known_leaks():
    "The patterns find each kind of leak, and nothing in ordinary outputs"
    leaky = {"Path('/work/main/data/mnist_sample')": 'an absolute path',
             'Built mnist_sample in /tmp/convbook_00_data/cli': 'a temp folder',
             "convbook_data(dest:str='/home/alice/.convbook/data')": 'a home folder',
             '/root/.pyenv/versions/3.11.7/lib/python3.11/site-packages/torch/nn/modules/conv.py:380: UserWarning: x': "Python's installation",
             'conv.py:380: UserWarning: Using padding': 'a warning or traceback quoting a file',
             '<td>0.955000</td><td>00:02</td>': 'a timing',
             'CPU times: user 1.2 s, sys: 3 ms': 'a timing',
             '<function f at 0x7f3a2b1c4d60>': 'a memory address',
             "C:\\Users\\bob\\convbook\\data": 'an absolute Windows path',
             'torch 2.14.1+cu130': 'a torch build tag or device of this machine',
             'saved to tmpk3j_x9q2/a.gif': 'a temp folder',
             'on 2026-11-24': 'a date'}
    pats = machine_patterns() + RUN_PATTERNS
    for text,what in leaky.items():
        assert what in {w.split(' (')[0] for w,_ in findings(text, pats)}, (text, what, findings(text, pats))
    clean = ["['mnist_sample/train/3', 'mnist_sample/train/7']", '(tensor([[0., 0.]]), tensor(-678.))', 'torch.Size([64, 4, 26, 26])',
             "(5 + 2*2 - 1*(3 - 1) - 1)//1 + 1 = 7", '6,722 parameters, 58,608 multiply-adds per image', '<Figure size 950x380 with 10 Axes>',
             'Wrote out/a.gif', 'valid accuracy: 0.995', "{'inside': 418, 'cut': 113}", 'x[:, :, 1:3]', 'see ~/.convbook/data',
             'https://convbook.github.io/convbook/cnn.html#simple_cnn', 'mnist_path(name)/split/str(digit)']
    for text in clean: assert not findings(text, pats), (text, findings(text, pats))

def test_readme_tells_nothing_of_the_machine():
    "README.md (made from nbs/index.ipynb) shows no path, user, warning or address of the machine that built it"
    leaks = findings((ROOT/'README.md').read_text(), machine_patterns())
    if leaks: fail("README.md:\n  " + '\n  '.join(f"{w}: {x!r}" for w,x in leaks))

def test_readme_images_are_absolute_links_to_the_repository():
    "Every image of the README is a raw-file URL of the repository (PyPI shows no relative image) of a file that exists"
    from nbdev.config import get_config
    cfg = get_config(ROOT)
    raw = f"https://raw.githubusercontent.com/{cfg.user}/{cfg.repo}/{cfg.branch}/"
    txt = (ROOT/'README.md').read_text()
    srcs = re.findall(r'!\[[^\]]*\]\(([^)\s]+)', txt) + re.findall(r'<img\b[^>]*\bsrc="([^"]+)"', txt)
    assert srcs, "no image in the README"
    for s in srcs:
        assert s.startswith(raw), f"README image {s!r} is not under {raw}"
        assert (ROOT/s[len(raw):]).is_file(), f"README image {s!r}: no file {s[len(raw):]} in the repository"

class _Text(HTMLParser):
    "The visible text of a page and its link/image targets (but the site's own root-relative URLs, which the 404 page uses)"
    def __init__(self, base:str):
        super().__init__(); self.parts, self.skip, self.base = [], 0, base
    def handle_starttag(self, tag, attrs):
        if tag in ('script', 'style'): self.skip += 1
        self.parts += [f'\n{v}\n' for k,v in attrs if k in ('href', 'src', 'alt', 'title') and v and not v.startswith(self.base)]
    def handle_endtag(self, tag):
        if tag in ('script', 'style'): self.skip -= 1
    def handle_data(self, data):
        if not self.skip: self.parts.append(data)

def page_text(path:Path) -> str:
    from urllib.parse import urlparse
    from nbdev.config import get_config
    p = _Text(urlparse(get_config(ROOT).doc_url).path.rstrip('/') + '/')
    p.feed(path.read_text())
    return re.sub(r'[ \t]*\n\s*', '\n', ''.join(p.parts))

def test_pages_tell_nothing_of_the_machine(site):
    "No built page (text, links, image sources) nor the search index shows a path, user, warning or address of the build machine"
    dest, _ = site
    pats = machine_patterns()
    bad = []
    for f in sorted(dest.rglob('*.html')):
        if (found := findings(page_text(f), pats)): bad.append(f"{f.name}: " + '; '.join(w for w,_ in found) + f": {found[0][1]!r}")
    idx = dest/'search'/'search_index.json'
    if idx.exists() and (found := findings(idx.read_text(), pats)):
        bad.append("search/search_index.json: " + '; '.join(w for w,_ in found) + f": {found[0][1]!r}")
    if bad: fail(f"{len(bad)} page(s) of the built site show the build machine:\n  " + '\n  '.join(bad))

def tree_digest(d:Path) -> dict:
    "`{relative path: sha1}` of every file under `d`"
    return {p.relative_to(d).as_posix(): hashlib.sha1(p.read_bytes()).hexdigest() for p in sorted(d.rglob('*')) if p.is_file()}

def test_site_builds_are_byte_identical(site, tmp_path):
    "A second build of the site from the same notebooks gives the same files, byte for byte"
    import docs
    dest, _ = site
    again = docs.site(tmp_path/'again')
    a,b = tree_digest(dest), tree_digest(again)
    assert a.keys() == b.keys(), f"files only in one build: {sorted(a.keys() ^ b.keys())[:20]}"
    diff = [k for k in a if a[k] != b[k]]
    assert not diff, f"files that differ between two builds: {diff[:20]}"
