/* The period-marks page: the reason field is shown only where the chosen mark differs from the proposal
   (the server requires it there anyway); a changed row is highlighted until saved. Exam marks
   (data-free) have no proposal: their optional comment is always shown, never required.
   Loaded as a file (the CSP forbids inline scripts); the page works without it. */
(function () {
  "use strict";
  var table = document.getElementById("finals-table");
  if (!table) { return; }

  function sync(select) {
    var row = select.closest("tr");
    if (!row) { return; }
    var wrap = row.querySelector(".reason-wrap");
    var input = row.querySelector(".final-reason");
    var free = select.hasAttribute("data-free");
    var differs = reasonNeeded(select);
    if (wrap) { wrap.classList.toggle("d-none", !free && !differs && !(input && input.value)); }
    if (input) { input.required = differs; }
  }

  function reasonNeeded(select) {
    return !select.hasAttribute("data-free") && select.value !== "" &&
      select.value !== select.getAttribute("data-proposed");
  }

  table.querySelectorAll("select.final-mark").forEach(function (select) {
    select.setAttribute("data-initial", select.value);
    sync(select);
    select.addEventListener("change", function () {
      sync(select);
      var row = select.closest("tr");
      if (row) { row.classList.toggle("table-warning", select.value !== select.getAttribute("data-initial")); }
      if (reasonNeeded(select)) {
        var input = row && row.querySelector(".final-reason");
        if (input && !input.value) { input.focus(); }
      }
    });
  });

  // "Save" of one row checks only that row's reason; "save all" checks every changed row.
  var form = document.getElementById("finals-form");
  if (form) {
    form.addEventListener("click", function (event) {
      var button = event.target.closest("button.save-one");
      if (!button) { return; }
      table.querySelectorAll(".final-reason").forEach(function (input) {
        var row = input.closest("tr");
        if (row && row.id !== "row-" + button.value) { input.required = false; }
      });
    });
  }
})();
