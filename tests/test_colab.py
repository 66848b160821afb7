"""Colab: tools/colab.py gives each course chapter an "Open in Colab" link and an install cell under its title, and
the install cell installs convbook only where it can't be imported. Offline: the cell runs against a stand-in for
IPython's `get_ipython()` that records what it was asked to do."""
import json, shutil, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT/'tools'))
import colab

class FakeIPython:
    "Records the magics and shell commands a cell asks for, runs none"
    def __init__(self): self.calls = []
    def run_line_magic(self, name, line): self.calls.append(('magic', name, line))
    def system(self, cmd): self.calls.append(('system', cmd))

def run_cell(code:str) -> list:
    ip = FakeIPython()
    exec(compile(code, 'install_cell', 'exec'), {'get_ipython': lambda: ip})
    return ip.calls

def test_install_cell_does_nothing_where_convbook_imports():
    import convbook                                      # noqa: F401 (importable here, as in a checkout or a pip install)
    assert run_cell(colab.install_code()) == []

def test_install_cell_installs_where_convbook_is_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, 'convbook', None)  # `import convbook` now fails, as in a fresh Colab runtime
    assert run_cell(colab.install_code()) == [('magic', 'pip', f'install -q {colab.PIP_SOURCE}')]
    assert run_cell(colab.install_code('convbook')) == [('magic', 'pip', 'install -q convbook')]

def chapter(tmp_path, name='03_arith.ipynb'):
    "A copy of a course chapter in a stand-in repository (tools/colab.py links to paths inside ROOT)"
    dest = tmp_path/'nbs'/'course'/name
    dest.parent.mkdir(parents=True)
    shutil.copy(ROOT/'nbs'/'course'/name, dest)
    return dest

def test_cells_go_under_the_title_once(tmp_path, monkeypatch):
    monkeypatch.setattr(colab, 'ROOT', tmp_path)
    nb = chapter(tmp_path)
    colab.add_colab(nb)
    cells = json.loads(nb.read_text())['cells']
    assert cells[0]['cell_type'] == 'markdown' and colab.src(cells[0]).startswith('# ')
    assert [c['id'] for c in cells[1:3]] == [colab.LINK_ID, colab.INSTALL_ID]
    link = colab.src(cells[1])
    assert '[Open in Colab](https://colab.research.google.com/github/convbook/convbook/blob/main/nbs/course/03_arith.ipynb)' in link
    assert '<img' not in link and '![' not in link            # a text link: the site makes no request for a badge
    assert colab.src(cells[2]).startswith('#| hide') and "import convbook" in colab.src(cells[2])
    before = nb.read_bytes()
    assert colab.add_colab(nb) is False and nb.read_bytes() == before   # idempotent: the second run writes nothing
    assert sum(c['id'] in (colab.LINK_ID, colab.INSTALL_ID) for c in json.loads(nb.read_text())['cells']) == 2

def test_stale_or_moved_cells_are_fixed(tmp_path, monkeypatch):
    monkeypatch.setattr(colab, 'ROOT', tmp_path)
    nb = chapter(tmp_path)
    colab.add_colab(nb)
    d = json.loads(nb.read_text())
    link, install = d['cells'][1], d['cells'][2]
    install['source'] = 'old code'
    d['cells'] = [d['cells'][0], *d['cells'][3:], install, link]    # moved to the end, one of them stale
    nb.write_text(json.dumps(d))
    assert colab.add_colab(nb) is True
    cells = json.loads(nb.read_text())['cells']
    assert [c['id'] for c in cells[1:3]] == [colab.LINK_ID, colab.INSTALL_ID] and colab.src(cells[2]) == colab.install_code()
    assert len(cells) == len(d['cells'])

def test_a_notebook_without_title_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(colab, 'ROOT', tmp_path)
    nb = chapter(tmp_path)
    d = json.loads(nb.read_text()); d['cells'] = d['cells'][1:]
    nb.write_text(json.dumps(d))
    with pytest.raises(ValueError, match='no title cell'): colab.add_colab(nb)

def test_build_runs_the_tool_before_executing():
    src = (ROOT/'tools'/'build.py').read_text()
    assert src.index('colab.main()') < src.index('execute_notebooks(cfg.nbs_path')
