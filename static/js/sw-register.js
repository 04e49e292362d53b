// Registers the portal's service worker (it keeps only the public app shell, for the offline
// page), and tells it when someone signs out so that it empties its caches at once. The portal
// works the same without it: browsers with no service workers simply skip this.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !("serviceWorker" in navigator)) {
    return;
  }
  var workerUrl = script.getAttribute("data-worker");
  var signOutPath = script.getAttribute("data-sign-out");

  navigator.serviceWorker.register(workerUrl, { scope: "/" }).catch(function () {
    // No worker (private browsing, storage refused): the pages still work, online.
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !navigator.serviceWorker.controller) {
      return;
    }
    if (new URL(form.action, window.location.href).pathname === signOutPath) {
      navigator.serviceWorker.controller.postMessage({ type: "signed-out" });
    }
  });
})();
