// The waiting room reads itself again every few seconds (data-refresh) and swaps in the
// new lists, unless someone is busy with a form on the page (a counter chosen, a button
// about to be pressed) or the tab is hidden; then it waits for the next turn. Without
// this script the page reloads itself (meta refresh in <noscript>).
(function () {
  "use strict";
  var lists = document.querySelector("[data-waiting-room][data-refresh]");
  if (!lists || !window.fetch || !window.DOMParser) { return; }
  var seconds = parseInt(lists.getAttribute("data-refresh"), 10);
  if (!(seconds > 0)) { return; }

  function busy() {
    var active = document.activeElement;
    return document.hidden || (active && active !== document.body && lists.contains(active));
  }

  function refresh() {
    if (busy()) { window.setTimeout(refresh, seconds * 1000); return; }
    window.fetch(window.location.href, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        // A signed-out session lands on the sign-in page: reload to show it.
        if (response.redirected || !response.ok) { window.location.reload(); return null; }
        return response.text();
      })
      .then(function (html) {
        if (!html || busy()) { return; }
        var fresh = new window.DOMParser().parseFromString(html, "text/html")
          .querySelector("[data-waiting-room]");
        if (fresh) { lists.innerHTML = fresh.innerHTML; }
      })
      .catch(function () { /* keep the lists shown; try again next turn */ })
      .then(function () { window.setTimeout(refresh, seconds * 1000); });
  }

  window.setTimeout(refresh, seconds * 1000);
}());
