// Typeset the math elements note rendering emits (\( \) inline, \[ \] display) with KaTeX.
// A static file, not an inline script: the CSP forbids inline scripts. trust stays false, so
// \href{javascript:...} and \htmlData never produce live links or attributes.
(function () {
  function typeset(root) {
    if (typeof renderMathInElement !== "function") return;
    root.querySelectorAll(".math").forEach(function (el) {
      if (el.dataset.typeset) return;
      el.dataset.typeset = "1";
      renderMathInElement(el, {
        delimiters: [
          { left: "\\[", right: "\\]", display: true },
          { left: "\\(", right: "\\)", display: false },
        ],
        throwOnError: false,
        trust: false,
        strict: "ignore",
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { typeset(document); });
  document.addEventListener("htmx:afterSwap", function (event) { typeset(event.detail.target.parentNode || document); });
})();
