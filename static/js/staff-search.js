// The search box of the staff bar (admin_views/search.py): as the user types, the first few results of the same
// search drop down under it (GET /admin/search/suggest?q=, JSON); Enter opens the full results page. Text is put in
// with textContent only: names are data, never markup.
(function () {
  "use strict";
  var input = document.getElementById("staff-search-q");
  var list = document.getElementById("staff-search-list");
  if (!input || !list || !window.fetch) { return; }
  var timer = null;
  var asked = null;
  var sequence = 0;

  function hide() { list.classList.remove("show"); }

  function add(tag, className, text) {
    var el = document.createElement(tag);
    el.className = className;
    if (text) { el.textContent = text; }
    list.appendChild(el);
    return el;
  }

  function show(data) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    if (data.message) { add("span", "dropdown-item-text text-muted small", data.message); }
    var kind = null;
    data.items.forEach(function (item) {
      if (item.kind !== kind) {
        add("h6", "dropdown-header", item.kind);
        kind = item.kind;
      }
      var link = add("a", "dropdown-item staff-search-hit", item.title);
      link.href = item.url;
      if (item.detail) {
        var detail = document.createElement("small");
        detail.className = "text-muted ml-1";
        detail.textContent = item.detail;
        link.appendChild(detail);
      }
    });
    if (data.items.length && data.all_url) {
      add("div", "dropdown-divider");
      add("a", "dropdown-item small", data.all_label).href = data.all_url;
    }
    list.classList.toggle("show", list.children.length > 0);
  }

  function ask() {
    var q = input.value.replace(/\s+/g, " ").trim();
    if (q === asked) { return; }
    asked = q;
    if (!q) { hide(); return; }
    var mine = ++sequence;
    fetch(input.getAttribute("data-suggest") + "?q=" + encodeURIComponent(q), {
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data && mine === sequence) { show(data); } })
      .catch(function () { /* offline or signed out: the box still submits to the results page */ });
  }

  function links() { return Array.prototype.slice.call(list.querySelectorAll("a.dropdown-item")); }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 200);
  });
  input.addEventListener("focus", function () { if (list.children.length && input.value.trim()) { list.classList.add("show"); } });
  document.getElementById("staff-search").addEventListener("keydown", function (event) {
    var all = links();
    var at = all.indexOf(document.activeElement);
    if (event.key === "Escape") {
      hide();
      input.focus();
    } else if (event.key === "ArrowDown" && all.length && list.classList.contains("show")) {
      event.preventDefault();
      all[Math.min(at + 1, all.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      if (at === 0) { input.focus(); } else { all[at - 1].focus(); }
    }
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest("#staff-search")) { hide(); }
  });
}());
