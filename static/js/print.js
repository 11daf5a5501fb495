// A "Print" button for printable summaries (no inline script under the CSP).
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  // The print version of a page (its own address, so that the server logs the print) opens the dialog.
  if (document.querySelector("[data-autoprint]")) { window.print(); }
})();
