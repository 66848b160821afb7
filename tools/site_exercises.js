/* convbook's exercises in the docs site's pages: plain JavaScript, no framework, nothing fetched from another server.

The bank (tools/site_exercises.py) holds, for every kind, exercises drawn from the Python generators: the question,
the answer and how it is judged, the modelled mistakes, the hint ladder and the worked solution. This script is a
port of what `convbook.workbook` does with a typed answer, so that the page says what Python says:
  parse   = parse_answer (the text read as the Python value it stands for; the table is in api/00a_workbook)
  asAnswer, sameAnswer, judge, form, fmtAnswer, markdown = as_answer, same_answer, Exercise.judge, Exercise._form,
            fmt_answer and Feedback._repr_markdown_ (with Exercise._same/is_right, _denoise, _typed, _parts,
            _diagnosis, _fixed, _esc), and `plain` = str(feedback).
tests/test_bank.py runs every entry of the bank through this file with node and through Python's `check`, and
compares the verdicts and the words. On the page, a few notebook-only phrases are said for the page (SITE_WORDS).

Values. A parsed (raw) value is tagged: {t: 'int'|'float'|'bool'|'none'|'ellipsis'|'str'|'tuple'|'list'|'set'|
'unparsed', v, items, text}. A plain answer (what `as_answer` gives) is a JS number (an int where it is whole: a
float that is whole is an int after `as_answer`), a string, an Array for a tuple, or UNREADABLE.
*/
(function (root) {
'use strict';

// ---------- parse_answer ----------
const INT = /^[+-]?\d+$/, FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/, SPECIAL = /^[+-]?(?:nan|inf|infinity)$/i,
      NAME = /^[A-Za-z_][A-Za-z0-9_]*$/, OPEN = {'(': ')', '[': ']', '{': '}'};
// Python's str.isprintable() is false for these (and true for a plain space)
const NONPRINT = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]|(?! )\p{Zs}/u;
class Bad extends Error {}

function split(s) {
  const parts = [], stack = [];
  let cur = '', quote = null;
  for (const ch of s) {
    if (quote) { if (ch === quote) quote = null; }
    else if (ch === "'" || ch === '"') quote = ch;
    else if (ch in OPEN) stack.push(OPEN[ch]);
    else if (ch === ')' || ch === ']' || ch === '}') { if (!stack.length || stack.pop() !== ch) throw new Bad(s); }
    else if (ch === ',' && !stack.length) { parts.push(cur); cur = ''; continue; }
    cur += ch;
  }
  if (quote || stack.length) throw new Bad(s);
  parts.push(cur);
  return parts;
}
const pyStrip = s => s.replace(/^[\s\u001c-\u001f\u0085]+|[\s\u001c-\u001f\u0085]+$/gu, '');
function items(s, trailing) {
  const parts = split(s).map(pyStrip);
  if (trailing && parts.length > 1 && !parts[parts.length - 1]) parts.pop();
  return parts.map(item);
}
const hashable = v => v.t !== 'list' && v.t !== 'set' && (v.t !== 'tuple' || v.items.every(hashable));
function item(s) {
  if (!s) throw new Bad('empty');
  if (s === '...') return {t: 'ellipsis'};
  if (s === 'True' || s === 'False') return {t: 'bool', v: s === 'True'};
  if (s === 'None') return {t: 'none'};
  if (INT.test(s)) return s.replace(/^[+-]/, '').replace(/^0+/, '').length <= 15 ? {t: 'int', v: Number(s) + 0} : {t: 'float', v: Number(s)};
  if (FLOAT.test(s)) return {t: 'float', v: Number(s)};
  if (SPECIAL.test(s)) return {t: 'float', v: /nan/i.test(s) ? NaN : s[0] === '-' ? -Infinity : Infinity};
  if (NAME.test(s)) return {t: 'str', v: s};
  if (s.length >= 2 && s[0] === s[s.length - 1] && (s[0] === "'" || s[0] === '"')) {
    const inner = s.slice(1, -1);
    if (inner.includes(s[0]) || inner.includes('\\') || NONPRINT.test(inner)) throw new Bad(s);
    return {t: 'str', v: inner};
  }
  if (s[0] in OPEN && s[s.length - 1] === OPEN[s[0]]) {
    const inner = s.slice(1, -1);
    split(inner);
    if (s[0] === '[') return {t: 'list', items: pyStrip(inner) ? items(inner, true) : []};
    if (s[0] === '(') {
      if (!pyStrip(inner)) return {t: 'tuple', items: []};
      return split(inner).length > 1 ? {t: 'tuple', items: items(inner, true)} : item(pyStrip(inner));
    }
    if (!pyStrip(inner)) throw new Bad('{} is a dict');
    const its = items(inner, true);
    if (!its.every(hashable)) throw new Bad(s);
    const typed = [];
    for (const v of its) if (!typed.some(u => rawEq(u, v))) typed.push(v);
    return {t: 'set', items: typed};
  }
  throw new Bad(s);
}
const num = v => v.t === 'int' || v.t === 'float' || v.t === 'bool' ? Number(v.v) : null;
function rawEq(a, b) {   // Python's == on parsed values (what a set uses to keep one of equal items)
  const x = num(a), y = num(b);
  if (x !== null || y !== null) return x !== null && y !== null && x === y;
  if (a.t !== b.t) return false;
  if (a.t === 'str') return a.v === b.v;
  if (a.t === 'none' || a.t === 'ellipsis') return true;
  if (a.t === 'tuple') return a.items.length === b.items.length && a.items.every((v, i) => rawEq(v, b.items[i]));
  return false;
}
function parse(text) {
  const s = pyStrip(String(text));
  if (!s) return {t: 'none'};
  try { return split(s).length > 1 ? {t: 'tuple', items: items(s, true)} : item(s); }
  catch (e) { if (e instanceof Bad) return {t: 'unparsed', text: s}; throw e; }
}

// ---------- Python's formatting of numbers ----------
function exact(x) {   // the exact decimal value of the double |x|: {d: digits (BigInt string), p: how many of them are after the point}
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, Math.abs(x));
  const hi = buf.getUint32(0), lo = buf.getUint32(4), e = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo), p2 = e - 1075;
  if (e) m |= 1n << 52n; else p2 = -1074;
  if (p2 >= 0) return {d: (m << BigInt(p2)).toString(), p: 0};
  return {d: (m * 5n ** BigInt(-p2)).toString(), p: -p2};
}
function roundDigits(d, keep) {   // the digit string `d` cut to its first `keep` digits, rounded half to even (on the exact value); returns [digits, carried]
  if (keep < 0) return ['', false];
  if (d.length <= keep) return [d, false];
  let head = d.slice(0, keep);
  const rest = d.slice(keep), half = rest[0] > '5' || (rest[0] === '5' && /[1-9]/.test(rest.slice(1))) ||
        (rest[0] === '5' && !/[1-9]/.test(rest.slice(1)) && head.length && Number(head[head.length - 1]) % 2 === 1);
  if (!half) return [head, false];
  const up = (BigInt(head || '0') + 1n).toString().padStart(head.length, '0');
  return [up, up.length > head.length];
}
function fixed(x, f) {   // Python's f"{x:.{f}f}"
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  const {d, p} = exact(x);
  const digits = d.padStart(p + 1, '0'), intLen = digits.length - p;
  let [r] = roundDigits(digits, intLen + f);
  r = r.padStart(intLen + f, '0');
  const ip = r.slice(0, r.length - f).replace(/^0+(?=\d)/, '') || '0', fp = r.slice(r.length - f);
  const neg = x < 0 || Object.is(x, -0);
  return (neg ? '-' : '') + ip + (f ? '.' + fp : '');
}
function sig(x, n) {   // x to n significant digits: [digits, exponent of the first], rounded half to even
  const {d, p} = exact(x);
  const t = d.replace(/^0+/, ''), e = t.length - p - 1;
  let [r, carry] = roundDigits(t, n);
  r = r.padEnd(n, '0');
  return carry ? [r.slice(0, n), e + 1] : [r, e];
}
function expStr(e) { return (e < 0 ? '-' : '+') + String(Math.abs(e)).padStart(2, '0'); }
function formatG(x, n) {   // Python's f"{x:.{n}g}" for a finite x != 0
  const [r, e] = sig(x, n), sign = x < 0 ? '-' : '';
  if (e < -4 || e >= n) {
    const m = (r[0] + '.' + r.slice(1)).replace(/\.?0+$/, '');
    return sign + m + 'e' + expStr(e);
  }
  return sign + fixed(Math.abs(x), Math.max(n - 1 - e, 0)).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}
function floatRepr(x) {   // Python's repr(float)
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(x.toExponential());
  const sign = m[1], digits = m[2] + (m[3] || ''), e = Number(m[4]);
  if (e < -4 || e >= 16) return sign + digits[0] + (digits.length > 1 ? '.' + digits.slice(1) : '') + 'e' + expStr(e);
  if (e < 0) return sign + '0.' + '0'.repeat(-e - 1) + digits;
  const ip = digits.slice(0, e + 1).padEnd(e + 1, '0'), fp = digits.slice(e + 1);
  return sign + ip + '.' + (fp || '0');
}
function intStr(x, commas) {   // str(int), with Python's f"{x:,}" commas if `commas`
  const s = BigInt(x).toString(), neg = s[0] === '-', d = neg ? s.slice(1) : s;
  return (neg ? '-' : '') + (commas ? d.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : d);
}
function strRepr(s) {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  return q + (q === "'" ? s.replace(/'/g, "\\'") : s) + q;
}

// ---------- as_answer, same_answer and friends ----------
const UNREADABLE = Symbol('UNREADABLE');
const isInt = v => typeof v === 'number' && Number.isInteger(v);
const isNum = v => typeof v === 'number';
function asAnswer(v) {
  switch (v.t) {
    case 'int': case 'float': return Number.isInteger(v.v) ? v.v + 0 : v.v;
    case 'str': return pyStrip(v.v).toLowerCase();
    case 'tuple': case 'list': { const r = v.items.map(asAnswer); return r.includes(UNREADABLE) ? UNREADABLE : r; }
    default: return UNREADABLE;
  }
}
function repr(v) {   // Python's repr of a plain answer
  if (Array.isArray(v)) return '(' + v.map(repr).join(', ') + (v.length === 1 ? ',)' : ')');
  if (typeof v === 'string') return strRepr(v);
  if (isInt(v)) return intStr(v, false);
  if (isNum(v)) return floatRepr(v);
  return 'None';
}
function rawRepr(v) {   // Python's repr of a parsed value
  switch (v.t) {
    case 'int': return intStr(v.v, false);
    case 'float': return floatRepr(v.v);
    case 'bool': return v.v ? 'True' : 'False';
    case 'none': return 'None';
    case 'ellipsis': return 'Ellipsis';
    case 'str': return strRepr(v.v);
    case 'tuple': return '(' + v.items.map(rawRepr).join(', ') + (v.items.length === 1 ? ',)' : ')');
    case 'list': return '[' + v.items.map(rawRepr).join(', ') + ']';
    case 'set': return '{' + v.items.map(rawRepr).join(', ') + '}';
    default: return v.text;
  }
}
function sameAnswer(a, b, tol) {
  if (Array.isArray(a) || Array.isArray(b))
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameAnswer(x, b[i], tol));
  if (isNum(a) && isNum(b)) return Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
  return a === b;
}
const hasText = v => typeof v === 'string' || (Array.isArray(v) && v.some(hasText));
const whole = v => isInt(v) || (Array.isArray(v) && v.every(whole));
const typedStr = v => Array.isArray(v) ? '(' + v.map(typedStr).join(', ') + ')' : repr(v);
function denoise(v) {
  if (Array.isArray(v)) return v.map(denoise);
  return isNum(v) && !isInt(v) && Number.isFinite(v) && Math.abs(v - Math.round(v)) <= 1e-9 * Math.max(1, Math.abs(v)) ? Math.round(v) + 0 : v;
}
function pyNe(a, b, top) {   // Python's `a != b` on plain answers (in a tuple, the same float object is equal to itself)
  if (Array.isArray(a) || Array.isArray(b))
    return !(Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => !pyNe(x, b[i], false)));
  if (!top && Number.isNaN(a) && Number.isNaN(b)) return false;
  return a !== b;
}
function orderKey(v) { return isNum(v) ? [0, v, ''] : [1, 0, typeof v === 'string' ? v : repr(v)]; }   // Exercise's _order
function keyLt(a, b) {   // Python's < on the keys (tuples compared item by item)
  for (let i = 0; i < 3; i++) { if (a[i] === b[i]) continue; if (a[i] < b[i]) return true; if (b[i] < a[i]) return false; return false; }
  return false;
}
const sortedByOrder = v => v.map(x => [orderKey(x), x]).sort((p, q) => keyLt(p[0], q[0]) ? -1 : keyLt(q[0], p[0]) ? 1 : 0).map(p => p[1]);

class Exercise {
  constructor(e) {
    Object.assign(this, e);
    const un = x => typeof x === 'string' && ['nan', 'inf', '-inf'].includes(x) && isNum(e.answer) ? Number(x.replace('inf', 'Infinity')) : x;
    this.answer = un(e.answer); this.tol = e.tolerance || 0; this.alternatives = e.alternatives || [];
    this.form_ = e.form; delete this.form;   // the words; `form` is the method
    this.tries = [];
  }
  same(a, b) {
    if (this.unordered && Array.isArray(a) && Array.isArray(b)) { a = sortedByOrder(a); b = sortedByOrder(b); }
    return sameAnswer(a, b, this.tol);
  }
  isRight(given) { return [this.answer, ...this.alternatives].some(a => this.same(given, a)); }
  form(given) {
    const a = this.answer, labels = this.labels, parts = () => labels ? ` (${labels.join(', ')})` : '';
    const list = Array.isArray(given) ? given : [given];
    const bad = list.filter(v => isNum(v) && !Number.isFinite(v));
    if (bad.length) return `${repr(bad[0])} is not a number that can be checked. Answer with ${this.form_}.`;
    if (typeof a === 'string') {
      if (this.choices && this.choices.length && !this.choices.some(c => !pyNe(c, given, true))) {
        const names = this.choices.map(c => '`' + c + '`'), g = typeof given === 'string' ? fmtAnswer(given) : repr(given);
        return `${g} is not one of the choices: answer with one of ${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}.`;
      }
      return typeof given === 'string' ? '' : `the answer is a name: answer with ${this.form_}.`;
    }
    if (Array.isArray(a) && !Array.isArray(given)) return `one number isn't enough here: the answer has ${a.length} parts${parts()}. Answer with ${this.form_}.`;
    if (Array.isArray(a) && given.length !== a.length)
      return `your answer has ${given.length} part${given.length > 1 ? 's' : ''}, the answer has ${a.length}${parts()}. Answer with ${this.form_}.`;
    if (!Array.isArray(a) && Array.isArray(given)) return `your answer has ${given.length} numbers, and the answer is one number. Answer with ${this.form_}.`;
    if (this.tol && isNum(a) && !isInt(a) && isNum(given) && given !== a &&
        [1, 2, 3, 4, 5].some(d => Math.abs(given - Number(fixed(a, d))) <= 1e-9 * Math.max(1, Math.abs(a))))   // the answer rounded, further than `tol` allows
      return `close, but ${fmtAnswer(given)} is rounded too far to be checked: give more decimals. Answer with ${this.form_}.`;
    if (whole(a) && !this.tol && !whole(given))
      return `${list.filter(v => !isInt(v)).map(repr).join(', ')} is not a whole number, and the answer is. Answer with ${this.form_}.`;
    return '';
  }
  judge(raw) {
    const fb = (status, given, extra) => Object.assign({ex: this, status, given, mistakes: [], note: '', typed: '', n: null, earlier: []}, extra || {});
    if (raw.t === 'none' || raw.t === 'ellipsis') return fb('unanswered', null);
    if (this.unordered && raw.t === 'set') raw = {t: 'list', items: sortedRaw(raw.items)};
    let given = asAnswer(raw);
    if (given === UNREADABLE || (hasText(given) && !hasText(this.answer))) return fb('unreadable', null, {raw});
    let typed = '';
    if (whole(this.answer) && !this.tol) { const clean = denoise(given); if (pyNe(clean, given, true)) { typed = typedStr(given); given = clean; } }
    if (Array.isArray(this.answer) && isNum(given) && (this.square || this.answer.length === 1)) given = this.answer.map(() => given);
    if (!Array.isArray(this.answer) && Array.isArray(given) && given.length === 1) given = given[0];   // (5,) for 5
    if (this.isRight(given)) return fb('right', given, {typed});
    const found = this.mistakes.filter(m => !this.isRight(m.answer) && this.same(given, m.answer));
    if (found.length) return fb('mistake', given, {mistakes: found, typed});
    const note = this.form(given);
    if (note) return fb('form', given, {note, typed});
    return fb('wrong', given, {typed});
  }
  check(raw) {
    const f = this.judge(raw);
    if (counts(f)) { f.earlier = this.tries.slice(); f.n = this.tries.length + 1; this.tries.push(f); }
    return f;
  }
}
function sortedRaw(its) {   // sorted(a set, key=_order), on parsed items: numbers (bools too) by value, the rest by str()
  const key = v => num(v) !== null ? [0, num(v), ''] : [1, 0, v.t === 'str' ? v.v : rawRepr(v)];
  return its.map(v => [key(v), v]).sort((p, q) => keyLt(p[0], q[0]) ? -1 : keyLt(q[0], p[0]) ? 1 : 0).map(p => p[1]);
}
const counts = f => ['right', 'mistake', 'wrong'].includes(f.status);
const ok = f => f.status === 'right';

// ---------- the feedback's words ----------
function fmtAnswer(a) {
  if (Array.isArray(a)) return '(' + a.map(fmtAnswer).join(', ') + (a.length === 1 ? ',)' : ')');
  if (isInt(a)) return intStr(a, Math.abs(a) >= 10000);
  if (isNum(a)) return a && Math.abs(a) < 1e-3 ? formatG(a, 4) : fixed(a, 4).replace(/0+$/, '').replace(/\.$/, '');
  if (typeof a === 'string') return '`' + a + '`';
  return repr(a);
}
const esc = s => s.split('`').map((p, i) => i % 2 ? p : p.replace(/\*/g, '\\*')).join('`');
const plainText = md => md.replace(/\\\*/g, '*');
const cap = s => s ? s[0].toUpperCase() + s.slice(1) : s;
const rstripDots = s => s.replace(/\.+$/, '');
const both = ls => ls.length === 1 ? ls[0] : ls.slice(0, -1).join(', ') + ' and ' + ls[ls.length - 1];
const nth = k => ({1: 'first', 2: 'second', 3: 'third', 4: 'fourth', 5: 'fifth'})[k] || `${k}th`;
function said(f) { const s = fmtAnswer(f.given); return f.typed ? `${f.typed}, read as ${s} (a float's rounding error)` : s; }
function partsSaid(f) {
  const ex = f.ex, g = f.given;
  if (!(ex.labels && Array.isArray(ex.answer) && Array.isArray(g) && g.length === ex.answer.length)) return '';
  const good = ex.labels.filter((l, i) => sameAnswer(g[i], ex.answer[i], ex.tol)), bad = ex.labels.filter(l => !good.includes(l));
  return good.length ? ` The ${both(good)} ${good.length === 1 ? 'is' : 'are'} right; the ${both(bad)} ${bad.length === 1 ? 'is' : 'are'} not.` : '';
}
function diagnosis(f) {
  const ms = f.mistakes;
  if (!ms.length) return '';
  if (ms.length === 1) { const m = ms[0]; return `It looks like you **${m.label}**. ${esc(rstripDots(m.why))}. That gives ${esc(m.working)}.`; }
  const ways = ms.map(m => `- **${m.label}**: ${esc(rstripDots(m.why.slice(0, 1).toLowerCase() + m.why.slice(1)))}. That gives ${esc(m.working)}.`).join('\n');
  const n = ({2: 'two', 3: 'three', 4: 'four'})[ms.length] || String(ms.length);
  return `That answer comes from either of ${n} mistakes:\n\n${ways}\n\nWhich of these workings is yours? ` +
         'Compare each with what you did, step by step: the step where they part is the one to fix.';
}
function fixedSaid(f) {
  const named = f.earlier.filter(e => !ok(e) && e.mistakes.length).map(e => `${e.mistakes.map(m => `**${m.label}**`).join(' or ')} (try ${e.n})`);
  return named.length ? 'You fixed ' + both(named) + '.' : '';
}
function markdown(f) {   // Feedback._repr_markdown_
  const ex = f.ex;
  if (f.status === 'unanswered') return `✎ **Not answered yet.** Replace the \`...\` with your answer, ${ex.form_}, and run the cell again.`;
  if (f.status === 'unreadable') {
    if (hasText(asAnswer(f.raw))) return `✎ **That answer is text:** \`${rawRepr(f.raw)}\`. Answer with ${ex.form_}, without quotes.`;
    return `✎ **I can't read that answer:** \`${rawRepr(f.raw)}\`. Answer with ${ex.form_}.`;
  }
  if (f.status === 'form') return `✎ **Not counted as a try:** ${cap(f.note)}`;
  const worked = `${esc(ex.working)}, so the answer is ${fmtAnswer(ex.answer)}`;
  if (f.status === 'right') {
    const head = !f.n || f.n === 1 ? '✓ **Right:**' : `✓ **Right** on try ${f.n}:`;
    const body = f.note ? f.note : `${f.typed ? said(f) : fmtAnswer(ex.answer)}.`;
    return [head, body, fixedSaid(f), f.note ? '' : `The working: ${esc(ex.working)}.`].filter(s => s).join(' ');
  }
  const wrong = f.earlier.filter(e => !ok(e)).length + 1;
  const head = (f.n ? `✗ **Not quite** (try ${f.n}): ` : '✗ **Not quite:** ') + (f.note ? f.note : `you answered ${said(f)}.`) + partsSaid(f);
  const out = [head], d = diagnosis(f);
  if (d) out.push(d);
  if (wrong < ex.reveal_after) {
    const ladder = ex.hints, h = ladder.length ? ladder[Math.min(wrong, ladder.length) - 1] : '';
    if (h) out.push(`**${wrong === 1 ? 'Hint' : 'A closer hint'}:** ${esc(cap(h))}`);
    const left = ex.reveal_after - wrong;
    out.push(`Try again: the worked solution comes after ${left} more wrong ${left === 1 ? 'try' : 'tries'}, or now with \`.solution()\`.`);
  } else if (wrong === ex.reveal_after) out.push(`That was your ${nth(wrong)} wrong try, so here is the worked solution: ${worked}.`);
  else out.push(`The worked solution (shown after your ${nth(ex.reveal_after)} wrong try): ${worked}.`);
  return out.join('\n\n');
}
const reveals = f => (f.status === 'mistake' || f.status === 'wrong') && f.earlier.filter(e => !ok(e)).length + 1 >= f.ex.reveal_after;
function solutionMd(ex) { return `${esc(cap(ex.working))}.\n\n**Answer:** ${fmtAnswer(ex.answer)}`; }
// What a notebook says that a page can't: the page's own words for it
const SITE_WORDS = [['Replace the `...` with your answer, ', 'Type your answer, '], [', and run the cell again.', ', then press Check.'],
                    ['or now with `.solution()`.', 'or now with the Solution button.']];
const siteWords = md => SITE_WORDS.reduce((s, [a, b]) => s.split(a).join(b), md);
const STATUS = {right: 'right', mistake: 'wrong', wrong: 'wrong', form: 'form', unreadable: 'form', unanswered: 'form'};

// A small, safe Markdown renderer for the feedback: paragraphs, "- " lists, **strong**, *em*, `code`, \* (all else is text)
function escHtml(s) { return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'); }
function inline(s) {
  return s.split('`').map((p, i) => {
    if (i % 2) return '<code>' + escHtml(p) + '</code>';
    let h = escHtml(p).replace(/\\\*/g, '\u0000');
    h = h.replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>').replace(/\*([^*\s](?:[^*]*[^*\s])?)\*/g, '<em>$1</em>');
    return h.replace(/\u0000/g, '*');
  }).join('');
}
function renderMd(md) {
  return md.split(/\n{2,}/).map(b => {
    const lines = b.split('\n');
    if (lines.every(l => l.startsWith('- '))) return '<ul>' + lines.map(l => '<li>' + inline(l.slice(2)) + '</li>').join('') + '</ul>';
    return '<p>' + inline(b) + '</p>';
  }).join('');
}

const core = {parse, asAnswer, rawRepr, repr, fmtAnswer, floatRepr, formatG, fixed, sameAnswer, Exercise, markdown, plainText,
              siteWords, solutionMd, renderMd, reveals, STATUS, UNREADABLE, SITE_WORDS};
function makeExercise(entry) { return new Exercise(entry); }
core.makeExercise = makeExercise;
if (typeof module !== 'undefined' && module.exports) module.exports = core;
root.convbookExercisesCore = core;
if (typeof document === 'undefined') return;

// ---------- the page ----------
const script = document.currentScript, BASE = new URL('.', script ? script.src : location.href).href;
const banks = {}, waiting = {};
let index = null, indexWaiting = [];
const STORE = 'convbook-exercises', memory = {};
function load() { try { return JSON.parse(localStorage.getItem(STORE)) || {}; } catch (e) { return memory; } }
function save(d) { try { localStorage.setItem(STORE, JSON.stringify(d)); } catch (e) { Object.assign(memory, d); } }
root.convbookExercises = {
  add(kind, entries) { banks[kind] = entries; (waiting[kind] || []).forEach(f => f(entries)); delete waiting[kind]; },
  kinds(ix) { index = ix; indexWaiting.forEach(f => f(ix)); indexWaiting = []; },
};
function addScript(src, onerror) { const s = document.createElement('script'); s.src = BASE + src; s.onerror = onerror; document.head.appendChild(s); }
function getIndex(f) { if (index) return f(index); if (!indexWaiting.length) addScript('bank/index.js'); indexWaiting.push(f); }
function getBank(kind, f, fail) {
  if (banks[kind]) return f(banks[kind]);
  if (!waiting[kind]) { waiting[kind] = []; addScript('bank/' + encodeURIComponent(kind) + '.js', fail); }
  waiting[kind].push(f);
}
let uid = 0;
function el(tag, attrs, html) { const e = document.createElement(tag); for (const k in attrs || {}) e.setAttribute(k, attrs[k]); if (html !== undefined) e.innerHTML = html; return e; }

function progressOf(kind) { const d = load(); return ((d.kinds || {})[kind]) || {}; }
function record(kind, f) {   // record_try, in this browser
  const d = load(); d.kinds = d.kinds || {};
  const k = d.kinds[kind] = d.kinds[kind] || {exercises: 0, tries: 0, first_right: 0, right: 0, mistakes: {}};
  k.exercises += f.n === 1 ? 1 : 0; k.tries += 1;
  k.first_right += ok(f) && f.n === 1 ? 1 : 0;
  k.right += ok(f) && !f.earlier.some(ok) ? 1 : 0;
  for (const m of f.mistakes) k.mistakes[m.name] = (k.mistakes[m.name] || 0) + 1;
  save(d);
}
function progressText(kind) {
  const k = progressOf(kind);
  if (!k.tries) return `No tries at ${kind} yet in this browser.`;
  return `In this browser: ${k.exercises} ${kind} exercise${k.exercises === 1 ? '' : 's'} begun, ${k.tries} tr${k.tries === 1 ? 'y' : 'ies'}, ` +
         `${k.first_right} right on the first try.`;
}

function mount(box) {
  const kind = box.dataset.exerciseKind;
  getIndex(ix => {
    const info = ix[kind];
    if (!info) { box.textContent = `No exercises of kind ${kind} in this site's bank.`; return; }
    getBank(kind, entries => show(box, kind, info, entries), () => { box.textContent = `The exercises of kind ${kind} could not be loaded.`; });
  });
}
function show(box, kind, info, entries) {
  const seed = Number(box.dataset.exerciseSeed);
  let at = Math.max(0, entries.findIndex(e => e.seed === seed));
  const id = 'cbk-' + (++uid);
  box.innerHTML = '';
  box.classList.add('cbk-ready');
  const head = el('p', {class: 'cbk-head'}), q = el('div', {class: 'cbk-question', tabindex: '0', role: 'region', 'aria-label': 'The question'}), fig = el('p', {class: 'cbk-figure'}),
        formP = el('p', {class: 'cbk-form'});
  box.append(head, q, fig, formP);
  if (info.code) {
    const link = el('p', {class: 'cbk-colab'});
    link.innerHTML = 'This exercise is answered with code: <a href="' + escHtml(info.colab) + '">Open in Colab</a> to write it and check it in the chapter\'s notebook.';
    box.append(link);
    const e = entries[at];
    box.dataset.exerciseSeed = e.seed; box.dataset.exerciseCode = 'true';
    head.innerHTML = `<strong>Exercise</strong> (${escHtml(kind)}, seed ${e.seed})`;
    q.innerHTML = e.question_html;
    return;
  }
  const row = el('div', {class: 'cbk-row'}), label = el('label', {for: id}, 'Your answer'),
        input = el('input', {id, type: 'text', autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false', class: 'cbk-input'}),
        check = el('button', {type: 'button', class: 'cbk-check'}, 'Check');
  row.append(label, input, check);
  const actions = el('div', {class: 'cbk-actions'}), solBtn = el('button', {type: 'button', class: 'cbk-solution-button', 'aria-expanded': 'false'}, 'Solution'),
        another = el('button', {type: 'button', class: 'cbk-another'}, 'Another one');
  actions.append(solBtn, another);
  const live = el('div', {class: 'cbk-feedback', 'aria-live': 'polite', role: 'status'}), sol = el('div', {class: 'cbk-solution', hidden: ''});
  const prog = el('p', {class: 'cbk-progress'}), progText = el('span', {class: 'cbk-progress-text'}),
        reset = el('button', {type: 'button', class: 'cbk-reset'}, 'Reset my progress on this kind');
  prog.append(progText, ' ', reset);
  box.append(row, actions, live, sol, prog);
  let ex;
  function draw() {
    const e = entries[at];
    ex = makeExercise(e);
    box.dataset.exerciseSeed = e.seed;
    head.innerHTML = `<strong>Exercise</strong> (${escHtml(kind)}, seed ${e.seed})`;
    q.innerHTML = e.question_html;
    fig.innerHTML = e.figure ? `<a href="${escHtml(BASE + e.figure)}"><img src="${escHtml(BASE + e.figure)}" alt="${escHtml(e.figure_alt || '')}"></a>` : '';
    fig.hidden = !e.figure;
    formP.innerHTML = '<em>Answer with ' + escHtml(e.form) + '.</em>';
    input.value = ''; live.innerHTML = ''; sol.hidden = true; sol.innerHTML = ''; solBtn.setAttribute('aria-expanded', 'false');
    progText.textContent = progressText(kind);
  }
  function doCheck() {
    const f = ex.check(parse(input.value));
    if (counts(f)) record(kind, f);
    const v = el('div', {class: 'cbk-verdict', 'data-status': STATUS[f.status]}, renderMd(siteWords(markdown(f))));
    if (f.mistakes.length) v.dataset.mistakes = f.mistakes.map(m => m.name).join(' ');
    live.innerHTML = ''; live.append(v);
    progText.textContent = progressText(kind);
  }
  check.addEventListener('click', doCheck);
  input.addEventListener('keydown', ev => { if (ev.key === 'Enter') { ev.preventDefault(); doCheck(); } });
  solBtn.addEventListener('click', () => {
    const open = sol.hidden;
    sol.innerHTML = open ? '<p><strong>Worked solution</strong></p>' + renderMd(solutionMd(ex)) : '';
    sol.hidden = !open; solBtn.setAttribute('aria-expanded', String(open));
  });
  another.addEventListener('click', () => { at = (at + 1) % entries.length; draw(); input.focus(); });
  reset.addEventListener('click', () => {
    const d = load(); if (d.kinds) delete d.kinds[kind]; save(d);
    progText.textContent = progressText(kind);
    live.innerHTML = ''; live.append(el('div', {class: 'cbk-verdict cbk-note'}, `<p>Your progress on ${escHtml(kind)} in this browser is reset.</p>`));
  });
  draw();
}
function start() { document.querySelectorAll('[data-exercise-kind]').forEach(mount); }
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})(typeof window !== 'undefined' ? window : globalThis);
