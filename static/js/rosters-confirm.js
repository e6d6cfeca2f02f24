/* Asks before deleting a record entered by mistake (forms with class "confirm-delete"); the question
   comes translated in the form's data-confirm attribute. */
(function () {
  "use strict";
  document.querySelectorAll("form.confirm-delete").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm") || "Удалить эту запись?")) {
        event.preventDefault();
      }
    });
  });
})();
