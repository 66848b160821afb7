"""Shared fixtures: no network for any test; the docs site built once and served on localhost; headless Chromium."""
import functools, http.server, os, shutil, socket, socketserver, sys, threading
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
DEBIAN_CHROMIUM = '/usr/bin/chromium'   # Debian's chromium package (Ubuntu's is a snap, which CI runners lack)
FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage']

@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    "Fail any test that opens a connection to anything but this machine"
    real = socket.socket.connect
    def connect(self, addr, *a):
        host = addr[0] if isinstance(addr, tuple) else addr
        if isinstance(host, str) and not (host.startswith('127.') or host in ('localhost', '::1', '')) and self.family != socket.AF_UNIX:
            raise RuntimeError(f"test tried to reach the network: {addr}")
        return real(self, addr, *a)
    monkeypatch.setattr(socket.socket, 'connect', connect)

@pytest.fixture(autouse=True)
def no_progress_in_home(monkeypatch):
    "Exercises checked by a test keep no progress in the home of whoever runs the tests (tests of progress set their own file)"
    monkeypatch.setenv('CONVBOOK_PROGRESS', 'off')

@pytest.fixture(scope='session')
def site(tmp_path_factory):
    "Build the site fresh and serve it on localhost"
    sys.path.insert(0, str(ROOT/'tools'))
    import docs
    dest = docs.site(tmp_path_factory.mktemp('site'))
    # nbdev's processing runs the notebooks' cells that import, here: some point progress at a file of their own
    # (`set_progress`), which would outlive the build in this process; tests that run later get the default back
    import convbook.workbook; convbook.workbook.set_progress(None)
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a): pass
    class Server(socketserver.ThreadingTCPServer): daemon_threads = True   # Chromium fetches a page's files in parallel
    srv = Server(('127.0.0.1', 0), functools.partial(Quiet, directory=str(dest)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield dest, f'http://127.0.0.1:{srv.server_address[1]}/'
    srv.shutdown(); srv.server_close()

def chromium_path(p) -> str:
    """The Chromium to drive with playwright `p`: Debian's if it is installed, else playwright's own download
    (`python -m playwright install chromium`); `CONVBOOK_CHROMIUM=playwright` (what the CI workflow sets) or
    `CONVBOOK_CHROMIUM=/path/to/chrome` chooses"""
    choice = os.environ.get('CONVBOOK_CHROMIUM', '')
    if choice == 'playwright': return p.chromium.executable_path
    return choice or (DEBIAN_CHROMIUM if Path(DEBIAN_CHROMIUM).exists() else p.chromium.executable_path)

@pytest.fixture(scope='session')
def browser():
    "Headless Chromium (see `chromium_path`)"
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        exe = chromium_path(p)
        if not Path(exe).exists():
            msg = "the browser test needs Chromium: Debian's (apt-get install chromium) or playwright's (python -m playwright install chromium)"
            if os.environ.get('CI'): pytest.fail(msg)
            pytest.skip(msg)
        b = p.chromium.launch(executable_path=exe, args=FLAGS)
        yield b
        b.close()
