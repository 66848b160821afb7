"""Execute one notebook in place, as `jupyter nbconvert --to notebook --execute --inplace` does (nbconvert runs
nbclient's `NotebookClient`, and so does this), but without nbclient's lost wake-ups.

    python tools/run_nb.py nbs/04_viz.ipynb [--timeout 600]

nbclient waits for a cell's reply and outputs with one long `poll` on each channel's socket. When a cell sends a
burst of messages (04_viz's cell that drives ipywidgets sliders from code), that poll sometimes misses the reply's
arrival and sleeps on until the cell's timeout, with the kernel long idle (jupyter/nbclient#312; here 2 main jobs
in 5 waited 300 s or more on 04_viz's cell `a9c87207`). A poll that misses the output messages instead gives up
after `iopub_timeout` and the cell loses outputs. So here every wait on the shell and iopub channels is cut into
polls of at most a second, each of which first looks at what has already arrived.
"""
import asyncio, os, sys, time
from pathlib import Path
from queue import Empty
sys.modules.setdefault('rfc3987_syntax', None)   # jsonschema's 'iri' check, which nbformat never asks for: a second of CPU
import nbformat
from nbclient import NotebookClient
from fastcore.script import call_parse

SLICE = 1.0   # seconds: the longest a message can wait unseen

def sliced(get_msg):
    "A channel's `get_msg`, polling in slices of `SLICE` seconds until `timeout` (None: forever)"
    async def get(timeout=None):
        end = None if timeout is None else time.monotonic() + timeout
        while True:
            left = SLICE if end is None else min(SLICE, max(0.0, end - time.monotonic()))
            try: return await get_msg(timeout=left)
            except Empty:
                if end is not None and time.monotonic() >= end: raise
    return get

class SlicedClient(NotebookClient):
    "nbclient's `NotebookClient`, with the shell and iopub channels polled in short slices"
    async def async_start_new_kernel_client(self):
        kc = await super().async_start_new_kernel_client()
        for ch in (kc.shell_channel, kc.iopub_channel):
            if asyncio.iscoroutinefunction(ch.get_msg): ch.get_msg = sliced(ch.get_msg)
        return kc

def run(path:Path, timeout:int=600):
    "Execute the notebook at `path` in a new kernel started in its folder, and save it with its outputs"
    nb = nbformat.read(path, as_version=4)
    name = os.environ.get('CONVBOOK_KERNEL_NAME')   # tools/build.py's forked kernels (tools/kernel_server.py), if set
    try: SlicedClient(nb, timeout=timeout, resources={'metadata': {'path': str(Path(path).parent)}}, **({'kernel_name': name} if name else {})).execute()
    except Exception:   # say which cell: the first with an error output, or else the last that ran
        ran = [i for i,c in enumerate(nb.cells) if c.cell_type == 'code' and (c.get('execution_count') or c.get('outputs'))]
        bad = next((i for i,c in enumerate(nb.cells) if any(o.get('output_type') == 'error' for o in c.get('outputs', []))), ran[-1] + 1 if ran else 0)
        code = [i for i,c in enumerate(nb.cells) if c.cell_type == 'code']
        if bad < len(nb.cells):
            print(f"FAILED CELL: cell {bad} (code cell {code.index(bad) + 1 if bad in code else '?'} of {len(code)}, id {nb.cells[bad].get('id', '?')})", file=sys.stderr)
        raise
    nbformat.write(nb, path)

@call_parse
def main(path:str,        # the notebook to execute
         timeout:int=600, # seconds one cell may take
        ):
    "Execute one notebook in place, as `jupyter nbconvert --to notebook --execute --inplace` does"
    run(Path(path).resolve(), timeout)
