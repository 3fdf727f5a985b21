// A service worker that takes control at once and leaves every request to the network (and so to the
// HTTP cache, which the Cache-Control headers in _headers drive). A real app would precache its hashed
// assets here; sw.js itself is served `no-cache`, so a new deploy is picked up on the next visit.
self.addEventListener('install', () => self.skipWaiting())
self.addEventListener('activate', event => event.waitUntil(self.clients.claim()))
