"""The holes a learner found (issue 23.2/23.3), each as its reproducer in `practice(kind, seed)` form: the progress file
(bad content, unparseable, processes checking at once, an unwritable place), the API's edges (import *, worksheet),
lazy imports, and the wording and giveaways of the feedback."""
import io, json, multiprocessing as mp, os, subprocess, sys, contextlib
import pytest
import convbook.workbook as wb
import convbook.progress as pr
from convbook.workbook import check, numel_exercise, load_progress, set_progress
from convbook.exercises import EXERCISES, practice, progress, weakest_kinds, worksheet, Worksheet

@pytest.fixture(autouse=True)
def where(tmp_path, monkeypatch):
    "A progress file of this test's own, nothing said yet in this process"
    monkeypatch.setattr(pr, '_progress_setting', None)
    monkeypatch.setattr(pr, '_said', set())
    p = tmp_path/'progress.json'
    monkeypatch.setenv('CONVBOOK_PROGRESS', str(p))
    return p

# ---- the progress file
@pytest.mark.parametrize('content', [{"kinds": {"numel": 5}}, {"kinds": {"numel": {"tries": "3", "exercises": None, "mistakes": [1, 2]}}},
                                     {"kinds": {"numel": {"mistakes": {"forgot_the_batch": "x", "3": -1}}, "conv_size": []}},
                                     {"kinds": {"numel": {"first_right": True, "right": 1.5}}}, {"kinds": []}, [], "x", 3, None])
def test_malformed_content_breaks_nothing(where, content):
    where.write_text(json.dumps(content))
    with contextlib.redirect_stderr(io.StringIO()):
        e = practice('numel', seed=0)
        assert check(e, e.answer) and isinstance(repr(progress()), str) and practice().kind in EXERCISES
        assert weakest_kinds() and load_progress()['numel']['tries'] >= 1

def test_unparseable_file_is_kept_and_said_once(where, capsys):
    where.write_text('{not json')
    check(numel_exercise(seed=1), 0)
    assert (where.parent/'progress.json.bak-1').read_text() == '{not json' and load_progress()['numel']['tries'] == 1
    where.write_text('[1]'); check(numel_exercise(seed=1), 0)
    assert (where.parent/'progress.json.bak-2').read_text() == '[1]' and load_progress()['numel']['tries'] == 1
    err = capsys.readouterr().err
    assert err.count('\n') == 1 and "can't be read: it is kept as progress.json.bak-1 and progress starts afresh" in err

def _tries(path, n):
    os.environ['CONVBOOK_PROGRESS'] = str(path)
    for s in range(n): check(numel_exercise(seed=s), 0)

def test_processes_checking_at_once_lose_no_tries(where):
    ctx = mp.get_context('fork' if 'fork' in mp.get_all_start_methods() else 'spawn')
    ps = [ctx.Process(target=_tries, args=(where, 100)) for _ in range(3)]
    for p in ps: p.start()
    for p in ps: p.join(120)
    assert all(p.exitcode == 0 for p in ps)
    k = load_progress()['numel']
    assert (k['tries'], k['exercises']) == (300, 300)

def test_unwritable_place_is_said_once(tmp_path, monkeypatch, capsys):
    blocker = tmp_path/'file'; blocker.write_text('')
    monkeypatch.setenv('CONVBOOK_PROGRESS', str(blocker/'progress.json'))
    for a in (0, 1): assert check(numel_exercise(seed=1), a).counts
    err = capsys.readouterr().err
    assert err.count("progress isn't kept") == 1 and "set_progress('some/file.json')" in err and 'CONVBOOK_PROGRESS' in err

# ---- progress(): the advice and the weakest kind
def test_advice_never_calls_a_tried_kind_untried():
    for s, right in ((1, False), (2, True)):                 # which_kernel: 1 of 2 right on the first try
        e = practice('which_kernel', seed=s)
        check(e, e.answer if right else next(c for c in e.choices if c != e.answer))
    p = progress()
    assert p.next == ['which_kernel'] and p.advice().startswith("Practise next: `practice('which_kernel')`")
    e = practice('which_kernel', seed=3); check(e, e.answer)  # 2 of 3: now behind the new kinds
    adv = progress().advice()
    assert 'a kind not tried yet' in adv and 'which_kernel' not in adv

def test_scores_order_wrong_then_half_then_new_then_mastered():
    kinds = dict(numel=dict(exercises=1, first_right=0), conv_size=dict(exercises=2, first_right=1),
                 pool_size=dict(exercises=2, first_right=2))
    assert weakest_kinds(kinds) == ['numel']
    del kinds['numel']; assert weakest_kinds(kinds) == ['conv_size']
    del kinds['conv_size']; assert 'pool_size' not in weakest_kinds(kinds) and len(weakest_kinds(kinds)) == len(EXERCISES) - 1

# ---- the API's edges
def test_import_star_gives_what_a_learner_needs():
    ns = {}; exec('from convbook.exercises import *', ns)
    assert {'check', 'clear_progress', 'practice', 'progress', 'worksheet', 'set_progress', 'EXERCISES'} <= set(ns)

def test_worksheet_edges():
    assert [e.kind for e in worksheet(3, 'conv_size', seed=1)] == ['conv_size']*3
    with pytest.raises(ValueError, match='kinds is empty'): worksheet(3, [])
    s = worksheet(40, ['numel'], seed=2)
    assert isinstance(s, Worksheet) and isinstance(s, list) and len({e.question for e in s}) == 40
    md = s._repr_markdown_()
    assert md.startswith('**Worksheet** of 40 exercises') and '**39.** (numel, seed' in md
    assert 'It has a picture' in worksheet(1, 'which_kernel', seed=0)._repr_markdown_()
    with pytest.raises(ValueError, match='no new exercise'): worksheet(400, 'numel', seed=0)   # 192 different numel questions

def test_practice_loads_no_fastai_or_matplotlib():
    code = ("import sys; from convbook.exercises import practice, check; e = practice('conv_size', seed=0); check(e, e.answer);"
            "print(sorted(m for m in ('fastai', 'matplotlib', 'torch') if m in sys.modules))")
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, env={**os.environ, 'CONVBOOK_PROGRESS': 'off'}, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == '[]', out.stderr

def test_draw_apart_and_untied_live_in_workbook():
    import convbook.kernels as k
    assert callable(wb.told_apart) and callable(wb.untied)
    assert not hasattr(k, '_apart') and not hasattr(k, '_untied')

# ---- group_channels: any order, a set
def test_group_channels_any_order_and_a_set():
    e = practice('group_channels', seed=0)
    for a in (tuple(reversed(e.answer)), set(e.answer), frozenset(e.answer), list(e.answer)): assert e.judge(a), a
    for m in e.mistakes:
        if not e.is_right(m.answer): assert e.judge(set(m.answer)).names == [m.name]
    assert e.judge(set(e.answer) | {99}).status == 'form'

# ---- nothing shown before the worked solution gives the answer away
def _value_kinds():
    "The kinds whose answer is a value (not code)"
    return [k for k in EXERCISES if isinstance(EXERCISES[k][0](seed=0).answer, (int, float, str, tuple))]

def _shows(e, text:str) -> bool:
    "Whether `text` shows `e`'s answer: a name or a whole tuple anywhere (the question's own aside), a number as a result (`= 42`)"
    import re
    from convbook.workbook import fmt_answer
    a = e.answer
    if isinstance(a, (str, tuple)): return e._leaks(text) and not e._leaks(e.question)
    return re.search(rf'= (?:{re.escape(fmt_answer(a))}|{re.escape(str(a))})(?![\d.])', text) is not None

@pytest.mark.parametrize('kind', _value_kinds())
def test_no_feedback_before_the_reveal_shows_the_answer(kind, monkeypatch):
    monkeypatch.setenv('CONVBOOK_PROGRESS', 'off')
    for s in range(60):
        e = practice(kind, seed=s)
        shown = list(e.hint_ladder()[:e.reveal_after - 1])
        for m in e.mistakes:
            if e.is_right(m.answer): continue
            shown += [m.label, m.why, m.working, str(e.judge(m.answer))]
        if isinstance(e.answer, str): shown += [str(e.judge(c)) for c in e.choices if c != e.answer]
        elif isinstance(e.answer, (int, float)): shown.append(str(e.judge(e.answer + 1000)))
        for t in shown: assert not _shows(e, t), (kind, s, e.answer, t)
        if kind == 'which_kernel':
            assert not any(e._leaks(m.label + ' ' + m.why) for m in e.mistakes), (s, [m.label for m in e.mistakes])

# ---- the tolerance keeps the prompt's promise
@pytest.mark.parametrize('kind', _value_kinds())
def test_an_answer_rounded_as_the_prompt_says_is_right(kind, monkeypatch):
    import re
    monkeypatch.setenv('CONVBOOK_PROGRESS', 'off')
    for s in range(150):
        e = practice(kind, seed=s)
        floats = [v for v in (e.answer if isinstance(e.answer, tuple) else (e.answer,)) if isinstance(v, float)]
        if not floats: continue
        d = re.search(r'to (\d+) decimals', e.form)
        assert e.tol and d, (kind, s, e.form, e.tol)           # a float answer says how many decimals it needs
        d = int(d.group(1))
        a = e.answer
        rounded = tuple(round(v, d) if isinstance(v, float) else v for v in a) if isinstance(a, tuple) else round(a, d)
        assert e.judge(rounded), (kind, s, a, rounded, str(e.judge(rounded)))
        if not isinstance(a, tuple) and round(a, d - 1) != round(a, d):   # rounded further than promised: not a try, asked for more decimals
            fb = e.judge(round(a, d - 1))
            assert fb or fb.status == 'mistake' or (fb.status == 'form' and 'give more decimals' in fb.note), (kind, s, a, str(fb))

def test_bn_running_mean_seed_4_close():
    e = practice('bn_running_mean', seed=4)
    fb = e.judge(round(e.answer, 2))
    assert fb.status == 'form' and not fb.counts and 'rounded too far to be checked: give more decimals' in str(fb)
    assert e.judge(round(e.answer, 3))

# ---- wording
def test_a_one_tuple_for_one_number():
    e = practice('numel', seed=0)
    assert e.judge((e.answer,)) and e.judge([e.answer]) and not e.judge((e.answer + 1,))
    assert 'Your answer has 2 numbers, and the answer is one number' in str(e.judge((1, 2)))

PAST = {'forgot', 'kept', 'shrank', 'put', 'left', 'took', 'gave', 'made', 'mixed', 'set', 'got', 'read', 'thought', 'blamed'}

@pytest.mark.parametrize('kind', list(EXERCISES))
def test_every_label_reads_after_it_looks_like_you(kind, monkeypatch):
    monkeypatch.setenv('CONVBOOK_PROGRESS', 'off')
    labels = {m.label for s in range(40) for m in practice(kind, seed=s).mistakes}
    for l in labels:
        first = l.split()[0]
        assert first.endswith('ed') or first in PAST, (kind, l)      # "It looks like you <did something>"

@pytest.mark.parametrize('kind', ['conv_size', 'pool_size', 'transposed_size'])
def test_two_d_hints_have_a_colon_after_the_axis(kind, monkeypatch):
    monkeypatch.setenv('CONVBOOK_PROGRESS', 'off')
    n = 0
    for s in range(40):
        e = practice(kind, seed=s)
        if e.params['nd'] != 2: continue
        n += 1
        for h in e.hints: assert h.startswith('height: ') and '; width: ' in h, (kind, s, h)
    assert n > 5

# ---- a picture in a terminal
def test_terminal_says_how_to_see_the_picture():
    e = practice('which_kernel', seed=0)
    assert "ex.picture().savefig('exercise.png')" in repr(e) and "picture" not in repr(practice('numel', seed=0))

def test_no_fcntl_still_keeps_tries(where, monkeypatch):
    "Where `fcntl` is missing (Windows has `msvcrt` instead; elsewhere there may be neither), tries are still kept"
    monkeypatch.setitem(sys.modules, 'fcntl', None)
    monkeypatch.setitem(sys.modules, 'msvcrt', None)
    for s in range(3): check(numel_exercise(seed=s), 0)
    assert load_progress()['numel']['tries'] == 3
