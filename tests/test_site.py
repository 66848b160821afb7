"""The documentation site, checked in a real browser: headless Chromium (Debian's, /usr/bin/chromium) driven by
playwright. Every page is opened from a local server; no image may be broken, no link may lead nowhere (pages
and #anchors), no raw Quarto syntax may show, math must be typeset, and the GIF animations must load.
A full-page screenshot of each page goes to _screenshots/. The `site` and `browser` fixtures are in conftest.py."""
import re
from pathlib import Path
from urllib.parse import urlparse, urldefrag
import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW_QUARTO = [r'^:::', r'\{target=', r'\{\.', r'#\| ', r'^output-file:', r'^title: ', r'\bshow_doc\(']

def test_every_page(site, browser):
    dest, base = site
    pages = sorted(p.relative_to(dest).as_posix() for p in dest.glob('*.html') if p.name != '404.html')
    assert {'index.html', 'data.html', 'kernels.html', 'batch.html', 'arith.html', 'viz.html', 'matmul.html', 'cnn.html', 'summary.html'} <= set(pages)
    shots = ROOT/'_screenshots'
    shots.mkdir(exist_ok=True)
    page = browser.new_page(viewport=dict(width=1280, height=900))
    failed, bad_status, console_errors = [], [], []
    # MathJax 2 probes its web fonts against a dummy @font-face "MathJax_Blank" at about:blank, which Chromium
    # refuses and reports; that probe is the only thing allowed to fail
    probe = lambda text: "font at 'about:blank'" in text
    page.on('requestfailed', lambda r: failed.append(r.url) if r.url != 'about:blank' else None)
    page.on('response', lambda r: bad_status.append((r.url, r.status)) if r.status >= 400 else None)
    page.on('console', lambda m: console_errors.append(m.text) if m.type == 'error' and not probe(m.text) and 'net::ERR_FAILED' not in m.text else None)
    anchors, links = {}, set()
    for name in pages:
        page.goto(base + name, wait_until='networkidle')
        page.wait_for_function("() => !window.MathJax || !window.MathJax.Hub || window.MathJax.Hub.queue.pending === 0", timeout=20000)
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
        anchors[name] = set(page.eval_on_selector_all('[id]', 'els => els.map(e => e.id)'))
        for href in page.eval_on_selector_all('a[href]', 'els => els.map(e => e.href)'):
            if href.startswith(base): links.add((name, href))
        page.screenshot(path=str(shots/f"{name.replace('.html','')}.png"), full_page=True)
    assert not failed, f"requests that failed: {failed[:10]}"
    assert not bad_status, f"HTTP errors: {bad_status[:10]}"
    assert not console_errors, f"console errors: {console_errors[:10]}"
    # every internal link leads to a page that exists, and to an anchor that exists on it
    for src,href in sorted(links):
        url,frag = urldefrag(href)
        path = urlparse(url).path.lstrip('/') or 'index.html'
        assert (dest/path).exists(), f"{src}: link to missing {path}"
        if frag and path.endswith('.html') and path in anchors:
            assert frag in anchors[path], f"{src}: link to missing anchor {path}#{frag}"
    page.close()

def test_math_and_animations(site, browser):
    dest, base = site
    page = browser.new_page(viewport=dict(width=1280, height=900))
    page.goto(base + 'arith.html', wait_until='networkidle')
    page.wait_for_function("() => window.MathJax && window.MathJax.Hub && window.MathJax.Hub.queue.pending === 0", timeout=20000)
    assert page.locator('.MathJax, .MathJax_Display, .MathJax_CHTML').count() >= 2, "the formulas of arith.html were not typeset"
    page.goto(base + 'viz.html', wait_until='networkidle')
    gifs = page.eval_on_selector_all("img[src$='.gif']", 'els => els.map(e => [e.getAttribute("src"), e.naturalWidth])')
    assert len(gifs) >= 20 and all(w > 100 for _,w in gifs), gifs
    # the API reference: show_doc sections with a heading per exported function
    page.goto(base + 'arith.html', wait_until='networkidle')
    for f in ('conv_out_size', 'pool_out_size', 'conv_transpose_out_size', 'same_padding', 'conv_formula'):
        assert page.locator(f'h3#{f}').count() == 1, f"no API entry for {f}"
    page.close()
