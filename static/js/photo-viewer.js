// The photo viewer: the arrow keys and a swipe follow the page's own "Previous photo" and
// "Next photo" links (which work without script). In a right-to-left page the arrows follow
// the reading direction: the right arrow goes back.
(function () {
  var figure = document.querySelector("[data-photo-viewer]");
  if (!figure) {
    return;
  }
  var rtl = document.documentElement.dir === "rtl";

  function go(which) {
    var link = document.querySelector(which === "next" ? "[data-photo-next]" : "[data-photo-previous]");
    if (link) {
      window.location.assign(link.href);
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) {
      return;
    }
    if (event.key === "ArrowRight") {
      go(rtl ? "previous" : "next");
    } else if (event.key === "ArrowLeft") {
      go(rtl ? "next" : "previous");
    }
  });

  // A swipe: a mostly sideways move of at least 50 px. Towards the start of the line shows
  // the next photo, as turning a page does.
  var startX = null;
  var startY = null;
  figure.addEventListener("touchstart", function (event) {
    if (event.touches.length === 1) {
      startX = event.touches[0].clientX;
      startY = event.touches[0].clientY;
    }
  }, { passive: true });
  figure.addEventListener("touchend", function (event) {
    if (startX === null || event.changedTouches.length !== 1) {
      return;
    }
    var dx = event.changedTouches[0].clientX - startX;
    var dy = event.changedTouches[0].clientY - startY;
    startX = null;
    if (Math.abs(dx) < 50 || Math.abs(dx) < Math.abs(dy)) {
      return;
    }
    var towardsLeft = dx < 0;
    go(towardsLeft !== rtl ? "next" : "previous");
  });
})();
