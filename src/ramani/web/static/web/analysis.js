/* Ramani /analysis/: the page's figures (embedded as JSON, the same as its tables) drawn with Chart.js. */
(function () {
  "use strict";
  var el = document.getElementById("analysis-data");
  if (!el || !window.Chart) return;
  var d = JSON.parse(el.textContent), S = d.strings;
  var lang = document.documentElement.lang || "fr";
  var pf = new Intl.NumberFormat(lang, {style: "percent", maximumFractionDigits: 1});
  var PALETTE = ["#8c510a", "#1f4e3d", "#d6604d", "#2b6cc4", "#8073ac"];
  var charts = {};
  window.ramaniAnalysis = {charts: charts};
  function percentAxis() {
    return {beginAtZero: true, ticks: {callback: function (v) { return pf.format(v); }}};
  }
  function tip(ctx) { return ctx.dataset.label + ": " + (ctx.raw == null ? "—" : pf.format(ctx.raw)); }
  function draw(id, config) {
    var canvas = document.getElementById("canvas-" + id);
    if (!canvas) return;
    config.options = Object.assign({responsive: true, maintainAspectRatio: false, animation: false}, config.options || {});
    charts[id] = new Chart(canvas, config);
  }
  draw("operators", {
    type: "bar",
    data: {labels: d.operator_types.map(function (r) { return r[0]; }),
           datasets: [{label: S.share, data: d.operator_types.map(function (r) { return r[1]; }), backgroundColor: "#e80c0f"}]},
    options: {indexAxis: "y", scales: {x: percentAxis()}, plugins: {legend: {display: false}, tooltip: {callbacks: {label: tip}}}}
  });
  draw("territoires", {
    type: "bar",
    data: {labels: d.territoires.map(function (r) { return r[0]; }),
           datasets: d.headline_labels.map(function (label, i) {
             return {label: label, data: d.territoires.map(function (r) { return r[1][i]; }), backgroundColor: PALETTE[i % PALETTE.length]};
           })},
    options: {scales: {y: percentAxis()}, plugins: {tooltip: {callbacks: {label: tip}}}}
  });
  draw("years", {
    type: "line",
    data: {labels: d.years.map(function (r) { return r[0]; }),
           datasets: [
             {label: S.share, data: d.years.map(function (r) { return r[1]; }), borderColor: "#1f4e3d", backgroundColor: "#1f4e3d"},
             {label: S.low, data: d.years.map(function (r) { return r[2]; }), borderColor: "#9aa69d", borderDash: [4, 4], pointRadius: 0},
             {label: S.high, data: d.years.map(function (r) { return r[3]; }), borderColor: "#9aa69d", borderDash: [4, 4], pointRadius: 0}
           ]},
    options: {scales: {y: percentAxis()}, plugins: {tooltip: {callbacks: {label: tip}}}}
  });
  if (d.revisits) draw("revisits", {
    type: "bar",
    data: {labels: [S.better, S.worse, S.same_with, S.same_without],
           datasets: [{label: S.sites, data: d.revisits, backgroundColor: ["#1a9850", "#d73027", "#fc8d59", "#91bfdb"]}]},
    options: {plugins: {legend: {display: false}}, scales: {y: {beginAtZero: true, ticks: {precision: 0}}}}
  });
})();
