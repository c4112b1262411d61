/* Renders a stakeholder network from the page's JSON block with the app's
   own copy of vis-network.  Titles are plain text (vis-network 9 shows
   string titles as text, never markup).

   The container's data- attributes choose the layout:
   - data-layout="hierarchical": the nodes carry a precomputed "level" (the
     power map's org chart); no physics at all.
   - otherwise forceAtlas2 physics, stabilized for a bounded number of
     iterations (fewer for large networks), then switched off, so that a
     network of 1,000+ nodes settles in a few seconds and stays responsive.
   data-person-url="/people/__ID__" makes the details box link to people. */
(function () {
  "use strict";
  var dataEl = document.getElementById("network-data");
  var container = document.getElementById("network");
  if (!dataEl || !container || typeof vis === "undefined") { return; }
  var data = JSON.parse(dataEl.textContent);
  var hidden = {};
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges.map(function (e, i) { e.id = e.id || ("e" + i); return e; }));
  var edgeView = new vis.DataView(edges, { filter: function (e) { return !hidden[e.kind]; } });
  var large = data.nodes.length > 300;
  var options = {
    nodes: { font: { size: 14 } },
    edges: { smooth: false },
    interaction: { hover: !large, tooltipDelay: 150, hideEdgesOnDrag: large, hideEdgesOnZoom: large }
  };
  if (container.dataset.layout === "hierarchical") {
    options.layout = { hierarchical: { enabled: true, direction: "UD", levelSeparation: 110, nodeSpacing: 170,
                                       sortMethod: "directed", shakeTowards: "roots" } };
    options.physics = false;
  } else {
    options.layout = { improvedLayout: !large };
    options.physics = {
      solver: "forceAtlas2Based",
      stabilization: { enabled: true, iterations: large ? 150 : 300, updateInterval: 25, fit: true }
    };
  }
  var network = new vis.Network(container, { nodes: nodes, edges: edgeView }, options);
  function settled() { container.dataset.settled = "true"; }
  network.once("stabilizationIterationsDone", function () { network.setOptions({ physics: false }); settled(); });
  if (options.physics === false) { network.once("afterDrawing", settled); }
  window.graphcrmNetwork = network;

  var details = document.getElementById("node-details");
  var personUrl = container.dataset.personUrl;
  network.on("click", function (params) {
    if (!details) { return; }
    details.textContent = "";
    if (!params.nodes.length) { return; }
    var n = nodes.get(params.nodes[0]);
    details.textContent = n.title || n.label || "";
    if (personUrl && n.kind === "Person") {
      var link = document.createElement("a");
      link.href = personUrl.replace("__ID__", encodeURIComponent(n.id));
      link.textContent = container.dataset.openLabel || "→";
      details.appendChild(document.createTextNode("\n"));
      details.appendChild(link);
    }
  });
  document.querySelectorAll(".edge-toggle").forEach(function (box) {
    box.addEventListener("change", function () {
      hidden[box.value] = !box.checked;
      edgeView.refresh();
    });
  });

  /* PNG of the current view: the canvas as drawn (zoom, pan, toggles), on white. */
  var png = document.getElementById("network-png");
  if (png) {
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
})();
