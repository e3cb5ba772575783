// Site-wide behaviour: theme switch and hover previews. No inline scripts anywhere (CSP).
(function () {
  "use strict";
  var root = document.documentElement;
  var stored = null;
  try { stored = localStorage.getItem("theme"); } catch (e) { /* private mode */ }
  if (stored === "dark" || stored === "light") root.setAttribute("data-theme", stored);

  function currentTheme() {
    var set = root.getAttribute("data-theme");
    if (set) return set;
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector(".theme-toggle");
    if (toggle) {
      toggle.hidden = false;
      toggle.addEventListener("click", function () {
        var next = currentTheme() === "dark" ? "light" : "dark";
        root.setAttribute("data-theme", next);
        try { localStorage.setItem("theme", next); } catch (e) { /* ignore */ }
        document.dispatchEvent(new CustomEvent("themechange"));
      });
    }
  });

  // Hover previews: any element with data-preview="<node id>" gets a card after a short delay.
  var card = null, timer = null, cache = {}, active = null;
  var previewBase = "/preview/";

  function ensureCard() {
    if (!card) {
      card = document.createElement("div");
      card.className = "hover-card";
      card.setAttribute("role", "tooltip");
      card.hidden = true;
      card.addEventListener("mouseleave", hide);
      document.body.appendChild(card);
    }
    return card;
  }

  function place(target) {
    var rect = target.getBoundingClientRect();
    var c = ensureCard();
    var top = window.scrollY + rect.bottom + 6;
    var left = Math.min(window.scrollX + rect.left, window.scrollX + document.documentElement.clientWidth - 340);
    c.style.top = top + "px";
    c.style.left = Math.max(8, left) + "px";
  }

  function show(target, html) {
    if (active !== target) return;
    var c = ensureCard();
    c.innerHTML = html;  // server-rendered, escaped template partial from our own origin
    place(target);
    c.hidden = false;
  }

  function hide() { if (card) card.hidden = true; active = null; }

  function load(node, target) {
    if (cache[node]) { show(target, cache[node]); return; }
    fetch(previewBase + encodeURIComponent(node) + "/", { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { if (html) { cache[node] = html; show(target, html); } })
      .catch(function () { /* a preview is optional */ });
  }

  window.mjPreview = { load: function (node, target) { active = target; load(node, target); }, hide: hide };

  document.addEventListener("mouseover", function (event) {
    var target = event.target.closest && event.target.closest("[data-preview]");
    if (!target || target === active) return;
    clearTimeout(timer);
    active = target;
    timer = setTimeout(function () { load(target.getAttribute("data-preview"), target); }, 350);
  });
  document.addEventListener("mouseout", function (event) {
    var target = event.target.closest && event.target.closest("[data-preview]");
    if (!target) return;
    var to = event.relatedTarget;
    if (to && (target.contains(to) || (card && card.contains(to)))) return;
    clearTimeout(timer);
    setTimeout(function () { if (!(card && card.matches(":hover"))) hide(); }, 150);
  });
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") hide(); });
})();
