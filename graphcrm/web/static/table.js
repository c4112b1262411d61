/* Click a column header of a table.sortable to sort by it; type in the
   filter box above it to show only rows containing the text. */
(function () {
  "use strict";
  /* a cell's data-sort (a number behind "due today", "1.2 亿元") sorts before its text */
  function cellValue(row, i) {
    var cell = row.cells[i];
    if (cell && cell.dataset.sort !== undefined && cell.dataset.sort !== "") {
      return parseFloat(cell.dataset.sort);
    }
    var text = (cell && cell.textContent || "").trim();
    var num = parseFloat(text.replace(/,/g, ""));
    return isNaN(num) || !/^[-+]?[\d,.]+/.test(text) ? text.toLowerCase() : num;
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var body = table.tBodies[0];
    table.querySelectorAll("thead th").forEach(function (th, i) {
      th.tabIndex = 0;
      th.title = th.textContent;
      var asc = true;
      function sort() {
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, i), y = cellValue(b, i);
          if (typeof x !== typeof y) { x = String(x); y = String(y); }
          return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);
        });
        rows.forEach(function (r) { body.appendChild(r); });
        asc = !asc;
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sort(); } });
    });
    var filter = document.querySelector('input.table-filter[data-table="' + table.id + '"]');
    if (filter) {
      filter.addEventListener("input", function () {
        var q = filter.value.trim().toLowerCase();
        Array.prototype.forEach.call(body.rows, function (r) {
          r.hidden = q && r.textContent.toLowerCase().indexOf(q) < 0;
        });
      });
    }
  });
})();
