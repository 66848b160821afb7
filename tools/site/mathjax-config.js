window.MathJax = {
  tex2jax: {inlineMath: [["\\(", "\\)"]], displayMath: [["\\[", "\\]"]], processEscapes: true,
            processEnvironments: true, ignoreClass: ".*", processClass: "arithmatex"},
  // MathJax_Blank, the font MathJax measures against, points at about:blank, which Chromium refuses with a CORS
  // error in the console; a local font that does not exist is just as blank, and asks nothing of the network
  "HTML-CSS": {availableFonts: [], preferredFont: null, webFont: "STIX-Web", imageFont: null,
               styles: {"@font-face": {"font-family": "MathJax_Blank", src: "local('MathJax Blank None')"}}},
  showMathMenu: false, messageStyle: "none"
};
