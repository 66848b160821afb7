"""Write `constraints.txt`: the exact version of every package that `pip install -e ".[dev,data]"` brought into this
environment, the ones that make the notebooks' saved outputs and the site byte-identical from one machine to another.

    python tools/constraints.py            # after upgrading something on purpose; then rebuild (tools/build.py) and commit

The package's own metadata (pyproject.toml) keeps lower bounds only, so a user's `pip install convbook` never has to
downgrade anything; the main job, the test command and CI install with `-c constraints.txt`. GPU-only wheels (CUDA,
triton) are left out: CI and the main job use PyTorch's CPU build.
"""
import importlib.metadata as md, re
from packaging.requirements import Requirement
from paths import ROOT

SKIP = re.compile(r'^(convbook|nvidia-.*|cuda-.*|triton|pip)$')

def norm(name:str) -> str: return re.sub(r'[-_.]+', '-', name).lower()

def closure(name:str, extras=(), seen=None, done=None) -> dict:
    """{package: version} for `name` (with `extras`) and everything it needs, as installed here. A requirement's own
    extras are followed too: `jsonschema[format-nongpl]` brings what jsonschema's `format-nongpl` extra needs, as pip
    installs it. `done` holds the `(package, extra)` pairs already followed (`''` for the package itself)"""
    seen = {} if seen is None else seen
    done = set() if done is None else done
    try: d = md.distribution(name)
    except md.PackageNotFoundError: return seen
    key = norm(d.metadata['Name'])
    seen[key] = d.version
    todo = [e for e in ('', *(norm(e) for e in extras)) if (key, e) not in done]
    done.update((key, e) for e in todo)
    for r in d.requires or []:
        req = Requirement(r)
        if any(req.marker.evaluate({'extra': e}) if req.marker else e == '' for e in todo): closure(req.name, tuple(req.extras), seen, done)
    return seen

if __name__ == '__main__':
    pins, done = {}, set()
    closure('convbook', ('dev', 'data'), pins, done)
    closure('build', (), pins, done)                             # what makes the sdist and the wheel
    lines = [f'{k}=={v}' for k,v in sorted(pins.items()) if not SKIP.match(k)]
    (ROOT/'constraints.txt').write_text('# The exact versions that make the outputs reproducible: written by tools/constraints.py; '
                                        'install with pip install -e ".[dev]" -c constraints.txt\n' + '\n'.join(lines) + '\n')
    print(f"Wrote {len(lines)} pins to {ROOT/'constraints.txt'}")
