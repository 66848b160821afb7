"""fix_model (issue 23's reproducers, in `practice(kind, seed)` form): every index where one layer's change or insertion
repairs the model is right; a repaired model is accepted as a model in every valid one-layer form (a layer changed,
a pooling layer added, a slot made a convolution and pooling) and refused when it only looks repaired (a layer class
of one's own, a hook, a replaced forward); the learner's model runs under a time limit; no BatchNorm2d (chapter 06
comes before 09 teaches it), and the mistakes are still told apart."""
import pytest, torch, torch.nn as nn
from convbook.exercises import practice
from convbook.workbook import check, verify_generator
from convbook.cnn import fix_model_exercise, repairs, _shapes, _spec

@pytest.fixture(autouse=True)
def _no_progress(monkeypatch): monkeypatch.setenv('CONVBOOK_PROGRESS', 'off')

def build(texts): return nn.Sequential(*[eval('nn.' + t) for t in texts])

@pytest.fixture
def seed1():
    e = practice('fix_model', seed=1)
    assert (e.params['kind'], e.params['bad']) == ('not_1x1', 0)       # layer 0 has stride 1
    return e, e.params['layers'], len(e.params['layers']) - 2           # the last convolution

def test_last_convolution_with_stride_4_is_right(seed1):
    e, L, last = seed1
    assert check(e, last).status == 'right'
    m = build(L); m[last].stride = (4, 4)
    assert check(e, m).status == 'right'

@pytest.mark.parametrize('pool', [nn.AdaptiveAvgPool2d(1), nn.MaxPool2d(2), nn.AvgPool2d(2), nn.AdaptiveMaxPool2d(1)])
def test_pooling_added_before_flatten(seed1, pool):
    e, L, last = seed1
    m = nn.Sequential(*build(L[:last + 1]), pool, nn.Flatten())
    fb = e.judge(m)
    assert fb.status == 'right' and 'layers' not in fb.note, str(fb)
    assert e.judge(last + 1).status == 'right'

def test_slot_with_pooling(seed1):
    e, L, last = seed1
    m = build(L); m[0] = nn.Sequential(m[0], nn.MaxPool2d(2))
    assert e.judge(m).status == 'right'
    m = build(L); m[2] = nn.Sequential(m[2], nn.MaxPool2d(2))         # the other way to shrink, at another convolution
    assert e.judge(m).status == 'right'

def test_the_intended_repair(seed1):
    e, L, last = seed1
    m = build(L); m[0].stride = (2, 2)
    assert e.judge(m).status == 'right' and e.judge(0).status == 'right'

class ZeroConv(nn.Conv2d):
    def forward(self, x): return torch.zeros(x.shape[0], self.out_channels, 1, 1)

def test_hacks_refused(seed1):
    e, L, last = seed1
    hack = build(L); hack[last] = ZeroConv(hack[last].in_channels, hack[last].out_channels, 3, 1, 1)
    fb = check(e, hack)
    assert fb.status == 'wrong' and 'is a `ZeroConv`' in str(fb)
    hooked = build(L); hooked[last].register_forward_hook(lambda m, i, o: o[..., :1, :1])
    assert e.judge(hooked).status == 'wrong' and 'hook' in e.judge(hooked).note
    pre = build(L); pre[0].register_forward_pre_hook(lambda m, i: (i[0][..., ::2, ::2],))
    assert e.judge(pre).status == 'wrong'
    patched = build(L); patched[last].forward = lambda x: torch.zeros(x.shape[0], 10, 1, 1)
    assert e.judge(patched).status == 'wrong' and 'forward' in e.judge(patched).note
    orig = nn.Conv2d.forward
    try:
        nn.Conv2d.forward = lambda self, x: orig(self, x)[..., :1, :1]      # the class's forward replaced
        assert e.judge(build(L)).status == 'wrong' and 'forward' in e.judge(build(L)).note
    finally: nn.Conv2d.forward = orig
    h = nn.modules.module.register_module_forward_hook(lambda m, i, o: o)
    try: assert e.judge(build(L)).status == 'wrong' and 'global' in e.judge(build(L)).note
    finally: h.remove()
    assert e.judge(build(L)).status == 'wrong'                                 # the model shown, unchanged

def test_more_than_one_change_refused(seed1):
    e, L, last = seed1
    m = build(L); m[0].stride = (2, 2); m[1] = nn.Identity()
    assert e.judge(m).status == 'wrong'
    m = build(L); m[0].stride = (2, 2); m[2].stride = (1, 1); m[last].stride = (4, 4)
    assert e.judge(m).status == 'wrong' and 'more than one' in e.judge(m).note

def test_time_limit(seed1, monkeypatch):
    e, L, last = seed1
    import convbook.cnn as cnn
    def slow_fits(*a):
        while True: pass
    monkeypatch.setattr(cnn, '_fits', slow_fits)
    import convbook.coding as coding
    real = coding.run_code
    monkeypatch.setattr(cnn, 'run_code', lambda f, seconds: real(f, 0.3))
    m = build(L); m[0].stride = (2, 2)
    fb = e.judge(m)
    assert fb.status == 'wrong' and 'did not finish within 0.3 s' in fb.note

def test_every_right_index_accepted_and_mistakes_apart():
    kinds = set()
    for s in range(60):
        e = practice('fix_model', seed=s); q = e.params
        kinds.add(q['kind'])
        assert 'BatchNorm' not in e.question
        specs = [_spec(eval('nn.' + t)) if 'same' not in t else None for t in q['layers']]
        right = set(q['right'])
        assert e.answer in right and set(e.alternatives) == right - {e.answer}
        for i in range(len(q['layers']) + 2): assert bool(e.judge(i)) == (i in right), (s, i, right)
        for m in e.mistakes: assert m.answer not in right and e.judge(m.answer).names == [m.name]
        if q['kind'] == 'in_channels' and q['bad'] >= 2: assert {q['bad'] - 2, q['bad'] - 1, q['bad']} <= right   # the convolution before can give what is expected
    assert kinds == {'in_channels', 'same_stride', 'not_1x1', 'no_flatten'}
    told = verify_generator(fix_model_exercise, range(60))
    assert told['counted_from_one'] > 10 and told['blamed_the_relu'] > 3 and told['blamed_the_last_convolution'] > 3

def test_shape_rules_match_pytorch():
    "`_shapes` follows a model as PyTorch runs it"
    import random
    r = random.Random(0)
    for _ in range(200):
        layers, shape = [], (r.choice([1, 3]), r.randint(4, 20), r.randint(4, 20))
        c = shape[0]
        for _ in range(r.randint(1, 5)):
            t = r.choice(['conv', 'relu', 'max', 'avg', 'ad'])
            if t == 'conv':
                co = r.choice([2, 4]); layers.append(nn.Conv2d(c if r.random() < .9 else c + 1, co, r.choice([1, 3]), r.choice([1, 2, 4]), r.choice([0, 1]))); c = co
            else: layers.append({'relu': nn.ReLU(), 'max': nn.MaxPool2d(2), 'avg': nn.AvgPool2d(2), 'ad': nn.AdaptiveAvgPool2d(1)}[t])
        if r.random() < .5: layers.append(nn.Flatten(0))
        try: want = tuple(nn.Sequential(*layers)(torch.zeros(shape)).shape)
        except RuntimeError: want = None
        assert _shapes([_spec(l) for l in layers], shape) == want, (layers, shape)
