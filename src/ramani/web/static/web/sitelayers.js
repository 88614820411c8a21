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
  /* a cluster of sites (low-zoom tiles, ramani.opendata.clusters): filled with its most frequent class (the
     layer's own property), ringed with its most severe one (property + "_max"), sized by its count n */
  function clusterRing(layer) {
    return colour({property: layer.property + "_max", classes: layer.classes});
  }
  /* at most 13.5 px, 16 with its 2.5 px ring (clusters.CLUSTER_MAX_RADIUS_PX): clusters are at least 32 px apart */
  var clusterRadius = ["interpolate", ["linear"], ["get", "n"], 2, 6.5, 10, 8.5, 100, 11, 1000, 13.5];
  /* a cluster's count as it fits in its circle: 999, then 1.2k, 12k, 120k (the reader's separators) */
  function clusterLabel(lang) {
    var n = ["get", "n"];
    return ["case", ["<", n, 1000], ["number-format", n, {locale: lang}],
      ["<", n, 9950], ["concat", ["number-format", ["/", n, 1000], {locale: lang, "max-fraction-digits": 1}], "k"],
      ["concat", ["number-format", ["round", ["/", n, 1000]], {locale: lang}], "k"]];
  }
  function webgl() {
    try {
      var c = document.createElement("canvas");
      return !!(window.maplibregl && window.WebGL2RenderingContext && c.getContext("webgl2"));
    } catch (e) { return false; }
  }
  /* the style the map starts with: a plain background (the basemap comes after the sites) */
  function baseStyle(base) {
    var colour = base && (base.naturalearth || base.pmtiles) ? "#e9e7e1" : "#eef0e8";
    return {version: 8, sources: {}, layers: [{id: "background", type: "background", paint: {"background-color": colour}}]};
  }
  /* once the sites are drawn: the project's basemap (Natural Earth or a PMTiles file, web/basemap/basemap.js, the
     map's own) under the sites, then the province and territoire outlines under its labels */
  function addBasemap(map, base, boundaries, before) {
    function outlines(under) {
      map.once("idle", function () { document.documentElement.dataset.basemap = "1"; });
      if (!boundaries || map.getSource("boundaries")) return;
      map.addSource("boundaries", {type: "geojson", data: location.origin + boundaries});
      map.addLayer({id: "territoires", type: "line", source: "boundaries", filter: ["==", ["get", "level"], 2],
        paint: {"line-color": "#8a9a8c", "line-width": 0.8, "line-dasharray": [3, 2]}}, under);
      map.addLayer({id: "provinces", type: "line", source: "boundaries", filter: ["==", ["get", "level"], 1],
        paint: {"line-color": "#55635a", "line-width": 1.4}}, under);
    }
    if (!base || !base.basemap_js || !(base.naturalearth || base.pmtiles)) { outlines(before); return; }
    if (window.ramaniBasemap) { window.ramaniBasemap.add(map, base, before, outlines); return; }
    var s = document.createElement("script");
    s.src = base.basemap_js;
    s.onload = function () { window.ramaniBasemap.add(map, base, before, outlines); };
    document.head.appendChild(s);
  }
  window.RamaniLayers = {colour: colour, radius: radius, sort: sort, clusterRing: clusterRing, clusterRadius: clusterRadius, clusterLabel: clusterLabel, webgl: webgl, baseStyle: baseStyle, addBasemap: addBasemap};
})();
