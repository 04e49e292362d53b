// A message's Withdraw button shows only while the server still accepts it: the page says how
// many seconds are left (counted by the server, so a wrong clock on the device does not
// matter), and the button is removed when they run out. The server refuses a late one anyway.
document.querySelectorAll("[data-withdraw-seconds]").forEach(function (form) {
  var seconds = parseInt(form.getAttribute("data-withdraw-seconds"), 10);
  if (isNaN(seconds)) {
    return;
  }
  window.setTimeout(function () {
    form.remove();
  }, seconds * 1000);
});
