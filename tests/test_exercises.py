"""The workbook's exercises, held to their promises on hundreds of seeds per kind:
- every generated problem is solvable and its answer is what PyTorch does (each kind has its own oracle here);
- the same seed draws the same exercise, and the right answer is always accepted (in any form a learner might type);
- for every misconception, the answer computed by calling the misconception *function itself* on the problem's numbers
  gets that misconception's feedback, wherever it differs from the right answer;
- each misconception's written working evaluates to the answer it claims (for the arithmetic kinds);
- an unanswered exercise (`...` or `None`) says so and never raises;
- over every kind and every seed: no right answer (in any form) rejected, no modelled wrong answer accepted, no crash,
  and neither the right value nor the right working shown on a first or second wrong try, only from the third on."""
import copy, functools, math, re
import numpy as np, pytest, torch, torch.nn as nn, torch.nn.functional as F
from convbook.workbook import check, same_answer, fmt_answer, as_answer
from convbook.exercises import EXERCISES, CODE_KINDS, practice, worksheet
from convbook import arith, kernels, batch, viz, matmul
import torchinfo
from convbook.bruteforce import brute_force_rf

@pytest.fixture(autouse=True)
def _no_progress(monkeypatch):
    "The tries these tests check stay out of the progress file of whoever runs them"
    monkeypatch.setenv('CONVBOOK_PROGRESS', 'off')

SEEDS = range(300)
KINDS = [k for k in EXERCISES if k not in CODE_KINDS]   # kinds answered with a value; code kinds: tests/test_code_exercises.py

@functools.cache
def _drawn(kind, seed):
    return EXERCISES[kind][0](seed=seed)

def _each(kind, seeds=SEEDS):
    "Fresh copies (no tries yet) of the exercises of `kind` drawn from `seeds`: each is drawn once per test session"
    out = []
    for s in seeds:
        c = copy.copy(_drawn(kind, s)); c.tries = []; out.append(c)
    return out

# ---- oracles: what PyTorch says the answer is
def _zeros_out(layer, dims):
    with torch.no_grad(): out = layer(torch.zeros(1, 1, *[q['n'] for q in dims])).shape[2:]
    return out[0] if len(dims) == 1 else tuple(out)

def _both(dims, k): return tuple(q[k] for q in dims)

def oracle_conv_size(e):
    d = e.params['dims']
    return _zeros_out((nn.Conv1d if len(d) == 1 else nn.Conv2d)(1, 1, _both(d,'ks'), _both(d,'stride'), _both(d,'padding'), _both(d,'dilation')), d)

def oracle_pool_size(e):
    d, layer = e.params['dims'], e.params['layer']
    st = _both(d, 'stride') if layer['stride_given'] else None
    if layer['kind'] == 'max':
        m = (nn.MaxPool1d if len(d) == 1 else nn.MaxPool2d)(_both(d,'ks'), st, _both(d,'padding'), _both(d,'dilation'), ceil_mode=layer['ceil_mode'])
    else: m = (nn.AvgPool1d if len(d) == 1 else nn.AvgPool2d)(_both(d,'ks'), st, _both(d,'padding'), ceil_mode=layer['ceil_mode'])
    return _zeros_out(m, d)

def oracle_transposed_size(e):
    d = e.params['dims']
    return _zeros_out((nn.ConvTranspose1d if len(d) == 1 else nn.ConvTranspose2d)(1, 1, _both(d,'ks'), _both(d,'stride'), _both(d,'padding'),
                                                                                   _both(d,'output_padding'), dilation=_both(d,'dilation')), d)

def oracle_output_padding(e):
    q = e.params
    x, w = torch.empty(1, 1, q['n'], q['n'], device='meta'), torch.empty(1, 1, q['ks'], q['ks'], device='meta')   # PyTorch's shape rules
    y = F.conv2d(x, w, stride=q['stride'], padding=q['padding'])
    good = [op for op in range(q['stride']) if F.conv_transpose2d(y, w, stride=q['stride'], padding=q['padding'], output_padding=op).shape == x.shape]
    assert len(good) == 1
    return good[0]

def oracle_weight_shape(e):
    q = e.params
    return tuple(nn.Conv2d(q['in_channels'], q['out_channels'], q['ks'], groups=q['groups']).weight.shape)

def oracle_batch_shape(e):
    x, w = e.params['x'], e.params['w']
    return (x[0],) + tuple(F.conv2d(torch.zeros(1, *x[1:]), torch.zeros(w)).shape[1:])   # one image, real numbers

def oracle_numel(e): return torch.zeros(*e.params.values()).numel()

def oracle_which_kernel(e):
    q = e.params
    img = kernels.load_digit(q['digit'], idx=q['idx'])
    maps = {n: F.conv2d(img[None,None], kernels.KERNELS[n][None,None]) for n in q['candidates']}
    made = maps[q['kernel']]
    fits = [n for n,m in maps.items() if torch.equal(m, made)]
    assert len(fits) == 1, f"{len(fits)} candidates make the same map"
    return fits[0]

def oracle_kernel_sum(e):
    q = e.params
    img = kernels.load_digit(q['digit'], idx=q['idx'])
    return int(F.conv2d(img[None,None], kernels.KERNELS[q['kernel']][None,None], padding=1)[0,0,q['row'],q['col']])

def oracle_window_position(e):
    q = e.params
    x = torch.arange(1., q['n']**2 + 1).view(1, 1, q['n'], q['n'])
    cols = F.unfold(x, q['ks'], padding=q['padding'], stride=q['stride'])
    ow = arith.conv_out_size(q['n'], q['ks'], q['stride'], q['padding'])
    v = int(cols[0, 0, q['cell'][0]*ow + q['cell'][1]])
    if v == 0: return None          # in the padding: checked against the geometry below instead
    return divmod(v - 1, q['n'])

def oracle_matmul_shape(e):
    q = e.params
    x0 = torch.zeros(q['N'], q['C'], q['H'], q['W'])
    if q['what'] == 'columns': return tuple(F.unfold(x0, q['ks'], padding=q['padding'], stride=q['stride']).shape)
    w = torch.randn(q['O'], q['C'], q['ks'], q['ks']).abs() + 0.1
    y = F.conv2d(x0[:1], w, stride=q['stride'], padding=q['padding'])
    if q['what'] == 'matrix': return (y.numel(), x0[0].numel())
    # every weight meets a pixel: the matrix's non-zero count, found from autograd's Jacobian
    J = torch.autograd.functional.jacobian(lambda t: F.conv2d(t, w, stride=q['stride']).flatten(), torch.ones_like(x0[:1]))
    return int((J != 0).sum())

def _conv(q): return nn.Conv2d(q['cin'], q['cout'], q['ks'], q['stride'], q['padding'], groups=q['groups'], bias=q['bias'])

def oracle_param_count(e): return sum(p.numel() for p in _conv(e.params).parameters())

def oracle_mac_count(e):
    q = e.params
    return torchinfo.summary(_conv(q), (1, q['cin'], q['h'], q['h']), verbose=0).total_mult_adds

def oracle_receptive_field(e):
    "Brute force: the gradient's extent for a central unit of the last layer, and its step to the next unit"
    model = nn.Sequential(*[eval('nn.' + t.split('nn.', 1)[1]) for t in e.params['text']])
    out, last = model(torch.zeros(1, 1, 96, 96)).shape[2:], str(len(model) - 1)
    u = tuple(n//2 for n in out)
    a, b = brute_force_rf(model, (1, 1, 96, 96), [(last, 1, u), (last, 1, (u[0], u[1] + 1))])
    return (a[1][1] - a[1][0] + 1, b[1][0] - a[1][0])

def oracle_group_channels(e):
    q = e.params
    conv = nn.Conv2d(q['in_channels'], q['out_channels'], 1, groups=q['groups'], bias=False)
    nn.init.constant_(conv.weight, 1.)
    x = torch.zeros(1, q['in_channels'], 1, 1)
    reads = []
    for c in range(q['in_channels']):       # which input channels change output channel o when they change
        x2 = x.clone(); x2[0, c] = 1.
        if conv(x2)[0, q['o']].item() != conv(x)[0, q['o']].item(): reads.append(c)
    return tuple(reads)

def oracle_fix_model(e):
    "Every right index (the answer and its alternatives) has a repair that PyTorch runs: one layer changed or added, from a small set of real layers"
    q, texts = e.params, e.params['layers']
    def works(layers):
        try: return tuple(nn.Sequential(*layers)(torch.zeros(q['x_shape'])).shape) == (q['x_shape'][0], q['n_out'])
        except (RuntimeError, ValueError): return False
    def build(t):
        try: return eval('nn.' + t)
        except ValueError: return None                         # padding='same' with a stride: PyTorch refuses it
    shown = [build(t) for t in texts]
    assert None in shown or not works(shown)
    chans = sorted({int(v) for t in texts if t.startswith('Conv2d') for v in re.findall(r'Conv2d\((\d+), (\d+)', t)[0]} | {q['n_out']})
    def cands():
        yield from (nn.Flatten(), nn.MaxPool2d(2), nn.AvgPool2d(2), nn.AdaptiveAvgPool2d(1), nn.MaxPool2d(4), nn.ReLU())
        for a in chans:
            for b in chans:
                for k, st, p in ((3, 2, 1), (3, 1, 1), (3, 4, 1), (1, 1, 0), (1, 2, 0), (1, 4, 0)): yield nn.Conv2d(a, b, k, st, p)
    def repairs_at(i):
        for c in cands():
            if i < len(shown) and None not in shown[:i] + shown[i+1:] and works(shown[:i] + [c] + shown[i+1:]): return True
            if None not in shown and works(shown[:i] + [c] + shown[i:]): return True
        return False
    right = [e.answer] + list(e.alternatives)
    assert sorted(right) == q['right'] and all(repairs_at(i) for i in right), (e.seed, right)
    return e.answer

def oracle_bn_running_mean(e):
    q = e.params
    bn = nn.BatchNorm2d(1, momentum=q['momentum'])
    for m in q['means']:
        x = torch.randn(8, 1, 3, 3, dtype=torch.float64); bn = bn.double(); bn(x - x.mean() + m)
    return bn.running_mean.item()

def oracle_bn_output(e):
    q = e.params
    x = torch.tensor(q['values'], dtype=torch.float64).view(4, 1, 1, 1)
    return F.batch_norm(x, None, None, torch.tensor([q['gamma']], dtype=torch.float64), torch.tensor([q['beta']], dtype=torch.float64), training=True).flatten()[0].item()

ORACLES = {k: globals()[f'oracle_{k}'] for k in KINDS}

def test_every_kind_has_an_oracle(): assert set(ORACLES) == set(KINDS)

@pytest.mark.parametrize('kind', KINDS)
def test_answers_are_what_pytorch_does(kind):
    seeds = range(60) if kind in ('matmul_shape', 'which_kernel', 'kernel_sum', 'fix_model', 'receptive_field', 'mac_count') else SEEDS
    for e in _each(kind, seeds):
        want = ORACLES[kind](e)
        if want is None:        # window_position in the padding
            q = e.params; i, j = q['cell']
            assert e.answer == (i*q['stride'] - q['padding'], j*q['stride'] - q['padding'])
            assert not (0 <= e.answer[0] < q['n'] and 0 <= e.answer[1] < q['n'])
            continue
        assert same_answer(e.answer, want, e.tol), (kind, e.seed, e.question, e.answer, want)

# ---- misconceptions, recomputed from their functions
def _per_dim(f, e):
    "A size misconception on every axis of the problem; an axis it doesn't apply to keeps the right size (or what `f.elsewhere` gives)"
    right = dict(conv_size=arith.conv_out_size, pool_size=arith.pool_out_size, transposed_size=arith.conv_transpose_out_size)[e.kind]
    vals = [f(**q)[0] for q in e.params['dims']]
    if all(v is None for v in vals): return None
    other = getattr(f, 'elsewhere', None)
    vals = [v if v is not None else (other(**q)[0] if other else right(**q)) for v,q in zip(vals, e.params['dims'])]
    if any(v < 1 for v in vals): return None
    return vals[0] if len(vals) == 1 else tuple(vals)


RECOMPUTE = dict(
    numel=lambda f, e: f(**e.params)[0],
    which_kernel=lambda f, e: f(e.params['kernel'])[0],
    kernel_sum=lambda f, e: f(kernels.load_digit(e.params['digit'], idx=e.params['idx']), kernels.KERNELS[e.params['kernel']], e.params['row'], e.params['col'])[0],
    batch_shape=lambda f, e: f(e.params['x'], e.params['w'])[0],
    conv_size=_per_dim, pool_size=_per_dim, transposed_size=_per_dim,
    output_padding=lambda f, e: f(**{k: e.params[k] for k in ('n', 'ks', 'stride', 'padding', 'dilation')})[0],
    weight_shape=lambda f, e: f(**e.params)[0],
    window_position=lambda f, e: f(*e.params['cell'], (e.params['stride'],)*2, (e.params['padding'],)*2, *([e.params['ks']] if f.__name__ == 'gave_the_centre' else []))[0],
    matmul_shape=lambda f, e: f(e.params)[0],
    fix_model=lambda f, e: f(e.params['bad'], len(e.params['layers']), e.params['kind'])[0],
    param_count=lambda f, e: f(**e.params)[0], mac_count=lambda f, e: f(**e.params)[0],
    receptive_field=lambda f, e: f(e.params['layers'])[0],
    group_channels=lambda f, e: f(*(e.params[k] for k in ('in_channels', 'out_channels', 'groups', 'o')))[0],
    bn_running_mean=lambda f, e: f(e.params['means'], e.params['momentum'])[0],
    bn_output=lambda f, e: f(e.params['values'], e.params['gamma'], e.params['beta'])[0],
)
import importlib

def _function(name, kind):
    "The misconception function `name`, from the module of the kind's generator"
    mod = importlib.import_module(EXERCISES[kind][0].__module__)
    assert hasattr(mod, name), f"{kind}: no misconception function {name} in {mod.__name__}"
    return getattr(mod, name)

@pytest.mark.parametrize('kind', KINDS)
def test_every_misconception_gets_its_hint(kind):
    told = {}
    for e in _each(kind):
        assert check(e, e.answer), (kind, e.seed)
        for m in e.mistakes:
            f = _function(m.name, kind)
            wrong = RECOMPUTE[kind](f, e)          # the misconception function itself, on the problem's numbers
            assert wrong is not None and same_answer(wrong if not isinstance(wrong, str) else wrong.lower(), m.answer, e.tol), (kind, e.seed, m.name, wrong, m.answer)
            if same_answer(m.answer, e.answer, e.tol): continue
            typed = list(wrong) if isinstance(wrong, tuple) else (np.int64(wrong) if isinstance(wrong, int) else wrong)   # as a learner might type it
            fb = e.judge(typed)                                    # as a first try
            assert m.name in fb.names and f"**{m.label}**" in str(fb), (kind, e.seed, m.name, str(fb))
            told[m.name] = told.get(m.name, 0) + 1
    names = {m.name for e in _each(kind, range(40)) for m in e.mistakes}
    assert names and all(told.get(n, 0) >= 3 for n in names), (kind, told)   # every misconception can be told apart, often

ARITHMETIC = ('conv_size', 'pool_size', 'transposed_size', 'numel', 'kernel_sum', 'output_padding', 'matmul_shape', 'param_count', 'mac_count', 'receptive_field')
ALLOWED = set('0123456789 +-*/%()ceil')

def _value(expr:str):
    try: return eval(expr, {'ceil': math.ceil, '__builtins__': {}})
    except (SyntaxError, TypeError, NameError, ZeroDivisionError): return None

def expressions(text:str):
    "Every `arithmetic = number` written in `text`, as (expression, number): the longest arithmetic that ends at the ` = `"
    for m in re.finditer(r' = (-?\d+)\b', text):
        k = m.start()
        while k > 0 and text[k-1] in ALLOWED: k -= 1
        run = text[k:m.start()]
        for s in range(len(run)):            # the longest tail of the run that is arithmetic on its own
            expr = run[s:].strip()
            if (s == 0 or not run[s-1].isalnum()) and expr[:1] in '(0123456789c-' and re.search(r'\d\s*[-+*/%]', expr) and _value(expr) is not None:
                yield expr, int(m.group(1)); break

def test_expressions_reader():
    assert list(expressions("height (11 + 2*1 - 1*(3 - 1) - 1)//2 + 1 = 6, width 4 = 4")) == [('(11 + 2*1 - 1*(3 - 1) - 1)//2 + 1', 6)]
    assert list(expressions("would start at (4 - 1)*2 = 6, in the right padding (from 5 + 1 = 6)")) == [('(4 - 1)*2', 6), ('5 + 1', 6)]
    assert list(expressions("ceil((5 + 2*0 - 1*(2 - 1) - 1)/2) + 1 = 3")) == [('ceil((5 + 2*0 - 1*(2 - 1) - 1)/2) + 1', 3)]
    assert list(expressions("the output is 7x7 ((14 + 2*0 - 1*(1 - 1) - 1)//2 + 1 = 7); each")) == [('(14 + 2*0 - 1*(1 - 1) - 1)//2 + 1', 7)]

@pytest.mark.parametrize('kind', ARITHMETIC)
def test_workings_add_up(kind):
    "The arithmetic written in each working, right or mistaken, evaluates to the number it states"
    n = 0
    for e in _each(kind, range(100)):
        for w in [e.working] + [m.working for m in e.mistakes]:
            for expr, val in expressions(w):
                assert _value(expr) == val, (kind, e.seed, expr, val, w)
                n += 1
    assert n >= 100

@pytest.mark.parametrize('kind', KINDS)
def test_deterministic_and_polite(kind):
    for e in _each(kind, range(50)):
        again = EXERCISES[kind][0](seed=e.seed)
        assert (e.question, e.answer, e.working, [m.name for m in e.mistakes]) == (again.question, again.answer, again.working, [m.name for m in again.mistakes])
        for blank in (..., None):
            fb = check(e, blank)
            assert fb.status == 'unanswered' and 'Not answered yet' in str(fb)
        assert check(e, object()).status == 'unreadable'
        assert e.solution()._repr_markdown_().startswith('<details')

def test_practice_and_worksheet():
    assert {practice(seed=s).kind for s in range(300)} == set(EXERCISES)
    sheet = worksheet(len(EXERCISES), seed=3)
    assert [e.kind for e in sheet] == list(EXERCISES)
    with pytest.raises(ValueError, match='not a kind of exercise'): practice('nope')

# ---- the feedback's promises, over every kind and every seed
def _numbers(text:str) -> set:
    "The numbers written in `text`, as written (thousands separators dropped)"
    return {t.replace(',', '') for t in re.findall(r'(?<![\w.])-?\d[\d,]*(?:\.\d+)?(?![\w])', text)}

def _shows_answer(e, text:str, given, fb=None) -> bool:
    """Whether `text` shows `e`'s right answer: the whole tuple, as written or as a list; a name; `= answer`; or a number
    that none of what may be shown holds: the question and its form, the learner's own answer, the rule (`hint`), and the
    named mistakes' own explanation and working (a small number there is a coincidence, not a leak)"""
    a, ms = e.answer, (fb.mistakes if fb is not None else [])
    allowed = ' '.join([e.question, e.form, e.hint, *e.hints, fmt_answer(given) if not isinstance(given, str) else ''] + [m.why + ' ' + m.working for m in ms])
    text = re.sub(r'\(try \d+\)|after \d+ more wrong tr', '', text.replace(e.form, ''))   # the feedback's own counts
    if e.choices and (listed := re.search(r'`[^?]*`', e.question)): text = text.replace(listed.group(0), '')   # the names offered, as the question lists them
    for m in ms: text = text.replace(m.working, '')
    if isinstance(a, tuple): return (fmt_answer(a) in text and fmt_answer(a) not in e.question) or str(list(a)) in text
    if isinstance(a, str): return re.search(rf'(?<![\w]){re.escape(a)}(?![\w])', text.lower()) is not None
    f = fmt_answer(a)
    return f"= {f}" in text or f.replace(',', '') in _numbers(text) - _numbers(allowed)

def _right_forms(e):
    "The right answer in the forms a learner might type it"
    a = e.answer
    forms = [a]
    if isinstance(a, tuple):
        forms += [list(a), np.array(a) if not any(isinstance(v, str) for v in a) else list(a)]
        if len(a) == 1 or (e.square and len(set(a)) == 1): forms.append(a[0])
        if all(isinstance(v, int) for v in a): forms += [torch.tensor(a), tuple(v + 4e-15*max(1, abs(v)) for v in a)]
    elif isinstance(a, int): forms += [np.int64(a), float(a), a + 4e-15*max(1, abs(a))]
    elif isinstance(a, float): forms += [np.float32(a), round(a, 4)]
    elif isinstance(a, str): forms += [a.upper(), f' {a} ']
    return forms

def _wrong_answers(e):
    "Wrong answers for a ladder of tries: the modelled mistakes that differ from the answer, then answers nobody models"
    ws = [m.answer for m in e.mistakes if not same_answer(m.answer, e.answer, e.tol)]
    a = e.answer
    if isinstance(a, tuple): ws += [tuple(v + 1000 + i if isinstance(v, (int, float)) else v for v in a) for i in range(3)]
    elif isinstance(a, (int, float)): ws += [a + 1000 + i for i in range(3)]
    else: ws += [c for c in (e.choices or (e.params or {}).get('candidates', ())) if c != a]
    return ws

@pytest.mark.parametrize('kind', KINDS)
def test_feedback_over_every_seed(kind):
    n_named = 0
    for e in _each(kind):
        for form in _right_forms(e):                                   # no right answer rejected
            if kind == 'bn_output' and isinstance(form, np.float32): continue
            assert e.judge(form), (kind, e.seed, form, str(e.judge(form)))
        for m in e.mistakes:                                           # no modelled wrong answer accepted, none shows the answer
            if same_answer(m.answer, e.answer, e.tol): continue
            fb = e.judge(list(m.answer) if isinstance(m.answer, tuple) else m.answer)
            text = str(fb)
            assert not fb and m.name in fb.names and f"**{m.label}**" in text, (kind, e.seed, m.name, text)
            assert 'Not quite' in text and 'Hint:' in text and 'worked solution comes after 2 more' in text, (kind, e.seed, text)
            assert not _shows_answer(e, text, m.answer, fb) and e.working not in text, (kind, e.seed, m.name, e.answer, text)
            n_named += 1
        ws = _wrong_answers(e)                                         # the ladder, on the exercise itself
        fbs = [check(e, w) for w in (ws * 4)[:4]]
        texts = [str(f) for f in fbs]
        assert all(not f and f.counts for f in fbs) and [f.n for f in fbs] == [1, 2, 3, 4], (kind, e.seed, [repr(f) for f in fbs])
        for t, w, f in zip(texts[:2], ws * 2, fbs):
            assert not _shows_answer(e, t, w, f) and e.working not in t and '\\*' not in t, (kind, e.seed, t)
        hints = [t.split('Hint:** ')[-1].split('\n')[0] for t in texts[:2]]
        assert 'Hint:**' in texts[0] and 'A closer hint:**' in texts[1] and hints[0] != hints[1], (kind, e.seed, texts[:2])
        assert 'That was your third wrong try, so here is the worked solution' in texts[2] and fmt_answer(e.answer) in texts[2], (kind, e.seed)
        assert 'The worked solution (shown after your third wrong try)' in texts[3]
        right = check(e, e.answer)
        assert right and right.n == 5 and str(right).startswith('✓ **Right** on try 5'), (kind, e.seed, str(right))
        named = [m for f in fbs for m in f.mistakes]
        assert ('You fixed' in str(right)) == bool(named), (kind, e.seed, str(right))
    assert n_named >= 100 or kind == 'fix_model', (kind, n_named)

@pytest.mark.parametrize('kind', KINDS)
def test_answers_of_the_wrong_form(kind):
    "A tuple of the wrong length, a bare number for a tuple that isn't a square size, a name not offered: a reply of its own, not a try"
    for e in _each(kind, range(100)):
        a, bad = e.answer, []
        if isinstance(a, tuple):
            bad += [a + (1,), a[:-1] or (1, 2)]
            if len(a) > 1 and not e.square: bad.append(a[0])
        elif isinstance(a, str): bad += ['emboss', 3] if e.choices else [3]
        elif isinstance(a, int) and not e.tol: bad += [a + 0.5]
        for b in bad:
            if any(same_answer(as_answer(b), m.answer, e.tol) for m in e.mistakes): continue   # a modelled mistake of that form
            fb = check(e, b)
            assert fb.status == 'form' and not fb.counts and str(fb).startswith('✎ **Not counted as a try:**'), (kind, e.seed, b, str(fb))
            assert not _shows_answer(e, str(fb), b), (kind, e.seed, b, str(fb))
        assert e.tries == []

def test_figure_needs_no_import_order():
    "An exercise with a diagram draws it whatever was imported first (`Exercise.figure` finds `viz.diagram_still` by name)"
    import subprocess, sys
    code = ("import sys; from convbook.arith import conv_size_exercise; assert 'convbook.viz' not in sys.modules; "
            "fig = conv_size_exercise(seed=2).figure(); print(type(fig).__name__, len(fig.axes))")
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, env={**__import__('os').environ, 'MPLBACKEND': 'Agg'})
    assert out.returncode == 0 and out.stdout.split() == ['Figure', '1'], out.stderr[-2000:]
