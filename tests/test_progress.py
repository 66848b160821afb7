"""Progress: a small local JSON file (moved by CONVBOOK_PROGRESS, or set_progress; off with 'off'), never required
(an unwritable or unreadable file breaks nothing), cleared on request; progress() per chapter and kind, as a table in
Jupyter and as text in a terminal, with what to practise next; practice() with no kind draws from the weakest kinds,
and with no progress kept gives what the seed alone gives."""
import json, os, random, stat
import pytest
import convbook.progress as pr
from convbook.workbook import check, set_progress, progress_path, load_progress, clear_progress, numel_exercise
from convbook.exercises import EXERCISES, practice, progress, weakest_kinds

@pytest.fixture(autouse=True)
def where(tmp_path, monkeypatch):
    "A progress file of this test's own, and no `set_progress` choice left over"
    monkeypatch.setattr(pr, '_progress_setting', None)
    p = tmp_path/'progress.json'
    monkeypatch.setenv('CONVBOOK_PROGRESS', str(p))
    return p

def test_default_is_in_the_home_directory(monkeypatch, tmp_path):
    monkeypatch.delenv('CONVBOOK_PROGRESS'); monkeypatch.setenv('HOME', str(tmp_path))
    assert progress_path() == tmp_path/'.convbook'/'progress.json'
    check(numel_exercise(seed=1), 0)
    assert json.loads((tmp_path/'.convbook'/'progress.json').read_text())['kinds']['numel']['tries'] == 1

def test_tries_are_kept(where):
    e = numel_exercise(seed=282)
    for a in (784, 121, 50176): check(e, a)
    check(numel_exercise(seed=3), numel_exercise(seed=3).answer)
    k = json.loads(where.read_text())['kinds']['numel']
    assert k == dict(exercises=2, tries=4, first_right=1, right=2, mistakes=dict(forgot_the_batch=1, added_the_sizes=1))

def test_blanks_and_judging_are_not_kept(where):
    e = numel_exercise(seed=282)
    check(e, ...); check(e, 'many'); e.judge(784)
    assert not where.exists()

def test_off_keeps_nothing(where, monkeypatch):
    monkeypatch.setenv('CONVBOOK_PROGRESS', 'off')
    assert progress_path() is None
    check(numel_exercise(seed=1), 0)
    assert not where.exists() and load_progress() == {}
    assert 'Progress is off' in repr(progress())

def test_set_progress_moves_and_disables(where, tmp_path):
    other = tmp_path/'elsewhere'/'p.json'
    assert set_progress(other) == other
    check(numel_exercise(seed=1), 0)
    assert other.exists() and not where.exists()
    assert set_progress('off') is None
    check(numel_exercise(seed=1), 0)
    assert load_progress() == {}
    set_progress(None)                                     # back to the environment's file
    assert progress_path() == where
    with pytest.raises(TypeError, match="give a file path, 'off', or None"): set_progress(3)

def test_unwritable_home_breaks_nothing(monkeypatch, tmp_path):
    ro = tmp_path/'ro'; ro.mkdir(); ro.chmod(stat.S_IRUSR | stat.S_IXUSR)
    monkeypatch.delenv('CONVBOOK_PROGRESS'); monkeypatch.setenv('HOME', str(ro))
    try:
        e = numel_exercise(seed=1)
        assert check(e, e.answer) and list(ro.iterdir()) == [] or os.geteuid() == 0   # root can write anywhere
        assert isinstance(repr(progress()), str)
    finally: ro.chmod(stat.S_IRWXU)
    blocker = tmp_path/'file'; blocker.write_text('')
    monkeypatch.setenv('CONVBOOK_PROGRESS', str(blocker/'progress.json'))          # a path under a file: never writable
    assert check(numel_exercise(seed=1), 280) and load_progress() == {}

def test_unreadable_file_reads_as_empty(where):
    where.write_text('{not json')
    assert load_progress() == {} and len(progress().table) == 0
    check(numel_exercise(seed=1), 0)
    assert load_progress()['numel']['tries'] == 1

def test_clear_progress_starts_over(where):
    check(numel_exercise(seed=1), 0)
    clear_progress()
    assert not where.exists() and load_progress() == {}
    clear_progress()                                      # nothing to clear: fine

def test_progress_table_text_and_html():
    e = practice('conv_size', seed=5)
    check(e, next(m.answer for m in e.mistakes if m.answer != e.answer)); check(e, e.answer)
    check(f := practice('numel', seed=2), f.answer)
    p = progress()
    assert list(p.table.index) == [('00a_workbook', 'numel'), ('03_arith', 'conv_size')]
    row = p.table.loc[('03_arith', 'conv_size')]
    assert (row['exercises'], row['tries'], row['right first try']) == (1, 2, '0 of 1') and '(1)' in row['mistakes named most']
    assert p.next == ['conv_size'] and "Practise next: `practice('conv_size')`" in p.advice()
    html, text = p._repr_html_(), repr(p)
    assert '<table' in html and "<code>practice(&#x27;conv_size&#x27;)</code>" in html
    assert 'right first try' in text and "Practise next: practice('conv_size')" in text and '`' not in text

def test_nothing_practised_yet():
    assert repr(progress()) == "Nothing practised yet: practice() draws an exercise of any kind."

def test_practice_draws_from_the_weakest_kind():
    e = practice('pool_size', seed=1)
    check(e, e.answer + (1000,) if isinstance(e.answer, tuple) else e.answer + 1000)
    assert weakest_kinds() == ['pool_size']
    assert {practice(seed=s).kind for s in range(30)} == {'pool_size'}
    assert practice(seed=4).question == practice(seed=4).question          # still reproducible, given the same progress

def test_seeds_unchanged_without_progress():
    "With nothing kept, practice(seed=s) is what it always was: the seed picks the kind, then draws the exercise"
    for s in range(12):
        kind = random.Random(s).choice(list(EXERCISES))
        assert practice(seed=s).question == EXERCISES[kind][0](seed=s).question
