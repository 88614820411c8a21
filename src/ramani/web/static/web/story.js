/* A story map: the chapters are the page's text; this script adds a map that follows them as the reader
   scrolls (IntersectionObserver), each chapter setting the camera, the layer and the filters. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("story-config").textContent);
  var L = window.RamaniLayers, story = document.getElementById("story"), box = document.getElementById("story-map");
  var state = window.ramaniStory = {chapter: -1, layer: null, filters: null, map: null, moves: 0};
  if (!L || !L.webgl() || !window.IntersectionObserver) return;  /* the text stays as it is, with its map links */
  story.classList.add("has-map");
  var reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var phone = window.matchMedia("(max-width: 640px)");
  var chapters = Array.prototype.slice.call(document.querySelectorAll(".chapter"));

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  function layerOf(id) { return cfg.layers.filter(function (l) { return l.id === id; })[0] || cfg.layers[0]; }
  function tileUrl(filters) {
    var q = new URLSearchParams(filters || {});
    return location.origin + cfg.tiles + (q.toString() ? "?" + q.toString() : "");
  }
  function legend(layer) {
    var el = document.getElementById("story-legend");
    el.innerHTML = "<h2>" + esc(layer.label) + "</h2><ul>" + layer.classes.map(function (c) {
      return '<li><svg class="dot" viewBox="0 0 2 2" aria-hidden="true"><circle cx="1" cy="1" r="1" fill="' + esc(c.colour) + '"/></svg>' + esc(c.label) + "</li>";
    }).join("") + "</ul>";
    el.hidden = false;
  }

  var first = cfg.chapters[0];
  var map = state.map = new maplibregl.Map({container: box, style: L.baseStyle(cfg.base),
    center: first.center, zoom: first.zoom, attributionControl: {compact: true}, interactive: true,
    scrollZoom: false, dragRotate: false, pitchWithRotate: false, touchPitch: false, maxZoom: 18,
    locale: cfg.locale});
  map.addControl(new maplibregl.NavigationControl({showCompass: false}), "top-right");

  function apply(i) {
    var c = cfg.chapters[i], layer = layerOf(c.layer), key = JSON.stringify(c.filters || {});
    if (!map.getLayer("sites")) return;
    if (state.layer !== layer.id) {
      map.setPaintProperty("sites", "circle-color", L.colour(layer));
      map.setPaintProperty("sites", "circle-radius", L.radius(layer));
      map.setLayoutProperty("sites", "circle-sort-key", L.sort(layer));
      state.layer = layer.id;
      legend(layer);
    }
    if (state.filters !== key) {
      map.getSource("sites").setTiles([tileUrl(c.filters)]);
      state.filters = key;
    }
  }
  function go(i) {
    if (i === state.chapter || i < 0 || i >= cfg.chapters.length) return;
    state.chapter = i;
    chapters.forEach(function (el, n) { el.classList.toggle("active", n === i); });
    var c = cfg.chapters[i];
    apply(i);
    map.stop();
    var arrived = function () {
      if (state.chapter !== i || document.documentElement.dataset.chapter === String(i)) return;
      state.moves += 1;
      document.documentElement.dataset.chapter = String(i);
    };
    map.once("moveend", arrived);  /* before flyTo: with no animation it ends at once */
    map.flyTo({center: c.center, zoom: c.zoom, duration: reduced ? 0 : 1600, essential: true});
    if (!map.isMoving()) arrived();  /* already there: no move, no moveend */
  }

  map.on("load", function () {
    map.addSource("sites", {type: "vector", tiles: [tileUrl(first.filters)], minzoom: 0, maxzoom: 14, attribution: "Ramani · IPIS"});
    map.addLayer({id: "sites", type: "circle", source: "sites", "source-layer": "sites",
      paint: {"circle-color": "#888", "circle-stroke-color": "#fff", "circle-stroke-width": 0.6, "circle-opacity": 0.92}});
    state.filters = JSON.stringify(first.filters || {});
    var i = Math.max(state.chapter, 0);
    state.chapter = -1;
    go(i);
    state.ready = true;
    map.once("idle", function () { L.addBasemap(map, cfg.base, cfg.boundaries, "sites"); });
  });

  var seen = new IntersectionObserver(function (entries) {
    entries.forEach(function (e) { if (e.isIntersecting) go(+e.target.dataset.index); });
  }, {rootMargin: phone.matches ? "-55% 0px -30% 0px" : "-45% 0px -50% 0px"});
  chapters.forEach(function (el) { seen.observe(el); });
})();
