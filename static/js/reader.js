// Arrow keys move between episodes; the page works the same without this script.
document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  const target = event.target;
  if (target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
  const rel = { ArrowLeft: "prev", ArrowRight: "next" }[event.key];
  const link = rel && document.querySelector(`link[rel="${rel}"]`);
  if (link) window.location.href = link.href;
});

// The language switch keeps the reader's place. The panel being read is noted once scrolling settles,
// while the strip fills the screen (not when the reader has gone back up to the header to reach the
// switch), and the switch carries it as #panel-N; a page opened at a panel its version lacks (a
// shorter translation) shows its last.
const panels = () => Array.from(document.querySelectorAll(".strip .panel[id]"));
let place = null;

function notePlace() {
  const list = panels();
  if (!list.length || window.scrollY < list[0].getBoundingClientRect().top + window.scrollY) return;
  place = list[0];
  for (const panel of list) {
    if (panel.getBoundingClientRect().top > window.innerHeight / 3) break;
    place = panel;
  }
  document.documentElement.dataset.panel = place.id;
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

const wanted = /^#panel-\d+$/.test(window.location.hash) && window.location.hash.slice(1);
if (wanted && !document.getElementById(wanted)) {
  const last = panels().pop();
  if (last) last.scrollIntoView();
}
