// The "Print" button of the staff printout (templates/staff/printout.html): a file instead
// of an inline onclick, so that the Content-Security-Policy needs no 'unsafe-inline'.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-print]");
  Array.prototype.forEach.call(buttons, function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
}());
