"""The convolution explorer on the static docs site, with no kernel.

The `Explorer` widget of `convbook.viz` offers, besides its live view, a `text/html` fallback: a
`<div class="convbook-explorer" data-state="...">` with the settings that differ from the defaults and one sentence, which is what GitHub and
README.md show. `install` (called by tools/docs.py while it builds the site) copies the widget's own ES module
`convbook/explorer.js` and its style into the site, behind a small host (tools/explorer_host.js) that stands in
for the anywidget model and mounts the module on every such div. Nothing is fetched from the network.
"""
import json, shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent

def assets_dir() -> Path:
    "Where the package keeps the explorer's module and style"
    import convbook
    return Path(convbook.__file__).parent

def defaults() -> dict:
    "The settings of a new `Explorer` and its limits: a page's div holds only the settings that differ"
    from convbook.viz import Explorer, _SETTINGS
    traits = Explorer.class_traits()
    return {k: traits[k].default() for k in (*_SETTINGS, 'limits')}

def install(docs:Path, conf:dict) -> Path:
    "Write the explorer's host (with its module inside) and style into `docs/assets/explorer/`, and list them in the mkdocs `conf`"
    src, dest = assets_dir(), Path(docs)/'assets'/'explorer'
    dest.mkdir(parents=True, exist_ok=True)
    module = (src/'explorer.js').read_text()
    host = (HERE/'explorer_host.js').read_text()
    (dest/'explorer-host.js').write_text(f"window.__convbookExplorerSource = {json.dumps(module)};\n"
                                         f"window.__convbookExplorerDefaults = {json.dumps(defaults())};\n{host}")
    shutil.copy(src/'explorer.css', dest/'explorer.css')
    conf['extra_javascript'] = [*conf.get('extra_javascript', []), 'assets/explorer/explorer-host.js']
    conf['extra_css'] = [*conf.get('extra_css', []), 'assets/explorer/explorer.css']
    return dest

def standalone_page(dest:Path, explorers:list) -> Path:
    "A page with one explorer per settings dict of `explorers`, hosted as on the site (it opens from file:// too)"
    from convbook.viz import Explorer
    dest = Path(dest); dest.mkdir(parents=True, exist_ok=True)
    conf = {}
    install(dest, conf)
    divs = '\n'.join(Explorer(**kw)._repr_mimebundle_()[0]['text/html'] for kw in explorers)
    links = ''.join(f'<link rel="stylesheet" href="{c}">' for c in conf['extra_css'])
    scripts = ''.join(f'<script src="{j}"></script>' for j in conf['extra_javascript'])
    (dest/'index.html').write_text(f'<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
                                   f'{links}</head><body style="max-width:760px;margin:auto">{divs}{scripts}</body></html>')
    return dest/'index.html'

# Time slider moves in the page: each move is an `input` event on the explorer's own slider, and the time runs until the
# page has redrawn and laid itself out again (script, style and layout: what a slider move costs before painting);
# `frame` runs on to the next animation frame after that, painting included.
_TIME_MOVES = """async ([index, settings, key, values]) => {
  const node = document.querySelectorAll('.convbook-explorer')[index], model = node.convbookModel;
  const flush = async () => { for (let i = 0; i < 4; i++) await Promise.resolve(); };
  for (const [k, v] of Object.entries(settings)) model.set(k, v);
  await flush();
  const input = node.querySelector(`input[data-key="${key}"]`), redraw = [], frame = [];
  for (const v of values) {
    const t0 = performance.now();
    input.value = v; input.dispatchEvent(new Event('input', {bubbles: true}));
    await flush();
    void node.getBoundingClientRect().height; void document.body.offsetHeight;
    redraw.push(performance.now() - t0);
    await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
    frame.push(performance.now() - t0);
  }
  return {redraw, frame, error: node.querySelector('.cbx-error').hidden ? null : node.querySelector('.cbx-error').textContent};
}"""

def time_moves(page, settings:dict, key:str, values:list, index:int=0) -> dict:
    "Set `settings` on the `index`-th explorer of `page`, move its slider `key` through `values`: times in ms (`redraw`, `frame`)"
    return page.evaluate(_TIME_MOVES, [index, settings, key, values])

# The settings a speed check uses: a 16x16 input with numbers (the budget is 16 ms), and the largest grid the limits allow
# (a 16x16 input spread by stride 4, a 7x7 kernel dilated by 4, eight channels in and out; the budget is 100 ms)
SPEED_CASES = dict(
    typical=(dict(h=16, w=16, kh=3, kw=3, padding=1, stride=1, dilation=1, mode='conv', transposed=False, numbers=True,
                  in_channels=1, out_channels=1, groups=1), 'padding', [1, 2, 3, 2] * 10),
    largest=(dict(h=16, w=16, kh=7, kw=7, padding=0, stride=4, dilation=4, mode='conv', transposed=True, output_padding=3,
                  numbers=True, in_channels=8, out_channels=8, groups=1), 'output_padding', [2, 3] * 5),
)
