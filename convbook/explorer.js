// The convolution explorer of convbook (04_viz): an anywidget front end, plain JavaScript, no imports.
// It runs in Jupyter (the model is the `Explorer` widget's, synced with Python) and on the docs site (the model
// is a small local stand-in with the same get/set/on/save_changes).  Everything is computed and drawn here: the
// arithmetic is a port of convbook.arith and convbook.viz.grid_axis, and every refusal is the Python message.

const PAD = -1, ZERO = -2, OUT = -3;   // grid cells: padding, a zero a transposed convolution inserts, past the padded input (ceil_mode)
const INTS = ['h', 'w', 'kh', 'kw', 'stride', 'padding', 'dilation', 'output_padding', 'in_channels', 'out_channels', 'groups', 'seed'];
const KEYS = ['mode', 'transposed', 'ceil_mode', 'numbers', 'step', 'out_channel', 'in_channel', ...INTS];
const GROUP_COLORS = ['#1f77b4', '#e6550d', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';   // as in explorer.css
const DENSE = 2500;   // more cells than this (input grid and output together): no numbers in the cells, grid lines only
const MAX_CELL = 36, MAX_CELL_STACKED = 28, MIN_CELL = 5, MIN_CELL_SIDE = 14, MIN_CELL_NUMBERS = 22, GAP = 1.6, TICK_MS = 400;

// ---------------------------------------------------------------------------------------------------------
// Values: small integers from a hash of (seed, tensor, index), the same as convbook.viz.explorer_ints in Python.
// A value depends only on its own index, so growing the input or the kernel keeps the numbers already shown.
function mix(a) {
  a = Math.imul(a ^ (a >>> 16), 0x45d9f3b);
  a = Math.imul(a ^ (a >>> 16), 0x45d9f3b);
  return (a ^ (a >>> 16)) >>> 0;
}
export function hashInt(seed, tag, idx, hi) {
  let h = mix(mix(seed >>> 0) ^ tag);
  for (const i of idx) h = mix(h ^ (i + 1));
  return h % hi;
}
function tensor(seed, tag, shape, hi) {
  // nested arrays of ints in [0, hi)
  const build = (prefix, dims) => dims.length === 0 ? hashInt(seed, tag, prefix, hi)
    : Array.from({length: dims[0]}, (_, i) => build([...prefix, i], dims.slice(1)));
  return build([], shape);
}

// ---------------------------------------------------------------------------------------------------------
// Arithmetic: convbook.arith, one spatial dimension at a time, with the same messages.
class SettingError extends Error {}
const fail = msg => { throw new SettingError(msg); };
const fdiv = (a, b) => Math.floor(a / b);   // Python's //
export const kernelSpan = (ks, d) => d * (ks - 1) + 1;

export function convOutSize(n, ks, s, p, d) {
  const span = kernelSpan(ks, d);
  if (span > n + 2*p)
    fail(`The kernel (size ${ks}, dilation ${d}: spans ${span}) is larger than the padded input (${n} + 2*${p} = ${n + 2*p}): ` +
         `use a kernel spanning at most ${n + 2*p}, or more padding`);
  return fdiv(n + 2*p - span, s) + 1;
}
export function poolOutSize(n, ks, s, p, d, ceil) {
  if (p > fdiv(ks, 2)) fail(`padding=${p} is more than half the pooling window ks=${ks}: it must be at most ${fdiv(ks, 2)}`);
  const span = kernelSpan(ks, d);
  let o = fdiv(n + 2*p - span + (ceil ? s - 1 : 0), s) + 1;
  if (ceil && (o - 1)*s >= n + p) o -= 1;
  if (o < 1) fail(`The pooling window (spans ${span}) is larger than the padded input (${n} + 2*${p} = ${n + 2*p}): ` +
                  `use a window spanning at most ${n + 2*p}, more padding, or ceil_mode=True`);
  return o;
}
export function convTransposeOutSize(n, ks, s, p, op, d) {
  if (op >= Math.max(s, d)) fail(`output_padding=${op} must be smaller than the stride (${s}) or the dilation (${d})`);
  const o = (n - 1)*s - 2*p + kernelSpan(ks, d) + op;
  if (o < 1) fail(`padding=${p} cuts off more than the transposed convolution makes (${o + 2*p} cells): ` +
                  `padding must be at most ${fdiv(o + 2*p - 1, 2)}`);
  return o;
}
export function convWeightShape(cin, cout, kh, kw, g, transposed) {
  for (const [name, c, other] of [['in_channels', cin, cout], ['out_channels', cout, cin]]) {
    if (c % g) {
      const ok = [];
      for (let k = 1; k <= c; k++) if (c % k === 0 && other % k === 0) ok.push(k);
      fail(`${name}=${c} is not divisible by groups=${g}: every group must get the same number of channels, ` +
           `so groups must divide both in_channels and out_channels (${ok.join(', ')} do)`);
    }
  }
  return transposed ? [cin, cout / g, kh, kw] : [cout, cin / g, kh, kw];
}
// convbook.viz.grid_axis: the cells the window slides over along one axis (input index, PAD or ZERO), and its step
export function gridAxis(n, ks, s, p, d, transposed, op) {
  if (!transposed) return [[...Array(p).fill(PAD), ...Array.from({length: n}, (_, i) => i), ...Array(p).fill(PAD)], s];
  let cells = Array.from({length: (n - 1)*s + 1}, (_, r) => r % s === 0 ? r / s : ZERO);
  const left = d*(ks - 1) - p, right = left + op;
  cells = [...Array(Math.max(left, 0)).fill(PAD), ...cells, ...Array(Math.max(right, 0)).fill(PAD)];
  return [cells.slice(Math.max(-left, 0), cells.length - Math.max(-right, 0)), 1];
}
// convbook.arith.conv_formula, for a conv, a transposed conv, or (with ceil) a pooling layer
export function formula(n, ks, s, p, d, transposed, op, ceil, o) {
  if (transposed) return `(${n} - 1)*${s} - 2*${p} + ${d}*(${ks} - 1) + ${op} + 1 = ${o}`;
  if (!ceil) return `(${n} + 2*${p} - ${d}*(${ks} - 1) - 1)//${s} + 1 = ${o}`;
  const up = fdiv(n + 2*p - kernelSpan(ks, d) + s - 1, s) + 1;
  const f = `(${n} + 2*${p} - ${d}*(${ks} - 1) - 1 + (${s} - 1))//${s} + 1 = ${up}`;
  return up === o ? f : `${f}, less the window that would start in the right padding: ${o}`;
}
const tup = (a, b) => a === b ? `${a}` : `(${a}, ${b})`;
// The PyTorch layer that computes the same thing (Explorer.torch_call in Python)
export function torchCall(s) {
  const ks = tup(s.kh, s.kw), kw = [];
  const opt = (name, v, dflt) => { if (v !== dflt) kw.push(`${name}=${v}`); };
  if (s.mode === 'conv') {
    opt('stride', s.stride, 1); opt('padding', s.padding, 0);
    if (s.transposed) { opt('output_padding', s.output_padding, 0); opt('groups', s.groups, 1); kw.push('bias=False'); opt('dilation', s.dilation, 1); }
    else { opt('dilation', s.dilation, 1); opt('groups', s.groups, 1); kw.push('bias=False'); }
    return `nn.${s.transposed ? 'ConvTranspose2d' : 'Conv2d'}(${s.in_channels}, ${s.out_channels}, ${ks}, ${kw.join(', ')})`;
  }
  if (!(s.kh === s.stride && s.kw === s.stride)) kw.push(`stride=${s.stride}`);
  opt('padding', s.padding, 0);
  if (s.mode === 'max') opt('dilation', s.dilation, 1);
  opt('ceil_mode', s.ceil_mode ? 'True' : 'False', 'False');
  return `nn.${s.mode === 'max' ? 'MaxPool2d' : 'AvgPool2d'}(${[ks, ...kw].join(', ')})`;
}

// ---------------------------------------------------------------------------------------------------------
// The whole case: checks in the order of Explorer.check (Python), then the geometry to draw.
export function analyse(s, limits) {
  for (const k of INTS) {
    const [lo, hi] = limits[k] || [0, Infinity];
    if (!Number.isInteger(s[k]) || s[k] < lo || s[k] > hi) fail(`${k}=${s[k]} is outside the explorer's range: ${lo} to ${hi}`);
  }
  if (!['conv', 'max', 'avg'].includes(s.mode)) fail(`mode='${s.mode}': use 'conv', 'max' or 'avg'`);
  const pool = s.mode !== 'conv', t = !!s.transposed, op = t ? s.output_padding : 0, ceil = pool && !!s.ceil_mode;
  // the refusals of ConvDiagram, before any size
  if (t && pool) fail("transposed=True goes with mode='conv' only: there is no transposed pooling");
  if (s.mode === 'avg' && s.dilation !== 1)
    fail(`dilation=${s.dilation} is not allowed with mode='avg': average pooling (nn.AvgPool2d) has no dilation; use dilation=1`);
  const dims = [[s.h, s.kh], [s.w, s.kw]];
  const out = dims.map(([n, k]) => pool ? poolOutSize(n, k, s.stride, s.padding, s.dilation, ceil)
                                   : t ? convTransposeOutSize(n, k, s.stride, s.padding, op, s.dilation)
                                       : convOutSize(n, k, s.stride, s.padding, s.dilation));
  const wshape = pool ? null : convWeightShape(s.in_channels, s.out_channels, s.kh, s.kw, s.groups, t);
  const C = pool ? s.in_channels : s.out_channels;
  const axes = dims.map(([n, k]) => gridAxis(n, k, s.stride, s.padding, s.dilation, t, op));
  const span = [kernelSpan(s.kh, s.dilation), kernelSpan(s.kw, s.dilation)];
  const pos = out.map((o, i) => Array.from({length: o}, (_, r) => r * axes[i][1]));
  const f = dims.map(([n, k], i) => formula(n, k, s.stride, s.padding, s.dilation, t, op, ceil, out[i]));
  return {
    pool, transposed: t, ceil, out, C, wshape, span, pos,
    rows: axes[0][0], cols: axes[1][0],
    // grid extent, including windows that run past the padded input (ceil_mode)
    ext: [0, 1].map(i => Math.max(axes[i][0].length, pos[i][pos[i].length - 1] + span[i])),
    formula: f, call: torchCall(s), shape: [1, C, ...out],
  };
}

// The numbers of a valid case: input, weight, and any output channel on demand
function numbers(s, a) {
  const x = tensor(s.seed, 1, [s.in_channels, s.h, s.w], a.pool ? 10 : 4);
  const weight = a.pool ? null : tensor(s.seed, 2, a.wshape, 3);
  const groupOf = o => a.pool ? o : fdiv(o, s.out_channels / s.groups);
  // input channels read by output channel o, each with the kernel it meets at window cell (i, j)
  const reads = o => {
    if (a.pool) return [{c: o, k: null}];
    const g = groupOf(o), ing = s.in_channels / s.groups, outg = s.out_channels / s.groups;
    return Array.from({length: ing}, (_, l) => {
      const c = g*ing + l;
      const k = a.transposed ? weight[c][o - g*outg] : weight[o][l];
      return {c, l, k, w: a.transposed ? (i, j) => k[s.kh - 1 - i][s.kw - 1 - j] : (i, j) => k[i][j]};
    });
  };
  // grid cell (gi, gj) of input channel c: its value, or what it is
  const kind = (gi, gj) => {
    const r = gi < a.rows.length ? a.rows[gi] : OUT, q = gj < a.cols.length ? a.cols[gj] : OUT;
    if (r >= 0 && q >= 0) return 0;
    return (r === OUT || q === OUT) ? OUT : (r === ZERO || q === ZERO) ? ZERO : PAD;
  };
  const value = (c, gi, gj) => { const r = a.rows[gi], q = a.cols[gj]; return x[c][r][q]; };
  // the window of output cell (r, q): grid cells (gi, gj, i, j), kernel cell (i, j)
  const windowOf = (r, q) => {
    const cells = [], R = a.pos[0][r], Q = a.pos[1][q];
    for (let i = 0; i < s.kh; i++) for (let j = 0; j < s.kw; j++) cells.push([R + i*s.dilation, Q + j*s.dilation, i, j]);
    return cells;
  };
  // every output cell at once, on flat arrays of the (extended) grid: one input channel's values, where the input is,
  // and where the padded grid is (for the count of an average with ceil_mode)
  const [EH, EW] = a.ext, planes = new Map();
  const isInput = new Uint8Array(EH*EW), inGrid = new Uint8Array(EH*EW);
  for (let i = 0; i < EH; i++) for (let j = 0; j < EW; j++) {
    const k = kind(i, j);
    isInput[i*EW + j] = k === 0; inGrid[i*EW + j] = k !== OUT;
  }
  const plane = c => {
    if (!planes.has(c)) {
      const g = new Float64Array(EH*EW);
      for (let i = 0; i < EH; i++) for (let j = 0; j < EW; j++) if (isInput[i*EW + j]) g[i*EW + j] = x[c][a.rows[i]][a.cols[j]];
      planes.set(c, g);
    }
    return planes.get(c);
  };
  const outCache = new Map();
  function compute(o) {
    const [oh, ow] = a.out, res = new Float64Array(oh*ow), d = s.dilation, kh = s.kh, kw = s.kw;
    const R = a.pos[0], Q = a.pos[1];
    if (s.mode === 'conv') {
      for (const rd of reads(o)) {
        const g = plane(rd.c), K = new Float64Array(kh*kw);
        for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) K[i*kw + j] = rd.w(i, j);
        for (let r = 0; r < oh; r++) for (let q = 0; q < ow; q++) {
          let acc = 0;
          for (let i = 0; i < kh; i++) { const base = (R[r] + i*d)*EW + Q[q]; for (let j = 0; j < kw; j++) acc += g[base + j*d] * K[i*kw + j]; }
          res[r*ow + q] += acc;
        }
      }
      return res;
    }
    const g = plane(o), max = s.mode === 'max';
    for (let r = 0; r < oh; r++) for (let q = 0; q < ow; q++) {
      let m = -Infinity, sum = 0, count = 0;
      for (let i = 0; i < kh; i++) {
        const base = (R[r] + i*d)*EW + Q[q];
        for (let j = 0; j < kw; j++) {
          const k = base + j*d;
          if (isInput[k]) { if (g[k] > m) m = g[k]; sum += g[k]; }
          count += inGrid[k];
        }
      }
      res[r*ow + q] = max ? m : sum / count;
    }
    return res;
  }
  function output(o) {
    if (!outCache.has(o)) outCache.set(o, compute(o));
    return outCache.get(o);
  }
  return {x, weight, groupOf, reads, kind, value, windowOf, output};
}

// an output value as ConvDrawing writes it (Python's format: one decimal, ties to even)
function fmt(v) {
  if (v === -Infinity) return '-inf';
  if (Number.isInteger(v)) return `${v}`;
  const t = v * 20;
  if (Number.isInteger(t) && t % 2 !== 0) { const lo = Math.floor(v * 10); return ((lo % 2 === 0 ? lo : lo + 1) / 10).toFixed(1); }
  return v.toFixed(1);
}
const fmtExact = v => v === -Infinity ? '-inf' : Number.isInteger(v) ? `${v}` : `${+v.toFixed(4)}`;
const esc = t => String(t).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const sq = (x, y, w = 1, h = 1) => `M${x} ${y}h${w}v${h}h${-w}z`;

// ---------------------------------------------------------------------------------------------------------
// The view
const CONTROLS = [
  // key, label, group
  ['h', 'input height', 'input'], ['w', 'input width', 'input'],
  ['kh', 'kernel height', 'kernel'], ['kw', 'kernel width', 'kernel'], ['dilation', 'dilation', 'kernel'],
  ['padding', 'padding', 'slide'], ['stride', 'stride', 'slide'], ['output_padding', 'output padding', 'slide'],
  ['in_channels', 'in channels', 'channels'], ['out_channels', 'out channels', 'channels'], ['groups', 'groups', 'channels'],
];
const FIELDSETS = {input: 'input', kernel: 'kernel', slide: 'padding and stride', channels: 'channels'};

// set a property or the text of an element only if it changes (a write, even of the same value, can cost a style pass)
function put(e, prop, v) { if (e[prop] !== v) e[prop] = v; }
function putHTML(e, html) { if (e._html !== html) { e._html = html; e.innerHTML = html; return true; } return false; }

let idCount = 0;   // ids of the explanations that disabled controls point to (aria-describedby), unique on a page with many explorers
const newId = () => `cbx-${++idCount}`;

function el_(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k);
  return e;
}


// Besides its own setting, what a click on a mode button or on `transposed` changes: the settings that no longer apply
// go back to their neutral value (no disabled control keeps a stale number), and when the new case would be refused
// only because of the switch, the sizes that cause it come back within reach, the smallest change first. So the
// interface never leads into an error of its own making; a slider still can, and then the message says why.
export function switchChanges(s, change, limits) {
  const next = {...s, ...change}, pool = next.mode !== 'conv';
  const fixes = {...change};
  if (pool) Object.assign(fixes, {transposed: false, out_channels: next.in_channels, groups: 1});
  if (next.mode === 'avg') fixes.dilation = 1;
  if (!pool) fixes.ceil_mode = false;
  if (pool || !next.transposed) fixes.output_padding = 0;
  const ok = f => {
    try { analyse({...s, ...f}, limits); return true; }
    catch (e) { if (e instanceof SettingError) return false; throw e; }
  };
  const poolPadding = f => pool ? {padding: Math.min(f.padding ?? s.padding, fdiv(Math.min(f.kh ?? s.kh, f.kw ?? s.kw), 2))} : {};
  const tries = [
    () => pool ? {} : {groups: 1},                              // groups=1 divides any number of channels
    poolPadding,                                                // pooling pads at most half its window
    () => ({dilation: 1, output_padding: 0}),
    () => pool || !next.transposed ? {} : {padding: 0},        // a transposed convolution's padding cuts its output
    f => { const k = {kh: Math.min(s.kh, s.h), kw: Math.min(s.kw, s.w)}; return {...k, ...poolPadding({...f, ...k})}; },
  ];
  if (ok(fixes)) return fixes;
  let f = fixes;
  for (const t of tries) { f = {...f, ...t(f)}; if (ok(f)) return f; }
  return fixes;
}

// Which controls apply to a setting: the others are disabled and say why, in a line under a slider (and its title),
// which the control's aria-describedby points to
const NOT_APPLYING = {
  output_padding: [s => s.mode !== 'conv' || !s.transposed, 'transposed convolution only'],
  out_channels: [s => s.mode !== 'conv', 'pooling keeps the channels: out = in'],
  groups: [s => s.mode !== 'conv', 'pooling keeps the channels: no groups'],
  dilation: [s => s.mode === 'avg', 'average pooling has no dilation'],
  transposed: [s => s.mode !== 'conv', 'convolution only: there is no transposed pooling'],
  ceil_mode: [s => s.mode === 'conv', 'pooling only'],
};
const notApplying = (k, s) => !!NOT_APPLYING[k] && NOT_APPLYING[k][0](s);

// --- the controls: mode buttons, check boxes, sliders in fieldsets
function buildControls(v) {
  const {model} = v;
  const modes = el_('div', {class: 'cbx-modes', role: 'group', 'aria-label': 'layer'});
  v.modeButtons = {};
  for (const [m, label] of [['conv', 'convolution'], ['max', 'max pooling'], ['avg', 'average pooling']]) {
    const b = el_('button', {type: 'button', class: 'cbx-mode', 'data-mode': m, text: label});
    b.addEventListener('click', () => v.set(switchChanges(v.state(), {mode: m}, v.limits())));
    modes.append(b); v.modeButtons[m] = b;
  }
  v.checks = {};
  for (const [k, label] of [['transposed', 'transposed'], ['ceil_mode', 'ceil_mode'], ['numbers', 'numbers']]) {
    const box = el_('input', {type: 'checkbox', 'data-key': k});
    box.addEventListener('change', () => v.set(k === 'transposed' ? switchChanges(v.state(), {transposed: box.checked}, v.limits()) : {[k]: box.checked}));
    const lab = el_('label', {class: 'cbx-check'}, box, ' ' + label);
    const why = el_('span', {class: 'cbx-why cbx-sr', id: newId(), hidden: ''});
    box.setAttribute('aria-describedby', why.id);
    modes.append(lab, why); v.checks[k] = {box, lab, why};
  }
  const newNumbers = el_('button', {type: 'button', class: 'cbx-reseed', title: 'other numbers: the next seed', text: 'new numbers'});
  newNumbers.addEventListener('click', () => v.set({seed: (model.get('seed') + 1) % ((v.limits().seed || [0, 1e9])[1] + 1)}));
  modes.append(newNumbers);

  v.sliders = {};
  const fields = {};
  for (const [g, legend] of Object.entries(FIELDSETS)) fields[g] = el_('fieldset', {class: `cbx-fs cbx-fs-${g}`}, el_('legend', {text: legend}));
  for (const [k, label, g] of CONTROLS) {
    const input = el_('input', {type: 'range', step: '1', 'data-key': k, 'aria-label': label});
    // the value shown beside the slider: the slider itself tells a screen reader its value, so this stays silent
    const value = el_('output', {class: 'cbx-val', 'aria-hidden': 'true'});
    input.addEventListener('input', () => {
      value.textContent = input.value;
      // pooling keeps the channels: its (disabled) out channels follow the input's
      v.set(k === 'in_channels' && model.get('mode') !== 'conv' ? {in_channels: +input.value, out_channels: +input.value} : {[k]: +input.value});
    });
    const lab = el_('label', {class: 'cbx-slider'}, el_('span', {class: 'cbx-name', text: label}), value, input);
    const why = el_('span', {class: 'cbx-why', id: newId(), hidden: ''});
    input.setAttribute('aria-describedby', why.id);
    fields[g].append(lab, why); v.sliders[k] = {input, value, lab, why};
  }
  return el_('div', {class: 'cbx-controls'}, modes, el_('div', {class: 'cbx-fields'}, ...Object.values(fields)));
}

function syncControls(v, s) {
  const L = v.limits();
  const off = (k, lab, input, why) => {
    const no = notApplying(k, s);
    put(input, 'disabled', no); if (lab.classList.contains('cbx-off') !== no) lab.classList.toggle('cbx-off', no);
    put(lab, 'title', no ? NOT_APPLYING[k][1] : '');
    put(why, 'textContent', no ? NOT_APPLYING[k][1] : ''); put(why, 'hidden', !no);
  };
  for (const [k, {input, value, lab, why}] of Object.entries(v.sliders)) {
    const [lo, hi] = L[k] || [0, 10];
    put(input, 'min', `${lo}`); put(input, 'max', `${hi}`); put(input, 'value', `${s[k]}`); put(value, 'textContent', `${s[k]}`);
    off(k, lab, input, why);
  }
  for (const [m, b] of Object.entries(v.modeButtons)) if (b.getAttribute('aria-pressed') !== String(s.mode === m)) b.setAttribute('aria-pressed', String(s.mode === m));
  for (const [k, {box, lab, why}] of Object.entries(v.checks)) { put(box, 'checked', !!s[k]); off(k, lab, box, why); }
}

// --- the view under the controls: the error, the drawing, its legend, the steps, and what it means
function buildView(v) {
  v.message = el_('div', {class: 'cbx-error', role: 'alert', hidden: ''});
  v.stage = el_('div', {class: 'cbx-stage'});
  v.legend = el_('div', {class: 'cbx-legend'});
  v.play = el_('button', {type: 'button', class: 'cbx-play', 'aria-label': 'play', text: '▶'});
  v.scrub = el_('input', {type: 'range', class: 'cbx-step', min: '0', step: '1', 'data-key': 'step', 'aria-label': 'step'});
  v.stepLabel = el_('span', {class: 'cbx-steplabel', 'aria-live': 'polite'});
  v.sum = el_('div', {class: 'cbx-sum'});
  v.formulaBox = el_('div', {class: 'cbx-formula'});
  v.chanBox = el_('div', {class: 'cbx-channels'});
  // the PyTorch call: a box that may scroll sideways, so it takes the keyboard's focus (arrow keys scroll it)
  v.code = el_('pre', {class: 'cbx-code', tabindex: '0', role: 'region', 'aria-label': 'the PyTorch code of this setting'});
  // the drawing: an SVG of the grids, a canvas with the numbers over it, and over the output grid an area for the pointer
  v.svgHost = el_('div'); v.canvas = el_('canvas', {class: 'cbx-numbers', 'aria-hidden': 'true'}); v.hit = el_('div', {class: 'cbx-o-hit'});
  v.pic = el_('div', {class: 'cbx-pic'}, v.svgHost, v.canvas, v.hit); v.ctx = v.canvas.getContext('2d');
  v.hit.addEventListener('pointermove', e => onPointer(v, e));
  v.hit.addEventListener('pointerleave', () => { if (v.focus) { v.focus = null; drawStep(v, v.state()); } });
  v.hit.addEventListener('click', e => onPointer(v, e));
  v.play.addEventListener('click', () => v.timer ? stopPlay(v) : startPlay(v));
  v.scrub.addEventListener('input', () => { stopPlay(v); v.set({step: +v.scrub.value}); });
  const steps = el_('div', {class: 'cbx-steps'}, v.play, v.scrub, v.stepLabel);
  const info = el_('div', {class: 'cbx-info'}, v.sum, v.formulaBox, v.chanBox, v.code);
  return el_('div', {class: 'cbx-view'}, v.message, v.stage, v.legend, steps, info);
}
const sizeOf = v => v.stage.clientWidth || v.el.clientWidth || 640;

// clamp the selections to the case, writing back what changed
function fixSelection(v, s) {
  const {cur, num} = v;
  if (!cur) return s;
  const fixes = {}, nsteps = cur.out[0]*cur.out[1];
  if (s.step > nsteps) fixes.step = nsteps;
  if (s.out_channel >= cur.C) fixes.out_channel = cur.C - 1;
  const o = fixes.out_channel ?? s.out_channel;
  const ins = num.reads(o).map(r => r.c);
  if (!ins.includes(s.in_channel)) fixes.in_channel = ins[0];
  if (Object.keys(fixes).length) { v.set(fixes); return {...s, ...fixes}; }
  return s;
}

function redraw(v) {
  let s = v.state();
  try { v.cur = analyse(s, v.limits()); v.num = numbers(s, v.cur); v.error = null; }
  catch (e) {
    if (!(e instanceof SettingError)) throw e;
    v.cur = null; v.num = null; v.error = e.message;
  }
  syncControls(v, s);
  s = fixSelection(v, s);
  v.focus = null;
  if (v.error) {
    // the message, over what the last valid setting drew (dimmed), so the page does not jump
    stopPlay(v);
    v.message.hidden = false; v.message.textContent = v.error;
    v.root.classList.add('cbx-invalid');
    v.refs = null;
    v.scrub.disabled = v.play.disabled = true; v.stepLabel.textContent = 'no output';
  } else {
    v.message.hidden = true; v.message.textContent = '';
    v.root.classList.remove('cbx-invalid');
    v.scrub.disabled = v.play.disabled = false;
    drawStage(v, s); drawInfo(v, s); drawStep(v, s);
  }
}

// --- the diagram: where the input grid (one input channel, padded) and the output grid (one output channel) go
function stageLayout(v, s) {
  const a = v.cur, [GH, GW] = a.ext, [oh, ow] = a.out;
  const avail = Math.max(sizeOf(v) - 4, 200);
  const mg = 0.15;
  const side = {w: GW + GAP + ow + 2*mg, h: Math.max(GH, oh) + 2*mg};
  const vert = {w: Math.max(GW, ow) + 2*mg, h: GH + GAP + oh + 2*mg};
  // side by side, as ConvDiagram draws it, unless the cells get too small; then the output goes under the input
  const dense = a.rows.length*a.cols.length + oh*ow > DENSE, shown = s.numbers && !dense;
  const least = shown ? MIN_CELL_NUMBERS : MIN_CELL;
  const pxSide = Math.min(MAX_CELL, avail / side.w), pxVert = Math.min(MAX_CELL_STACKED, avail / vert.w);
  const horizontal = pxSide >= Math.max(least, MIN_CELL_SIDE) || pxSide >= pxVert;
  const box = horizontal ? side : vert;
  const fit = horizontal ? pxSide : pxVert, px = Math.max(fit, least);
  const inX = horizontal ? 0 : (box.w - 2*mg - GW) / 2, inY = horizontal ? (box.h - 2*mg - GH) / 2 : 0;
  const outX = horizontal ? GW + GAP : (box.w - 2*mg - ow) / 2, outY = horizontal ? (box.h - 2*mg - oh) / 2 : GH + GAP;
  return {px, fit, horizontal, inX, inY, outX, outY, mg, box, shown, dense};
}

// the grid's shapes as SVG paths: one square per cell (dashed for padding, dotted for inserted zeros), or for big
// grids runs of cells of one kind per row and the grid as lines
function gridPaths(v, dense) {
  const a = v.cur, num = v.num, R = a.rows, Q = a.cols, [oh, ow] = a.out;
  let fills = '', outCells = '', outLines = '';
  if (!dense) {
    let dIn = '', dPad = '', dZero = '';
    for (let i = 0; i < R.length; i++) for (let j = 0; j < Q.length; j++) {
      const k = num.kind(i, j), cell = sq(j, i);
      if (k === 0) dIn += cell; else if (k === ZERO) dZero += cell; else dPad += cell;
    }
    fills = `<path class="cbx-f-inp" d="${dIn}"/><path class="cbx-f-pad" d="${dPad}"/><path class="cbx-f-zero" d="${dZero}"/>`;
    for (let r = 0; r < oh; r++) for (let q = 0; q < ow; q++) outCells += sq(q, r);
    return {fills, outCells, outLines: outCells};
  }
  const d = {0: '', [PAD]: '', [ZERO]: ''};
  let lines = '';
  for (let i = 0; i < R.length; i++) {
    let j = 0;
    while (j < Q.length) {
      const k = num.kind(i, j);
      let e = j + 1;
      while (e < Q.length && num.kind(i, e) === k) e++;
      d[k] += sq(j, i, e - j, 1); j = e;
    }
  }
  fills = `<path class="cbx-f-inp cbx-dense" d="${d[0]}"/><path class="cbx-f-pad cbx-dense" d="${d[PAD]}"/><path class="cbx-f-zero cbx-dense" d="${d[ZERO]}"/>`;
  for (let i = 0; i <= R.length; i++) lines += `M0 ${i}H${Q.length}`;
  for (let j = 0; j <= Q.length; j++) lines += `M${j} 0V${R.length}`;
  fills += `<path class="cbx-gridlines" d="${lines}"/>`;
  outCells = sq(0, 0, ow, oh);
  for (let r = 0; r <= oh; r++) outLines += `M0 ${r}H${ow}`;
  for (let q = 0; q <= ow; q++) outLines += `M${q} 0V${oh}`;
  return {fills, outCells, outLines};
}

function drawStage(v, s) {
  const a = v.cur, [oh, ow] = a.out;
  const L = v.layout = stageLayout(v, s), {px, mg, box, inX, inY, outX, outY, shown} = L;
  const {fills, outCells, outLines} = gridPaths(v, L.dense);
  const W = box.w, H = box.h;
  // the shapes are SVG; the numbers go on a canvas over it (a few hundred SVG texts cost more than the rest of a redraw)
  const Wpx = Math.round(W*px), Hpx = Math.round(H*px);
  if (v.pic.parentNode !== v.stage) v.stage.replaceChildren(v.pic);
  v.pic.style.width = `${Wpx}px`; v.pic.style.height = `${Hpx}px`;
  v.svgHost.innerHTML =
    `<svg class="cbx-svg${px < 12 ? ' cbx-small' : ''}" width="${Wpx}" height="${Hpx}" ` +
    `viewBox="${-mg} ${-mg} ${W} ${H}" preserveAspectRatio="none" role="img" aria-label="${esc(describe(v, s))}">` +
    `<g class="cbx-in" transform="translate(${inX} ${inY})">${fills}<g class="cbx-win"></g></g>` +
    `<g class="cbx-out" transform="translate(${outX} ${outY})">` +
      `<path class="cbx-o-base" d="${outCells}"/><path class="cbx-o-done"/><path class="cbx-o-grid" d="${outLines}"/>` +
      `<rect class="cbx-o-cur" width="1" height="1"/>` +
    `</g>` +
    `<g class="cbx-links"><line/><line/></g>` +
    `</svg>`;
  const svg = v.svg = v.svgHost.firstChild;
  Object.assign(v.hit.style, {left: `${((outX + mg)*px).toFixed(1)}px`, top: `${((outY + mg)*px).toFixed(1)}px`,
                              width: `${(ow*px).toFixed(1)}px`, height: `${(oh*px).toFixed(1)}px`});
  v.refs = {win: svg.querySelector('.cbx-win'), done: svg.querySelector('.cbx-o-done'), cur: svg.querySelector('.cbx-o-cur'),
            links: svg.querySelectorAll('.cbx-links line'), hit: v.hit, ctx: null};
  v.canvas.hidden = !shown;
  if (shown) {
    // the canvas keeps its element and context from one redraw to the next; a new size clears it
    const dpr = window.devicePixelRatio || 1, cw = Math.round(Wpx*dpr), ch = Math.round(Hpx*dpr), canvas = v.canvas;
    if (canvas.width !== cw || canvas.height !== ch) {
      canvas.width = cw; canvas.height = ch; canvas.style.width = `${Wpx}px`; canvas.style.height = `${Hpx}px`;
    }
    v.ctx.setTransform(dpr*px, 0, 0, dpr*px, dpr*mg*px, dpr*mg*px);   // canvas units = cells, as in the SVG
    v.refs.ctx = v.ctx;
  }
  drawLegend(v, s);
}

// --- the legend under the drawing
function drawLegend(v, s) {
  const a = v.cur, [oh, ow] = a.out, {px, fit, shown, dense} = v.layout;
  const what = a.pool ? (s.mode === 'max' ? 'max pooling' : 'average pooling') : a.transposed ? 'transposed convolution' : 'convolution';
  putHTML(v.legend,
    `<span><i class="cbx-k cbx-k-inp"></i>input <code>x[0, ${s.in_channel}]</code>, ${s.h}×${s.w}</span>` +
    (s.padding || a.transposed ? `<span><i class="cbx-k cbx-k-pad"></i>padding</span>` : '') +
    (a.transposed && s.stride > 1 ? `<span><i class="cbx-k cbx-k-zero"></i>zeros inserted by the stride</span>` : '') +
    `<span><i class="cbx-k cbx-k-win"></i>window</span>` +
    `<span><i class="cbx-k cbx-k-out"></i>output <code>out[0, ${s.out_channel}]</code>, ${oh}×${ow}</span>` +
    `<span class="cbx-what">${what}: grid ${a.rows.length}×${a.cols.length}` + (a.transposed ? ' (stride 1 over the spread input, kernel flipped)' : '') + `</span>` +
    (px > fit + 0.5 ? `<span class="cbx-note">scroll sideways to see it all${shown ? ', or untick numbers' : ''}</span>` : '') +
    (s.numbers && dense ? `<span class="cbx-note">a grid this big shows no numbers: hover over (or tap) an output cell to read its sum</span>` : ''));
}

function describe(v, s) {
  const a = v.cur;
  return `${a.call} on a ${s.in_channels}×${s.h}×${s.w} input gives ${a.shape.join('×')}`;
}

function onPointer(v, e) {
  if (!v.cur || !v.layout || !v.refs) return;
  const rect = v.refs.hit.getBoundingClientRect(), [oh, ow] = v.cur.out;
  const q = Math.floor((e.clientX - rect.left) / rect.width * ow), r = Math.floor((e.clientY - rect.top) / rect.height * oh);
  if (r < 0 || q < 0 || r >= oh || q >= ow) return;
  if (e.type === 'click') { stopPlay(v); v.focus = null; v.set({step: r*ow + q}); return; }
  if (!v.focus || v.focus[0] !== r || v.focus[1] !== q) { v.focus = [r, q]; drawStep(v, v.state()); }
}

// --- one step: the window of the current output cell (the step's, or the hovered one), which the label names too
function drawStep(v, s) {
  if (!v.cur || !v.svg) return;
  const a = v.cur, num = v.num, refs = v.refs, [oh, ow] = a.out, n = oh*ow;
  const t = Math.min(s.step, n);
  v.scrub.max = n; v.scrub.value = t;
  const cell = v.focus || (t < n ? [Math.floor(t / ow), t % ow] : null);
  const name = ([r, q]) => `out[0, ${s.out_channel}, ${r}, ${q}]`;
  v.stepLabel.textContent = v.focus ? `under the pointer: output ${cell[0]*ow + cell[1] + 1} of ${n}: ${name(cell)}`
                          : t < n ? `output ${t + 1} of ${n}: ${name(cell)}` : `all ${n} outputs done`;
  // done cells: a path of at most two rectangles
  const region = k => { const q = Math.floor(k / ow), r = k % ow; return `M0 0H${ow}V${q}H${r}V${q + 1}H0Z`; };
  refs.done.setAttribute('d', t > 0 ? region(t) : '');
  let win = '';
  const under = new Map();   // grid cell -> kernel cell, for the numbers
  if (cell) {
    const [r, q] = cell;
    refs.cur.setAttribute('x', q); refs.cur.setAttribute('y', r); refs.cur.style.display = '';
    for (const [gi, gj, i, j] of num.windowOf(r, q)) {
      const kd = num.kind(gi, gj);
      under.set(gi*100000 + gj, [i, j, kd]);
      win += `<rect class="cbx-w ${kd === 0 ? 'cbx-w-inp' : kd === OUT ? 'cbx-w-out' : 'cbx-w-pad'}" x="${gj}" y="${gi}" width="1" height="1" data-k="${i},${j}"/>`;
    }
    const R = a.pos[0][r], Q = a.pos[1][q];
    win += `<rect class="cbx-outline" x="${Q}" y="${R}" width="${a.span[1]}" height="${a.span[0]}"/>`;
    // links from the window to its output cell
    const L = v.layout, wx = L.inX + Q, wy = L.inY + R, cx = L.outX + q, cy = L.outY + r;
    const ends = L.horizontal ? [[wx + a.span[1], wy, cx, cy], [wx + a.span[1], wy + a.span[0], cx, cy + 1]]
                              : [[wx, wy + a.span[0], cx, cy], [wx + a.span[1], wy + a.span[0], cx + 1, cy]];
    refs.links.forEach((l, i) => { const [x1, y1, x2, y2] = ends[i]; l.setAttribute('x1', x1); l.setAttribute('y1', y1); l.setAttribute('x2', x2); l.setAttribute('y2', y2); l.style.display = ''; });
  } else {
    refs.cur.style.display = 'none';
    refs.links.forEach(l => { l.style.display = 'none'; });
  }
  refs.win.innerHTML = win;
  if (refs.ctx) drawNumbers(v, s, t, cell, under);
  drawSum(v, s, cell);
}

// --- the numbers, on the canvas: the input channel shown (0 on padding), the weights under the window, the outputs done
function drawNumbers(v, s, t, cell, under) {
  const a = v.cur, num = v.num, ctx = v.refs.ctx, L = v.layout, [oh, ow] = a.out, x = num.x[s.in_channel], vals = num.output(s.out_channel);
  const rd = a.pool ? null : num.reads(s.out_channel).find(z => z.c === s.in_channel);
  const drawn = {input: [], output: [], weights: []};
  ctx.clearRect(-L.mg, -L.mg, L.box.w, L.box.h);
  ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
  const big = `0.44px ${FONT}`, small = `bold 0.34px ${FONT}`;
  ctx.font = big;
  for (let i = 0; i < a.rows.length; i++) for (let j = 0; j < a.cols.length; j++) {
    const k = num.kind(i, j), w = under.get(i*100000 + j);
    if (k !== 0 && a.pool) continue;
    const txt = k === 0 ? `${x[a.rows[i]][a.cols[j]]}` : '0';
    ctx.fillStyle = k === 0 ? (w ? '#ffffff' : '#1f1f1f') : (w ? '#555555' : '#9e9e9e');
    ctx.fillText(txt, L.inX + j + .5, L.inY + i + .53);
    drawn.input.push(txt);
  }
  if (rd) {
    ctx.font = small; ctx.textAlign = 'right'; ctx.textBaseline = 'alphabetic';
    for (const [key, [i, j, kd]] of under) {
      if (kd === OUT) continue;
      const gi = Math.floor(key / 100000), gj = key % 100000, txt = `×${rd.w(i, j)}`;
      ctx.fillStyle = kd === 0 ? '#ffe680' : '#7a1f1f';
      ctx.fillText(txt, L.inX + gj + .95, L.inY + gi + .93);
      drawn.weights.push(txt);
    }
    ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
  }
  ctx.font = big;
  const last = Math.min(t, oh*ow - 1), cur_ = cell ? cell[0]*ow + cell[1] : -1;
  for (let k = 0; k <= last; k++) {
    if (k === cur_) continue;
    const txt = fmt(vals[k]);
    ctx.fillStyle = '#1f1f1f';
    ctx.fillText(txt, L.outX + k % ow + .5, L.outY + Math.floor(k / ow) + .53);
    drawn.output.push([k, txt]);
  }
  if (cur_ >= 0) {
    const txt = fmt(vals[cur_]);
    ctx.font = `600 0.44px ${FONT}`; ctx.fillStyle = '#ffffff';
    ctx.fillText(txt, L.outX + cell[1] + .5, L.outY + cell[0] + .53);
    drawn.output.push([cur_, txt]);
  }
  v.refs.drawn = drawn;
}

// --- the sum of products of the current output cell
function drawSum(v, s, cell) {
  const num = v.num;
  if (!cell) { v.sum.innerHTML = `<b>Done:</b> hover or tap an output cell to see its window and its sum.`; return; }
  const a = v.cur, [r, q] = cell, val = num.output(s.out_channel)[r*a.out[1] + q];
  const name = `out[0, ${s.out_channel}, ${r}, ${q}]`;
  const win = num.windowOf(r, q);
  let html = '';
  if (s.mode === 'conv') {
    // the products x·w of the window cells that hold input; padding and inserted zeros add nothing
    const parts = [];
    let blanks = 0;
    for (const rd of num.reads(s.out_channel)) {
      const terms = [];
      let sub = 0;
      blanks = 0;
      for (const [gi, gj, i, j] of win) {
        if (num.kind(gi, gj) !== 0) { blanks += 1; continue; }
        const xv = num.value(rd.c, gi, gj), wv = rd.w(i, j);
        terms.push(`${xv}·${wv}`); sub += xv * wv;
      }
      parts.push({c: rd.c, sub, terms: terms.length ? terms.join(' + ') : '0'});
    }
    const zero = a.transposed ? 'padding or inserted zeros' : 'padding';
    const note = (blanks ? `${blanks} window cell${blanks > 1 ? 's' : ''} on ${zero} add${blanks > 1 ? '' : 's'} 0` : '') +
                 (a.transposed ? `${blanks ? '; ' : ''}the kernel is flipped` : '');
    if (parts.length === 1) html = `<code>${name}</code> = ${parts[0].terms} = <b>${val}</b>`;
    else {
      html = parts.map(p => `<div class="cbx-term${p.c === s.in_channel ? ' cbx-sel' : ''}"><code>x[0, ${p.c}]</code>: ${p.terms} = <b>${p.sub}</b></div>`).join('');
      html += `<div><code>${name}</code> = ${parts.map(p => p.sub).join(' + ')} = <b>${val}</b></div>`;
    }
    if (note) html += ` <span class="cbx-dim">(${note})</span>`;
  } else {
    const inside = [], outs = win.filter(([gi, gj]) => num.kind(gi, gj) === OUT).length;
    let pads = 0;
    for (const [gi, gj] of win) { const k = num.kind(gi, gj); if (k === 0) inside.push(num.value(s.out_channel, gi, gj)); else if (k !== OUT) pads += 1; }
    if (s.mode === 'max') {
      html = inside.length ? `<code>${name}</code> = max(${inside.join(', ')}) = <b>${fmt(val)}</b>`
                           : `<code>${name}</code> = max(no input cell) = <b>-inf</b> <span class="cbx-dim">(the window covers only padding, which counts as -inf)</span>`;
      if (pads && inside.length) html += ` <span class="cbx-dim">(padding is left out: it counts as -inf)</span>`;
    } else {
      const cnt = win.length - outs;
      html = `<code>${name}</code> = (${inside.join(' + ') || '0'}${pads ? ` + ${pads}×0` : ''}) / ${cnt} = <b>${fmtExact(val)}</b>` +
             (pads ? ` <span class="cbx-dim">(padding counts as 0, and in the count)</span>` : '');
    }
    if (outs) html += ` <span class="cbx-dim">(${outs} window cell${outs > 1 ? 's run' : ' runs'} past the padded input: ceil_mode leaves ${outs > 1 ? 'them' : 'it'} out)</span>`;
  }
  v.sum.innerHTML = html;
}

// --- formula, channels and groups, the PyTorch call
function drawInfo(v, s) {
  const a = v.cur;
  const same = s.h === s.w && s.kh === s.kw;
  putHTML(v.formulaBox, `<div class="cbx-h">output size</div>` + (same
    ? `<div><span class="cbx-dim">height and width:</span> <code>${esc(a.formula[0])}</code></div>`
    : `<div><span class="cbx-dim">height:</span> <code>${esc(a.formula[0])}</code></div><div><span class="cbx-dim">width:</span> <code>${esc(a.formula[1])}</code></div>`));
  put(v.code, 'textContent', `layer = ${a.call}\nlayer(torch.zeros(1, ${s.in_channels}, ${s.h}, ${s.w})).shape   # torch.Size([${a.shape.join(', ')}])`);
  drawChannels(v, s);
}

function drawChannels(v, s) {
  const num = v.num, a = v.cur, ci = s.in_channels, co = a.C, n = Math.max(ci, co), bw = 26, gap = 10, lx = 0;
  const W = n*(bw + gap), top = 4, bot = 74;
  const xOf = (i, m) => lx + (W - m*(bw + gap)) / 2 + i*(bw + gap) + gap/2;
  const g = a.pool ? ci : s.groups, ing = ci / g, outg = co / g;
  const grp = (c, per) => Math.floor(c / per);
  let lines = '', boxes = '';
  const sel = s.out_channel, selG = num.groupOf(sel);
  for (let o = 0; o < co; o++) for (let c = 0; c < ci; c++) {
    if (a.pool ? c !== o : grp(c, ing) !== grp(o, outg)) continue;
    const on = o === sel;
    lines += `<line class="${on ? 'cbx-l-on' : ''}" x1="${xOf(c, ci) + bw/2}" y1="${top + bw}" x2="${xOf(o, co) + bw/2}" y2="${bot}" stroke="${GROUP_COLORS[grp(o, outg) % 8]}"/>`;
  }
  for (let c = 0; c < ci; c++) {
    const gg = grp(c, ing), on = c === s.in_channel, used = a.pool ? c === sel : gg === selG;
    boxes += `<g class="cbx-ch${on ? ' cbx-on' : ''}${used ? '' : ' cbx-faint'}" data-in="${c}" tabindex="0" role="button" aria-label="input channel ${c}">` +
             `<rect x="${xOf(c, ci)}" y="${top}" width="${bw}" height="${bw}" fill="${GROUP_COLORS[gg % 8]}"/>` +
             `<text x="${xOf(c, ci) + bw/2}" y="${top + bw/2 + 4}">${c}</text></g>`;
  }
  for (let o = 0; o < co; o++) {
    const gg = grp(o, outg), on = o === sel;
    boxes += `<g class="cbx-ch${on ? ' cbx-on' : ''}" data-out="${o}" tabindex="0" role="button" aria-label="output channel ${o}">` +
             `<rect x="${xOf(o, co)}" y="${bot}" width="${bw}" height="${bw}" fill="${GROUP_COLORS[gg % 8]}"/>` +
             `<text x="${xOf(o, co) + bw/2}" y="${bot + bw/2 + 4}">${o}</text></g>`;
  }
  const svgc = `<svg class="cbx-chsvg" width="${W}" height="${bot + bw + 4}" viewBox="0 0 ${W} ${bot + bw + 4}">${lines}${boxes}</svg>`;
  let text;
  if (a.pool) text = `Pooling works on each channel on its own: ${ci} channel${ci > 1 ? 's' : ''} in, the same ${ci} out, and no weights.`;
  else {
    const ws = a.wshape, wname = a.transposed ? '[in, out/groups, kh, kw]' : '[out, in/groups, kh, kw]';
    const wnum = a.transposed ? `[${ci}, ${co}/${g}, ${s.kh}, ${s.kw}]` : `[${co}, ${ci}/${g}, ${s.kh}, ${s.kw}]`;
    const rd = num.reads(sel);
    const inRange = rd.length > 1 ? `x[0, ${rd[0].c}:${rd[rd.length - 1].c + 1}]` : `x[0, ${rd[0].c}]`;
    const o0 = selG*outg, outRange = outg > 1 ? `out[0, ${o0}:${o0 + outg}]` : `out[0, ${o0}]`;
    const slice = a.transposed ? `weight[${rd[0].c}:${rd[rd.length - 1].c + 1}, ${sel - o0}]` : `weight[${sel}]`;
    text = `weight ${wname} = <code>${wnum}</code> = <code>[${ws.join(', ')}]</code>. ` +
           (g > 1 ? `groups=${g}: ${g} independent blocks of ${ing} input and ${outg} output channel${outg > 1 ? 's' : ''}. ` : '') +
           `Output channel ${sel} (group ${selG}) reads <code>${inRange}</code> with <code>${slice}</code>; group ${selG} feeds <code>${outRange}</code>.`;
  }
  const kernel = a.pool ? '' : kernelTable(v, s);
  const html = `<div class="cbx-h">channels</div><div class="cbx-chrow"><div class="cbx-chwrap">${svgc}` +
    `<div class="cbx-chlabels"><span>in</span><span>out</span></div></div>${kernel}</div><div>${text}</div>`;
  v.chanState = {a, s, ing, outg};
  if (!putHTML(v.chanBox, html)) return;
  v.chanBox.querySelectorAll('[data-in],[data-out]').forEach(gEl => {
    const pick = () => {
      const {a, s, ing, outg} = v.chanState;
      if (gEl.dataset.out !== undefined) { v.set({out_channel: +gEl.dataset.out}); return; }
      const c = +gEl.dataset.in;
      if (a.pool) { v.set({out_channel: c, in_channel: c}); return; }
      const gg = Math.floor(c / ing);
      const o = v.num.groupOf(s.out_channel) === gg ? s.out_channel : gg*outg;
      v.set({out_channel: o, in_channel: c});
    };
    gEl.addEventListener('click', pick);
    gEl.addEventListener('keydown', e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); pick(); } });
  });
}

function kernelTable(v, s) {
  const num = v.num, cur = v.cur, rd = num.reads(s.out_channel).find(z => z.c === s.in_channel);
  if (!rd) return '';
  const name = cur.transposed ? `weight[${rd.c}, ${s.out_channel - num.groupOf(s.out_channel)*(s.out_channels/s.groups)}]` : `weight[${s.out_channel}, ${rd.l}]`;
  // row and column numbers as header cells, so a screen reader names each weight's place
  let rows = '<tr><td class="cbx-corner"></td>' + rd.k[0].map((_, j) => `<th scope="col">${j}</th>`).join('') + '</tr>';
  for (let i = 0; i < s.kh; i++) rows += `<tr><th scope="row">${i}</th>` + rd.k[i].map(v => `<td>${v}</td>`).join('') + '</tr>';
  return `<div class="cbx-kernel"><table class="cbx-ktab"><caption class="cbx-sr">kernel ${esc(name)}: rows by columns</caption>${rows}</table><div class="cbx-kcap"><code>${name}</code>${cur.transposed ? ', used flipped' : ''}</div></div>`;
}

// --- playing
// While it plays, the step label is not a live region (it would be read out every tick); when it stops, it is again,
// and says where it stopped
function stopPlay(v) {
  if (v.timer) { clearInterval(v.timer); v.timer = null; v.stepLabel.setAttribute('aria-live', 'polite'); v.stepLabel.textContent += ''; }
  v.play.textContent = '▶'; v.play.setAttribute('aria-label', 'play');
}
function startPlay(v) {
  if (!v.cur) return;
  const n = v.cur.out[0]*v.cur.out[1];
  if (v.model.get('step') >= n) v.set({step: 0});
  v.play.textContent = '❚❚'; v.play.setAttribute('aria-label', 'pause'); v.stepLabel.setAttribute('aria-live', 'off');
  v.timer = setInterval(() => {
    if (!v.cur) return stopPlay(v);
    const k = v.model.get('step') + 1, total = v.cur.out[0]*v.cur.out[1];
    v.set({step: Math.min(k, total)});
    if (k >= total) stopPlay(v);
  }, TICK_MS);
}

// what the tests read: the case as this view computed it
function snapshot(v) {
  const s = v.state(), cur = v.cur, num = v.num;
  if (!cur) return {error: v.error, state: s};
  const outs = Array.from({length: cur.C}, (_, o) => num.output(o));
  return {error: null, state: s, shape: cur.shape, out: outs.map(o => Array.from(o)), x: num.x, weight: num.weight, formula: cur.formula,
          call: cur.call, rows: cur.rows, cols: cur.cols, pos: cur.pos, code: v.code.textContent, numbersShown: v.layout.shown,
          drawn: v.refs && v.refs.drawn ? v.refs.drawn : null};
}

// The widget: its view's state (not synced: the case, its numbers, the hovered cell, the timer), its parts, and the
// model's events (many changes at once, a Python `hold_sync` or several sliders, give one redraw)
function render({model, el}) {
  const v = {model, el, cur: null, num: null, error: null, focus: null, timer: null, layout: null, svg: null, refs: null, chanState: null};
  v.limits = () => model.get('limits') || {};
  v.state = () => Object.fromEntries(KEYS.map(k => [k, model.get(k)]));
  v.set = kv => { for (const [k, val] of Object.entries(kv)) model.set(k, val); model.save_changes(); };
  v.root = el_('div', {class: 'cbx'});
  // keys pressed in the explorer are its own: JupyterLab's notebook would otherwise take the arrow keys of a focused
  // slider as 'select the next cell', leaving the value unchanged and scrolling the explorer away
  v.root.addEventListener('keydown', e => e.stopPropagation());
  v.root.append(buildControls(v), buildView(v));
  el.append(v.root);

  let pending = null;
  const schedule = full => {
    if (pending === 'full') return;
    if (pending === null) queueMicrotask(() => { const p = pending; pending = null; if (p === 'full') redraw(v); else drawStep(v, v.state()); });
    pending = full ? 'full' : 'step';
  };
  const onFull = () => schedule(true), onStep = () => schedule(false);
  const FULL = KEYS.filter(k => k !== 'step');
  for (const k of FULL) model.on(`change:${k}`, onFull);
  model.on('change:step', onStep);
  model.on('change:limits', onFull);

  let lastWidth = 0;
  const ro = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => {
    const w = sizeOf(v);
    if (Math.abs(w - lastWidth) > 8) { lastWidth = w; if (v.cur) { drawStage(v, v.state()); drawStep(v, v.state()); } }
  });
  if (ro) ro.observe(v.stage);
  v.root.cbxSnapshot = () => snapshot(v);

  redraw(v);
  lastWidth = sizeOf(v);
  return () => {
    stopPlay(v); if (ro) ro.disconnect();
    for (const k of FULL) model.off(`change:${k}`, onFull);
    model.off('change:step', onStep); model.off('change:limits', onFull);
  };
}

export default { render };
