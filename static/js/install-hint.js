// The "add to home screen" hint on phones and tablets. Where the browser offers to install
// (beforeinstallprompt), a small banner with an Install button; on iOS Safari, which has no
// such offer, how to do it by hand. Never when the portal already runs from the home screen,
// and never again once dismissed (remembered on this device).
(function () {
  "use strict";
  var STORAGE_KEY = "portal.installHint.dismissed";
  var hint = document.getElementById("install-hint");
  if (!hint) {
    return;
  }
  var installButton = hint.querySelector('[data-install-action="install"]');
  var dismissButton = hint.querySelector('[data-install-action="dismiss"]');
  var offer = null;

  function dismissed() {
    try {
      return window.localStorage.getItem(STORAGE_KEY) === "1";
    } catch (error) {
      return false;
    }
  }

  function remember() {
    try {
      window.localStorage.setItem(STORAGE_KEY, "1");
    } catch (error) {
      // Storage refused: the hint comes back on the next page, nothing worse.
    }
  }

  function standalone() {
    return window.matchMedia("(display-mode: standalone)").matches || window.navigator.standalone === true;
  }

  function touchDevice() {
    return window.matchMedia("(pointer: coarse)").matches;
  }

  function iosSafari() {
    var agent = window.navigator.userAgent;
    var ios = /iPhone|iPad|iPod/.test(agent) || (/Macintosh/.test(agent) && window.navigator.maxTouchPoints > 1);
    return ios && /Safari/.test(agent) && !/CriOS|FxiOS|EdgiOS|OPiOS/.test(agent);
  }

  function show(kind) {
    hint.querySelectorAll("[data-install-text]").forEach(function (text) {
      text.hidden = text.getAttribute("data-install-text") !== kind;
    });
    installButton.hidden = kind !== "prompt";
    hint.hidden = false;
    document.documentElement.classList.add("install-hint-shown");
  }

  function hide() {
    var hadFocus = hint.contains(document.activeElement);
    hint.hidden = true;
    if (hadFocus) {
      // The focused button is gone: keyboard users carry on from the page's content.
      document.getElementById("main").focus();
    }
    document.documentElement.classList.remove("install-hint-shown");
  }

  if (standalone() || dismissed() || !touchDevice()) {
    return;
  }

  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();
    offer = event;
    show("prompt");
  });

  window.addEventListener("appinstalled", function () {
    remember();
    hide();
  });

  installButton.addEventListener("click", function () {
    if (!offer) {
      return;
    }
    var chosen = offer;
    offer = null;
    chosen.prompt();
    Promise.resolve(chosen.userChoice).then(function () {
      // Installed or refused, the person has answered: do not ask again.
      remember();
      hide();
    });
  });

  dismissButton.addEventListener("click", function () {
    remember();
    hide();
  });

  if (iosSafari()) {
    show("ios");
  }
})();
