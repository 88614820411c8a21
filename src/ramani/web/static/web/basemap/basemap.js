/* Ramani's basemap, loaded by map.js once the sites are drawn (on a slow line the sites come first).

   Offline by default: water, countries, rivers and towns from the bundled Natural Earth extract
   (/map/basemap.json), labelled with the project's own SDF glyphs (Noto Sans, SIL OFL). Or a PMTiles
   file from the data dir (RAMANI_BASEMAP_URL=pmtiles://NAME.pmtiles): raster tiles, or vector tiles in
   the Protomaps basemap schema. Muted colours, thin lines, labels under the sites: the sites stay the
   clearest thing on the map. */
(function () {
  "use strict";
  var REGULAR = ["NotoSans-Regular"], ITALIC = ["NotoSans-Italic"], BOLD = ["NotoSans-SemiBold"];
  var C = {
    land: "#f7f6f2", neighbour: "#e9e7e1", water: "#b7d2e2", waterLine: "#97bbd2", river: "#8fb9d4",
    border: "#a49d94", waterText: "#3d6d8c", town: "#2f3337", townMinor: "#50565c", country: "#8f887e",
    halo: "rgba(255,255,255,0.85)"
  };
  var zoomed = function (stops) { return ["interpolate", ["linear"], ["zoom"]].concat(stops); };

  function naturalEarth(lang) {
    var name = ["coalesce", ["get", lang === "fr" ? "fr" : "en"], ["get", "fr"]];
    var is = function (kind) { return ["==", ["get", "k"], kind]; };
    var src = "naturalearth";
    var town = function (id, minzoom, filter, size, font, colour) {
      return {id: id, type: "symbol", source: src, minzoom: minzoom, filter: ["all", is("place"), filter],
        layout: {"text-field": name, "text-font": font, "text-size": size, "text-max-width": 8,
          "text-padding": 3, "symbol-sort-key": ["-", ["*", ["get", "rank"], 4], ["ln", ["max", ["get", "pop"], 1]]]},
        paint: {"text-color": colour, "text-halo-color": C.halo, "text-halo-width": 1.4, "text-halo-blur": 0.4}};
    };
    return {
      fills: [
        {id: "ne-land", type: "fill", source: src, filter: is("country"),
          /* 1:50m borders are off by a few hundred metres: past zoom 9 the neighbours fade towards the land colour */
          paint: {"fill-color": zoomed([9, ["match", ["get", "iso"], "COD", C.land, C.neighbour], 12, ["match", ["get", "iso"], "COD", C.land, "#f0efea"]])}},
        {id: "ne-water", type: "fill", source: src, filter: ["any", is("lake"), is("ocean")],
          paint: {"fill-color": C.water, "fill-outline-color": C.waterLine}},
        {id: "ne-rivers-major", type: "line", source: src, minzoom: 3, maxzoom: 6, filter: ["all", is("river"), ["<=", ["get", "rank"], 5]],
          layout: {"line-cap": "round", "line-join": "round"},
          paint: {"line-color": C.river, "line-width": zoomed([3, ["case", ["<=", ["get", "rank"], 3], 0.8, 0.4], 6, ["case", ["<=", ["get", "rank"], 3], 1.8, 1]])}},
        {id: "ne-rivers", type: "line", source: src, minzoom: 6, filter: is("river"),
          layout: {"line-cap": "round", "line-join": "round"},
          paint: {"line-color": C.river, "line-width": zoomed([6, ["step", ["get", "rank"], 1.8, 4, 1, 8, 0.7], 12, ["step", ["get", "rank"], 4, 4, 2.4, 8, 1.6]])}},
        {id: "ne-borders-casing", type: "line", source: src, filter: is("border"), minzoom: 5,
          layout: {"line-join": "round"}, paint: {"line-color": "rgba(255,255,255,0.7)", "line-width": zoomed([5, 2.5, 10, 5]), "line-opacity": zoomed([9, 1, 12, 0.4])}},
        {id: "ne-borders", type: "line", source: src, filter: is("border"),
          layout: {"line-join": "round"}, paint: {"line-color": C.border, "line-width": zoomed([3, 0.7, 10, 1.8]), "line-dasharray": [5, 1.5],
            "line-opacity": zoomed([9, 1, 12, 0.45])}}
      ],
      /* bottom to top: the top layers are placed first, so they win collisions */
      labels: [
        town("ne-towns-minor", 7.5, [">", ["get", "rank"], 7], zoomed([7.5, 10, 11, 13]), REGULAR, C.townMinor),
        {id: "ne-river-labels", type: "symbol", source: src, minzoom: 7, filter: ["all", is("river"), ["!=", ["get", "name"], ""]],
          layout: {"text-field": ["get", "name"], "text-font": ITALIC, "text-size": zoomed([7, 10.5, 12, 13]), "symbol-placement": "line",
            "symbol-spacing": 350, "text-letter-spacing": 0.08, "text-max-angle": 30, "symbol-sort-key": ["get", "rank"]},
          paint: {"text-color": C.waterText, "text-halo-color": C.halo, "text-halo-width": 1.2}},
        town("ne-towns", 6, ["all", [">", ["get", "rank"], 4], ["<=", ["get", "rank"], 7], ["!=", ["get", "cls"], 0]],
          zoomed([6, 10.5, 10, 13.5]), REGULAR, C.town),
        {id: "ne-country-labels", type: "symbol", source: src, minzoom: 3, maxzoom: 9, filter: is("country_label"),
          layout: {"text-field": name, "text-font": BOLD, "text-transform": "uppercase", "text-letter-spacing": 0.14,
            "text-size": zoomed([3, 10, 8, 14]), "text-max-width": 7, "text-padding": 6, "symbol-sort-key": ["get", "rank"]},
          paint: {"text-color": C.country, "text-halo-color": C.halo, "text-halo-width": 1.2}},
        {id: "ne-lake-labels", type: "symbol", source: src, minzoom: 4, filter: ["all", is("lake_label"), ["<=", ["get", "rank"], ["step", ["zoom"], 0, 5, 4, 6, 6, 7, 10]]],
          layout: {"text-field": name, "text-font": ITALIC, "text-size": zoomed([4, 10.5, 10, 15]), "text-max-width": 6,
            "text-letter-spacing": 0.05, "symbol-sort-key": ["get", "rank"]},
          paint: {"text-color": C.waterText, "text-halo-color": "rgba(183,210,226,0.8)", "text-halo-width": 1}},
        town("ne-towns-major", 4, ["any", ["<=", ["get", "rank"], 4], ["==", ["get", "cls"], 0]],
          zoomed([4, ["match", ["get", "cls"], 0, 12, 11], 10, ["match", ["get", "cls"], 0, 17, 15]]), BOLD, C.town)
      ]
    };
  }

  /* a vector PMTiles in the Protomaps basemap schema (earth, water, roads, boundaries, places) */
  function protomaps(lang) {
    var src = "pmtiles", name = ["coalesce", ["get", "name:" + lang], ["get", "name"]];
    var kind = function (k) { return ["==", ["get", "kind"], k]; };
    return {
      fills: [
        {id: "pm-earth", type: "fill", source: src, "source-layer": "earth", paint: {"fill-color": C.land}},
        {id: "pm-water", type: "fill", source: src, "source-layer": "water", filter: ["==", ["geometry-type"], "Polygon"],
          paint: {"fill-color": C.water}},
        {id: "pm-waterways", type: "line", source: src, "source-layer": "water", filter: ["==", ["geometry-type"], "LineString"],
          paint: {"line-color": C.river, "line-width": zoomed([8, 0.5, 14, 2])}},
        {id: "pm-roads", type: "line", source: src, "source-layer": "roads", filter: ["!", kind("path")],
          paint: {"line-color": ["match", ["get", "kind"], ["highway", "major_road"], "#d9cdb8", "#e4ded3"],
            "line-width": zoomed([6, ["match", ["get", "kind"], "highway", 1.2, "major_road", 0.8, 0.3], 14, ["match", ["get", "kind"], "highway", 5, "major_road", 3.5, 1.5]])}},
        {id: "pm-boundaries", type: "line", source: src, "source-layer": "boundaries", filter: ["<=", ["to-number", ["get", "kind_detail"]], 2],
          paint: {"line-color": C.border, "line-width": zoomed([3, 0.7, 10, 1.8]), "line-dasharray": [5, 1.5]}}
      ],
      labels: [
        {id: "pm-places", type: "symbol", source: src, "source-layer": "places", filter: ["in", ["get", "kind"], ["literal", ["locality", "country"]]],
          layout: {"text-field": name, "text-font": REGULAR, "text-size": zoomed([4, 10.5, 12, 14]), "text-max-width": 8, "text-padding": 3,
            "symbol-sort-key": ["coalesce", ["get", "min_zoom"], 10]},
          paint: {"text-color": C.town, "text-halo-color": C.halo, "text-halo-width": 1.4}}
      ]
    };
  }

  function loadScript(src, then) {
    var s = document.createElement("script");
    s.src = src;
    s.onload = then;
    document.head.appendChild(s);
  }

  /* cfg: the page's map config; before: the layer the basemap goes under (the sites, or an overlay);
     done(labelsId): called once the layers are added, with the lowest label layer (outlines go under it) */
  function add(map, cfg, before, done) {
    if (!map.getStyle().glyphs) map.setGlyphs(location.origin + cfg.glyphs);
    var set;
    if (cfg.pmtiles) {
      var p = cfg.pmtiles;
      if (!window.pmtiles) { loadScript(p.js, function () { add(map, cfg, before, done); }); return; }
      if (!add.protocol) { add.protocol = new window.pmtiles.Protocol(); maplibregl.addProtocol("pmtiles", add.protocol.tile); }
      var url = "pmtiles://" + location.origin + p.url;
      if (p.type === "mvt") {
        map.addSource("pmtiles", {type: "vector", url: url, attribution: cfg.attribution || ""});
        set = protomaps(cfg.lang);
      } else {
        map.addSource("pmtiles", {type: "raster", url: url, tileSize: 256, attribution: cfg.attribution || ""});
        set = {fills: [{id: "pm-raster", type: "raster", source: "pmtiles"}], labels: []};
      }
    } else if (cfg.naturalearth) {
      map.addSource("naturalearth", {type: "geojson", data: cfg.naturalearth, attribution: cfg.naturalearth_attribution,
        tolerance: 0.5, buffer: 64});
      set = naturalEarth(cfg.lang);
    } else {
      done(before);
      return;
    }
    set.fills.concat(set.labels).forEach(function (layer) { map.addLayer(layer, before); });
    done(set.labels.length ? set.labels[0].id : before);
  }

  window.ramaniBasemap = {add: add};
})();
