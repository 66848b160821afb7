"""The workbook's benchmark: every figure in one run, so the ratios compare like with like.

    python bench/bench.py            # prints a table (and --json FILE to save the figures)

Figures: unfold (im2col) convolution vs F.conv2d on a [64,1,28,28] x [4,1,3,3] batch and on a larger one,
the hand loop of 01_kernels vs F.conv2d on one digit, training time and accuracy of simple_cnn, the time
to render the animations of 04_viz, the explorer's redraw in Chromium, and the time to import the package. Timings are the best of several
repeats, the two sides of each ratio interleaved.
"""
import json as jsonlib, os, subprocess, sys, tempfile, time, timeit, warnings
from pathlib import Path
from fastcore.script import call_parse
warnings.filterwarnings('ignore')
os.environ.setdefault('MPLBACKEND', 'Agg')

def best(f, number, repeat=7):
    "Best time per call of `f`, in seconds"
    return min(timeit.repeat(f, number=number, repeat=repeat))/number

def ratio(f, g, number, repeat=7):
    "Best times of `f` and `g`, measured alternately"
    tf,tg = [],[]
    for _ in range(repeat):
        tf.append(timeit.timeit(f, number=number)/number)
        tg.append(timeit.timeit(g, number=number)/number)
    return min(tf), min(tg)

def import_time():
    "Seconds to start Python and import every convbook module, minus a bare start"
    mods = ('convbook.data, convbook.kernels, convbook.batch, convbook.arith, convbook.viz, convbook.matmul, convbook.cnn, '
            'convbook.field, convbook.bruteforce, convbook.summary')
    run = lambda code: subprocess.run([sys.executable, '-c', code], check=True, capture_output=True)
    def t(code):
        ts = []
        for _ in range(3):
            t0 = time.perf_counter(); run(code); ts.append(time.perf_counter() - t0)
        return min(ts)
    return t(f'import {mods}') - t('pass'), t('import convbook.arith') - t('pass')

def explorer_redraw() -> dict|None:
    "Median redraw of the explorer after a slider move, in headless Chromium (ms): 16x16 with numbers, and the largest grid"
    import shutil, statistics
    from pathlib import Path
    chromium = shutil.which('chromium') or '/usr/bin/chromium'
    if not Path(chromium).exists(): return None
    import importlib.util   # the explorer's host page is the site's (tools/explorer_site.py), loaded from its file
    spec = importlib.util.spec_from_file_location('explorer_site', Path(__file__).resolve().parents[1]/'tools'/'explorer_site.py')
    explorer_site = importlib.util.module_from_spec(spec); spec.loader.exec_module(explorer_site)
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory() as d, sync_playwright() as p:
        page_path = explorer_site.standalone_page(Path(d), [dict()])
        b = p.chromium.launch(executable_path=chromium, args=['--headless', '--no-sandbox', '--disable-gpu'])
        page = b.new_page(viewport=dict(width=1280, height=900))
        page.goto(page_path.as_uri()); page.wait_for_selector('.convbook-explorer[data-mounted=yes]')
        res = {}
        for name, (settings, key, values) in explorer_site.SPEED_CASES.items():
            t = explorer_site.time_moves(page, settings, key, values*3)
            res[f'{name}_ms'], res[f'{name}_frame_ms'] = statistics.median(t['redraw']), statistics.median(t['frame'])
        b.close()
    return res

@call_parse
def main(json:str=None, # also write the figures to this file
        ):
    "Measure everything in one run (see the module's docstring)"
    import torch, torch.nn.functional as F
    torch.manual_seed(0)
    from convbook.matmul import conv2d_unfold
    from convbook.kernels import conv_by_hand, load_digit, top_edge
    from convbook.cnn import train_simple_cnn
    from convbook.viz import render_all
    res = {}
    rows = []
    for name,xs,ws in (('small', (64,1,28,28), (4,1,3,3)), ('large', (64,32,28,28), (64,32,3,3))):
        x,w = torch.randn(xs), torch.randn(ws)
        n = 50 if name == 'small' else 5
        tu,tf = ratio(lambda: conv2d_unfold(x, w), lambda: F.conv2d(x, w), n)
        res[f'unfold_{name}'] = dict(unfold_ms=tu*1e3, conv2d_ms=tf*1e3, ratio=tu/tf)
        rows.append((f"unfold conv / F.conv2d, {list(xs)} x {list(ws)}", f"{tu*1e3:.3f} ms / {tf*1e3:.3f} ms", f"{tu/tf:.2f}x"))
    im, k = load_digit(3, idx=1), top_edge
    th,tf = ratio(lambda: conv_by_hand(im, k), lambda: F.conv2d(im[None,None], k[None,None]), 3, repeat=3)
    res['hand_loop'] = dict(hand_ms=th*1e3, conv2d_ms=tf*1e3, ratio=th/tf)
    rows.append(("hand loop / F.conv2d, one 28x28 digit, 3x3 kernel", f"{th*1e3:.1f} ms / {tf*1e3:.3f} ms", f"{th/tf:.0f}x"))
    t0 = time.perf_counter()
    learn = train_simple_cnn(quiet=True)
    tt = time.perf_counter() - t0
    with learn.no_bar(): acc = float(learn.validate()[1])
    res['simple_cnn'] = dict(train_s=tt, valid_accuracy=acc, epochs=10)
    rows.append(("train simple_cnn, 3 vs 7, 10 epochs of 800 images", f"{tt:.1f} s", f"accuracy {acc:.3f}"))
    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter(); gifs = render_all(d); tg = time.perf_counter() - t0
    res['gifs'] = dict(n=len(gifs), seconds=tg)
    rows.append((f"render the {len(gifs)} GIFs of 04_viz", f"{tg:.1f} s", f"{tg/len(gifs):.2f} s each"))
    ex = explorer_redraw()
    res['explorer'] = ex
    if ex is None: rows.append(("explorer redraw in Chromium", "skipped: no chromium", ""))
    else:
        rows.append(("explorer redraw after a slider move, 16x16 input with numbers (median)", f"{ex['typical_ms']:.1f} ms", "budget 16 ms"))
        rows.append(("explorer redraw after a slider move, largest grid, 112x112 (median)", f"{ex['largest_ms']:.1f} ms", "budget 100 ms"))
    ti,ta = import_time()
    res['import'] = dict(all_s=ti, arith_s=ta)
    rows.append(("import all convbook modules / convbook.arith alone", f"{ti:.2f} s / {ta:.2f} s", ""))
    w = max(len(r[0]) for r in rows)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, python {sys.version.split()[0]}")
    for r in rows: print(f"{r[0]:<{w}}  {r[1]:>24}  {r[2]}")
    if json: Path(json).write_text(jsonlib.dumps(res, indent=1))
    return res

