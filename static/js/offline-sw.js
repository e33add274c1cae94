// The offline worker, registered only when a reader saves an episode (static/js/offline.js), which also
// fills the caches: this worker never saves anything itself. Pages come from the network while there
// is one; with none, a saved page comes from its cache and any other page gets the offline notice.
// Images, CSS and JS have content-addressed, immutable URLs, so a cached copy is always right.
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

function offlineNotice(url) {
  // The notice in the page's language: "/ko/offline/" for a Korean page, "/offline/" at the root.
  const prefix = (url.pathname.match(/^\/[a-z]{2}(?=\/)/) || [""])[0];
  return caches.match(`${prefix}/offline/`, { ignoreVary: true })
    .then((notice) => notice || (prefix && caches.match("/offline/", { ignoreVary: true })))
    .then((notice) => notice || Response.error());
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).catch(() =>
        caches.match(request, { ignoreSearch: true, ignoreVary: true }).then((saved) => saved || offlineNotice(url))
      )
    );
    return;
  }
  event.respondWith(caches.match(request, { ignoreVary: true }).then((saved) => saved || fetch(request)));
});
