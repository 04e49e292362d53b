// Notifications on this device (the notification settings page): turns web push on and off for
// this browser. Permission is asked only when the person presses "Turn on". The subscription is
// made with the school's public VAPID key and sent to the portal with the page's CSRF token; the
// service worker shows the pushes. Without push support, or with notifications blocked, the
// section says so instead of offering a button that cannot work. Its own texts come from the
// JavaScript catalogue (jsi18n/, loaded by the page first): English without it.
(function () {
  "use strict";
  var gettext = window.gettext || function (text) { return text; };
  var TEXTS = {
    working: gettext("One moment…"),
    dismissed: gettext("Notifications were not allowed, so they stay off on this device."),
    failed: gettext("That did not work. Check that this device is online, then try again."),
  };
  var section = document.querySelector("[data-push]");
  if (!section || !section.getAttribute("data-public-key")) {
    return;
  }
  var publicKey = section.getAttribute("data-public-key");
  var mine = (section.getAttribute("data-endpoints") || "").split(" ").filter(Boolean);
  var message = section.querySelector("[data-push-message]");
  var token = section.querySelector("input[name=csrfmiddlewaretoken]").value;

  function text(name) {
    return TEXTS[name];
  }

  function say(words) {
    message.textContent = words || "";
  }

  function show(state) {
    section.querySelectorAll("[data-push-when]").forEach(function (part) {
      part.hidden = part.getAttribute("data-push-when") !== state;
    });
    section.setAttribute("data-push-state", state);
  }

  // A keyboard user whose button was replaced by the other one lands on the new one.
  function keepFocus(pressed) {
    var shown = section.querySelector('[data-push-when]:not([hidden]) button');
    if (pressed.closest("[hidden]") && shown) {
      shown.focus();
    }
  }

  function supported() {
    return (
      window.isSecureContext &&
      "serviceWorker" in navigator &&
      "PushManager" in window &&
      "Notification" in window &&
      Boolean(window.crypto && window.crypto.subtle)
    );
  }

  function keyBytes(base64url) {
    var base64 = (base64url + "===".slice((base64url.length + 3) % 4))
      .replace(/-/g, "+")
      .replace(/_/g, "/");
    var raw = window.atob(base64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) {
      bytes[i] = raw.charCodeAt(i);
    }
    return bytes;
  }

  // A subscription made with another key (the school's keys were replaced) cannot be used.
  function madeWithOurKey(subscription) {
    var key = subscription.options && subscription.options.applicationServerKey;
    if (!key) {
      return true;
    }
    var ours = keyBytes(publicKey);
    var theirs = new Uint8Array(key);
    return (
      ours.length === theirs.length &&
      ours.every(function (byte, index) {
        return byte === theirs[index];
      })
    );
  }

  // The page lists the SHA-256 of this person's endpoints, not the endpoints themselves.
  function hash(endpoint) {
    return window.crypto.subtle
      .digest("SHA-256", new TextEncoder().encode(endpoint))
      .then(function (digest) {
        return Array.prototype.map
          .call(new Uint8Array(digest), function (byte) {
            return ("0" + byte.toString(16)).slice(-2);
          })
          .join("");
      });
  }

  function registration() {
    return navigator.serviceWorker
      .getRegistration("/")
      .then(function (found) {
        return found || navigator.serviceWorker.register(section.getAttribute("data-worker"), { scope: "/" });
      })
      .then(function () {
        return navigator.serviceWorker.ready;
      });
  }

  function currentSubscription() {
    return registration().then(function (worker) {
      return worker.pushManager.getSubscription();
    });
  }

  // Errors the portal explains carry its message; any other failure gets the page's own.
  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response
        .json()
        .catch(function () {
          return {};
        })
        .then(function (data) {
          if (!response.ok) {
            throw { portal: data.error || text("failed") };
          }
          return data;
        });
    });
  }

  function subscribe() {
    return registration().then(function (worker) {
      return worker.pushManager
        .getSubscription()
        .then(function (existing) {
          if (existing && !madeWithOurKey(existing)) {
            return existing.unsubscribe().then(function () {
              return null;
            });
          }
          return existing;
        })
        .then(function (existing) {
          return (
            existing ||
            worker.pushManager.subscribe({
              userVisibleOnly: true,
              applicationServerKey: keyBytes(publicKey),
            })
          );
        });
    });
  }

  function turnOn() {
    return Notification.requestPermission().then(function (permission) {
      if (permission === "denied") {
        show("denied");
        return;
      }
      if (permission !== "granted") {
        say(text("dismissed"));
        return;
      }
      return subscribe().then(function (subscription) {
        return post(section.getAttribute("data-subscribe-url"), subscription.toJSON()).then(
          function (data) {
            return hash(subscription.endpoint).then(function (digest) {
              mine.push(digest);
              show("on");
              say(data.message);
            });
          }
        );
      });
    });
  }

  function turnOff() {
    return currentSubscription().then(function (subscription) {
      if (!subscription) {
        show("off");
        return;
      }
      return post(section.getAttribute("data-unsubscribe-url"), {
        endpoint: subscription.endpoint,
      }).then(function (data) {
        return subscription.unsubscribe().then(function () {
          show("off");
          say(data.message);
        });
      });
    });
  }

  if (!supported()) {
    show("unsupported");
    return;
  }
  if (Notification.permission === "denied") {
    show("denied");
    return;
  }
  // On only when this browser's subscription is this person's (a shared device may hold
  // someone else's: turning it on makes it theirs).
  currentSubscription()
    .then(function (subscription) {
      if (!subscription) {
        return "off";
      }
      return hash(subscription.endpoint).then(function (digest) {
        return mine.indexOf(digest) >= 0 ? "on" : "off";
      });
    })
    .then(show, function () {
      show("unsupported");
    });

  // While one press is being handled the button stays focusable (a disabled button would drop
  // the keyboard user's focus) but further presses are ignored.
  var busy = false;
  section.addEventListener("click", function (event) {
    var button = event.target.closest("[data-push-action]");
    if (!button || busy) {
      return;
    }
    var action = button.getAttribute("data-push-action") === "on" ? turnOn : turnOff;
    var focused = document.activeElement === button;
    busy = true;
    button.setAttribute("aria-disabled", "true");
    say(text("working"));
    Promise.resolve()
      .then(action)
      .catch(function (error) {
        say(error && error.portal ? error.portal : text("failed"));
      })
      .then(function () {
        busy = false;
        button.removeAttribute("aria-disabled");
        if (focused) {
          keepFocus(button);
        }
      });
  });
})();
