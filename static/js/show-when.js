// Show a part of a form only when a select has a given value, e.g. "Which other
// language?" only when "another language" is chosen. Progressive enhancement: without
// this script the part stays visible (and its label says when it is needed).
//
//   <div data-show-when="spoken_language" data-show-value="other"> … </div>
//
// The hidden part gets the `hidden` attribute, so it leaves the page, the tab order and
// the accessibility tree alike; it follows its select in the document, so once shown it
// is the next stop for Tab. A part that holds an error message is never hidden.
(function () {
  "use strict";
  var parts = document.querySelectorAll("[data-show-when]");
  Array.prototype.forEach.call(parts, function (part) {
    var select = document.getElementById(part.getAttribute("data-show-when"));
    var wanted = part.getAttribute("data-show-value");
    if (!select || wanted === null) { return; }
    var ids = (select.getAttribute("aria-controls") || "").split(" ").filter(Boolean);
    if (part.id && ids.indexOf(part.id) === -1) {
      ids.push(part.id);
      select.setAttribute("aria-controls", ids.join(" "));
    }
    function update() {
      var shown = select.value === wanted || part.querySelector("[aria-invalid=true]") !== null;
      part.hidden = !shown;
    }
    select.addEventListener("change", update);
    update();
  });
}());
