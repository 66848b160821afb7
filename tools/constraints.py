"""Write `constraints.txt`: the exact version of every package that `pip install -e ".[dev,data]"` brought into this
environment, the ones that make the notebooks' saved outputs and the site byte-identical from one machine to another.

    python tools/constraints.py            # after upgrading something on purpose; then rebuild (tools/build.py) and commit

The package's own metadata (pyproject.toml) keeps lower bounds only, so a user's `pip install convbook` never has to
downgrade anything; the main job, the test command and CI install with `-c constraints.txt`. GPU-only wheels (CUDA,
triton) are left out: CI and the main job use PyTorch's CPU build.
"""
import importlib.metadata as md, re
from pathlib import Path
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
SKIP = re.compile(r'^(convbook|nvidia-.*|cuda-.*|triton|pip)$')

def norm(name:str) -> str: return re.sub(r'[-_.]+', '-', name).lower()

def closure(name:str, extras=(), seen=None) -> dict:
    "{package: version} for `name` (with `extras`) and everything it needs, as installed here"
    seen = {} if seen is None else seen
    try: d = md.distribution(name)
    except md.PackageNotFoundError: return seen
    key = norm(d.metadata['Name'])
    if key in seen: return seen
    seen[key] = d.version
    for r in d.requires or []:
        req = Requirement(r)
        if req.marker is None or any(req.marker.evaluate({'extra': e}) for e in ('', *extras)): closure(req.name, (), seen)
    return seen

if __name__ == '__main__':
    pins = closure('convbook', ('dev', 'data'))
    closure('build', (), pins)                                   # what makes the sdist and the wheel
    lines = [f'{k}=={v}' for k,v in sorted(pins.items()) if not SKIP.match(k)]
    (ROOT/'constraints.txt').write_text('# The exact versions that make the outputs reproducible: written by tools/constraints.py; '
                                        'install with pip install -e ".[dev]" -c constraints.txt\n' + '\n'.join(lines) + '\n')
    print(f"Wrote {len(lines)} pins to {ROOT/'constraints.txt'}")
