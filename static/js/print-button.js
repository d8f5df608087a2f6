// The "Print" buttons (the staff printouts, the statistics page): a file instead of an
// inline onclick, so that the Content-Security-Policy needs no 'unsafe-inline'. A button
// that starts out hidden (it does nothing without this script) is shown here.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-print]");
  Array.prototype.forEach.call(buttons, function (button) {
    button.addEventListener("click", function () { window.print(); });
    button.hidden = false;
  });
}());
