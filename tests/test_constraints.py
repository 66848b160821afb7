"""constraints.txt pins every package that `pip install -e ".[dev]"` brings into this environment, those that come
with a requirement's extras (`jsonschema[format-nongpl]`, `uvicorn[standard]`) included: an unpinned one takes
whatever version is newest on the day CI installs it."""
import importlib.metadata as md
from packaging.requirements import Requirement

from paths import ROOT
from constraints import closure, norm, SKIP

def pinned() -> dict:
    return dict(l.strip().split('==') for l in (ROOT/'constraints.txt').read_text().splitlines() if '==' in l and not l.startswith('#'))

def installed(name:str) -> bool:
    try: md.distribution(name); return True
    except md.PackageNotFoundError: return False

def test_closure_follows_extras():
    "A requirement's extras bring their own requirements (jupyter-events needs `jsonschema[format-nongpl]`, which needs fqdn)"
    if not installed('fqdn'): return                                  # an environment without jupyter's extras
    assert 'fqdn' not in closure('jsonschema')
    assert {'fqdn', 'isoduration', 'webcolors'} <= set(closure('jsonschema', ('format-nongpl',)))
    assert 'fqdn' in closure('jupyter-events')

def test_every_installed_requirement_is_pinned():
    """Every requirement of every pinned package, with the extras it is asked with, is pinned too when it is installed
    here: the pins are closed under what pip installs (checked one step at a time, not through `closure` alone)"""
    pins = {norm(k) for k in pinned()}
    reqs = {name: [Requirement(r) for r in md.distribution(name).requires or []] for name in closure('convbook', ('dev',))}
    def needed(req, extras): return any(req.marker.evaluate({'extra': e}) if req.marker else e == '' for e in extras)
    asked = {name: {''} for name in reqs}                              # the package itself, and every extra pip installs it with
    asked['convbook'].add('dev')
    while True:
        more = {(norm(req.name), norm(e)) for name, rs in reqs.items() for req in rs if needed(req, asked[name])
                for e in req.extras if norm(req.name) in asked and norm(e) not in asked[norm(req.name)]}
        if not more: break
        for name, e in more: asked[name].add(e)
    missing = {f"{norm(req.name)} (required by {name})" for name, rs in reqs.items() if not SKIP.match(name) for req in rs
               if needed(req, asked[name]) and installed(req.name) and not SKIP.match(norm(req.name)) and norm(req.name) not in pins}
    assert not missing, f"constraints.txt leaves out {sorted(missing)}: run python tools/constraints.py"
