"""Colab: tools/colab.py gives each course chapter an "Open in Colab" link and an install cell under its title, and
the install cell installs convbook only where it can't be imported. Offline: the cell runs against a stand-in for
IPython's `get_ipython()` that records what it was asked to do.

And what that install does in Colab, worked out offline from Colab's published versions (tests/colab-constraints.txt):
Colab's Python satisfies `requires-python` and every package of `[project] dependencies` is there at a version our
bound accepts, so pip (whose default upgrade strategy touches a requirement only if it is missing or unsatisfied)
installs convbook alone: nothing that the running kernel has already imported is replaced, and no restart is needed."""
import ast, json, re, shutil, sys, tomllib
from importlib.metadata import packages_distributions
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from paths import ROOT
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

COLAB = ROOT/'tests'/'colab-constraints.txt'

def colab_versions() -> tuple:
    "Colab's Python and {package: version}, from tests/colab-constraints.txt"
    python, pins = None, {}
    for line in COLAB.read_text().splitlines():
        if m := re.fullmatch(r'#\s*python==(\S+)', line.strip()): python = Version(m[1])
        if line := line.split('#')[0].strip():
            name, v = line.split('==')
            pins[canonicalize_name(name)] = Version(v)
    return python, pins

def test_colab_constraints_are_well_formed():
    python, pins = colab_versions()
    assert python and python.release[:2] == (3, 13), python
    assert {'fastai', 'fastcore', 'ipython', 'ipywidgets', 'torch', 'anywidget'} <= set(pins)

def test_colab_has_every_dependency_at_a_version_we_accept():
    "Colab's Python is one we support, and each requirement is in Colab at a version our lower bound accepts"
    project = tomllib.loads((ROOT/'pyproject.toml').read_text())['project']
    python, pins = colab_versions()
    assert project['requires-python'] and Requirement(f"python{project['requires-python']}").specifier.contains(python)
    env = {'python_version': f'{python.major}.{python.minor}', 'python_full_version': str(python), 'extra': ''}
    reqs = [r for r in map(Requirement, project['dependencies']) if r.marker is None or r.marker.evaluate(env)]
    missing = [r.name for r in reqs if canonicalize_name(r.name) not in pins]
    assert missing == [], f"Colab lacks {missing}: the install cell would install them (list them in tests/colab-constraints.txt if Colab has them)"
    refused = [f"{r} (Colab has {pins[canonicalize_name(r.name)]})" for r in reqs if not r.specifier.contains(pins[canonicalize_name(r.name)], prereleases=True)]
    assert refused == [], f"installing convbook in Colab would replace these: {refused}"

def test_install_cell_asks_pip_for_convbook_alone(monkeypatch):
    "The pip command names convbook and nothing else, and no option that would upgrade or reinstall what Colab has"
    monkeypatch.setitem(sys.modules, 'convbook', None)
    ((kind, magic, line),) = run_cell(colab.install_code())
    assert (kind, magic) == ('magic', 'pip')
    cmd, *args = line.split()
    assert cmd == 'install' and [a for a in args if not a.startswith('-')] == [colab.PIP_SOURCE]
    assert set(a for a in args if a.startswith('-')) <= {'-q'}, args

def imports(code:str) -> set:
    "The top-level modules `code` imports (IPython magics and shell lines left out)"
    tree = ast.parse('\n'.join(l for l in code.splitlines() if not l.lstrip().startswith(('%', '!'))))
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module and not n.level}
    return {n.split('.')[0] for n in names}

def test_course_imports_only_what_colab_has():
    "Every module a course chapter imports is Python's own, convbook, or from a package that Colab has"
    _, pins = colab_versions()
    dists = packages_distributions()                     # module -> the installed distributions that provide it
    mods = set()
    for nb in sorted((ROOT/'nbs'/'course').glob('*.ipynb')):
        mods |= {m for c in json.loads(nb.read_text())['cells'] if c['cell_type'] == 'code' for m in imports(colab.src(c))}
    assert {'torch', 'convbook', 'fastai'} <= mods
    lacking = {m for m in mods - set(sys.stdlib_module_names) - {'convbook'}
               if not any(canonicalize_name(d) in pins for d in dists.get(m, []))}
    assert lacking == set(), f"the course imports {lacking}, which tests/colab-constraints.txt doesn't have"
