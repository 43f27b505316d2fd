/* Kenes offline intake service worker: network first, the cache when offline.
   Scope: /outreach/offline/. The page stores itself and its assets in the cache (see
   offline.js); POST requests (the sync) are never touched. */
"use strict";
var CACHE = "kenes-outreach-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) {
    return;
  }
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok && request.mode === "navigate") {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request.url.split("?")[0], copy); });
      }
      return response;
    }).catch(function () {
      return caches.open(CACHE).then(function (cache) {
        return cache.match(request, {ignoreSearch: true, ignoreVary: true});
      }).then(function (hit) {
        return hit || new Response("offline", {status: 503, headers: {"Content-Type": "text/plain"}});
      });
    })
  );
});
