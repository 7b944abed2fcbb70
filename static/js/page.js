/* What every page needs under the Content-Security-Policy, which allows no inline script, handler
   or style attribute: forms sent as soon as a choice changes (the language menu), and bars drawn
   at the width their data-bar-width gives (a share in percent). */
(function () {
  "use strict";

  function setBarWidths(root) {
    root.querySelectorAll("[data-bar-width]").forEach(function (bar) {
      var percent = Math.max(0, Math.min(100, parseFloat(bar.dataset.barWidth) || 0));
      bar.style.width = percent + "%";
    });
  }

  document.addEventListener("change", function (event) {
    var control = event.target.closest("[data-submit-on-change]");
    if (control && control.form) { control.form.submit(); }
  });
  setBarWidths(document);
  document.addEventListener("htmx:afterSettle", function (event) { setBarWidths(event.target); });
})();
