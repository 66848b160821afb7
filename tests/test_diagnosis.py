"""One diagnosis per wrong answer (issue 15, section 2) and the generators' holes (section 3), over every kind and many seeds:
- no right answer rejected (sizes checked against PyTorch), no modelled wrong answer accepted, no crash;
- each modelled mistake gives its own answer, so a recognised wrong answer names one mistake (at most 5% may name several);
- a mistake that applies on one axis only is still named; causes that give the same number are modelled or left unnamed;
- every exercise has further hints, and the last one is the rule with this problem's numbers, not worked out;
- `fix_model` only takes a repair of the model shown, judged on a CPU float32 copy in eval mode, leaving the learner's model as it was."""
import copy, re
import pytest, torch, torch.nn as nn, torch.nn.functional as F
from convbook.workbook import check, same_answer, fmt_answer
from convbook.exercises import EXERCISES, CODE_KINDS
from convbook import arith, kernels, viz, cnn, summary
import convbook.workbook as wb
from convbook.summary import layer_summary
from convbook.bruteforce import brute_force_rf

SLOW = ('which_kernel', 'kernel_sum', 'group_channels', 'bn_running_mean', 'bn_output')   # about 20 ms an exercise
def _seeds(kind): return range(100) if kind in SLOW else range(300)

def _axes(dims, k): return tuple(q[k] for q in dims)

def _torch_size(e):
    "What PyTorch says the answer of a size exercise is (None for the other kinds)"
    p = e.params
    if e.kind in ('conv_size', 'pool_size', 'transposed_size'):
        d, nd = p['dims'], p['nd']
        if e.kind == 'conv_size': m = (nn.Conv1d, nn.Conv2d)[nd-1](1, 1, _axes(d, 'ks'), _axes(d, 'stride'), _axes(d, 'padding'), _axes(d, 'dilation'), device='meta')
        elif e.kind == 'transposed_size':
            m = (nn.ConvTranspose1d, nn.ConvTranspose2d)[nd-1](1, 1, _axes(d, 'ks'), _axes(d, 'stride'), _axes(d, 'padding'), _axes(d, 'output_padding'), dilation=_axes(d, 'dilation'), device='meta')
        else:
            lay, st = p['layer'], (_axes(d, 'stride') if p['layer']['stride_given'] else None)
            m = ((nn.MaxPool1d, nn.MaxPool2d)[nd-1](_axes(d, 'ks'), st, _axes(d, 'padding'), _axes(d, 'dilation'), ceil_mode=lay['ceil_mode']) if lay['kind'] == 'max'
                 else (nn.AvgPool1d, nn.AvgPool2d)[nd-1](_axes(d, 'ks'), st, _axes(d, 'padding'), ceil_mode=lay['ceil_mode']))
        with torch.no_grad(): out = tuple(m(torch.zeros(1, 1, *_axes(d, 'n'), device='meta')).shape[2:])   # PyTorch's shape logic, no data
        return out[0] if nd == 1 else out
    if e.kind == 'output_padding':
        x = torch.zeros(1, 1, p['n'], p['n'], device='meta')
        conv = nn.Conv2d(1, 1, p['ks'], p['stride'], p['padding'], device='meta')
        y = conv(x)
        for op in range(p['stride']):
            tr = nn.ConvTranspose2d(1, 1, p['ks'], p['stride'], p['padding'], output_padding=op, device='meta')
            if tr(y).shape[2:] == x.shape[2:]: return op
    if e.kind == 'batch_shape': return tuple(F.conv2d(torch.zeros(p['x'], device='meta'), torch.zeros(p['w'], device='meta')).shape)
    if e.kind == 'weight_shape': return tuple(nn.Conv2d(p['in_channels'], p['out_channels'], p['ks'], groups=p['groups'], device='meta').weight.shape)
    return None

@pytest.mark.parametrize('kind', [k for k in EXERCISES if k not in CODE_KINDS])   # code kinds: tests/test_code_exercises.py
def test_one_diagnosis(kind):
    "Right answers taken, modelled wrong answers named and never taken, and at most 1 in 20 named among several"
    gen, recognised, several = EXERCISES[kind][0], 0, 0
    for s in _seeds(kind):
        e = gen(seed=s)
        if (want := _torch_size(e)) is not None: assert same_answer(e.answer, want), (kind, s, e.answer, want)
        if kind != 'fix_model': assert check(e, e.answer), (kind, s)
        wrong = [m for m in e.mistakes if not same_answer(m.answer, e.answer, e.tol)]
        for m in wrong:
            fb = check(e, list(m.answer) if isinstance(m.answer, tuple) else m.answer)
            assert not fb and m.name in fb.names, (kind, s, m, fb)
            recognised += 1; several += len(fb.names) > 1
    assert recognised >= 100, (kind, recognised)
    assert several <= 0.05*recognised, (kind, several, recognised)

def test_every_kind_has_further_hints():
    for kind,(gen,_) in EXERCISES.items():
        if kind == 'numel': continue                          # drawn in `00a_workbook`
        for s in range(10 if kind in SLOW else 30):
            e = gen(seed=s)
            assert 1 <= len(e.hints) <= 2 and all(isinstance(h, str) and h for h in e.hints), (kind, s)
            shown = fmt_answer(e.answer)
            done = re.compile(rf"= {re.escape(shown)}(?![\d.,]| *[-+*/%(])")          # a worked-out result
            assert not any(done.search(h) for h in e.hints), (kind, s, e.hints)   # the rule, not the result

def _eval(expr): return eval(expr, {'ceil': __import__('math').ceil, '__builtins__': {}})

def test_last_hint_works_out_to_the_answer():
    "The last hint is this problem's arithmetic, not evaluated: evaluated, it is the answer"
    for s in range(100):
        e = arith.conv_size_exercise(seed=s)
        parts = re.findall(r'(\([^:;]*?\)//\d+ \+ 1)', e.hints[1])
        got = tuple(_eval(p) for p in parts)
        assert (got[0] if len(got) == 1 else got) == e.answer, (s, e.hints[1])
        e = arith.transposed_size_exercise(seed=s)
        parts = [p.strip() for p in re.split(r'height: |; width: |: work', e.hints[1]) if p.strip() and p.strip() != 'it out.']
        got = tuple(_eval(p) for p in parts)
        assert (got[0] if len(got) == 1 else got) == e.answer, (s, e.hints[1])
        e = summary.param_count_exercise(seed=s)
        assert _eval(e.hints[1].split(':')[0].replace('/', '//')) == e.answer
        e = kernels.kernel_sum_exercise(seed=s) if s < 30 else None
        if e: assert _eval(e.hints[1].split(': ', 1)[1].split(';')[0]) == e.answer

# ---- causes that give one number
def test_a_tie_is_left_unnamed():
    "Conv2d(k=3, stride=2, padding=1) on 11x13: four mistakes give (5, 6); none of them is named for it"
    dims = [dict(n=11, ks=3, stride=2, padding=1, dilation=1), dict(n=13, ks=3, stride=2, padding=1, dilation=1)]
    ms = [m for f in arith.CONV_MISTAKES if (m := arith._apply(f, dims, arith.conv_out_size, arith.conv_formula)) is not None]
    ans = (arith.conv_out_size(11, 3, 2, 1), arith.conv_out_size(13, 3, 2, 1))
    assert sum(m.answer == (5, 6) for m in ms) >= 3 and not wb.told_apart(ms, ans)
    assert all(m.answer != (5, 6) for m in wb.untied(ms, ans))

def test_one_axis_mistakes_are_named():
    "Padding (1, 0), output_padding (1, 0), dilation (1, 2): the mistake acts on one axis and is named"
    dims = [dict(n=9, ks=3, stride=None, padding=1, dilation=1, ceil_mode=False), dict(n=10, ks=3, stride=None, padding=0, dilation=1, ceil_mode=False)]
    m = arith._apply(arith.left_out_the_padding, dims, arith.pool_out_size, arith.pool_formula)
    assert m is not None and m.answer == (arith.pool_out_size(9, 3), arith.pool_out_size(10, 3)) and 'right on this axis' in m.working
    dims = [dict(n=4, ks=3, stride=2, padding=0, output_padding=1, dilation=1), dict(n=5, ks=3, stride=2, padding=0, output_padding=0, dilation=2)]
    right = arith.conv_transpose_out_size
    for f, want in ((arith.forgot_the_output_padding, (right(4, 3, 2, 0, 0), right(5, 3, 2, 0, 0, 2))),
                    (arith.ignored_the_dilation, (right(4, 3, 2, 0, 1), right(5, 3, 2, 0, 0, 1)))):
        m = arith._apply(f, dims, right, lambda **q: '')
        assert m is not None and m.answer == want, (f.__name__, m)
    found = 0                                                 # and in the exercises drawn
    for gen, fs, right, working in ((arith.pool_size_exercise, arith.POOL_MISTAKES, arith.pool_out_size, arith.pool_formula),
                                    (arith.transposed_size_exercise, arith.TRANSPOSED_MISTAKES, arith.conv_transpose_out_size, lambda **q: '')):
        for s in range(300):
            e = gen(seed=s); d = e.params['dims']
            if e.params['nd'] != 2: continue
            every = {f.__name__: m for f in fs if (m := arith._apply(f, d, right, working)) is not None}
            for f in fs:
                m = every.get(f.__name__)
                one_axis = m is not None and sum(f(**q)[0] is None for q in d) == 1
                if not one_axis or m is None or m.answer == e.answer: continue
                if any(o.answer == m.answer for o in every.values() if o is not m): continue   # tied: rightly unnamed
                assert f.__name__ in check(e, m.answer).names, (gen.__name__, s, f.__name__)
                found += 1
    assert found >= 20

def test_stride_one_is_not_dividing_by_the_stride():
    for s in range(300):
        e = arith.conv_size_exercise(seed=s)
        strides = [q['stride'] for q in e.params['dims']]
        n = tuple(q['n'] for q in e.params['dims']); n = n[0] if len(n) == 1 else n
        if all(st == 1 for st in strides):
            assert 'divided_by_the_stride' not in [m.name for m in e.mistakes]
            if n != e.answer: assert check(e, n).names in (['kept_the_input_size'], []), (s, check(e, n))

def test_window_position_causes():
    "Counting from 1, the window's centre and the padded grid each add a number; where two add the same, neither is named"
    named = set()
    for s in range(300):
        e = viz.window_position_exercise(seed=s); q = e.params; (i, j), st, p, ks = q['cell'], q['stride'], q['padding'], q['ks']
        causes = dict(counted_on_the_padded_grid=p if p else None, numbered_the_cells_from_one=1, gave_the_centre=(ks - 1)//2 if ks % 2 else None)
        for name, add in causes.items():
            if not add: continue
            fb = check(e, (e.answer[0] + add, e.answer[1] + add))
            others = [n for n,a in causes.items() if n != name and a == add]
            if others: assert not {name, *others} & set(fb.names), (s, name, others, fb)
            else: assert name in fb.names, (s, name, fb); named.add(name)
    assert named == set(causes)

def test_a_sign_slip_is_not_a_flip():
    for s in range(60):
        e = kernels.kernel_sum_exercise(seed=s)
        fb = check(e, -e.answer)
        assert 'flipped_the_kernel' not in fb.names and fb.names == ['reversed_the_signs'], (s, fb)
    img, k = torch.arange(25.).view(5, 5), torch.tensor([[1., 2, 0], [0, 0, 0], [0, 0, 0]])
    assert kernels.flipped_the_kernel(img, k, 1, 1)[0] == (img[0:3, 0:3]*k.flip(0, 1)).sum().item()
    assert kernels.flipped_the_kernel(img, kernels.KERNELS['top_edge'], 1, 1)[0] is None

def test_which_kernel_choices():
    for s in range(20):
        e = kernels.which_kernel_exercise(seed=s)
        assert e.choices == tuple(e.params['candidates']) and e.answer in e.choices and len(e.choices) == 4

# ---- fix_model
def _build(texts): return nn.Sequential(*[eval('nn.' + t) for t in texts])

def _repaired(e):
    q = e.params; texts = list(q['layers'])
    if q['kind'] == 'no_flatten': texts.insert(q['bad'], 'Flatten()')
    else:
        t = texts[q['bad']]
        texts[q['bad']] = (t.replace("padding='same'", 'padding=1') if q['kind'] == 'same_stride' else t.replace('stride=1', 'stride=2') if q['kind'] == 'not_1x1'
                           else re.sub(r'Conv2d\(\d+', f"Conv2d({[l for l in _build(q['layers'][:q['bad']]) if isinstance(l, nn.Conv2d)][-1].out_channels}", t))
    return _build(texts)

class _Pair(nn.Sequential):
    def forward(self, x): return super().forward(x), x      # a model that returns a tuple

def test_fix_model_takes_only_a_repair_of_the_model_shown():
    kinds = set()
    for s in (0, 1, 7, 13):                                   # the four kinds of fault
        e = cnn.fix_model_exercise(seed=s); q = e.params; kinds.add(q['kind'])
        good = _repaired(e)
        assert check(e, good), (s, check(e, good).note)
        cheat = nn.Sequential(nn.Flatten(), nn.LazyLinear(q['n_out']))
        assert check(e, cheat).status == 'wrong' and 'layers' in check(e, cheat).note
        other = copy.deepcopy(good); j = next(i for i,l in enumerate(other) if isinstance(l, nn.Conv2d) and i != q['bad'])
        other[j] = nn.Conv2d(other[j].in_channels, other[j].out_channels, 3, stride=2, padding=2)   # a layer that was right, changed too
        assert check(e, other).status == 'wrong' and 'more than one' in check(e, other).note, (s, check(e, other).note)
        extra = nn.Sequential(*good, nn.Identity())
        assert check(e, extra).status == 'wrong'
        fb = check(e, _Pair(*good))                              # a class of one's own (that returns a tuple): a clear reply, no crash
        assert fb.status == 'wrong' and '`_Pair`' in fb.note, (s, fb.note)
        assert check(e, _repaired(e).double()), s                # another dtype: judged on a float32 copy
        m = _repaired(e).train()
        before = copy.deepcopy(m.state_dict())
        assert check(e, m) and m.training
        after = m.state_dict()
        assert all(torch.equal(before[k], after[k]) for k in before), s   # the model itself untouched
        assert 'BatchNorm' not in e.question                                # 06 comes before 09 teaches it
    assert kinds == {'in_channels', 'same_stride', 'not_1x1', 'no_flatten'}

# ---- receptive_field
def test_receptive_field_seed_2815_and_the_span():
    e = summary.receptive_field_exercise(seed=2815)
    assert 'stretch' in e.question and 'skips' in e.question
    for s in list(range(25)) + [2815]:
        e = summary.receptive_field_exercise(seed=s)
        model = nn.Sequential(*[eval('nn.' + t.split('nn.', 1)[1]) for t in e.params['text']])
        row = layer_summary(model, (1, 1, 128, 128)).iloc[-1]
        assert (int(row.rf), int(row.jump)) == e.answer, s
    dilated = [s for s in range(200) if any(d > 1 for _,_,d in summary.receptive_field_exercise(seed=s).params['layers'])]
    for s in dilated[:3]:                                     # with holes, the answer is still the span from first to last input pixel
        e = summary.receptive_field_exercise(seed=s)
        model = nn.Sequential(*[eval('nn.' + t.split('nn.', 1)[1]) for t in e.params['text']])
        out = model(torch.zeros(1, 1, 96, 96)).shape[2:]; u = tuple(n//2 for n in out)
        (a,) = brute_force_rf(model, (1, 1, 96, 96), [(str(len(model) - 1), 1, u)])
        assert a[1][1] - a[1][0] + 1 == e.answer[0], (s, a, e.answer)
