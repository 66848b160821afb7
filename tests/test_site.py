"""The documentation site, checked in a real browser: headless Chromium (Debian's /usr/bin/chromium here, playwright's
own download on GitHub's runners) driven by playwright. Every page is opened from a local server; no request may
leave it, no image may be broken, no link may lead nowhere (pages and #anchors), no raw Quarto syntax may show,
math must be typeset, and the GIF animations must load. At a phone's width (390 px) no page may be wider than the
screen, and at both widths every table's text is at least 12 px and a table wider than the column scrolls in its
own box. The theme's dark mode, previous/next links and repository link work. With CONVBOOK_SCREENSHOTS=1, full-page
screenshots of every page go to _screenshots/ (`name.png` at 1280 px, `name-phone.png` at 390 px, `name-dark.png` for
two pages in dark mode), for a reader to look at; they cost about a minute, so the test command leaves them out.
The `site` and `browser` fixtures are in conftest.py."""
import os, posixpath, re
from pathlib import Path
from urllib.parse import urlparse, urldefrag
import pytest

from paths import ROOT
SHOTS = bool(os.environ.get('CONVBOOK_SCREENSHOTS'))   # full-page screenshots to look at, in _screenshots/
RAW_QUARTO = [r'^:::', r'\{target=', r'\{\.', r'#\| ', r'^output-file:', r'^title: ', r'\bshow_doc\(']

EAGER_JS = """async () => {
  const lazy = [...document.querySelectorAll('img[loading=lazy]')];
  lazy.forEach(i => { i.loading = 'eager'; });
  await Promise.all(lazy.map(i => i.complete ? null : new Promise(r => { i.addEventListener('load', r); i.addEventListener('error', r); })));
}"""

def open_page(page, url:str, eager:bool=True):
    "Open `url` and wait for its images (the lazy ones too, unless `eager` is false) and for MathJax to finish typesetting"
    page.goto(url, wait_until='load')
    if eager: page.evaluate(EAGER_JS)
    page.wait_for_function("() => !window.MathJax || !window.MathJax.Hub || window.MathJax.Hub.queue.pending === 0", timeout=20000)

TABLES_JS = """() => [...document.querySelectorAll('article table')].map(t => {
  const cells = [...t.querySelectorAll('th, td')].filter(c => c.textContent.trim());
  const sizes = cells.map(c => parseFloat(getComputedStyle(c).fontSize));
  let box = t, scrolls = false;
  while (box && box.tagName !== 'ARTICLE') {
    const ox = getComputedStyle(box).overflowX;
    if ((ox === 'auto' || ox === 'scroll') && box.clientWidth <= document.documentElement.clientWidth) { scrolls = true; break; }
    box = box.parentElement;
  }
  return {id: t.id || (cells[0] ? 'starting ' + cells[0].textContent.trim().slice(0, 20) : ''), min: Math.min(...sizes), n: cells.length,
          wide: t.scrollWidth > t.closest('article').clientWidth + 1, scrolls};
})"""

def table_problems(page, name:str, width:int) -> tuple:
    "The number of tables on the open page, and what is wrong with them: text under 12 px, or wider than the column without a box that scrolls"
    tables, res = page.evaluate(TABLES_JS), []
    for t in tables:
        if t['n'] and t['min'] < 12: res.append(f"{name} at {width} px: table {t['id']!r} has {t['min']:.1f} px text")
        if t['wide'] and not t['scrolls']: res.append(f"{name} at {width} px: table {t['id']!r} is wider than the column and does not scroll in its own box")
    return len(tables), res

def test_every_page(site, browser):
    dest, base = site
    pages = sorted(p.relative_to(dest).as_posix() for p in dest.rglob('*.html') if p.name != '404.html' and not p.relative_to(dest).as_posix().startswith('assets/'))
    assert {'index.html', 'practice.html'} | {f'{d}/{n}.html' for d in ('api', 'course') for n in ('kernels', 'batch', 'arith', 'viz', 'matmul', 'cnn', 'summary', 'color', 'stability')} <= set(pages)
    shots = ROOT/'_screenshots'
    shots.mkdir(exist_ok=True)
    page = browser.new_page(viewport=dict(width=1280, height=900))
    failed, bad_status, console_errors, outside = [], [], [], []
    # MathJax 2 probes its web fonts against a dummy @font-face "MathJax_Blank", which it points at about:blank, and
    # Chromium refuses that with a CORS error; tools/site/mathjax-config.js points it at a local font instead
    probe = lambda text: False
    page.on('requestfailed', lambda r: failed.append(r.url))
    page.on('request', lambda r: outside.append(r.url) if not r.url.startswith((base, 'data:', 'about:blank', 'blob:')) else None)
    page.on('response', lambda r: bad_status.append((r.url, r.status)) if r.status >= 400 else None)
    page.on('console', lambda m: console_errors.append(m.text) if m.type == 'error' and not probe(m.text) and 'net::ERR_FAILED' not in m.text else None)
    anchors, links, tables, n_tables = {}, set(), [], {}
    for name in pages:
        open_page(page, base + name)
        # images: all loaded, none broken
        imgs = page.eval_on_selector_all('img', 'els => els.map(e => [e.currentSrc || e.src, e.complete, e.naturalWidth])')
        broken = [src for src,complete,w in imgs if not complete or w == 0]
        assert not broken, f"{name}: broken images {broken}"
        # no raw Quarto syntax in what a reader sees
        text = page.inner_text('article')
        for pat in RAW_QUARTO:
            hits = [l for l in text.splitlines() if re.search(pat, l.strip())]
            assert not hits, f"{name}: raw Quarto syntax {pat!r}: {hits[:3]}"
        assert '$$' not in text, f"{name}: untypeset math"
        n,probs = table_problems(page, name, 1280)
        n_tables[name] = n; tables += probs
        anchors[name] = set(page.eval_on_selector_all('[id]', 'els => els.map(e => e.id)'))
        for href in page.eval_on_selector_all('a[href]', 'els => els.map(e => e.href)'):
            if href.startswith(base): links.add((name, href))
        if SHOTS: page.screenshot(path=str(shots/f"{name.replace('.html','').replace('/','-')}.png"), full_page=True)
    assert not outside, f"requests that leave the site: {outside[:10]}"
    assert not failed, f"requests that failed: {failed[:10]}"
    assert not bad_status, f"HTTP errors: {bad_status[:10]}"
    assert not console_errors, f"console errors: {console_errors[:10]}"
    assert n_tables['api/kernels.html'] >= 2 and n_tables['api/summary.html'] >= 2, f"the pixel tables of kernels.html and the summaries of summary.html are missing: {n_tables}"
    assert not tables, '\n'.join(tables)
    # every internal link leads to a page that exists, and to an anchor that exists on it
    for src,href in sorted(links):
        url,frag = urldefrag(href)
        path = urlparse(url).path.lstrip('/') or 'index.html'
        assert (dest/path).exists(), f"{src}: link to missing {path}"
        if frag and path.endswith('.html') and path in anchors:
            assert frag in anchors[path], f"{src}: link to missing anchor {path}#{frag}"
    page.close()

@pytest.fixture(scope='module')
def phone_pass(site, browser) -> dict:
    """Every page once at a 390 px phone's width: what is wrong with its width and tables, with its equations and
    figures (see `OVERFLOW_JS`), and how many equations there are; a full-page screenshot of each"""
    dest, base = site
    shots = ROOT/'_screenshots'
    shots.mkdir(exist_ok=True)
    page = browser.new_page(viewport=dict(width=390, height=844), device_scale_factor=1, is_mobile=True, has_touch=True)
    res = dict(width=[], overflow=[], n_math=0)
    for name in pages_in_order():
        open_page(page, base + name)
        sw = page.evaluate('document.documentElement.scrollWidth')
        if sw > 390: res['width'].append(f"{name}: the page is {sw} px wide on a 390 px phone")
        res['width'] += table_problems(page, name, 390)[1]
        res['n_math'] += page.locator('article .arithmatex').count()
        res['overflow'] += [f"{name}: {p}" for p in page.evaluate(OVERFLOW_JS)]
        if SHOTS: page.screenshot(path=str(shots/f"{name.replace('.html','').replace('/','-')}-phone.png"), full_page=True)
    page.close()
    return res

def test_phone_width(phone_pass):
    "On a 390 px phone no page is wider than the screen, and tables stay legible (>= 12 px) and scroll in their own box"
    assert not phone_pass['width'], '\n'.join(phone_pass['width'])

def test_math_and_animations(site, browser):
    dest, base = site
    page = browser.new_page(viewport=dict(width=1280, height=900))
    open_page(page, base + 'api/arith.html')
    assert page.locator('.MathJax, .MathJax_Display, .MathJax_CHTML').count() >= 2, "the formulas of arith.html were not typeset"
    page.goto(base + 'api/viz.html', wait_until='networkidle')
    page.evaluate(EAGER_JS)
    gifs = page.eval_on_selector_all("img[src$='.gif']", 'els => els.map(e => [e.getAttribute("src"), e.naturalWidth])')
    assert len(gifs) >= 20 and all(w > 100 for _,w in gifs), gifs
    # the API reference: show_doc sections with a heading per exported function
    page.goto(base + 'api/arith.html', wait_until='networkidle')
    for f in ('conv_out_size', 'pool_out_size', 'conv_transpose_out_size', 'same_padding', 'conv_formula'):
        assert page.locator(f'h3#{f}').count() == 1, f"no API entry for {f}"
    page.close()

def pages_in_order() -> list:
    "The site's pages in the order of the Quarto sidebar (nbs/sidebar.yml)"
    import sys
    import docs
    from nbdev.config import get_config, nbpath2html
    return [nbpath2html(nb).as_posix() for _,nb in docs.site_pages(get_config(ROOT))]

def test_every_notebook_is_a_page():
    "Every notebook under nbs/ (course, reference, home, practice) is in the sidebar, so the site has a page for it"
    import sys
    import docs
    from nbdev.config import get_config
    listed = {nb for _,nb in docs.site_pages(get_config(ROOT))}
    nbs = {p.relative_to(ROOT/'nbs').as_posix() for p in (ROOT/'nbs').rglob('*.ipynb') if '.ipynb_checkpoints' not in p.parts}
    assert nbs - listed == set(), f"notebooks with no page on the site (add them to nbs/sidebar.yml): {sorted(nbs - listed)}"
    assert listed - nbs == set(), f"nbs/sidebar.yml lists notebooks that don't exist: {sorted(listed - nbs)}"

def test_theme_features(site, browser):
    "Previous/next links in the sidebar's order, the repository in the header (with no request to GitHub's API), and a dark mode toggle"
    dest, base = site
    from nbdev.config import get_config
    git_url = get_config(ROOT).git_url
    order = pages_in_order()
    for i,name in enumerate(order):
        html = (dest/name).read_text()
        prev = re.findall(r'<a href="([^"]+)" class="md-footer__link md-footer__link--prev"', html)
        nxt = re.findall(r'<a href="([^"]+)" class="md-footer__link md-footer__link--next"', html)
        here = lambda hrefs: [posixpath.normpath(posixpath.join(posixpath.dirname(name), h)) for h in hrefs]   # links are relative to the page
        assert here(prev) == order[i-1:i], f"{name}: previous page {prev}, expected {order[i-1:i]}"
        assert here(nxt) == order[i+1:i+2], f"{name}: next page {nxt}, expected {order[i+1:i+2]}"
        header = html[html.index('<header'):html.index('</header>')]
        assert f'href="{git_url}"' in header and 'class="md-source"' in header, f"{name}: no link to the repository in the header"
        assert 'data-md-component="source"' not in html, f"{name}: the theme's source component would ask GitHub's API for the repository's facts"
    shots = ROOT/'_screenshots'
    shots.mkdir(exist_ok=True)
    page = browser.new_page(viewport=dict(width=1280, height=900))
    scheme = lambda: page.evaluate('document.body.getAttribute("data-md-color-scheme")')
    for name in ('api/kernels.html', 'api/summary.html'):
        open_page(page, base + name)
        assert scheme() == 'default'
        page.locator('label.md-header__button[for="__palette_1"]').click()
        page.wait_for_function('document.body.getAttribute("data-md-color-scheme") === "slate"')
        bg = page.evaluate('getComputedStyle(document.body).backgroundColor')
        assert bg not in ('rgb(255, 255, 255)', 'rgba(0, 0, 0, 0)'), f"{name}: the dark scheme's background is {bg}"
        if SHOTS: page.screenshot(path=str(shots/f"{name.replace('.html','').replace('/','-')}-dark.png"), full_page=True)
        page.locator('label.md-header__button[for="__palette_0"]').click()
        page.wait_for_function('document.body.getAttribute("data-md-color-scheme") === "default"')
    page.close()

def test_api_signatures_read_right(site):
    "Classes read `class Name(`, not nbdev 3.3.26's `def Name(`, and no signature shows a `NoneType` annotation nobody wrote"
    dest, _ = site
    import html as H
    texts = {p.relative_to(dest).as_posix(): re.sub(r'<[^>]+>', '', H.unescape(p.read_text())) for p in dest.rglob('*.html') if 'assets' not in p.parts}
    assert 'class ConvDiagram(' in texts['api/viz.html'] and 'def ConvDiagram(' not in texts['api/viz.html']
    classes = {c for p in (ROOT/'convbook').glob('*.py') for c in re.findall(r'^class (\w+)\b', p.read_text(), re.M)}
    for name,t in texts.items():
        assert 'NoneType' not in t, f"{name}: a NoneType annotation"
        assert not [c for c in classes if f'def {c}(' in t], f"{name}: a class shown as a function"

# The tables whose point is in given columns, found by their header text wherever they are (api/ or course/ pages):
# Dumoulin and Visin's relationships with our size and PyTorch's, a digit's pixels (the stroke is in columns 19-23),
# and ResNet-18's summary, whose last column is where each layer's receptive field starts.
POINT_TABLES = {
    'relationships': (lambda heads, cells: {'ours', 'pytorch', 'relationship'} <= heads, ['ours', 'pytorch']),
    'pixels': (lambda heads, cells: {str(i) for i in range(24)} <= heads, [str(i) for i in range(19, 24)]),
    'resnet18 summary': (lambda heads, cells: {'layer', 'start'} <= heads and 'layer1.0.conv1' in cells, ['start']),
}

COLUMNS_JS = """(wanted) => [...document.querySelectorAll('article table')].map(t => {
  const heads = [...t.querySelectorAll('thead th')].map(h => h.textContent.trim());
  const cells = [...t.querySelectorAll('tbody td, tbody th')].map(c => c.textContent.trim());
  let box = t.parentElement;   // the box that scrolls (or the column)
  while (box && box.tagName !== 'ARTICLE' && !['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) box = box.parentElement;
  const view = box.getBoundingClientRect(), art = t.closest('article').getBoundingClientRect();
  const right = Math.min(view.right, art.right, document.documentElement.clientWidth);
  const hidden = [...t.querySelectorAll('thead th')].filter(h => wanted.includes(h.textContent.trim()) && h.getBoundingClientRect().right > right + 1)
                 .map(h => h.textContent.trim());
  // a dotted name breaks only after a dot: every line of the first column's cells ends with a dot or a space
  const badBreaks = [];
  for (const c of t.querySelectorAll('tbody tr > :first-child')) {
    const text = c.textContent, node = document.createRange();
    let top = null, prev = '';
    for (const tn of [...c.childNodes].flatMap(n => n.nodeType === 3 ? [n] : [...n.childNodes].filter(m => m.nodeType === 3))) {
      for (let i = 0; i < tn.length; i++) {
        node.setStart(tn, i); node.setEnd(tn, i + 1);
        const r = node.getClientRects()[0];
        if (r && top !== null && r.top > top + 2 && !/[.\\s]/.test(prev)) badBreaks.push(text);
        if (r) top = r.top;
        prev = tn.data[i];
      }
    }
  }
  // on a scrolled box the first column stays in view
  let sticky = true;
  if (box.tagName !== 'ARTICLE' && box.scrollWidth > box.clientWidth + 1) {
    const keep = box.scrollLeft; box.scrollLeft = box.scrollWidth;
    const first = t.querySelector('tbody tr > :first-child').getBoundingClientRect();
    sticky = first.left >= box.getBoundingClientRect().left - 1;
    box.scrollLeft = keep;
  }
  return {heads, cells: cells.slice(0, 400), hidden, badBreaks: [...new Set(badBreaks)], sticky};
})"""

def point_tables(page, name:str) -> list:
    "`(kind, table)` for each table of the open page that POINT_TABLES names"
    res = []
    for kind, (match, cols) in POINT_TABLES.items():
        for t in page.evaluate(COLUMNS_JS, cols):
            if match(set(t['heads']), set(t['cells'])): res.append((kind, t))
    return res

def point_table_pages(dest:Path) -> list:
    "The pages whose HTML has a header cell that `POINT_TABLES` looks for (the others can't hold such a table)"
    wanted = {c for _,cols in POINT_TABLES.values() for c in cols}
    cell = re.compile(r'<th\b[^>]*>\s*([^<]*?)\s*</th>')
    return [n for n in pages_in_order() if wanted & set(cell.findall((dest/n).read_text()))]

def test_point_columns_in_view(site, browser):
    """At 1280 px the columns that carry a table's point are in view without scrolling; at 390 px the table scrolls
    in its own box with its first column (row labels, layer names) still in view; dotted names break only at a dot"""
    dest, base = site
    found, problems = {}, []
    for width in (1280, 390):
        page = browser.new_page(viewport=dict(width=width, height=900), is_mobile=width < 500, has_touch=width < 500)
        for name in point_table_pages(dest):
            open_page(page, base + name)
            for kind, t in point_tables(page, name):
                found.setdefault(kind, set()).add(name)
                if width == 1280 and t['hidden']: problems.append(f"{name}: the {kind} table hides {t['hidden']} at 1280 px")
                if t['badBreaks']: problems.append(f"{name} at {width} px: the {kind} table breaks names mid-name: {t['badBreaks'][:3]}")
                if not t['sticky']: problems.append(f"{name} at {width} px: the {kind} table's first column scrolls out of view")
        page.close()
    assert set(found) == set(POINT_TABLES), f"tables not found: {set(POINT_TABLES) - set(found)}"
    assert not problems, '\n'.join(problems)

# Display equations and figures at a phone's width: each fits, or sits in a box that scrolls sideways and shows it
# (a gradient shadow at the side where more is hidden); a figure wider than the screen uses the screen's whole width,
# and one more than 1.6 times as wide is not shrunk below that (it scrolls instead).
OVERFLOW_JS = """() => {
  const W = document.documentElement.clientWidth, res = [];
  const cue = el => {
    for (let b = el; b && b.tagName !== 'ARTICLE'; b = b.parentElement) {
      const cs = getComputedStyle(b);
      if (['auto', 'scroll'].includes(cs.overflowX) && b.getBoundingClientRect().right <= W + 1)
        return cs.backgroundImage.includes('gradient') ? 'cue' : 'scrolls without a cue';
    }
    return 'no box';
  };
  for (const m of document.querySelectorAll('article .arithmatex, article .MathJax_Display')) {
    const r = m.getBoundingClientRect(), wide = m.scrollWidth > m.clientWidth + 1 || r.right > W + 1;
    const inner = m.querySelector('.MathJax') || m, ir = inner.getBoundingClientRect();
    if (wide || ir.right > W + 1) { const c = cue(m); if (c !== 'cue') res.push(`equation "${m.textContent.slice(0, 40)}": ${c}`); }
  }
  for (const img of document.querySelectorAll('article img')) {
    const r = img.getBoundingClientRect();
    if (r.right > W + 1 || r.left < -1) { const c = cue(img); if (c !== 'cue') res.push(`figure ${img.getAttribute('src')}: ${c}`); }
    else if (img.naturalWidth > 2*W && r.width < W - 2) res.push(`figure ${img.getAttribute('src')}: ${Math.round(r.width)} px wide of a ${W} px screen`);
    const box = img.closest('figure, p'), solo = box && !img.closest('.nb-figures') && box.querySelectorAll('img').length === 1;   // a figure, not one of a row of GIFs
    if (solo && img.naturalWidth > 1.6*W && r.width < 1.6*W - 2) res.push(`figure ${img.getAttribute('src')}: shrunk to ${Math.round(r.width)} px of its ${img.naturalWidth}, text too small to read`);
  }
  return res;
}"""

def test_phone_equations_and_figures(phone_pass):
    "At 390 px no display equation or figure runs off the screen unless it scrolls in a box that shows a scroll cue"
    assert phone_pass['n_math'] >= 5, phone_pass['n_math']
    assert not phone_pass['overflow'], '\n'.join(phone_pass['overflow'])

API_NAMES = ('ConvTranspose2d', 'conv_transpose2d', 'conv_out_size')

def test_search_finds_api_names(site, browser):
    "The search box finds API names, and its snippets show no test code and no 'source' link text"
    dest, base = site
    import json
    index = json.loads((dest/'search'/'search_index.json').read_text())
    for d in index['docs']:
        assert not re.search(r'\btest_(?:eq|close|fail|ne)\(', d['text']), f"{d['location']}: test code in the search index"
        assert not re.search(r'^source\b|>source<', d['text']), f"{d['location']}: a source link's text in the search index"
    page = browser.new_page(viewport=dict(width=1280, height=900))
    open_page(page, base + 'index.html')
    for q in API_NAMES:
        box = page.locator('input.md-search__input')
        box.click()
        page.keyboard.type(q, delay=20)   # the theme searches on key presses, not on a filled value
        page.wait_for_function("() => document.querySelectorAll('.md-search-result__item').length > 0", timeout=10000)
        items = page.locator('.md-search-result__item').all_inner_texts()
        assert any(q.lower() in t.lower() for t in items[:5]), f"search {q!r}: {items[:5]}"
        if q == 'ConvTranspose2d':   # the course's explanations come first, not the reference's docstrings or the exercises
            hrefs = page.eval_on_selector_all('.md-search-result__item a', 'els => els.map(e => e.getAttribute("href"))')
            first = next(h for h in hrefs if '#' in h)
            assert 'course/' in first and 'transpos' in first, hrefs[:6]
        for t in items:
            assert 'test_eq(' not in t and not re.match(r'\s*source\b', t), f"search {q!r}: snippet {t[:120]!r}"
        box.fill('')
        page.keyboard.press('Escape')
    page.close()

def test_404_at_any_base(site, browser, tmp_path):
    "The 404 page is styled and links home wherever the site is served: at its published path and at another one"
    import functools, http.server, socketserver, threading
    dest, _ = site
    for prefix in ('convbook', 'preview/docs'):
        root = tmp_path/prefix.replace('/', '_')
        (root/prefix).parent.mkdir(parents=True, exist_ok=True)
        (root/prefix).symlink_to(dest, target_is_directory=True)
        class NotFound(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *a): pass
            def send_error(self, code, message=None, explain=None):
                if code != 404: return super().send_error(code, message, explain)
                body = (dest/'404.html').read_bytes()
                self.send_response(404); self.send_header('Content-Type', 'text/html'); self.send_header('Content-Length', str(len(body)))
                self.end_headers(); self.wfile.write(body)
        class Server(socketserver.ThreadingTCPServer): daemon_threads = True
        srv = Server(('127.0.0.1', 0), functools.partial(NotFound, directory=str(root)))
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        try:
            page = browser.new_page(viewport=dict(width=1280, height=900))
            url = f'http://127.0.0.1:{srv.server_address[1]}/{prefix}/no/such/page.html'
            bad = []
            page.on('response', lambda r: bad.append((r.status, r.url)) if r.status >= 400 and r.url != url else None)
            page.on('requestfailed', lambda r: bad.append(('failed', r.url)))
            page.goto(url, wait_until='networkidle')
            if prefix == 'convbook': assert not bad, f"404 at its published path: failing requests {bad}"   # elsewhere it looks for the site's folder first
            assert page.evaluate("() => [...document.querySelectorAll('article a')].map(a => a.href)") == [f'http://127.0.0.1:{srv.server_address[1]}/{prefix}/index.html']
            header = page.evaluate("() => { const h = document.querySelector('.md-header'); return h ? getComputedStyle(h).position : null; }")
            assert header == 'sticky', f"404 at /{prefix}/: unstyled (header position {header})"
            assert page.evaluate("() => getComputedStyle(document.querySelector('.md-typeset h1')).fontWeight") == '300'
            home = page.evaluate("() => document.querySelector('a.md-header__button.md-logo, a.md-logo').href")
            assert home == f'http://127.0.0.1:{srv.server_address[1]}/{prefix}/index.html', home
            page.close()
        finally:
            srv.shutdown(); srv.server_close()

def content_pages(dest) -> list:
    return sorted(p.relative_to(dest).as_posix() for p in dest.rglob('*.html') if not p.relative_to(dest).as_posix().startswith('assets/'))

def test_light_pages(site):
    """What a page loads: MathJax only where there is math; every image in the text with its width and height (no jump
    while it loads) and, but for a page's first, loaded lazily; a description of its own and og: tags"""
    dest, _ = site
    with_math, descriptions = [], {}
    for name in content_pages(dest):
        text = (dest/name).read_text()
        has_math = 'class="arithmatex"' in text
        loads = 'MathJax.js' in text
        assert has_math == loads, f"{name}: {'math without MathJax' if has_math else 'MathJax without math'}"
        if has_math: with_math.append(name)
        article = text.split('<article', 1)[-1]
        imgs = re.findall(r'<img\b[^>]*>', article)
        for k, img in enumerate(imgs):
            assert re.search(r'\swidth="\d+"', img) and re.search(r'\sheight="\d+"', img), f"{name}: image without width/height: {img[:150]}"
            assert ('loading="lazy"' in img) == (k > 0), f"{name}: image {k} {'should' if k else 'should not'} be lazy: {img[:150]}"
        if name == '404.html': continue
        d = re.search(r'<meta name="description" content="([^"]*)"', text)
        assert d and d.group(1), f"{name}: no description"
        descriptions.setdefault(d.group(1), []).append(name)
        for prop in ('og:title', 'og:description', 'og:type'):
            assert f'property="{prop}"' in text, f"{name}: no {prop}"
    assert 3 <= len(with_math) <= 10, with_math
    shared = {d: ps for d, ps in descriptions.items() if len(ps) > 1 and not set(ps) <= {'practice.html', 'api/exercises.html'}}
    assert not shared, f"pages sharing a description: {shared}"

def test_book_apparatus(site, browser):
    "Numbered chapters in the navigation and previous/next, heading permalinks, numbered figure captions, Open in Colab on Practice, print without controls"
    dest, base = site
    page = browser.new_page(viewport=dict(width=1280, height=900))
    open_page(page, base + 'course/cnn.html')
    nav = page.locator('.md-nav--primary a.md-nav__link').all_inner_texts()
    assert any(t.strip().startswith('6. Our first') for t in nav) and any(t.strip().startswith('0. How the exercises work') for t in nav), nav
    footer = page.locator('.md-footer__link').all_inner_texts()
    assert any('5. ' in t for t in footer) and any('7. ' in t for t in footer), footer
    assert page.locator('article h2 a.headerlink').count() >= 3, "headings have no permalinks"
    caps = page.locator('article figure figcaption').all_inner_texts()
    assert caps and all(re.match(r'Figure 6\.\d+', c) for c in caps), caps
    open_page(page, base + 'practice.html')
    own = page.locator('article a[href*="colab.research.google.com"][href$="nbs/practice.ipynb"]')   # (its code exercises link to their chapters)
    assert own.count() == 1, "practice.html has no Open in Colab link to itself"
    open_page(page, base + 'course/viz.html')
    page.wait_for_selector('.cbx-controls')
    page.emulate_media(media='print')
    hidden = page.evaluate("""() => ['.md-clipboard', '.cbx-controls', '.cbx-steps', '.headerlink'].map(s => {
        const e = document.querySelector(s); return [s, !e || getComputedStyle(e).display === 'none']; })""")
    assert all(h for _, h in hidden), f"shown in print: {[s for s, h in hidden if not h]}"
    page.close()

def test_search_index_on_first_use(site, browser):
    "A page does not fetch the search index until the reader turns to search; then search works"
    dest, base = site
    page = browser.new_page(viewport=dict(width=1280, height=900))
    asked = []
    page.on('request', lambda r: asked.append(r.url) if 'search_index' in r.url else None)
    page.goto(base + 'course/kernels.html', wait_until='networkidle')
    page.wait_for_timeout(300)
    assert not asked, f"the search index was fetched on page load: {asked}"
    page.locator('input.md-search__input').click()
    page.keyboard.type('padding', delay=20)
    page.wait_for_function("() => document.querySelectorAll('.md-search-result__item').length > 0", timeout=10000)
    assert asked, "search worked without fetching the index?"
    page.close()

# On a phone the columns the text discusses stay in view while a wide table scrolls sideways (tools/site/tables.js pins
# them at the right): 07's layer tables (rf, jump, start) and 09's statistics (std_last, near_zero_first/last).
KEY_TABLES = {
    'layers': ('course/summary.html', {'layer', 'rf', 'jump', 'start'}, ['rf', 'jump', 'start']),
    'stats': ('course/stability.html', {'std_last', 'near_zero_first', 'near_zero_last'}, ['std_last', 'near_zero_first', 'near_zero_last']),
}

# For each table whose header has all of `heads`: its scrolling box, and whether each `cols` header and body cell (and
# the first column's) is inside the box and the screen and is the element on top at its centre, with the box scrolled
# to its start, its middle and its end
KEY_JS = """([heads, cols]) => [...document.querySelectorAll('article table')].filter(t => {
    const hs = [...t.querySelectorAll('thead th')].map(h => h.textContent.trim());
    return heads.every(h => hs.includes(h));
  }).map(t => {
  const hs = [...t.querySelectorAll('thead tr:last-child th')].map(h => h.textContent.trim());
  const idx = [0, ...cols.map(c => hs.indexOf(c))];
  let box = t.parentElement;
  while (box && !['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) box = box.parentElement;
  box.scrollIntoView({block: 'start'}); window.scrollBy(0, -document.querySelector('.md-header').offsetHeight - 8);
  const W = document.documentElement.clientWidth, H = document.documentElement.clientHeight, res = {wide: box.scrollWidth > box.clientWidth + 1,
    tabindex: box.getAttribute('tabindex'), hidden: []};
  for (const where of [0, 0.5, 1]) {
    box.scrollLeft = where * (box.scrollWidth - box.clientWidth);
    const b = box.getBoundingClientRect();
    for (const row of [...t.rows].slice(0, 4)) {
      if (row.getBoundingClientRect().bottom > H) continue;
      for (const i of idx) {
        const c = row.cells[i]; if (!c) continue;
        const r = c.getBoundingClientRect(), x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2;
        const top = document.elementFromPoint(x, y);
        const seen = r.left >= Math.max(b.left, 0) - 1 && r.right <= Math.min(b.right, W) + 1 && top && c.contains(top);
        if (!seen) res.hidden.push(`${hs[i] || 'first column'} (scrolled ${where * 100}%)`);
      }
    }
  }
  box.scrollLeft = 0;
  return res;
})"""

def test_phone_key_columns(site, browser):
    """At 390 px the columns that 07's and 09's text discusses are in view, beside the first column, whether the table
    is scrolled to its start, its middle or its end; the table's box is reached by keyboard"""
    dest, base = site
    page = browser.new_page(viewport=dict(width=390, height=844), device_scale_factor=1, is_mobile=True, has_touch=True)
    problems = []
    for kind, (name, heads, cols) in KEY_TABLES.items():
        open_page(page, base + name, eager=False)
        tables = page.evaluate(KEY_JS, [sorted(heads), cols])
        assert tables, f"{name}: no {kind} table"
        assert any(t['wide'] for t in tables), f"{name}: no {kind} table is wider than a phone: this test tests nothing"
        for k, t in enumerate(tables):
            if t['hidden']: problems.append(f"{name}: {kind} table {k} hides {t['hidden'][:6]}")
            if t['wide'] and t['tabindex'] != '0': problems.append(f"{name}: {kind} table {k} scrolls but is not reached by keyboard")
    page.close()
    assert not problems, '\n'.join(problems)

# ResNet-18's summary (62 rows) keeps its header row in view: under the site's header as the page scrolls (1280 px),
# or at the top of the table's own box, which scrolls both ways on a phone (390 px)
STICKY_JS = """(phone) => {
  const t = [...document.querySelectorAll('article table')].find(t => [...t.querySelectorAll('td')].some(c => c.textContent.trim() === 'layer1.0.conv1'));
  const head = t.tHead.rows[0].cells[0], bar = document.querySelector('.md-header').getBoundingClientRect().bottom;
  let box = t.parentElement;
  while (box && box.tagName !== 'ARTICLE' && !['auto', 'scroll'].includes(getComputedStyle(box).overflowY)) box = box.parentElement;
  if (box.tagName === 'ARTICLE') box = null;
  if (phone) { box.scrollIntoView({block: 'start'}); window.scrollBy(0, -bar); box.scrollTop = box.scrollHeight / 2; }
  else window.scrollTo(0, t.getBoundingClientRect().top + scrollY + t.offsetHeight / 2);
  const r = head.getBoundingClientRect(), b = box ? box.getBoundingClientRect() : null;
  const top = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
  return {inBox: !!box, tabindex: box && box.getAttribute('tabindex'), headTop: r.top, bar, boxTop: b && b.top, boxHeight: b && b.height,
          screen: innerHeight, onTop: !!top && head.contains(top), tableTop: t.getBoundingClientRect().top, firstRow: t.tBodies[0].rows[0].getBoundingClientRect().top};
}"""

def test_long_table_header_sticks(site, browser):
    """ResNet-18's summary, scrolled to its middle, still shows its header row: under the site's header at 1280 px,
    at the top of the table's own box (reached by keyboard, shorter than the screen) at 390 px"""
    dest, base = site
    for width, phone in ((1280, False), (390, True)):
        page = browser.new_page(viewport=dict(width=width, height=844), device_scale_factor=1, is_mobile=phone, has_touch=phone)
        open_page(page, base + 'course/summary.html', eager=False)
        s = page.evaluate(STICKY_JS, phone)
        where = f"at {width} px"
        assert s['onTop'], f"{where}: ResNet-18's header row is hidden when the table is scrolled: {s}"
        if phone:
            assert s['inBox'] and s['boxHeight'] < s['screen'], f"{where}: ResNet-18's table is not in a box that scrolls down: {s}"
            assert s['tabindex'] == '0', f"{where}: ResNet-18's table box is not reached by keyboard: {s}"
            assert abs(s['headTop'] - s['boxTop']) <= 2 and s['firstRow'] < s['boxTop'], f"{where}: the header row did not stay at the top of its box: {s}"
        else:
            assert not s['inBox'], f"{where}: ResNet-18's table scrolls in a box of its own, though it fits the column: {s}"
            assert abs(s['headTop'] - s['bar']) <= 2 and s['tableTop'] < 0, f"{where}: the header row did not stay under the site's header: {s}"
        page.close()
