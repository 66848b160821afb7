"Tests of the package as a user gets it: imports, console scripts, data, and notebooks in sync with the modules"
import os, re, shutil, subprocess, sys, textwrap

from paths import ROOT
MODULES = sorted(p.stem for p in (ROOT/'convbook').glob('[!_]*.py'))

def test_every_notebook_exports_a_module():
    "Each `default_exp` of a notebook has its module, and each module comes from a notebook"
    import re
    exps = {m for nb in (ROOT/'nbs').rglob('*.ipynb') for m in re.findall(r'#\| default_exp (\w+)', nb.read_text())}
    assert exps == set(MODULES) and {'arith', 'batch', 'data', 'kernels'} <= exps

def test_import_touches_no_network(tmp_path):
    "Importing every module in a fresh interpreter opens no socket to the outside"
    code = textwrap.dedent(f"""
        import socket
        def refuse(self, addr, *a):
            host = addr[0] if isinstance(addr, tuple) else addr
            if isinstance(host, str) and not host.startswith('127.') and host not in ('localhost', '::1', ''):
                raise SystemExit(f'network at import: {{addr}}')
            return real(self, addr, *a)
        real, socket.socket.connect = socket.socket.connect, refuse
        import importlib
        for m in {MODULES!r}: importlib.import_module('convbook.' + m)
        print('ok')
    """)
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, cwd=tmp_path,
                       env={**os.environ, 'MPLBACKEND': 'Agg'})
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip().endswith('ok')

def test_arith_imports_no_torch_nor_matplotlib(tmp_path):
    "Shape arithmetic needs neither PyTorch nor matplotlib: importing `convbook.arith`, and drawing and checking its exercises, loads neither"
    code = textwrap.dedent("""
        import sys, convbook.arith as a
        from convbook.workbook import check
        print(sorted(m for m in ('torch', 'matplotlib') if m in sys.modules))
        e = a.conv_size_exercise(seed=1); check(e, e.answer); a.pool_size_exercise(seed=1); a.weight_shape_exercise(seed=1)
        print(sorted(m for m in ('torch', 'matplotlib') if m in sys.modules))
    """)
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, cwd=tmp_path, env={**os.environ, 'CONVBOOK_PROGRESS': 'off'})
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.split() == ['[]', '[]'], r.stdout

def script(name):
    "A runner for the console script `name` that `pip install` made: `run(*args)` gives the finished process"
    exe = shutil.which(name)
    assert exe, f"{name} is not on PATH: is the package installed?"
    return lambda *args: subprocess.run([exe, *map(str, args)], capture_output=True, text=True, env={**os.environ, 'MPLBACKEND': 'Agg'})

def test_convbook_data_cli(tmp_path):
    "The `convbook-data` console script: help, a build, and clear errors"
    run = script('convbook-data')
    r = run('--help')
    assert r.returncode == 0 and 'digits that ship with convbook' in r.stdout and '--force' in r.stdout
    r = run('--dest', tmp_path/'d', '--n-valid', 0)
    assert r.returncode != 0 and 'n_valid=0 must be between 1 and 499' in r.stderr
    assert 'Traceback' not in r.stderr
    r = run('--dest', tmp_path/'d', '--n-valid', 50)
    assert r.returncode == 0, r.stderr
    assert len(list((tmp_path/'d'/'mnist_10'/'valid'/'9').glob('*.png'))) == 50
    r = run('--dest', tmp_path/'d')
    assert r.returncode != 0 and 'already exists' in r.stderr and 'Traceback' not in r.stderr

def test_mnist_path_finds_cli_built_data(tmp_path, monkeypatch):
    from convbook.data import build_mnist_data, mnist_path
    build_mnist_data(tmp_path)
    monkeypatch.setenv('CONVBOOK_DATA', str(tmp_path))
    assert mnist_path() == tmp_path/'mnist_sample'
    assert mnist_path('ten') == tmp_path/'mnist_10'

def test_shipped_data_layout():
    for ds, digits in (('mnist_sample', ['3','7']), ('mnist_10', [str(i) for i in range(10)])):
        for split, n in (('train', 400), ('valid', 100)):
            found = sorted(p.name for p in (ROOT/'data'/ds/split).iterdir())
            assert found == digits
            for d in digits: assert len(list((ROOT/'data'/ds/split/d).glob('*.png'))) == n

def test_readme_has_two_setup_commands():
    "Development: exactly two commands on a fresh machine, in one block; and the package comes first"
    import re
    txt = (ROOT/'README.md').read_text()
    (block,) = [b for b in re.findall(r'```sh\n(.*?)```', txt, re.S) if 'tools/build.py' in b]
    assert block.strip().splitlines() == ['pip install -e ".[dev]" -c constraints.txt && python tools/build.py', 'bash tools/test.sh']
    assert txt.index('## Use the package') < txt.index('## The course') < txt.index('## The reference') < txt.index('## Development')
    assert 'needs stride 2' not in txt
    assert 'pip install -e ".[dev]" -c constraints.txt && python tools/build.py' in txt
    assert 'bash tools/test.sh' in txt
    assert 'bash tools/test.sh' in (ROOT/'.ci'/'run').read_text()

def test_convbook_anim_cli(tmp_path):
    "The installed `convbook-anim` script: help, a GIF, a PNG step, and one clear error without a traceback (every error path is in test_edge_cli.py, run in process)"
    from PIL import Image
    run = script('convbook-anim')
    r = run('--help')
    assert r.returncode == 0 and '--transposed' in r.stdout and '--output-padding' in r.stdout
    r = run(tmp_path/'t.gif', '--n', 3, '--stride', 2, '--padding', 1, '--transposed', '--output-padding', 1)
    assert r.returncode == 0, r.stderr
    assert Image.open(tmp_path/'t.gif').n_frames == 6*6 + 1
    r = run(tmp_path/'s.png', '--n', 6, '--step', 4, '--values')
    assert r.returncode == 0 and Image.open(tmp_path/'s.png').format == 'PNG'
    r = run(tmp_path/'x.gif', '--stride', 0)
    assert r.returncode == 2 and 'stride must be an integer >= 1' in r.stderr and 'Traceback' not in r.stderr, r.stderr

def test_library_functions_ignore_the_command_line(monkeypatch, tmp_path):
    "A user's script that calls `convbook_data()` or `convbook_anim()` gets a plain function: its own options are not parsed"
    from convbook.data import convbook_data
    from convbook.viz import convbook_anim
    monkeypatch.setattr(sys, 'argv', ['my_script.py', '--epochs', '3'])
    convbook_data(str(tmp_path/'d'), n_valid=10)
    assert len(list((tmp_path/'d'/'mnist_sample'/'valid'/'3').glob('*.png'))) == 10
    convbook_anim(str(tmp_path/'a.png'), n=4)
    assert (tmp_path/'a.png').is_file()

def test_console_scripts_are_main_functions():
    "pyproject's console scripts are plain `main()` functions"
    import tomllib, importlib
    scripts = tomllib.loads((ROOT/'pyproject.toml').read_text())['project']['scripts']
    assert scripts == {'convbook-data': 'convbook.data:main', 'convbook-anim': 'convbook.viz:main'}
    for target in scripts.values():
        mod, fn = target.split(':')
        assert callable(getattr(importlib.import_module(mod), fn))

def test_readme_accuracies_are_the_notebooks():
    "The accuracies the README quotes (ranges over tools/perturb.py's settings) hold the ones the notebooks' saved outputs show"
    import json, re
    readme = (ROOT/'README.md').read_text()
    def outputs(nb):
        cells = json.loads((ROOT/'nbs'/nb).read_text())['cells']
        return ''.join(''.join(o.get('text', '')) for c in cells for o in c.get('outputs', []) if o.get('output_type') == 'stream')
    row = lambda page: next(l for l in readme.splitlines() if l.startswith('| [') and f'/course/{page}.html)' in l)   # the course table's row
    acc06 = float(re.search(r'valid accuracy: (0\.\d{3})', outputs('course/06_cnn.ipynb')).group(1))
    lo, hi = map(float, re.search(r'(0\.\d+) to (0\.\d+) on our 200 validation', row('cnn')).groups())
    assert lo <= acc06 <= hi, (acc06, lo, hi)
    saved = dict(re.findall(r'(1cycle|batch norm|both) (0\.\d{3})', re.search(r'1cycle 0\.\d{3}, batch norm 0\.\d{3}, both 0\.\d{3}', outputs('course/09_stability.ipynb')).group()))
    quoted = {k: (float(a), float(b)) for k,a,b in re.findall(r'(1cycle|batch norm|both) \((0\.\d+) to (0\.\d+)\)', row('stability'))}
    assert set(quoted) == {'1cycle', 'batch norm', 'both'}, row('stability')
    for k,(a,b) in quoted.items(): assert a <= float(saved[k]) <= b, (k, saved[k], a, b)
    assert row('stability').count('(0.100)') == 2 and 'baseline 0.100' in outputs('course/09_stability.ipynb')


def test_readme_core_path_is_measured():
    "The README's core-path length and exercise counts are what tools/core_length.py and EXERCISES give, and the core is at most 1.3 times fastbook's chapter"
    import subprocess, sys
    from convbook.exercises import EXERCISES, CODE_KINDS
    out = subprocess.run([sys.executable, str(ROOT/'tools'/'core_length.py')], capture_output=True, text=True, check=True).stdout
    core = int(re.search(r'^01-09\s+core\s+([\d,]+)', out, re.M).group(1).replace(',', ''))
    readme = ' '.join((ROOT/'README.md').read_text().split())
    m = re.search(r'is ([\d,]+) words, ([\d.]+) times the 8,645 words', readme)
    assert m, "the README no longer says how long the core path is"
    assert int(m.group(1).replace(',', '')) == core, f"README says {m.group(1)} words, tools/core_length.py counts {core:,}"
    assert m.group(2) == f"{core/8645:.2f}" and core <= 1.3*8645
    assert f"{len(CODE_KINDS)} of the {len(EXERCISES)} kinds of exercise are answered with code" in readme
