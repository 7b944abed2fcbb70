/* Draws the chart of a report page from the data passed with json_script, and wires the
   period filter (print.js prints it). Numbers follow the page language (531.467; 58,64%). */
(function () {
  "use strict";

  var lang = document.documentElement.lang || "vi";
  var PALETTE = {
    primary: "#0d6efd",
    secondary: "#20c997",
    threshold: "#dc3545",
    "grade-0": "#198754",
    "grade-1": "#0dcaf0",
    "grade-2": "#ffc107",
    "grade-3": "#dc3545",
    "grade-4": "#6c757d",
    "grade-5": "#6f42c1",
    unrated: "#ced4da"
  };

  function formatter(unit) {
    var options = unit === "percent" ? { maximumFractionDigits: 2 } : { maximumFractionDigits: 0 };
    var format = new Intl.NumberFormat(lang, options);
    return function (value) {
      if (value === null || value === undefined) { return ""; }
      return format.format(value) + (unit === "percent" ? "%" : "");
    };
  }

  function drawChart(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") { return; }
    var spec = JSON.parse(source.textContent);
    if (spec.series) { drawSeries(canvas, spec); return; }
    var format = formatter(spec.unit);
    var datasets = spec.datasets.map(function (dataset) {
      var colour = PALETTE[dataset.role] || PALETTE.primary;
      var line = dataset.type === "line";
      return {
        type: dataset.type || "bar",
        label: dataset.label,
        data: dataset.data,
        order: dataset.order || 0,
        backgroundColor: line ? colour : colour + "cc",
        borderColor: colour,
        borderWidth: line ? 2 : 1,
        borderDash: line && dataset.axis !== "percent" ? [6, 4] : undefined,
        pointRadius: line ? (dataset.axis === "percent" ? 4 : 0) : undefined,
        // A rate beside amounts (the fees' collection rate) reads on a right-hand axis.
        yAxisID: dataset.axis === "percent" ? "percent" : "y",
        fill: false
      };
    });
    var scales = {
      x: { stacked: !!spec.stacked, ticks: { autoSkip: false, maxRotation: 60 } },
      y: {
        stacked: !!spec.stacked,
        beginAtZero: true,
        max: spec.max,
        // Counts are whole: no ticks between them (4, 4, 3, 3 … when the scale is small).
        ticks: { precision: spec.integer ? 0 : undefined, callback: function (value) { return format(value); } }
      }
    };
    var formatPercent = formatter("percent");
    if (spec.datasets.some(function (dataset) { return dataset.axis === "percent"; })) {
      scales.percent = {
        position: "right",
        beginAtZero: true,
        suggestedMax: 100,
        grid: { drawOnChartArea: false },
        ticks: { callback: function (value) { return formatPercent(value); } }
      };
    }
    new Chart(canvas, {
      type: "bar",
      data: { labels: spec.labels, datasets: datasets },
      options: options(scales, function (dataset) { return dataset.yAxisID === "percent" ? formatPercent : format; })
    });
  }

  // What every chart shares: the page's language, no animation, a legend below, tooltips in
  // the numbers of each dataset (``formatOf(dataset)``).
  function options(scales, formatOf) {
    return {
      locale: lang,
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "index", intersect: false },
      scales: scales,
      plugins: {
        legend: { position: "bottom" },
        tooltip: {
          callbacks: {
            label: function (context) {
              var value = context.raw;
              return context.dataset.label + ": " + (value === null ? "–" : formatOf(context.dataset)(value));
            }
          }
        }
      }
    };
  }

  // A series of years: a line per figure; percentages (the gathering rate) on a right-hand axis.
  function drawSeries(canvas, spec) {
    var format = formatter(spec.unit);
    var formatPercent = formatter("percent");
    var hasPercent = spec.datasets.some(function (dataset) { return dataset.axis === "percent"; });
    var datasets = spec.datasets.map(function (dataset) {
      var colour = PALETTE[dataset.role] || PALETTE.primary;
      return {
        type: "line",
        label: dataset.label,
        data: dataset.data,
        yAxisID: dataset.axis === "percent" ? "percent" : "y",
        borderColor: colour,
        backgroundColor: colour,
        borderWidth: 2,
        pointRadius: 4,
        spanGaps: false,
        fill: false
      };
    });
    var scales = {
      y: {
        beginAtZero: true,
        max: spec.max,
        ticks: { precision: spec.integer ? 0 : undefined, callback: function (value) { return format(value); } }
      }
    };
    if (hasPercent) {
      scales.percent = {
        position: "right",
        beginAtZero: true,
        grid: { drawOnChartArea: false },
        ticks: { callback: function (value) { return formatPercent(value); } }
      };
    }
    new Chart(canvas, {
      type: "line",
      data: { labels: spec.labels, datasets: datasets },
      options: options(scales, function (dataset) { return dataset.yAxisID === "percent" ? formatPercent : format; })
    });
  }

  function wirePeriodFilter() {
    // On the meetings page, show the month or the quarter box as the chosen period needs.
    var period = document.querySelector("[data-field='period'] select");
    if (!period) { return; }
    var month = document.querySelector("[data-field='month']");
    var quarter = document.querySelector("[data-field='quarter']");
    function update() {
      if (month) { month.hidden = period.value !== "month"; }
      if (quarter) { quarter.hidden = period.value !== "quarter"; }
    }
    period.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-chart]").forEach(drawChart);
    wirePeriodFilter();
  });
})();
