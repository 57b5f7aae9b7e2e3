// Draws /compare's charts with the vendored Chart.js from the figures in each chart's
// <script type="application/json"> element: the same figures as the table beside it, which stays the
// accessible source. Kept out of the HTML so the Content-Security-Policy can forbid inline scripts.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  if (typeof Chart === "undefined") return; // the tables still say everything
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  for (const canvas of document.querySelectorAll("canvas[data-chart]")) {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source) continue;
    const spec = JSON.parse(source.textContent);
    const unit = spec.unit || "";
    // Tall enough for every bar to be read: one row per label, wider rows when bars sit side by side.
    const perRow = spec.stacked ? 26 : Math.max(26, 10 * spec.datasets.length + 8);
    canvas.parentElement.style.height = 60 + perRow * spec.labels.length + "px";
    new Chart(canvas, {
      type: "bar",
      data: { labels: spec.labels, datasets: spec.datasets },
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { stacked: spec.stacked, beginAtZero: true, ticks: { callback: (v) => v + unit } },
          y: { stacked: spec.stacked },
        },
        plugins: {
          legend: { position: "top" },
          tooltip: { callbacks: { label: (c) => c.dataset.label + ": " + c.formattedValue + unit } },
        },
      },
    });
  }
});
