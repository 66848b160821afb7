"""Run the chapters as a learner runs them, on settings of this machine that a learner's machine may differ in, and
report what held and which numbers moved.

    python tools/perturb.py                       # every course chapter, practice and the home page, as a learner: default settings
    python tools/perturb.py --matrix              # the same, over the whole perturbation matrix (below); about an hour on 2 cores
    python tools/perturb.py --matrix --only course/09_stability course/06_cnn --jobs 2
    python tools/perturb.py --list                # the settings of the matrix

As a learner: the package is the wheel built from this checkout, installed in a fresh virtual environment outside the
repository (its dependencies are this interpreter's, through a `.pth`, never the checkout's editable install); every
notebook is copied to a fresh folder and run there with a fresh HOME, no `tools/kernel_env.py` (so PyTorch uses all the
cores and the widest vector instructions of the CPU) and no network.

The perturbation matrix: every combination of
- threads: 1 or 2 (`torch.set_num_threads`, and `OMP_NUM_THREADS`);
- vector instructions: the CPU's widest (`default`) or `ATEN_CPU_CAPABILITY=avx2`;
- oneDNN (`torch.backends.mkldnn.enabled`) on or off;
- the order of the image files before fastai splits and shuffles them: sorted (what `mnist_dblock` does) or reversed;
- the seed: what the chapter sets, or that plus 1 or plus 2 (every `torch.manual_seed`, `random.seed` and
  `np.random.seed` call is shifted, fastai's `set_seed` included).
Each setting is applied by an IPython start-up file of the kernel (the notebooks themselves are not changed).

The report (`--report FILE`, markdown) says, for every notebook, under how many settings it ran to the end, the first
failing cell of each that did not, and, for every saved output whose numbers moved, each number's range over the runs.
With `--measure` the notebooks run on past a failing cell, and after every cell the value of each operand of each of
its checks (`assert a < b < c`, `test_close(a, ...)`, `test_eq(a, ...)`) is recorded (`--json`: each run's `probes`):
that is how the ranges that the chapters quote and assert were measured.
"""
import itertools, json, os, re, shutil, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace
from typing import Annotated
from fastcore.script import call_parse
from venv_deps import make_venv
from paths import ROOT

NBS = ROOT/'nbs'
LEARNER_NBS = [*sorted(NBS.glob('course/[0-9]*.ipynb')), NBS/'practice.ipynb', NBS/'index.ipynb']

FACTORS = dict(threads=(1, 2), isa=('default', 'avx2'), onednn=('on', 'off'), order=('sorted', 'reversed'), seed=(0, 1, 2))
DEFAULT = dict(threads=None, isa='default', onednn='on', order='sorted', seed=0)   # a learner's machine: all its cores

def matrix(full:bool=False) -> list:
    """The settings of the perturbation matrix, as dicts of `FACTORS`: every combination of the machine's four factors,
    each with one of the three seeds in turn, so that every value of every factor meets every value of every other
    one (16 settings); `full`: also every seed with every combination (48)"""
    machine = list(itertools.product(*list(FACTORS.values())[:-1]))
    seeds = FACTORS['seed']
    rows = [(*m, s) for m in machine for s in seeds] if full else [(*m, seeds[i % len(seeds)]) for i,m in enumerate(machine)]
    return [dict(zip(FACTORS, r)) for r in rows]

def label(s:dict) -> str:
    "A setting's short name, e.g. `t2 avx2 dnn-off reversed seed+1`"
    return ' '.join([f"t{s['threads']}" if s['threads'] else 'all-threads', s['isa'], f"dnn-{s['onednn']}", s['order'], f"seed+{s['seed']}"])

STARTUP = '''# tools/perturb.py: the setting of this run
import os, random
import numpy as np, torch
SETTING = {setting!r}
if SETTING['threads']: torch.set_num_threads(SETTING['threads'])
torch.backends.mkldnn.enabled = SETTING['onednn'] == 'on'
if SETTING['seed']:
    def _shift(f):
        def seeded(s=None, *a, **k): return f(s if s is None else s + SETTING['seed'], *a, **k)
        return seeded
    torch.manual_seed, random.seed, np.random.seed = _shift(torch.manual_seed), _shift(random.seed), _shift(np.random.seed)
if os.environ.get('CONVBOOK_PROBES'):   # --measure: the value of every operand of every check, after each cell
    import ast, json
    def _value(v):
        if hasattr(v, 'numel') and v.numel() == 1: v = v.item()
        if hasattr(v, 'item') and getattr(v, 'ndim', None) == 0: v = v.item()   # numpy's scalars
        if hasattr(v, 'tolist') and getattr(v, 'ndim', 2) <= 1 and len(v) <= 10: v = v.tolist()
        return v if isinstance(v, (int, float, bool, list)) else None
    def _probe(result):
        try: tree = ast.parse(result.info.raw_cell)
        except Exception: return
        ns, found = get_ipython().user_ns, []
        for node in ast.walk(tree):
            exprs = []
            if isinstance(node, ast.Assert): exprs = [n for c in ast.walk(node.test) if isinstance(c, ast.Compare) for n in [c.left, *c.comparators]]
            elif isinstance(node, ast.Call) and getattr(node.func, 'id', '') in ('test_close', 'test_eq'): exprs = node.args[:1]
            for e in exprs:
                if isinstance(e, ast.Constant): continue
                try: v = _value(eval(compile(ast.Expression(e), '<probe>', 'eval'), ns))
                except Exception: continue
                if v is not None and not isinstance(v, list) or isinstance(v, list) and all(isinstance(x, (int, float)) for x in v): found.append((f'[{{result.execution_count}}] ' + ast.unparse(e), v))
        if found:
            with open(os.environ['CONVBOOK_PROBES'], 'a') as f: f.write(json.dumps(found) + '\\n')
    get_ipython().events.register('post_run_cell', _probe)
if SETTING['order'] == 'reversed':
    import convbook.batch as _b
    _sorted = _b.get_image_files_sorted
    def get_image_files_sorted(*a, **k): return _sorted(*a, **k)[::-1]
    _b.get_image_files_sorted = get_image_files_sorted
'''

RUN = '''import sys, nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
src, dst, here, measure = sys.argv[1:5]
nb = nbformat.read(src, as_version=4)
try: NotebookClient(nb, timeout=900, kernel_name='python3', allow_errors=measure == '1', resources={'metadata': {'path': here}}).execute()
except CellExecutionError as e: print(str(e)[-2500:], file=sys.stderr); sys.exit(3)
finally: nbformat.write(nb, dst)
'''

def build_wheel(dest:Path) -> Path:
    "The wheel of this checkout, built into `dest`"
    r = subprocess.run([sys.executable, '-m', 'pip', 'wheel', '-q', '--no-deps', '--no-build-isolation', '-w', str(dest), str(ROOT)],
                       capture_output=True, text=True)
    if r.returncode: sys.exit(f"could not build the wheel:\n{r.stderr[-2000:]}")
    return next(dest.glob('convbook-*.whl'))

def learner_env(tmp:Path, wheel:Path) -> Path:
    "A virtual environment in `tmp` with only the wheel installed, and this interpreter's packages visible (tools/venv_deps.py): its python"
    py = make_venv(tmp/'venv')
    r = subprocess.run([sys.executable, '-m', 'pip', '--python', str(py), 'install', '-q', '--no-deps', '--no-index', str(wheel)],
                       capture_output=True, text=True)
    if r.returncode: sys.exit(f"could not install the wheel:\n{r.stderr[-2000:]}")
    return py

def clean_env(home:Path, ipydir:Path) -> dict:
    "A learner's environment: no kernel settings of the main job, a fresh HOME, an IPython folder of our own"
    keep = ('PATH', 'LANG', 'LC_ALL', 'TMPDIR', 'TERM')
    return {**{k: v for k,v in os.environ.items() if k in keep}, 'HOME': str(home), 'IPYTHONDIR': str(ipydir),
            'MPLBACKEND': 'module://matplotlib_inline.backend_inline', 'PYTHONNOUSERSITE': '1'}

def run_one(py:Path, nb:Path, setting:dict, work:Path, measure:bool=False) -> dict:
    "Run notebook `nb` as a learner under `setting`, in a folder of its own under `work` (`measure`: on past failing cells)"
    d = Path(tempfile.mkdtemp(dir=work)); home, ipydir, here = d/'home', d/'ipython', d/'nb'
    for p in (home, here, ipydir/'profile_default'/'startup'): p.mkdir(parents=True)
    (ipydir/'profile_default'/'startup'/'00-perturb.py').write_text(STARTUP.format(setting=setting))
    env = clean_env(home, ipydir)
    if setting['isa'] != 'default': env['ATEN_CPU_CAPABILITY'] = setting['isa']
    if setting['threads']: env['OMP_NUM_THREADS'] = str(setting['threads'])
    env.update(OMP_WAIT_POLICY='PASSIVE', GOMP_SPINCOUNT='0')   # idle threads sleep: two runs may share the cores without spinning
    if measure: env['CONVBOOK_PROBES'] = str(d/'probes.jsonl')
    src = here/nb.name; shutil.copy(nb, src)
    t0 = time.perf_counter()
    r = subprocess.run([str(py), '-c', RUN, str(src), str(d/'out.ipynb'), str(here), '1' if measure else '0'], cwd=here, env=env, capture_output=True, text=True)
    res = dict(nb=nb.relative_to(NBS).with_suffix('').as_posix(), setting=setting, ok=r.returncode == 0,
               seconds=round(time.perf_counter() - t0, 1), error=None, outputs={})
    if r.returncode: res['error'] = first_error(r.stderr)
    if (d/'probes.jsonl').exists():
        res['probes'] = {k: v for l in (d/'probes.jsonl').read_text().splitlines() for k,v in json.loads(l)}
    if (d/'out.ipynb').exists():
        res['outputs'] = numbers_of(d/'out.ipynb')
        res['errors'] = errors_of(d/'out.ipynb')
        if res['errors']: res['ok'], res['error'] = False, res['error'] or next(iter(res['errors'].values()))   # --measure: ran on
    shutil.rmtree(d, ignore_errors=True)
    return res

ANSI = re.compile(r'\x1b\[[0-9;]*m')

def errors_of(path:Path) -> dict:
    "`{cell id: the error's last lines}` of every cell that failed in an executed notebook"
    nb = json.loads(path.read_text()); res = {}
    for c in nb['cells']:
        for o in c.get('outputs', []):
            if o.get('output_type') == 'error':
                tb = [l for l in ANSI.sub('', '\n'.join(o.get('traceback', []))).splitlines() if l.strip()]
                res[c.get('id', '?')] = '\n'.join(tb[-6:])
    return res

def first_error(stderr:str) -> str:
    "The failing cell's last lines and its error, from nbclient's message"
    lines = [l for l in ANSI.sub('', stderr).strip().splitlines() if l.strip()]
    return '\n'.join(lines[-12:])

NUM = re.compile(r'-?\d+\.\d+(?:e[-+]?\d+)?|-?\d+e[-+]?\d+')

def numbers_of(path:Path) -> dict:
    "`{cell id: [numbers with a decimal point]}` of the text outputs of every code cell of an executed notebook"
    nb = json.loads(path.read_text()); res = {}
    for c in nb['cells']:
        if c['cell_type'] != 'code': continue
        txt = ''.join(''.join(o.get('text', '')) + ''.join(o.get('data', {}).get('text/plain', '')) for o in c.get('outputs', []))
        nums = [float(x) for x in NUM.findall(txt)]
        if nums: res[c.get('id', '?')] = nums
    return res

def report(results:list, settings:list) -> str:
    "The markdown report of a run"
    out = [f"{len(settings)} setting{'s' if len(settings) > 1 else ''} per notebook"
           + (f" (factors: {', '.join(f'{k} {list(v)}' for k,v in FACTORS.items())})" if len(settings) > 1 else f": {label(settings[0])}"), '',
           '| notebook | ran to the end | seconds (min-max) |', '|---|---|---|']
    by_nb = {}
    for r in results: by_nb.setdefault(r['nb'], []).append(r)
    for nb, rs in by_nb.items():
        ok = sum(r['ok'] for r in rs); secs = [r['seconds'] for r in rs]
        out.append(f"| {nb} | {ok} of {len(rs)} | {min(secs):.0f}-{max(secs):.0f} |")
    for nb, rs in by_nb.items():
        bad = [r for r in rs if not r['ok']]
        if bad:
            out += ['', f"**{nb}** stopped under {len(bad)} setting(s); the first:", '', f"- {label(bad[0]['setting'])}:", '```', bad[0]['error'], '```']
        moved = moved_numbers(rs)
        if moved:
            out += ['', f"**{nb}**: numbers that moved (cell id: min-max of each number that moved, over the runs that reached it)", '']
            out += [f"- `{cid}`: " + ', '.join(f"{lo:g}..{hi:g}" for lo,hi in spans) for cid, spans in moved.items()]
    return '\n'.join(out) + '\n'

def moved_numbers(rs:list) -> dict:
    "`{cell id: [(min, max) of each number that differs between runs]}`, for cells whose outputs have as many numbers in every run"
    res = {}
    cells = dict.fromkeys(c for r in rs for c in r['outputs'])
    for cid in cells:
        vals = [r['outputs'][cid] for r in rs if cid in r['outputs']]
        if len(vals) < 2 or len({len(v) for v in vals}) != 1: continue
        spans = [(min(col), max(col)) for col in zip(*vals) if min(col) != max(col)]
        if spans: res[cid] = spans
    return res

def run_all(a):
    "What `main` does, with its options as the attributes of `a`"
    settings = matrix(a.full) if a.matrix else [DEFAULT]
    if a.threads: settings = [s for s in settings if s['threads'] == a.threads]
    if a.list: print('\n'.join(map(label, settings))); return
    nbs = LEARNER_NBS
    if a.only:
        names = {n.relative_to(NBS).with_suffix('').as_posix(): n for n in LEARNER_NBS}
        if unknown := [o for o in a.only if o not in names]: sys.exit(f"no notebook {', '.join(unknown)}: choose from {', '.join(names)}")
        nbs = [names[o] for o in a.only]
    with tempfile.TemporaryDirectory(prefix='convbook-learner-') as tmp:
        tmp = Path(tmp)
        py = learner_env(tmp, build_wheel(tmp/'dist'))
        jobs = [(nb, s) for s in settings for nb in nbs]
        print(f"{len(jobs)} runs ({len(nbs)} notebooks x {len(settings)} settings), {a.jobs} at a time", flush=True)
        results = []
        log = open(a.json + 'l', 'w') if a.json else None     # each result as it comes, one JSON line each
        # the runs with one thread first, then those with several (whose idle threads sleep instead of spinning)
        for batch, n in (([j for j in jobs if j[1]['threads'] == 1], a.jobs), ([j for j in jobs if j[1]['threads'] != 1], a.jobs)):
            with ThreadPoolExecutor(n) as ex:
                for r in ex.map(lambda j: run_one(py, j[0], j[1], tmp, a.measure), batch):
                    results.append(r)
                    if log: log.write(json.dumps(r) + '\n'); log.flush()
                    print(f"  {'ok  ' if r['ok'] else 'FAIL'} {r['nb']:<22} {label(r['setting']):<40} {r['seconds']:6.1f} s", flush=True)
    if a.json: Path(a.json).write_text(json.dumps(results, indent=1))
    text = report(results, settings)
    if a.report: Path(a.report).write_text(text)
    else: print(text)
    sys.exit(0 if all(r['ok'] for r in results) else 1)

@call_parse
def main(matrix:bool=False,  # every setting of the perturbation matrix, not only a learner's default settings
         only:Annotated[str, dict(nargs='+', metavar='NB')]=(), # these notebooks only, e.g. course/09_stability
         jobs:int=2,         # runs at a time
         report:str=None,    # write the markdown report here (default: print it)
         json:str=None,      # write every run's result here
         full:bool=False,    # with --matrix: every seed with every combination of the other factors
         measure:bool=False, # run on past failing cells, to see every check that fails and every number
         threads:int=None,   # with --matrix: only the settings with this many threads
         list:bool=False,    # list the settings and stop
        ):
    "Run the chapters as a learner runs them, on settings in which a learner's machine may differ from this one"
    run_all(SimpleNamespace(matrix=matrix, only=only, jobs=jobs, report=report, json=json, full=full, measure=measure,
                            threads=threads, list=list))
