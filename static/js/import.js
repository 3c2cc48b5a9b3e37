// The progress bar of a draft being read in the background: polls its status until done.
(function () {
  "use strict";
  var box = document.getElementById("import");
  if (!box || ["queued", "running"].indexOf(box.dataset.status) < 0) { return; }
  var bar = document.getElementById("import-progress");
  var stage = document.getElementById("import-stage");
  var error = document.getElementById("import-error");
  function poll() {
    fetch(box.dataset.statusUrl, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (state) {
        bar.value = state.progress;
        bar.textContent = state.progress + "%";
        stage.textContent = state.stage;
        if (state.status === "done") { window.location.assign(state.url); return; }
        if (state.status === "failed") {
          error.textContent = state.error;
          error.hidden = false;
          bar.hidden = true;
          return;
        }
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
