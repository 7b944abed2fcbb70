/* Printing: the "Print" buttons, and the charts redrawn at the width of an A4 landscape page
   (and a sharper resolution) before the browser prints, then back to the screen's size. */
(function () {
  "use strict";

  // 273 mm of printable width (A4 landscape, 12 mm margins) at 96 CSS px per inch, and a third of it high.
  var PRINT_WIDTH = 1030;
  var PRINT_HEIGHT = 340;
  var PRINT_PIXEL_RATIO = 2;

  function charts() {
    if (typeof Chart === "undefined") { return []; }
    return Array.prototype.map.call(document.querySelectorAll("canvas[data-chart]"), function (canvas) {
      return Chart.getChart(canvas);
    }).filter(Boolean);
  }

  function beforePrint() {
    charts().forEach(function (chart) {
      // The box gets a fixed size, so that Chart.js's own resize observer agrees with it while printing.
      var box = chart.canvas.parentNode;
      box.style.width = PRINT_WIDTH + "px";
      box.style.height = PRINT_HEIGHT + "px";
      chart.options.devicePixelRatio = PRINT_PIXEL_RATIO;
      chart.resize();
    });
  }

  function afterPrint() {
    charts().forEach(function (chart) {
      var box = chart.canvas.parentNode;
      box.style.width = "";
      box.style.height = "";
      chart.options.devicePixelRatio = undefined;
      chart.resize();
    });
  }

  window.addEventListener("beforeprint", beforePrint);
  window.addEventListener("afterprint", afterPrint);
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-action='print']").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
