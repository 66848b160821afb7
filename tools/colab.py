"""Give every course chapter (nbs/course/*.ipynb) and the Practice page (nbs/practice.ipynb) an "Open in Colab" link and a first code cell that installs
convbook in Colab, right after its title cell. Idempotent: the two cells have fixed ids, are updated in place when
their text changes and moved back under the title if they moved; a notebook that already has them is not rewritten.

    python tools/colab.py            # tools/build.py runs this before it executes the notebooks

The install cell does nothing where `convbook` can be imported (a checkout, a `pip install`, the main job, nbdev-test):
it only installs in a fresh Colab runtime. There it installs convbook alone: Colab has every package convbook needs,
at versions its lower bounds accept (tests/colab-constraints.txt lists them, tests/test_colab.py checks the bounds), and
pip leaves a requirement that is already satisfied alone; so nothing the kernel has imported is replaced, and the
learner needs no restart. It is hidden on the site (`#| hide`), where it would only be noise; the
link is plain text (no badge image), so that the site makes no request to another server.
"""
import json, sys
from pathlib import Path
from paths import ROOT

REPO = 'convbook/convbook'
# Where Colab installs from: the repository until the first release is on PyPI; then 'convbook'.
PIP_SOURCE = f'git+https://github.com/{REPO}'
LINK_ID, INSTALL_ID = 'c01ab0a1', 'c01ab0a2'

def colab_url(nb:Path) -> str:
    "The notebook's page in Colab, which opens it from the repository's main branch"
    return f'https://colab.research.google.com/github/{REPO}/blob/main/{nb.resolve().relative_to(ROOT).as_posix()}'

def install_code(source:str=PIP_SOURCE) -> str:
    "The install cell's code: `pip install` convbook only where it can't be imported"
    return ('#| hide\n'
            '# In Colab (or anywhere convbook is not installed yet): install it. Colab has every package it needs,\n'
            '# so this installs convbook alone, and needs no restart. Where convbook is installed, this does nothing.\n'
            'try: import convbook\n'
            f'except ImportError: get_ipython().run_line_magic("pip", "install -q {source}")')

def colab_cells(nb:Path) -> list:
    "The link cell and the install cell for notebook `nb`"
    return [dict(cell_type='markdown', id=LINK_ID, metadata={},
                 source=f'[Open in Colab]({colab_url(nb)}) to run this {"chapter" if nb.parent.name == "course" else "page"} there, with nothing to install yourself.'),
            dict(cell_type='code', id=INSTALL_ID, metadata={}, execution_count=None, outputs=[], source=install_code())]

def src(cell) -> str: return ''.join(cell['source'])

def add_colab(nb_path:Path) -> bool:
    "Put the two cells right after the title cell of `nb_path` (or update them); whether the file changed"
    nb = json.loads(nb_path.read_text())
    cells = nb['cells']
    new = colab_cells(nb_path)
    title = next((i for i,c in enumerate(cells) if c['cell_type'] == 'markdown' and src(c).lstrip().startswith('# ')), None)
    if title is None: raise ValueError(f"{nb_path}: no title cell (a markdown cell starting with '# ') to put the Colab link under")
    old = {c['id']: c for c in cells if c.get('id') in (LINK_ID, INSTALL_ID)}
    if [c.get('id') for c in cells[title+1:title+3]] == [LINK_ID, INSTALL_ID] and all(src(old[n['id']]) == n['source'] for n in new):
        return False
    kept = [c for c in cells if c.get('id') not in (LINK_ID, INSTALL_ID)]
    title = next(i for i,c in enumerate(kept) if c['cell_type'] == 'markdown' and src(c).lstrip().startswith('# '))
    nb['cells'] = kept[:title+1] + [({**old[n['id']], 'source': n['source']} if n['id'] in old else n) for n in new] + kept[title+1:]
    nb_path.write_text(json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + '\n')
    return True

def main(paths=None):
    paths = [*sorted((ROOT/'nbs'/'course').glob('*.ipynb')), ROOT/'nbs'/'practice.ipynb'] if not paths else [Path(p) for p in paths]
    changed = [p for p in paths if add_colab(p)]
    for p in changed: print(f"  Colab cells added or updated: {p.relative_to(ROOT)}")
    return changed

if __name__ == '__main__': main(sys.argv[1:])
