"""Notebook kernels forked from one process that has already imported what the notebooks import.

    python tools/kernel_server.py serve SOCKET          # the server (tools/build.py starts and stops it)
    python tools/kernel_server.py kernel -f CONN.json   # what Jupyter starts as the kernel (the kernelspec's argv)

Every notebook of the main job starts a kernel, and every kernel used to spend 3 to 6 s of CPU importing PyTorch,
matplotlib, pandas and fastai before its first cell ran: with 24 notebooks, about half the main job. Here one server
imports them once (`PRELOAD`), in the main job's kernel environment (tools/kernel_env.py, which also fixes the hash
seed), and forks a kernel for each notebook: the child has the imports already and starts an ordinary ipykernel on
the connection file that Jupyter gave. Nothing else is shared: the server creates no ZeroMQ context, thread or file
before it forks, and each child starts in its notebook's folder with the environment and the standard streams of the kernel process
Jupyter started (so that what a kernel prints goes where a kernel's own would).

Jupyter starts `kernel` as the kernel process (the kernelspec written by `kernelspec`): it asks the server for a child
and stays until the child ends, passing on interrupts; the child ends itself if this process is killed.
`python tools/build.py --fresh-kernels` starts every kernel afresh instead, to compare: the saved outputs are the same
bytes (checked on notebooks with figures, tables and fastai training). Preloading pandas, matplotlib.pyplot or fastai
would not be: each decides at import whether it runs in Jupyter (pandas' column width, matplotlib's inline figures,
fastai's progress bars), and the server is not in Jupyter.
"""
import json, os, signal, socket, sys, threading, time
from pathlib import Path

PRELOAD = ('numpy', 'torch', 'torch.nn.functional', 'PIL.Image', 'matplotlib', 'matplotlib.figure', 'zmq', 'tornado', 'IPython', 'ipykernel.kernelapp', 'ipykernel.ipkernel')
CHILDREN = Path(os.environ.get('CONVBOOK_KERNEL_PIDS', '/tmp'))   # `<kernel process pid>` files naming the forked child

def _preload():
    import importlib, warnings
    with warnings.catch_warnings():      # a warning at import shows here, never in a notebook: the notebooks filter their own
        warnings.simplefilter('ignore')
        for m in PRELOAD: importlib.import_module(m)

def _watch(pid:int):
    "End this (forked kernel) process when the kernel process Jupyter started, `pid`, is gone"
    def run():
        while True:
            try: os.kill(pid, 0)
            except ProcessLookupError: os._exit(1)
            time.sleep(0.5)
    threading.Thread(target=run, daemon=True).start()

def _child(req:dict, fds:list):
    "In the forked child: become the kernel Jupyter asked for, with the kernel process's standard streams `fds`"
    for i,fd in enumerate(fds): os.dup2(fd, i); os.close(fd)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.chdir(req['cwd'])
    os.environ.clear(); os.environ.update(req['env'])
    if sys.path and Path(sys.path[0] or '.').resolve() == Path(__file__).resolve().parent: sys.path[0] = ''   # as `python -m ipykernel_launcher`
    sys.argv = ['ipykernel_launcher', *req['argv']]
    _watch(req['pid'])
    from ipykernel import kernelapp
    try: kernelapp.launch_new_instance()
    finally: os._exit(0)

def serve(sock_path:str):
    "Import `PRELOAD`, then fork a kernel for each request on the Unix socket `sock_path`"
    _preload()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)   # children are reaped by the system
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(sock_path); srv.listen(8)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    while True:
        conn, _ = srv.accept()
        with conn:
            msg, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)   # the request, and the kernel process's stdin, stdout, stderr
            pid = os.fork()
            if pid == 0:
                srv.close(); conn.close()
                _child(json.loads(msg), fds)
            for fd in fds: os.close(fd)
            conn.sendall(f"{pid}\n".encode())

def kernel(argv:list):
    "The kernel process Jupyter starts: ask the server for a forked kernel, pass on signals, end when it ends"
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(os.environ['CONVBOOK_KERNEL_SERVER'])
    socket.send_fds(s, [json.dumps(dict(argv=argv, cwd=os.getcwd(), env=dict(os.environ), pid=os.getpid())).encode()], [0, 1, 2])
    child = int(s.makefile().readline())
    note = CHILDREN/f'convbook-kernel-{os.getpid()}'
    note.write_text(str(child))
    def forward(sig, _):
        try: os.kill(child, sig)
        except ProcessLookupError: pass
        if sig == signal.SIGTERM: note.unlink(missing_ok=True); sys.exit(0)
    for sig in (signal.SIGINT, signal.SIGTERM): signal.signal(sig, forward)
    try:
        while Path(f'/proc/{child}').exists(): time.sleep(0.05)
    finally: note.unlink(missing_ok=True)

def kernelspec(dest:Path, name:str='convbook-fork') -> str:
    "Write a kernelspec `name` under `dest/kernels/` whose kernel is `kernel` here; put `dest` on JUPYTER_PATH to use it"
    d = Path(dest)/'kernels'/name
    d.mkdir(parents=True, exist_ok=True)
    (d/'kernel.json').write_text(json.dumps(dict(argv=[sys.executable, str(Path(__file__).resolve()), 'kernel', '-f', '{connection_file}'],
                                                 display_name='Python 3 (ipykernel)', language='python', interrupt_mode='signal')))
    return name

if __name__ == '__main__':
    if sys.argv[1] == 'serve': serve(sys.argv[2])
    elif sys.argv[1] == 'kernel': kernel(sys.argv[2:])
    else: sys.exit(__doc__)
