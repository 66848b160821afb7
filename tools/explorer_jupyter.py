"""Check the explorer in a real JupyterLab or Notebook 7, driven by headless Chromium (a manual check: it takes
20-45 s, too long for the test suite).

    python tools/explorer_jupyter.py lab          # or: notebook;  --shots DIR for screenshots at 1280 and 390 px

It starts the server on a free port in a temporary folder, opens a three-cell notebook, and checks that the widget
renders with no extension to install, that a traitlet set in Python redraws it (Python -> browser), that slider
moves reach Python (browser -> Python), and that hovering an output cell shows its sum. Exits 1 on a failure.
"""
import socket, subprocess, sys, tempfile, time, urllib.request
from typing import Annotated
from pathlib import Path
import nbformat
from fastcore.script import call_parse

CELLS = ["from convbook.viz import explorer\nex = explorer(5, 3, stride=2, padding=1)\nex",
         "ex.padding = 2",
         "print('from the browser: stride', ex.stride, 'kh', ex.kh)"]

def free_port() -> int:
    s = socket.socket(); s.bind(('127.0.0.1', 0)); port = s.getsockname()[1]; s.close()
    return port

def check(app:str, shots:Path|None, chromium:str='/usr/bin/chromium') -> list:
    "Run the checks in `app` ('lab' or 'notebook'); returns what went wrong (empty: all good)"
    from playwright.sync_api import sync_playwright
    problems, t0 = [], time.time()
    with tempfile.TemporaryDirectory() as root:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
        nb.metadata['kernelspec'] = dict(name='python3', display_name='Python 3', language='python')
        (Path(root)/'nb').mkdir()
        nbformat.write(nb, Path(root)/'nb'/'explorer.ipynb')   # and the server keeps its workspace and settings here too
        port, token = free_port(), 'explorer-check'
        srv = subprocess.Popen([sys.executable, '-m', 'jupyter', app, '--allow-root', '--ip', '127.0.0.1', '--port', str(port),
                                '--no-browser', f'--IdentityProvider.token={token}', f'--ServerApp.root_dir={root}/nb',
                                f'--LabApp.workspaces_dir={root}/workspaces', f'--LabApp.user_settings_dir={root}/settings'],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(240):
                try: urllib.request.urlopen(f'http://127.0.0.1:{port}/api/status?token={token}'); break
                except OSError: time.sleep(0.25)
            path = 'lab/tree' if app == 'lab' else 'notebooks'
            with sync_playwright() as p:
                b = p.chromium.launch(executable_path=chromium, args=['--headless', '--no-sandbox', '--disable-gpu'])
                for width in (1280, 390):
                    page = b.new_page(viewport=dict(width=width, height=1000))
                    errors = []
                    page.on('pageerror', lambda e: errors.append(str(e)))
                    page.goto(f'http://127.0.0.1:{port}/{path}/explorer.ipynb?token={token}')
                    page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', state='attached', timeout=90000)
                    page.wait_for_function("() => document.querySelectorAll('.jp-Cell').length >= 3", timeout=90000)
                    if app == 'lab' and width < 600:                         # a phone: fold Lab's file browser away first
                        page.locator('.jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current').first.click()
                    for attempt in range(3):                                 # the first keys can come before the notebook listens
                        time.sleep(2)
                        page.locator('.jp-Cell .jp-InputArea-editor').first.click()
                        page.keyboard.press('Shift+Enter')
                        try: page.wait_for_selector('.cbx .cbx-svg', timeout=40000); break
                        except Exception:
                            if attempt == 2: raise
                    code = lambda: page.locator('.cbx-code').first.inner_text()
                    if 'stride=2, padding=1' not in code(): problems.append(f'{width}px: first drawing: {code()!r}')
                    page.locator('.jp-Cell .jp-InputArea-editor').nth(1).click()
                    page.keyboard.press('Shift+Enter')                      # ex.padding = 2
                    page.wait_for_function("() => document.querySelector('.cbx-code').textContent.includes('padding=2')", timeout=30000)
                    page.locator('.cbx input[data-key=stride]').fill('1')
                    page.locator('.cbx input[data-key=kh]').fill('5')
                    time.sleep(1)
                    page.locator('.jp-Cell .jp-InputArea-editor').nth(2).click()
                    page.keyboard.press('Shift+Enter')
                    said_js = ("() => [...document.querySelectorAll('.jp-OutputArea-output')].map(o => o.textContent)"
                               ".find(t => t.includes('from the browser:')) || ''")   # the cell's output (its code says it too)
                    page.wait_for_function(said_js, timeout=30000)
                    said = page.evaluate(said_js)
                    if 'from the browser: stride 1 kh 5' not in said: problems.append(f'{width}px: slider moves did not reach Python: {said!r}')
                    hit = page.locator('.cbx-o-hit').first
                    hit.scroll_into_view_if_needed()
                    box = hit.bounding_box()
                    page.mouse.move(box['x'] + box['width']*3.5/7, box['y'] + box['height']*2.5/5)
                    middle = 'out[0, 0, 2, 3]'                               # the middle cell of the 5x7 output
                    if middle not in page.locator('.cbx-sum').first.inner_text(): problems.append(f'{width}px: hover shows no sum of {middle}')
                    if shots:
                        shots.mkdir(parents=True, exist_ok=True)
                        page.locator('.jp-Cell').first.screenshot(path=str(shots/f'jupyter_{app}_{width}.png'))
                        page.screenshot(path=str(shots/f'jupyter_{app}_{width}_page.png'))
                    # a page error of the notebook app itself (Notebook 7 logs one on any page) is not the widget's
                    problems += [f'{width}px: page error {e}' for e in errors if 'cbx' in e or 'explorer' in e]
                    page.close()
                b.close()
        finally:
            srv.terminate(); srv.wait(20)
    print(f"{app}: {'ok' if not problems else problems} ({time.time() - t0:.0f} s)")
    return problems

@call_parse
def main(app:Annotated[str, dict(choices=['lab', 'notebook'])], # the Jupyter front end to check in
         shots:Path=None, # folder for screenshots
        ):
    "Check the explorer in a real JupyterLab or Notebook 7, driven by headless Chromium; exit 1 on a failure"
    sys.exit(1 if check(app, shots) else 0)
