// Idle timeout (DESIGN.md §6): after the configured idle time with no key, click or touch, sign the
// user out so that no patient data stays on an unattended screen. The server's session ends at the
// same time; this only makes the screen follow it.
(function () {
  "use strict";
  var body = document.body;
  var seconds = parseInt(body.getAttribute("data-idle-timeout"), 10);
  var logoutUrl = body.getAttribute("data-idle-logout-url");
  if (!seconds || !logoutUrl) { return; }
  var timer = null;
  function signOut() {
    var csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
    var form = document.createElement("form");
    form.method = "post";
    form.action = logoutUrl;
    if (csrf) { form.appendChild(csrf.cloneNode()); }
    document.body.innerHTML = "";
    document.body.appendChild(form);
    form.submit();
  }
  function reset() {
    window.clearTimeout(timer);
    timer = window.setTimeout(signOut, seconds * 1000);
  }
  ["keydown", "mousedown", "touchstart", "scroll"].forEach(function (name) {
    window.addEventListener(name, reset, { passive: true });
  });
  reset();
})();
