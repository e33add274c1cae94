// Arrow keys move between episodes; the page works the same without this script.
document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  const target = event.target;
  if (target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
  const rel = { ArrowLeft: "prev", ArrowRight: "next" }[event.key];
  const link = rel && document.querySelector(`link[rel="${rel}"]`);
  if (link) window.location.href = withSaver(link.href);
});

// The language switch keeps the reader's place. The panel being read is noted once scrolling settles,
// while the strip fills the screen (not when the reader has gone back up to the header to reach the
// switch), and the switch carries it as #panel-N; a page opened at a panel its version lacks (a
// shorter translation) shows its last.
const panels = () => Array.from(document.querySelectorAll(".strip .panel[id]"));
let place = null;

function notePlace() {
  const list = panels();
  // Above the strip the place is left as it was: the reader went up for the header's links.
  if (!list.length || window.scrollY < list[0].getBoundingClientRect().top + window.scrollY) return;
  place = list[0];
  let atTop = list[0];  // the panel under the top edge of the screen, where reading resumes
  for (const panel of list) {
    const top = panel.getBoundingClientRect().top;
    if (top < 1) atTop = panel;
    if (top > window.innerHeight / 3) break;
    place = panel;
  }
  document.documentElement.dataset.panel = place.id;
  rememberPlace(atTop);
}

let settling = null;
window.addEventListener("scroll", () => {
  clearTimeout(settling);
  settling = setTimeout(notePlace, 150);
}, { passive: true });

document.addEventListener("click", (event) => {
  const link = event.target instanceof Element && event.target.closest("a.language-switch, a.keeps-panel");
  if (link && place) link.hash = place.id;
});
// Leaving the page (a link, the back button, closing the tab) notes the place at once, if it moved.
window.addEventListener("pagehide", () => {
  if (settling === null) return;
  clearTimeout(settling);
  notePlace();
});

const wanted = /^#panel-\d+$/.test(window.location.hash) && window.location.hash.slice(1);
if (wanted && !document.getElementById(wanted)) {
  const last = panels().pop();
  if (last) last.scrollIntoView();
}

// Resume reading: the place in each episode (the panel under the top of the screen and how far into
// it) is kept in this browser's localStorage, by ids only: the series' slug and the episode's number,
// as the key "slug/number". No title is kept, so the list below shows each in the language of the page
// it is on, whatever language it was read in; nothing is sent to the site. Reopening the episode
// returns there, unless its address names a panel (#panel-N).
const PLACES = "reading-places";
const KEPT_PLACES = 50;
const article = document.querySelector("article[data-place]");

function readPlaces() {
  try {
    return JSON.parse(localStorage.getItem(PLACES)) || {};
  } catch {
    return {};  // storage turned off, or not ours to read
  }
}

// Places kept before ids alone carried their titles in the language they were read in, and a
// language: keep the place, drop the words, once.
function migratePlaces() {
  const places = readPlaces();
  const old = Object.values(places).filter((entry) => entry && ("titles" in entry || "language" in entry));
  if (!old.length) return;
  for (const entry of old) {
    delete entry.titles;
    delete entry.language;
  }
  writePlaces(places);
}

function writePlaces(places) {
  const newest = Object.entries(places).sort((a, b) => b[1].at - a[1].at).slice(0, KEPT_PLACES);
  try {
    localStorage.setItem(PLACES, JSON.stringify(Object.fromEntries(newest)));
  } catch {
    // storage full or turned off: reading works the same, it is only not remembered
  }
}

function rememberPlace(panel) {
  if (!article) return;
  const places = readPlaces();
  const key = article.dataset.place;
  const rect = panel.getBoundingClientRect();
  places[key] = {
    panel: panel.id,
    offset: Math.max(0, -rect.top) / rect.height,
    number: article.dataset.episodeNumber,
    at: Date.now(),
  };
  writePlaces(places);
}

// The data saver: the reader's own switch is kept in localStorage. The server draws a page with only
// the narrowest images when asked with ?saver=on (or Save-Data: on), so links to episodes carry the
// flag while the switch is on, and an episode opened without it is reloaded with it at once.
const SAVER = "data-saver";
const episodePath = /\/series\/[^/]+\/\d+\/$/;

function saverOn() {
  try {
    return localStorage.getItem(SAVER) === "on";
  } catch {
    return false;
  }
}

function withSaver(href) {
  const url = new URL(href, window.location.href);
  if (!saverOn() || url.origin !== window.location.origin || !episodePath.test(url.pathname)) return href;
  url.searchParams.set("saver", "on");
  return url.href;
}

document.addEventListener("click", (event) => {
  const link = event.target instanceof Element && event.target.closest("a[href]");
  if (!link) return;
  const choice = link.dataset.saverChoice;
  try {
    if (choice === "on") localStorage.setItem(SAVER, "on");
    if (choice === "off") localStorage.removeItem(SAVER);
  } catch {
    // the link still shows this page in the chosen mode
  }
  if (!choice) link.href = withSaver(link.href);
});

// Never to the address it already has: a copy saved for offline before the switch was turned on comes
// back from the offline worker as it was saved, and is read as it is rather than reloaded for ever.
const saverAddress = article && saverOn() && !article.dataset.saver && withSaver(window.location.href);
if (saverAddress && saverAddress !== window.location.href) {
  window.location.replace(saverAddress);  // before any place is restored or noted
}

if (article && !wanted) {
  const stored = readPlaces()[article.dataset.place];
  const panel = stored && stored.panel && (document.getElementById(stored.panel) || panels().pop());
  if (panel) {
    history.scrollRestoration = "manual";  // the stored place, not the browser's guess
    const rect = panel.getBoundingClientRect();
    window.scrollTo(0, rect.top + window.scrollY + stored.offset * rect.height);
  }
}

// A series followed (static/js/follow.js keeps them under "followed-series", each with the latest
// episode number seen) is seen up to the episode opened, however it was reached: "Latest episodes", a
// shared link, the next-episode link. The home page then marks it only for episodes after this one;
// opening an earlier episode lowers nothing. Here, not in follow.js, so the episode loads no fourth script.
const FOLLOWS = "followed-series";
if (article) {
  try {
    const follows = JSON.parse(localStorage.getItem(FOLLOWS)) || {};
    const key = article.dataset.place;  // "slug/number"
    const slug = key.slice(0, key.lastIndexOf("/"));
    const number = Number(article.dataset.episodeNumber);
    const entry = follows[slug];
    if (entry && number && !(entry.seen >= number)) {
      follows[slug] = { ...entry, seen: number };
      localStorage.setItem(FOLLOWS, JSON.stringify(follows));
    }
  } catch {
    // storage turned off or full, or not ours to read: the mark only stays
  }
}

// "Continue reading" on the home and series pages, drawn from the places kept above, each named in the
// page's language from data-titles: one answer holding every public series' and episode's title in
// this language (the same for every reader, so asking for it tells the site nothing of what was read).
// A place whose episode is no longer public is left out. One button forgets them all (and the series
// followed: follow.js listens to it too). Its note is shown while anything is kept.
const shelf = document.querySelector(".continue-reading");
const keptNote = document.querySelector(".kept-here");
migratePlaces();
if (shelf) {
  const series = shelf.dataset.series;
  const entries = Object.entries(readPlaces())
    .filter(([key]) => !series || key.startsWith(`${series}/`))
    .sort((a, b) => b[1].at - a[1].at);
  const list = shelf.querySelector(".continue-list");
  if (entries.length) {
    fetch(shelf.dataset.titles, { credentials: "omit" })
      .then((response) => (response.ok ? response.json() : { series: {} }))
      .then((titles) => {
        for (const [key] of entries) {
          const [slug, number] = key.split("/");
          const found = titles.series[slug];
          const title = found && found.episodes[number];
          if (title === undefined || list.children.length >= 5) continue;
          const link = document.createElement("a");
          link.href = withSaver(`${shelf.dataset.root}series/${encodeURIComponent(slug)}/${number}/`);
          link.textContent = shelf.dataset.item
            .replace("{series}", found.title).replace("{number}", number).replace("{title}", title);
          const item = document.createElement("li");
          item.append(link);
          list.append(item);
        }
        shelf.hidden = !list.children.length;
        if (keptNote && list.children.length) keptNote.hidden = false;
      })
      .catch(() => {
        // offline, say: the places are kept, and listed again on the next page that can ask
      });
  }
}
if (keptNote) {
  keptNote.querySelector(".forget-history").addEventListener("click", () => {
    try {
      localStorage.removeItem(PLACES);
    } catch {
      // nothing was kept
    }
    if (shelf) {
      shelf.querySelector(".continue-list").replaceChildren();
      shelf.hidden = true;
    }
    keptNote.hidden = true;
  });
}

// Next episode ready: when one of the last three panels comes into view, the next episode's page and
// its first two panels (in the format and width this browser picks for this page) are prefetched.
// Never in data-saver mode: the server then gives no next-episode data, and the browser's own
// setting is heeded too.
const saving = !article || article.dataset.saver || saverOn() || (navigator.connection && navigator.connection.saveData);
if (!saving && article.dataset.nextPage && "IntersectionObserver" in window) {
  const observer = new IntersectionObserver((entries) => {
    if (!entries.some((entry) => entry.isIntersecting)) return;
    observer.disconnect();
    prefetch(article.dataset.nextPage);
    const shown = document.querySelector(".strip img");
    const extension = ((shown && shown.currentSrc.match(/\.(\w+)$/)) || [])[1];
    const format = { jpg: "jpeg" }[extension] || extension || "jpeg";
    const pixels = Math.min(window.innerWidth, 800) * window.devicePixelRatio;  // the strip's sizes
    for (const panel of JSON.parse(article.dataset.nextPanels || "[]")) {
      const sources = panel[format] || panel.jpeg || [];
      const chosen = sources.find(([width]) => width >= pixels) || sources[sources.length - 1];
      if (chosen) prefetch(chosen[1]);
    }
  });
  for (const panel of panels().slice(-3)) observer.observe(panel);
}

function prefetch(href) {
  const link = document.createElement("link");
  link.rel = "prefetch";
  link.href = href;
  document.head.append(link);
}
