"""The exercises answered in the docs site's pages, in headless Chromium (the `site` and `browser` fixtures are in
conftest.py). On the Practice page, which holds every kind, each kind whose answer is a value is answered through the
page, typed and checked with the button or with Enter, for two seeds (the first, and the next one "Another one" draws):
the right answer, every modelled mistake and bad answers; after each, the verdict's `data-status` and the mistakes it
names are Python's `check`'s, and its text is `str(check(...))` as the page renders it. Also: each course chapter
shows its own kinds, progress is kept in the browser and reset, the feedback is in a polite live region, the input has
a visible label, and every control shows a focus ring."""
import re
from pathlib import Path
import pytest

from paths import ROOT
PAGE_STATUS = dict(right='right', mistake='wrong', wrong='wrong', form='form', unreadable='form', unanswered='form')
SITE_WORDS = [('Replace the `...` with your answer, ', 'Type your answer, '), (', and run the cell again.', ', then press Check.'),
              ('or now with `.solution()`.', 'or now with the Solution button.')]

def shown(md:str) -> str:
    "The text a reader sees of the feedback's Markdown `md` on the page (the page's words, markup gone, spaces collapsed)"
    for a,b in SITE_WORDS: md = md.replace(a, b)
    out = []
    for i,p in enumerate(md.split('`')):
        if i % 2: out.append(p); continue
        p = p.replace('\\*', '\0')
        p = re.sub(r'\*\*(.+?)\*\*', r'\1', p)
        p = re.sub(r'\*([^*\s](?:[^*]*[^*\s])?)\*', r'\1', p)
        out.append(p.replace('\0', '*'))
    return ' '.join(re.sub(r'^- ', '', ''.join(out), flags=re.M).split())

def typed(v) -> str:
    "A plain answer as a learner types it: `(6, 6)`, `784`, `sharpen`"
    if isinstance(v, tuple): return '(' + ', '.join(map(typed, v)) + (',)' if len(v) == 1 else ')')
    return v if isinstance(v, str) else repr(v)

def answers(ex) -> list:
    "What to type, in order: blank, junk, bad forms, every mistake, a wrong answer, then the right answer"
    a = ex.answer
    bad = ['', 'not a value', 'nan']
    if isinstance(a, tuple): bad += [typed(a + a[-1:]), typed(a[0])]
    elif isinstance(a, str): bad += ['not_a_kernel']
    elif isinstance(a, int): bad += [repr(a + 0.5)]
    else: bad += [repr(round(a, 1))]
    ms = [typed(m.answer) for m in ex.mistakes if m.answer is not None]
    return bad + ms + ([typed(a + 1)] if isinstance(a, (int, float)) else []) + [typed(a)]

VERDICT_JS = """box => { const v = box.querySelector('.cbk-feedback [data-status]');
  return v ? [v.dataset.status, (v.dataset.mistakes || '').split(' ').filter(s => s), v.innerText.split(/\\s+/).filter(s => s).join(' ')] : null; }"""

def test_site_sync_words():
    "The page's own words for what a notebook says (`SITE_WORDS` here) are the widget's"
    js = (ROOT/'tools'/'site_exercises.js').read_text()
    for a,b in SITE_WORDS: assert f"['{a}', '{b}']" in js, (a, b)

def test_exercises_in_the_page(site, browser):
    from convbook.exercises import EXERCISES
    from convbook.workbook import parse_answer
    import site_exercises
    dest, base = site
    bank = site_exercises.read_bank(dest/site_exercises.ASSETS)
    page = browser.new_page(viewport=dict(width=1280, height=900))
    errors = []
    page.on('pageerror', lambda e: errors.append(str(e)))
    page.goto(base + 'practice.html', wait_until='networkidle')
    page.wait_for_function("() => document.querySelectorAll('.cbk-exercise.cbk-ready').length === document.querySelectorAll('.cbk-exercise').length")
    kinds = page.eval_on_selector_all('[data-exercise-kind]', 'els => els.map(e => e.dataset.exerciseKind)')
    assert kinds == list(EXERCISES), kinds
    problems, n = [], 0
    for kind in kinds:
        if bank[kind][0].get('code'): continue
        box = page.locator(f'[data-exercise-kind="{kind}"]')
        for round_ in range(2):
            seed = int(box.get_attribute('data-exercise-seed'))
            assert seed == bank[kind][round_]['seed'], (kind, seed)
            ex = EXERCISES[kind][0](seed=seed)
            for i,t in enumerate(answers(ex) if round_ == 0 else answers(ex)[-3:]):   # the second seed: a mistake or two and the right answer
                fb = ex.check(parse_answer(t))
                box.locator('input').fill(t)
                if i % 2: box.locator('input').press('Enter')
                else: box.locator('button.cbk-check').click()
                got = box.evaluate(VERDICT_JS)
                want = [PAGE_STATUS[fb.status], fb.names, shown(fb._repr_markdown_())]
                n += 1
                if got != want: problems.append(f"{kind} seed {seed}, typed {t!r}:\n  page:   {got}\n  Python: {want}"); break
            if round_ == 0:
                box.locator('button.cbk-another').click()
                assert box.locator('input').input_value() == '' and box.locator('.cbk-feedback').inner_text() == ''
    assert not problems, '\n'.join(problems[:5])
    assert n > 100 and not errors, (n, errors)
    # progress: kept in this browser per kind, and reset
    box = page.locator('[data-exercise-kind="numel"]')
    assert 'right on the first try' in box.locator('.cbk-progress-text').inner_text()
    stored = page.evaluate("() => JSON.parse(localStorage.getItem('convbook-exercises')).kinds")
    assert set(stored) >= {k for k in kinds if not bank[k][0].get('code')} and stored['numel']['tries'] >= 8, stored.get('numel')
    box.locator('button.cbk-reset').click()
    assert 'No tries at numel yet' in box.locator('.cbk-progress-text').inner_text()
    assert 'numel' not in page.evaluate("() => JSON.parse(localStorage.getItem('convbook-exercises')).kinds")
    # the solution on request
    box.locator('button.cbk-solution-button').click()
    assert box.locator('.cbk-solution').is_visible() and 'Answer:' in box.locator('.cbk-solution').inner_text()
    page.close()

def test_exercises_on_the_chapters(site, browser):
    "Each course chapter shows its own kinds at the end of its Exercises section; a label, a live region and focus rings"
    from convbook.exercises import EXERCISES
    from nbdev.config import nbpath2html
    dest, base = site
    page = browser.new_page(viewport=dict(width=390, height=844), is_mobile=True, has_touch=True)
    for nb in sorted((ROOT/'nbs'/'course').glob('*.ipynb')):
        name = nbpath2html(Path('course')/nb.name).as_posix()
        want = [k for k,(g,ch) in EXERCISES.items() if ch[:2] == nb.stem[:2]]
        page.goto(base + name, wait_until='load')
        got = page.eval_on_selector_all('[data-exercise-kind]', 'els => els.map(e => e.dataset.exerciseKind)')
        assert got == want, (name, got, want)
        if not want: continue
        page.wait_for_selector('.cbk-exercise.cbk-ready')
        # the widgets come after the Exercises heading, and before the next section's
        after = page.evaluate("""() => { const h = [...document.querySelectorAll('article h2')], ex = h.find(e => e.textContent.trim().startsWith('Exercises'));
            const box = document.querySelector('[data-exercise-kind]'), next = h[h.indexOf(ex) + 1];
            return !!ex && !!(ex.compareDocumentPosition(box) & Node.DOCUMENT_POSITION_FOLLOWING) && (!next || !!(box.compareDocumentPosition(next) & Node.DOCUMENT_POSITION_FOLLOWING)); }""")
        assert after, f"{name}: the exercises are not in the Exercises section"
        assert page.evaluate('document.documentElement.scrollWidth') <= 390, name
    # keyboard and screen reader, on the last chapter with a value kind
    page.goto(base + 'course/arith.html', wait_until='networkidle')
    page.wait_for_selector('.cbk-exercise.cbk-ready')
    box = page.locator('[data-exercise-kind="conv_size"]')
    inp = box.locator('input')
    label = box.locator(f'label[for="{inp.get_attribute("id")}"]')
    assert label.is_visible() and label.inner_text().strip()
    assert box.locator('.cbk-feedback').get_attribute('aria-live') == 'polite'
    inp.focus()
    for _ in range(4):   # the input, then each button in turn, shows a focus ring
        outline = page.evaluate("() => { const s = getComputedStyle(document.activeElement); return [document.activeElement.tagName, s.outlineStyle, parseFloat(s.outlineWidth)]; }")
        assert outline[1] != 'none' and outline[2] >= 2, outline
        page.keyboard.press('Tab')
    inp.fill('6 6'); inp.press('Enter')
    assert box.locator('.cbk-feedback [data-status="form"]').inner_text().startswith("✎ I can't read that answer: 6 6.")
    page.close()
