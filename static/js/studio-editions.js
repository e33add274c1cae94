// The offline edition page (templates/studio/editions.html): send the form from script so the page can
// show honestly that the server is building (the seconds passing), then save the ZIP it answers with,
// or show the reasons it was refused. Without fetch or Blob the form posts as usual and the browser
// waits for the download. The words come from the form's data-* attributes, in the page's language.
(function () {
  "use strict";

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, (match, name) => (name in values ? String(values[name]) : match));
  }

  function enhance(form) {
    if (!window.fetch || !window.FormData || !window.Blob || !window.URL || !URL.createObjectURL) return;
    const status = form.querySelector("[data-edition-status]");
    const submit = form.querySelector('[type="submit"]');
    let building = false;

    function showProblems(reasons) {
      let box = document.getElementById("form-problems");
      if (!box) {
        box = document.createElement("div");
        box.id = "form-problems";
        box.className = "notice notice-error";
        box.setAttribute("role", "alert");
        box.tabIndex = -1;
        form.parentNode.insertBefore(box, form);
      }
      box.textContent = "";
      const list = document.createElement("ul");
      for (const reason of reasons) {
        const item = document.createElement("li");
        item.textContent = reason;
        list.appendChild(item);
      }
      box.appendChild(list);
      box.focus();
    }

    function filename(response) {
      const header = response.headers.get("Content-Disposition") || "";
      const match = /filename="?([^";]+)"?/.exec(header);
      return match ? match[1] : "edition.zip";
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (building) return;
      building = true;
      submit.disabled = true;
      form.setAttribute("aria-busy", "true");
      const started = Date.now();
      const tick = () => {
        status.textContent = fill(form.dataset.building, { seconds: Math.round((Date.now() - started) / 1000) });
      };
      tick();
      const timer = window.setInterval(tick, 1000);
      const finish = () => {
        window.clearInterval(timer);
        building = false;
        submit.disabled = false;
        form.removeAttribute("aria-busy");
      };
      fetch(form.action, { method: "POST", body: new FormData(form), headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then((response) => {
          const type = response.headers.get("Content-Type") || "";
          if (response.ok && type.indexOf("application/zip") === 0) {
            const name = filename(response);
            return response.blob().then((blob) => {
              const link = document.createElement("a");
              link.href = URL.createObjectURL(blob);
              link.download = name;
              document.body.appendChild(link);
              link.click();
              link.remove();
              window.setTimeout(() => URL.revokeObjectURL(link.href), 60000);
              finish();
              status.textContent = fill(form.dataset.ready, { name: name, size: (blob.size / 1e6).toFixed(1) });
            });
          }
          return response
            .json()
            .catch(() => null)
            .then((answer) => {
              finish();
              status.textContent = "";
              showProblems(answer && answer.errors ? answer.errors : [fill(form.dataset.failed, { status: response.status })]);
            });
        })
        .catch(() => {
          finish();
          status.textContent = "";
          showProblems([form.dataset.offline]);
        });
    });
  }

  for (const form of document.querySelectorAll("[data-edition-form]")) enhance(form);
})();
