"""The documentation site, checked in a real browser: headless Chromium (Debian's /usr/bin/chromium here, playwright's
own download on GitHub's runners) driven by playwright. Every page is opened from a local server; no request may
leave it, no image may be broken, no link may lead nowhere (pages and #anchors), no raw Quarto syntax may show,
math must be typeset, and the GIF animations must load. At a phone's width (390 px) no page may be wider than the
screen, and at both widths every table's text is at least 12 px and a table wider than the column scrolls in its
own box. The theme's dark mode, previous/next links and repository link work. Full-page screenshots of each page
go to _screenshots/ (`name.png` at 1280 px, `name-phone.png` at 390 px, `name-dark.png` for two pages in dark mode).
The `site` and `browser` fixtures are in conftest.py."""
import re
from pathlib import Path
from urllib.parse import urlparse, urldefrag
import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW_QUARTO = [r'^:::', r'\{target=', r'\{\.', r'#\| ', r'^output-file:', r'^title: ', r'\bshow_doc\(']

def open_page(page, url:str):
    "Open `url` and wait for its images and for MathJax to finish typesetting"
    page.goto(url, wait_until='load')
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
    # MathJax 2 probes its web fonts against a dummy @font-face "MathJax_Blank" at about:blank, which Chromium
    # refuses and reports; that probe is the only thing allowed to fail
    probe = lambda text: "font at 'about:blank'" in text
    page.on('requestfailed', lambda r: failed.append(r.url) if r.url != 'about:blank' else None)
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
        page.screenshot(path=str(shots/f"{name.replace('.html','').replace('/','-')}.png"), full_page=True)
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

def test_phone_width(site, browser):
    "On a 390 px phone no page is wider than the screen, and tables stay legible (>= 12 px) and scroll in their own box"
    dest, base = site
    shots = ROOT/'_screenshots'
    shots.mkdir(exist_ok=True)
    page = browser.new_page(viewport=dict(width=390, height=844), device_scale_factor=1, is_mobile=True, has_touch=True)
    problems = []
    for name in pages_in_order():
        open_page(page, base + name)
        sw = page.evaluate('document.documentElement.scrollWidth')
        if sw > 390: problems.append(f"{name}: the page is {sw} px wide on a 390 px phone")
        problems += table_problems(page, name, 390)[1]
        page.screenshot(path=str(shots/f"{name.replace('.html','').replace('/','-')}-phone.png"), full_page=True)
    page.close()
    assert not problems, '\n'.join(problems)

def test_math_and_animations(site, browser):
    dest, base = site
    page = browser.new_page(viewport=dict(width=1280, height=900))
    open_page(page, base + 'api/arith.html')
    assert page.locator('.MathJax, .MathJax_Display, .MathJax_CHTML').count() >= 2, "the formulas of arith.html were not typeset"
    page.goto(base + 'api/viz.html', wait_until='networkidle')
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
    sys.path.insert(0, str(ROOT/'tools'))
    import docs
    from nbdev.config import get_config, nbpath2html
    return [nbpath2html(nb).as_posix() for _,nb in docs.site_pages(get_config(ROOT))]

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
        assert prev == order[i-1:i], f"{name}: previous page {prev}, expected {order[i-1:i]}"
        assert nxt == order[i+1:i+2], f"{name}: next page {nxt}, expected {order[i+1:i+2]}"
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
        page.screenshot(path=str(shots/f"{name.replace('.html','').replace('/','-')}-dark.png"), full_page=True)
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
