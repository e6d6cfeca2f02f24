/* The staff panel runs under a Content-Security-Policy without 'unsafe-inline'. security.py rewrites
   Flask-Admin's inline handlers into data attributes; this file gives them their behaviour back:
   list actions (data-model-action), delete confirmations (data-confirm) and dead links
   (data-prevent-default). Loaded before Flask-Admin's scripts; handlers run at click time. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-model-action], [data-confirm], [data-prevent-default]");
    if (!el) { return; }
    if (el.hasAttribute("data-model-action")) {
      event.preventDefault();
      if (window.modelActions) { window.modelActions.execute(el.getAttribute("data-model-action")); }
    } else if (el.hasAttribute("data-confirm")) {
      if (!window.confirm(el.getAttribute("data-confirm").replace(/\\(.)/g, "$1"))) { event.preventDefault(); }
    } else {
      event.preventDefault();
    }
  }, true);
})();
