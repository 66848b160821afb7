"""Is the repository in sync with what the main job gives on this machine? (`.ci/run` runs this after `tools/build.py`.)

    python tools/sync_check.py            # the work tree against HEAD; exit 1, with what differs, if out of sync

Code, exports and text must be what is committed, but a machine other than the one that saved the outputs computes
float sums in another order (its vector instructions, its thread count), so saved outputs are compared up to what
such a machine can change, and no further:
- a number with a decimal point in a text output may differ by one unit in its last printed digit, and any number
  by 1e-4 of its value;
- a figure may differ in at most 0.1% of its pixels by more than 8 levels out of 255 (colours at the edge of a
  colour map's step), and not in its size;
- a cell tagged `varies` (Jupyter's cell tags, kept by nbdev-clean: the cells that show a training run, whose numbers
  move with the machine within the ranges that the notebook's hidden checks assert) must have the same outputs with
  its numbers left out: the same tables, rows, columns and words; its figures are not compared.
Anything else that differs (a cell's source, a word, a changed value, a new or missing output, any other file) is out
of sync. "Byte-identical twice on the same machine" is checked apart from this, by `.ci/run`.
"""
import io, json, re, subprocess, sys
from base64 import b64decode
from pathlib import Path
from fastcore.script import call_parse
from paths import ROOT

WRITTEN = ('convbook', 'nbs', 'README.md', 'README_files')   # where the main job writes
VARIES = 'varies'
RTOL = 1e-4
NUM = re.compile(r'(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?')

def git(*args) -> str: return subprocess.run(['git', *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout

def changed_files() -> list:
    "Files the main job changed: tracked files that differ from HEAD, and new files where it writes"
    tracked = [l[3:] for l in git('status', '--porcelain', '--untracked-files=no').splitlines()]
    new = [l[3:] for l in git('status', '--porcelain', '--untracked-files=all', '--', *WRITTEN).splitlines() if l.startswith('??')]
    return sorted(set(tracked + new))

def close(a:str, b:str) -> bool:
    "Are two printed numbers equal up to one unit in the last printed digit, or `RTOL` of their value?"
    x, y = float(a), float(b)
    last = lambda s: 10.0**(-len(s.split('.')[1].split('e')[0].split('E')[0])) if '.' in s else 0.0   # a whole number: exact
    exp = lambda s: 10.0**int(re.split('[eE]', s)[1]) if re.search('[eE]', s) else 1.0
    return abs(x - y) <= max(last(a)*exp(a), last(b)*exp(b)) * 1.0000001 or abs(x - y) <= RTOL*max(abs(x), abs(y))

def text_problems(old:str, new:str, numbers:bool=True) -> str|None:
    "How text `new` differs from `old` beyond the tolerance (`numbers=False`: leaving numbers out altogether), or None"
    if NUM.sub('#', old) != NUM.sub('#', new):
        a, b = old.splitlines(), new.splitlines()
        i = next((i for i,(x,y) in enumerate(zip(a, b)) if NUM.sub('#', x) != NUM.sub('#', y)), min(len(a), len(b)))
        return f"text differs at line {i+1}: {a[i][:120] if i < len(a) else '(none)'!r} -> {b[i][:120] if i < len(b) else '(none)'!r}"
    if not numbers: return None
    for x,y in zip(NUM.findall(old), NUM.findall(new)):
        if x != y and not close(x, y): return f"a number changed: {x} -> {y}"
    return None

def image_problems(old:bytes, new:bytes) -> str|None:
    "How image `new` differs from `old` beyond the tolerance, or None"
    if old == new: return None
    import numpy as np
    from PIL import Image
    a, b = (np.asarray(Image.open(io.BytesIO(x)).convert('RGBA'), dtype=np.int16) for x in (old, new))
    if a.shape != b.shape: return f"the figure's size changed: {a.shape[1]}x{a.shape[0]} -> {b.shape[1]}x{b.shape[0]}"
    share = (np.abs(a - b).max(-1) > 8).mean()
    return f"{share:.2%} of the figure's pixels changed" if share > 0.001 else None

def outputs_of(c:dict) -> list:
    "A cell's outputs as `(kind, value)`: text as one string per output and mime type, images as bytes"
    res = []
    for o in c.get('outputs', []):
        t = o.get('output_type')
        if t == 'stream': res.append((f"stream {o.get('name')}", ''.join(o.get('text', '')))); continue
        if t == 'error': res.append(('error', f"{o.get('ename')}: {o.get('evalue')}")); continue
        for mime,v in sorted(o.get('data', {}).items()):
            v = ''.join(v) if isinstance(v, list) else v if isinstance(v, str) else json.dumps(v, sort_keys=True)
            res.append((mime, b64decode(v) if mime.startswith('image/') and not mime.endswith('svg+xml') else v))
    return res

def notebook_problems(old:dict, new:dict) -> list:
    "What differs between two versions of a notebook beyond what another machine may change"
    res = []
    strip = lambda nb: [{k: v for k,v in c.items() if k != 'outputs'} for c in nb['cells']]
    if strip(old) != strip(new) or old.get('metadata') != new.get('metadata'):
        a, b = strip(old), strip(new)
        i = next((i for i,(x,y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        return [f"cell {i}: its source, id or metadata changed (or cells were added or removed)" if a != b else "the notebook's metadata changed"]
    for i,(c,d) in enumerate(zip(old['cells'], new['cells'])):
        if c['cell_type'] != 'code': continue
        varies = VARIES in c.get('metadata', {}).get('tags', [])
        a, b = outputs_of(c), outputs_of(d)
        if [k for k,_ in a] != [k for k,_ in b]:
            res.append(f"cell {i} (id {c.get('id')}): its outputs changed kind: {[k for k,_ in a]} -> {[k for k,_ in b]}"); continue
        for (kind,x),(_,y) in zip(a, b):
            if isinstance(x, bytes): p = None if varies else image_problems(x, y)
            else: p = text_problems(x, y, numbers=not varies)
            if p: res.append(f"cell {i} (id {c.get('id')}), {kind}: {p}"); break
    return res

def file_problems(path:str, rev:str='HEAD') -> list:
    "What differs in file `path` (relative to the repository) between `rev` and the work tree, beyond the tolerance"
    f = ROOT/path
    old = subprocess.run(['git', 'show', f'{rev}:{path}'], cwd=ROOT, capture_output=True)
    if old.returncode: return [f"{path}: a new file"]
    if not f.exists(): return [f"{path}: deleted"]
    new = f.read_bytes()
    if new == old.stdout: return []
    if path.endswith('.ipynb'): return [f"{path} {p}" for p in notebook_problems(json.loads(old.stdout), json.loads(new))]
    if path.endswith('.png') and path.startswith('README_files/'):
        p = image_problems(old.stdout, new); return [f"{path}: {p}"] if p else []
    if path == 'README.md':
        p = text_problems(old.stdout.decode(), new.decode()); return [f"{path}: {p}"] if p else []
    return [f"{path}: changed"]

@call_parse
def main(rev:str='HEAD', # the commit to compare with
         repo:str=None,  # the repository to check (default: the one this file is in)
        ):
    "Is the repository in sync with what the main job gives on this machine? Exit 1, saying what differs, if not"
    global ROOT
    if repo: ROOT = Path(repo).resolve()
    problems = [q for f in changed_files() for q in file_problems(f, rev)]
    if problems:
        print("The main job changed the repository beyond what another machine may change: run 'python tools/build.py' and "
              "commit, or make the output the same on every machine (see tools/sync_check.py):\n  " + '\n  '.join(problems), file=sys.stderr)
        sys.exit(1)
    print("In sync: the main job gave the committed files (outputs up to the tolerance of tools/sync_check.py).")
