// Cytoscape views: the /graph/ page (controls update the graph in place) and small local graphs.
(function () {
  "use strict";
  var PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
                 "#9c755f", "#2f9e9e", "#8cd17d", "#d37295"];
  var SHAPES = { concept: "ellipse", note: "round-rectangle", paper: "rectangle", section: "diamond", question: "triangle" };
  var KIND_COLOURS = { note: "#8e6bbf", paper: "#555b66", section: "#7d8a99", question: "#bcbd22" };

  function css(name) { return getComputedStyle(document.documentElement).getPropertyValue(name).trim(); }

  function style() {
    return [
      { selector: "node", style: {
        "label": "data(short)", "font-size": 10, "color": css("--fg") || "#222",
        "text-valign": "bottom", "text-margin-y": 3, "text-wrap": "ellipsis", "text-max-width": 110,
        "background-color": "data(colour)", "shape": "data(shape)", "width": "data(size)", "height": "data(size)",
        "border-width": 1, "border-color": css("--bg") || "#fff" } },
      { selector: "node[kind != 'concept']", style: { "min-zoomed-font-size": 11 } },
      { selector: "node[kind = 'concept']", style: { "font-size": 12, "font-weight": 600, "min-zoomed-font-size": 6 } },
      { selector: "node.focus", style: { "border-width": 4, "border-color": css("--accent") || "#0b6bcb" } },
      { selector: "node.faded", style: { "opacity": 0.15 } },
      { selector: "edge", style: {
        "width": "mapData(weight, 0, 4, 0.6, 3)", "line-color": css("--border") || "#ccc", "curve-style": "bezier",
        "target-arrow-shape": "triangle", "target-arrow-color": css("--border") || "#ccc", "arrow-scale": 0.6, "opacity": 0.8 } },
      { selector: "edge[rel = 1]", style: { "line-color": css("--muted") || "#888", "target-arrow-color": css("--muted") || "#888",
        "label": "data(type)", "font-size": 8, "color": css("--muted") || "#888", "text-rotation": "autorotate" } },
      { selector: "edge.faded", style: { "opacity": 0.08 } }
    ];
  }

  function elements(data, community) {
    var maxImp = 0;
    data.nodes.forEach(function (n) { if (n.importance && n.importance > maxImp) maxImp = n.importance; });
    var keep = {};
    var nodes = data.nodes.filter(function (n) {
      var ok = !community || n.kind !== "concept" || String(n.community) === community;
      if (ok) keep[n.id] = true;
      return ok;
    }).map(function (n) {
      var size = n.kind === "concept" ? 18 + 30 * (maxImp ? (n.importance || 0) / maxImp : 0.3) : 12;
      var colour = n.kind === "concept" ? PALETTE[(n.community >= 0 ? n.community : 0) % PALETTE.length] : KIND_COLOURS[n.kind];
      var label = String(n.label || n.id);
      return { data: { id: n.id, kind: n.kind, url: n.url, label: label,
        short: label.length > 28 ? label.slice(0, 27) + "…" : label,
        colour: colour, shape: SHAPES[n.kind] || "ellipse", size: size } };
    });
    var edges = data.edges.filter(function (e) { return keep[e.source] && keep[e.target]; }).map(function (e, i) {
      var rel = ["mentions", "defines", "contains", "about", "answered-by", "cites", "links-to"].indexOf(e.type) < 0 ? 1 : 0;
      return { data: { id: "e" + i, source: e.source, target: e.target, type: e.type, weight: e.weight || 1, rel: rel } };
    });
    return nodes.concat(edges);
  }

  function hoverBox(cy, box) {
    if (!box) return;
    var cache = {};
    cy.on("mouseover", "node", function (evt) {
      var node = evt.target, id = node.id();
      var pos = node.renderedPosition();
      var container = cy.container();
      box.style.left = Math.round(container.offsetLeft + pos.x + 14) + "px";
      box.style.top = Math.round(container.offsetTop + pos.y + 14) + "px";
      var fill = function (html) { box.innerHTML = html; box.hidden = false; };
      if (cache[id]) { fill(cache[id]); return; }
      fill('<div class="preview-card"><p class="preview-title">' + escapeHtml(node.data("label")) + "</p></div>");
      fetch("/preview/" + encodeURIComponent(id) + "/", { headers: { "HX-Request": "true" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) { if (html) { cache[id] = html; if (!box.hidden) fill(html); } })
        .catch(function () {});
      cy.elements().addClass("faded");
      node.closedNeighborhood().removeClass("faded");
    });
    cy.on("mouseout", "node", function () { box.hidden = true; cy.elements().removeClass("faded"); });
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function draw(container, url, focus, community, onReady) {
    container.classList.add("loading");
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        container.classList.remove("loading");
        if (!res.ok) { container.setAttribute("data-error", res.body.error || "error"); return null; }
        if (container._cy) container._cy.destroy();
        var els = elements(res.body, community);
        var big = res.body.nodes.length > 400;
        var cy = cytoscape({
          container: container, elements: els, style: style(), wheelSensitivity: 0.3, minZoom: 0.15, maxZoom: 3,
          layout: { name: big ? "concentric" : "cose", animate: false, randomize: false,
                    nodeRepulsion: function () { return 12000; }, idealEdgeLength: function () { return 80; },
                    nodeOverlap: 8, gravity: 0.6, numIter: 800,
                    concentric: function (n) { return n.degree(); }, levelWidth: function () { return 4; } }
        });
        container._cy = cy;
        // A handful of nodes would otherwise be fitted at a giant zoom with overlapping labels.
        if (cy.zoom() > 1.2) { cy.zoom(1.2); cy.center(); }
        if (focus && cy.getElementById(focus).length) cy.getElementById(focus).addClass("focus");
        cy.on("tap", "node", function (evt) { var u = evt.target.data("url"); if (u) window.location.href = u; });
        container.setAttribute("data-nodes", String(cy.nodes().length));
        if (onReady) onReady(cy);
        return cy;
      })
      .catch(function () { container.classList.remove("loading"); container.setAttribute("data-error", "network"); });
  }

  function formParams(form) {
    var params = new URLSearchParams();
    var data = new FormData(form);
    var kinds = data.getAll("kinds");
    if (data.get("center")) params.set("center", data.get("center"));
    params.set("depth", data.get("depth") || "1");
    kinds.forEach(function (k) { params.append("kinds", k); });
    if (data.get("community")) params.set("community", data.get("community"));
    return params;
  }

  function mainGraph(container) {
    var form = document.getElementById("graph-controls");
    var box = document.getElementById("graph-hover");
    function apiUrl(params) {
      var api = new URLSearchParams();
      if (params.get("center")) api.set("center", params.get("center"));
      api.set("depth", params.get("depth") || "1");
      var kinds = params.getAll("kinds");
      if (kinds.length && params.get("center")) api.set("kinds", kinds.join(","));
      return container.getAttribute("data-graph") + "?" + api.toString();
    }
    function render(params) {
      return draw(container, apiUrl(params), params.get("center"), params.get("community") || "", function (cy) {
        hoverBox(cy, box);
      });
    }
    render(new URLSearchParams(window.location.search));
    if (!form) return;
    function refresh() {
      var params = formParams(form);
      var query = params.toString();
      history.replaceState(null, "", container.getAttribute("data-page") + "?" + query);
      render(params);
      if (window.htmx) {
        window.htmx.ajax("GET", container.getAttribute("data-page") + "?" + query, { target: "#listing", swap: "outerHTML" });
      }
    }
    form.addEventListener("change", function (event) {
      if (event.target.name === "center") return;  // focusing is handled on submit/select below
      refresh();
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var cy = container._cy;
      var wanted = form.elements.center.value.trim();
      refresh();
      if (cy && wanted && cy.getElementById(wanted).length) cy.center(cy.getElementById(wanted));
    });
    form.elements.center.addEventListener("input", function () {
      var value = form.elements.center.value.trim();
      var options = document.querySelectorAll("#concept-options option");
      for (var i = 0; i < options.length; i++) { if (options[i].value === value) { refresh(); return; } }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof cytoscape === "undefined") return;
    // Cytoscape injects a <style> unless an element with this id exists; the CSP forbids inline
    // styles, and site.css already gives the container position: relative.
    if (!document.getElementById("__________cytoscape_stylesheet")) {
      var marker = document.createElement("meta");
      marker.id = "__________cytoscape_stylesheet";
      document.head.appendChild(marker);
    }
    var main = document.getElementById("cy");
    if (main) mainGraph(main);
    document.querySelectorAll(".cy-local").forEach(function (el) {
      var box = document.createElement("div");
      box.className = "graph-hover";
      box.hidden = true;
      el.parentNode.classList.add("has-graph-hover");
      el.parentNode.appendChild(box);
      draw(el, el.getAttribute("data-graph"), el.getAttribute("data-focus"), "", function (cy) { hoverBox(cy, box); });
    });
    document.addEventListener("themechange", function () {
      document.querySelectorAll(".cy").forEach(function (el) { if (el._cy) el._cy.style(style()); });
    });
  });
})();
