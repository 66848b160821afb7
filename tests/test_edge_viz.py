"""Adversarial checks of 04_viz's ConvDiagram against PyTorch: random convolutions, transposed convolutions and
poolings (with the shared decisions: no dilated average pooling, -inf for a max-pooling window of padding only),
size limits, and the GIF writer's limits."""
import math, numpy as np, pytest, torch
from hypothesis import given, settings, strategies as st
import matplotlib; matplotlib.use('Agg')
import matplotlib.pyplot as plt
from convbook.viz import ConvDiagram, draw_conv, save_gif

prop = settings(max_examples=80, deadline=None, derandomize=True, database=None)

@st.composite
def diagram(draw):
    mode = draw(st.sampled_from(['conv', 'conv', 'max', 'avg']))
    transposed = mode == 'conv' and draw(st.booleans())
    n = (draw(st.integers(1, 7)), draw(st.integers(1, 7)))
    ks = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    kw = dict(stride=(draw(st.integers(1, 3)), draw(st.integers(1, 3))), padding=(draw(st.integers(0, 2)), draw(st.integers(0, 2))),
              dilation=(draw(st.integers(1, 3)), draw(st.integers(1, 3))), output_padding=(draw(st.integers(0, 2)),)*2 if transposed else 0)
    return dict(n=n, ks=ks, mode=mode, transposed=transposed, seed=draw(st.integers(0, 5)), **kw)

def torch_ok(kw):
    "Does PyTorch accept these parameters (for pooling: does the layer exist)?"
    import torch.nn as nn
    x = torch.zeros(1, 1, *kw['n'])
    try:
        if kw['mode'] == 'avg':
            if kw['dilation'] != (1, 1): return False          # nn.AvgPool2d has no dilation
            nn.AvgPool2d(kw['ks'], kw['stride'], kw['padding'])(x)
        elif kw['mode'] == 'max': nn.MaxPool2d(kw['ks'], kw['stride'], kw['padding'], kw['dilation'])(x)
        elif kw['transposed']: nn.ConvTranspose2d(1, 1, kw['ks'], kw['stride'], kw['padding'], kw['output_padding'], dilation=kw['dilation'])(x)
        else: nn.Conv2d(1, 1, kw['ks'], kw['stride'], kw['padding'], kw['dilation'])(x)
        return True
    except (RuntimeError, ValueError): return False

@prop
@given(diagram())
def test_diagram_equals_pytorch(kw):
    "The diagram's own arithmetic is PyTorch's, -inf included; it refuses exactly what PyTorch refuses"
    if not torch_ok(kw):
        with pytest.raises(ValueError): ConvDiagram(values=True, **kw)
        return
    d = ConvDiagram(values=True, **kw)
    assert d.shape == tuple(d.torch_out().shape)
    assert torch.equal(d.out, d.torch_out())
    assert len(d.positions) == d.shape[0]*d.shape[1]
    r, c = d.positions[-1]
    assert torch.tensor(d._compute(r, c), dtype=torch.float32) == d.out[-1, -1]   # one cell at a time, the same (in float32)

def test_avg_dilation_refused_with_shared_text():
    for dil, shown in ((2, '2'), ((2, 1), '(2, 1)'), (np.int64(3), '3'), (torch.tensor(2), '2')):
        with pytest.raises(ValueError) as e: ConvDiagram(6, 2, mode='avg', dilation=dil)
        assert str(e.value) == f"dilation={shown} is not allowed with mode='avg': average pooling (nn.AvgPool2d) has no dilation; use dilation=1"

def test_max_pool_window_of_padding_only():
    d = ConvDiagram(2, 2, padding=1, dilation=3, mode='max', values=True)
    assert d.out.tolist() == [[-math.inf]] == d.torch_out().tolist()
    fig = draw_conv(2, 2, padding=1, dilation=3, mode='max', values=True, step=1)    # drawn, not crashing
    assert '-inf' in [t.get_text() for t in fig.axes[0].texts]
    plt.close('all')

def test_limits_are_stated_and_fast():
    import time
    t = time.perf_counter()
    for n in (101, 10**6, 10**30):
        with pytest.raises(ValueError, match='at most 100 cells per side'): ConvDiagram(n, 3)
    with pytest.raises(ValueError, match='at most 100 cells per side'): ConvDiagram(3, 3, stride=10**9, transposed=True)
    assert time.perf_counter() - t < 1                     # refused before any work
    d = ConvDiagram(100, 7, values=True)                    # the largest grid: computed in well under a second or two
    assert torch.equal(d.out, d.torch_out())

def test_gif_limits(tmp_path):
    with pytest.raises(ValueError, match='would have 785 frames'): save_gif(ConvDiagram(30, 3), tmp_path/'a.gif')
    for fps in (0, -1, float('nan'), float('inf'), 51, True):
        with pytest.raises(ValueError, match='frames per second must be positive'): save_gif(ConvDiagram(4, 3), tmp_path/'a.gif', fps=fps)
    (tmp_path/'f').write_text('')
    with pytest.raises(NotADirectoryError): save_gif(ConvDiagram(4, 3), tmp_path/'f'/'a.gif')
    p = save_gif(ConvDiagram(4, 3), tmp_path/'new'/'dir'/'a.gif')
    from PIL import Image
    assert Image.open(p).n_frames == 5

def test_bad_values():
    for kw, msg in ((dict(cell=0), 'positive number of inches'), (dict(cell=float('nan')), 'positive number of inches'),
                    (dict(n=(3, 4, 5)), 'give one size or'), (dict(n=True), 'n must be an integer'), (dict(ks=2.5), 'ks must be an integer'),
                    (dict(mode='sum'), "use 'conv', 'max' or 'avg'"), (dict(x=torch.zeros(3)), 'x must be a 2-D tensor'),
                    (dict(mode='max', transposed=True), 'no transposed pooling'), (dict(n=3, ks=3, transposed=True, output_padding=1), 'smaller than the stride')):
        with pytest.raises(ValueError, match=msg): ConvDiagram(**kw)
    with pytest.raises(ValueError, match='there are 9 steps'): draw_conv(5, 3, step=-1)
