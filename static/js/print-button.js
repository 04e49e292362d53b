// Buttons marked data-print open the browser's print dialogue (they stay hidden without script).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
});
