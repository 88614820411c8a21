/* The sites' thematic layers as MapLibre expressions, for the pages that draw the sites outside the main
   map (a site's page, story maps): the same classes and colours the map's legend lists (web/legend.py). */
(function () {
  "use strict";
  function colour(layer) {
    var expr = ["match", ["coalesce", ["get", layer.property], -1]], fallback = "#bdbdbd";
    layer.classes.forEach(function (c) {
      if (c.value === null) fallback = c.colour; else expr.push(c.value, c.colour);
    });
    expr.push(fallback);
    return expr;
  }
  function radius(layer) {
    var base = ["interpolate", ["linear"], ["zoom"], 4, 2.2, 8, 4, 12, 6.5, 16, 9];
    if (layer.id !== "workers") return base;
    var scale = ["match", ["get", "w"]];
    layer.classes.forEach(function (c) { scale.push(c.value, c.radius); });
    scale.push(1);
    return ["interpolate", ["linear"], ["zoom"], 4, ["*", 2, scale], 8, ["*", 3.5, scale], 12, ["*", 5.5, scale], 16, ["*", 8, scale]];
  }
  function sort(layer) {
    var expr = ["match", ["coalesce", ["get", layer.property], -1]], n = layer.classes.length;
    layer.classes.forEach(function (c, i) { if (c.value !== null) expr.push(c.value, n - i); });
    expr.push(0);
    return expr;
  }
  function webgl() {
    try {
      var c = document.createElement("canvas");
      return !!(window.maplibregl && window.WebGL2RenderingContext && c.getContext("webgl2"));
    } catch (e) { return false; }
  }
  /* the offline basemap: a plain background with province and territoire outlines */
  function baseStyle(boundaries) {
    var style = {version: 8, sources: {}, layers: [{id: "background", type: "background", paint: {"background-color": "#eef0e8"}}]};
    if (boundaries) {
      style.sources.boundaries = {type: "geojson", data: boundaries};
      style.layers.push({id: "territoires", type: "line", source: "boundaries", filter: ["==", ["get", "level"], 2],
        paint: {"line-color": "#8a9a8c", "line-width": 0.8, "line-dasharray": [3, 2]}});
      style.layers.push({id: "provinces", type: "line", source: "boundaries", filter: ["==", ["get", "level"], 1],
        paint: {"line-color": "#55635a", "line-width": 1.4}});
    }
    return style;
  }
  window.RamaniLayers = {colour: colour, radius: radius, sort: sort, webgl: webgl, baseStyle: baseStyle};
})();
