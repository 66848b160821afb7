"""A fresh virtual environment that imports this Python's packages but not the checkout: where the wheel is tried as a
user gets it (tests/test_wheel.py) and where the chapters run as a learner runs them (tools/perturb.py).

The environment is a plain venv (no `--system-site-packages`: when this runs in a venv, the "system" is the bare
Python that venv was made from, without torch or pandas). A `.pth` file in its site-packages lists the folders this
Python finds the package's requirements in (`site.getsitepackages()`, the user site if it is on, and where each
requirement of `[project] dependencies` is installed), so a system Python, a venv with `pip install -e ".[dev]"` and a
`--system-site-packages` venv all work. The checkout's editable install stays invisible: the files that make it
(`__editable__*.pth`, or a `.pth` naming the checkout) lie in those folders, and Python processes the `.pth` files of
its own site-packages only, not those of a folder that a `.pth` file adds; the checkout itself is never listed.
"""
import importlib.metadata, site, subprocess, sys, tomllib
from pathlib import Path
from packaging.requirements import Requirement
from paths import ROOT


def dependency_dirs() -> list:
    "The folders this Python imports the package's requirements from (site-packages, the user site, any other), never the checkout"
    reqs = tomllib.loads((ROOT/'pyproject.toml').read_text())['project']['dependencies']
    dirs = [*site.getsitepackages(), *([site.getusersitepackages()] if site.ENABLE_USER_SITE else [])]
    dirs += [importlib.metadata.distribution(Requirement(r).name).locate_file('') for r in reqs]
    dirs = [Path(d).resolve() for d in dirs if Path(d).is_dir()]
    return [d for d in dict.fromkeys(dirs) if not (d == ROOT or d.is_relative_to(ROOT))]

def make_venv(venv:Path) -> Path:
    "A venv without pip whose site-packages lists `dependency_dirs()` in a `.pth` file, so that it imports what this Python imports: its python"
    subprocess.run([sys.executable, '-m', 'venv', '--without-pip', str(venv)], check=True)
    py = Path(venv)/'bin'/'python'
    purelib = subprocess.run([py, '-c', "import sysconfig; print(sysconfig.get_path('purelib'))"], capture_output=True, text=True, check=True).stdout.strip()
    (Path(purelib)/'convbook_test_dependencies.pth').write_text(''.join(f'{d}\n' for d in dependency_dirs()))
    return py
