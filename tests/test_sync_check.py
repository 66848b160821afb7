"""The sync check of `.ci/run` (tools/sync_check.py) lets through what another machine changes in the saved outputs,
and nothing more: a printed value that really changed, a changed word, a changed figure or a changed cell is caught.
Each case edits a committed notebook (or the work tree of a copy of the repository) and asks the check."""
import copy, io, json, re, subprocess, sys
from base64 import b64decode, b64encode
import pytest

from paths import ROOT
import sync_check as sc

def nb(path): return json.loads((ROOT/path).read_text())

def first_output(n, pred):
    "The first (cell index, output) of notebook `n` for which `pred(cell, output)` holds"
    return next((i, o) for i,c in enumerate(n['cells']) for o in c.get('outputs', []) if pred(c, o))

def text_of(o): return o['text'] if 'text' in o else o['data']['text/plain']

def edited(n, i, f):
    "A copy of notebook `n` whose cell `i`'s text outputs (streams, and every text/plain and text/html) are `f(text)`"
    m = copy.deepcopy(n)
    for o in m['cells'][i]['outputs']:
        if 'text' in o: o['text'] = f(''.join(o['text']))
        for mime in ('text/plain', 'text/html'):
            if mime in o.get('data', {}): o['data'][mime] = f(''.join(o['data'][mime]))
    return m

ARITH = 'nbs/course/03_arith.ipynb'

def test_a_changed_printed_value_is_caught():
    n = nb(ARITH)
    i, o = first_output(n, lambda c,o: '[28, 14, 7, 4, 2, 1]' in ''.join(text_of(o)) if ('text' in o or 'text/plain' in o.get('data', {})) else False)
    probs = sc.notebook_problems(n, edited(n, i, lambda t: t.replace('[28, 14, 7', '[28, 15, 7', 1)))
    assert probs and 'a number changed: 14 -> 15' in probs[0], probs

def test_a_changed_word_or_source_is_caught():
    n = nb(ARITH)
    i, o = first_output(n, lambda c,o: 'text/plain' in o.get('data', {}))
    assert sc.notebook_problems(n, edited(n, i, lambda t: t + ' more'))
    m = copy.deepcopy(n); m['cells'][i]['source'] = m['cells'][i]['source'] + ['\n# changed']
    assert 'its source, id or metadata changed' in sc.notebook_problems(n, m)[0]

def test_float_noise_in_the_last_digit_passes():
    assert sc.close('0.063008', '0.063007') and sc.close('2.306322', '2.306323') and sc.close('1.5e-05', '1.6e-05')
    assert not sc.close('0.0015', '0.0012') and not sc.close('0.995', '0.990') and not sc.close('14', '15')
    assert sc.text_problems('loss 0.063008 acc 0.995', 'loss 0.063007 acc 0.995') is None
    assert sc.text_problems('loss 0.063008 acc 0.995', 'loss 0.063008 acc 0.990') == 'a number changed: 0.995 -> 0.990'

def test_a_cell_tagged_varies_may_move_its_numbers_but_not_its_shape():
    n = nb('nbs/course/09_stability.ipynb')
    i = next(i for i,c in enumerate(n['cells']) if sc.VARIES in c.get('metadata', {}).get('tags', []) and c.get('outputs'))
    shift = lambda t: re.sub(r'(?<![\w.#])\d+\.\d{3,}', lambda m: f"{float(m.group()) + 0.25:.6f}", t)   # every training number
    moved = edited(n, i, shift)
    assert sc.notebook_problems(n, moved) == []
    assert sc.notebook_problems(n, edited(n, i, lambda t: t + '\nanother row'))
    untagged = copy.deepcopy(n); untagged['cells'][i]['metadata'] = {}
    assert sc.notebook_problems(untagged, edited(untagged, i, shift))

def png(arr):
    import numpy as np
    from PIL import Image
    b = io.BytesIO(); Image.fromarray(np.asarray(arr, dtype=np.uint8)).save(b, format='png'); return b.getvalue()

def test_figures_within_the_tolerance_pass_and_others_are_caught():
    import numpy as np
    a = np.zeros((100, 100, 3)); b = a.copy(); b[0, :5] = 200            # 5 of 10,000 pixels: colour-map noise
    assert sc.image_problems(png(a), png(b)) is None
    c = a.copy(); c[:10, :10] = 200                                       # a patch: a changed figure
    assert '1.00% of the figure' in sc.image_problems(png(a), png(c))
    assert 'size changed' in sc.image_problems(png(a), png(np.zeros((100, 101, 3))))

def test_ci_check_complains_about_an_edited_notebook(tmp_path):
    "The script itself, as .ci/run calls it, in a copy of the repository whose work tree has one printed value changed"
    repo = tmp_path/'repo'
    subprocess.run(['git', 'clone', '-q', '--no-hardlinks', str(ROOT), str(repo)], check=True)
    run = lambda: subprocess.run([sys.executable, ROOT/'tools'/'sync_check.py', '--repo', repo], capture_output=True, text=True)
    r = run(); assert r.returncode == 0, r.stderr
    n = json.loads((repo/ARITH).read_text())
    i, _ = first_output(n, lambda c,o: '[28, 14, 7, 4, 2, 1]' in ''.join(text_of(o)) if ('text' in o or 'text/plain' in o.get('data', {})) else False)
    (repo/ARITH).write_text(json.dumps(edited(n, i, lambda t: t.replace('[28, 14, 7', '[28, 15, 7', 1)), indent=1))
    r = run()
    assert r.returncode == 1 and 'a number changed: 14 -> 15' in r.stderr and ARITH in r.stderr, r.stderr
