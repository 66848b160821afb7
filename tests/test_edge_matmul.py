"""Adversarial checks of 05_matmul (im2col, conv2d_unfold, conv_matrix) and 01_kernels against PyTorch: batch sizes
0, 1 and many, one unbatched image, float32/float64/integer dtypes, NumPy and 0-d sizes, and bad values."""
import numpy as np, pytest, torch, torch.nn.functional as F
from hypothesis import given, settings, strategies as st
from convbook.matmul import im2col, conv2d_unfold, conv_matrix
from convbook.kernels import apply_kernel, conv_by_hand

prop = settings(max_examples=60, deadline=None, derandomize=True, database=None)

@st.composite
def case(draw):
    g = draw(st.integers(1, 3))
    cin, cout = g*draw(st.integers(1, 2)), g*draw(st.integers(1, 2))
    n = draw(st.sampled_from([0, 1, 3, None]))                       # None: one image without the batch axis
    h, w, kh, kw = draw(st.integers(1, 8)), draw(st.integers(1, 8)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    pad = draw(st.one_of(st.integers(0, 2), st.sampled_from(['same', 'valid'])))
    stride = 1 if pad == 'same' else draw(st.integers(1, 3))
    dtype = draw(st.sampled_from([torch.float32, torch.float64, torch.int64]))
    kind = draw(st.sampled_from(['int', 'numpy', 'tensor']))
    wrap = {'int': int, 'numpy': np.int64, 'tensor': torch.tensor}[kind]
    return ((cin, h, w) if n is None else (n, cin, h, w)), (cout, cin//g, kh, kw), dtype, dict(stride=wrap(stride), padding=pad if isinstance(pad, str) else wrap(pad), dilation=wrap(draw(st.integers(1, 2))), groups=wrap(g)), draw(st.booleans())

def rand(shape, dtype, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randint(-3, 4, shape, generator=g).to(dtype)      # small integers: exact in every dtype

@prop
@given(case())
def test_conv2d_unfold_like_pytorch(c):
    "Equal to F.conv2d, or refused (ValueError) exactly when F.conv2d refuses"
    xs, ws, dtype, kw, has_bias = c
    x, w = rand(xs, dtype, 0), rand(ws, dtype, 1)
    b = rand(ws[:1], dtype, 2) if has_bias else None
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        try: expected = F.conv2d(x, w, b, **kw)
        except RuntimeError:
            with pytest.raises(ValueError): conv2d_unfold(x, w, b, **kw)
            return
    got = conv2d_unfold(x, w, b, **kw)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    assert torch.equal(got, expected)

@prop
@given(case())
def test_im2col_like_unfold(c):
    xs, ws, dtype, kw, _ = c
    if isinstance(kw['padding'], str) or len(xs) == 3 and xs[0] == 0: return
    x = rand(xs, torch.float32, 0)
    args = dict(kernel_size=ws[2:], dilation=int(kw['dilation']), padding=int(kw['padding']), stride=int(kw['stride']))   # F.unfold can't take a 0-d tensor
    try: expected = F.unfold(x, **args)
    except RuntimeError:
        with pytest.raises(ValueError): im2col(x, ws[2:], kw['stride'], kw['padding'], kw['dilation'])
        return
    assert torch.equal(im2col(x, ws[2:], kw['stride'], kw['padding'], kw['dilation']), expected)

@prop
@given(case())
def test_conv_matrix_like_pytorch(c):
    "M @ x equals the convolution, dense and sparse, 'same' padding included"
    xs, ws, _, kw, _ = c
    if len(xs) == 4: xs = xs[1:]
    x, w = rand(xs, torch.float64, 0), rand(ws, torch.float64, 1)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        try: expected = F.conv2d(x[None], w, **kw)[0]
        except RuntimeError:
            with pytest.raises(ValueError): conv_matrix(w, xs, **kw)
            return
    for sparse in (False, True):
        M = conv_matrix(w, xs, sparse=sparse, **kw)
        got = (torch.sparse.mm(M, x.flatten()[:, None])[:, 0]) if sparse else M @ x.flatten()
        assert torch.equal(got, expected.flatten())

def test_conv_matrix_numbering_past_float32():
    "Pixel numbers past 2**24 (where float32 skips integers) stay exact"
    M = conv_matrix(torch.ones(1, 1, 1, 1), (1, 4097, 4097), stride=4096, sparse=True)
    assert M.indices()[1].tolist() == [0, 4096, 4096*4097, 4097*4097 - 1]

def test_bad_values():
    x, w = torch.randn(2, 4, 6, 6), torch.randn(4, 2, 3, 3)
    for bad, msg in ((dict(groups=True), 'groups must be an integer >= 1'), (dict(groups=2.0), 'groups must be an integer >= 1'),
                     (dict(groups=3), 'groups=3 must divide'), (dict(groups=2, stride=0), 'stride must be'),
                     (dict(groups=2, padding='full'), "or 'same' or 'valid'"), (dict(groups=2, dilation=-1), 'dilation must be')):
        with pytest.raises(ValueError, match=msg): conv2d_unfold(x, w, **bad)
    with pytest.raises(ValueError, match='same dtype'): conv2d_unfold(x.double(), w, groups=2)
    with pytest.raises(ValueError, match='same dtype'): conv2d_unfold(x, w, torch.zeros(4, dtype=torch.float64), groups=2)
    with pytest.raises(ValueError, match=r'\[N, C, H, W\]'): conv2d_unfold(x[0, 0], w)
    with pytest.raises(ValueError, match='in_shape'): conv_matrix(w, (4, 0, 6), groups=2)
    with pytest.raises(ValueError, match='sparse=True'): conv_matrix(w, (4, 200, 200), groups=2)

@prop
@given(st.integers(1, 9), st.integers(1, 9), st.integers(1, 3), st.integers(1, 3), st.sampled_from([torch.float32, torch.float64]))
def test_conv_by_hand_like_pytorch(h, w, kh, kw, dtype):
    "01_kernels' hand loop on random images: F.conv2d's answer (small integers, so exactly)"
    img, k = rand((h, w), dtype, 0), rand((kh, kw), dtype, 1)
    if kh > h or kw > w:
        with pytest.raises(ValueError): conv_by_hand(img, k)
        return
    assert torch.equal(conv_by_hand(img, k), F.conv2d(img[None, None], k[None, None])[0, 0])
    r, c = kh//2, kw//2
    assert apply_kernel(np.int64(r), torch.tensor(c), k, img) == (img[:kh, :kw]*k).sum()
