/* Kufatilia public page: the counts tables drawn as bar charts (the tables stay, for screen readers and without JS). */
(function () {
  "use strict";
  if (!window.Chart) return;
  var data = JSON.parse(document.getElementById("kufatilia-charts").textContent);
  var lang = document.documentElement.lang || "fr";
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var series = data[canvas.getAttribute("data-chart")] || [];
    new window.Chart(canvas, {
      type: "bar",
      data: {labels: series.map(function (d) { return d[0]; }),
             datasets: [{data: series.map(function (d) { return d[1]; }), backgroundColor: "#1f4e3d"}]},
      options: {indexAxis: canvas.getAttribute("data-axis") || "y", locale: lang, animation: false,
                plugins: {legend: {display: false}}, maintainAspectRatio: false,
                scales: {x: {ticks: {precision: 0}}, y: {ticks: {precision: 0}}}}
    });
  });
  window.ramaniKufatilia = {drawn: document.querySelectorAll("canvas[data-chart]").length};
})();
