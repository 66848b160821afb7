"""The commands (`convbook-data`, `convbook-anim`) as a shell user meets them: every bad value and every file-system
problem is one line on stderr that says what is wrong and what is allowed, exit status 2 for usage errors and 1 for
the others, never a traceback; long work shows a progress bar or is refused with its limit.

Most cases run in this process, through the commands' `main()` (what the installed command calls; starting a Python for each
would take minutes); a few run the installed commands themselves, to check that wiring."""
import contextlib, io, os, shutil, subprocess, sys
from pathlib import Path
from unittest.mock import patch
import pytest
from convbook import data as data_mod, viz as viz_mod

class Terminal(io.StringIO):
    "What a terminal is to the program: a stdout that says it is a tty"
    def isatty(self): return True

def inproc(main, prog):
    "Run a command's `main` as its console script does, in this process: (status, stdout, stderr); `tty=True` as if stdout were a terminal"
    def run(*args, cwd='.', tty=False):
        out, err = (Terminal() if tty else io.StringIO()), io.StringIO()
        with patch.object(sys, 'argv', [prog, *map(str, args)]), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), contextlib.chdir(cwd):
            try: main(); status = 0
            except SystemExit as e: status = e.code
        return status, out.getvalue(), err.getvalue()
    return run
anim, data = inproc(viz_mod.main, 'convbook-anim'), inproc(data_mod.main, 'convbook-data')

def script(name):
    exe = shutil.which(name)
    assert exe, f"{name} is not on PATH: is the package installed?"
    def run(*args, cwd=None):
        r = subprocess.run([exe, *map(str, args)], capture_output=True, text=True, cwd=cwd, env={**os.environ, 'MPLBACKEND': 'Agg'})
        return r.returncode, r.stdout, r.stderr
    return run

def one_line(err:str, prog:str) -> str:
    "The single error line, checked: no traceback, one line, starting with the program's name"
    assert 'Traceback' not in err, err
    lines = [l for l in err.splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"{prog}: "), err
    return lines[0]

ANIM_USAGE = [  # (arguments, what the line must say); all exit with status 2
    (['x.gif', '--stride', '0'], 'stride must be an integer >= 1'),
    (['x.gif', '--padding', '-1'], "padding must be an integer >= 0"),
    (['x.gif', '--n', '2', '--ks', '3'], 'larger than the padded input'),
    (['x.png', '--step', '99'], 'there are 9 steps'),
    (['x.png', '--step', '-1'], 'there are 9 steps'),
    (['x.gif', '--mode', 'min'], "use 'conv', 'max' or 'avg'"),
    (['x.gif', '--fps', '0'], 'frames per second must be positive'),
    (['x.gif', '--fps', '1e999'], 'frames per second must be positive, and at most 50'),
    (['x.gif', '--fps', 'nan'], 'frames per second must be positive'),
    (['x.jpg'], 'must end in .gif or .png'),
    (['x.gif', '--mode', 'avg', '--dilation', '2'], "dilation=2 is not allowed with mode='avg': average pooling (nn.AvgPool2d) has no dilation; use dilation=1"),
    (['x.gif', '--n', '99999999999999999999999'], 'ConvDiagram draws at most 100 cells per side'),
    (['x.gif', '--n', '30'], 'would have 785 frames'),
    (['x.gif', '--transposed', '--output-padding', '1'], 'smaller than the stride'),
    (['x.gif', '--output-padding', '1'], '--output-padding 1 only applies with --transposed'),
    (['x.png', '--mode', 'max', '--output-padding', '2'], '--output-padding 2 only applies with --transposed'),
    (['x.gif', '--n', 'five'], "invalid int value: 'five' (it takes a whole number)"),
    (['x.gif', '--ks', '2.5'], "invalid int value: '2.5'"),
    (['x.gif', '--bogus', '1'], 'unrecognized arguments'),
    ([], 'the following arguments are required: out'),
]

@pytest.mark.parametrize('args,msg', ANIM_USAGE, ids=[' '.join(a) or 'none' for a,_ in ANIM_USAGE])
def test_anim_usage_errors(tmp_path, args, msg):
    status, out, err = anim(*args, cwd=tmp_path)
    assert status == 2, (status, err)
    assert msg in one_line(err, 'convbook-anim')
    assert not any(tmp_path.iterdir())                           # nothing written

def test_anim_file_system_errors(tmp_path):
    run = anim
    (tmp_path/'file').write_text('')
    (tmp_path/'dir.gif').mkdir()
    cases = [([tmp_path/'file'/'x.gif'], 'file is a file, not a folder'), ([tmp_path/'file'/'deeper'/'x.png'], 'file is a file, not a folder'),
             ([tmp_path/'dir.gif'], 'dir.gif is a folder: give a file name ending in .gif'), (['/sys/convbook_test/x.gif'], "doesn't exist"),
             ([tmp_path/'nowhere'/'deeper'/'x.gif'], f"the folder {tmp_path/'nowhere'/'deeper'} doesn't exist: create it first"),
             ([tmp_path/'nowhere'/'x.png'], "nowhere doesn't exist")]
    if os.geteuid() != 0:                                         # (root may write anywhere; /sys refuses even root)
        ro = tmp_path/'ro'; ro.mkdir(); ro.chmod(0o555)
        cases.append(([ro/'x.gif'], 'is not writable'))
    for args, msg in cases:
        status, out, err = run(*args)
        assert status == 1, (args, status, err)
        assert msg in one_line(err, 'convbook-anim'), (args, err)
    assert not (tmp_path/'nowhere').exists()                      # a missing folder is refused, not made

def test_anim_writes_and_shows_progress(tmp_path):
    run = anim
    (tmp_path/'sub'/'dir').mkdir(parents=True)
    status, out, err = run('sub/dir/a.gif', '--n', '9', cwd=tmp_path, tty=True)   # 50 frames: a progress bar, in a terminal
    assert status == 0 and 'Traceback' not in err
    assert '[50/50' in out and '\r' in out and out.strip().endswith('Wrote sub/dir/a.gif')
    from PIL import Image
    assert Image.open(tmp_path/'sub'/'dir'/'a.gif').n_frames == 50
    status, out, err = run('c.gif', '--n', '9', cwd=tmp_path)                     # stdout not a terminal: no bar frames
    assert status == 0 and out == 'Wrote c.gif\n', out
    status, out, err = run('b.png', '--n', '2', '--ks', '2', '--padding', '1', '--dilation', '3', '--mode', 'max', '--values', cwd=tmp_path)
    assert status == 0 and out.strip() == 'Wrote b.png'             # a window of padding only: drawn as -inf, no crash

DATA_USAGE = [(['--n-valid', '0'], 'n_valid=0 must be between 1 and 499'), (['--n-valid', '500'], 'n_valid=500 must be between 1 and 499'),
              (['--n-valid', 'x'], "invalid int value: 'x' (it takes a whole number)"), (['--seed', '1.5'], "invalid int value: '1.5'"),
              (['--force', 'yes'], 'unrecognized arguments'), (['--dest'], 'expected one argument')]

@pytest.mark.parametrize('args,msg', DATA_USAGE, ids=[' '.join(a) for a,_ in DATA_USAGE])
def test_data_usage_errors(tmp_path, args, msg):
    status, out, err = data(*args, cwd=tmp_path)
    assert status == 2, (status, err)
    assert msg in one_line(err, 'convbook-data')
    assert not any(tmp_path.iterdir())

def test_data_file_system_errors(tmp_path):
    run = data
    (tmp_path/'file').write_text('')
    (tmp_path/'blocked').mkdir(); (tmp_path/'blocked'/'mnist_sample').write_text('')
    cases = [(['--dest', tmp_path/'file'], 'file is a file, not a folder'), (['--dest', tmp_path/'file'/'sub'], 'file is a file, not a folder'),
             (['--dest', tmp_path/'blocked'], 'mnist_sample is a file, not a folder'), (['--dest', tmp_path/'blocked', '--force'], 'mnist_sample is a file, not a folder'),
             (['--dest', '/sys/convbook_test'], "can't be created")]
    if os.geteuid() != 0:
        ro = tmp_path/'ro'; ro.mkdir(); ro.chmod(0o555)
        cases.append((['--dest', ro], 'is not writable'))
    for args, msg in cases:
        status, out, err = run(*args)
        assert status == 1, (args, status, err)
        assert msg in one_line(err, 'convbook-data'), (args, err)
    assert (tmp_path/'blocked'/'mnist_sample').is_file()                # nothing was removed

def test_no_bar_frames_in_redirected_output(tmp_path):
    "The installed commands with stdout redirected (a pipe here, as in a log or CI): no progress bar frames, only the last line"
    status, out, err = script('convbook-anim')('a.gif', '--n', '9', cwd=tmp_path)      # 50 frames: a bar in a terminal
    assert status == 0 and out == 'Wrote a.gif\n', (out, err)
    status, out, err = script('convbook-data')('--dest', tmp_path/'d', '--n-valid', '50')
    assert status == 0 and out == f"Built mnist_sample, mnist_10 in {tmp_path/'d'}\n", (out, err)
    assert '\r' not in err

def test_data_help_says_the_default():
    status, out, err = script('convbook-data')('--help')
    assert status == 0 and '(default: ~/.convbook/data, or $CONVBOOK_DATA)' in out
    assert str(Path.home()) not in out

def test_installed_commands(tmp_path):
    "The console scripts themselves: a usage error (2) and a file in the way (1)"
    status, out, err = script('convbook-anim')('x.gif', '--mode', 'avg', '--dilation', '2', cwd=tmp_path)
    assert status == 2 and "dilation=2 is not allowed with mode='avg'" in one_line(err, 'convbook-anim')
    (tmp_path/'file').write_text('')
    status, out, err = script('convbook-data')('--dest', tmp_path/'file'/'d')
    assert status == 1 and 'file is a file, not a folder' in one_line(err, 'convbook-data')
