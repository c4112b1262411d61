/* Draws a stakeholder map from the page's JSON block (graphcrm/web/network.py)
   with the app's own copy of vis-network.  Titles and the details box are
   plain text (vis-network 9 shows string titles as text, never markup).

   Two layouts, each giving the same picture on every load:
   - "network": forceAtlas2 physics from a fixed seed (LAYOUT_SEED),
     stabilized for a bounded number of iterations (fewer for large networks),
     then switched off, so that a network of 1,000+ nodes settles in a few
     seconds and stays responsive;
   - "hierarchical": the org chart, top down, no physics: from the "level"
     (row) and "column" the server computed for each node (the account), or
     vis-network's hierarchical layout of the "level"s alone (the power map).
   The container's data-layout picks the first one drawn (the power map is an
   org chart only); the radio buttons named "network-layout" switch layouts.
   The container carries data-settled="true" once nothing moves any more.

   Each kind of line has its colour, dashes, width, arrow and curve
   (edge_styles), so two kinds of line between the same people lie apart; each
   stance has its shape as well as its colour (the node's "shape").

   The find box (#network-find) suggests every name on the map and selects
   and centres the first node whose name holds the text typed (again: the
   next one).  A click or a find shows the
   node in the details box, with who influences them and whom they influence;
   data-person-url="/people/__ID__" makes the details box link to people. */
(function () {
  "use strict";

  var LAYOUT_SEED = 20261;     // any fixed number: the same seed, the same layout
  var LARGE = 300;             // nodes: above this, the lighter settings below
  var NODE_OPTIONS = {
    font: { size: 14, background: "rgba(255, 255, 255, 0.85)" },  // names drawn last, over lines and arrows
    chosen: { node: highlightSelected, label: false }
  };
  var BOX_FONT = { background: "none" };                          // a name inside a box has the box
  var EDGE_OPTIONS = { smooth: false, arrows: { middle: { scaleFactor: 0.8 } } };
  var FORCE_PHYSICS = { solver: "forceAtlas2Based", forceAtlas2Based: { springLength: 110, avoidOverlap: 0.5 },
                        stabilization: { enabled: true, updateInterval: 25, fit: true } };
  var FORCE_ITERATIONS = 300;
  var LARGE_FORCE_ITERATIONS = 150;
  var ORG_CHART_COLUMN = 150;  // px between the columns and the rows of the server's org chart
  var ORG_CHART_ROW = 120;
  var ORG_CHART = { enabled: true, direction: "UD", levelSeparation: 110, nodeSpacing: 170,
                    sortMethod: "directed", shakeTowards: "roots" };
  var FOCUS_SCALE = 1.3;
  var FOCUS_ANIMATION = { duration: 400, easingFunction: "easeInOutQuad" };
  var SELECTED = { borderWidth: 4, borderColor: "#1f5fa8", shadowColor: "rgba(31, 95, 168, 0.6)", shadowSize: 22 };

  var dataEl = document.getElementById("network-data");
  var container = document.getElementById("network");
  if (!dataEl || !container || typeof vis === "undefined") { return; }
  var data = JSON.parse(dataEl.textContent);
  var text = data.text || {};
  var large = data.nodes.length > LARGE;
  var hidden = {};
  var nodes = new vis.DataSet(data.nodes.map(styledNode));
  var edges = new vis.DataSet(data.edges.map(styledEdge));
  var edgeView = new vis.DataView(edges, { filter: function (e) { return !hidden[e.kind]; } });
  var details = document.getElementById("node-details");
  var network = null;
  var forcePositions = null;   // the force layout once settled: switching back to it redraws it at once
  var chartPositions = orgChartPositions();

  /* a person's tooltip from its parts; a box's name without a background of its own */
  function styledNode(n) {
    if (!n.title && n.stance !== undefined) {
      var stances = data.stances || {};
      n.title = [n.label, n.job, n.department,
                 (stances[n.stance] || n.stance) + " · " + (text.influence || "influence") + " " + n.influence]
        .filter(Boolean).join("\n");
    }
    if (n.shape === "box") { n.font = BOX_FONT; }
    return n;
  }

  /* an edge's colour, dashes, width, curve, arrow and tooltip from its kind (and strength) */
  function styledEdge(e, i) {
    var style = (data.edge_styles || {})[e.kind];
    if (style) {
      e.color = e.color || style.color;
      e.dashes = style.dashes;
      e.width = style.width;
      e.smooth = style.smooth;
      e.arrows = style.arrows;
      e.title = e.title || (style.title + (e.strength === undefined ? "" :
        " (" + (text.strength || "strength") + " " + e.strength + ")"));
    }
    e.id = e.id || ("e" + i);
    return e;
  }

  /* vis-network's "chosen" hook: a selected node gets a thick blue ring and a glow */
  function highlightSelected(values, nodeId, selected) {
    if (!selected) { return; }
    values.borderWidth = SELECTED.borderWidth;
    values.borderColor = SELECTED.borderColor;
    values.shadow = true;
    values.shadowColor = SELECTED.shadowColor;
    values.shadowSize = SELECTED.shadowSize;
    values.shadowX = 0;
    values.shadowY = 0;
  }

  /* the org chart's positions from each node's row and column, if they all have them */
  function orgChartPositions() {
    if (!data.nodes.length || !data.nodes.every(function (n) { return n.column !== undefined; })) { return null; }
    var positions = {};
    data.nodes.forEach(function (n) { positions[n.id] = { x: n.column * ORG_CHART_COLUMN, y: n.level * ORG_CHART_ROW }; });
    return positions;
  }

  /* where the nodes go without physics: the saved force layout, the server's org chart, or nowhere */
  function fixedPositions(layout) {
    return layout === "hierarchical" ? chartPositions : forcePositions;
  }

  function optionsFor(layout) {
    var options = {
      nodes: NODE_OPTIONS,
      edges: EDGE_OPTIONS,
      interaction: { hover: !large, tooltipDelay: 150, hideEdgesOnDrag: large, hideEdgesOnZoom: large }
    };
    if (fixedPositions(layout)) {
      options.layout = { randomSeed: LAYOUT_SEED, improvedLayout: false };
      options.physics = false;
    } else if (layout === "hierarchical") {
      options.layout = { randomSeed: LAYOUT_SEED, hierarchical: ORG_CHART };
      options.physics = false;
    } else {
      options.layout = { randomSeed: LAYOUT_SEED, improvedLayout: !large };
      options.physics = Object.assign({}, FORCE_PHYSICS, {
        stabilization: Object.assign({}, FORCE_PHYSICS.stabilization,
                                     { iterations: large ? LARGE_FORCE_ITERATIONS : FORCE_ITERATIONS })
      });
    }
    return options;
  }

  function settled() { container.dataset.settled = "true"; }

  /* (re)draw the map in a layout, keeping the selection */
  function draw(layout) {
    var selected = network ? network.getSelectedNodes() : [];
    if (network) { network.destroy(); }
    delete container.dataset.settled;
    container.dataset.layout = layout;
    var options = optionsFor(layout);
    network = new vis.Network(container, { nodes: nodes, edges: edgeView }, options);
    window.graphcrmNetwork = network;
    network.on("click", function (params) { showDetails(params.nodes[0]); });
    if (options.physics !== false) {
      network.once("stabilizationIterationsDone", function () {
        network.setOptions({ physics: false });
        forcePositions = network.getPositions();
        settled();
      });
    } else {
      if (fixedPositions(layout)) { place(fixedPositions(layout)); }
      network.once("afterDrawing", settled);
    }
    if (selected.length) { network.selectNodes(selected); }
  }

  function place(positions) {
    Object.keys(positions).forEach(function (nodeId) {
      network.moveNode(nodeId, positions[nodeId].x, positions[nodeId].y);
    });
    network.fit({ animation: false });
  }

  /* the name of a node: the first line of its label (the power map adds the role) */
  function nameOf(node) { return String(node.label || node.id).split("\n")[0]; }

  /* "Influenced by: …" and "Influences: …", with each line's strength */
  function influenceLines(nodeId) {
    var by = [], on = [];
    function entry(otherId, e) {
      var other = nodes.get(otherId);
      return (other ? nameOf(other) : otherId) + (e.strength === undefined ? "" : " (" + e.strength + ")");
    }
    edges.forEach(function (e) {
      if (e.kind !== "INFLUENCES") { return; }
      if (e.to === nodeId) { by.push(entry(e.from, e)); }
      if (e.from === nodeId) { on.push(entry(e.to, e)); }
    });
    var separator = text.separator || ", ", nobody = text.nobody || "-";
    return [(text.influenced_by || "Influenced by: %(names)s").replace("%(names)s", by.join(separator) || nobody),
            (text.influences || "Influences: %(names)s").replace("%(names)s", on.join(separator) || nobody)];
  }

  function showDetails(nodeId) {
    if (!details) { return; }
    details.textContent = "";
    var n = nodeId === undefined ? null : nodes.get(nodeId);
    if (!n) { return; }
    var lines = [n.title || n.label || ""];
    if (n.kind === "Person") { lines = lines.concat(influenceLines(n.id)); }
    details.textContent = lines.join("\n");
    var personUrl = container.dataset.personUrl;
    if (personUrl && n.kind === "Person") {
      var link = document.createElement("a");
      link.href = personUrl.replace("__ID__", encodeURIComponent(n.id));
      link.textContent = container.dataset.openLabel || "→";
      details.appendChild(document.createTextNode("\n"));
      details.appendChild(link);
    }
  }

  /* the ids of the nodes whose name holds ``query``: exact names first, then
     names that start with it, then the rest, each group by name */
  function matches(query) {
    var q = query.trim().toLowerCase();
    if (!q) { return []; }
    function rank(n) {
      var name = nameOf(n).toLowerCase();
      return name === q ? 0 : (name.indexOf(q) === 0 ? 1 : 2);
    }
    return nodes.get({ filter: function (n) { return nameOf(n).toLowerCase().indexOf(q) !== -1; } })
      .sort(function (a, b) { return rank(a) - rank(b) || nameOf(a).localeCompare(nameOf(b)); })
      .map(function (n) { return n.id; });
  }

  /* the find box's suggestions: every name on the map, once, in order */
  function fillNames() {
    var list = document.getElementById("network-names");
    if (!list) { return; }
    var names = {};
    nodes.forEach(function (n) { names[nameOf(n)] = true; });
    Object.keys(names).sort(function (a, b) { return a.localeCompare(b); }).forEach(function (name) {
      var option = document.createElement("option");
      option.value = name;
      list.appendChild(option);
    });
  }

  function bindFind() {
    var form = document.querySelector("form.network-find");
    var input = document.getElementById("network-find");
    if (!form || !input) { return; }
    fillNames();
    var status = form.querySelector(".find-status");
    var last = { query: null, index: -1 };
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var ids = matches(input.value);
      if (!ids.length) {
        if (status) { status.textContent = form.dataset.notFound || ""; }
        return;
      }
      var index = input.value === last.query ? (last.index + 1) % ids.length : 0;
      last = { query: input.value, index: index };
      if (status) { status.textContent = ids.length > 1 ? (index + 1) + " / " + ids.length : ""; }
      var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      network.selectNodes([ids[index]]);
      network.focus(ids[index], { scale: Math.max(network.getScale(), FOCUS_SCALE),
                                  animation: reduced ? false : FOCUS_ANIMATION });
      showDetails(ids[index]);
    });
  }

  function bindToggles() {
    document.querySelectorAll(".edge-toggle").forEach(function (box) {
      box.addEventListener("change", function () {
        hidden[box.value] = !box.checked;
        edgeView.refresh();
      });
    });
  }

  function bindLayoutSwitch(layout) {
    document.querySelectorAll("input[name=network-layout]").forEach(function (radio) {
      radio.checked = radio.value === layout;   // a restored form state must not contradict the map
      radio.addEventListener("change", function () { if (radio.checked) { draw(radio.value); } });
    });
  }

  /* PNG of the current view: the canvas as drawn (zoom, pan, toggles), on white. */
  function bindPng() {
    var png = document.getElementById("network-png");
    if (!png) { return; }
    png.addEventListener("click", function () {
      var source = container.querySelector("canvas");
      if (!source) { return; }
      var out = document.createElement("canvas");
      out.width = source.width;
      out.height = source.height;
      var ctx = out.getContext("2d");
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, out.width, out.height);
      ctx.drawImage(source, 0, 0);
      var a = document.createElement("a");
      a.href = out.toDataURL("image/png");
      a.download = png.dataset.filename || "network.png";
      document.body.appendChild(a);
      a.click();
      a.remove();
    });
  }

  var firstLayout = container.dataset.layout === "hierarchical" ? "hierarchical" : "network";
  draw(firstLayout);
  bindToggles();
  bindLayoutSwitch(firstLayout);
  bindFind();
  bindPng();
})();
