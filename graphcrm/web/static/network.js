/* Renders the stakeholder network from the page's JSON block with the
   app's own copy of vis-network.  Titles are plain text (vis-network 9
   shows string titles as text, never markup). */
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
  var options = {
    nodes: { font: { size: 14 } },
    edges: { smooth: false },
    physics: {
      solver: "forceAtlas2Based",
      stabilization: { enabled: true, iterations: 300, fit: true }
    },
    interaction: { hover: true, tooltipDelay: 150 }
  };
  var network = new vis.Network(container, { nodes: nodes, edges: edgeView }, options);
  network.once("stabilizationIterationsDone", function () { network.setOptions({ physics: false }); });
  window.graphcrmNetwork = network;

  var details = document.getElementById("node-details");
  network.on("click", function (params) {
    if (!details) { return; }
    if (params.nodes.length) {
      var n = nodes.get(params.nodes[0]);
      details.textContent = n.title || n.label || "";
    } else {
      details.textContent = "";
    }
  });
  document.querySelectorAll(".edge-toggle").forEach(function (box) {
    box.addEventListener("change", function () {
      hidden[box.value] = !box.checked;
      edgeView.refresh();
    });
  });
})();
