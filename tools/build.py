"""The workbook's main job: export, execute and clean the notebooks, then rebuild README.md and the docs site.

    python tools/build.py                      # everything
    python tools/build.py --no-exec            # don't execute the notebooks (export, clean, README, site)
    python tools/build.py --no-exec --no-site  # export, clean and README only (what CI checks for sync)
    python tools/build.py --only api/03_arith course/04_viz   # execute only these notebooks (then clean, README, site)
    python tools/build.py --workers 1          # one notebook at a time

Notebooks run in parallel (`--workers`, 2 by default), the longest first (the times of the last build are kept in
`.build_times.json`); each gets its own kernel, started in its own folder by tools/run_nb.py (what
`jupyter nbconvert --execute --inplace` does, without nbclient's lost wake-ups), in the environment of
tools/kernel_env.py (one thread for PyTorch, the same vector instructions on every x86 CPU, a fixed hash seed), so
that the saved outputs are the same on every machine and in every run; `tools/test.sh` gives `nbdev-test` the same
environment. The time and CPU time each notebook took are printed.

README.md and the site (_site/) come from tools/docs.py; see there. Before the notebooks run, tools/colab.py gives each
course chapter its "Open in Colab" link and install cell.
"""
import time; T0 = time.perf_counter()
import contextlib, json, os, resource, subprocess, sys, tempfile
# jsonschema, which nbformat imports, imports rfc3987_syntax where it is installed, only to check the format 'iri',
# which nothing here uses (nbformat validates notebooks with fastjsonschema); that import builds a grammar, a second
# and more of CPU in every process that reads a notebook: here, and in each notebook's runner (tools/run_nb.py)
sys.modules.setdefault('rfc3987_syntax', None)
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
import nbformat
from nbdev.config import get_config
from fastcore.script import call_parse
from typing import Annotated
import colab, docs
from kernel_env import kernel_env
from paths import ROOT

TIMES = ROOT/'.build_times.json'   # not in _proc/: nbdev empties that when pyproject.toml is newer, and nbdev-export rewrites it

# Every kernel's environment: one thread, the same vector instructions on every x86 CPU, a fixed hash seed (see
# tools/kernel_env.py); matplotlib's inline backend, which ipykernel would choose, whatever MPLBACKEND the shell has
KERNEL_ENV = {**kernel_env(), 'MPLBACKEND': 'module://matplotlib_inline.backend_inline'}

def nbdev(name:str):
    "Run nbdev's command `name` (`nbdev-export`, `nbdev-clean`) in this process, from the repository's root"
    from nbdev.doclinks import nbdev_export
    from nbdev.clean import nbdev_clean
    print('+', name, flush=True)
    cwd = os.getcwd(); os.chdir(ROOT)
    try: nbdev_export(path=None) if name == 'nbdev-export' else nbdev_clean(fname=None)
    finally: os.chdir(cwd)

WIDGET = 'application/vnd.jupyter.widget-view+json'

def drop_widget_state(path):
    "Widgets only work with a live kernel, and their saved state gets new random ids every run: keep their text only"
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop('widgets', None)
    for c in nb.cells:
        for o in c.get('outputs', []):
            if WIDGET in o.get('data', {}):
                o['data'] = {'text/plain': 'An interactive widget: run the notebook in Jupyter to use it.',
                             **{k: v for k, v in o['data'].items() if k == 'text/html'}}   # a widget's static fallback (the explorer's), if it has one
    nbformat.write(nb, path)

def notebooks(nbs:Path, only=()) -> list:
    "The notebooks the main job executes: the reference (`api/`), the course (`course/`) and the pages at the top (or those named in `only`, as `api/03_arith`)"
    res = sorted(nbs.glob('api/[0-9]*.ipynb')) + sorted(nbs.glob('course/[0-9]*.ipynb')) + sorted(nbs.glob('[!_]*.ipynb'))
    if only:
        names = {nb_name(p, nbs) for p in res}
        missing = set(only) - names
        if missing: sys.exit(f"no notebook {', '.join(sorted(missing))} in {nbs.name}/: use names like api/03_arith or course/03_arith")
        res = [p for p in res if nb_name(p, nbs) in only]
    return res

def nb_name(p:Path, nbs:Path) -> str:
    "A notebook's name for `--only` and the build times: its path under nbs/ without `.ipynb` (`api/03_arith`)"
    return p.relative_to(nbs).with_suffix('').as_posix()

# Each notebook runs in tools/run_nb.py: nbclient, as `jupyter nbconvert --execute` runs it, without the lost
# wake-ups that made 04_viz wait 300 s and more for a finished cell (jupyter/nbclient#312, see there). Should a
# notebook still stop using CPU, it and its kernel for STALL seconds in a row, it is stopped and run once more.
# CELL_TIMEOUT is the most one cell may take.
STALL, CELL_TIMEOUT = 30, 600

def _procs() -> dict:
    "`{pid: (parent pid, CPU seconds of it and of its children that have ended)}` of every process (Linux's /proc)"
    tick, res = os.sysconf('SC_CLK_TCK'), {}
    for d in Path('/proc').iterdir():
        if not d.name.isdigit(): continue
        try: st = (d/'stat').read_text().rsplit(')', 1)[1].split()
        except OSError: continue
        res[int(d.name)] = (int(st[1]), sum(map(int, st[11:15]))/tick)   # its own CPU, and its finished children's
    return res

def tree(pid:int, procs:dict) -> list:
    "Process `pid` and all its descendants, a forked kernel (tools/kernel_server.py) counting as its kernel process's child"
    res, todo = [], [pid]
    while todo:
        p = todo.pop(); res.append(p)
        todo += [c for c,(pp,_) in procs.items() if pp == p]
        forked = FORKED/f'convbook-kernel-{p}'
        try: todo.append(int(forked.read_text()))
        except (OSError, ValueError): pass
    return res

def tree_cpu(pid:int, acc:dict|None=None) -> float:
    """CPU seconds used so far by process `pid` and its descendants; with `acc` (`{pid: CPU}` of earlier calls, updated),
    also by those that have ended since (a forked kernel is nobody's child here, so its CPU would vanish with it)"""
    procs, acc = _procs(), ({} if acc is None else acc)
    for p in tree(pid, procs):
        if p in procs: acc[p] = max(acc.get(p, 0.), procs[p][1])
    return sum(acc.values())

def wait_watching(p:subprocess.Popen) -> tuple:
    "Wait for `p`, stopping it if it and its children use (almost) no CPU for `STALL` seconds: `(CPU seconds, stuck?)`"
    if not (hasattr(os, 'wait4') and Path('/proc/self/stat').exists()): p.wait(); return float('nan'), False
    seen, acc = [], {}                                   # (time, CPU so far), five a second; CPU of each process seen
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            p.returncode = os.waitstatus_to_exitcode(status)
            # the runner's CPU and its kernel's (a forked kernel's, as last seen, is not the runner's child's)
            return max(ru.ru_utime + ru.ru_stime, seen[-1][1] if seen else 0.), False
        seen.append((time.monotonic(), tree_cpu(p.pid, acc)))
        old = [c for t,c in seen if t <= seen[-1][0] - STALL]
        if old and seen[-1][1] - old[-1] < 0.1:          # a working kernel uses a good part of a core; idle ones none
            for k in tree(p.pid, _procs())[1:]: os.kill(k, 9)
            p.kill(); p.wait()
            return seen[-1][1], True
        time.sleep(0.2)

def execute(nb:Path) -> tuple:
    "Run notebook `nb` in place, in a fresh kernel started in its folder: `(seconds, CPU seconds, error or None)`"
    t0 = time.perf_counter()
    cmd = [sys.executable, str(Path(__file__).parent/'run_nb.py'), nb.name, '--timeout', str(CELL_TIMEOUT)]
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen(cmd, cwd=nb.parent, env={**os.environ, **KERNEL_ENV}, stdout=subprocess.DEVNULL, stderr=err)
        cpu, stuck = wait_watching(p)
        err.seek(0); stderr = err.read().decode(errors='replace')
    if stuck: return time.perf_counter() - t0, cpu, f"{nb.parent.name}/{nb.name} is stuck: no CPU used for {STALL} s"
    if p.returncode:
        i = max(stderr.rfind('An error occurred while executing'), stderr.rfind('A cell timed out'))
        where = next((l.split(': ', 1)[1] for l in stderr.splitlines() if l.startswith('FAILED CELL: ')), 'a cell')
        name = nb_name(nb, nb.parents[1] if nb.parent.name in ('api', 'course') else nb.parent)
        return time.perf_counter() - t0, cpu, (f"{nb.parent.name}/{nb.name} failed at {where}:\n{(stderr[i:] if i >= 0 else stderr[-3000:]).strip()}\n"
                                               f"To run just this notebook again: python tools/build.py --only {name}")
    drop_widget_state(nb)
    return time.perf_counter() - t0, cpu, None

FORKED = Path(tempfile.gettempdir())/'convbook-kernels'   # where tools/kernel_server.py notes which kernel it forked for whom

@contextlib.contextmanager
def kernel_server(fresh:bool=False):
    """Kernels forked from tools/kernel_server.py's server, which has imported PyTorch, matplotlib, pandas and fastai
    once (in the kernels' environment), so that no notebook pays for them; `fresh`: every kernel a new process"""
    if fresh: yield; return
    FORKED.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as d:
        import kernel_server as ks
        sock = f"{d}/server"
        srv = subprocess.Popen([sys.executable, str(Path(ks.__file__)), 'serve', sock], env={**os.environ, **KERNEL_ENV})
        env = dict(CONVBOOK_KERNEL_SERVER=sock, CONVBOOK_KERNEL_NAME=ks.kernelspec(d), CONVBOOK_KERNEL_PIDS=str(FORKED),
                   JUPYTER_PATH=os.pathsep.join(filter(None, [d, os.environ.get('JUPYTER_PATH')])))
        saved = {k: os.environ.get(k) for k in env}
        try:
            while not Path(sock).exists():
                if srv.poll() is not None: sys.exit("tools/kernel_server.py could not start: run with --fresh-kernels")
                time.sleep(0.1)
            os.environ.update(env)
            yield
        finally:
            for k,v in saved.items():
                if v is None: os.environ.pop(k, None)
                else: os.environ[k] = v
            srv.terminate(); srv.wait()

def execute_notebooks(nbs:Path, workers:int=2, only=(), fresh:bool=False) -> dict:
    "Run the notebooks, `workers` at a time and the longest first (in forked kernels unless `fresh`); `{name: seconds}`"
    todo = notebooks(nbs, only)
    last = json.loads(TIMES.read_text()) if TIMES.exists() else {}
    key = lambda p: nb_name(p, nbs)
    todo.sort(key=lambda p: -last.get(key(p), p.stat().st_size/1e4))   # unknown: a big notebook is probably slow
    print(f"+ executing {len(todo)} notebooks, {workers} at a time", flush=True)
    times, errors = {}, []
    before = {nb: nb.read_bytes() for nb in todo}   # a failing main job puts every notebook back as it was
    with kernel_server(fresh), ThreadPoolExecutor(workers) as ex:
        futs, retried = {ex.submit(execute, nb): nb for nb in todo}, set()
        while futs:
            f = next(as_completed(futs))
            nb = futs.pop(f)
            times[key(nb)],cpu,err = f.result()
            stuck = err and err.endswith(f'no CPU used for {STALL} s') and nb not in retried
            print(f"  {key(nb):<24} {times[key(nb)]:6.1f} s  (CPU {cpu:5.1f} s){'  STUCK: running it again' if stuck else '  FAILED' if err else ''}", flush=True)
            if stuck: retried.add(nb); futs[ex.submit(execute, nb)] = nb
            elif err: errors.append(err)
    if errors:
        for nb,b in before.items(): nb.write_bytes(b)
        sys.exit('\n\n'.join(errors) + '\n\nThe main job stopped; every notebook it ran is back as it was.')
    TIMES.write_text(json.dumps({**last, **times}, indent=1, sort_keys=True))
    return times

@call_parse
def main(no_exec:bool=False,       # don't execute the notebooks
         no_site:bool=False,       # don't build the docs site
         only:Annotated[str, dict(nargs='+', metavar='NB')]=(), # execute only these notebooks (e.g. api/03_arith)
         workers:int=2,            # notebooks executed at a time
         fresh_kernels:bool=False, # start every kernel afresh, not forked from tools/kernel_server.py
        ):
    "The workbook's main job: export, execute and clean the notebooks, then rebuild README.md and the docs site"
    cfg = get_config(ROOT)
    phases, t = {}, time.perf_counter()
    def phase(name):                # the time since the last phase ended
        nonlocal t
        phases[name] = time.perf_counter() - t; t = time.perf_counter()
    nbdev('nbdev-export')
    colab.main()                  # each course chapter's Colab link and install cell, before the chapters run
    phase('export')
    if not no_exec:
        times = execute_notebooks(cfg.nbs_path, workers, only, fresh_kernels)
        phase('notebooks')
        print(f"  executed in {phases['notebooks']:.1f} s (the notebooks' own times add up to {sum(times.values()):.1f} s)", flush=True)
    nbdev('nbdev-clean')
    docs.readme()
    phase('clean and README')
    if not no_site:
        docs.site()
        phase('site')
    cpu = sum(getattr(resource.getrusage(w), f) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN) for f in ('ru_utime', 'ru_stime'))
    print(f"Main job done in {time.perf_counter()-T0:.1f} s: {', '.join(f'{k} {v:.1f} s' for k,v in phases.items())} "
          f"(CPU {cpu:.1f} s; `uptime` gives the machine's load)", flush=True)
