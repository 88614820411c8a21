/* A site's page: two small charts of its visits (Chart.js) and a small map with the site ringed (MapLibre).
   The page says everything without them: the table and the links are HTML. */
(function () {
  "use strict";
  var data = function (id) { return JSON.parse(document.getElementById(id).textContent); };
  var C = data("site-charts"), S = data("site-strings"), M = data("site-map");
  var lang = document.documentElement.lang || "fr";
  window.ramaniSite = {charts: {}};

  function chart(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas || !window.Chart) return;
    config.options = Object.assign({animation: false, responsive: true, maintainAspectRatio: false, locale: lang,
      plugins: {legend: {display: config.data.datasets.length > 1, position: "bottom", labels: {boxWidth: 12}}}}, config.options || {});
    window.ramaniSite.charts[id] = new Chart(canvas, config);
  }
  if (C.labels.length) {
    chart("chart-workers", {type: C.labels.length > 1 ? "line" : "bar", data: {labels: C.labels, datasets: [
      {label: S.workers, data: C.workers, borderColor: "#7a0177", backgroundColor: "#c51b8a", spanGaps: true, pointRadius: 3}]},
      options: {scales: {y: {beginAtZero: true}}}});
    chart("chart-armed", {type: "bar", data: {labels: C.labels, datasets: [
      {label: S.presence, data: C.presence, backgroundColor: "#f4a582"},
      {label: S.interference, data: C.interference, backgroundColor: "#b2182b"}]},
      options: {scales: {y: {min: 0, max: 1, ticks: {stepSize: 1, callback: function (v) { return v === 1 ? S.yes : v === 0 ? S.no : ""; }}}}}});
  }

  var box = document.getElementById("minimap");
  if (!box || !M.center || !window.RamaniLayers || !window.RamaniLayers.webgl()) return;
  var L = window.RamaniLayers;
  var map = window.ramaniSite.map = new maplibregl.Map({container: box, style: L.baseStyle(M.base),
    center: M.center, zoom: 8, attributionControl: {compact: true}, dragRotate: false, scrollZoom: false,
    locale: M.locale});
  map.addControl(new maplibregl.NavigationControl({showCompass: false}), "top-right");
  map.on("load", function () {
    var qualification = {property: "q", classes: Object.keys(M.colours).map(function (k) { return {value: k, colour: M.colours[k]}; })};
    map.addSource("sites", {type: "vector", tiles: [location.origin + M.tiles], minzoom: 0, maxzoom: 14, attribution: "Ramani · IPIS"});
    map.addLayer({id: "sites", type: "circle", source: "sites", "source-layer": "sites",
      paint: {"circle-color": L.colour(qualification), "circle-radius": L.radius({id: "q"}), "circle-stroke-color": "#fff", "circle-stroke-width": 0.8}});
    map.addLayer({id: "selected", type: "circle", source: "sites", "source-layer": "sites", filter: ["==", ["get", "pcode"], M.pcode],
      paint: {"circle-radius": 11, "circle-color": "rgba(0,0,0,0)", "circle-stroke-color": "#111", "circle-stroke-width": 2.5}});
    map.on("idle", function drawn() {
      if (!map.isSourceLoaded("sites")) return;
      map.off("idle", drawn);
      window.ramaniSite.selected = map.queryRenderedFeatures({layers: ["selected"]}).length;
      document.documentElement.dataset.minimap = "drawn";
      L.addBasemap(map, M.base, M.boundaries, "sites");
    });
  });
  map.on("click", "sites", function (e) {
    var f = e.features && e.features[0];
    if (f && f.properties.pcode !== M.pcode) location.href = (document.documentElement.dataset.root || "/") + "sites/" + encodeURIComponent(f.properties.pcode) + "/";
  });
  map.on("mouseenter", "sites", function () { map.getCanvas().style.cursor = "pointer"; });
  map.on("mouseleave", "sites", function () { map.getCanvas().style.cursor = ""; });
})();
