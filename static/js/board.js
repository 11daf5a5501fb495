// The day board opens at now (issue 12 #5): on a tablet the morning rows fill the screen, so scroll the now-line
// into the middle of the view. Only on load, and only when the board shows today (the server draws the line).
(function () {
  "use strict";
  function scrollToNow() {
    var line = document.querySelector(".board-now");
    if (!line || window.location.hash) { return; }
    line.scrollIntoView({ block: "center", inline: "nearest" });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", scrollToNow);
  } else {
    scrollToNow();
  }
})();
