/* The dashboard's coverage-by-segment bars, drawn as SVG from the page's
   JSON block (no external library, no inline script).  Each segment gets a
   light bar (share of stakeholders we know) with a dark bar inside it (share
   we know well); the table below the chart holds the same figures. */
(function () {
  "use strict";
  var dataEl = document.getElementById("segment-chart-data");
  var box = document.getElementById("segment-chart");
  if (!dataEl || !box) { return; }
  var rows = JSON.parse(dataEl.textContent);
  var NS = "http://www.w3.org/2000/svg";
  var labelWidth = 110, barWidth = 300, rowHeight = 26, width = labelWidth + barWidth + 130;
  var svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", "0 0 " + width + " " + (rows.length * rowHeight + 4));
  svg.setAttribute("width", "100%");
  function el(name, attrs, text) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    svg.appendChild(node);
    return node;
  }
  rows.forEach(function (r, i) {
    var y = i * rowHeight + 4;
    el("text", { x: 0, y: y + 15, "font-size": 13 }, r.label);
    el("rect", { x: labelWidth, y: y, width: barWidth, height: 18, fill: "#eef0f4" });
    el("rect", { x: labelWidth, y: y, width: barWidth * r.coverage / 100, height: 18, fill: "#9ecae1",
                 "class": "bar-known" }).appendChild(document.createElementNS(NS, "title")).textContent =
      r.label + ": " + r.coverage + "% " + (box.dataset.knownLabel || "");
    el("rect", { x: labelWidth, y: y + 5, width: barWidth * r.strong / 100, height: 8, fill: "#1f5fa8",
                 "class": "bar-strong" }).appendChild(document.createElementNS(NS, "title")).textContent =
      r.label + ": " + r.strong + "% " + (box.dataset.strongLabel || "");
    el("text", { x: labelWidth + barWidth + 6, y: y + 15, "font-size": 12, fill: "#444" },
       r.coverage + "% / " + r.strong + "%  (" + r.accounts + ")");
  });
  box.appendChild(svg);
})();
