// The reading bars (templates/comics/_reading_bars.html): fixed over the panels, so showing or hiding them
// moves nothing on the page. They hide while the reader scrolls down and come back on scrolling up or on
// a tap on the panels; above the strip and after it, the page's own header or end matter is on screen
// with its navigation, so there scrolling up leaves them hidden. From the keyboard, "Show the reading
// bars" brings them back and moves focus into them, and Escape puts them away. While hidden they are
// inert and aria-hidden, so neither the Tab key nor a screen reader meets controls that cannot be seen.
// Without this script they stay hidden, and the page's own navigation at the top and at the end is all
// there is.
const bars = document.querySelector(".reading-bars");
const strip = document.querySelector(".strip");
if (bars && strip) {
  const panels = Array.from(bars.querySelectorAll(".reading-bar"));
  const reveal = bars.querySelector(".show-bars");
  const status = bars.querySelector(".bar-status");
  let shown = false;

  function show(visible) {
    if (visible === shown) return;
    shown = visible;
    bars.classList.toggle("bars-shown", visible);
    for (const bar of panels) {
      bar.inert = !visible;
      if (visible) bar.removeAttribute("aria-hidden");
      else bar.setAttribute("aria-hidden", "true");
    }
  }

  // Reading the panels: the page's own header has gone up off the screen, and the end matter (with its
  // own navigation) has not yet come past the middle of it.
  const inTheStrip = () => {
    const rect = strip.getBoundingClientRect();
    return rect.top < 0 && rect.bottom > window.innerHeight / 2;
  };
  // A keyboard user's focus in a bar keeps it there; a finger's tap on a button does not.
  const keyboardInBars = () => bars.querySelector(":focus-visible") !== null;

  // Where the page starts, read before this script changes it: read after, it would make the browser
  // lay the page out again there and then, while the first panel is still to be painted.
  let lastY = window.scrollY;
  bars.hidden = false;

  strip.addEventListener("click", () => show(!shown));

  // Scrolling: read once a frame; small movements (a finger resting, a bounce) change nothing.
  const SETTLE_PX = 8;
  let pending = false;
  window.addEventListener("scroll", () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      const y = window.scrollY;
      if (Math.abs(y - lastY) < SETTLE_PX) return;
      const down = y > lastY;
      lastY = y;
      if (keyboardInBars()) return;
      show(!down && inTheStrip());
    });
  }, { passive: true });

  reveal.addEventListener("click", () => {
    show(true);
    const first = bars.querySelector(".reading-bar a[href], .reading-bar button:not([hidden])");
    if (first) first.focus();
  });
  bars.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !shown) return;
    show(false);
    reveal.focus();
  });

  // Share: the system's share sheet where there is one, else the address copied for pasting. The
  // address shared is the page's canonical one (no data-saver flag, no panel).
  const share = bars.querySelector(".bar-share");
  const canonical = document.querySelector("link[rel=canonical]");
  const address = canonical ? canonical.href : window.location.origin + window.location.pathname;
  const canCopy = navigator.clipboard && typeof navigator.clipboard.writeText === "function";
  if (share && (navigator.share || canCopy)) {
    share.hidden = false;
    share.addEventListener("click", async () => {
      if (navigator.share) {
        try {
          await navigator.share({ title: document.title, url: address });
          return;
        } catch (error) {
          if (error.name === "AbortError" || !canCopy) return;  // the reader closed the sheet
        }
      }
      try {
        await navigator.clipboard.writeText(address);
        status.textContent = share.dataset.copied;
        share.querySelector(".bar-share-label").textContent = share.dataset.copied;
      } catch {
        // the browser refused the clipboard: nothing was copied, and nothing says it was
      }
    });
  }
}
