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
  function unpin(t) {
    t.querySelectorAll('.key-col').forEach(function (c) { c.classList.remove('key-col', 'key-col-first'); c.style.right = ''; });
    t.removeAttribute('data-pinned');
  }
  function pin(t) {
    var rows = [].slice.call(t.rows), head = t.tHead && t.tHead.rows[t.tHead.rows.length - 1];
    unpin(t);
    if (!head || t.querySelector('[colspan], [rowspan]')) return;
    var b = box(t), keys = [];
    [].forEach.call(head.cells, function (h, i) { if (i > 0 && KEY_COLUMNS.indexOf(h.textContent.trim()) >= 0) keys.push(i); });
    if (!keys.length || Math.max(t.offsetWidth, b.scrollWidth) <= b.clientWidth + 1) return;
    var widths = keys.map(function (i) { return head.cells[i].getBoundingClientRect().width; });
    var used = head.cells[0].getBoundingClientRect().width + widths.reduce(function (a, w) { return a + w; }, 0);
    if (used > ROOM * b.clientWidth) return;
    rows.forEach(function (r) {
      if (r.cells.length !== head.cells.length) return;
      var right = 0;
      for (var k = keys.length - 1; k >= 0; k--) {
        var c = r.cells[keys[k]];
        c.classList.add('key-col'); if (k === 0) c.classList.add('key-col-first');
        c.style.right = right + 'px'; right += widths[k];
      }
    });
    t.setAttribute('data-pinned', '');   // an attribute, not a class: the theme styles `table:not([class])`
  }
  function header(t) {
    var b = box(t), wrap = t.closest('.nb-table');
    if (!wrap || !t.tHead) return;
    wrap.classList.remove('tall', 'tall-fits');
    if (t.offsetHeight <= window.innerHeight) return;
    // does the table fit the column's width? (measured as the page would lay it out, without a box of its own)
    wrap.classList.add('tall', 'tall-fits');
    if (t.offsetWidth > wrap.clientWidth + 1) wrap.classList.remove('tall-fits');
    var top = document.querySelector('.md-header');
    wrap.style.setProperty('--sticky-top', wrap.classList.contains('tall-fits') && top ? top.offsetHeight + 'px' : '0px');
  }
  function all() {
    document.querySelectorAll('article .nb-table table').forEach(function (t) { header(t); pin(t); });
  }
  function later() { setTimeout(all, 0); }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', later); else later();
  window.addEventListener('load', later);
  var last = window.innerWidth;
  window.addEventListener('resize', function () { if (window.innerWidth !== last) { last = window.innerWidth; later(); } });
})();
