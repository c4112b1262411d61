/* The pages' small charts, drawn as SVG from the page's JSON blocks (no
   external library, no inline script); a table or text on the page holds the
   same figures.
   - The dashboard's coverage-by-segment bars: each segment gets a light bar
     (share of stakeholders we know) with a dark bar inside it (share we know
     well).
   - The account's satisfaction trend: one column per month, the average score
     0-10, coloured by its band (detractor 0-6, passive 7-8, promoter 9-10);
     a month without a score is a grey tick.
   - A bid's readiness over time: one column per gate (each change of its
     stage), the readiness score 0-100 above it, the stage and day below. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var SEGMENT = { labelWidth: 110, barWidth: 300, rowHeight: 26 };
  var TREND = { columnWidth: 34, height: 120, top: 16, bottom: 20, maxScore: 10 };
  var GATES = { columnWidth: 64, height: 150, top: 16, bottom: 34, maxScore: 100, color: "#1f5fa8" };
  var BAND_COLORS = { detractor: "#c0392b", passive: "#e0a800", promoter: "#2e8b57", none: "#c8ccd4" };

  function svgIn(box, width, height) {
    var svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    svg.setAttribute("width", "100%");
    box.appendChild(svg);
    return svg;
  }

  function el(svg, name, attrs, text) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    svg.appendChild(node);
    return node;
  }

  function titled(node, text) {
    node.appendChild(document.createElementNS(NS, "title")).textContent = text;
    return node;
  }

  function drawSegments() {
    var dataEl = document.getElementById("segment-chart-data");
    var box = document.getElementById("segment-chart");
    if (!dataEl || !box) { return; }
    var rows = JSON.parse(dataEl.textContent);
    var s = SEGMENT;
    var svg = svgIn(box, s.labelWidth + s.barWidth + 130, rows.length * s.rowHeight + 4);
    rows.forEach(function (r, i) {
      var y = i * s.rowHeight + 4;
      el(svg, "text", { x: 0, y: y + 15, "font-size": 13 }, r.label);
      el(svg, "rect", { x: s.labelWidth, y: y, width: s.barWidth, height: 18, fill: "#eef0f4" });
      titled(el(svg, "rect", { x: s.labelWidth, y: y, width: s.barWidth * r.coverage / 100, height: 18,
                               fill: "#9ecae1", "class": "bar-known" }),
             r.label + ": " + r.coverage + "% " + (box.dataset.knownLabel || ""));
      titled(el(svg, "rect", { x: s.labelWidth, y: y + 5, width: s.barWidth * r.strong / 100, height: 8,
                               fill: "#1f5fa8", "class": "bar-strong" }),
             r.label + ": " + r.strong + "% " + (box.dataset.strongLabel || ""));
      el(svg, "text", { x: s.labelWidth + s.barWidth + 6, y: y + 15, "font-size": 12, fill: "#444" },
         r.coverage + "% / " + r.strong + "%  (" + r.accounts + ")");
    });
  }

  function band(score) {
    if (score === null) { return "none"; }
    return score >= 9 ? "promoter" : (score <= 6 ? "detractor" : "passive");
  }

  function drawTrend(box) {
    var dataEl = document.getElementById(box.id + "-data");
    if (!dataEl) { return; }
    var months = JSON.parse(dataEl.textContent);
    var t = TREND;
    var plot = t.height - t.top - t.bottom;
    var svg = svgIn(box, months.length * t.columnWidth, t.height);
    [6, 8].forEach(function (line) {  // the band limits
      var y = t.top + plot * (1 - line / t.maxScore);
      el(svg, "line", { x1: 0, x2: months.length * t.columnWidth, y1: y, y2: y, stroke: "#e3e6ec",
                        "stroke-dasharray": "3 3" });
    });
    months.forEach(function (m, i) {
      var x = i * t.columnWidth + 6;
      var w = t.columnWidth - 12;
      var label = m.month + ": " + (m.average === null ? (box.dataset.noScore || "") : m.average + "/10 (" + m.responses + ")");
      if (m.average === null) {
        titled(el(svg, "rect", { x: x, y: t.top + plot - 2, width: w, height: 2, fill: BAND_COLORS.none,
                                 "class": "month-empty" }), label);
      } else {
        var h = Math.max(2, plot * m.average / t.maxScore);
        titled(el(svg, "rect", { x: x, y: t.top + plot - h, width: w, height: h, fill: BAND_COLORS[band(m.average)],
                                 "class": "month-score" }), label);
        el(svg, "text", { x: x + w / 2, y: t.top + plot - h - 3, "font-size": 10, "text-anchor": "middle",
                          fill: "#333" }, String(m.average));
      }
      el(svg, "text", { x: x + w / 2, y: t.height - 5, "font-size": 10, "text-anchor": "middle", fill: "#666" },
         m.month.slice(5));
    });
  }

  function drawGates() {
    var dataEl = document.getElementById("gates-chart-data");
    var box = document.getElementById("gates-chart");
    if (!dataEl || !box) { return; }
    var gates = JSON.parse(dataEl.textContent);
    var t = GATES;
    var plot = t.height - t.top - t.bottom;
    var width = Math.max(gates.length, 4) * t.columnWidth;
    var svg = svgIn(box, width, t.height);
    svg.setAttribute("width", String(width));   // drawn at its own size, narrowed on a phone only
    svg.style.maxWidth = "100%";
    [50].forEach(function (line) {
      var y = t.top + plot * (1 - line / t.maxScore);
      el(svg, "line", { x1: 0, x2: gates.length * t.columnWidth, y1: y, y2: y, stroke: "#e3e6ec",
                        "stroke-dasharray": "3 3" });
    });
    gates.forEach(function (g, i) {
      var x = i * t.columnWidth + 10;
      var w = t.columnWidth - 20;
      var h = Math.max(2, plot * g.score / t.maxScore);
      titled(el(svg, "rect", { x: x, y: t.top + plot - h, width: w, height: h, fill: t.color, "class": "gate-score" }),
             g.day + " · " + g.stage + ": " + g.score);
      el(svg, "text", { x: x + w / 2, y: t.top + plot - h - 3, "font-size": 11, "text-anchor": "middle", fill: "#333" },
         String(g.score));
      el(svg, "text", { x: x + w / 2, y: t.height - 18, "font-size": 10, "text-anchor": "middle", fill: "#333" },
         g.stage);
      el(svg, "text", { x: x + w / 2, y: t.height - 5, "font-size": 10, "text-anchor": "middle", fill: "#666" },
         g.day.slice(5));
    });
  }

  drawSegments();
  drawGates();
  Array.prototype.forEach.call(document.querySelectorAll(".trend-chart"), drawTrend);
})();
