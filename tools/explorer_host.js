// The explorer's host on the static docs site: a minimal stand-in for the anywidget model (get/set/on/off/save_changes),
// and a mount for every <div class="convbook-explorer" data-state="..."> that the notebooks' saved outputs carry.
// tools/explorer_site.py puts the ES module convbook/explorer.js, unchanged, in front of this file as a string; it runs
// as a module from a blob: URL, which works from a web server and from file:// alike, with nothing from the network.
(function () {
  'use strict';
  var SOURCE = window.__convbookExplorerSource;   // the module, and the settings of a new Explorer with its limits:
  // tools/explorer_site.py writes both from the package; each page's div holds only the settings that differ

  function LocalModel(state) { this._state = Object.assign({}, state); this._handlers = {}; }
  LocalModel.prototype.get = function (key) { return this._state[key]; };
  LocalModel.prototype.set = function (key, value) {
    if (typeof key === 'object') { for (var k in key) this.set(k, key[k]); return; }
    var old = this._state[key];
    this._state[key] = value;
    if (old !== value) this._emit('change:' + key, value);
  };
  LocalModel.prototype.save_changes = function () {};   // no kernel to tell
  LocalModel.prototype.send = function () {};
  LocalModel.prototype.on = function (names, cb) {
    var hs = this._handlers;
    names.split(' ').forEach(function (n) { (hs[n] = hs[n] || []).push(cb); });
  };
  LocalModel.prototype.off = function (names, cb) {
    var hs = this._handlers;
    if (!names) { this._handlers = {}; return; }
    names.split(' ').forEach(function (n) { hs[n] = cb ? (hs[n] || []).filter(function (f) { return f !== cb; }) : []; });
  };
  LocalModel.prototype._emit = function (name, value) {
    (this._handlers[name] || []).slice().forEach(function (cb) { cb(value); });
    (this._handlers.change || []).slice().forEach(function (cb) { cb(); });
  };

  var loading = null;
  function load() {
    if (!loading) loading = import(URL.createObjectURL(new Blob([SOURCE], {type: 'text/javascript'})));
    return loading;
  }

  function mount(node) {
    if (node.dataset.mounted) return;
    node.dataset.mounted = 'loading';
    var state;
    try { state = Object.assign({}, window.__convbookExplorerDefaults, JSON.parse(node.dataset.state)); }
    catch (e) { node.dataset.mounted = 'bad state'; return; }
    load().then(function (mod) {
      var fallback = Array.prototype.slice.call(node.childNodes);
      var el = document.createElement('div');
      node.replaceChildren(el);
      var model = new LocalModel(state);
      try {
        mod.default.render({model: model, el: el});
        node.convbookModel = model;          // for the browser tests, and for anyone curious in the console
        node.dataset.mounted = 'yes';
      } catch (e) {
        node.replaceChildren.apply(node, fallback);   // keep the static text rather than a blank
        node.dataset.mounted = 'failed';
        console.error('convbook explorer:', e);
      }
    }, function (e) { node.dataset.mounted = 'failed'; console.error('convbook explorer:', e); });
  }

  function mountAll() { document.querySelectorAll('div.convbook-explorer[data-state]').forEach(mount); }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', mountAll); else mountAll();
  // mkdocs-material's instant navigation swaps pages without a reload: it announces each one on document$
  if (window.document$ && typeof window.document$.subscribe === 'function') window.document$.subscribe(mountAll);
})();
