/* Incidents per territoire on a MapLibre map (/kufatilia/ and the platform's figures): a choropleth of the
   aggregate GeoJSON named by #incident-map-config (simplified territoire polygons with a `count`), its legend,
   a popup per territoire. Without WebGL the counts table beside it stays the answer. No inline style: the
   colours are SVG attributes and sizes go through the CSSOM (the Content-Security-Policy allows no more). */
(function () {
  "use strict";
  var box = document.getElementById("incident-map");
  var cfgNode = document.getElementById("incident-map-config");
  if (!box || !cfgNode) return;
  var cfg = JSON.parse(cfgNode.textContent);
  var state = window.ramaniIncidentMap = {ready: false, features: 0};

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  function swatch(colour) {
    return '<svg class="dot" viewBox="0 0 2 2" aria-hidden="true"><rect width="2" height="2" fill="' + esc(colour) + '"/></svg>';
  }
  var legend = document.getElementById("incident-map-legend");
  if (legend) {
    legend.innerHTML = "<h2>" + esc(cfg.legend_title) + "</h2><ul>" + cfg.classes.map(function (c) {
      return "<li>" + swatch(c.colour) + esc(c.label) + "</li>";
    }).join("") + "</ul>";
  }
  function webgl() {
    try {
      var c = document.createElement("canvas");
      return !!(window.WebGL2RenderingContext && c.getContext("webgl2"));
    } catch (e) { return false; }
  }
  if (!window.maplibregl || !webgl()) {
    box.innerHTML = '<p class="nomap">' + esc(cfg.strings.no_webgl) + "</p>";
    return;
  }
  box.style.height = Math.round(Math.min(440, Math.max(280, window.innerWidth * 0.75))) + "px";
  var colour = ["step", ["to-number", ["coalesce", ["get", "count"], 0]], cfg.steps[0][1]];
  cfg.steps.slice(1).forEach(function (s) { colour.push(s[0], s[1]); });
  var bounds = cfg.bounds || [26.5, -5.5, 31.5, 2.5];
  var map = state.map = new maplibregl.Map({
    container: box,
    style: {version: 8, sources: {}, layers: [{id: "background", type: "background", paint: {"background-color": "#eef0e8"}}]},
    bounds: [[bounds[0], bounds[1]], [bounds[2], bounds[3]]], fitBoundsOptions: {padding: 16, maxZoom: 9},
    attributionControl: {compact: true}, maxZoom: 12, dragRotate: false, pitchWithRotate: false, touchPitch: false,
    cooperativeGestures: true, locale: cfg.maplibre_locale || undefined,
  });
  map.touchZoomRotate.disableRotation();
  map.addControl(new maplibregl.NavigationControl({showCompass: false}), "top-right");
  var data = fetch(cfg.url, {credentials: "same-origin"}).then(function (r) { return r.json(); });
  map.on("load", function () {
    if (cfg.boundaries) {
      map.addSource("boundaries", {type: "geojson", data: cfg.boundaries, attribution: cfg.boundaries_attribution || ""});
      map.addLayer({id: "outlines", type: "line", source: "boundaries", filter: ["==", ["get", "level"], 1],
        paint: {"line-color": "#55635a", "line-width": 1}});
    }
    data.then(function (geojson) { draw(geojson); });
  });
  function draw(geojson) {
    state.features = geojson.features.length;
    map.addSource("incidents", {type: "geojson", data: geojson});
    map.addLayer({id: "incidents", type: "fill", source: "incidents", paint: {"fill-color": colour, "fill-opacity": 0.75}});
    map.addLayer({id: "incidents-line", type: "line", source: "incidents", paint: {"line-color": "#333", "line-width": 0.8}});
    map.on("click", "incidents", function (e) {
      var f = e.features && e.features[0];
      if (!f) return;
      var p = f.properties;
      new maplibregl.Popup({maxWidth: "280px"}).setLngLat(e.lngLat).setHTML(
        '<div class="ov-pop"><h3>' + esc(p.territoire) + "</h3><dl><dt>" + esc(cfg.strings.province) + "</dt><dd>" +
        esc(p.province) + "</dd><dt>" + esc(cfg.strings.count) + "</dt><dd>" + esc(p.count) + "</dd></dl>" +
        (p.synthetic === true || p.synthetic === "true" ? "<p><small>" + esc(cfg.strings.synthetic) + "</small></p>" : "") +
        "</div>").addTo(map);
    });
    map.on("mouseenter", "incidents", function () { map.getCanvas().style.cursor = "pointer"; });
    map.on("mouseleave", "incidents", function () { map.getCanvas().style.cursor = ""; });
    var b = null;
    geojson.features.forEach(function (f) {
      (f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates).forEach(function (poly) {
        poly[0].forEach(function (c) {
          b = b ? [Math.min(b[0], c[0]), Math.min(b[1], c[1]), Math.max(b[2], c[0]), Math.max(b[3], c[1])] : [c[0], c[1], c[0], c[1]];
        });
      });
    });
    if (b) map.fitBounds([[b[0], b[1]], [b[2], b[3]]], {padding: 24, maxZoom: 8, animate: false});
    map.once("idle", function () { state.ready = true; });
  }
})();
