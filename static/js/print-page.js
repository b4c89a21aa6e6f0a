// "Jetzt drucken" on the print view; without JavaScript the browser's own print menu does the same.
(function () {
  "use strict";
  var button = document.getElementById("print-now");
  if (!button || !window.print) { return; }
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
}());
