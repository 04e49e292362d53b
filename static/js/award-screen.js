// The class award screen (R25). Without this script the screen still works: every skill shows,
// a tick and a skill button post the form. With it:
// - a tile is picked by click, tap, Space (the checkbox's own key) or Enter;
// - the skills appear in the panel beside the tiles only once someone is picked, under the
//   names they are for; after an award the confirmation and Undo are at the top of that panel;
// - "Whole class" and single pupils exclude each other, as the server would decide anyway;
// - "Random pupil" picks one pupil (never the same one twice running).
(function () {
  "use strict";
  var form = document.getElementById("award-form");
  if (!form) {
    return;
  }
  var hint = form.querySelector("[data-award-hint]");
  var skills = form.querySelector("[data-award-skills]");
  var forLine = form.querySelector("[data-award-for]");
  var namesOut = form.querySelector("[data-award-names]");
  var randomButton = document.querySelector("[data-random-pupil]");
  var lastRandom = null;
  var list = null;
  try {
    list = new Intl.ListFormat(document.documentElement.lang || undefined, { type: "conjunction" });
  } catch (error) {
    list = null;
  }

  function checks() {
    return Array.prototype.slice.call(form.querySelectorAll(".tile-check"));
  }

  function nameOf(check) {
    var label = form.querySelector('label[for="' + check.id + '"] .tile-name');
    return label ? label.textContent.trim() : "";
  }

  function chosen() {
    return checks().filter(function (check) {
      return check.checked;
    });
  }

  function refresh() {
    var picked = chosen();
    var names = picked.map(nameOf);
    hint.hidden = picked.length > 0;
    skills.hidden = picked.length === 0;
    forLine.hidden = picked.length === 0;
    namesOut.textContent = list ? list.format(names) : names.join(", ");
  }

  function exclusive(changed) {
    if (!changed.checked) {
      return;
    }
    var whole = changed.name === "whole_class";
    checks().forEach(function (check) {
      if (check !== changed && (whole || check.name === "whole_class")) {
        check.checked = false;
      }
    });
  }

  form.addEventListener("change", function (event) {
    if (event.target.classList.contains("tile-check")) {
      exclusive(event.target);
      refresh();
    }
  });

  // Enter picks a tile as Space does (on a checkbox it would otherwise try to submit the form).
  form.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && target.classList && target.classList.contains("tile-check")) {
      event.preventDefault();
      target.click();
    }
  });

  function pickRandom() {
    var pupils = checks().filter(function (check) {
      return check.name === "pupils";
    });
    if (!pupils.length) {
      return;
    }
    var pool = pupils.length > 1 ? pupils.filter(function (check) { return check.value !== lastRandom; }) : pupils;
    var random = new Uint32Array(1);
    window.crypto.getRandomValues(random);
    var pick = pool[random[0] % pool.length];
    lastRandom = pick.value;
    checks().forEach(function (check) {
      check.checked = check === pick;
    });
    form.querySelectorAll(".tile-picked").forEach(function (tile) {
      tile.classList.remove("tile-picked");
    });
    var tile = form.querySelector('label[for="' + pick.id + '"]');
    tile.classList.add("tile-picked");
    tile.scrollIntoView({ block: "center" });
    pick.focus({ preventScroll: true });
    refresh();
  }

  if (randomButton) {
    randomButton.hidden = checks().filter(function (check) { return check.name === "pupils"; }).length === 0;
    randomButton.addEventListener("click", pickRandom);
  }

  // After an award or an undo the tiles come back unticked: hide the skills again and, when the
  // clicked button has gone with them, put the focus on the confirmation, where the eyes are.
  document.body.addEventListener("htmx:afterSettle", function () {
    refresh();
    var active = document.activeElement;
    if (!active || active === document.body || active.closest("[hidden]")) {
      var confirm = document.querySelector("#award-status .award-confirm");
      if (confirm) {
        confirm.focus({ preventScroll: true });
      }
    }
  });

  refresh();
})();
