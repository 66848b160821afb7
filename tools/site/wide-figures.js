(function () {
  function widen() {
    var W = document.documentElement.clientWidth;
    if (W > 720) return;
    document.querySelectorAll('article p > a > img:only-child, article p > img:only-child, article figure.nb-figure > a > img').forEach(function (img) {
      function fit() {
        if (img.naturalWidth <= 1.6 * W) return;
        img.style.width = Math.min(img.naturalWidth, 2 * W) + 'px';
        var fig = img.closest('figure');
        if (fig) { fig.classList.add('wide-figure'); fig.querySelector('a').classList.add('wide-figure-box'); }
        else img.closest('p').classList.add('wide-figure');
      }
      if (img.complete && img.naturalWidth) fit(); else img.addEventListener('load', fit);
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', widen); else widen();
})();
