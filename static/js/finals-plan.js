/* The thematic plan page: asks before deleting a line (forms with class "finals-confirm" and data-confirm).
   Loaded as a file (the CSP forbids inline scripts); without it the form simply posts. */
(function () {
  "use strict";
  document.querySelectorAll("form.finals-confirm").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm") || "?")) { event.preventDefault(); }
    });
  });
})();
