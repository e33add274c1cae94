// The studio's enhancements. Every form works without this script; with it, uploads gain a drop zone,
// a reorderable file list with alt text and transcript per file, a progress bar, and each file's
// status and refusal reason; panel lists gain drag-and-drop and up/down buttons. Nothing is loaded
// from another host.
"use strict";

(function () {
  const MB = 1000 * 1000;

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (name === "text") node.textContent = value;
      else if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  // The uploader's words; the page gives them in its language (data-words on [data-uploader]).
  const ENGLISH = {
    refused: "Refused: {reason}",
    acceptedPanels: "Accepted ({panels} panels)",
    accepted: "Accepted",
    unsaved: "Fine, but not saved: another file was refused",
    sending: "{percent}% sent",
    processing: "Sent, processing…",
    waiting: "{size}, ready to upload",
    altFor: "Alt text for {name}",
    transcriptFor: "Transcript for {name}",
    altText: "Alt text",
    transcriptOptional: "Transcript (optional)",
    wordsInPanel: "Words in this panel",
    moveUp: "Move {name} up",
    moveDown: "Move {name} down",
    removeFile: "Remove {name}",
    up: "↑ Up",
    down: "↓ Down",
    remove: "Remove",
    nothingChanged: "Nothing was changed",
    uploading: "Uploading…",
    uploaded: "Uploaded. Processing the images…",
    saved: "Saved.",
    tooLarge: "These files are too large to send together. Send fewer at a time.",
    serverAnswered: "The server answered {status}. Nothing was changed; try again.",
    connectionFailed: "The connection failed before the upload finished. Nothing was changed; try again.",
  };

  function wordsOf(element) {
    let given = {};
    try {
      given = JSON.parse(element.dataset.words || "{}") || {};
    } catch (error) {
      given = {};
    }
    const words = Object.assign({}, ENGLISH, given);
    // say("refused", { reason }) → the word with each {name} filled in.
    return function say(key, values) {
      return String(words[key]).replace(/\{(\w+)\}/g, (whole, name) => (values && name in values ? String(values[name]) : whole));
    };
  }

  function formatSize(bytes) {
    return bytes >= MB ? (bytes / MB).toFixed(1) + " MB" : Math.max(1, Math.round(bytes / 1000)) + " kB";
  }

  // ----- reordering: drag and drop plus buttons, for the file list and the panel list ------------

  function makeSortable(list, itemSelector, onChange) {
    let dragged = null;
    list.addEventListener("dragstart", (event) => {
      dragged = event.target.closest(itemSelector);
      if (!dragged) return;
      dragged.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", "");
    });
    list.addEventListener("dragover", (event) => {
      if (!dragged) return;
      event.preventDefault();
      const over = event.target.closest(itemSelector);
      if (!over || over === dragged) return;
      const box = over.getBoundingClientRect();
      const after = event.clientY > box.top + box.height / 2;
      over.parentNode.insertBefore(dragged, after ? over.nextSibling : over);
    });
    list.addEventListener("drop", (event) => {
      if (dragged) event.preventDefault();
    });
    list.addEventListener("dragend", () => {
      if (!dragged) return;
      dragged.classList.remove("dragging");
      dragged = null;
      onChange();
    });
    list.addEventListener("click", (event) => {
      const button = event.target.closest("[data-move]");
      if (!button) return;
      const item = button.closest(itemSelector);
      if (button.dataset.move === "up" && item.previousElementSibling) {
        item.parentNode.insertBefore(item, item.previousElementSibling);
      } else if (button.dataset.move === "down" && item.nextElementSibling) {
        item.parentNode.insertBefore(item.nextElementSibling, item);
      } else {
        return;
      }
      onChange();
      button.focus();
    });
  }

  function enhancePanelList(list) {
    for (const buttons of list.querySelectorAll("[data-move-buttons]")) buttons.hidden = false;
    for (const row of list.querySelectorAll("[data-panel-id]")) row.draggable = true;
    makeSortable(list, "[data-panel-id]", () => {
      list.querySelectorAll("[data-panel-id]").forEach((row, index) => {
        row.querySelector("[data-position]").value = index + 1;
      });
    });
  }

  // ----- the uploader ----------------------------------------------------------------------------

  function enhanceUploader(form) {
    const fieldset = form.querySelector("[data-uploader]");
    if (!fieldset) return;
    const input = fieldset.querySelector('input[type="file"][name="files"]');
    const zone = fieldset.querySelector("[data-drop-zone]");
    const list = fieldset.querySelector("[data-file-list]");
    const progress = form.querySelector("[data-progress]");
    const bar = progress.querySelector("progress");
    const label = progress.querySelector("[data-progress-label]");
    const text = progress.querySelector("[data-progress-text]");
    const say = wordsOf(fieldset);
    let entries = [];
    let sending = false;

    zone.hidden = false;
    fieldset.querySelector("[data-file-field]").classList.add("visually-hidden");
    zone.querySelector("[data-choose]").addEventListener("click", () => input.click());

    function addFiles(files) {
      for (const file of files) entries.push({ file, alt: "", transcript: "", status: "waiting", reason: "", row: null });
      input.value = "";
      render();
    }

    function statusText(entry) {
      if (entry.status === "refused") return say("refused", { reason: entry.reason });
      if (entry.status === "accepted") return entry.panels > 1 ? say("acceptedPanels", { panels: entry.panels }) : say("accepted");
      if (entry.status === "unsaved") return say("unsaved");
      if (entry.status === "sending") return say("sending", { percent: entry.percent });
      if (entry.status === "processing") return say("processing");
      return say("waiting", { size: formatSize(entry.file.size) });
    }

    function render() {
      list.hidden = entries.length === 0;
      list.replaceChildren();
      entries.forEach((entry, index) => {
        const number = index + 1;
        const alt = el("textarea", { rows: 2, id: `new-alt-${number}`, "aria-label": say("altFor", { name: entry.file.name }) });
        alt.value = entry.alt;
        alt.addEventListener("input", () => (entry.alt = alt.value));
        const transcript = el("textarea", { rows: 2, id: `new-transcript-${number}`, "aria-label": say("transcriptFor", { name: entry.file.name }) });
        transcript.value = entry.transcript;
        transcript.addEventListener("input", () => (entry.transcript = transcript.value));
        const status = el("p", { class: `file-status file-status-${entry.status}`, "data-file-status": entry.status, text: statusText(entry) });
        const row = el(
          "li",
          { class: "file-row", draggable: "true", "data-file-index": index },
          el("span", { class: "file-name", text: `${number}. ${entry.file.name}` }),
          status,
          el("label", { for: alt.id, text: say("altText") }),
          alt,
          el("details", {}, el("summary", { text: say("transcriptOptional") }), el("label", { for: transcript.id, text: say("wordsInPanel") }), transcript),
          el(
            "span",
            { class: "move-buttons" },
            el("button", { type: "button", class: "button small", "data-move": "up", "aria-label": say("moveUp", { name: entry.file.name }), text: say("up") }),
            el("button", { type: "button", class: "button small", "data-move": "down", "aria-label": say("moveDown", { name: entry.file.name }), text: say("down") }),
            el("button", { type: "button", class: "button small", "data-remove-file": "", "aria-label": say("removeFile", { name: entry.file.name }), text: say("remove") }),
          ),
        );
        entry.row = row;
        list.append(row);
      });
    }

    function readOrder() {
      const rows = [...list.querySelectorAll("[data-file-index]")];
      entries = rows.map((row) => entries[Number(row.dataset.fileIndex)]);
      render();
    }

    makeSortable(list, "[data-file-index]", readOrder);
    list.addEventListener("click", (event) => {
      const button = event.target.closest("[data-remove-file]");
      if (!button) return;
      entries.splice(Number(button.closest("[data-file-index]").dataset.fileIndex), 1);
      render();
    });
    input.addEventListener("change", () => addFiles(input.files));
    for (const type of ["dragenter", "dragover"]) {
      zone.addEventListener(type, (event) => {
        if (![...event.dataTransfer.types].includes("Files")) return;
        event.preventDefault();
        zone.classList.add("drop-active");
      });
    }
    zone.addEventListener("dragleave", () => zone.classList.remove("drop-active"));
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      zone.classList.remove("drop-active");
      addFiles(event.dataTransfer.files);
    });

    function showProblems(messages) {
      let box = form.parentNode.querySelector("[data-script-problems]");
      if (!box) {
        box = el("div", { class: "notice notice-error", role: "alert", tabindex: "-1", "data-script-problems": "" });
        form.parentNode.insertBefore(box, form);
      }
      box.replaceChildren(el("h2", { text: say("nothingChanged") }), el("ul", {}, ...messages.map((m) => el("li", { text: m }))));
      box.focus();
    }

    function applyResults(files) {
      // The server lists replacement files first, then new files, each in the order sent.
      const results = (files || []).slice();
      for (const entry of entries) {
        const at = results.findIndex((result) => result.name === entry.file.name);
        if (at === -1) continue;
        const [result] = results.splice(at, 1);
        entry.status = result.status;
        entry.reason = result.reason;
        entry.panels = result.panels;
      }
      const refused = entries.some((entry) => entry.status === "refused");
      if (refused) for (const entry of entries) if (entry.status === "accepted") entry.status = "unsaved";
      render();
    }

    function setProgress(loaded, total) {
      const percent = total ? Math.round((loaded / total) * 100) : 100;
      bar.value = percent;
      text.textContent = percent + "%";
      // Bytes go out in the order of the files, so each file's share of the progress is known.
      let offset = total - entries.reduce((sum, entry) => sum + entry.file.size, 0);
      for (const entry of entries) {
        const sent = Math.min(Math.max(loaded - offset, 0), entry.file.size);
        entry.percent = entry.file.size ? Math.round((sent / entry.file.size) * 100) : 100;
        entry.status = entry.percent >= 100 ? "processing" : "sending";
        offset += entry.file.size;
        const status = entry.row && entry.row.querySelector("[data-file-status]");
        if (status) status.textContent = statusText(entry);
      }
    }

    form.addEventListener("submit", (event) => {
      if (sending || !window.FormData || !window.XMLHttpRequest) return;
      event.preventDefault();
      const data = new FormData(form);
      data.delete("files");
      data.delete("alt_text");
      data.delete("transcript");
      for (const entry of entries) {
        data.append("files", entry.file, entry.file.name);
        data.append("alt_text", entry.alt);
        data.append("transcript", entry.transcript);
      }
      sending = true;
      const submit = form.querySelector('[type="submit"]');
      submit.disabled = true;
      progress.hidden = false;
      label.textContent = say("uploading");
      setProgress(0, 1);

      const request = new XMLHttpRequest();
      request.open("POST", form.getAttribute("action") || window.location.href);
      request.setRequestHeader("Accept", "application/json");
      request.upload.addEventListener("progress", (e) => {
        if (e.lengthComputable) setProgress(e.loaded, e.total);
      });
      request.upload.addEventListener("load", () => {
        bar.value = 100;
        label.textContent = say("uploaded");
        text.textContent = "100%";
      });
      request.addEventListener("load", () => {
        let answer = null;
        try {
          answer = JSON.parse(request.responseText);
        } catch (error) {
          answer = null;
        }
        sending = false;
        submit.disabled = false;
        if (answer && answer.ok) {
          applyResults(answer.files);
          label.textContent = say("saved");
          window.location.assign(answer.redirect);
          return;
        }
        progress.hidden = true;
        if (answer) {
          applyResults(answer.files);
          showProblems(answer.errors || [answer.error]);
        } else if (request.status === 413) {
          showProblems([say("tooLarge")]);
        } else {
          showProblems([say("serverAnswered", { status: request.status })]);
        }
      });
      request.addEventListener("error", () => {
        sending = false;
        submit.disabled = false;
        progress.hidden = true;
        showProblems([say("connectionFailed")]);
      });
      request.send(data);
    });
  }

  // ----- the review form: the time field only matters for "At a set time" -------------------------

  function enhanceWhen(form) {
    const time = form.querySelector('input[type="datetime-local"]');
    if (!time) return;
    const field = time.closest(".field");
    const update = () => {
      const later = form.querySelector('input[name="when"][value="later"]');
      field.hidden = !(later && later.checked);
    };
    form.addEventListener("change", update);
    update();
  }

  for (const list of document.querySelectorAll("[data-panel-list]")) enhancePanelList(list);
  for (const form of document.querySelectorAll("[data-upload-form]")) enhanceUploader(form);
  for (const form of document.querySelectorAll(".review-form, .publish-form")) enhanceWhen(form);
  for (const field of document.querySelectorAll("[data-invitation-link]")) field.addEventListener("focus", () => field.select());

  // ----- the invitation link: one button copies it -------------------------------------------------

  function enhanceCopy(actions) {
    const button = actions.querySelector("[data-copy]");
    const done = actions.querySelector("[data-copy-done]");
    const field = document.getElementById(button.dataset.copy);
    if (!field || !navigator.clipboard) return;
    actions.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(field.value);
        done.textContent = button.dataset.copied;
      } catch (error) {
        // The browser refused (no permission): select the link so a long press or Ctrl+C copies it.
        field.focus();
        field.select();
        done.textContent = button.dataset.copyByHand;
      }
    });
  }

  for (const actions of document.querySelectorAll("[data-copy-actions]")) enhanceCopy(actions);
})();
