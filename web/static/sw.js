// The service worker keeps the screening form and its files on the phone,
// so the form opens without signal. Pages other than the form always come
// from the network: they hold personal data and are never cached.
const CACHE = "kith-__VERSION__";
const ASSETS = __ASSETS__;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((c) => c.addAll([...ASSETS, "/screen"])).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("kith-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(event.request).then((hit) => hit || fetch(event.request)));
    return;
  }
  if (url.pathname === "/screen") {
    // Network first, so a fresh form (and sign-in check) when there is
    // signal; the cached form when there is none.
    event.respondWith(
      fetch(event.request)
        .then((res) => {
          if (res.ok && !res.redirected) {
            // The copy kept says it came from the phone, so the page knows
            // to check who is signed in before using it.
            const headers = res.headers;
            res.clone().text().then((html) =>
              caches.open(CACHE).then((c) =>
                c.put("/screen", new Response(html.replace('data-kith-source="network"', 'data-kith-source="cache"'), { headers })),
              ),
            );
          }
          return res;
        })
        .catch(() => caches.match("/screen")),
    );
  }
});
