"""Where the repository is, for the tools and the tests: a tool run as `python tools/x.py` imports this as its sibling
(`from paths import ROOT`), and pytest finds it through `pythonpath` in pyproject.toml's `[tool.pytest.ini_options]`."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]   # the repository's root: pyproject.toml, nbs/, tools/, tests/
