// The picture keypad, without a page load per tap: the pictures fill the slots here and the
// five are sent together. Without this script every tap is a round trip, which works as well.
// Its texts come from the JavaScript catalogue (jsi18n/, loaded by the page first): English
// without it.
(function () {
  "use strict";
  var pgettext = window.pgettext || function (context, text) { return text; };
  var ngettext = window.ngettext || function (one, many, count) { return count === 1 ? one : many; };
  var interpolate = window.interpolate || function (format, values) {
    return format.replace(/%\((\w+)\)s/g, function (match, name) { return String(values[name]); });
  };
  var form = document.querySelector(".keypad-form");
  if (!form) {
    return;
  }
  var length = parseInt(form.getAttribute("data-code-length"), 10);
  var entered = form.querySelector("input[name=entered]");
  var slots = form.querySelectorAll(".slot");
  var progress = form.querySelector("[data-progress]");
  var sending = false;

  function keys() {
    return entered.value ? entered.value.split("-") : [];
  }

  function hiddenText(text) {
    var span = document.createElement("span");
    span.className = "visually-hidden";
    span.textContent = text;
    return span;
  }

  function show(chosen) {
    slots.forEach(function (slot, index) {
      var key = chosen[index];
      var button = key && form.querySelector('.picture-button[value="' + key + '"]');
      slot.textContent = "";
      slot.classList.toggle("slot-filled", Boolean(button));
      if (button) {
        slot.appendChild(button.querySelector("svg").cloneNode(true));
        slot.appendChild(hiddenText(button.querySelector(".picture-label").textContent));
      } else {
        slot.appendChild(hiddenText(pgettext("a slot of the picture code, not filled yet", "empty")));
      }
    });
    progress.textContent = interpolate(
      ngettext("%(done)s of %(total)s picture", "%(done)s of %(total)s pictures", length),
      { done: chosen.length, total: length },
      true
    );
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button || sending) {
      return;
    }
    if (button.name === "action" && button.value === "clear") {
      event.preventDefault();
      entered.value = "";
      show([]);
      return;
    }
    if (button.name !== "picture") {
      return;
    }
    event.preventDefault();
    var chosen = keys();
    if (chosen.length >= length) {
      return;
    }
    chosen.push(button.value);
    entered.value = chosen.join("-");
    show(chosen);
    if (chosen.length === length) {
      sending = true;
      form.submit();
    }
  });

  // Back to this page with the browser's Back button: a sent code starts afresh.
  window.addEventListener("pageshow", function () {
    sending = false;
    if (keys().length >= length) {
      entered.value = "";
    }
    show(keys());
  });
}());
