// Draws the Chart.js charts of a page (renaksi/static/vendor/chartjs). Every
// <canvas data-chart="ID"> takes its chart from <script type="application/json" id="ID">
// (Django's json_script): {"type": "bar", "labels": [...], "datasets": [...], "options": {...}}.
// A chart is only a picture of figures the page also shows as a table, so a page without
// JavaScript, or a screen reader, loses nothing. Charts inside content swapped in by htmx
// are drawn after the swap.
(function () {
  "use strict";
  var defaults = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    plugins: { legend: { position: "bottom" } },
  };

  function merge(target, source) {
    Object.keys(source || {}).forEach(function (key) {
      var value = source[key];
      if (value && typeof value === "object" && !Array.isArray(value)) {
        target[key] = merge(target[key] && typeof target[key] === "object" ? target[key] : {}, value);
      } else {
        target[key] = value;
      }
    });
    return target;
  }

  function draw(root) {
    if (!window.Chart || !root.querySelectorAll) {
      return;
    }
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.getAttribute("data-chart"));
      if (!source || canvas.getAttribute("data-drawn")) {
        return;
      }
      var spec = JSON.parse(source.textContent);
      canvas.setAttribute("data-drawn", "1");
      new window.Chart(canvas, {
        type: spec.type,
        data: { labels: spec.labels, datasets: spec.datasets },
        options: merge(merge({}, defaults), spec.options),
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    draw(document);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    draw(event.target);
  });
})();
