/* The staff panel runs under a Content-Security-Policy without 'unsafe-inline', which blocks
   Flask-Admin's inline onclick="" handlers. This re-attaches the two behaviours they carry:
   list actions (modelActions.execute('name')) and delete confirmations (faHelpers.safeConfirm('…')). */
(function () {
  "use strict";
  var ACTION = /modelActions\.execute\('([^']+)'\)/;
  var CONFIRM = /safeConfirm\('((?:[^'\\]|\\.)*)'\)/;

  function unescapeJs(text) {
    return text.replace(/\\(.)/g, "$1");
  }

  // href="javascript:void(0)" (menu categories) is a script URL the CSP refuses: make it a plain "#".
  document.querySelectorAll('a[href^="javascript:"]').forEach(function (el) {
    el.setAttribute("href", "#");
    el.addEventListener("click", function (event) { event.preventDefault(); });
  });

  document.querySelectorAll("[onclick]").forEach(function (el) {
    var code = el.getAttribute("onclick") || "";
    var action = code.match(ACTION);
    var confirmation = code.match(CONFIRM);
    if (action) {
      el.removeAttribute("onclick");
      el.addEventListener("click", function (event) {
        event.preventDefault();
        if (window.modelActions) { window.modelActions.execute(action[1]); }
      });
    } else if (confirmation) {
      el.removeAttribute("onclick");
      el.addEventListener("click", function (event) {
        if (!window.confirm(unescapeJs(confirmation[1]))) { event.preventDefault(); }
      });
    } else if (/return false/.test(code)) {
      el.removeAttribute("onclick");
      el.addEventListener("click", function (event) { event.preventDefault(); });
    }
  });
})();
