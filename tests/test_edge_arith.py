"""Adversarial checks of the shape arithmetic (03_arith) against PyTorch: random 1-D, 2-D and 3-D settings, every way
of writing a whole number that PyTorch accepts, and every kind of bad value."""
import numpy as np, pytest, torch, torch.nn as nn, torch.nn.functional as F
from hypothesis import given, settings, strategies as st
from convbook.arith import (conv_out_size, pool_out_size, conv_transpose_out_size, same_padding, conv_weight_shape,
                            conv_formula, kernel_span)

prop = settings(max_examples=80, deadline=None, derandomize=True, database=None)
CONV = {1: nn.Conv1d, 2: nn.Conv2d, 3: nn.Conv3d}
CONVT = {1: nn.ConvTranspose1d, 2: nn.ConvTranspose2d, 3: nn.ConvTranspose3d}
MAXP = {1: nn.MaxPool1d, 2: nn.MaxPool2d, 3: nn.MaxPool3d}
AVGP = {1: nn.AvgPool1d, 2: nn.AvgPool2d, 3: nn.AvgPool3d}

def torch_shape(make, n):
    "Spatial output shape of the layer `make()` on a zero input of spatial size `n`, or None if PyTorch refuses"
    try:
        layer = make()
        with torch.no_grad(): return tuple(layer(torch.zeros(1, 1, *n)).shape[2:])
    except (RuntimeError, ValueError): return None

def ours(f, *args, **kw):
    try: r = f(*args, **kw)
    except ValueError: return None
    return r if isinstance(r, tuple) else (r,)

@st.composite
def sizes(draw, nd, lo, hi): return tuple(draw(st.integers(lo, hi)) for _ in range(nd))

@prop
@given(st.integers(1, 3).flatmap(lambda nd: st.tuples(st.just(nd), sizes(nd, 1, 9), sizes(nd, 1, 4), sizes(nd, 1, 3), sizes(nd, 0, 2), sizes(nd, 1, 2))))
def test_conv_out_size_nd(case):
    nd, n, k, s, p, d = case
    assert ours(conv_out_size, n, k, s, p, d) == torch_shape(lambda: CONV[nd](1, 1, k, stride=s, padding=p, dilation=d), n)

@prop
@given(st.integers(1, 3).flatmap(lambda nd: st.tuples(st.just(nd), sizes(nd, 1, 6), sizes(nd, 1, 3), sizes(nd, 1, 3), sizes(nd, 0, 2), sizes(nd, 0, 2), sizes(nd, 1, 2))))
def test_conv_transpose_out_size_nd(case):
    nd, n, k, s, p, op, d = case
    assert ours(conv_transpose_out_size, n, k, s, p, op, d) == torch_shape(lambda: CONVT[nd](1, 1, k, stride=s, padding=p, output_padding=op, dilation=d), n)

@prop
@given(st.integers(1, 3).flatmap(lambda nd: st.tuples(st.just(nd), sizes(nd, 1, 8), sizes(nd, 1, 3), sizes(nd, 1, 3), sizes(nd, 0, 1), sizes(nd, 1, 2), st.booleans(), st.booleans())))
def test_pool_out_size_nd(case):
    nd, n, k, s, p, d, ceil, avg = case
    make = (lambda: AVGP[nd](k, s, p, ceil_mode=ceil)) if avg else (lambda: MAXP[nd](k, s, p, dilation=d, ceil_mode=ceil))
    assert ours(pool_out_size, n, k, s, p, 1 if avg else d, ceil) == torch_shape(make, n)

WHOLE = [np.int64(3), np.int32(3), np.uint8(3), torch.tensor(3), torch.tensor(3, dtype=torch.int16), 3]
@pytest.mark.parametrize('v', WHOLE, ids=lambda v: type(v).__name__ + str(getattr(v, 'dtype', '')))
def test_whole_numbers_as_pytorch_takes_them(v):
    "NumPy integers and 0-d integer tensors work everywhere PyTorch takes them, and come back as Python ints"
    assert F.conv2d(torch.zeros(1,1,9,9), torch.zeros(1,1,3,3), stride=v).shape[-1] == 3     # PyTorch accepts it
    for r in (conv_out_size(v*3, v), conv_out_size(9, 3, stride=v), pool_out_size(9, v), conv_transpose_out_size(v, v),
              same_padding(v, v), conv_weight_shape(v, v, v, groups=v), conv_out_size((v*3, 9), (v, 3), padding=(v, 0))):
        for x in (r if isinstance(r, tuple) else (r,)): assert type(x) is int
    assert conv_formula(v*3, v, stride=v) == "(9 + 2*0 - 1*(3 - 1) - 1)//3 + 1 = 3"

BAD = [True, False, np.bool_(True), torch.tensor(True), 2.0, np.float64(2), torch.tensor(2.), torch.tensor([2]), np.array([2, 2]),
       None, '2', [2.5, 1], float('nan'), float('inf'), -1, 0]
@pytest.mark.parametrize('v', BAD, ids=repr)
def test_bad_values_refused(v):
    "Every kind of bad stride is refused with the message that says what is allowed (PyTorch refuses them too)"
    with pytest.raises(ValueError, match='stride must be an integer >= 1'): conv_out_size((9, 9), 3, stride=v)
    if isinstance(v, torch.Tensor) and (v.dtype == torch.bool or v.ndim == 1): return   # PyTorch reads tensor(True) as 1 and tensor([2]) as 2;
                                                                                          # we refuse every bool, and tensors that aren't 0-d
    with pytest.raises((TypeError, RuntimeError, ValueError)): F.conv2d(torch.zeros(1,1,9,9), torch.zeros(1,1,3,3), stride=v)

def test_huge_numbers_stay_exact():
    "Python ints never overflow: a size past 2**63 gives the exact answer (and PyTorch's own formula agrees)"
    n = 10**30 + 7
    assert conv_out_size(n, 3, stride=2, padding=1) == (n + 2 - 3)//2 + 1
    assert conv_transpose_out_size(n, 3, stride=2) == (n - 1)*2 + 3
    assert conv_weight_shape(10**12, 10**12, 3, groups=10**6) == (10**12, 10**6, 3, 3)

@prop
@given(st.integers(1, 6), st.integers(1, 4), st.integers(1, 12))
def test_same_padding_matches_pytorch(ks, d, n):
    "PyTorch's 'same' padding puts the odd cell at the end; so does `same_padding`"
    l, r = same_padding(ks, d)
    x, w = torch.randn(1, 1, n), torch.randn(1, 1, ks)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        expected = F.conv1d(x, w, padding='same', dilation=d)
    torch.testing.assert_close(F.conv1d(F.pad(x, (l, r)), w, dilation=d), expected)

@prop
@given(st.integers(1, 3), st.integers(1, 6), st.integers(1, 6), st.integers(1, 4), st.booleans())
def test_conv_weight_shape_all_dims(nd, ci, co, g, transposed):
    "The weight shape of Conv1d/2d/3d and ConvTranspose1d/2d/3d, and the same refusals of groups"
    try: expected = tuple((CONVT if transposed else CONV)[nd](ci, co, 3, groups=g).weight.shape)
    except ValueError: expected = None
    assert ours(conv_weight_shape, ci, co, 3, groups=g, nd=nd, transposed=transposed) == expected

def test_kernel_span():
    for k in range(1, 6):
        for d in range(1, 4):
            assert kernel_span(k, d) == 40 - nn.Conv1d(1, 1, k, dilation=d)(torch.zeros(1, 1, 40)).shape[-1] + 1
