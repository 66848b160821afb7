"""Shared fixtures: no network for any test; the docs site built once and served on localhost; headless Chromium.

The repository's tools (tools/*.py) import as top-level modules (`import docs`, `from paths import ROOT`): pytest puts
tools/ on `sys.path` (`pythonpath` in pyproject.toml's `[tool.pytest.ini_options]`)."""
import functools, http.server, os, socket, socketserver, threading
from pathlib import Path
import pytest
from chromium import FLAGS, chromium_path
from no_network import guarded

@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    "Fail any test that opens a connection to anything but this machine"
    monkeypatch.setattr(socket.socket, 'connect', guarded(socket.socket.connect, RuntimeError))

@pytest.fixture(autouse=True)
def no_progress_in_home(monkeypatch):
    "Exercises checked by a test keep no progress in the home of whoever runs the tests (tests of progress set their own file)"
    monkeypatch.setenv('CONVBOOK_PROGRESS', 'off')

@pytest.fixture(scope='session')
def site(tmp_path_factory):
    "Build the site fresh and serve it on localhost"
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
