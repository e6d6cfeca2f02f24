/* "Мои задания": while a job is queued or running, asks the status URL every two seconds and moves its
   progress bar; when a job finishes (done or failed) the page reloads to show its download or retry button. */
(function () {
  "use strict";
  var table = document.getElementById("jobs");
  if (!table) { return; }
  var url = table.getAttribute("data-status-url");

  function active() {
    return table.querySelectorAll("tr[data-status='queued'], tr[data-status='running']").length > 0;
  }

  function update(job) {
    var row = document.getElementById("job-" + job.id);
    if (!row) { return false; }
    var was = row.getAttribute("data-status");
    var bar = row.querySelector(".progress-bar");
    bar.style.width = job.progress + "%";
    bar.setAttribute("aria-valuenow", job.progress);
    bar.textContent = job.progress + "%";
    row.querySelector(".job-status").textContent = job.status_label;
    row.querySelector(".job-message").textContent = job.message;
    row.setAttribute("data-status", job.status);
    return (was === "queued" || was === "running") && (job.status === "done" || job.status === "failed");
  }

  function poll() {
    if (!active()) { return; }
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : {jobs: []}; })
      .then(function (data) {
        var finished = false;
        data.jobs.forEach(function (job) { finished = update(job) || finished; });
        if (finished) { window.location.reload(); } else { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  window.setTimeout(poll, 1000);
})();
