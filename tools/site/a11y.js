// Keyboard users can scroll what scrolls: a code block, table, equation or wide figure wider than its column gets
// tabindex="0" (and a region role with a name, so a screen reader says what it is); re-checked when the width changes.
(function () {
  var WHAT = [['pre > code', 'code'], ['.md-typeset__scrollwrap', 'table'], ['.nb-table', 'table'], ['div.arithmatex', 'equation'], ['p.wide-figure', 'figure']];
  // All the widths are read first, then the page is changed: reading a width after a change costs a layout each time
  function mark() {
    var found = [];
    WHAT.forEach(function (w) {
      document.querySelectorAll('article ' + w[0]).forEach(function (el) {
        // an output table in the theme's scrolling box is that box's to mark: one keyboard stop per table
        if (w[0] === '.nb-table' && el.querySelector('.md-typeset__scrollwrap')) return;
        var t = w[1] === 'table' ? el.querySelector('table') : null;
        // a table in the theme's box: its own width, or what the box holds besides it (its margins, on a phone)
        var wide = (t ? Math.max(t.offsetWidth, w[0] === '.md-typeset__scrollwrap' ? el.scrollWidth : 0) : el.scrollWidth) > el.clientWidth + 1;
        found.push([w, el, wide]);
      });
    });
    found.forEach(function (f) {
      var w = f[0], el = f[1], wide = f[2];
      var hint = el.previousElementSibling && el.previousElementSibling.classList.contains('scroll-hint') ? el.previousElementSibling : null;
      if (wide && !el.hasAttribute('data-scrolls')) {
        el.setAttribute('data-scrolls', ''); el.setAttribute('tabindex', '0');
        if (w[1] !== 'code') { el.setAttribute('role', 'region'); el.setAttribute('aria-label', w[1] + ' (scrolls sideways)'); }
        // a table wider than the screen says so above it: the columns the text discusses may be the hidden ones
        if (w[1] === 'table' && !hint && !(el.parentElement && el.parentElement.closest('[data-scrolls]'))) {
          hint = document.createElement('p'); hint.className = 'scroll-hint'; hint.setAttribute('aria-hidden', 'true');
          hint.textContent = 'More columns to the right: scroll the table sideways \u2192';
          el.parentNode.insertBefore(hint, el);
        }
      } else if (!wide && el.hasAttribute('data-scrolls')) {
        el.removeAttribute('data-scrolls'); el.removeAttribute('tabindex');
        if (w[1] !== 'code') { el.removeAttribute('role'); el.removeAttribute('aria-label'); }
        if (hint) hint.remove();
      }
    });
  }
  function later() { setTimeout(mark, 0); }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', later); else later();
  window.addEventListener('load', later);
  window.addEventListener('resize', later);
  if (window.MathJax && window.MathJax.Hub) window.MathJax.Hub.Queue(later);
})();
