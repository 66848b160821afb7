"""Accessibility of the documentation site: axe-core (the copy that the `axe-playwright-python` package bundles, so
nothing is fetched) runs in headless Chromium on every page, light and dark, at a desktop's 1280 px and a phone's
390 px, and no serious or critical violation may be left. Besides axe: every figure has alternative text that says
something (not a file name, not "png") and a numbered caption, and no two pages share a title.

Time: each page is opened once per width, and the two widths run at once, each in its own browser. At 1280 px every rule runs in light mode; the dark pass switches the theme's
palette on the loaded page (what the toggle does) and runs the rules that colours decide. At 390 px the rules that a
phone's layout can change run (`PHONE_RULES`), and in dark mode the colour rules on the page's text (the header,
navigation and footer are the desktop's); `CONVBOOK_AXE_FULL=1` runs every rule in every view. Syntax-highlighted code is most of a page's elements (6,600
of api/summary's 8,400) and its colours depend only on the token's class: before axe runs, each code block keeps one
token of each class (`SAMPLE_CODE_JS`), which checks every colour the block uses at a fraction of the cost.
The `site` and `browser` fixtures are in conftest.py."""
import html, os, re
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
import pytest

from paths import ROOT
COLOUR_RULES = ['color-contrast', 'link-in-text-block']
# What a phone's width can change: boxes that scroll, tap targets, and the colours of what only a phone shows
PHONE_RULES = [*COLOUR_RULES, 'scrollable-region-focusable', 'target-size', 'nested-interactive', 'meta-viewport']
FULL = bool(os.environ.get('CONVBOOK_AXE_FULL'))   # every rule in every view (an audit: about four times as long)

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

AXE_JS = """async ([rules, where]) => {
  const opts = {resultTypes: ['violations']};
  if (rules) opts.runOnly = {type: 'rule', values: rules};
  const r = await axe.run(where ? {include: [[where]]} : document, opts);
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
    id: v.id, impact: v.impact, n: v.nodes.length,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' + (n.failureSummary || '').split('\\n').slice(1, 2).join('').trim())}));
}"""

DARK_JS = """() => { const b = document.body; b.setAttribute('data-md-color-scheme', 'slate'); }"""

def open_page(page, url:str):
    "Open `url` and wait for MathJax (where a page loads it) to finish typesetting"
    page.goto(url, wait_until='load')
    page.wait_for_function("() => !window.MathJax || !window.MathJax.Hub || window.MathJax.Hub.queue.pending === 0", timeout=20000)

def axe_problems(page, axe:str, view:str, name:str, rules=None, where=None) -> list:
    "The serious and critical axe violations on the open page (or in its element `where`), one line each, with up to 3 of the elements"
    if not page.evaluate('() => !!window.axe'): page.add_script_tag(content=axe)
    if FULL: rules, where = None, None
    return [f"{name} [{view}] {v['id']} ({v['impact']}, {v['n']} element(s)): " + ' | '.join(v['nodes'])
            for v in page.evaluate(AXE_JS, [rules, where])]

def axe_at_width(browser, base:str, names:list, axe:str, width:int) -> list:
    "The axe problems of pages `names` at `width` px, light then dark, in a context of `browser`"
    phone, problems = width < 600, []
    ctx = browser.new_context(viewport=dict(width=width, height=900 if not phone else 844), color_scheme='light',
                              is_mobile=phone, has_touch=phone)
    page = ctx.new_page()
    for name in names:
        open_page(page, base + name)
        page.evaluate(SAMPLE_CODE_JS)
        problems += axe_problems(page, axe, f'light, {width} px', name, PHONE_RULES if phone else None)
        page.evaluate(DARK_JS)
        problems += axe_problems(page, axe, f'dark, {width} px', name, COLOUR_RULES, 'article' if phone else None)
    ctx.close()
    return problems

def axe_in_own_browser(*args) -> list:
    "`axe_at_width` in a Chromium of its own: playwright's sync API serves one thread, and axe keeps a core busy"
    from playwright.sync_api import sync_playwright
    from chromium import chromium_path, FLAGS
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(p), args=FLAGS)
        try: return axe_at_width(b, *args)
        finally: b.close()

def test_axe(site, browser):
    """No serious or critical axe violation on any page, light and dark, at 1280 px and at 390 px (the phone's pass in
    a second thread and browser, so that the two widths use both cores)"""
    dest, base = site
    axe, names = axe_source(), site_pages(dest)
    with ThreadPoolExecutor(1) as pool:
        phone = pool.submit(axe_in_own_browser, base, names, axe, 390)
        problems = axe_at_width(browser, base, names, axe, 1280)
        problems += phone.result()
    assert not problems, f"{len(problems)} axe violation(s):\n" + '\n'.join(problems)

# The alternative text tools/docs.py gives a figure whose notebook cell has no `#| fig-alt` and no `#| fig-cap`: it says
# where the figure is, not what it shows, so it does not count as alternative text here
FALLBACK_ALT = re.compile(r'^a figure (drawn by the code above|in the section)')

class Figures(HTMLParser):
    "The images of a page's article, each with its alternative text and the caption of the figure it is in (None if in none)"
    def __init__(self):
        super().__init__()
        self.imgs, self.depth, self.fig, self.cap, self.in_cap = [], 0, None, '', False
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'article': self.depth += 1
        if not self.depth: return
        if tag == 'figure': self.fig, self.cap = a.get('id', ''), ''
        elif tag == 'figcaption': self.in_cap = True
        elif tag == 'img': self.imgs.append(dict(src=a.get('src', ''), alt=a.get('alt'), fig=self.fig))
    def handle_endtag(self, tag):
        if tag == 'article': self.depth -= 1
        elif tag == 'figcaption': self.in_cap = False
        elif tag == 'figure' and self.fig is not None:
            for i in self.imgs:
                if i['fig'] == self.fig and 'cap' not in i: i['cap'] = self.cap.strip()
            self.fig = None
    def handle_data(self, data):
        if self.in_cap: self.cap += data

def figure_problems(name:str, text:str) -> list:
    "What is wrong with the images of a page: alternative text missing, a file name or a format, or only where the figure is; no figure, or a figure with no numbered caption that says something"
    p = Figures(); p.feed(text)
    res = []
    for i in p.imgs:
        src, alt, stem = i['src'], (i['alt'] or '').strip(), Path(i['src']).stem
        where = f"{name}: image {src}"
        if not alt: res.append(f"{where} has no alternative text")
        elif alt.lower() in ('png', 'gif', 'jpeg', 'jpg', 'svg', 'image', 'figure') or alt == stem or re.fullmatch(r'[\w.-]+\.(png|gif|jpe?g|svg)', alt):
            res.append(f"{where} has a file name or format as alternative text: {alt!r}")
        elif len(alt.split()) < 4: res.append(f"{where} has alternative text too short to say what it shows: {alt!r}")
        elif FALLBACK_ALT.match(alt): res.append(f"{where} has no fig-alt (its cell needs `#| fig-alt:`): {alt!r}")
        if i['fig'] is None: res.append(f"{where} is not in a figure")
        elif not re.fullmatch(r'Figure [\w.]+: \S.*', i.get('cap', ''), re.S): res.append(f"{where} (figure {i['fig']}) has no numbered caption that says something (its cell needs `#| fig-cap:`): {i.get('cap')!r}")
    return res

def test_figures_have_alt_text_and_captions(site):
    "Every image in a page's text says what it shows (alternative text from the notebook's `#| fig-alt`, or a GIF's own description) and is a figure with a numbered caption"
    dest, _ = site
    problems, n = [], 0
    for name in site_pages(dest):
        text = (dest/name).read_text()
        n += len(re.findall(r'<img\b', text.split('<article', 1)[-1]))
        problems += figure_problems(name, text)
    assert n >= 30, f"only {n} images in the pages checked: has the site lost its figures?"
    assert not problems, f"{len(problems)} figure problem(s):\n" + '\n'.join(problems)

def test_figure_check_catches():
    "The figure check itself: it names a file-name alt, a missing caption and an image outside a figure"
    bad = ('<article><figure id="fig-1"><img src="a/output_3_0.png" alt="png"><figcaption>Figure 1</figcaption></figure>'
           '<p><img src="x.gif" alt="x"></p>'
           '<figure id="fig-2"><img src="b.png" alt="a figure drawn by the code above, in the section “S”"><figcaption>Figure 2: ok</figcaption></figure>'
           '<figure id="fig-3"><img src="c.png" alt="three bars, the middle one tallest"><figcaption>Figure 3: Three bars.</figcaption></figure></article>')
    probs = figure_problems('p.html', bad)
    assert len(probs) == 5, probs
    assert any('file name or format' in p and 'output_3_0' in p for p in probs) and any('not in a figure' in p for p in probs)
    assert any('no fig-alt' in p for p in probs) and not any('c.png' in p for p in probs)

def test_unique_titles(site):
    "No two pages share a title (the browser's tab, the history, a screen reader's first words) or a top heading"
    dest, _ = site
    titles, h1s = {}, {}
    for name in site_pages(dest):
        if name == '404.html': continue
        text = (dest/name).read_text()
        t = html.unescape(re.search(r'<title>(.*?)</title>', text, re.S).group(1).strip())
        h = re.search(r'<h1\b[^>]*>(.*?)</h1>', text, re.S)
        titles.setdefault(t, []).append(name)
        if h: h1s.setdefault(html.unescape(re.sub(r'<[^>]+>', '', h.group(1))).strip('#¶ \n'), []).append(name)
    assert not {t: ps for t, ps in titles.items() if len(ps) > 1}, titles
    assert not {t: ps for t, ps in h1s.items() if len(ps) > 1}, h1s
    assert '6. Our first convolutional neural network - convbook' in titles and '0. How the exercises work - convbook' in titles, sorted(titles)
    assert 'Improving training stability (reference) - convbook' in titles, sorted(titles)

def test_figure_directives_are_yaml():
    """Every `#| fig-alt:` / `#| fig-cap:` line of the notebooks is valid YAML, as Quarto (nbdev-docs) reads cell options:
    a value holding ': ' or ' #', or starting with a backtick, must be quoted (`#| fig-alt: "..."`)"""
    import json, yaml
    bad, n = [], 0
    for nb in sorted((ROOT/'nbs').rglob('*.ipynb')):
        if '.ipynb_checkpoints' in nb.parts: continue
        for c in json.loads(nb.read_text())['cells']:
            for line in ''.join(c['source']).splitlines():
                if not re.match(r'#\|\s*fig-(alt|cap)\s*:', line): continue
                n += 1
                try: ok = isinstance(yaml.safe_load(line[2:]), dict)
                except yaml.YAMLError: ok = False
                if not ok: bad.append(f"{nb.relative_to(ROOT)} cell {c.get('id')}: {line[:90]}")
    assert n >= 40, n
    assert not bad, "figure directives that Quarto can't read (quote the value):\n" + '\n'.join(bad)
