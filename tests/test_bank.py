"""The exercises on the docs site say what Python's `check` says. Every entry of the site's exercise bank (every kind
whose answer is a value, every seed) is answered, as a learner types it, by the site's widget run with node
(tests/bank_check.js) and by `check(ex, parse_answer(text))`: the right answer and each alternative (as a tuple, a
list, bare, a name with and without quotes), every modelled mistake (in the same forms), and bad answers (blank,
junk, a tuple of the wrong length, a float for a whole answer, nan, inf, a choice not offered, a number rounded too
much, a set, a float's rounding error), as sequences of tries, so that the try numbers, the closer hints, the worked
solution after the third wrong try and "You fixed" are exercised too. The status, the mistakes named and the plain
feedback text must be equal. Also: the widget reads every typed text as `parse_answer` does (same repr)."""
import json, math, shutil, subprocess
import pytest

from paths import ROOT
NODE = shutil.which('node')
ODD = ['', '  ', '...', '6', '-0', '-0.0', '+6', '007', '6.', '.5', '1e-3', '2E5', '1e400', '-1e400', 'nan', '-NaN', 'Infinity',
       'True', 'False', 'None', 'sharpen', "'sharpen'", '"it\'s"', "'a\"b'", 'Sobel_X', '6, 6', '(6, 6)', '6,', '(6)', '(6,)', '()',
       '[6, 6]', '[6,]', '((1, 2), [3])', '{2, 1, 2}', '{10, 3, 10.0, True}', '{(1, 2), "a"}', '1234567890123456789', '6 6',
       '3x3', '(6, 6', '6)', '1,,2', ',', '{}', '{[1]}', '(1)(2)', "'a\\b'", '3*4', '[1]]', '٣', '0.1 + 0.2', '1e16', '1.5e-05',
       '0.03125', '123456789012345.5', '(-0.0, True, None, ...)', 'é', "'é'", '{nan, nan}', '{1, (2, [3])}']

def forms(v) -> list:
    "Ways a learner types the plain answer `v`"
    if v is None: return []
    if isinstance(v, list):   # a tuple, in the bank's JSON
        items = [forms(x)[0] for x in v]
        return [f"({', '.join(items)}{',' if len(items) == 1 else ''})", f"[{', '.join(items)}]", ', '.join(items) + (',' if len(items) == 1 else '')]
    if isinstance(v, str): return [v, f"'{v}'", f'"{v.upper()}"'] if v not in ('nan', 'inf', '-inf') else [v]
    return [repr(v)]

def bumped(v):
    "A plain answer one off from `v`, in its first number: a wrong answer no mistake may explain"
    if isinstance(v, list): return [bumped(v[0])] + v[1:] if v else v
    if isinstance(v, (int, float)): return v + 1
    return v

def sequences(e:dict) -> list:
    "The sequences of typed answers put to the bank's entry `e`"
    a, ms = e['answer'], [m['answer'] for m in e['mistakes'] if m['answer'] is not None]
    rights = forms(a) + [t for alt in e['alternatives'] for t in forms(alt)[:1]]
    bad = ['', 'junk text', '6 6', '(1,', 'nan', 'inf', '...']
    if isinstance(a, list):
        bad += [forms(a + [a[-1]])[0], forms(a[:1])[0], forms(a[0])[0], '{' + ', '.join(forms(a)[0][1:-1].split(', ')) + '}']
        if all(isinstance(x, int) for x in a): bad.append(forms([x + 0.5 for x in a])[0])
    elif isinstance(a, str): bad += ['not_a_kernel', '3', "('sharpen', 1)"]
    elif isinstance(a, int): bad += [f'{a + 0.5!r}', f'{a}.0000000001', f'({a}, {a})', f'{a}, ']
    else: bad += [f'{round(a, 1)!r}', f'{round(a, 2)!r}', f'{a:.6f}', f'({a}, {a})']
    if isinstance(a, str): wrong = []
    else: wrong = [forms(bumped(a))[0]]
    mistakes = [t for m in ms for t in forms(m)]
    return [
        rights[:1] + rights[1:3],                                        # right first, then again (the tries go on)
        bad + mistakes[:3] + wrong + bad[:2] + mistakes[3:] + rights[:1],   # blanks and junk (not counted), mistakes, the reveal, then right
        wrong + rights[-1:] if wrong else rights[-1:],                 # right on the second try
        *[[t] for t in rights[3:]],                                      # each further form of a right answer, on its own
    ]

@pytest.fixture(scope='module')
def bank(site):
    "The bank of the built site: `(folder, {kind: [entries]})`"
    import site_exercises
    dest = site[0]/site_exercises.ASSETS
    return dest, site_exercises.read_bank(dest)

def test_bank_covers_every_value_kind(bank):
    "At least 50 seeds of every kind whose answer is a value, with what `judge` and the feedback need, and its pictures"
    from convbook.exercises import EXERCISES
    import site_exercises
    dest, b = bank
    for kind,(gen,_) in EXERCISES.items():
        if not site_exercises.is_value_kind(gen(seed=0)): assert all(e.get('code') for e in b[kind]), kind; continue
        assert len(b[kind]) >= 50 and len({e['seed'] for e in b[kind]}) == len(b[kind]), kind
        for e in b[kind]:
            assert {'question_html', 'answer', 'alternatives', 'unordered', 'tolerance', 'square', 'choices', 'labels', 'form',
                    'mistakes', 'hints', 'working', 'reveal_after'} <= set(e), (kind, sorted(e))
            assert e['hints'] and e['question_html'].startswith('<'), (kind, e['seed'])
            if e.get('figure'): assert (dest/e['figure']).stat().st_size > 1000 and e['figure_alt']
    assert all(e.get('figure') for e in b['which_kernel'])

@pytest.mark.skipif(NODE is None, reason="node is not installed: the JS/Python equivalence test of the site's exercises needs it")
def test_widget_says_what_check_says(bank, tmp_path):
    from convbook.exercises import EXERCISES
    from convbook.workbook import parse_answer
    dest, b = bank
    cases, texts = [], set(ODD)
    for kind, entries in b.items():
        for e in entries:
            if e.get('code'): continue
            seqs = sequences(e)
            cases.append([kind, e['seed'], seqs])
            texts.update(t for s in seqs for t in s)
    texts = sorted(texts)
    (tmp_path/'cases.json').write_text(json.dumps(dict(texts=texts, cases=cases)))
    r = subprocess.run([NODE, str(ROOT/'tests'/'bank_check.js'), str(ROOT/'tools'/'site_exercises.js'), str(dest/'bank'), str(tmp_path/'cases.json')],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    out = json.loads(r.stdout)
    bad = [f"{t!r}: Python reads {repr(parse_answer(t))!r}, the page {js!r}" for t,js in zip(texts, out['parsed']) if repr(parse_answer(t)) != js]
    assert not bad, '\n'.join(bad[:20])
    n, diffs, statuses = 0, [], {}
    page_status = dict(right='right', mistake='wrong', wrong='wrong', form='form', unreadable='form', unanswered='form')
    for (kind, seed, seqs), res in zip(cases, out['results']):
        ex = EXERCISES[kind][0](seed=seed)
        for seq, rs in zip(seqs, res):
            ex.tries = []
            for t, (status, names, text, page, page_text) in zip(seq, rs):
                fb = ex.check(parse_answer(t))
                n += 1
                statuses[fb.status] = statuses.get(fb.status, 0) + 1
                py = (fb.status, fb.names, str(fb))
                if py != (status, names, text) or page != page_status[fb.status]:
                    diffs.append(f"{kind} seed {seed}, {seq[:seq.index(t) + 1]}:\n  Python: {py}\n  page:   {(status, names, text, page)}")
                    break
    assert not diffs, f"{len(diffs)} of {n} answers differ:\n" + '\n'.join(diffs[:10])
    assert n > 20000 and all(statuses.get(s, 0) > 100 for s in ('right', 'mistake', 'wrong', 'form', 'unreadable', 'unanswered')), (n, statuses)

def test_bank_is_deterministic_and_shows_code_kinds(tmp_path, monkeypatch):
    "Two writes of the bank give the same bytes (pictures included); a kind answered with code gets its question and its chapter's Colab link"
    import site_exercises, convbook.exercises
    from convbook.workbook import Exercise
    def code_exercise(seed=None):
        "Write a function (a stand-in for a code kind: its answer is no value)"
        return Exercise('write_it', f"Write `f` (seed {seed}).", object(), 'def f(): ...', seed=seed)
    kinds = {k: convbook.exercises.EXERCISES[k] for k in ('numel', 'which_kernel')}
    monkeypatch.setattr(convbook.exercises, 'EXERCISES', {**kinds, 'write_it': (code_exercise, '01_kernels')})
    for d in ('a', 'b'): site_exercises.write_bank(tmp_path/d, seeds=range(2))
    files = sorted(p.relative_to(tmp_path/'a') for p in (tmp_path/'a').rglob('*') if p.is_file())
    assert len(files) == 6 and files == sorted(p.relative_to(tmp_path/'b') for p in (tmp_path/'b').rglob('*') if p.is_file())
    assert all((tmp_path/'a'/f).read_bytes() == (tmp_path/'b'/f).read_bytes() for f in files), "two writes of the bank differ"
    b = site_exercises.read_bank(tmp_path/'a')
    assert [e['seed'] for e in b['write_it']] == list(site_exercises.CODE_SEEDS) and all(e['code'] and 'Write <code>f</code>' in e['question_html'] for e in b['write_it'])
    index = (tmp_path/'a'/'bank'/'index.js').read_text()
    assert '"code":true' in index and 'colab.research.google.com/github/convbook/convbook/blob/main/nbs/course/01_kernels.ipynb' in index
