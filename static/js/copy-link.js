// A "Copy" button beside a read-only field (the calendar address): shown only where the
// browser can copy, and it says so in the status line beside it.
(function () {
  "use strict";
  document.querySelectorAll("button.copy-link").forEach(function (button) {
    var field = document.getElementById(button.dataset.copyFrom);
    var status = document.querySelector(".copy-status");
    if (!field || !navigator.clipboard) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        if (status) {
          status.textContent = button.dataset.copied;
        }
      });
    });
  });
})();
