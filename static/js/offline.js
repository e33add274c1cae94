// Save for offline: on a reader's request, the episode page as it is read (its language, its data-saver
// mode), the panel images this browser shows, the CSS and JS and the two pages the worker needs (the
// saved list, the offline notice, in every language of the site) go into a cache of their own in this
// browser; the saved page lists those caches and removes them. Nothing is sent to the site but the
// ordinary requests for those files, and the page's own asks with "Purpose: prefetch", so saving it is
// not counted as another view (comics/stats/counting.py). The words shown come from data- attributes.
const PREFIX = "saved-episode ";  // a cache's name: this, then what the list shows, as JSON

async function savedCaches() {
  const names = (await caches.keys()).filter((name) => name.startsWith(PREFIX));
  return names.map((name) => ({ name, ...JSON.parse(name.slice(PREFIX.length)) }));
}

function fill(template, values) {
  return Object.entries(values).reduce((text, [key, value]) => text.replace(`{${key}}`, value), template);
}

// --- the episode page --------------------------------------------------------------------------
const tools = document.querySelector(".save-offline");
if (tools && "serviceWorker" in navigator && "caches" in window) {
  // The reading tools' status line and the reading bar's button label (static/js/reading-bars.js).
  const statuses = document.querySelectorAll(".save-offline-status, .save-offline-label");
  const say = (state) => {
    for (const status of statuses) status.textContent = status.dataset[state];
  };
  const article = document.querySelector("article[data-place]");
  const path = window.location.pathname;
  const worker = new URL(tools.dataset.worker, window.location.href).href;
  // Trusted Types: the worker's address is a script URL, and only this one is let through.
  const policy = window.trustedTypes && window.trustedTypes.createPolicy("offline-worker", {
    createScriptURL: (url) => {
      if (url !== worker) throw new TypeError(`not the offline worker: ${url}`);
      return url;
    },
  });

  async function loadEveryPanel() {
    const images = Array.from(document.querySelectorAll(".strip img"));
    for (const image of images) image.loading = "eager";
    await Promise.allSettled(images.map((image) => image.decode()));
    return images.map((image) => image.currentSrc).filter(Boolean);
  }

  async function save() {
    say("saving");
    await navigator.serviceWorker.register(policy ? policy.createScriptURL(worker) : worker, { scope: "/" });
    await navigator.serviceWorker.ready;  // answering this page's reloads from now on
    const page = new Request(window.location.pathname + window.location.search, { headers: { Purpose: "prefetch" } });
    const files = [
      ...tools.dataset.savedPages.split(" ").filter(Boolean),
      ...tools.dataset.offlinePages.split(" ").filter(Boolean),
      ...Array.from(document.querySelectorAll("link[rel=stylesheet], link[rel=icon]"), (link) => link.href),
      ...Array.from(document.querySelectorAll("script[src]"), (script) => script.src),
      ...(await loadEveryPanel()),
    ];
    for (const old of await savedCaches()) if (old.path === path) await caches.delete(old.name);
    const name = PREFIX + JSON.stringify({
      path,
      series: article.dataset.seriesTitle,
      number: article.dataset.episodeNumber,
      title: article.dataset.episodeTitle,
    });
    const cache = await caches.open(name);
    try {
      await cache.addAll([page, ...new Set(files)]);
    } catch (error) {
      await caches.delete(name);
      throw error;
    }
    say("saved");
  }

  tools.hidden = false;
  for (const button of document.querySelectorAll(".save-offline-button")) {
    button.hidden = false;
    button.addEventListener("click", () => {
      save().catch(() => say("failed"));
    });
  }
  savedCaches().then((saved) => {
    if (saved.some((entry) => entry.path === path)) say("saved");
  });
}

// --- the saved page ----------------------------------------------------------------------------
const savedPage = document.querySelector(".saved");
if (savedPage && "caches" in window) {
  savedPage.querySelector(".saved-needs-script").hidden = true;
  const list = savedPage.querySelector(".saved-list");
  const empty = savedPage.querySelector(".saved-empty");
  const number = new Intl.NumberFormat(document.documentElement.lang, { maximumFractionDigits: 1 });

  function sizeText(bytes) {
    if (bytes >= 1e6) return fill(savedPage.dataset.megabytes, { size: number.format(bytes / 1e6) });
    return fill(savedPage.dataset.kilobytes, { size: number.format(Math.max(1, Math.round(bytes / 1e3))) });
  }

  async function cacheSize(name) {
    const cache = await caches.open(name);
    let total = 0;
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      total += (await response.blob()).size;
    }
    return total;
  }

  async function showSaved() {
    const saved = await savedCaches();
    for (const entry of saved) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = entry.path;
      link.textContent = fill(savedPage.dataset.item, { series: entry.series, number: entry.number, title: entry.title });
      const size = document.createElement("span");
      size.className = "saved-size";
      size.textContent = sizeText(await cacheSize(entry.name));
      const remove = document.createElement("button");
      remove.type = "button";
      remove.textContent = savedPage.dataset.remove;
      remove.addEventListener("click", async () => {
        await caches.delete(entry.name);
        item.remove();
        await noteEmpty();
      });
      item.append(link, " ", size, " ", remove);
      list.append(item);
    }
    await noteEmpty();
  }

  async function noteEmpty() {
    empty.hidden = list.children.length > 0;
    if (list.children.length || !("serviceWorker" in navigator)) return;
    // Nothing saved any more: the worker has nothing to answer with, so it goes too.
    for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister();
  }

  showSaved();
}
