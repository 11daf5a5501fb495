// Patient intake: C-SSRS skip logic (questions asked only after a "Yes"). Without JavaScript every
// question shows with a note saying when to answer; the server applies the same rule.
(function () {
  "use strict";
  var followers = document.querySelectorAll("[data-follows]");
  function sync() {
    followers.forEach(function (input) {
      var parent = input.getAttribute("data-follows");
      if (!parent) { return; }
      var yes = document.querySelector('input[name="' + parent + '"][value="yes"]');
      var wrapper = input.closest(".mb-3") || input.closest("fieldset") || input.parentElement;
      if (wrapper && yes) { wrapper.hidden = !yes.checked; }
    });
  }
  document.addEventListener("change", sync);
  sync();
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
