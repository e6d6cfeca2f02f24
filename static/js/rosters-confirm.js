/* Asks before deleting a record entered by mistake (forms with class "confirm-delete"). */
(function () {
  "use strict";
  document.querySelectorAll("form.confirm-delete").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(document.documentElement.lang === "en" ? "Delete this record?" : "Удалить эту запись?")) {
        event.preventDefault();
      }
    });
  });
})();
