// Announce the last minutes of a held time to everyone, screen readers included
// (WCAG 2.2.1). The page works without this script: it states the time and offers the
// one extension as a plain form button. Texts come translated from data attributes:
// data-warning-N is the warning with N minutes left (plural forms differ per language).
(function () {
  "use strict";
  var notice = document.querySelector("[data-hold-countdown]");
  if (!notice) { return; }
  var expires = Date.parse(notice.getAttribute("data-expires"));
  var announcer = notice.querySelector("[data-hold-announcer]");
  if (isNaN(expires) || !announcer) { return; }
  var warnings = [2, 1];  // minutes left at which to speak up
  function say(text) { announcer.textContent = text; }
  function tick() {
    var left = expires - Date.now();
    if (left <= 0) {
      say(notice.getAttribute("data-expired"));
      return;
    }
    var minutes = Math.ceil(left / 60000);
    if (warnings.length && minutes <= warnings[0]) {
      while (warnings.length && minutes <= warnings[0]) { warnings.shift(); }
      var warning = notice.getAttribute("data-warning-" + minutes);
      if (warning) { say(warning); }
    }
    window.setTimeout(tick, Math.min(left, 15000));
  }
  tick();
}());
