"""A main job that fails leaves every notebook as it was, and says which notebook and cell failed and how to run just
that notebook again (tools/build.py's `execute_notebooks`, on two small notebooks of a folder of their own)."""
from pathlib import Path
import nbformat
import pytest

import build

def notebook(path:Path, *sources):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata['kernelspec'] = dict(name='python3', display_name='python3', language='python')
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path.read_bytes()

def test_a_failing_main_job_puts_the_notebooks_back(tmp_path, monkeypatch):
    monkeypatch.setattr(build, 'TIMES', tmp_path/'times.json')
    nbs = tmp_path/'nbs'
    ok = notebook(nbs/'course'/'01_ok.ipynb', 'print(1 + 1)')
    bad = notebook(nbs/'course'/'02_bad.ipynb', 'x = 1', '# the check\nassert x == 2, "x is not 2"', 'print("never")')
    with pytest.raises(SystemExit) as e: build.execute_notebooks(nbs, workers=1, fresh=True)
    msg = str(e.value)
    assert 'course/02_bad.ipynb failed at cell 1 (code cell 2 of 3' in msg and 'x is not 2' in msg, msg
    assert 'python tools/build.py --only course/02_bad' in msg and 'back as it was' in msg, msg
    assert (nbs/'course'/'01_ok.ipynb').read_bytes() == ok        # it ran, and was put back
    assert (nbs/'course'/'02_bad.ipynb').read_bytes() == bad
    assert not (tmp_path/'times.json').exists()
