// Forms with data-max-bytes (the composer, new messages and replies) check the size of the
// files chosen before anything is sent: a request larger than the server takes is refused by
// nginx before the portal sees it, and the text typed would be lost with the page. Too large:
// the form is not sent, an alert says so, and everything typed stays as it is.
(function () {
  "use strict";

  function chosenBytes(form) {
    var total = 0;
    form.querySelectorAll('input[type="file"]').forEach(function (input) {
      Array.prototype.forEach.call(input.files || [], function (file) {
        total += file.size;
      });
    });
    return total;
  }

  function megabytes(bytes) {
    return interpolate(gettext("%(size)s MB"), { size: (bytes / 1048576).toFixed(1) }, true);
  }

  function alertFor(form) {
    var alert = form.querySelector(".upload-limit-error");
    if (!alert) {
      alert = document.createElement("div");
      alert.className = "error upload-limit-error";
      alert.setAttribute("role", "alert");
      alert.appendChild(document.createElement("p"));
      var field = form.querySelector('input[type="file"]');
      var place = (field && field.closest(".field")) || field;
      place.parentNode.insertBefore(alert, place.nextSibling);
    }
    return alert;
  }

  function check(form) {
    var limit = Number(form.dataset.maxBytes);
    var total = chosenBytes(form);
    var tooLarge = limit > 0 && total > limit;
    var alert = form.querySelector(".upload-limit-error");
    if (tooLarge) {
      alert = alertFor(form);
      alert.hidden = false;
      alert.firstChild.textContent = interpolate(
        gettext(
          "The files chosen come to %(size)s, more than the %(limit)s that one post or message " +
            "can carry. Nothing has been sent and your text is kept: remove some files or " +
            "choose smaller ones, then send again."
        ),
        { size: megabytes(total), limit: form.dataset.maxLabel },
        true
      );
    } else if (alert) {
      alert.hidden = true;
    }
    return !tooLarge;
  }

  // A form that htmx sends (the composer, so that a refused post keeps its files) is checked
  // again as htmx is about to send it, also after htmx has put a new copy of it in the page.
  document.addEventListener("htmx:confirm", function (event) {
    var form = event.target.closest ? event.target.closest("form[data-max-bytes]") : null;
    if (form && !check(form)) {
      event.preventDefault();
    }
  });

  document.querySelectorAll("form[data-max-bytes]").forEach(function (form) {
    form.addEventListener("change", function (event) {
      if (event.target.type === "file") {
        check(form);
      }
    });
    form.addEventListener("submit", function (event) {
      if (!check(form)) {
        event.preventDefault();
        var input = form.querySelector('input[type="file"]');
        if (input) {
          input.focus();
        }
      }
    });
  });
})();
