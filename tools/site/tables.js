// Output tables that don't fit the screen keep what the text discusses in view (tools/site/extra.css, tests/test_site.py):
// - a table wider than its box (a phone) keeps its first column on the left (CSS) and the columns the chapters talk
//   about, found by their header (KEY_COLUMNS), pinned on the right, while the columns between them scroll sideways;
// - a table taller than the screen keeps its header row in view: under the site's header as the page scrolls when
//   the table fits the column's width, or else at the top of its own box, which then scrolls both ways.
// Pinning is visual only: the table's cells, and what a screen reader reads, stay in their order. Re-done when the
// width changes.
(function () {
  var KEY_COLUMNS = ['rf', 'jump', 'start', 'std_last', 'near_zero_first', 'near_zero_last'];
  var ROOM = 0.7;   // the first and the pinned columns take at most this share of the box: the rest scrolls
  function box(t) { return t.closest('.md-typeset__scrollwrap') || t.parentElement; }
  // What to do with table `t`, from its sizes (read, before anything on the page changes)
  function measure(t) {
    var wrap = t.closest('.nb-table'), b = box(t), head = t.tHead && t.tHead.rows[t.tHead.rows.length - 1];
    var plan = {t: t, wrap: wrap, tall: false, fits: false, keys: [], widths: [], top: 0};
    if (!wrap || !head) return plan;
    // a table taller than the screen keeps its header row in view; does it fit the column's width without a box?
    plan.tall = t.offsetHeight > window.innerHeight;
    plan.fits = t.offsetWidth <= wrap.clientWidth + 1;
    var bar = document.querySelector('.md-header');
    plan.top = plan.fits && bar ? bar.offsetHeight : 0;
    // a table wider than its box pins the columns the text discusses, if they leave room for the rest to scroll
    if (t.querySelector('[colspan], [rowspan]') || Math.max(t.offsetWidth, b.scrollWidth) <= b.clientWidth + 1) return plan;
    var keys = [];
    [].forEach.call(head.cells, function (h, i) { if (i > 0 && KEY_COLUMNS.indexOf(h.textContent.trim()) >= 0) keys.push(i); });
    var widths = keys.map(function (i) { return head.cells[i].getBoundingClientRect().width; });
    var used = head.cells[0].getBoundingClientRect().width + widths.reduce(function (a, w) { return a + w; }, 0);
    if (keys.length && used <= ROOM * b.clientWidth) { plan.keys = keys; plan.widths = widths; }
    return plan;
  }
  function apply(p) {
    var t = p.t, head = t.tHead && t.tHead.rows[t.tHead.rows.length - 1];
    if (!p.wrap) return;
    p.wrap.classList.toggle('tall', p.tall);
    p.wrap.classList.toggle('tall-fits', p.tall && p.fits);
    p.wrap.style.setProperty('--sticky-top', p.top + 'px');
    t.querySelectorAll('.key-col').forEach(function (c) { c.classList.remove('key-col', 'key-col-first'); c.style.right = ''; });
    t.removeAttribute('data-pinned');
    if (!p.keys.length) return;
    [].forEach.call(t.rows, function (r) {
      if (r.cells.length !== head.cells.length) return;
      var right = 0;
      for (var k = p.keys.length - 1; k >= 0; k--) {
        var c = r.cells[p.keys[k]];
        c.classList.add('key-col'); if (k === 0) c.classList.add('key-col-first');
        c.style.right = right + 'px'; right += p.widths[k];
      }
    });
    t.setAttribute('data-pinned', '');   // an attribute, not a class: the theme styles `table:not([class])`
  }
  function all() {
    [].map.call(document.querySelectorAll('article .nb-table table'), measure).forEach(apply);
  }
  function later() { setTimeout(all, 0); }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', later); else later();
  window.addEventListener('load', later);
  var last = window.innerWidth;
  window.addEventListener('resize', function () { if (window.innerWidth !== last) { last = window.innerWidth; later(); } });
})();
