/* The timetable grid: the "changes from" date chosen at the top goes into every cell's form at once,
   and removing a lesson asks for confirmation. (No inline scripts: the staff panel runs under a CSP.) */
(function () {
  "use strict";
  var from = document.getElementById("from");
  if (from) {
    from.addEventListener("change", function () {
      document.querySelectorAll("input.tt-from").forEach(function (input) { input.value = from.value; });
      document.querySelectorAll(".tt-change-form .small.text-muted").forEach(function (note) {
        var parts = from.value.split("-");
        if (parts.length === 3) { note.textContent = note.textContent.replace(/\d{2}\.\d{2}\.\d{4}/, parts[2] + "." + parts[1] + "." + parts[0]); }
      });
    });
  }
  document.querySelectorAll("button.tt-remove").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
})();
