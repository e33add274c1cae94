// Arrow keys move between episodes; the page works the same without this script.
document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  const target = event.target;
  if (target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
  const rel = { ArrowLeft: "prev", ArrowRight: "next" }[event.key];
  const link = rel && document.querySelector(`link[rel="${rel}"]`);
  if (link) window.location.href = link.href;
});

// The language switch keeps the reader's place: it carries the panel at the top of the screen as
// #panel-N, and a page opened at a panel its version lacks (a shorter translation) shows its last.
const panels = () => Array.from(document.querySelectorAll(".strip .panel[id]"));

function panelInView() {
  const list = panels();
  let current = list[0];
  for (const panel of list) {
    if (panel.getBoundingClientRect().top > window.innerHeight / 3) break;
    current = panel;
  }
  return current;
}

document.addEventListener("click", (event) => {
  const link = event.target instanceof Element && event.target.closest("a.language-switch, a.keeps-panel");
  const panel = link && window.scrollY > 0 && panelInView();
  if (panel) link.hash = panel.id;
});

const wanted = /^#panel-\d+$/.test(window.location.hash) && window.location.hash.slice(1);
if (wanted && !document.getElementById(wanted)) {
  const last = panels().pop();
  if (last) last.scrollIntoView();
}
