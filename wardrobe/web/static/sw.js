// The service worker: the page shell (styles, scripts, icons) cached, so the app opens from the home screen at once.
"use strict";
const SHELL = "wardrobe-shell-2";
const FILES = ["/static/app.css", "/static/app.js", "/static/today.js", "/static/add.js",
               "/static/icon-192.png", "/static/icon-512.png", "/manifest.webmanifest"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});
self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== SHELL).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});
self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== location.origin) return;
  if (FILES.includes(url.pathname)) {
    // The shell: from the cache at once, refreshed behind.
    event.respondWith(caches.open(SHELL).then(async (cache) => {
      const cached = await cache.match(event.request);
      const fresh = fetch(event.request).then((response) => { if (response.ok) cache.put(event.request, response.clone()); return response; });
      return cached || fresh;
    }));
  }
});
