/* The subgroup grid of "Мой класс": quick fills (evenly by the list, clear all) and live column totals.
   Loaded as a file (the CSP forbids inline scripts); the page works without it. */
(function () {
  "use strict";
  var table = document.getElementById("grid-table");
  if (!table) { return; }

  function rows() {
    return Array.prototype.slice.call(table.querySelectorAll("tbody tr")).filter(function (tr) {
      return tr.querySelector("input.grid-radio");
    });
  }

  function recount() {
    var counts = {};
    table.querySelectorAll("input.grid-radio:checked").forEach(function (input) {
      counts[input.value] = (counts[input.value] || 0) + 1;
    });
    table.querySelectorAll(".grid-count").forEach(function (cell) {
      cell.textContent = String(counts[cell.getAttribute("data-column")] || 0);
    });
  }

  function pick(tr, value) {
    var input = tr.querySelector('input.grid-radio[value="' + value + '"]');
    if (input) { input.checked = true; }
  }

  var evenly = document.getElementById("split-evenly");
  if (evenly) {
    evenly.addEventListener("click", function () {
      var list = rows();
      var groups = parseInt(evenly.getAttribute("data-groups"), 10) || 2;
      var size = Math.ceil(list.length / groups);
      list.forEach(function (tr, i) { pick(tr, Math.floor(i / size) + 1); });
      recount();
    });
  }
  var clear = document.getElementById("split-clear");
  if (clear) {
    clear.addEventListener("click", function () {
      rows().forEach(function (tr) { pick(tr, 0); });
      recount();
    });
  }
  table.addEventListener("change", recount);
})();
