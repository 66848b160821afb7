"""Which saved outputs of the notebooks differ from the committed ones, cell by cell (what .ci/run prints when the
main job changed a notebook).

    python tools/outputs_diff.py            # every notebook git sees as modified, against HEAD
    python tools/outputs_diff.py nbs/06_cnn.ipynb --rev main
"""
import argparse, difflib, hashlib, json, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def output_lines(o) -> list:
    "A saved output as lines of text (images as a hash of their bytes)"
    if o.get('output_type') == 'stream': return [f"[{o.get('name')}] " + l for l in ''.join(o.get('text', '')).splitlines()]
    if o.get('output_type') == 'error': return [f"[error] {o.get('ename')}: {o.get('evalue')}"]
    res = []
    for mime,v in sorted(o.get('data', {}).items()):
        v = ''.join(v) if isinstance(v, list) else v if isinstance(v, str) else json.dumps(v)
        if mime.startswith('image/') and not mime.endswith('svg+xml'): res.append(f"[{mime}] sha1 {hashlib.sha1(v.encode()).hexdigest()[:12]}")
        else: res += [f"[{mime}] " + l for l in v.splitlines()]
    return res

def cells(nb:dict) -> dict:
    "`{cell id: (index, first line of source, output lines)}`"
    return {c.get('id', str(i)): (i, ''.join(c.get('source', '')).split('\n')[0][:60], [l for o in c.get('outputs', []) for l in output_lines(o)])
            for i,c in enumerate(nb['cells'])}

def diff(path:str, rev:str='HEAD') -> list:
    "Lines that say where and how the outputs of notebook `path` differ between `rev` and the working tree"
    old = subprocess.run(['git', 'show', f'{rev}:{path}'], cwd=ROOT, capture_output=True, text=True)
    if old.returncode: return [f"{path}: not in {rev}"]
    a,b = cells(json.loads(old.stdout)), cells(json.loads((ROOT/path).read_text()))
    res = []
    for cid,(i,src,new) in b.items():
        before = a.get(cid, (None, None, None))[2]
        if before is None: res.append(f"{path} cell {i} ({src!r}): a new cell"); continue
        if before == new: continue
        d = [l for l in difflib.unified_diff(before, new, lineterm='', n=0) if not l.startswith(('---', '+++', '@@'))]
        res.append(f"{path} cell {i} (id {cid}, {src!r}):\n    " + '\n    '.join(l[:160] for l in d[:8]) + ('\n    ...' if len(d) > 8 else ''))
    res += [f"{path}: cell {a[c][0]} (id {c}) is gone" for c in a if c not in b]
    return res

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('paths', nargs='*', help='notebooks (default: those git sees as modified)')
    p.add_argument('--rev', default='HEAD', help='the commit to compare with')
    a = p.parse_args()
    paths = a.paths or subprocess.run(['git', 'diff', '--name-only', a.rev, '--', '*.ipynb'], cwd=ROOT, capture_output=True, text=True).stdout.split()
    lines = [l for path in paths for l in diff(path, a.rev)]
    print('\n'.join(lines) if lines else 'No saved output differs.')
    return 1 if lines else 0

if __name__ == '__main__': sys.exit(main())
