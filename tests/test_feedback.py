"""The feedback's rules, one test each, on small exercises: a hint before the answer, a closer hint each try, the worked
solution on request or on the third wrong try (and it says so), the same in plain text, the fix named, blanks and
unreadable answers not counted, replies of their own for answers of the wrong form, one diagnosis or 'either ... or'."""
import pytest, numpy as np
from convbook.workbook import Exercise, Feedback, check, mistake, numel_exercise, fmt_answer

@pytest.fixture(autouse=True)
def _no_progress(monkeypatch): monkeypatch.setenv('CONVBOOK_PROGRESS', 'off')

def ex(): return numel_exercise(seed=282)     # [64, 1, 28, 28]: 50,176; 784 forgets the batch, 121 adds the sizes

def test_first_wrong_try_hides_the_working_and_says_when_the_solution_comes():
    "(That it names the mistake, hints and hides the answer, on this exercise: 00a_workbook's cell `8fa29a09`)"
    t = str(check(ex(), 784))
    assert '64*1*28*28' not in t
    assert 'worked solution comes after 2 more wrong tries, or now with `.solution()`' in t

def test_unrecognised_wrong_answer_gets_the_hint_only():
    fb = check(ex(), 5)
    assert fb.status == 'wrong' and 'It looks like' not in str(fb) and '**Hint:**' in str(fb) and '50176' not in str(fb).replace(',', '')

def test_each_further_try_is_more_specific_then_the_solution():
    "(The closer hint's text, the third try's solution and the fourth's: 00a_workbook's cell `5b7a7874`)"
    e = ex()
    t = [str(check(e, a)) for a in (784, 5, 121, 6)]
    assert t[0].split('Hint:**')[1] != t[1].split('hint:**')[1]
    assert '50,176' in t[3]

def test_hints_given_by_the_generator_come_first():
    e = Exercise('k', 'q?', 10, '2*5 = 10', hint='the rule.', hints=('a closer one.', 'closer still.'))
    e.reveal_after = 4
    t = [str(check(e, a)) for a in (1, 2, 3)]
    assert 'Hint:** The rule.' in t[0] and 'hint:** A closer one.' in t[1] and 'hint:** Closer still.' in t[2]

def test_the_usual_slips_when_no_working_can_be_left_undone():
    def took_the_other(): "Took the kernel that does the opposite"; return 'sharpen', 'the other one'
    e = Exercise('k', 'Which?', 'blur', '`blur`: it averages', hint='look.', choices=('blur', 'sharpen'), mistakes=[mistake(took_the_other)])
    ladder = e.hint_ladder()
    assert len(ladder) == 2 and 'usual slips' in ladder[1] and 'blur' not in ladder[1]

def test_plain_text_follows_the_same_rules():
    e = ex(); fb = check(e, 784)
    md, txt = fb._repr_markdown_(), str(fb)
    assert '\\*' in md and '\\*' not in txt and txt == md.replace('\\*', '*')

def test_right_after_wrong_says_what_was_fixed():
    e = ex(); check(e, 784); check(e, 5)
    t = str(check(e, 50176))
    assert t.startswith('✓ **Right** on try 3: 50,176. You fixed **forgot the batch** (try 1). The working:')
    e = ex(); check(e, 5)
    assert 'You fixed' not in str(check(e, 50176))     # (right at the first try: 00a_workbook's cell `5b7a7874`)

def test_blank_and_unreadable_answers_are_not_tries():
    e = ex()
    for a in (..., None, 'many', [1, None], object(), {1, 2}): check(e, a)
    assert e.tries == []
    fb = check(e, 784)
    assert fb.n == 1 and 'try 1' in str(fb)

def test_each_check_counts_one_try():
    e = ex()
    fbs = [check(e, a) for a in (784, 784, 50176, 50176)]
    assert [f.n for f in fbs] == [1, 2, 3, 4] and e.tries == fbs and fbs[2].earlier == fbs[:2]
    assert e.judge(784).n is None and len(e.tries) == 4                  # judging does not count

def test_either_or_when_two_mistakes_coincide():
    def other(bs, c, h, w): "Counted the pixels of one row per image"; return 121, "64 + 57 = 121"
    e = ex(); e.mistakes.append(mistake(other, 64, 1, 28, 28))
    t = str(check(e, 121))
    assert 'That answer comes from either of two mistakes:' in t and '- **added the sizes**:' in t and '- **other**:' in t
    assert '50176' not in t.replace(',', '')   # (and asks which working is yours: 00a_workbook's cell `e376d3e6`)

def test_one_number_only_for_a_square_size():
    "(A plain number for a square size, a number for a shape, one part: 00a_workbook's cell `de5ef5c4`)"
    sq = Exercise('s', 'q', (6, 6), 'w', square=True)
    assert sq.judge(np.int64(6))
    notsq = Exercise('s', 'q', (3, 3, 3, 3), 'w', form='a shape')
    fb = check(notsq, 3)
    assert not notsq.tries and "one number isn't enough here: the answer has 4 parts" in str(fb).lower()

def test_wrong_length_tuple_has_its_own_reply():
    e = Exercise('s', 'q', (2, 3), 'w', labels=('height', 'width'), form='a pair (height, width)')
    assert str(check(e, (2, 3, 1))) == '✎ **Not counted as a try:** Your answer has 3 parts, the answer has 2 (height, width). Answer with a pair (height, width).'
    assert str(check(Exercise('s', 'q', 4, 'w', form='a whole number'), (4, 4))).endswith('Your answer has 2 numbers, and the answer is one number. Answer with a whole number.')

def test_a_range_is_the_tuple_it_stands_for():
    "(The right range: 00a_workbook's cell `de5ef5c4`)"
    e = Exercise('c', 'Which channels?', (4, 5, 6, 7), 'w')
    assert not check(e, range(4, 7))

def test_a_name_not_offered():
    "(Its reply, and a number for a name: 00a_workbook's cell `ae7b85ff`)"
    e = Exercise('k', 'Which?', 'blur', 'w', choices=('blur', 'sharpen', 'identity', 'top_edge'))
    check(e, 'emboss'); check(e, 3)
    assert check(e, ' Blur ') and len(e.tries) == 1

def test_float_noise_is_read_as_the_whole_number():
    "(20.000000000000004 read as 20, and 20.5 not a whole number: 00a_workbook's cell `ae7b85ff`)"
    fb = check(Exercise('n', 'q', 20, '4*5 = 20'), 19.000000000000004)
    assert fb.status == 'wrong' and 'you answered 19.000000000000004, read as 19' in str(fb)
    assert check(Exercise('n', 'q', (20, 3), 'w'), (20.000000000000004, 3.0))
    assert check(Exercise('n', 'q', 0.3, 'w', tol=1e-3), 0.30001)            # tolerances for decimals stay as they were

def test_figure_waits_for_the_solution(monkeypatch):
    import convbook.workbook as wb
    shown = []
    monkeypatch.setattr(wb, '_show_md', lambda md: None); monkeypatch.setattr(wb, '_show', shown.append)
    e = ex(); e.figure = lambda: 'a figure'
    for a in (784, 121): check(e, a)._ipython_display_()
    assert shown == []
    check(e, 5)._ipython_display_()
    assert shown == ['a figure']

@pytest.mark.parametrize('bad', [float('nan'), float('inf'), -float('inf')])
def test_non_finite_answers_are_a_form_reply_in_every_kind(bad):
    "NaN and ±inf, alone or in a tuple, crash no kind (they did in 16, issue 23) and don't count as a try"
    from convbook.exercises import EXERCISES, CODE_KINDS, practice
    for kind in EXERCISES:
        for seed in range(3):
            e = practice(kind, seed=seed)
            for given in (bad, (bad,)*len(e.answer) if isinstance(e.answer, tuple) else (bad, bad)):
                fb = check(e, given)
                assert fb.status == 'form', (kind, seed, given, fb.status)
                if kind in CODE_KINDS: assert 'answered with code' in str(fb), (kind, str(fb))
                elif not isinstance(e.answer, str): assert 'is not a number that can be checked' in str(fb), (kind, str(fb))
