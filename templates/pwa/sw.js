/* The portal's service worker (served at /sw.js, scope: the whole site).

   What it keeps on the device: the app shell only (the stylesheet, its own scripts, the offline
   page and the icons), all public and the same for everyone. It never stores a page, a photo or
   any other response: pages come from the network, and when the network is down the offline page
   is shown in their place. On sign-out everything but the shell is deleted and the shell fetched
   again.

   It also shows web push notifications: the server sends {"title", "body", "url", "lang",
   "dir"} with no child’s name or content in it, shown in that language and direction, and a
   tap opens the link, on this site only. */
"use strict";

const CONFIG = {{ config }};
const SHELL = new Set(CONFIG.shell);

async function precache() {
  const cache = await caches.open(CONFIG.cache);
  // Without cookies and past the HTTP cache: the shell is fetched as anyone would see it.
  await cache.addAll(
    CONFIG.shell.map((url) => new Request(url, { credentials: "omit", cache: "reload" }))
  );
}

async function deleteCaches(keep) {
  const names = await caches.keys();
  await Promise.all(names.filter((name) => name !== keep).map((name) => caches.delete(name)));
}

function inShell(request) {
  const url = new URL(request.url);
  return SHELL.has(url.pathname) && !url.search;
}

// Everything but the shell goes: every other cache, and any other entry in the shell's. The
// shell itself stays until its fresh copy replaces it (addAll writes all or nothing), so the
// offline page is there even when the network goes at that moment.
async function resetCaches() {
  await deleteCaches(CONFIG.cache);
  const cache = await caches.open(CONFIG.cache);
  const strays = (await cache.keys()).filter((request) => !inShell(request));
  await Promise.all(strays.map((request) => cache.delete(request)));
  await precache();
}

self.addEventListener("install", (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      await deleteCaches(CONFIG.cache);
      if (self.registration.navigationPreload) {
        await self.registration.navigationPreload.enable();
      }
      await self.clients.claim();
    })()
  );
});

// The page says so when someone signs out (sw-register.js).
self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "signed-out") {
    event.waitUntil(resetCaches());
  }
});

async function fromNetwork(event) {
  let response;
  try {
    response = (await event.preloadResponse) || (await fetch(event.request));
  } catch (error) {
    return (await caches.match(CONFIG.offline)) || Response.error();
  }
  if (new URL(event.request.url).pathname === CONFIG.signIn) {
    // Arriving at the sign-in page means signed out, here or elsewhere (an expired session).
    event.waitUntil(resetCaches());
  }
  return response;
}

async function fromShell(request) {
  const cached = await caches.match(request, { ignoreVary: true });
  return cached || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fromNetwork(event));
  } else if (inShell(request)) {
    event.respondWith(fromShell(request));
  }
  // Anything else goes to the network as if there were no worker, and nothing is stored.
});

function sameSiteUrl(value) {
  try {
    const url = new URL(value, self.location.origin);
    if (url.origin === self.location.origin) {
      return url.href;
    }
  } catch (error) {
    // Not a URL: the home page instead.
  }
  return new URL("/", self.location.origin).href;
}

function pushMessage(event) {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = {};
  }
  const text = (value) => (typeof value === "string" ? value : "");
  // The text's language and direction, as the server sent them: an Arabic or Urdu
  // notification shows right to left. Anything else is left to the device ("auto").
  const lang = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(text(data.lang)) ? data.lang : "";
  return {
    title: text(data.title) || CONFIG.title,
    body: text(data.body),
    url: sameSiteUrl(data.url),
    lang,
    dir: ["ltr", "rtl"].includes(data.dir) ? data.dir : "auto",
  };
}

self.addEventListener("push", (event) => {
  const message = pushMessage(event);
  event.waitUntil(
    self.registration.showNotification(message.title, {
      body: message.body,
      lang: message.lang,
      dir: message.dir,
      icon: CONFIG.icon,
      data: { url: message.url },
    })
  );
});

async function openOrFocus(target) {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const open = windows.find((client) => client.url === target);
  if (open) {
    return open.focus();
  }
  return self.clients.openWindow(target);
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const data = event.notification.data || {};
  event.waitUntil(openOrFocus(sameSiteUrl(data.url)));
});
