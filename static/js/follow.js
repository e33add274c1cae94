// Follow a series without an account: the series followed are kept in this browser's localStorage,
// each with the latest episode number seen (on its page here; an episode opened, in reader.js), and
// nothing is sent to the site. The home page shows them first, marked when the site has a later
// episode: it learns the latest numbers from one small answer (/latest.json) that is the same for
// every reader. Without this script the Follow button stays hidden and the series' feeds remain the
// way to follow. A module, so its names are its own beside reader.js's.
const FOLLOWS = "followed-series";

function readFollows() {
  try {
    return JSON.parse(localStorage.getItem(FOLLOWS)) || {};
  } catch {
    return {};  // storage turned off, or not ours to read
  }
}

function writeFollows(follows) {
  try {
    if (Object.keys(follows).length) localStorage.setItem(FOLLOWS, JSON.stringify(follows));
    else localStorage.removeItem(FOLLOWS);
  } catch {
    // storage full or turned off: the series is only not remembered
  }
}

const keptNote = document.querySelector(".kept-here");

// The series page: the button follows or stops following, and opening the page while following marks
// every episode public now as seen (data-latest: its latest public number when the page was made).
const control = document.querySelector(".follow-series");
if (control) {
  const slug = control.dataset.series;
  const latest = Number(control.dataset.latest) || 0;
  const button = control.querySelector(".follow-button");
  const show = () => {
    const following = slug in readFollows();
    button.textContent = following ? control.dataset.unfollow : control.dataset.follow;
    if (following && keptNote) keptNote.hidden = false;
  };
  const follows = readFollows();
  if (slug in follows && follows[slug].seen !== latest) {
    follows[slug] = { ...follows[slug], seen: latest };
    writeFollows(follows);
  }
  button.addEventListener("click", () => {
    const follows = readFollows();
    if (slug in follows) delete follows[slug];
    else follows[slug] = { seen: latest, at: Date.now() };
    writeFollows(follows);
    show();
  });
  control.hidden = false;
  show();
}

// The home page: the cards of the series followed move from the series list to "Series you follow",
// those with an unseen episode first and marked; a series no longer public has no card and is skipped.
const shelf = document.querySelector(".following");
const grid = document.querySelector("#series .series-grid");
if (shelf && grid) {
  const list = shelf.querySelector(".following-list");
  const cards = Array.from(grid.children);
  cards.forEach((card, index) => { card.dataset.order = index; });
  const follows = readFollows();
  const followed = cards.filter((card) => card.dataset.series in follows);
  list.append(...followed);
  shelf.hidden = !followed.length;
  if (followed.length && keptNote) keptNote.hidden = false;
  grid.closest("section").hidden = !grid.children.length;
  if (followed.length) markNew(followed);
}

async function markNew(followed) {
  let latest;
  try {
    const answer = await fetch(shelf.dataset.latestUrl, { credentials: "omit" });
    if (!answer.ok) return;
    latest = (await answer.json()).latest || {};
  } catch {
    return;  // offline or refused: the series are shown, only unmarked
  }
  const follows = readFollows();
  const unseen = [];
  for (const card of followed) {
    const entry = follows[card.dataset.series];
    const newest = latest[card.dataset.series];
    if (!entry || !newest) continue;
    if (typeof entry.seen !== "number") {
      entry.seen = newest;  // followed before anything was known: from now on
      continue;
    }
    if (newest > entry.seen && !card.querySelector(".new-mark")) {
      const mark = document.createElement("span");
      mark.className = "new-mark";
      mark.textContent = shelf.dataset.new;
      card.querySelector("a").append(mark);
      unseen.push(card);
    }
  }
  writeFollows(follows);
  shelf.querySelector(".following-list").prepend(...unseen);
}

// The one button that forgets what this browser keeps (in the "Continue reading" note): reader.js
// forgets the places, this the series followed, whose cards go back to the series list in its order.
const forget = keptNote && keptNote.querySelector(".forget-history");
if (forget) {
  forget.addEventListener("click", () => {
    writeFollows({});
    if (control) control.querySelector(".follow-button").textContent = control.dataset.follow;
    if (shelf && grid) {
      const cards = [...grid.children, ...shelf.querySelector(".following-list").children].sort((a, b) => a.dataset.order - b.dataset.order);
      for (const mark of shelf.querySelectorAll(".new-mark")) mark.remove();
      grid.append(...cards);
      grid.closest("section").hidden = false;
      shelf.hidden = true;
    }
  });
}
