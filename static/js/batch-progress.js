/* The import batch page (workbooks/batch.html): while the worker reads or imports the workbook,
   follow its progress every second, and reload the page once it is done. */
(function () {
  "use strict";

  var box = document.getElementById("batch-state");
  if (!box || box.dataset.busy !== "1") { return; }
  var bar = document.getElementById("progress-bar");
  var stage = document.getElementById("progress-stage");

  function poll() {
    fetch(box.dataset.progressUrl, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (progress) {
        if (!progress.busy) { window.location.reload(); return; }
        bar.style.width = progress.percent + "%";
        bar.textContent = progress.percent + "%";
        bar.parentNode.setAttribute("aria-valuenow", progress.percent);
        if (progress.stage) {
          var count = progress.total ? " (" + progress.done + "/" + progress.total + ")" : (progress.done ? " (" + progress.done + ")" : "");
          stage.textContent = progress.stage + count;
        }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
