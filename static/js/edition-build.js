// One offline edition being built (templates/studio/edition_build.html): ask the server how far it has
// gone each second, and show it in the progress bar and the status line (in the page's language, as the
// server words it); when it is ready, show the download. Without script the page reloads itself instead.
(function () {
  "use strict";

  const box = document.querySelector("[data-edition-build]");
  if (!box || !window.fetch) return;
  const bar = box.querySelector("progress");
  const status = box.querySelector("[data-edition-build-status]");
  const download = box.querySelector("[data-edition-build-download]");

  function show(answer) {
    if (answer.total) {
      bar.max = answer.total;
      bar.value = answer.status === "ready" ? answer.total : answer.done;
    }
    if (status.textContent !== answer.words) status.textContent = answer.words;
    if (answer.status === "ready") {
      download.querySelector("a").href = answer.download;
      download.hidden = false;
    }
    return answer.status === "ready" || answer.status === "failed";
  }

  function ask() {
    fetch(box.dataset.progress, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : null))
      .then((answer) => {
        if (!answer || !show(answer)) window.setTimeout(ask, 1000);
      })
      .catch(() => window.setTimeout(ask, 3000));
  }

  if (!box.hasAttribute("data-finished")) ask();
})();
