"""The package as `pip install convbook` gives it, away from the repository: the sdist and the wheel built from this
checkout, the wheel installed into a fresh virtual environment, run with a fresh HOME and no network.

The environment is tools/venv_deps.py's: a plain venv that imports the dependencies of the Python running the test
through a `.pth` file, and never the checkout's editable install (see there). So the convbook it imports is the
wheel's (checked by its `__file__`, and no editable finder module is imported). Nothing may open a
connection to another machine: every Python started here loads a `sitecustomize` that refuses one, and the
environment has no proxy. Time: 19 s on this project's 2-core machine when lightly loaded (40 s to 2 min when
other jobs share it); one test, so that pytest's --durations shows its whole cost in one line.
"""
import os, shutil, subprocess, sys, tarfile, textwrap, zipfile
from pathlib import Path

from paths import ROOT
from venv_deps import make_venv
import no_network

CHECKS = '''
import sys, warnings, pathlib, socket
assert socket.socket.connect.__name__ == '_connect', 'the network guard (sitecustomize) is not loaded'
warnings.simplefilter('always')                       # any warning at import would be printed on stderr
import convbook, convbook.exercises, convbook.arith, convbook.viz
print('FILE', convbook.__file__)
assert not [m for m in sys.modules if m.startswith('__editable__')], "a checkout's editable install is visible"
assert not [m for m in sys.modules if m.split('.')[0] == 'fastai'], 'fastai imported by exercises, arith or viz'
from convbook.exercises import EXERCISES, practice
from convbook.workbook import check
for kind in EXERCISES:
    ex = practice(kind, seed=1)
    assert check(ex, ex.answer), (kind, ex)
print('KINDS', len(EXERCISES))
assert not [m for m in sys.modules if m.split('.')[0] == 'fastai'], 'fastai imported by practice()'
from convbook.kernels import load_digit
from convbook.data import mnist_path
img = load_digit(7, idx=3)
print('DIGIT', tuple(img.shape), int(img.sum()))
ten = mnist_path('ten')
print('DATA', ten, len(list(ten.rglob('*.png'))))
'''

def run(args, env, **kw):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, env=env, timeout=300, **kw)

def test_wheel_in_a_fresh_environment(tmp_path):
    "sdist and wheel build; the wheel, installed offline with a fresh HOME, has its digits, imports no fastai, and its commands fail in one line"
    dist = tmp_path/'dist'
    r = run([sys.executable, '-m', 'build', '--no-isolation', '--outdir', dist, ROOT], {**os.environ})
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    (whl,), (sdist,) = dist.glob('*.whl'), dist.glob('*.tar.gz')
    names = zipfile.ZipFile(whl).namelist()
    assert 'convbook/mnist_5k.npy.gz' in names and 'convbook/explorer.js' in names
    assert not any(n.startswith(('nbs/', 'tests/', 'data/')) for n in names)
    assert whl.stat().st_size < 2_000_000, f"the wheel is {whl.stat().st_size:,} bytes"
    members = tarfile.open(sdist).getnames()
    top = members[0].split('/')[0]
    for need in ('pyproject.toml', 'README.md', 'LICENSE', 'CHANGELOG.md', 'convbook/mnist_5k.npy.gz'):
        assert f'{top}/{need}' in members, need
    assert not any('/tests/' in m or '/nbs/' in m for m in members), "the sdist prunes the notebooks and tests (they need the repository)"

    venv, home, guard = tmp_path/'venv', tmp_path/'home', tmp_path/'guard'
    home.mkdir(); guard.mkdir()
    (guard/'sitecustomize.py').write_text(Path(no_network.__file__).read_text() + '\ninstall()\n')   # the tests' own guard
    py, bin_ = make_venv(venv), venv/'bin'
    keep = ('PATH', 'LANG', 'LC_ALL', 'TMPDIR', 'SYSTEMROOT')
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(HOME=str(home), PATH=f"{bin_}{os.pathsep}{env.get('PATH', '')}", PYTHONPATH=str(guard), MPLBACKEND='Agg',
               PIP_NO_INDEX='1', PIP_DISABLE_PIP_VERSION_CHECK='1', PYTHONNOUSERSITE='1')
    r = run([sys.executable, '-m', 'pip', '--python', py, 'install', '-q', '--no-deps', '--no-index', whl], env)
    assert r.returncode == 0, r.stderr[-3000:]

    r = run([py, '-c', CHECKS], env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stderr == '', f"warnings or noise: {r.stderr[-2000:]}"
    out = dict(l.split(' ', 1) for l in r.stdout.splitlines())
    assert Path(out['FILE']).is_relative_to(venv), out['FILE']
    from convbook.kernels import load_digit                 # the same image as the repository's data/ has
    assert out['DIGIT'] == f"(28, 28) {int(load_digit(7, idx=3).sum())}"
    assert out['DATA'] == f"{home/'.convbook'/'data'/'mnist_10'} 5000"
    assert int(out['KINDS']) >= 10

    for prog, bad, says in (('convbook-data', ['--n-valid', 'x'], "invalid int value: 'x'"),
                            ('convbook-anim', ['x.gif', '--stride', '0'], 'stride must be an integer >= 1')):
        exe = bin_/prog
        assert exe.exists(), f"{prog} is not in the wheel's entry points"
        r = run([exe, '--help'], env, cwd=tmp_path)
        assert r.returncode == 0 and 'usage:' in r.stdout and r.stderr == '', (prog, r.stderr)
        r = run([exe, *bad], env, cwd=tmp_path)
        lines = r.stderr.splitlines()
        assert r.returncode == 2 and len(lines) == 1 and lines[0].startswith(f'{prog}: ') and says in lines[0], (prog, r.stderr)
    r = run([bin_/'convbook-data', '--dest', tmp_path/'d', '--n-valid', 50], env, cwd=tmp_path)
    assert r.returncode == 0 and len(list((tmp_path/'d'/'mnist_10'/'valid'/'9').glob('*.png'))) == 50, r.stderr
