"""`layer_summary` on any network, checked against oracles: a real forward pass (shapes), `sum(p.numel())` (params),
torchinfo (multiply-adds of convolutions and linear layers), brute-force gradients (receptive field, jump, start:
`check_rf`), and the receptive fields Araujo, Norris and Sim published (Distill 2019). Models are built on the
`meta` device and given uninitialised memory (`to_empty`): nothing downloaded, no time spent on initialisation."""
import math, re, warnings
import pytest, torch, torch.nn as nn, torch.nn.functional as F, torchvision, torchinfo
from hypothesis import given, settings, strategies as st
from convbook.summary import layer_summary
from convbook.bruteforce import check_rf, brute_force_rf
from convbook.cnn import simple_cnn

warnings.filterwarnings('ignore', message=".*padding='same' with even kernel.*")
tv = torchvision.models

def build(fn, **kw):
    "A torchvision model with uninitialised weights (fast); its values don't matter for shapes, counts or the brute force"
    with torch.device('meta'): m = fn(**kw)
    return m.to_empty(device='cpu').eval()

def small_vit(): return tv.VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=16, mlp_dim=32)

# name: (constructor, input for shapes/params/mult-adds, input for the brute force, and its rows: how many, or which layers)
ZOO = {
    'resnet18':     (lambda: build(tv.resnet18), (2,3,64,48), (1,3,256,1), None),
    'resnet50':     (lambda: build(tv.resnet50), (1,3,64,64), (1,3,128,1), 8),
    'vgg11':        (lambda: build(tv.vgg11), (1,3,32,32), (1,3,64,32), ['features.0', 'features.5', 'features.15', 'features.20']),
    'alexnet':      (lambda: build(tv.alexnet), (1,3,63,70), (1,3,127,63), ['features.0', 'features.2', 'features.7', 'features.12']),
    'mobilenet_v2': (lambda: build(tv.mobilenet_v2), (1,3,32,32), (1,3,96,1), 6),
    'mobilenet_v3': (lambda: build(tv.mobilenet_v3_small), (1,3,32,32), (1,3,48,16), 8),
    'squeezenet':   (lambda: build(tv.squeezenet1_1), (1,3,64,64), (1,3,64,48), 8),
    'densenet121':  (lambda: build(tv.densenet121), (1,3,32,32), (1,3,32,32), 6),
    'googlenet':    (lambda: build(tv.googlenet, init_weights=False, aux_logits=True), (1,3,64,64), (1,3,48,40), 6),
    'vit':          (lambda: small_vit().eval(), (2,3,32,32), (1,3,32,32), None),
}
_models = {}
def model(name):
    if name not in _models: _models[name] = ZOO[name][0]()
    return _models[name]

def real_shapes(m, x) -> dict:
    "Output shape of every module call in a plain forward pass (no summary code involved): {(name, call): shape}"
    shapes, count, hooks = {}, {}, []
    def hook(name):
        def f(mod, i, o):
            count[name] = count.get(name, 0) + 1
            t = o if isinstance(o, torch.Tensor) else next((v for v in (o if isinstance(o, (tuple, list)) else o.values()) if isinstance(v, torch.Tensor)), None)
            shapes[name, count[name]] = tuple(t.shape)
        return f
    for n,mod in m.named_modules(): hooks.append(mod.register_forward_hook(hook(n or '(model)')))
    with torch.no_grad(): m(x)
    for h in hooks: h.remove()
    return shapes

@pytest.mark.parametrize('name', list(ZOO))
def test_zoo_shapes_params_macs(name):
    m, shape = model(name), ZOO[name][1]
    s = layer_summary(m, shape)
    # shapes: those of a real forward pass, call by call
    shapes = real_shapes(m, torch.zeros(shape))
    run = s[s.call > 0]
    assert len(run) and all(shapes[r.layer, r.call] == r.output for r in run.itertuples()), name
    # params: they add up; modules that ran twice say so; what never ran is listed
    total = sum(p.numel() for p in m.parameters())
    assert s.params.sum() == total == s.attrs['total_params']
    assert (s.call > 1).any() == (name in ('resnet18', 'resnet50', 'mobilenet_v3', 'densenet121', 'vit') and (s.call > 1).any())
    assert set(s[s.call == 0].layer) == ({'aux1.conv.conv', 'aux1.conv.bn', 'aux1.fc1', 'aux1.fc2', 'aux2.conv.conv', 'aux2.conv.bn', 'aux2.fc1', 'aux2.fc2'} if name == 'googlenet' else set())
    # multiply-adds: torchinfo's, for every convolution and linear layer (torchinfo ignores a linear layer's tokens: we don't)
    info = torchinfo.summary(m, shape, verbose=0, col_names=('output_size', 'mult_adds'))
    theirs = [l for l in info.summary_list if l.is_leaf_layer and type(l.module) in (nn.Conv2d, nn.Linear, nn.modules.linear.NonDynamicallyQuantizableLinear)]
    ours = s[s.type.isin(['Conv2d', 'Linear']) & (s.call > 0)]
    assert len(theirs) == len(ours) > 0
    for l, r in zip(theirs, ours.itertuples()):
        tokens = math.prod(l.output_size[1:-1]) if type(l.module) is nn.Linear and len(l.output_size) > 2 else 1
        assert r.macs == l.macs * tokens, (name, r.layer, r.macs, l.macs)
    # every row's receptive field is known, or honestly unknown only where PyTorch gives no single field
    assert set(s.field.map(str)) <= {'grid', 'same', 'flat', 'not run'}, set(s.field.map(str))

@pytest.mark.parametrize('name', list(ZOO))
def test_zoo_receptive_fields_brute_force(name):
    "rf, jump and start of a spread of rows (residual sums, concatenations, squeeze-excitation, attention) against gradients"
    _, _, shape, rows = ZOO[name]
    res = check_rf(model(name), shape, **(dict(layers=rows) if isinstance(rows, list) else dict(rows=rows)))
    assert sum(res.values()) > 0
    if name not in ('densenet121', 'googlenet', 'mobilenet_v3'): assert res['inside'] > 0, res   # (their fields outgrow these small inputs)

def test_distill_table():
    "Araujo, Norris and Sim (Distill 2019): VGG-16 pool5 is 212 px, stride 32, effective padding 90; ResNet-50 differs"
    def eff(fn, layer, call=1):
        with torch.device('meta'): m = fn()
        s = layer_summary(m, (1,3,224,224))
        r = s[(s.layer == layer) & (s.call == call)].iloc[0]
        return int(r.rf), int(r.jump), (r.rf - 1)/2 - r.start
    assert eff(tv.vgg16, 'features.30') == (212, 32, 90)
    assert eff(tv.alexnet, 'features.12') == (195, 32, 66)                  # published 64: torchvision pads conv1 by 2
    assert eff(tv.resnet50, 'layer4.2.relu', 3) == (427, 32, 213)           # published 483 / 32 / 239 (TF-Slim's v1)
    assert 11 + 2*(3*4 + 4*8 + 6*16 + 3*32) == 483 and 11 + 2*(4*4 + 4*8 + 6*16 + 2*32) == 427

# ---------------------------------------------------------------- the defects of issue 11, one by one
def test_macs_do_not_shrink_with_the_batch():
    one, two = (layer_summary(simple_cnn(), (n,1,28,28)).attrs['total_macs'] for n in (1, 2))
    assert two == 2*one and one == 60_170

def test_conv_transpose_3d():
    m = nn.Sequential(nn.ConvTranspose3d(2, 4, 3), nn.ConvTranspose3d(4, 1, 3, stride=2))
    s = layer_summary(m, (1,2,4,4,4))
    assert s.macs.tolist() == [2*4**3 * 4*27 + 4*6**3, 4*6**3 * 1*27 + 13**3]
    assert s.field.tolist() == ['grid', 'unknown'] and s.rf[0] == 3 and s.start[0] == -1      # stride 1: a padded conv; stride 2: no single field
    assert check_rf(m, (1,2,5,5,5))['inside'] > 0

class Pools(nn.Module):
    def __init__(self):
        super().__init__()
        self.lp, self.mp, self.frac = nn.LPPool2d(2, 2), nn.MaxPool2d(2, return_indices=True), nn.FractionalMaxPool2d(2, output_size=3)
        self.unpool = nn.MaxUnpool2d(2)
    def forward(self, x):
        y, i = self.mp(self.lp(x))
        return self.frac(self.unpool(y, i))

def test_pools_that_crashed():
    s = layer_summary(Pools(), (1,1,16,16))
    assert s.layer.tolist() == ['lp', 'mp', 'unpool', 'frac']
    assert s.field.tolist() == ['grid', 'grid', 'unknown', 'unknown'] and s.rf.tolist()[:2] == [2, 4]
    assert check_rf(Pools(), (1,1,16,16))['inside'] > 0

def test_params_of_modules_with_children():
    "A ViT's class token and position embedding, MultiheadAttention's in-projection: all counted, where they are used"
    m = model('vit')
    s = layer_summary(m, (1,3,32,32))
    rows = s.set_index('layer')
    assert rows.loc['(model)', 'params'] == m.class_token.numel()
    assert rows.loc['encoder', 'params'] == m.encoder.pos_embedding.numel()
    mha = m.encoder.layers[0].self_attention
    assert rows.loc['encoder.layers.encoder_layer_0.self_attention', 'params'] == sum(p.numel() for p in mha.parameters())
    assert s.params.sum() == sum(p.numel() for p in m.parameters())

def test_shared_module_and_tied_parameters():
    class Twice(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv, self.other = nn.Conv2d(2, 2, 3, padding=1), nn.Conv2d(2, 2, 1)
            self.other.weight = nn.Parameter(self.conv.weight[:, :, :1, :1].detach().clone())
            self.tied = nn.Linear(2, 2); self.tied2 = nn.Linear(2, 2); self.tied2.weight = self.tied.weight
        def forward(self, x):
            x = self.conv(self.conv(x)) + self.other(x)
            return self.tied2(self.tied(x.mean((2, 3))))
    m = Twice()
    s = layer_summary(m, (1,2,8,8))
    assert s.params.sum() == sum(p.numel() for p in m.parameters())       # model.parameters() counts the tied weight once
    assert s[(s.layer == 'conv')].params.tolist() == [38, 0] and 'conv #2' in repr(s) and 'shared' in repr(s)
    assert s[s.layer == 'conv'].rf.tolist() == [3, 5]
    assert check_rf(m, (1,2,12,12))['inside'] > 0

def test_modes_are_restored():
    m = simple_cnn().train()
    m[1].eval(); m[3][1].eval()
    before = [x.training for x in m.modules()]
    layer_summary(m, (1,1,28,28)); check_rf(m, (1,1,28,28), rows=2)
    assert [x.training for x in m.modules()] == before

def test_dtypes_devices_and_empty_batches():
    assert layer_summary(simple_cnn().double(), (1,1,28,28)).attrs['total_macs'] == 60_170
    assert layer_summary(simple_cnn().half(), (1,1,28,28)).output.iloc[-1] == (1, 2)
    s = layer_summary(nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2)), (0,1,8,8))
    assert s.output.tolist() == [(0,2,6,6)]*2 and s.attrs['total_macs'] == 0 and s.rf.tolist() == [3, 3]
    emb = nn.Sequential(nn.Embedding(10, 4))
    assert layer_summary(emb, (1,1,5), dtype=torch.long).output.iloc[0] == (1,1,5,4)

def test_bad_inputs():
    for shape in [(28, 28), 5, None, (1, 1, 28, -1), (1, 1, 28.0, 28), 'abc']:
        with pytest.raises(ValueError, match='input_shape'): layer_summary(simple_cnn(), shape)
    with pytest.raises(RuntimeError): layer_summary(simple_cnn(), (1, 3, 28, 28))        # PyTorch refuses 3 channels: so do we

def test_readable_table():
    s = layer_summary(model('resnet18'), (1,3,224,224))
    text, html = repr(s), s._repr_html_()
    for bad in ('inf', 'nan', 'NaN', 'None', '(1, 64'):
        assert bad not in text and bad not in html
    assert '1×64×112×112' in text and '1,814,074,344' in text and '11,689,512' in text and 'whole input' in text
    last = text.splitlines()[-1].split()
    assert last[0] == 'total' and last[-2:] == ['11,689,512', '1,814,074,344'] and last[-3] == 'MB'
    assert html.count('<tr>') == len(s) + 2 and '<tfoot>' in html and 'overflow-x:auto' in html

# ---------------------------------------------------------------- random networks against the brute force
@st.composite
def random_net(draw):
    nd = draw(st.sampled_from([1, 2, 2, 3]))
    C = {1: (nn.Conv1d, nn.MaxPool1d, nn.AvgPool1d), 2: (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d), 3: (nn.Conv3d, nn.MaxPool3d, nn.AvgPool3d)}[nd]
    layers, ch = [], 1
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(['conv', 'conv', 'max', 'avg', 'relu', 'norm']))
        k, s, d = draw(st.integers(1, 3)), draw(st.integers(1, 2)), draw(st.integers(1, 2))
        p = draw(st.integers(0, k//2))
        if kind == 'conv': layers.append(C[0](ch, 2, k, stride=s, padding=p, dilation=d)); ch = 2
        elif kind == 'max': layers.append(C[1](k, s, p, dilation=d, ceil_mode=draw(st.booleans())))
        elif kind == 'avg': layers.append(C[2](k, s, p))
        elif kind == 'relu': layers.append(nn.ReLU())
        else: layers.append(nn.GroupNorm(1, ch) if draw(st.booleans()) else nn.BatchNorm1d(ch) if nd == 1 else nn.InstanceNorm2d(ch) if nd == 2 else nn.BatchNorm3d(ch))
    n = tuple(draw(st.integers(6, {1: 24, 2: 12, 3: 7}[nd])) for _ in range(nd))
    return nn.Sequential(*layers), (1, 1) + n

@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(random_net())
def test_random_networks(net_shape):
    net, shape = net_shape
    try:
        with torch.no_grad(): net.eval()(torch.zeros(shape))
    except RuntimeError:                                    # PyTorch refuses the sizes: so must the summary
        with pytest.raises(RuntimeError): layer_summary(net, shape)
        return
    check_rf(net, shape)
