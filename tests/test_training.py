"The notebooks' training cells, marked `#| notest` because they are too slow for nbdev-test's budget, run in full here"
import os, shutil, subprocess

from paths import ROOT
from kernel_env import kernel_env   # the main job's environment, in which the saved outputs and the prose's numbers were made

def run_notebook_with_notest_cells(name):
    "Run `nbs/name` with nbdev-test in the main job's environment, including the cells flagged `notest`; fail with the notebook's own error"
    exe = shutil.which('nbdev-test')
    assert exe, "nbdev-test is not on PATH: install the package with its dev extras"
    r = subprocess.run([exe, '--flags', 'notest', str(ROOT/'nbs'/name)], capture_output=True, text=True, cwd=ROOT,
                       env={**os.environ, **kernel_env(), 'MPLBACKEND': 'Agg'})
    assert r.returncode == 0, (r.stdout + r.stderr)[-4000:]

def test_stability_training_runs():
    "09_stability: the five seeded runs on the ten digits and every assertion on their accuracies and activation statistics"
    run_notebook_with_notest_cells('course/09_stability.ipynb')
