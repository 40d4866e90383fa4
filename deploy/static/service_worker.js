// The static edition's service worker (served as ll-service-worker.js at the site's root; registered by
// voici/build/ll-page-setup.js). It keeps every file of the site in the browser's cache after its first download,
// so that a second visit, or the next chapter, loads Pyodide, the wheels and Voici's scripts without the network.
//
// Files are cached per build: tools/build_static_site.py writes the build's id (a hash of every file of the site)
// below, so a new build brings a new worker, which starts a new cache and deletes the old one. Pages (.html) are
// fetched from the network first (a new build's pages show at once) and from the cache when the network is gone.
"use strict";
const BUILD = "__LL_BUILD_ID__";
const CACHE = "ll-static-" + BUILD;
// Every file a page loads (paths relative to this worker), written by the build: fetched into the cache when the
// worker installs, so that the second visit finds them all, not only those the first fetched through the worker.
const PRECACHE = __LL_PRECACHE__;

self.addEventListener("install", (event) => {
  self.skipWaiting();
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    const base = new URL("./", self.location.href);
    for (let i = 0; i < PRECACHE.length; i += 8) {
      await Promise.all(PRECACHE.slice(i, i + 8).map(async (path) => {
        const url = new URL(path, base);
        try {
          const response = await fetch(url, { cache: "no-cache" });
          if (response.ok) {
            await cache.put(url.origin + url.pathname, response);
          }
        } catch (err) {
          // a file missing now is fetched (and kept) when a page asks for it
        }
      }));
    }
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("ll-static-") && name !== CACHE) {
        await caches.delete(name);
      }
    }
    await self.clients.claim();
  })());
});

function isPage(url) {
  return url.pathname.endsWith(".html") || url.pathname.endsWith("/");
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return; // nothing else is the site's
  }
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const key = url.origin + url.pathname; // a page's query (?lang=, ?scenario=) does not change its file
    if (isPage(url)) {
      try {
        const response = await fetch(request);
        if (response.ok) {
          await cache.put(key, response.clone());
        }
        return response;
      } catch (err) {
        const cached = await cache.match(key);
        if (cached) {
          return cached;
        }
        throw err;
      }
    }
    const cached = await cache.match(key);
    if (cached) {
      return cached;
    }
    const response = await fetch(request);
    if (response.ok && response.type === "basic") {
      await cache.put(key, response.clone());
    }
    return response;
  })());
});
