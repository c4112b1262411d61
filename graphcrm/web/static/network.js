/* Draws a stakeholder map from the page's JSON block (graphcrm/web/network.py)
   with the app's own copy of vis-network.  Titles and the details box are
   plain text (vis-network 9 shows string titles as text, never markup).

   Two layouts, each giving the same picture on every load:
   - "network": forceAtlas2 physics from a fixed seed (LAYOUT_SEED),
     stabilized for a bounded number of iterations (fewer for large networks),
     then switched off, so that a network of 1,000+ nodes settles in a few
     seconds and stays responsive;
   - "hierarchical": the org chart, top down, no physics: from the "level"
     (row) and "column" the server computed for each node (the account and
     the power map, which the review pack's PDF draws at the same places), or
     vis-network's hierarchical layout of the "level"s alone (data without columns).
   The container's data-layout picks the first one drawn (the power map is an
   org chart only); the radio buttons named "network-layout" switch layouts.
   The container carries data-settled="true" once nothing moves any more.

   The team's layout (the account network's saved_layout): the nodes it
   places are drawn there; when it places them all, there is no physics at
   all, else the others are laid out by the seeded force layout around them
   (pinned meanwhile), each starting beside a placed neighbour.  A node
   dragged in the force layout stays where it is dropped for this page view;
   a user who may edit the account keeps the picture for everyone with "Save
   positions" (#map-positions: one JSON POST of every node's place, with the
   layout's version; a 409 keeps the user's picture and the stored version,
   so that saving again replaces the other's deliberately), and "Reset
   layout" drops the saved places (the seeded layout again, for everyone).
   Saving is a click, not every drop: a user may move people to look at the
   map without rearranging it for the team, and one save is one audited write.

   Each kind of line has its colour, dashes, width, arrow and curve
   (edge_styles), so two kinds of line between the same people lie apart; each
   stance has its shape as well as its colour (the node's "shape").

   The find box (#network-find) suggests every name on the map and selects
   and centres the first node whose name holds the text typed (again: the
   next one).  A click or a find shows the
   node in the details box, with who influences them and whom they influence;
   data-person-url="/people/__ID__" makes the details box link to people.

   Editing on the map (a user who may edit gets the side panel #map-edit,
   graphcrm/web/mapedit.py): a click on a person, or finding them, opens them
   in the panel (title, stance, influence; on the power map their role in the
   deal), with their lines (each with a Remove button), "Add a line to…",
   our relationship and a competitor's.  "Draw a line" lets vis-network's
   addEdgeMode pick the two people by dragging from one to the other; the
   panel then asks which kind of line.  Every change is one JSON POST with
   the CSRF token of #map-session; the map is then drawn again from the
   panel's data-map-url (no page load), the page's tables and findings
   (elements marked data-refresh) are replaced by those of the page as the
   server renders it now, and the status line (aria-live) names what was
   saved or why not.  A stale edit (409) lists what someone else
   changed and keeps the user's values, with the stored version: saving again
   is a deliberate choice, as on the forms. */
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
  var PERSON_LINES = { REPORTS_TO: true, INFLUENCES: true, KNOWS: true };   // lines drawn between two people
  var REMOVABLE_LINES = { REPORTS_TO: true, INFLUENCES: true, KNOWS: true, RELATIONSHIP: true };
  var NEW_NODE_OFFSET = 90;    // px beside a neighbour (or the view's centre) where a new person appears
  var BESIDE_ANGLE = 2.4;      // radians between the nodes that start beside one placed neighbour
  var JSON_HEADERS = { "Content-Type": "application/json", "Accept": "application/json" };
  // the side panel's inputs of a person's properties and of their role in the deal (ROLE_IN)
  var PERSON_FIELDS = { title: "map-title", stance: "map-stance", influence: "map-influence",
                        compliance_role: "map-compliance-role" };
  var ROLE_FIELDS = { role: "map-role", stance: "map-deal-stance", influence: "map-deal-influence" };
  var PERSON_FORMS = ["map-person", "map-lines-section", "map-line", "map-ours", "map-tie"];

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
  var editor = document.getElementById("map-edit");       // the side panel: only for a user who may edit
  var session = document.getElementById("map-session");
  var editText = editor ? JSON.parse(document.getElementById("map-edit-text").textContent) : {};
  var chosen = { id: null, version: null, role: null, loaded: {}, conflict: false };  // the person in the panel
  var drawing = false;
  var network = null;
  var chartPositions = orgChartPositions();
  var positionsTools = document.getElementById("map-positions");   // saving the positions: a user who may edit
  var positionsText = positionsTools ? JSON.parse(document.getElementById("map-positions-text").textContent) : {};
  var savedLayout = data.saved_layout || { positions: {}, version: 0 };
  var layoutVersion = savedLayout.version || 0;   // the team's layout this page's picture started from
  // the force layout once settled (or as the team saved it whole): switching back to it redraws it at once
  var forcePositions = completeSavedPositions();

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
  function styledEdge(e) {
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
    e.id = e.id || (e.kind + ":" + e.from + ":" + e.to);   // one line of a kind between two nodes
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

  /* the team's saved places of the nodes on the map, as vis-network positions */
  function savedPositions() {
    var saved = savedLayout.positions || {}, positions = {};
    Object.keys(saved).forEach(function (nodeId) {
      if (nodes.get(nodeId)) { positions[nodeId] = { x: saved[nodeId][0], y: saved[nodeId][1] }; }
    });
    return positions;
  }

  /* the saved places if they place every node (then no physics is needed), else null */
  function completeSavedPositions() {
    var positions = savedPositions();
    return nodes.length && Object.keys(positions).length === nodes.length ? positions : null;
  }

  /* before the force layout of a map the team placed in part: the placed nodes pinned where they
     were saved, each other node starting beside a placed neighbour (the first by id), turned by
     BESIDE_ANGLE from the one before; the ids pinned */
  function pinSaved(saved) {
    var neighbours = {}, beside = {}, updates = [];
    edges.forEach(function (e) {
      (neighbours[e.from] = neighbours[e.from] || []).push(e.to);
      (neighbours[e.to] = neighbours[e.to] || []).push(e.from);
    });
    nodes.getIds().sort().forEach(function (nodeId) {
      if (saved[nodeId]) {
        updates.push({ id: nodeId, x: saved[nodeId].x, y: saved[nodeId].y, fixed: true });
        return;
      }
      var placed = (neighbours[nodeId] || []).filter(function (other) { return saved[other]; }).sort()[0];
      if (placed === undefined) { return; }   // no placed neighbour: where the seeded layout puts it
      var turn = BESIDE_ANGLE * (beside[placed] = (beside[placed] || 0) + 1);
      updates.push({ id: nodeId, x: saved[placed].x + NEW_NODE_OFFSET * Math.cos(turn),
                     y: saved[placed].y + NEW_NODE_OFFSET * Math.sin(turn) });
    });
    nodes.update(updates);
    return Object.keys(saved);
  }

  function optionsFor(layout, pinned) {
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
      options.layout = { randomSeed: LAYOUT_SEED, improvedLayout: !large && !pinned };   // it would move the pinned
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
    if (positionsTools) { positionsTools.hidden = layout !== "network"; }
    var saved = layout === "network" && !forcePositions ? savedPositions() : {};
    if (layout === "network" && !forcePositions) { unplace(); }
    var pinned = Object.keys(saved).length ? pinSaved(saved) : [];
    var options = optionsFor(layout, pinned.length);
    if (editor) { options.manipulation = { enabled: false, addEdge: lineDrawn }; }
    network = new vis.Network(container, { nodes: nodes, edges: edgeView }, options);
    window.graphcrmNetwork = network;
    setDrawing(false);
    network.on("click", clicked);
    network.on("dragEnd", dropped);
    if (options.physics !== false) {
      network.once("stabilizationIterationsDone", function () {
        network.setOptions({ physics: false });
        nodes.update(pinned.map(function (nodeId) { return { id: nodeId, fixed: false }; }));   // draggable again
        forcePositions = network.getPositions();
        settled();
      });
    } else {
      if (fixedPositions(layout)) { place(fixedPositions(layout)); }
      network.once("afterDrawing", settled);
    }
    if (selected.length) { network.selectNodes(selected); }
  }

  /* the nodes to these positions, in one update of the data: one redraw (network.moveNode for each
     node redraws the whole map each time: 2.2 s for a map of 210 nodes, bench/bench_network.py) */
  function place(positions, keepView) {
    nodes.update(Object.keys(positions).filter(function (nodeId) { return nodes.get(nodeId); })
      .map(function (nodeId) { return { id: nodeId, x: positions[nodeId].x, y: positions[nodeId].y }; }));
    if (!keepView) { network.fit({ animation: false }); }
  }

  /* no node placed beforehand: the seeded force layout from scratch, as on a first load */
  function unplace() {
    var unplaced = nodes.get().filter(function (n) { return n.x !== undefined || n.fixed !== undefined; });
    if (!unplaced.length) { return; }
    nodes.remove(unplaced.map(function (n) { return n.id; }));
    nodes.add(unplaced.map(function (n) { delete n.x; delete n.y; delete n.fixed; return n; }));
  }

  /* -- the team's positions (#map-positions) -------------------------------------------- */

  /* a node dropped in the force layout stays there for this page view; a user who may edit is told to save */
  function dropped(params) {
    if (!params.nodes.length || container.dataset.layout !== "network") { return; }
    forcePositions = network.getPositions();
    if (positionsTools) { sayPositions(positionsText.moved); }
  }

  function sayPositions(message) { document.getElementById("map-positions-status").textContent = message; }

  /* Save positions: every node's place in the force layout as it is drawn now */
  function savePositions() {
    if (container.dataset.layout !== "network") { return; }
    var drawn = network.getPositions(), positions = {};
    Object.keys(drawn).forEach(function (nodeId) { positions[nodeId] = [drawn[nodeId].x, drawn[nodeId].y]; });
    sendPositions(positions).then(function (ok) { if (ok) { forcePositions = drawn; } });
  }

  /* Reset layout: no saved places; the seeded force layout again, as on a first load */
  function resetPositions() {
    sendPositions(null).then(function (ok) {
      if (!ok) { return; }
      forcePositions = null;
      draw("network");
    });
  }

  /* one POST of the positions (null: none) with the layout's version; resolves to whether it was saved */
  function sendPositions(positions) {
    sayPositions(positionsText.saving);
    return send(positionsTools.dataset.url, { positions: positions, version: layoutVersion }).then(function (answer) {
      var body = answer.body || {};
      if (answer.status === 200) {
        savedLayout = body.layout;
        layoutVersion = body.layout.version;
        sayPositions(body.saved);
        return true;
      }
      if (answer.status === 409 && body.current) {
        layoutVersion = body.current.version;   // saving again replaces theirs: a deliberate choice
        sayPositions(positionsText.conflict);
      } else if (answer.status === 0) {
        sayPositions(positionsText.unreachable);
      } else {
        sayPositions(fill(positionsText.refused, { message: body.message || body.error || String(answer.status) }));
      }
      return false;
    });
  }

  function bindPositions() {
    if (!positionsTools || !session) { return; }
    document.getElementById("map-positions-save").addEventListener("click", savePositions);
    document.getElementById("map-positions-reset").addEventListener("click", resetPositions);
  }

  /* a click on a person shows them (and opens them in the panel); a click on a line opens its person */
  function clicked(params) {
    if (params.nodes.length || !params.edges.length) {
      choose(params.nodes[0]);
    } else {
      lineClicked(params.edges[0]);
    }
  }

  function choose(nodeId) {
    showDetails(nodeId);
    openPanel(nodeId);
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
    list.textContent = "";
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
      choose(ids[index]);
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

  /* -- editing on the map (the side panel #map-edit) ------------------------------------- */

  function field(id) { return document.getElementById(id); }

  function fill(template, values) {
    return Object.keys(values).reduce(function (out, key) {
      return out.split("%(" + key + ")s").join(values[key]);
    }, template || "");
  }

  function say(message) { field("map-status").textContent = message; }

  function urlOf(template, parts) {
    return Object.keys(parts).reduce(function (url, key) {
      return url.split("__" + key + "__").join(encodeURIComponent(parts[key]));
    }, template);
  }

  function lineUrl(kind, from, to, action) {
    return urlOf(editor.dataset.lineUrl, { TYPE: kind, START: from, END: to }) + (action ? "/" + action : "");
  }

  /* POST a JSON object with the CSRF token; resolves to {status, body} (status 0: no answer) */
  function send(url, body) {
    var headers = Object.assign({ "X-CSRFToken": session.dataset.csrfToken }, JSON_HEADERS);
    return fetch(url, { method: "POST", credentials: "same-origin", headers: headers, body: JSON.stringify(body) })
      .then(function (response) {
        return response.json().catch(function () { return {}; })
          .then(function (answer) { return { status: response.status, body: answer }; });
      }, function () { return { status: 0, body: {} }; });
  }

  /* run the requests one after the other, stopping at the first refusal; then redraw the map.
     A request: {url, body}; a versioned one (body.changes and body.version) names the panel's
     input of each change in ``fields``, to show what someone else changed if it is stale. */
  function sendAll(requests) {
    if (!requests.length) { say(editText.nothing); return Promise.resolve(false); }
    say(editText.saving);
    var saved = [];
    var chain = requests.reduce(function (previous, request) {
      return previous.then(function (ok) {
        if (!ok) { return false; }
        return send(request.url, request.body).then(function (answer) {
          if (answer.status === 200) { saved.push(answer.body.saved); return true; }
          refused(answer, request);
          return false;
        });
      });
    }, Promise.resolve(true));
    return chain.then(function (ok) {
      if (ok) { chosen.conflict = false; field("map-conflict").hidden = true; }
      return Promise.all([redraw(), saved.length ? refreshRegions() : null]).then(function () {
        // what was saved before a refusal is named too
        if (ok || saved.length) { say(saved.concat(ok ? [] : [field("map-status").textContent]).join(" ")); }
        return ok;
      });
    });
  }

  /* why a change was not saved: the server's message, or what someone else changed (409) */
  function refused(answer, request) {
    if (answer.status === 0) { say(editText.unreachable); return; }
    if (answer.status === 409 && request.fields && answer.body.current) {
      showConflict(answer.body.current, request);
      return;
    }
    if (answer.body.field === "add_anyway") { field("map-new-anyway-field").hidden = false; }
    var message = answer.body.message || answer.body.error || String(answer.status);
    var prefix = answer.body.field ? answer.body.field + ": " : null;   // "end: ..." says which field
    if (prefix && message.indexOf(prefix) === 0) { message = message.slice(prefix.length); }
    say(fill(editText.refused, { message: message }));
  }

  /* what someone else saved meanwhile: beside the user's value where the user changed the field
     (kept in the panel), else put in the panel; the stored version is kept, so that saving
     again replaces theirs deliberately */
  function showConflict(current, request) {
    var list = field("map-conflict-changes");
    list.textContent = "";
    Object.keys(request.fields).forEach(function (key) {
      var input = field(request.fields[key]);
      if (!input) { return; }
      var theirs = current[key] === undefined || current[key] === null ? "" : String(current[key]);
      var mine = key in request.body.changes;
      var yours = mine ? (request.body.changes[key] === null ? "" : String(request.body.changes[key])) : null;
      var before = chosen.loaded[input.id];
      chosen.loaded[input.id] = theirs;
      if (!mine) { input.value = theirs; }
      if (mine ? theirs === yours : theirs === before) { return; }
      var item = document.createElement("li");
      item.textContent = mine
        ? fill(editText.theirs_yours, { field: labelOf(input), theirs: shownValue(input, theirs),
                                        yours: shownValue(input, yours) })
        : fill(editText.theirs_was, { field: labelOf(input), theirs: shownValue(input, theirs),
                                      was: shownValue(input, before) });
      list.appendChild(item);
    });
    field("map-conflict").hidden = false;
    chosen.conflict = true;
    if (request.fields === ROLE_FIELDS) { chosen.role = Object.assign({}, chosen.role, current); }
    if (request.fields === PERSON_FIELDS) { chosen.version = current.version; }
    say(fill(editText.conflict, { name: field("map-person-name").textContent }));
  }

  function labelOf(input) {
    var label = document.querySelector("label[for='" + input.id + "']");
    return label ? label.textContent.trim() : input.name;
  }

  /* a value as its input shows it: a select's option text */
  function shownValue(input, value) {
    if (input.tagName !== "SELECT") { return value || "—"; }
    var option = Array.prototype.find.call(input.options, function (o) { return o.value === value; });
    return option ? option.textContent : (value || "—");
  }

  /* the map's data again from the server, drawn in place: no page load */
  function redraw() {
    return fetch(editor.dataset.mapUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; }, function () { return null; })
      .then(function (fresh) { if (fresh) { applyData(fresh); } });
  }

  /* the page's tables and findings again (each element marked data-refresh, from
     the page as the server renders it now): what the map shows, they show too */
  function refreshRegions() {
    var regions = document.querySelectorAll("[data-refresh]");
    if (!regions.length) { return Promise.resolve(); }
    return fetch(window.location.pathname + window.location.search, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; }, function () { return null; })
      .then(function (html) {
        if (!html) { return; }
        var page = new DOMParser().parseFromString(html, "text/html");
        regions.forEach(function (region) {
          var fresh = page.querySelector('[data-refresh="' + region.dataset.refresh + '"]');
          if (fresh) { region.replaceWith(document.importNode(fresh, true)); }
        });
        // a table's filter applies to its new rows
        document.querySelectorAll("input.table-filter").forEach(function (filter) {
          if (filter.value) { filter.dispatchEvent(new Event("input")); }
        });
      });
  }

  function applyData(fresh) {
    data = fresh;
    text = data.text || {};
    var incoming = data.nodes.map(styledNode);
    var keep = {};
    incoming.forEach(function (n) { keep[n.id] = true; });
    nodes.remove(nodes.getIds().filter(function (nodeId) { return !keep[nodeId]; }));
    var added = incoming.filter(function (n) { return !nodes.get(n.id); }).map(function (n) { return n.id; });
    incoming.forEach(function (n) {   // a value no longer sent (an emptied title, a role given up) goes
      Object.keys(nodes.get(n.id) || {}).forEach(function (key) { if (!(key in n)) { n[key] = undefined; } });
    });
    nodes.update(incoming);
    edges.clear();
    edges.add(data.edges.map(styledEdge));
    chartPositions = orgChartPositions();
    placeAfterChange(added);
    fillNames();
    fillPickers();
    if (chosen.id && nodes.get(chosen.id)) { showDetails(chosen.id); openPanel(chosen.id, true); }
  }

  /* where the map's nodes go after a change: the org chart again, the power map's layout
     again, or (force layout) everyone where they were and newcomers beside a neighbour */
  function placeAfterChange(added) {
    var layout = container.dataset.layout;
    if (layout === "hierarchical" && !chartPositions) { draw(layout); return; }
    if (layout === "hierarchical") { place(chartPositions, true); return; }
    var positions = network.getPositions();
    var centre = network.getViewPosition();
    added.forEach(function (nodeId, i) {
      var neighbour = network.getConnectedNodes(nodeId).filter(function (other) { return positions[other]; })[0];
      var at = neighbour ? positions[neighbour] : centre;
      network.moveNode(nodeId, at.x + NEW_NODE_OFFSET, at.y + NEW_NODE_OFFSET * (i + 1) / added.length);
    });
    forcePositions = network.getPositions();
  }

  /* -- the person in the panel */

  function openPanel(nodeId, again) {
    if (!editor) { return; }
    var n = nodeId === undefined || nodeId === null ? null : nodes.get(nodeId);
    var person = n && n.kind === "Person";
    PERSON_FORMS.forEach(function (id) { field(id).hidden = !person; });
    if (!person) { chosen.id = null; return; }
    if (!again || chosen.id !== n.id) {
      field("map-conflict").hidden = true;
      chosen.conflict = false;
    }
    chosen.id = n.id;
    if (!chosen.conflict) { fillPerson(n); }
    field("map-person-name").textContent = nameOf(n);
    field("map-person-sub").textContent = [n.job, n.department].filter(Boolean).join(" · ");
    field("map-person-page").href = urlOf(editor.dataset.pageUrl, { ID: n.id });
    renderLines(n.id);
    fillPickers();
    fillOurs(n.id);
    var newPerson = field("map-new-person");
    if (newPerson) { newPerson.hidden = true; }
  }

  /* the person's stored values into the panel, remembered to send only what the user changed */
  function fillPerson(n) {
    var role = n.role || {};
    chosen.version = n.version;
    chosen.role = n.role ? Object.assign({}, role) : null;
    chosen.loaded = {
      "map-title": n.job || "", "map-stance": n.stance || "neutral", "map-influence": String(n.influence || 3),
      "map-compliance-role": n.compliance_role || "",
      "map-role": role.role || "", "map-deal-stance": role.stance || "",
      "map-deal-influence": role.influence === undefined || role.influence === null ? "" : String(role.influence)
    };
    Object.keys(chosen.loaded).forEach(function (id) {
      if (field(id)) { field(id).value = chosen.loaded[id]; }
    });
  }

  function changed(fields, numbers) {
    var changes = {};
    Object.keys(fields).forEach(function (key) {
      var input = field(fields[key]);
      if (!input || input.value === chosen.loaded[fields[key]]) { return; }
      changes[key] = input.value === "" ? null : (numbers[key] ? Number(input.value) : input.value);
    });
    return changes;
  }

  /* Save: the person's changes, then their role in the deal (joining or leaving the buying center) */
  function savePerson(event) {
    event.preventDefault();
    var personId = chosen.id;
    var requests = [];
    var changes = changed(PERSON_FIELDS, { influence: true });
    if (Object.keys(changes).length) {
      requests.push({ url: urlOf(editor.dataset.personUrl, { ID: personId }), fields: PERSON_FIELDS,
                      body: { changes: changes, version: chosen.version } });
    }
    var opportunity = editor.dataset.opportunity;
    var role = opportunity ? changed(ROLE_FIELDS, { influence: true }) : {};
    if (Object.keys(role).length) {
      if (!chosen.role) {
        requests.push({ url: lineUrl("ROLE_IN", personId, opportunity, "new"), body: { props: role } });
      } else if (role.role === null) {
        requests.push({ url: lineUrl("ROLE_IN", personId, opportunity, "delete"), body: {} });
      } else {
        requests.push({ url: lineUrl("ROLE_IN", personId, opportunity), fields: ROLE_FIELDS,
                        body: { changes: role, version: chosen.role.version } });
      }
    }
    sendAll(requests);
  }

  /* -- lines */

  function tiesOf(personId) {
    var drawn = edges.get({ filter: function (e) { return e.kind === "RELATIONSHIP" && e.to === personId; } });
    return drawn.concat((data.ties || []).filter(function (t) { return t.to === personId; }));
  }

  function linesOf(personId) {
    var drawn = edges.get({ filter: function (e) {
      return REMOVABLE_LINES[e.kind] && (e.from === personId || e.to === personId) && e.kind !== "RELATIONSHIP";
    } });
    return drawn.concat(tiesOf(personId));
  }

  function nameOfId(nodeId, fallback) {
    var n = nodes.get(nodeId);
    return n ? nameOf(n) : (fallback || nodeId);
  }

  function lineText(line) {
    var style = (data.edge_styles || {})[line.kind] || {};
    return nameOfId(line.from, line.from_name) + " " + (style.title || line.kind) + " " + nameOfId(line.to) +
      (line.strength === undefined ? "" : " (" + line.strength + ")");
  }

  function renderLines(personId) {
    var list = field("map-lines");
    list.textContent = "";
    var lines = linesOf(personId);
    if (!lines.length) {
      var none = document.createElement("li");
      none.className = "muted";
      none.textContent = list.dataset.empty;
      list.appendChild(none);
    }
    lines.forEach(function (line) {
      var item = document.createElement("li");
      var words = document.createElement("span");
      words.textContent = lineText(line);
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "link-dark";
      remove.textContent = list.dataset.remove;
      remove.setAttribute("aria-label", fill(editText.remove_line, { line: lineText(line) }));
      remove.dataset.line = line.kind + ":" + line.from + ":" + line.to;
      remove.addEventListener("click", function () {
        sendAll([{ url: lineUrl(line.kind, line.from, line.to, "delete"), body: {} }]);
      });
      item.appendChild(words);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(remove);
      list.appendChild(item);
    });
  }

  /* a click on a line opens the person it starts from (ours and competitors': the person they know) */
  function lineClicked(edgeId) {
    var line = edges.get(edgeId);
    if (!line) { return; }
    var personId = PERSON_LINES[line.kind] ? line.from : line.to;
    network.selectNodes([personId]);
    choose(personId);
    var button = editor && editor.querySelector("button[data-line='" + line.kind + ":" + line.from + ":" + line.to + "']");
    if (button) { button.focus(); }
  }

  function addLine(event) {
    event.preventDefault();
    var kind = field("map-line-kind").value, other = field("map-line-other").value;
    if (!chosen.id || !other) { say(editText.choose_person); return; }
    var props = kind === "REPORTS_TO" ? {} : { strength: Number(field("map-line-strength").value) };
    sendAll([{ url: lineUrl(kind, chosen.id, other, "new"), body: { props: props } }]);
  }

  function showStrength() {
    field("map-line-strength-field").hidden = field("map-line-kind").value === "REPORTS_TO";
  }

  /* vis-network's addEdgeMode: dragged from one person to another; the panel asks which kind of line */
  function lineDrawn(drawn, callback) {
    callback(null);   // nothing is drawn until it is saved
    setDrawing(false);
    var from = nodes.get(drawn.from), to = nodes.get(drawn.to);
    if (!from || !to || from.kind !== "Person" || to.kind !== "Person" || from.id === to.id) {
      say(editText.people_only);
      return;
    }
    network.selectNodes([from.id]);
    choose(from.id);
    field("map-line-other").value = to.id;
    field("map-line-kind").focus();
    say(fill(editText.drawn, { from: nameOf(from), to: nameOf(to) }));
  }

  function setDrawing(on) {
    var button = field("map-draw");
    if (!button || !network) { return; }
    if (on) { network.addEdgeMode(); } else if (drawing) { network.disableEditMode(); }
    drawing = on;
    button.setAttribute("aria-pressed", on ? "true" : "false");
    if (!button.dataset.draw) { button.dataset.draw = button.textContent; }
    button.textContent = on ? button.dataset.stop : button.dataset.draw;
    container.classList.toggle("drawing", on);
    if (on) { say(editText.draw_hint); }
  }

  /* -- our relationship and a competitor's */

  function userId() { return session.dataset.userId; }

  function fillOurs(personId) {
    var ours = tiesOf(personId).filter(function (t) { return t.from === userId(); })[0];
    field("map-ours-strength").value = String(ours ? ours.strength : 3);
  }

  function saveOurs(event) {
    event.preventDefault();
    var ours = tiesOf(chosen.id).filter(function (t) { return t.from === userId(); })[0];
    var strength = Number(field("map-ours-strength").value);
    var request = ours
      ? { url: lineUrl("RELATIONSHIP", userId(), chosen.id), fields: { strength: "map-ours-strength" },
          body: { changes: { strength: strength }, version: ours.version } }
      : { url: lineUrl("RELATIONSHIP", userId(), chosen.id, "new"), body: { props: { strength: strength } } };
    sendAll([request]);
  }

  function saveTie(event) {
    event.preventDefault();
    var body = { competitor: field("map-tie-competitor").value, new_competitor: field("map-tie-new").value,
                 strength: Number(field("map-tie-strength").value) };
    sendAll([{ url: urlOf(editor.dataset.tiesUrl, { ID: chosen.id }), body: body }]).then(function (ok) {
      if (ok) { field("map-tie-new").value = ""; }
    });
  }

  /* -- pickers: the people (name, title, department) and the competitors */

  function people() {
    if (data.people) { return data.people; }
    return nodes.get({ filter: function (n) { return n.kind === "Person"; } }).map(function (n) {
      return { id: n.id, name: nameOf(n), title: n.job, department: n.department };
    }).sort(function (a, b) { return a.name.localeCompare(b.name); });
  }

  function fillSelect(select, choices, first) {
    if (!select) { return; }
    var value = select.value;
    select.textContent = "";
    (first ? [first] : []).concat(choices).forEach(function (choice) {
      var option = document.createElement("option");
      option.value = choice.id;
      option.textContent = choice.text;
      select.appendChild(option);
    });
    if (Array.prototype.some.call(select.options, function (o) { return o.value === value; })) { select.value = value; }
  }

  function fillPickers() {
    if (!editor) { return; }
    var everyone = people().map(function (p) {
      return { id: p.id, text: [p.name, p.title, p.department].filter(Boolean).join(" — ") };
    });
    var members = {};
    nodes.forEach(function (n) { if (n.role && n.role.role) { members[n.id] = true; } });
    fillSelect(field("map-line-other"), everyone.filter(function (p) { return p.id !== chosen.id; }));
    fillSelect(field("map-new-manager"), everyone, { id: "", text: "—" });
    fillSelect(field("map-add-role-person"), everyone.filter(function (p) { return !members[p.id]; }));
    fillSelect(field("map-tie-competitor"), (data.competitors || []).map(function (c) {
      return { id: c.id, text: c.name };
    }), { id: "", text: "—" });
  }

  /* -- a new person, and a new member of the buying center */

  function openNewPerson() {
    PERSON_FORMS.forEach(function (id) { field(id).hidden = true; });
    field("map-new-person").hidden = false;
    field("map-new-name").focus();
  }

  function closeNewPerson() {
    field("map-new-person").reset();
    field("map-new-anyway-field").hidden = true;
    field("map-new-person").hidden = true;
    openPanel(chosen.id);
  }

  function addPerson(event) {
    event.preventDefault();
    var person = {};
    ["name", "title", "department", "stance", "compliance_role"].forEach(function (key) {
      person[key] = field("map-new-" + key).value;
    });
    person.influence = Number(field("map-new-influence").value);
    var body = { person: person, reports_to: field("map-new-manager").value || null,
                 add_anyway: field("map-new-anyway").checked };
    say(editText.saving);
    send(editor.dataset.newPersonUrl, body).then(function (answer) {
      if (answer.status !== 200) { refused(answer, { body: body }); return; }
      var role = field("map-new-role") ? field("map-new-role").value : "";
      var joined = role
        ? send(lineUrl("ROLE_IN", answer.body.person.id, editor.dataset.opportunity, "new"), { props: { role: role } })
        : Promise.resolve({ status: 200, body: {} });
      return joined.then(function (second) {
        field("map-new-person").reset();
        field("map-new-anyway-field").hidden = true;
        field("map-new-person").hidden = true;
        chosen.id = answer.body.person.id;
        return redraw().then(function () {
          if (nodes.get(chosen.id)) { network.selectNodes([chosen.id]); choose(chosen.id); }
          if (second.status === 200) { say([answer.body.saved, second.body.saved].filter(Boolean).join(" ")); }
          else { refused(second, { body: {} }); }
        });
      });
    });
  }

  function addRole(event) {
    event.preventDefault();
    var personId = field("map-add-role-person").value;
    if (!personId) { say(editText.choose_person); return; }
    sendAll([{ url: lineUrl("ROLE_IN", personId, editor.dataset.opportunity, "new"),
               body: { props: { role: field("map-add-role-role").value } } }]);
  }

  function bindEditor() {
    if (!editor || !session) { return; }
    fillPickers();
    field("map-person").addEventListener("submit", savePerson);
    field("map-line").addEventListener("submit", addLine);
    field("map-line-kind").addEventListener("change", showStrength);
    field("map-ours").addEventListener("submit", saveOurs);
    field("map-tie").addEventListener("submit", saveTie);
    field("map-draw").addEventListener("click", function () { setDrawing(!drawing); });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && drawing) { setDrawing(false); say(""); }
    });
    if (field("map-new-person")) {
      field("map-new-person-open").addEventListener("click", openNewPerson);
      field("map-new-person-cancel").addEventListener("click", closeNewPerson);
      field("map-new-person").addEventListener("submit", addPerson);
    }
    if (field("map-add-role")) { field("map-add-role").addEventListener("submit", addRole); }
    showStrength();
  }

  /* printing (style.css @media print): the map fits the printed page's box, and the screen's again after */
  function bindPrint() {
    function refit() {
      if (!network) { return; }
      network.setSize("100%", "100%");
      network.redraw();
      network.fit();
    }
    window.matchMedia("print").addEventListener("change", refit);
    window.addEventListener("beforeprint", refit);
    window.addEventListener("afterprint", refit);
  }

  var firstLayout = container.dataset.layout === "hierarchical" ? "hierarchical" : "network";
  draw(firstLayout);
  bindToggles();
  bindLayoutSwitch(firstLayout);
  bindFind();
  bindPng();
  bindEditor();
  bindPositions();
  bindPrint();
})();
