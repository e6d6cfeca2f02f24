/* The journal grid: a keystroke in a focused cell saves at once (POST JSON to /admin/journal/cell with
   the CSRF token in X-CSRFToken), arrow keys move, the cell flashes green on success or turns red with
   the reason (and the current value, on a conflict). Enter opens the cell's detail panel (kind of work and
   comment per mark, "н/а", minutes late, history). Loaded as a file (the CSP forbids inline scripts);
   without it the grid is a plain form whose "Сохранить" posts the changed cells.
   Criteria-based schools (data-criteria="1"): a cell holds points, typed as a number that is kept in the
   cell until Enter, Tab, an arrow key or leaving the cell saves it (Escape drops it). */
(function () {
  "use strict";
  var table = document.getElementById("journal-grid");
  if (!table || !window.fetch || !window.JSON) { return; }
  var form = document.getElementById("jg-form");
  var csrf = (document.getElementById("jg-csrf") || {}).value || "";
  var cellUrl = table.getAttribute("data-cell-url");
  var historyUrl = table.getAttribute("data-history-url");
  var assignment = parseInt(table.getAttribute("data-assignment"), 10);
  var noMarks = table.getAttribute("data-no-marks") === "1";
  var criteria = table.getAttribute("data-criteria") === "1";
  var status = document.getElementById("jg-status");
  var SLOTS = criteria ? [1] : [1, 2, 3];
  var MSG = {
    saved: table.getAttribute("data-msg-saved") || "Сохранено",
    empty: table.getAttribute("data-msg-empty") || "пусто",
    offline: table.getAttribute("data-msg-offline") || "Нет связи с сервером: запись не сохранена.",
    server: table.getAttribute("data-msg-server") || "Ошибка сервера: запись не сохранена. Обновите страницу.",
    noMarks: table.getAttribute("data-msg-nomarks") || "В 1 классе отметки не ставятся.",
    full: table.getAttribute("data-msg-full") || "В клетке уже три отметки.",
    keys: (criteria ? table.getAttribute("data-msg-points") : table.getAttribute("data-msg-keys")) ||
      "Клавиши: 1–5, / и цифра, н, о, Backspace, Enter.",
    login: table.getAttribute("data-msg-login") || "Сеанс завершён: войдите снова. Запись не сохранена."
  };
  if (form) { form.classList.add("jg-live"); }

  // --- state of a cell: {a: [status, minutes, version] | null, m: [[slot, shown, version, kind, comment], ...]}
  function hiddenOf(input) {
    return input.parentNode.querySelector('input[type="hidden"]');
  }
  function stateOf(input) {
    if (!input._jg) {
      var hidden = hiddenOf(input);
      try { input._jg = hidden ? JSON.parse(hidden.value) : null; } catch (e) { input._jg = null; }
      if (!input._jg) { input._jg = { a: null, m: [] }; }
      input._jg.m = input._jg.m || [];
    }
    return input._jg;
  }
  function ids(input) {
    var parts = input.name.split("-");
    return { lesson: parseInt(parts[1], 10), student: parseInt(parts[2], 10) };
  }
  function label(input) {
    // "Фамилия Имя, 07.09" from the row's and the column's headers (aria-labelledby="s<student> <column>")
    var ids = (input.getAttribute("aria-labelledby") || "").split(" ");
    var who = document.getElementById(ids[0] || "");
    var column = document.getElementById(ids[1] || "");
    var name = who && who.firstChild ? who.firstChild.textContent.trim() : "";
    var date = column ? (column.querySelector(".jg-hl") || column).textContent.trim() : "";
    return name + (date ? ", " + date : "");
  }
  function setState(input, state, text, late) {
    state = state || { a: null, m: [] };
    state.m = state.m || [];
    input._jg = state;
    input.value = text || "";
    var hidden = hiddenOf(input);
    var empty = !state.a && !state.m.length;
    if (empty && hidden) {
      hidden.parentNode.removeChild(hidden);
    } else if (!empty) {
      if (!hidden) {
        hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = "o-" + input.name.slice(2);
        input.parentNode.appendChild(hidden);
      }
      hidden.value = JSON.stringify(state);
    }
    input.classList.toggle("jg-late", !!late);
    input.classList.toggle("jg-a", !!state.a);
  }

  function say(text, ok) {
    if (!status) { return; }
    status.textContent = text;
    status.className = "small mt-1 " + (ok ? "jg-status-ok" : "jg-status-err");
  }
  function flash(input, ok, message) {
    var td = input.parentNode;
    td.classList.remove("jg-ok", "jg-pending");
    if (ok) {
      td.classList.remove("jg-err");
      input.removeAttribute("title");
      void td.offsetWidth; // restart the animation
      td.classList.add("jg-ok");
    } else {
      td.classList.add("jg-err");
      input.title = message || "";
    }
  }

  // A saved absence or lateness takes attendance at the lesson: its column and its line lose the "not taken" marks.
  function attendanceTaken(lessonId) {
    var mark = document.querySelector("#l" + lessonId + " .jg-noatt");
    if (mark) { mark.remove(); }
    var button = document.getElementById("all-present-" + lessonId);
    if (button) { button.remove(); }
  }

  // --- saving: one request at a time per cell, so that each one carries the version the previous returned
  function send(input, body) {
    var where = ids(input);
    body.assignment_id = assignment;
    body.lesson_id = where.lesson;
    body.student_id = where.student;
    input.parentNode.classList.add("jg-pending");
    return fetch(cellUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (response.redirected && /\/login/.test(response.url)) { return { ok: false, error: MSG.login }; }
      return response.json().then(function (data) { return data; }, function () {
        return { ok: false, error: MSG.server + " (" + response.status + ")" };
      });
    }).then(function (data) {
      if (data.cell !== undefined && data.cell !== null) {
        setState(input, data.cell, data.text, data.late);
      }
      if (data.ok) {
        flash(input, true);
        say(MSG.saved + ": " + label(input) + " — " + (data.text || MSG.empty), true);
        if (body.op === "attendance") { attendanceTaken(where.lesson); }
      } else {
        flash(input, false, data.error);
        say(label(input) + ": " + data.error, false);
      }
      return data;
    }, function () {
      flash(input, false, MSG.offline);
      say(label(input) + ": " + MSG.offline, false);
      return { ok: false, error: MSG.offline };
    });
  }
  function enqueue(input, makeBody) {
    var previous = input._jgQueue || Promise.resolve();
    var next = previous.then(function () {
      var body = makeBody(stateOf(input));
      return body ? send(input, body) : null;
    });
    input._jgQueue = next.catch(function () { return null; });
    return next;
  }

  function firstMark(state) { return state.m.length ? state.m[0] : null; }
  function lastMark(state) { return state.m.length ? state.m[state.m.length - 1] : null; }
  function freeSlot(state) {
    var used = state.m.map(function (m) { return m[0]; });
    for (var i = 0; i < SLOTS.length; i++) { if (used.indexOf(SLOTS[i]) < 0) { return SLOTS[i]; } }
    return null;
  }

  function typeMark(input, digit) {
    if (noMarks) { flash(input, false, MSG.noMarks); say(MSG.noMarks, false); return; }
    var adding = !!input._jgAdd;
    input._jgAdd = false;
    input.parentNode.classList.remove("jg-adding");
    enqueue(input, function (state) {
      if (adding && state.m.length) {
        var slot = freeSlot(state);
        if (slot === null) { flash(input, false, MSG.full); say(MSG.full, false); return null; }
        return { op: "mark", slot: slot, value: digit, version: null };
      }
      var first = firstMark(state);
      return { op: "mark", slot: first ? first[0] : 1, value: digit, version: first ? first[2] : null };
    });
  }
  function toggleAttendance(input, value) {
    enqueue(input, function (state) {
      var same = state.a && state.a[0] === value;
      return { op: "attendance", value: same ? "" : value, version: state.a ? state.a[2] : null };
    });
  }
  function removeLast(input) {
    enqueue(input, function (state) {
      var last = lastMark(state);
      if (last) { return { op: "mark", slot: last[0], value: "", version: last[2] }; }
      if (state.a) { return { op: "attendance", value: "", version: state.a[2] }; }
      return null;
    });
  }

  // --- moving around
  function focusIn(td) {
    var input = td && td.querySelector("input.jg-i");
    if (input) { input.focus(); return true; }
    return false;
  }
  function move(input, dRow, dCol) {
    var td = input.parentNode;
    if (dCol) {
      var cell = dCol > 0 ? td.nextElementSibling : td.previousElementSibling;
      while (cell) {
        if (focusIn(cell)) { return; }
        cell = dCol > 0 ? cell.nextElementSibling : cell.previousElementSibling;
      }
      return;
    }
    var index = td.cellIndex;
    var row = dRow > 0 ? td.parentNode.nextElementSibling : td.parentNode.previousElementSibling;
    while (row) {
      if (focusIn(row.cells[index])) { return; }
      row = dRow > 0 ? row.nextElementSibling : row.previousElementSibling;
    }
  }

  // --- points typed under criteria: kept in the cell (input._jgTyped) until saved or dropped
  function typing(input) { return typeof input._jgTyped === "string"; }
  function typePoint(input, key) {
    if (noMarks) { flash(input, false, MSG.noMarks); say(MSG.noMarks, false); return; }
    if (!typing(input)) { input._jgTyped = ""; input._jgShown = input.value; }
    input._jgTyped += key === "," ? "." : key;
    input.value = input._jgTyped;
    input.parentNode.classList.add("jg-adding");
  }
  function dropTyped(input) {
    if (!typing(input)) { return false; }
    input.value = input._jgShown || "";
    input._jgTyped = null;
    input.parentNode.classList.remove("jg-adding");
    return true;
  }
  function commitTyped(input) {
    if (!typing(input)) { return false; }
    var value = input._jgTyped;
    dropTyped(input);
    if (value) {
      enqueue(input, function (state) {
        var first = firstMark(state);
        return { op: "mark", slot: 1, value: value, version: first ? first[2] : null };
      });
    }
    return true;
  }
  table.addEventListener("focusout", function (e) {
    if (e.target.classList && e.target.classList.contains("jg-i")) { commitTyped(e.target); }
  });

  // Russian (and its Latin keys), Kazakh ("ж" жоқ, "к" кешікті), English ("a" absent, "l" late).
  var ABSENT = { "н": 1, "Н": 1, "n": 1, "N": 1, "ж": 1, "Ж": 1, "a": 1, "A": 1 };
  var LATE = { "о": 1, "О": 1, "o": 1, "O": 1, "к": 1, "К": 1, "l": 1, "L": 1 };

  // a lesson still to come: its cells take nothing yet, and say so when clicked
  table.addEventListener("click", function (e) {
    var td = e.target.closest ? e.target.closest("td.jg-soon") : null;
    if (td) { say(td.getAttribute("title") || "", false); }
  });

  table.addEventListener("keydown", function (e) {
    var input = e.target;
    if (!input.classList || !input.classList.contains("jg-i")) { return; }
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    var key = e.key;
    if (criteria && typing(input)) {
      if (key === "Escape") { e.preventDefault(); dropTyped(input); return; }
      if (key === "Backspace") {
        e.preventDefault();
        input._jgTyped = input._jgTyped.slice(0, -1);
        input.value = input._jgTyped;
        return;
      }
      if (key === "Enter") { e.preventDefault(); commitTyped(input); move(input, 1, 0); return; }
      if (key === "Tab" || key.indexOf("Arrow") === 0) { commitTyped(input); }
    }
    if (key === "ArrowUp") { e.preventDefault(); move(input, -1, 0); return; }
    if (key === "ArrowDown") { e.preventDefault(); move(input, 1, 0); return; }
    if (key === "ArrowLeft") { e.preventDefault(); move(input, 0, -1); return; }
    if (key === "ArrowRight") { e.preventDefault(); move(input, 0, 1); return; }
    if (key === "Tab") { return; }
    if (key === "Enter") { e.preventDefault(); openPanel(input); return; }
    if (key === "Escape") { input._jgAdd = false; input.parentNode.classList.remove("jg-adding"); return; }
    if (key === "Backspace" || key === "Delete") { e.preventDefault(); removeLast(input); return; }
    if (key.length !== 1) { return; }
    e.preventDefault();
    if (criteria && ((key >= "0" && key <= "9") || ((key === "." || key === ",") && typing(input)))) {
      typePoint(input, key);
      return;
    }
    if (!criteria && key >= "1" && key <= "5") { typeMark(input, key); return; }
    if (!criteria && (key === "/" || key === "+")) {
      if (noMarks) { say(MSG.noMarks, false); return; }
      input._jgAdd = true;
      input.parentNode.classList.add("jg-adding");
      return;
    }
    if (ABSENT[key]) { toggleAttendance(input, "absent"); return; }
    if (LATE[key]) { toggleAttendance(input, "late"); return; }
    say(MSG.keys, false);
  });
  table.addEventListener("paste", function (e) {
    if (e.target.classList && e.target.classList.contains("jg-i")) { e.preventDefault(); }
  });
  table.addEventListener("dblclick", function (e) {
    if (e.target.classList && e.target.classList.contains("jg-i")) { openPanel(e.target); }
  });

  // --- the detail panel of a cell
  var panel = document.getElementById("jg-panel");
  var panelInput = null;
  function slotRow(slot) { return panel.querySelector('.jg-slot[data-slot="' + slot + '"]'); }
  function openPanel(input) {
    if (!panel) { return; }
    panelInput = input;
    var state = stateOf(input);
    var where = ids(input);
    document.getElementById("jg-panel-title").textContent = label(input);
    document.getElementById("jg-panel-error").textContent = "";
    SLOTS.forEach(function (slot) {
      var row = slotRow(slot);
      var mark = null;
      state.m.forEach(function (m) { if (m[0] === slot) { mark = m; } });
      row.querySelector(".jg-pv").value = mark ? mark[1] : "";
      row.querySelector(".jg-pk").value = mark && mark[3] ? String(mark[3]) : "";
      row.querySelector(".jg-pc").value = mark && mark[4] ? mark[4] : "";
    });
    document.getElementById("jg-pa").value = state.a ? state.a[0] : "";
    document.getElementById("jg-pm").value = state.a && state.a[1] ? state.a[1] : "";
    document.getElementById("jg-panel-history").href = historyUrl + "?lesson=" + where.lesson + "&student=" + where.student;
    panel.hidden = false;
    var first = panel.querySelector(noMarks ? "#jg-pa" : ".jg-pv");
    if (first) { first.focus(); }
  }
  function closePanel() {
    if (!panel) { return; }
    panel.hidden = true;
    if (panelInput) { panelInput.focus(); }
  }
  function savePanel() {
    var input = panelInput;
    if (!input) { return; }
    var errors = [];
    var wantStatus = document.getElementById("jg-pa").value;
    var wantMinutes = document.getElementById("jg-pm").value;
    var last = enqueue(input, function (state) {
      var seen = state.a ? state.a[0] : "";
      var seenMinutes = state.a && state.a[1] ? String(state.a[1]) : "";
      if (wantStatus === seen && (wantStatus !== "late" || wantMinutes === seenMinutes)) { return null; }
      var body = { op: "attendance", value: wantStatus, version: state.a ? state.a[2] : null };
      if (wantStatus === "late") { body.minutes = wantMinutes; }
      return body;
    }).then(function (r) { if (r && !r.ok) { errors.push(r.error); } });
    if (!noMarks) {
      SLOTS.forEach(function (slot) {
        var row = slotRow(slot);
        var value = row.querySelector(".jg-pv").value;
        var kind = row.querySelector(".jg-pk").value;
        var comment = row.querySelector(".jg-pc").value.trim();
        last = enqueue(input, function (state) {
          var mark = null;
          state.m.forEach(function (m) { if (m[0] === slot) { mark = m; } });
          if (!mark && !value) { return null; }
          if (mark && mark[1] === value && String(mark[3] || "") === kind && (mark[4] || "") === comment) { return null; }
          return { op: "mark", slot: slot, value: value, version: mark ? mark[2] : null, comment: comment,
                   work_kind_id: kind ? parseInt(kind, 10) : null };
        }).then(function (r) { if (r && !r.ok) { errors.push(r.error); } });
      });
    }
    last.then(function () {
      if (errors.length) {
        document.getElementById("jg-panel-error").textContent = errors.join(" ");
      } else {
        closePanel();
      }
    });
  }
  if (panel) {
    document.getElementById("jg-panel-close").addEventListener("click", closePanel);
    document.getElementById("jg-panel-save").addEventListener("click", savePanel);
    panel.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { e.preventDefault(); closePanel(); }
      if (e.key === "Enter" && e.target.tagName !== "BUTTON" && e.target.tagName !== "A") { e.preventDefault(); savePanel(); }
    });
  }
  // --- where the grid opens: where the teacher left it in this tab (same page and period), else today's column
  // (or the last lesson before today) at the right edge of the frame, the earlier lessons to its left.
  (function () {
    var wrap = table.parentNode;
    var period = form && form.elements.period ? form.elements.period.value : "";
    var key = "jg-place-" + assignment + "-" + period;
    var store = null;
    try { store = window.sessionStorage; } catch (e) { store = null; }
    var saved = store ? store.getItem(key) : null;
    if (saved !== null && !isNaN(parseInt(saved, 10))) {
      wrap.scrollLeft = parseInt(saved, 10);
    } else {
      var now = table.querySelector("th.jg-now");
      if (now) {
        wrap.scrollLeft = Math.max(0, now.offsetLeft + now.offsetWidth - wrap.clientWidth + 8);
      }
    }
    var timer = null;
    wrap.addEventListener("scroll", function () {
      if (!store) { return; }
      clearTimeout(timer);
      timer = setTimeout(function () {
        try { store.setItem(key, String(wrap.scrollLeft)); } catch (e) { /* storage full or off: nothing kept */ }
      }, 100);
    });
  })();
})();
