"""Property tests of `convbook.color` (08_color) against PyTorch, for any channels, groups, kernel, stride, padding and
dilation: parameter and multiply-add counts against `nn.Conv2d` and PyTorch's FLOP counter, the per-channel and
per-group convolutions against `F.conv2d` (exactly: whole numbers), and the numbers `ChannelDrawing` writes."""
import pytest, torch, torch.nn as nn, torch.nn.functional as F
import matplotlib; matplotlib.use('Agg')
import matplotlib.pyplot as plt
from torch.utils.flop_counter import FlopCounterMode
from hypothesis import given, settings, strategies as st
from convbook.color import conv_channels, conv_groups, conv_params, conv_macs, ChannelDrawing

prop = settings(max_examples=60, deadline=None, derandomize=True, database=None)

@st.composite
def layer(draw):
    "A `nn.Conv2d` setting: (in, out, ks, groups, input size, dict(stride, padding, dilation))"
    g = draw(st.integers(1, 4))
    ci, co = g*draw(st.integers(1, 3)), g*draw(st.integers(1, 3))
    ks = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    n = (draw(st.integers(1, 10)), draw(st.integers(1, 10)))
    return ci, co, ks, g, n, dict(stride=draw(st.integers(1, 3)), padding=draw(st.integers(0, 2)), dilation=draw(st.integers(1, 2)))

def ints(*shape, lo=-2, hi=3, seed=0):
    return torch.randint(lo, hi, shape, generator=torch.Generator().manual_seed(seed)).float()

@prop
@given(layer(), st.booleans())
def test_counts_match_pytorch(case, bias):
    ci, co, ks, g, n, kw = case
    m = nn.Conv2d(ci, co, ks, groups=g, bias=bias, **kw)
    assert conv_params(ci, co, ks, g, bias) == sum(p.numel() for p in m.parameters())
    try:
        with FlopCounterMode(display=False) as fc, torch.no_grad(): m(torch.zeros(1, ci, *n))
    except RuntimeError:                              # PyTorch refuses (kernel larger than the padded input): so do we
        with pytest.raises(ValueError): conv_macs(ci, co, ks, n, groups=g, **kw)
        return
    assert conv_macs(ci, co, ks, n, groups=g, **kw) == fc.get_total_flops()//2

@prop
@given(layer(), st.booleans())
def test_grouped_and_per_channel_convolutions_equal_conv2d(case, bias):
    ci, co, ks, g, n, kw = case
    x, w = ints(2, ci, *n, lo=0, hi=256), ints(co, ci//g, *ks, seed=1)
    b = ints(co, lo=-9, hi=10, seed=2) if bias else None
    try: expected = F.conv2d(x, w, b, groups=g, **kw)
    except RuntimeError:
        with pytest.raises(RuntimeError): conv_groups(x, w, b, g, **kw)   # F.conv2d's own message, per group
        return
    assert torch.equal(conv_groups(x, w, b, g, **kw), expected)
    if g == 1 and kw == dict(stride=1, padding=0, dilation=1):
        partials, out = conv_channels(x[0], w, b)
        assert torch.equal(out, expected[0])
        assert torch.equal(partials.sum(1) + (0 if b is None else b[:, None, None]), expected[0])

@settings(max_examples=10, deadline=None, derandomize=True, database=None)
@given(st.integers(1, 4), st.integers(1, 8), st.integers(1, 8), st.integers(1, 3), st.integers(1, 3), st.integers(-30, 30), st.data())
def test_channel_drawing_writes_conv2d_numbers(C, H, W, kh, kw, bias, data):
    kh, kw = min(kh, H), min(kw, W)
    x, w = ints(C, H, W, lo=0, hi=256), ints(C, kh, kw, seed=1)
    d = ChannelDrawing(x, w, bias)
    expected = F.conv2d(x[None], w[None], torch.tensor([float(bias)]))[0, 0]
    t = data.draw(st.integers(0, expected.numel() - 1))
    d.step(t)
    texts = lambda ts: torch.tensor([float(s.get_text()) for s in ts])
    assert torch.equal(texts(d.otexts).view(expected.shape), expected)
    for c in range(C):
        assert torch.equal(texts(d.ptexts[c]).view(expected.shape), F.conv2d(x[None, c:c+1], w[None, c:c+1])[0, 0])
    r, c = d.positions[t]
    assert float(d.caption.get_text().split(' = ')[-1]) == expected[r, c].item()
    assert [tuple(win.get_xy()) for win in d.win] == [(c, gy + r) for gy in d.gy]
    plt.close('all')
