/* Ramani webmap: sites as vector tiles coloured by a thematic layer, filters kept in the URL,
   a site card on click. No framework; MapLibre GL JS is the only library. */
(function () {
  "use strict";
  var data = function (id) { return JSON.parse(document.getElementById(id).textContent); };
  var cfg = data("map-config"), LAYERS = data("map-layers"), T = data("map-strings"), TERMS = data("map-terms");
  var lang = document.documentElement.lang || "fr";
  var ROOT = document.documentElement.dataset.root || "/";  // RAMANI_URL_PREFIX: every URL below starts with it
  var nf = new Intl.NumberFormat(lang);
  var df = new Intl.DateTimeFormat(lang, {year: "numeric", month: "short", day: "numeric", timeZone: "UTC"});
  var state = window.ramani = {drawnAt: null, map: null, count: null, layer: "qualification"};
  var $ = function (id) { return document.getElementById(id); };
  var form = $("filters");

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  // a coloured dot as SVG (its fill is an attribute, not a style: the Content-Security-Policy allows no inline style)
  function dot(colour) {
    return '<svg class="dot" viewBox="0 0 2 2" aria-hidden="true"><circle cx="1" cy="1" r="1" fill="' + esc(colour) + '"/></svg>';
  }
  function date(iso) { return iso ? df.format(new Date(iso + "T00:00:00Z")) : ""; }
  function term(vocab, value) { return (TERMS[vocab] && TERMS[vocab][value]) || value; }
  function dms(value, axis) {
    var h = axis === "lat" ? (value >= 0 ? "N" : "S") : (value >= 0 ? "E" : "W");
    var total = Math.round(Math.abs(value) * 36000) / 10, d = Math.floor(total / 3600), rest = total - d * 3600;
    var m = Math.floor(rest / 60), s = rest - m * 60;
    return d + "°" + String(m).padStart(2, "0") + "'" + s.toFixed(1).padStart(4, "0") + '"' + h;
  }

  /* ---- filters <-> URL ---- */
  function filters() {
    var out = new URLSearchParams();
    cfg.filters.forEach(function (name) {
      var el = form.elements[name];
      if (el && el.value) out.set(name, el.value);
    });
    return out;
  }
  function readUrl() {
    var q = new URLSearchParams(location.search);
    cfg.filters.forEach(function (name) {
      var el = form.elements[name];
      if (el && q.get(name)) el.value = q.get(name);
    });
    var layer = q.get("layer");
    if (layer && LAYERS.some(function (l) { return l.id === layer; })) state.layer = layer;
    state.site = /^[A-Za-z0-9_-]{1,20}$/.test(q.get("site") || "") ? q.get("site") : null;
    document.querySelector('input[name=layer][value="' + state.layer + '"]').checked = true;
    limitTerritoires();
  }
  function writeUrl() {
    var q = filters();
    if (state.layer !== "qualification") q.set("layer", state.layer);
    if (state.site) q.set("site", state.site);
    var search = q.toString();
    history.replaceState(null, "", location.pathname + (search ? "?" + search : "") + location.hash);
    var f = filters().toString(), sep = f ? "?" + f : "";
    $("link-list").href = ROOT + "sites/" + sep;
    $("link-csv").href = ROOT + "opendata/download/sites.csv" + sep;
    $("link-geojson").href = ROOT + "opendata/download/sites.geojson" + sep;
    $("link-xlsx").href = ROOT + "opendata/download/sites.xlsx" + sep;
    $("link-dashboard").href = ROOT + "dashboard/" + sep;
  }
  function limitTerritoires() {
    var province = form.elements.province.value, sel = form.elements.territoire;
    Array.prototype.forEach.call(sel.options, function (o) {
      o.hidden = !!(o.dataset.province && province && o.dataset.province !== province);
    });
    if (sel.selectedOptions[0] && sel.selectedOptions[0].hidden) sel.value = "";
  }

  /* ---- count ---- */
  var countRequest = 0;
  function refreshCount() {
    var mine = ++countRequest, q = filters();
    q.set("limit", "1");
    fetch(ROOT + "api/sites?" + q.toString()).then(function (r) { return r.json(); }).then(function (body) {
      if (mine !== countRequest || typeof body.count !== "number") return;
      state.count = body.count;
      $("count").textContent = nf.format(body.count);
      $("count-label").textContent = new Intl.PluralRules(lang).select(body.count) === "one" ? T.site : T.sites;
    });
  }

  /* ---- legend ---- */
  function currentLayer() { return LAYERS.filter(function (l) { return l.id === state.layer; })[0]; }
  function renderLegend() {
    var layer = currentLayer(), html = '<h2>' + esc(layer.label) + '</h2><ul>';
    layer.classes.forEach(function (c, i) {
      html += '<li>' + dot(c.colour) + esc(c.label);
      if (c.info) html += ' <button type="button" class="infob" data-i="' + i + '" aria-label="' + esc(T.about_class + ": " + c.label) + '">i</button>';
      html += "</li>";
    });
    $("legend").innerHTML = html + "</ul>";
    /* the compact legend of a phone with the panel closed: the layer's classes, dots and names */
    $("mini-legend").innerHTML = "<b>" + esc(layer.label) + "</b> " + layer.classes.map(function (c) {
      return "<span>" + dot(c.colour) + esc(c.label) + "</span>";
    }).join(" ");
  }
  $("mini-legend").addEventListener("click", function () { $("panel-toggle").click(); });
  $("legend").addEventListener("click", function (e) {
    var b = e.target.closest(".infob");
    if (!b) return;
    var c = currentLayer().classes[+b.dataset.i], box = $("info");
    box.innerHTML = '<p>' + dot(c.colour) + '<strong>' + esc(c.label) + '</strong></p><p>' + esc(c.info) +
      '</p><button type="button" class="btn" id="info-close">' + esc(T.close) + '</button>';
    box.hidden = false;
    box.dataset.opener = b.dataset.i;
    box.focus();
  });
  function closeInfo() {
    var box = $("info"), i = box.dataset.opener;
    if (box.hidden) return;
    box.hidden = true;
    var opener = document.querySelector('.infob[data-i="' + i + '"]');
    if (opener) opener.focus();
  }
  $("info").addEventListener("click", function (e) { if (e.target.id === "info-close") closeInfo(); });

  /* ---- map style for a layer ---- */
  /* the classes' expressions: one definition, shared with the site page and the story maps (sitelayers.js) */
  var colourExpression = window.RamaniLayers.colour, radiusExpression = window.RamaniLayers.radius,
    sortExpression = window.RamaniLayers.sort;
  function applyLayer() {
    var map = state.map, layer = currentLayer();
    if (!map || !map.getLayer("sites")) return;
    map.setPaintProperty("sites", "circle-color", colourExpression(layer));
    map.setPaintProperty("sites", "circle-radius", radiusExpression(layer));
    map.setLayoutProperty("sites", "circle-sort-key", sortExpression(layer));
    map.setPaintProperty("clusters", "circle-color", colourExpression(layer));
    map.setPaintProperty("clusters", "circle-stroke-color", window.RamaniLayers.clusterRing(layer));
  }
  function tileUrl() {
    var q = filters();
    q.set("v", cfg.version);
    return location.origin + ROOT + "map/tiles/{z}/{x}/{y}.pbf?" + q.toString();
  }

  function baseStyle() {
    var style = {version: 8, sources: {}, glyphs: location.origin + cfg.glyphs,
      layers: [{id: "background", type: "background", paint: {"background-color": cfg.naturalearth ? "#e9e7e1" : "#eef0e8"}}]};
    if (cfg.basemap && !/\.json(\?|$)/.test(cfg.basemap)) {
      style.sources.basemap = {type: "raster", tiles: [cfg.basemap], tileSize: 256, attribution: cfg.attribution || ""};
      style.layers.push({id: "basemap", type: "raster", source: "basemap"});
    }
    return style;
  }
  function addBasemap(map) {
    /* after the sites are drawn: on a slow line the sites come first (basemap.js is loaded only then) */
    if (state.basemapAt) return;
    state.basemapAt = performance.now();
    var s = document.createElement("script");
    s.src = cfg.basemap_js;
    s.onload = function () {
      window.ramaniBasemap.add(map, cfg, lowestOverlay(map), function (labels) {
        addBoundaries(map, labels);
        map.once("idle", function () { state.basemapDrawnAt = performance.now(); document.documentElement.dataset.basemap = "1"; });
      });
    };
    document.head.appendChild(s);
  }
  function lowestOverlay(map) {
    var ids = map.getStyle().layers.map(function (l) { return l.id; });
    /* the clusters come first: the basemap goes under them too, or its land would hide them at low zoom */
    return ids.filter(function (id) { return id === "clusters" || id === "sites" || id.indexOf("ov-") === 0; })[0];
  }
  function addBoundaries(map, before) {
    if (!cfg.boundaries || map.getSource("boundaries")) return;
    map.addSource("boundaries", {type: "geojson", data: ROOT + "map/boundaries.json?v=" + encodeURIComponent(cfg.version),
      attribution: cfg.boundaries_attribution || ""});
    map.addLayer({id: "territoires", type: "line", source: "boundaries", filter: ["==", ["get", "level"], 2],
      paint: {"line-color": "#a3aca5", "line-width": ["interpolate", ["linear"], ["zoom"], 5, 0.4, 10, 1.1], "line-dasharray": [3, 2]}}, before || "sites");
    map.addLayer({id: "provinces", type: "line", source: "boundaries", filter: ["==", ["get", "level"], 1],
      paint: {"line-color": "#7d8780", "line-width": ["interpolate", ["linear"], ["zoom"], 5, 0.7, 10, 1.8]}}, before || "sites");
  }
  function addOverlays(map) {
    map.addSource("sites", {type: "vector", tiles: [tileUrl()], minzoom: 0, maxzoom: 14,
      attribution: "Ramani · IPIS open-data format"});
    /* below zoom 9 the tiles group nearby sites into clusters (feature property n, ramani.opendata.clusters); their
     counts use a digits-only glyph stack (scripts/build-basemap digits): 4 KB before the first view, not 36 KB */
    map.addLayer({id: "clusters", type: "circle", source: "sites", "source-layer": "sites", filter: ["has", "n"],
      paint: {"circle-color": "#888", "circle-radius": window.RamaniLayers.clusterRadius, "circle-stroke-width": 2.5,
        "circle-stroke-color": "#888", "circle-opacity": 0.92}});
    map.addLayer({id: "cluster-count", type: "symbol", source: "sites", "source-layer": "sites", filter: ["has", "n"],
      layout: {"text-field": window.RamaniLayers.clusterLabel(lang), "text-font": ["NotoSans-SemiBold-Digits"], "text-size": 11,
        "text-allow-overlap": true, "text-ignore-placement": true},
      paint: {"text-color": "#111", "text-halo-color": "rgba(255,255,255,0.85)", "text-halo-width": 1.2}});
    map.addLayer({id: "sites", type: "circle", source: "sites", "source-layer": "sites", filter: ["!", ["has", "n"]],
      paint: {"circle-color": "#888", "circle-stroke-color": "#ffffff", "circle-stroke-width": ["interpolate", ["linear"], ["zoom"], 4, 0.3, 10, 1],
        "circle-opacity": 0.92}});
    map.addLayer({id: "selected", type: "circle", source: "sites", "source-layer": "sites", filter: ["==", ["get", "pcode"], state.site || ""],
      paint: {"circle-radius": 11, "circle-color": "rgba(0,0,0,0)", "circle-stroke-color": "#111", "circle-stroke-width": 2.5}});
    applyLayer();
  }

  /* ---- site card ---- */
  function visitRows(visits) {
    var field = visits.filter(function (v) { return v.project !== "Qualification status"; });
    if (!field.length) return "<p>" + esc(T.no_visits) + "</p>";
    var byProject = {}, order = [];
    field.slice().reverse().forEach(function (v) {
      if (!byProject[v.project]) { byProject[v.project] = []; order.push(v.project); }
      byProject[v.project].push(v);
    });
    return order.map(function (p) {
      return "<h4>" + esc(p) + "</h4><table><thead><tr><th>" + esc(T.date) + "</th><th>" + esc(T.substances) + "</th><th class=n>" + esc(T.workers) +
        "</th><th>" + esc(T.armed_groups) + "</th></tr></thead><tbody>" + byProject[p].map(function (v) {
          var minerals = v.minerals.map(function (m) { return term("mineral", m.mineral); }).filter(Boolean).join(", ");
          var groups = v.armed_groups.map(function (g) { return g.name; }).filter(Boolean).join(", ");
          return "<tr><td>" + esc(date(v.visit_date)) + "</td><td>" + esc(minerals) + "</td><td class=n>" +
            (v.workers_numb == null ? "" : esc(nf.format(v.workers_numb))) + "</td><td>" + esc(groups || T.none) + "</td></tr>";
        }).join("") + "</tbody></table>";
    }).join("");
  }
  function showCard(pcode, opener, centre) {
    var card = $("card");
    state.site = pcode;
    writeUrl();
    card.hidden = false;
    card.innerHTML = "<p>" + esc(T.loading) + "</p>";
    state.opener = opener || null;
    if (state.map && state.map.getLayer("selected")) state.map.setFilter("selected", ["==", ["get", "pcode"], pcode]);
    var on = form.elements.on.value;
    fetch(ROOT + "api/sites/" + encodeURIComponent(pcode) + (on ? "?on=" + on : "")).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    }).then(function (s) {
      if (centre && state.map && s.longitude != null) state.map.jumpTo({center: [s.longitude, s.latitude], zoom: Math.max(state.map.getZoom(), 10)});
      var substances = [];
      s.visits.forEach(function (v) { v.minerals.forEach(function (m) {
        var label = term("mineral", m.mineral);
        if (label && substances.indexOf(label) < 0) substances.push(label);
      }); });
      var held = s.qualification_on || {}, q = held.status || s.qualification;
      var why = "";
      if (held.decided_on) {
        why = esc(T["status_" + held.decided] || held.decided) + " " + esc(held.decided_on.slice(0, 4));
        if (held.expired) why += ", " + esc(T.expired_on) + " " + esc(date(held.valid_until));
        else if (held.automatic) why += ", " + esc(T.blue_to_red) + " " + esc(date(held.since));
        else if (held.valid_until) why += ", " + esc(T.valid_until) + " " + esc(date(held.valid_until));
        else if (held.review_due) why += ", " + esc(T.review_due) + " " + esc(date(held.review_due));
      }
      var rows = [
        [T.substances, substances.join(", ")], [T.pcode, s.pcode], [T.province, s.province], [T.territoire, s.territoire],
        [T.collectivite, s.collectivite], [T.groupement, s.groupement], [T.village, s.village],
        [T.coordinates, s.latitude == null ? "" : dms(s.latitude, "lat") + " " + dms(s.longitude, "lon")],
        [T.location_origin, term("location_origin", s.location_origin)],
      ];
      var html = '<div class="card-head"><h3 id="card-title">' + esc(s.name || s.pcode) + '</h3><button type="button" class="btn" id="card-close" aria-label="' +
        esc(T.close) + '">×</button></div>' +
        '<p class="qual">' + dot((LAYERS[0].classes.filter(function (c) { return c.value === q; })[0] || {colour: "#999"}).colour) +
        esc(T.qualification) + ": <strong>" + esc(T["status_" + q] || q) + "</strong>" + (why ? " <small>(" + why + ")</small>" : "") + "</p><dl>";
      rows.forEach(function (r) { if (r[1]) html += "<dt>" + esc(r[0]) + "</dt><dd>" + esc(r[1]) + "</dd>"; });
      html += "</dl><h3>" + esc(T.visits) + "</h3>" + visitRows(s.visits);
      if (s.incidents && s.incidents.length) {
        html += "<h3>" + esc(T.incidents) + '</h3><ul class="incidents">' + s.incidents.map(function (i) {
          return "<li><time>" + esc(i.date) + "</time> " + esc(i.title) + " <small>(" + esc(T["incident_" + i.category_code] || i.category) +
            (i.subcategory ? " / " + esc(i.subcategory) : "") + ")</small></li>";
        }).join("") + "</ul>";
      }
      html +=
        '<p class="links"><a id="card-page" href="' + ROOT + 'sites/' + encodeURIComponent(s.pcode) + "/" + (on ? "?on=" + on : "") + '"><strong>' + esc(T.site_page) + "</strong></a> · " +
        '<a href="' + ROOT + 'sites/' + encodeURIComponent(s.pcode) + "/" + (on ? "?on=" + on : "") + '#flags-title">' + esc(T.risk) + '</a> (<a href="' + ROOT + 'api/sites/' +
        encodeURIComponent(s.pcode) + "/risk" + (on ? "?on=" + on : "") + '">JSON</a>) · <a href="' + ROOT + 'api/sites/' +
        encodeURIComponent(s.pcode) + '">' + esc(T.api) + "</a></p>";
      card.innerHTML = html;
      card.focus();
    }).catch(function () {
      card.innerHTML = '<div class="card-head"><p>' + esc(T.not_found) + '</p><button type="button" class="btn" id="card-close">×</button></div>';
    });
  }
  function closeCard() {
    $("card").hidden = true;
    state.site = null;
    writeUrl();
    if (state.map && state.map.getLayer("selected")) state.map.setFilter("selected", ["==", ["get", "pcode"], ""]);
    if (state.opener && document.body.contains(state.opener)) state.opener.focus();
  }
  $("card").addEventListener("click", function (e) { if (e.target.id === "card-close") closeCard(); });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    if (!$("info").hidden) closeInfo(); else if (!$("card").hidden) closeCard();
  });

  /* ---- search (keyboard way to a site card) ---- */
  $("search").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = form.ownerDocument.getElementById("q").value.trim(), list = $("search-results");
    if (!text) { list.innerHTML = ""; return; }
    var q = filters();
    q.set("q", text);
    q.set("limit", "8");
    fetch(ROOT + "api/sites?" + q.toString()).then(function (r) { return r.json(); }).then(function (body) {
      var items = body.items || body.results || body.data || [];
      list.innerHTML = items.length ? items.map(function (s) {
        return '<li><button type="button" class="linkish" data-pcode="' + esc(s.pcode) + '" data-lon="' + esc(s.longitude) + '" data-lat="' + esc(s.latitude) + '">' +
          esc(s.name || s.pcode) + " <small>" + esc(s.pcode) + " · " + esc(s.territoire || s.province || "") + "</small></button></li>";
      }).join("") : "<li>" + esc(T.search_none) + "</li>";
    });
  });
  $("search-results").addEventListener("click", function (e) {
    var b = e.target.closest("button[data-pcode]");
    if (!b) return;
    if (state.map && b.dataset.lon) state.map.jumpTo({center: [+b.dataset.lon, +b.dataset.lat], zoom: Math.max(state.map.getZoom(), 11)});
    showCard(b.dataset.pcode, b);
  });

  /* ---- overlays: other domains' layers (roadblocks…) from their OGC API collection, off until asked for ---- */
  var OVERLAYS = data("map-overlays");
  function overlayClass(o, value) {
    return o.classes.filter(function (c) { return c.value === value; })[0] || o.classes[o.classes.length - 1];
  }
  function overlayPopup(o, p) {
    var html = '<div class="ov-pop"><h3>' + esc(p[o.title_property || "place_name"] || o.label) + "</h3><dl>";
    o.fields.forEach(function (f) {
      var v = p[f[0]];
      if (v == null || v === "") return;
      if (f[2] === "classes") {
        v = String(v).split(",").map(function (code) { var c = overlayClass(o, code); return dot(c.colour) + esc(c.label); }).join(" ");
      } else v = esc(v);
      html += "<dt>" + esc(f[1]) + "</dt><dd>" + v + "</dd>";
    });
    html += "</dl>";
    if (p.synthetic === true || p.synthetic === "true") html += "<p><small>" + esc(o.synthetic_note) + "</small></p>";
    return html + "</div>";
  }
  function showOverlay(o, on) {
    var map = state.map, box = $("legend-" + o.id);
    box.hidden = !on;
    box.innerHTML = "<h2>" + esc(o.legend_title) + "</h2><ul>" + o.classes.map(function (c) {
      return "<li>" + dot(c.colour) + esc(c.label) + "</li>";
    }).join("") + "</ul>";
    if (!map) return;
    if (map.getLayer("ov-" + o.id)) {
      ["ov-" + o.id, "ov-" + o.id + "-line"].forEach(function (id) {
        if (map.getLayer(id)) map.setLayoutProperty(id, "visibility", on ? "visible" : "none");
      });
      return;
    }
    if (!on) return;
    var colour;
    if (o.steps) {
      /* a choropleth: classes are numeric thresholds, the first one the colour below every threshold */
      colour = ["step", ["to-number", ["coalesce", ["get", o.property], 0]], o.steps[0][1]];
      o.steps.slice(1).forEach(function (s) { colour.push(s[0], s[1]); });
    } else {
      colour = ["match", ["coalesce", ["get", o.property], ""]];
      o.classes.forEach(function (c) { if (c.value !== null) colour.push(c.value, c.colour); });
      colour.push(overlayClass(o, null).colour);
    }
    map.addSource("ov-" + o.id, {type: "geojson", data: o.url});
    if (o.heatmap) {
      /* a heatmap of a numeric property (violence at checkpoints…): weight 0 to o.heatmap.max, colours of classes */
      var w = ["to-number", ["coalesce", ["get", o.property], 0]], ramp = ["interpolate", ["linear"], ["heatmap-density"], 0, "rgba(0,0,0,0)"];
      o.classes.forEach(function (c, i) { ramp.push((i + 1) / o.classes.length, c.colour); });
      map.addLayer({id: "ov-" + o.id, type: "heatmap", source: "ov-" + o.id, filter: [">", w, 0], paint: {
        "heatmap-weight": ["interpolate", ["linear"], w, 0, 0, o.heatmap.max, 1], "heatmap-color": ramp, "heatmap-opacity": 0.8,
        "heatmap-radius": ["interpolate", ["linear"], ["zoom"], 4, 10, 9, 25, 13, 40]}}, map.getLayer("sites") ? "sites" : undefined);
    } else if (o.geometry === "polygon") {
      /* polygons lie under the sites, which stay the clearest thing on the map */
      var under = map.getLayer("sites") ? "sites" : undefined;
      map.addLayer({id: "ov-" + o.id, type: "fill", source: "ov-" + o.id,
        paint: {"fill-color": colour, "fill-opacity": o.opacity || 0.45}}, under);
      map.addLayer({id: "ov-" + o.id + "-line", type: "line", source: "ov-" + o.id,
        paint: {"line-color": "#333", "line-width": 0.8, "line-opacity": 0.6}}, under);
    } else {
      map.addLayer({id: "ov-" + o.id, type: "circle", source: "ov-" + o.id, paint: {"circle-color": colour,
        "circle-radius": ["interpolate", ["linear"], ["zoom"], 4, 3, 10, 6, 14, 9], "circle-stroke-color": "#111", "circle-stroke-width": 1}});
    }
    map.on("click", "ov-" + o.id, function (e) {
      var f = e.features && e.features[0];
      if (!f) return;
      var at = f.geometry.type === "Point" ? f.geometry.coordinates : e.lngLat;
      new maplibregl.Popup({maxWidth: "320px", className: "ov-popup"}).setLngLat(at).setHTML(overlayPopup(o, f.properties)).addTo(map);
    });
    map.on("mouseenter", "ov-" + o.id, function () { map.getCanvas().style.cursor = "pointer"; });
    map.on("mouseleave", "ov-" + o.id, function () { map.getCanvas().style.cursor = ""; });
    map.on("sourcedata", function loaded(e) {
      if (e.sourceId !== "ov-" + o.id || !e.isSourceLoaded) return;
      map.off("sourcedata", loaded);
      state.overlays = state.overlays || {};
      state.overlays[o.id] = true;
    });
  }
  document.querySelectorAll("input[name=overlay]").forEach(function (box) {
    box.addEventListener("change", function () {
      var o = OVERLAYS.filter(function (x) { return x.id === box.value; })[0];
      if (o) showOverlay(o, box.checked);
    });
  });

  /* ---- wiring ---- */
  function onFilters() {
    limitTerritoires();
    writeUrl();
    refreshCount();
    if (state.map && state.map.getSource("sites")) state.map.getSource("sites").setTiles([tileUrl()]);
  }
  form.addEventListener("change", onFilters);
  form.addEventListener("submit", function (e) { e.preventDefault(); onFilters(); });
  form.addEventListener("reset", function () { setTimeout(onFilters, 0); });
  document.querySelectorAll("input[name=layer]").forEach(function (r) {
    r.addEventListener("change", function () { state.layer = r.value; renderLegend(); applyLayer(); writeUrl(); });
  });
  document.querySelectorAll(".langs a").forEach(function (a) {
    a.addEventListener("click", function () {
      a.href = a.pathname + "?next=" + encodeURIComponent(location.pathname + location.search + location.hash);
    });
  });
  $("panel-toggle").addEventListener("click", function () {
    var open = this.getAttribute("aria-expanded") !== "true";
    this.setAttribute("aria-expanded", String(open));
    $("panel").classList.toggle("closed", !open);
    if (state.map) setTimeout(function () { state.map.resize(); }, 0);
  });
  if (window.matchMedia("(max-width: 640px)").matches) $("panel-toggle").click();

  readUrl();
  renderLegend();
  writeUrl();
  refreshCount();
  if (state.site) showCard(state.site, null, !/(^#|&)view=/.test(location.hash));

  function webgl() {
    try {
      var c = document.createElement("canvas");
      return !!(window.WebGL2RenderingContext && c.getContext("webgl2"));
    } catch (e) { return false; }
  }
  if (!window.maplibregl || !webgl()) {
    $("map").innerHTML = '<p class="nomap">' + esc(T.no_webgl) + ' <a href="' + $("link-list").getAttribute("href") + '">' + esc(T.site_list) + "</a></p>";
    document.documentElement.dataset.nomap = "1";
    return;
  }

  var bounds = cfg.bounds || [12, -13.5, 31.5, 5.5];
  var map = state.map = new maplibregl.Map({
    container: "map", style: cfg.basemap && /\.json(\?|$)/.test(cfg.basemap) ? cfg.basemap : baseStyle(),
    bounds: [[bounds[0], bounds[1]], [bounds[2], bounds[3]]], fitBoundsOptions: {padding: 24, maxZoom: 12},
    hash: "view", attributionControl: {compact: true}, maxZoom: 18, dragRotate: false, pitchWithRotate: false,
    touchPitch: false, cooperativeGestures: false, locale: cfg.maplibre_locale,
  });
  map.touchZoomRotate.disableRotation();
  map.addControl(new maplibregl.NavigationControl({showCompass: false}), "top-right");
  map.addControl(new maplibregl.FullscreenControl({container: document.querySelector(".mapwrap")}), "top-right");
  map.addControl(new maplibregl.ScaleControl({unit: "metric"}), "bottom-right");
  map.on("load", function () {
    addOverlays(map);
    map.on("idle", function drawn() {
      if (state.drawnAt || !map.isSourceLoaded("sites")) return;
      state.drawnAt = performance.now();
      /* the sites drawn: one per site feature, n per cluster */
      state.drawnFeatures = map.queryRenderedFeatures({layers: ["sites", "clusters"]}).reduce(function (sum, f) {
        return sum + (f.properties.n || 1);
      }, 0);
      document.documentElement.dataset.drawn = String(state.drawnFeatures);
      document.dispatchEvent(new CustomEvent("ramani:drawn"));
      addBasemap(map);
    });
  });
  map.on("click", "sites", function (e) {
    var over = OVERLAYS.map(function (o) { return "ov-" + o.id; }).filter(function (id) { return map.getLayer(id); });
    if (over.length && map.queryRenderedFeatures(e.point, {layers: over}).length) return;  /* its popup opens instead */
    var f = e.features && e.features[0];
    if (f) showCard(f.properties.pcode, map.getCanvas());
  });
  map.on("mouseenter", "sites", function () { map.getCanvas().style.cursor = "pointer"; });
  map.on("mouseleave", "sites", function () { map.getCanvas().style.cursor = ""; });
  /* a cluster opens onto its sites: zoom in two levels around it */
  map.on("click", "clusters", function (e) {
    var f = e.features && e.features[0];
    if (f) map.easeTo({center: f.geometry.coordinates, zoom: map.getZoom() + 2});
  });
  map.on("mouseenter", "clusters", function () { map.getCanvas().style.cursor = "zoom-in"; });
  map.on("mouseleave", "clusters", function () { map.getCanvas().style.cursor = ""; });
  map.on("moveend", writeUrl);
})();
