"""The workbook's main job: export, execute and clean the notebooks, then rebuild README.md and the docs site.

    python tools/build.py                      # everything
    python tools/build.py --no-exec            # don't execute the notebooks (export, clean, README, site)
    python tools/build.py --no-exec --no-site  # export, clean and README only (what CI checks for sync)
    python tools/build.py --only 03_arith 04_viz   # execute only these notebooks (then clean, README, site)
    python tools/build.py --workers 1          # one notebook at a time

Notebooks run in parallel (`--workers`, 2 by default), the longest first (the times of the last build are kept in
`_proc/build_times.json`); each gets its own kernel, started in its own folder, in the environment of
tools/kernel_env.py (one thread for PyTorch, the same vector instructions on every x86 CPU, a fixed hash seed), so
that the saved outputs are the same on every machine and in every run; `tools/test.sh` gives `nbdev-test` the same
environment. The time each notebook took is printed.

README.md and the site (_site/) come from tools/docs.py; see there.
"""
import time; T0 = time.perf_counter()
import argparse, json, os, resource, subprocess, sys, tempfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
import nbformat
from nbdev.config import get_config
sys.path.insert(0, str(Path(__file__).parent))
import docs
from kernel_env import kernel_env

ROOT = Path(__file__).resolve().parents[1]
TIMES = ROOT/'_proc'/'build_times.json'

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
                o['data'] = {'text/plain': 'An interactive widget: run the notebook in Jupyter to use it.'}
    nbformat.write(nb, path)

def notebooks(nbs:Path, only=()) -> list:
    "The notebooks the main job executes: the numbered ones and the index (or those named in `only`)"
    res = sorted(nbs.glob('[0-9]*.ipynb')) + [nbs/'index.ipynb']
    if only:
        missing = set(only) - {p.stem for p in res}
        if missing: sys.exit(f"no notebook {', '.join(sorted(missing))} in {nbs.name}/: use names like 03_arith")
        res = [p for p in res if p.stem in only]
    return res

# No cell of the workbook takes a minute; a cell that runs for CELL_TIMEOUT seconds is stuck: nbclient sometimes
# never sees the end of a cell that drives ipywidgets from code (jupyter/nbclient#312: the kernel is idle, nbconvert
# waits for its reply), so such a notebook is run once more
CELL_TIMEOUT = 300

def execute(nb:Path) -> tuple:
    "Run notebook `nb` in place, in a fresh kernel started in its folder: `(seconds, cpu seconds, error or None)`"
    t0 = time.perf_counter()
    cmd = [sys.executable, '-m', 'jupyter', 'nbconvert', '--to', 'notebook', '--execute', '--inplace',
           f'--ExecutePreprocessor.timeout={CELL_TIMEOUT}', nb.name]
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen(cmd, cwd=nb.parent, env={**os.environ, **KERNEL_ENV}, stdout=subprocess.DEVNULL, stderr=err)
        if hasattr(os, 'wait4'):   # the CPU time of nbconvert and of the kernel it started
            _, status, ru = os.wait4(p.pid, 0)
            p.returncode, cpu = os.waitstatus_to_exitcode(status), ru.ru_utime + ru.ru_stime
        else: p.wait(); cpu = float('nan')
        err.seek(0); stderr = err.read().decode(errors='replace')
    if p.returncode:
        i = max(stderr.find('An error occurred while executing'), stderr.find('A cell timed out'))
        return time.perf_counter() - t0, cpu, f"{nb.name} failed: {(stderr[i:] if i >= 0 else stderr[-3000:]).strip()}"
    drop_widget_state(nb)
    return time.perf_counter() - t0, cpu, None

def execute_notebooks(nbs:Path, workers:int=2, only=()) -> dict:
    "Run the notebooks, `workers` at a time and the longest first; `{name: seconds}`"
    todo = notebooks(nbs, only)
    last = json.loads(TIMES.read_text()) if TIMES.exists() else {}
    todo.sort(key=lambda p: -last.get(p.name, p.stat().st_size/1e4))   # unknown: a big notebook is probably slow
    print(f"+ executing {len(todo)} notebooks, {workers} at a time", flush=True)
    times, errors = {}, []
    with ThreadPoolExecutor(workers) as ex:
        futs, retried = {ex.submit(execute, nb): nb for nb in todo}, set()
        while futs:
            f = next(as_completed(futs))
            nb = futs.pop(f)
            times[nb.name],cpu,err = f.result()
            stuck = err and 'timed out' in err and nb not in retried
            print(f"  {nb.name:<24} {times[nb.name]:6.1f} s  (CPU {cpu:5.1f} s){'  STUCK: running it again' if stuck else '  FAILED' if err else ''}", flush=True)
            if stuck: retried.add(nb); futs[ex.submit(execute, nb)] = nb
            elif err: errors.append(err)
    if errors: sys.exit('\n'.join(errors))
    TIMES.parent.mkdir(exist_ok=True)
    TIMES.write_text(json.dumps({**last, **times}, indent=1, sort_keys=True))
    return times

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--no-exec', action='store_true', help="don't execute the notebooks")
    p.add_argument('--no-site', action='store_true', help="don't build the docs site")
    p.add_argument('--only', nargs='+', default=(), metavar='NB', help='execute only these notebooks (e.g. 03_arith)')
    p.add_argument('--workers', type=int, default=2, help='notebooks executed at a time')
    a = p.parse_args()
    cfg = get_config(ROOT)
    nbdev('nbdev-export')
    if not a.no_exec:
        t0 = time.perf_counter()
        times = execute_notebooks(cfg.nbs_path, a.workers, a.only)
        print(f"  executed in {time.perf_counter()-t0:.1f} s (the notebooks' own times add up to {sum(times.values()):.1f} s)", flush=True)
    nbdev('nbdev-clean')
    docs.readme()
    if not a.no_site: docs.site()
    cpu = sum(getattr(resource.getrusage(w), f) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN) for f in ('ru_utime', 'ru_stime'))
    print(f"Main job done in {time.perf_counter()-T0:.1f} s (CPU {cpu:.1f} s; `uptime` gives the machine's load)", flush=True)

if __name__ == '__main__': main()
