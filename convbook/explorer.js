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

function el_(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k);
  return e;
}

function render({model, el}) {
  const limits = () => model.get('limits') || {};
  const state = () => Object.fromEntries(KEYS.map(k => [k, model.get(k)]));
  const setModel = kv => { for (const [k, v] of Object.entries(kv)) model.set(k, v); model.save_changes(); };

  // --- the page structure
  const root = el_('div', {class: 'cbx'});
  // keys pressed in the explorer are its own: JupyterLab's notebook would otherwise take the arrow keys of a focused
  // slider as 'select the next cell', leaving the value unchanged and scrolling the explorer away
  root.addEventListener('keydown', e => e.stopPropagation());
  const modes = el_('div', {class: 'cbx-modes', role: 'group', 'aria-label': 'layer'});
  const modeButtons = {};
  for (const [m, label] of [['conv', 'convolution'], ['max', 'max pooling'], ['avg', 'average pooling']]) {
    const b = el_('button', {type: 'button', class: 'cbx-mode', 'data-mode': m, text: label});
    b.addEventListener('click', () => setModel({mode: m}));
    modes.append(b); modeButtons[m] = b;
  }
  const checks = {};
  for (const [k, label] of [['transposed', 'transposed'], ['ceil_mode', 'ceil_mode'], ['numbers', 'numbers']]) {
    const box = el_('input', {type: 'checkbox', 'data-key': k});
    box.addEventListener('change', () => setModel({[k]: box.checked}));
    const lab = el_('label', {class: 'cbx-check'}, box, ' ' + label);
    modes.append(lab); checks[k] = {box, lab};
  }
  const newNumbers = el_('button', {type: 'button', class: 'cbx-reseed', title: 'other numbers: the next seed', text: 'new numbers'});
  newNumbers.addEventListener('click', () => setModel({seed: (model.get('seed') + 1) % ((limits().seed || [0, 1e9])[1] + 1)}));
  modes.append(newNumbers);

  const sliders = {};
  const fields = {};
  for (const [g, legend] of Object.entries(FIELDSETS)) fields[g] = el_('fieldset', {class: `cbx-fs cbx-fs-${g}`}, el_('legend', {text: legend}));
  for (const [k, label, g] of CONTROLS) {
    const input = el_('input', {type: 'range', step: '1', 'data-key': k, 'aria-label': label});
    const value = el_('output', {class: 'cbx-val'});
    input.addEventListener('input', () => { value.textContent = input.value; setModel({[k]: +input.value}); });
    const lab = el_('label', {class: 'cbx-slider'}, el_('span', {class: 'cbx-name', text: label}), value, input);
    fields[g].append(lab); sliders[k] = {input, value, lab};
  }
  const controls = el_('div', {class: 'cbx-controls'}, modes, el_('div', {class: 'cbx-fields'}, ...Object.values(fields)));

  const message = el_('div', {class: 'cbx-error', role: 'alert', hidden: ''});
  const stage = el_('div', {class: 'cbx-stage'});
  const legend = el_('div', {class: 'cbx-legend'});
  const play = el_('button', {type: 'button', class: 'cbx-play', 'aria-label': 'play', text: '▶'});
  const scrub = el_('input', {type: 'range', class: 'cbx-step', min: '0', step: '1', 'data-key': 'step', 'aria-label': 'step'});
  const stepLabel = el_('span', {class: 'cbx-steplabel', 'aria-live': 'polite'});
  const steps = el_('div', {class: 'cbx-steps'}, play, scrub, stepLabel);
  const sum = el_('div', {class: 'cbx-sum'});
  const formulaBox = el_('div', {class: 'cbx-formula'});
  const chanBox = el_('div', {class: 'cbx-channels'});
  const code = el_('pre', {class: 'cbx-code'});
  const info = el_('div', {class: 'cbx-info'}, sum, formulaBox, chanBox, code);
  const view = el_('div', {class: 'cbx-view'}, message, stage, legend, steps, info);
  root.append(controls, view);
  el.append(root);

  // --- state of this view (not synced): the case, its numbers, the hovered cell, the timer
  let cur = null, num = null, error = null, focus = null, timer = null, layout = null;
  let svg = null, refs = null, chanState = null;
  // the drawing: an SVG of the grids, a canvas with the numbers over it, and over the output grid an area for the pointer
  const svgHost = el_('div'), canvas = el_('canvas', {class: 'cbx-numbers', 'aria-hidden': 'true'}), hit = el_('div', {class: 'cbx-o-hit'});
  const pic = el_('div', {class: 'cbx-pic'}, svgHost, canvas, hit), ctx = canvas.getContext('2d');
  hit.addEventListener('pointermove', e => onPointer(e));
  hit.addEventListener('pointerleave', () => { if (focus) { focus = null; drawStep(state()); } });
  hit.addEventListener('click', e => onPointer(e));
  const sizeOf = () => stage.clientWidth || el.clientWidth || 640;

  function syncControls(s) {
    const L = limits();
    for (const [k, {input, value, lab}] of Object.entries(sliders)) {
      const [lo, hi] = L[k] || [0, 10];
      put(input, 'min', `${lo}`); put(input, 'max', `${hi}`); put(input, 'value', `${s[k]}`); put(value, 'textContent', `${s[k]}`);
      const off = (k === 'output_padding' && !s.transposed) || ((k === 'out_channels' || k === 'groups') && s.mode !== 'conv');
      put(input, 'disabled', off); if (lab.classList.contains('cbx-off') !== off) lab.classList.toggle('cbx-off', off);
    }
    for (const [m, b] of Object.entries(modeButtons)) if (b.getAttribute('aria-pressed') !== String(s.mode === m)) b.setAttribute('aria-pressed', String(s.mode === m));
    for (const [k, {box, lab}] of Object.entries(checks)) {
      put(box, 'checked', !!s[k]);
      const off = k === 'ceil_mode' && s.mode === 'conv';
      put(box, 'disabled', off); if (lab.classList.contains('cbx-off') !== off) lab.classList.toggle('cbx-off', off);
    }
    put(sliders.output_padding.lab, 'title', 'transposed convolution only');
    const keep = s.mode === 'conv' ? '' : 'pooling keeps the channels: out = in';
    put(sliders.out_channels.lab, 'title', keep); put(sliders.groups.lab, 'title', keep);
    put(checks.ceil_mode.lab, 'title', 'pooling only');
  }

  // clamp the selections to the case, writing back what changed
  function fixSelection(s) {
    if (!cur) return s;
    const fixes = {}, nsteps = cur.out[0]*cur.out[1];
    if (s.step > nsteps) fixes.step = nsteps;
    if (s.out_channel >= cur.C) fixes.out_channel = cur.C - 1;
    const o = fixes.out_channel ?? s.out_channel;
    const ins = num.reads(o).map(r => r.c);
    if (!ins.includes(s.in_channel)) fixes.in_channel = ins[0];
    if (Object.keys(fixes).length) { setModel(fixes); return {...s, ...fixes}; }
    return s;
  }

  function redraw() {
    let s = state();
    try { cur = analyse(s, limits()); num = numbers(s, cur); error = null; }
    catch (e) {
      if (!(e instanceof SettingError)) throw e;
      cur = null; num = null; error = e.message;
    }
    syncControls(s);
    s = fixSelection(s);
    focus = null;
    if (error) {
      // the message, over what the last valid setting drew (dimmed), so the page does not jump
      stopPlay();
      message.hidden = false; message.textContent = error;
      root.classList.add('cbx-invalid');
      refs = null;
      scrub.disabled = play.disabled = true; stepLabel.textContent = 'no output';
    } else {
      message.hidden = true; message.textContent = '';
      root.classList.remove('cbx-invalid');
      scrub.disabled = play.disabled = false;
      drawStage(s); drawInfo(s); drawStep(s);
    }
  }

  // --- the diagram: the input grid (one input channel, padded), the output grid (one output channel)
  function drawStage(s) {
    const a = cur, [GH, GW] = a.ext, [oh, ow] = a.out;
    const avail = Math.max(sizeOf() - 4, 200);
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
    layout = {px, horizontal, inX, inY, outX, outY, mg, box, shown};

    const c = s.in_channel, R = a.rows, Q = a.cols;
    let fills = '', outCells = '', outLines = '';
    if (!dense) {
      // one square per cell, dashed for padding, dotted for inserted zeros
      let dIn = '', dPad = '', dZero = '';
      for (let i = 0; i < R.length; i++) for (let j = 0; j < Q.length; j++) {
        const k = num.kind(i, j), cell = sq(j, i);
        if (k === 0) dIn += cell; else if (k === ZERO) dZero += cell; else dPad += cell;
      }
      fills = `<path class="cbx-f-inp" d="${dIn}"/><path class="cbx-f-pad" d="${dPad}"/><path class="cbx-f-zero" d="${dZero}"/>`;
      for (let r = 0; r < oh; r++) for (let q = 0; q < ow; q++) outCells += sq(q, r);
      outLines = outCells;
    } else {
      // runs of cells of one kind per row, and the grid as lines
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
    }
    const W = box.w, H = box.h;
    // the shapes are SVG; the numbers go on a canvas over it (a few hundred SVG texts cost more than the rest of a redraw)
    const Wpx = Math.round(W*px), Hpx = Math.round(H*px);
    if (pic.parentNode !== stage) stage.replaceChildren(pic);
    pic.style.width = `${Wpx}px`; pic.style.height = `${Hpx}px`;
    svgHost.innerHTML =
      `<svg class="cbx-svg${px < 12 ? ' cbx-small' : ''}" width="${Wpx}" height="${Hpx}" ` +
      `viewBox="${-mg} ${-mg} ${W} ${H}" preserveAspectRatio="none" role="img" aria-label="${esc(describe(s))}">` +
      `<g class="cbx-in" transform="translate(${inX} ${inY})">${fills}<g class="cbx-win"></g></g>` +
      `<g class="cbx-out" transform="translate(${outX} ${outY})">` +
        `<path class="cbx-o-base" d="${outCells}"/><path class="cbx-o-done"/><path class="cbx-o-grid" d="${outLines}"/>` +
        `<rect class="cbx-o-cur" width="1" height="1"/>` +
      `</g>` +
      `<g class="cbx-links"><line/><line/></g>` +
      `</svg>`;
    svg = svgHost.firstChild;
    Object.assign(hit.style, {left: `${((outX + mg)*px).toFixed(1)}px`, top: `${((outY + mg)*px).toFixed(1)}px`,
                              width: `${(ow*px).toFixed(1)}px`, height: `${(oh*px).toFixed(1)}px`});
    refs = {win: svg.querySelector('.cbx-win'), done: svg.querySelector('.cbx-o-done'), cur: svg.querySelector('.cbx-o-cur'),
            links: svg.querySelectorAll('.cbx-links line'), hit, ctx: null};
    canvas.hidden = !shown;
    if (shown) {
      // the canvas keeps its element and context from one redraw to the next; a new size clears it
      const dpr = window.devicePixelRatio || 1, cw = Math.round(Wpx*dpr), ch = Math.round(Hpx*dpr);
      if (canvas.width !== cw || canvas.height !== ch) {
        canvas.width = cw; canvas.height = ch; canvas.style.width = `${Wpx}px`; canvas.style.height = `${Hpx}px`;
      }
      ctx.setTransform(dpr*px, 0, 0, dpr*px, dpr*mg*px, dpr*mg*px);   // canvas units = cells, as in the SVG
      refs.ctx = ctx;
    }
    const what = a.pool ? (s.mode === 'max' ? 'max pooling' : 'average pooling') : a.transposed ? 'transposed convolution' : 'convolution';
    putHTML(legend,
      `<span><i class="cbx-k cbx-k-inp"></i>input <code>x[0, ${c}]</code>, ${s.h}×${s.w}</span>` +
      (s.padding || a.transposed ? `<span><i class="cbx-k cbx-k-pad"></i>padding</span>` : '') +
      (a.transposed && s.stride > 1 ? `<span><i class="cbx-k cbx-k-zero"></i>zeros inserted by the stride</span>` : '') +
      `<span><i class="cbx-k cbx-k-win"></i>window</span>` +
      `<span><i class="cbx-k cbx-k-out"></i>output <code>out[0, ${s.out_channel}]</code>, ${oh}×${ow}</span>` +
      `<span class="cbx-what">${what}: grid ${a.rows.length}×${a.cols.length}` + (a.transposed ? ' (stride 1 over the spread input, kernel flipped)' : '') + `</span>` +
      (px > fit + 0.5 ? `<span class="cbx-note">scroll sideways to see it all${shown ? ', or untick numbers' : ''}</span>` : '') +
      (s.numbers && dense ? `<span class="cbx-note">a grid this big shows no numbers: hover over (or tap) an output cell to read its sum</span>` : ''));
  }

  function describe(s) {
    const a = cur;
    return `${a.call} on a ${s.in_channels}×${s.h}×${s.w} input gives ${a.shape.join('×')}`;
  }

  function onPointer(e) {
    if (!cur || !layout) return;
    const rect = refs.hit.getBoundingClientRect(), [oh, ow] = cur.out;
    const q = Math.floor((e.clientX - rect.left) / rect.width * ow), r = Math.floor((e.clientY - rect.top) / rect.height * oh);
    if (r < 0 || q < 0 || r >= oh || q >= ow) return;
    if (e.type === 'click') { stopPlay(); focus = null; setModel({step: r*ow + q}); return; }
    if (!focus || focus[0] !== r || focus[1] !== q) { focus = [r, q]; drawStep(state()); }
  }

  // --- one step: the window of the current output cell (the step's, or the hovered one)
  function drawStep(s) {
    if (!cur || !svg) return;
    const a = cur, [oh, ow] = a.out, n = oh*ow;
    const t = Math.min(s.step, n);
    scrub.max = n; scrub.value = t;
    const cell = focus || (t < n ? [Math.floor(t / ow), t % ow] : null);
    stepLabel.textContent = t < n ? `output ${t + 1} of ${n}: out[0, ${s.out_channel}, ${Math.floor(t / ow)}, ${t % ow}]` : `all ${n} outputs done`;
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
      const L = layout, wx = L.inX + Q, wy = L.inY + R, cx = L.outX + q, cy = L.outY + r;
      const ends = L.horizontal ? [[wx + a.span[1], wy, cx, cy], [wx + a.span[1], wy + a.span[0], cx, cy + 1]]
                                : [[wx, wy + a.span[0], cx, cy], [wx + a.span[1], wy + a.span[0], cx + 1, cy]];
      refs.links.forEach((l, i) => { const [x1, y1, x2, y2] = ends[i]; l.setAttribute('x1', x1); l.setAttribute('y1', y1); l.setAttribute('x2', x2); l.setAttribute('y2', y2); l.style.display = ''; });
    } else {
      refs.cur.style.display = 'none';
      refs.links.forEach(l => { l.style.display = 'none'; });
    }
    refs.win.innerHTML = win;
    if (refs.ctx) drawNumbers(s, t, cell, under);
    drawSum(s, cell);
  }

  // --- the numbers, on the canvas: the input channel shown (0 on padding), the weights under the window, the outputs done
  function drawNumbers(s, t, cell, under) {
    const a = cur, ctx = refs.ctx, L = layout, [oh, ow] = a.out, x = num.x[s.in_channel], vals = num.output(s.out_channel);
    const rd = a.pool ? null : num.reads(s.out_channel).find(z => z.c === s.in_channel);
    const drawn = {input: [], output: [], weights: []};
    ctx.clearRect(-L.mg, -L.mg, L.box.w, L.box.h);
    ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
    const big = `0.44px ${FONT}`, small = `bold 0.34px ${FONT}`;
    ctx.font = big;
    for (let i = 0; i < a.rows.length; i++) for (let j = 0; j < a.cols.length; j++) {
      const k = num.kind(i, j), w = under.get(i*100000 + j);
      if (k !== 0 && a.pool) continue;
      const v = k === 0 ? `${x[a.rows[i]][a.cols[j]]}` : '0';
      ctx.fillStyle = k === 0 ? (w ? '#ffffff' : '#1f1f1f') : (w ? '#555555' : '#9e9e9e');
      ctx.fillText(v, L.inX + j + .5, L.inY + i + .53);
      drawn.input.push(v);
    }
    if (rd) {
      ctx.font = small; ctx.textAlign = 'right'; ctx.textBaseline = 'alphabetic';
      for (const [key, [i, j, kd]] of under) {
        if (kd === OUT) continue;
        const gi = Math.floor(key / 100000), gj = key % 100000, v = `×${rd.w(i, j)}`;
        ctx.fillStyle = kd === 0 ? '#ffe680' : '#7a1f1f';
        ctx.fillText(v, L.inX + gj + .95, L.inY + gi + .93);
        drawn.weights.push(v);
      }
      ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
    }
    ctx.font = big;
    const last = Math.min(t, oh*ow - 1), cur_ = cell ? cell[0]*ow + cell[1] : -1;
    for (let k = 0; k <= last; k++) {
      if (k === cur_) continue;
      const v = fmt(vals[k]);
      ctx.fillStyle = '#1f1f1f';
      ctx.fillText(v, L.outX + k % ow + .5, L.outY + Math.floor(k / ow) + .53);
      drawn.output.push([k, v]);
    }
    if (cur_ >= 0) {
      const v = fmt(vals[cur_]);
      ctx.font = `600 0.44px ${FONT}`; ctx.fillStyle = '#ffffff';
      ctx.fillText(v, L.outX + cell[1] + .5, L.outY + cell[0] + .53);
      drawn.output.push([cur_, v]);
    }
    refs.drawn = drawn;
  }

  // --- the sum of products of the current output cell
  function drawSum(s, cell) {
    if (!cell) { sum.innerHTML = `<b>Done:</b> hover or tap an output cell to see its window and its sum.`; return; }
    const a = cur, [r, q] = cell, v = num.output(s.out_channel)[r*cur.out[1] + q];
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
      if (parts.length === 1) html = `<code>${name}</code> = ${parts[0].terms} = <b>${v}</b>`;
      else {
        html = parts.map(p => `<div class="cbx-term${p.c === s.in_channel ? ' cbx-sel' : ''}"><code>x[0, ${p.c}]</code>: ${p.terms} = <b>${p.sub}</b></div>`).join('');
        html += `<div><code>${name}</code> = ${parts.map(p => p.sub).join(' + ')} = <b>${v}</b></div>`;
      }
      if (note) html += ` <span class="cbx-dim">(${note})</span>`;
    } else {
      const inside = [], outs = win.filter(([gi, gj]) => num.kind(gi, gj) === OUT).length;
      let pads = 0;
      for (const [gi, gj] of win) { const k = num.kind(gi, gj); if (k === 0) inside.push(num.value(s.out_channel, gi, gj)); else if (k !== OUT) pads += 1; }
      if (s.mode === 'max') {
        html = inside.length ? `<code>${name}</code> = max(${inside.join(', ')}) = <b>${fmt(v)}</b>`
                             : `<code>${name}</code> = max(no input cell) = <b>-inf</b> <span class="cbx-dim">(the window covers only padding, which counts as -inf)</span>`;
        if (pads && inside.length) html += ` <span class="cbx-dim">(padding is left out: it counts as -inf)</span>`;
      } else {
        const cnt = win.length - outs;
        html = `<code>${name}</code> = (${inside.join(' + ') || '0'}${pads ? ` + ${pads}×0` : ''}) / ${cnt} = <b>${fmtExact(v)}</b>` +
               (pads ? ` <span class="cbx-dim">(padding counts as 0, and in the count)</span>` : '');
      }
      if (outs) html += ` <span class="cbx-dim">(${outs} window cell${outs > 1 ? 's run' : ' runs'} past the padded input: ceil_mode leaves ${outs > 1 ? 'them' : 'it'} out)</span>`;
    }
    sum.innerHTML = html;
  }

  // --- formula, channels and groups, the PyTorch call
  function drawInfo(s) {
    const a = cur;
    const same = s.h === s.w && s.kh === s.kw;
    putHTML(formulaBox, `<div class="cbx-h">output size</div>` + (same
      ? `<div><span class="cbx-dim">height and width:</span> <code>${esc(a.formula[0])}</code></div>`
      : `<div><span class="cbx-dim">height:</span> <code>${esc(a.formula[0])}</code></div><div><span class="cbx-dim">width:</span> <code>${esc(a.formula[1])}</code></div>`));
    put(code, 'textContent', `layer = ${a.call}\nlayer(torch.zeros(1, ${s.in_channels}, ${s.h}, ${s.w})).shape   # torch.Size([${a.shape.join(', ')}])`);
    drawChannels(s);
  }

  function drawChannels(s) {
    const a = cur, ci = s.in_channels, co = a.C, n = Math.max(ci, co), bw = 26, gap = 10, lx = 0;
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
    const kernel = a.pool ? '' : kernelTable(s);
    const html = `<div class="cbx-h">channels</div><div class="cbx-chrow"><div class="cbx-chwrap">${svgc}` +
      `<div class="cbx-chlabels"><span>in</span><span>out</span></div></div>${kernel}</div><div>${text}</div>`;
    chanState = {a, s, ing, outg};
    if (!putHTML(chanBox, html)) return;
    chanBox.querySelectorAll('[data-in],[data-out]').forEach(gEl => {
      const pick = () => {
        const {a, s, ing, outg} = chanState;
        if (gEl.dataset.out !== undefined) { setModel({out_channel: +gEl.dataset.out}); return; }
        const c = +gEl.dataset.in;
        if (a.pool) { setModel({out_channel: c, in_channel: c}); return; }
        const gg = Math.floor(c / ing);
        const o = num.groupOf(s.out_channel) === gg ? s.out_channel : gg*outg;
        setModel({out_channel: o, in_channel: c});
      };
      gEl.addEventListener('click', pick);
      gEl.addEventListener('keydown', e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); pick(); } });
    });
  }

  function kernelTable(s) {
    const rd = num.reads(s.out_channel).find(z => z.c === s.in_channel);
    if (!rd) return '';
    const name = cur.transposed ? `weight[${rd.c}, ${s.out_channel - num.groupOf(s.out_channel)*(s.out_channels/s.groups)}]` : `weight[${s.out_channel}, ${rd.l}]`;
    let rows = '';
    for (let i = 0; i < s.kh; i++) rows += '<tr>' + rd.k[i].map(v => `<td>${v}</td>`).join('') + '</tr>';
    return `<div class="cbx-kernel"><table class="cbx-ktab">${rows}</table><div class="cbx-kcap"><code>${name}</code>${cur.transposed ? ', used flipped' : ''}</div></div>`;
  }

  // --- playing
  function stopPlay() { if (timer) { clearInterval(timer); timer = null; } play.textContent = '▶'; play.setAttribute('aria-label', 'play'); }
  function startPlay() {
    if (!cur) return;
    const n = cur.out[0]*cur.out[1];
    if (model.get('step') >= n) setModel({step: 0});
    play.textContent = '❚❚'; play.setAttribute('aria-label', 'pause');
    timer = setInterval(() => {
      if (!cur) return stopPlay();
      const k = model.get('step') + 1, total = cur.out[0]*cur.out[1];
      setModel({step: Math.min(k, total)});
      if (k >= total) stopPlay();
    }, TICK_MS);
  }
  play.addEventListener('click', () => timer ? stopPlay() : startPlay());
  scrub.addEventListener('input', () => { stopPlay(); setModel({step: +scrub.value}); });

  // --- model events: many changes at once (a Python `hold_sync`, several sliders) give one redraw
  let pending = null;
  const schedule = full => {
    if (pending === 'full') return;
    if (pending === null) queueMicrotask(() => { const p = pending; pending = null; if (p === 'full') redraw(); else drawStep(state()); });
    pending = full ? 'full' : 'step';
  };
  const onFull = () => schedule(true), onStep = () => schedule(false);
  const FULL = KEYS.filter(k => k !== 'step');
  for (const k of FULL) model.on(`change:${k}`, onFull);
  model.on('change:step', onStep);
  model.on('change:limits', onFull);

  let lastWidth = 0;
  const ro = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => {
    const w = sizeOf();
    if (Math.abs(w - lastWidth) > 8) { lastWidth = w; if (cur) { drawStage(state()); drawStep(state()); } }
  });
  if (ro) ro.observe(stage);

  // what the tests read: the case as this view computed it
  root.cbxSnapshot = () => {
    const s = state();
    if (!cur) return {error, state: s};
    const outs = Array.from({length: cur.C}, (_, o) => num.output(o));
    return {error: null, state: s, shape: cur.shape, out: outs.map(o => Array.from(o)), x: num.x, weight: num.weight, formula: cur.formula,
            call: cur.call, rows: cur.rows, cols: cur.cols, pos: cur.pos, code: code.textContent, numbersShown: layout.shown,
            drawn: refs && refs.drawn ? refs.drawn : null};
  };

  redraw();
  lastWidth = sizeOf();
  return () => {
    stopPlay(); if (ro) ro.disconnect();
    for (const k of FULL) model.off(`change:${k}`, onFull);
    model.off('change:step', onStep); model.off('change:limits', onFull);
  };
}

export default { render };
