// The session record page: next-vitals countdown and elapsed time update as time passes; the vitals chart
// is drawn from the json_script data (no inline script, CSP) and redrawn after each htmx swap.
(function () {
  "use strict";
  var chart = null;

  function minutesSince(iso) { return Math.floor((Date.now() - new Date(iso).getTime()) / 60000); }

  function tick() {
    document.querySelectorAll("[data-since]").forEach(function (el) {
      var m = minutesSince(el.dataset.since);
      if (m >= 0) { el.textContent = m + " min"; }
    });
    document.querySelectorAll("[data-due-at]").forEach(function (el) {
      var late = minutesSince(el.dataset.dueAt);
      var overdue = late > 0;
      el.classList.toggle("overdue", overdue);
      el.textContent = overdue ? "OVERDUE since " + el.dataset.dueLabel : "due " + el.dataset.dueLabel +
        " (in " + Math.max(0, -late) + " min)";
    });
  }

  function shade(from, to) {
    return {
      id: "dosingWindow",
      beforeDraw: function (c) {
        if (from === null || to === null) { return; }
        var x = c.scales.x, area = c.chartArea, ctx = c.ctx;
        var left = x.getPixelForValue(from) - 8, right = x.getPixelForValue(to) + 8;
        ctx.save();
        ctx.fillStyle = "rgba(13, 110, 253, 0.08)";
        ctx.fillRect(left, area.top, right - left, area.bottom - area.top);
        ctx.restore();
      }
    };
  }

  function line(label, value, n, color) {
    return { label: label, data: Array(n).fill(value), borderColor: color, borderDash: [6, 4], pointRadius: 0,
             borderWidth: 1, fill: false };
  }

  function draw() {
    var source = document.getElementById("chart-data");
    var canvas = document.getElementById("vitals-chart");
    if (!source || !canvas || typeof Chart === "undefined") { return; }
    var d = JSON.parse(source.textContent);
    var n = d.labels.length;
    if (chart) { chart.destroy(); }
    chart = new Chart(canvas, {
      type: "line",
      data: {
        labels: d.labels,
        datasets: [
          { label: "Systolic", data: d.systolic, borderColor: "#b02a37", backgroundColor: "#b02a37" },
          { label: "Diastolic", data: d.diastolic, borderColor: "#e35d6a", backgroundColor: "#e35d6a" },
          { label: "Heart rate", data: d.heart_rate, borderColor: "#0d6efd", backgroundColor: "#0d6efd" },
          { label: "SpO₂", data: d.spo2, borderColor: "#198754", backgroundColor: "#198754" },
          line("Systolic alert " + d.lines.systolic, d.lines.systolic, n, "#b02a37"),
          line("SpO₂ alert " + d.lines.spo2, d.lines.spo2, n, "#198754")
        ]
      },
      options: { animation: false, maintainAspectRatio: false, scales: { y: { suggestedMin: 40, suggestedMax: 200 } } },
      plugins: [shade(d.dosing_from, d.dosing_to)]
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(); tick(); setInterval(tick, 20000); });
  document.body.addEventListener("htmx:afterSwap", function () { draw(); tick(); });
})();
