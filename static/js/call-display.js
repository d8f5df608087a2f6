// The call display in the hall: fetch the latest calls every 5 seconds and rewrite the
// list (the region is aria-live="polite"); the newest call is highlighted. Without this
// script the page reloads itself (meta refresh in <noscript>). Texts come translated
// from data attributes; references and numbers are written as text, never as HTML.
(function () {
  "use strict";
  var region = document.querySelector("[data-call-display]");
  if (!region || !window.fetch || !window.JSON) { return; }
  var source = region.getAttribute("data-source");
  var counterFormat = region.getAttribute("data-counter-format") || "{number}";
  var table = region.querySelector("table");
  var body = region.querySelector("tbody");
  var empty = region.querySelector("[data-empty]");
  var INTERVAL = 5000;
  // The list the page came with, so the first fetch does not rewrite (and re-announce) it.
  var shown = null;
  try { shown = JSON.stringify(JSON.parse(region.getAttribute("data-calls") || "null")); }
  catch (error) { shown = null; }

  function counterText(number) {
    if (number === null || number === undefined) { return "\u2014"; }
    return counterFormat.replace("{number}", String(number));
  }

  function row(call, newest) {
    var tr = document.createElement("tr");
    if (newest) { tr.className = "newest"; }
    var reference = document.createElement("th");
    reference.setAttribute("scope", "row");
    reference.className = "call-reference";
    reference.textContent = String(call.reference);
    var counter = document.createElement("td");
    counter.className = "call-counter";
    counter.textContent = counterText(call.counter);
    tr.appendChild(reference);
    tr.appendChild(counter);
    return tr;
  }

  function render(calls) {
    var key = JSON.stringify(calls);
    if (key === shown) { return; }  // unchanged: nothing for screen readers to repeat
    shown = key;
    while (body.firstChild) { body.removeChild(body.firstChild); }
    for (var i = 0; i < calls.length; i += 1) { body.appendChild(row(calls[i], i === 0)); }
    table.hidden = calls.length === 0;
    if (empty) { empty.hidden = calls.length !== 0; }
  }

  function refresh() {
    window.fetch(source, { cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && Array.isArray(data.calls)) { render(data.calls); }
      })
      .catch(function () { /* keep showing the last list; try again later */ })
      .then(function () { window.setTimeout(refresh, INTERVAL); });
  }

  window.setTimeout(refresh, INTERVAL);
}());
