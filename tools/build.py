"""The workbook's main job: export, execute and clean the notebooks, then rebuild README.md and the docs site.

    python tools/build.py                    # everything
    python tools/build.py --no-exec          # don't execute the notebooks (export, clean, README, site)
    python tools/build.py --no-exec --no-site  # export, clean and README only (what CI checks for sync)

README.md and the site (_site/) come from tools/docs.py; see there.
"""
import argparse, subprocess, sys
from pathlib import Path
import nbformat
from nbdev.config import get_config
sys.path.insert(0, str(Path(__file__).parent))
import docs

ROOT = Path(__file__).resolve().parents[1]

def run(*cmd): print('+', ' '.join(cmd), flush=True); subprocess.run(cmd, check=True, cwd=ROOT)

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

def execute_notebooks(nbs):
    "Run every notebook in place (in its own folder), so the saved outputs are fresh"
    for nb in sorted(nbs.glob('[0-9]*.ipynb')) + [nbs/'index.ipynb']:
        run(sys.executable, '-m', 'jupyter', 'nbconvert', '--to', 'notebook', '--execute', '--inplace',
            '--ExecutePreprocessor.timeout=1800', str(nb))
        drop_widget_state(nb)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--no-exec', action='store_true', help="don't execute the notebooks")
    p.add_argument('--no-site', action='store_true', help="don't build the docs site")
    a = p.parse_args()
    cfg = get_config(ROOT)
    run('nbdev-export')
    if not a.no_exec: execute_notebooks(cfg.nbs_path)
    run('nbdev-clean')
    docs.readme()
    if not a.no_site: docs.site()

if __name__ == '__main__': main()
