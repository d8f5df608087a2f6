// The call display in the hall: fetch the latest calls every 5 seconds and rewrite the
// list (the region is aria-live="polite"); the newest call is highlighted. Without this
// script the page reloads itself (meta refresh in <noscript>). The counter's label comes
// translated into each hall language from a data attribute; numbers are written as
// text, never as HTML. With data-chime, a new call sounds a two-tone chime (Web Audio:
// no sound file), once the browser allows sound.
(function () {
  "use strict";
  var region = document.querySelector("[data-call-display]");
  if (!region || !window.fetch || !window.JSON) { return; }
  var source = region.getAttribute("data-source");
  var languages = [];
  try { languages = JSON.parse(region.getAttribute("data-languages") || "[]"); }
  catch (error) { languages = []; }
  var table = region.querySelector("table");
  var body = region.querySelector("tbody");
  var empty = region.querySelector("[data-empty]");
  var INTERVAL = 5000;
  // The list the page came with, so the first fetch does not rewrite (and re-announce) it.
  var shown = null;
  var newestCall = null;
  try {
    var initial = JSON.parse(region.getAttribute("data-calls") || "null");
    shown = JSON.stringify(initial);
    newestCall = initial && initial.length ? callKey(initial[0]) : null;
  } catch (error) { shown = null; }

  function callKey(call) { return String(call.number) + "@" + String(call.called_at); }

  // The chime: only when the screen's address asks for it (gong=1).
  var chime = null;
  if (region.hasAttribute("data-chime") && (window.AudioContext || window.webkitAudioContext)) {
    var Context = window.AudioContext || window.webkitAudioContext;
    chime = new Context();
    var button = document.querySelector("[data-chime-on]");
    if (button && chime.state === "suspended") {
      button.hidden = false;
      button.addEventListener("click", function () {
        chime.resume().then(function () { button.hidden = true; });
      });
    }
  }

  function ring() {
    if (!chime || chime.state !== "running") { return; }
    var start = chime.currentTime;
    [[659.25, 0], [523.25, 0.45]].forEach(function (tone) {
      var oscillator = chime.createOscillator();
      var gain = chime.createGain();
      oscillator.type = "sine";
      oscillator.frequency.value = tone[0];
      gain.gain.setValueAtTime(0.0001, start + tone[1]);
      gain.gain.exponentialRampToValueAtTime(0.4, start + tone[1] + 0.03);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + tone[1] + 0.9);
      oscillator.connect(gain);
      gain.connect(chime.destination);
      oscillator.start(start + tone[1]);
      oscillator.stop(start + tone[1] + 1);
    });
  }

  function counterCell(number) {
    var cell = document.createElement("td");
    cell.className = "call-counter";
    if (number === null || number === undefined) {
      cell.textContent = "\u2014";
      return cell;
    }
    languages.forEach(function (text, index) {
      var span = document.createElement("span");
      span.className = index === 0 ? "in-language" : "in-language other-language";
      span.setAttribute("lang", text.lang);
      span.setAttribute("dir", text.dir);
      span.textContent = String(text.counter_format).replace("{number}", String(number));
      cell.appendChild(span);
    });
    return cell;
  }

  function row(call, newest) {
    var tr = document.createElement("tr");
    if (newest) { tr.className = "newest"; }
    var number = document.createElement("th");
    number.setAttribute("scope", "row");
    number.setAttribute("dir", "ltr");
    number.className = "call-number";
    number.textContent = String(call.number);
    tr.appendChild(number);
    tr.appendChild(counterCell(call.counter));
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
    var newest = calls.length ? callKey(calls[0]) : null;
    if (newest !== null && newest !== newestCall) { ring(); }
    newestCall = newest;
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
