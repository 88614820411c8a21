/* Ramani open-data dashboard: /api/summary with the map's filters, as charts and tables. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("dash-config").textContent), S = cfg.strings;
  var lang = document.documentElement.lang || "fr";
  var ROOT = document.documentElement.dataset.root || "/";  // RAMANI_URL_PREFIX: every URL below starts with it
  var nf = new Intl.NumberFormat(lang), pf = new Intl.NumberFormat(lang, {style: "percent", maximumFractionDigits: 1});
  var form = document.getElementById("filters"), charts = {}, last = null;
  var extra = {};  /* filters of the URL with no control here (mercury, child_labour, …): kept as they are */
  var PALETTE = ["#1f4e3d", "#d6604d", "#67001f", "#8073ac", "#2b6cc4", "#f2a900", "#4d9221", "#8c510a", "#35978f", "#bdbdbd"];
  var narrow = window.matchMedia("(max-width: 40rem)");
  window.ramaniDashboard = {charts: charts, loaded: 0};

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  function filters() {
    var q = new URLSearchParams();
    cfg.filters.forEach(function (name) {
      var el = form.elements[name];
      if (el ? el.value : extra[name]) q.set(name, el ? el.value : extra[name]);
    });
    return q;
  }
  function readUrl() {
    var q = new URLSearchParams(location.search);
    cfg.filters.forEach(function (name) {
      var el = form.elements[name], value = q.get(name);
      if (!value) return;
      if (!el) { extra[name] = value; return; }
      el.value = value;
      if (el.value !== value && el.tagName === "SELECT") {
        /* a value the list does not offer (a province pcode such as CD62, another spelling): keep it */
        el.add(new Option(value, value));
        el.value = value;
      }
    });
    limitTerritoires();
  }
  function limitTerritoires() {
    var province = form.elements.province.value, sel = form.elements.territoire;
    Array.prototype.forEach.call(sel.options, function (o) {
      o.hidden = !!(o.dataset.province && province && o.dataset.province !== province);
    });
    if (sel.selectedOptions[0] && sel.selectedOptions[0].hidden) sel.value = "";
  }
  function share(part, whole) { return whole ? part / whole : null; }

  /* each chart: {type, labels, datasets: [{label, data, colour}], percent, horizontal, colours} */
  function specs(d) {
    /* every year from the first to the last, so that a year without visits shows as a gap, not nothing */
    var years = [], byYear = {}, EMPTY = {sites: 0, visits: 0, workers_median: null};
    d.by_year.forEach(function (r) { byYear[r.year] = r; });
    if (d.by_year.length) {
      for (var y = d.by_year[0].year; y <= d.by_year[d.by_year.length - 1].year; y++) years.push(y);
    }
    var rows = years.map(function (y) { return byYear[y] || EMPTY; });
    /* armed presence, then each class of the map's armed layer, in the map's colours */
    var classes = {};
    (d.armed_classes_by_year || []).forEach(function (r) { (classes[r["class"]] = classes[r["class"]] || {})[r.year] = r.sites; });
    var armed = [{label: S.armed_presence, colour: "#1d2a33", data: rows.map(function (r) { return share(r.sites_with_presence, r.sites_presence_recorded); })}];
    cfg.armed_classes.forEach(function (c) {
      if (!classes[c.value]) return;
      armed.push({label: c.label, colour: c.colour, data: years.map(function (y) {
        return byYear[y] ? share(classes[c.value][y] || 0, byYear[y].sites_presence_recorded) : null;
      })});
    });
    var statuses = Object.keys(cfg.statuses);
    return {
      provinces: {type: "bar", labels: d.by_province.map(function (r) { return r.province || S.unknown; }),
        datasets: [{label: S.sites_visited, data: d.by_province.map(function (r) { return r.sites; })},
                   {label: S.field_visits, data: d.by_province.map(function (r) { return r.visits; })}]},
      years: {type: "bar", labels: years,
        datasets: [{label: S.sites_visited, data: rows.map(function (r) { return r.sites; })},
                   {label: S.field_visits, data: rows.map(function (r) { return r.visits; })}]},
      minerals: {type: "bar", horizontal: true, labels: d.minerals.map(function (r) { return cfg.minerals[r.mineral] || r.mineral; }),
        datasets: [{label: S.sites, data: d.minerals.map(function (r) { return r.sites; })}]},
      armed: {type: "line", percent: true, labels: years, datasets: armed},
      workers: {type: "line", labels: years, datasets: [{label: S.median, data: rows.map(function (r) { return r.workers_median; })}]},
      mercury: {type: "line", percent: true, labels: years,
        datasets: [{label: S.mercury, data: rows.map(function (r) { return share(r.sites_with_mercury, r.sites_mercury_recorded); })}]},
      children: {type: "line", percent: true, labels: years,
        datasets: [{label: S.children, data: rows.map(function (r) { return share(r.sites_with_children, r.sites_children_recorded); })}]},
      qualification: {type: "doughnut", labels: statuses.map(function (s) { return cfg.statuses[s].label; }),
        colours: statuses.map(function (s) { return cfg.statuses[s].colour; }),
        datasets: [{label: S.sites, data: statuses.map(function (s) { return d.qualification[s] || 0; })}]},
    };
  }
  function fmt(spec, v) { return v == null ? "—" : spec.percent ? pf.format(v) : nf.format(v); }

  function render(id, spec) {
    var canvas = document.getElementById("canvas-" + id), chart = charts[id];
    canvas.parentNode.classList.toggle("many", spec.datasets.length > 3);
    var data = {labels: spec.labels, datasets: spec.datasets.map(function (ds, i) {
      var colour = ds.colour || spec.colours || PALETTE[i % PALETTE.length];
      return {label: ds.label, data: ds.data, backgroundColor: colour, borderColor: spec.type === "line" ? colour : undefined,
        spanGaps: true, pointRadius: 2, borderWidth: spec.type === "line" ? 2 : 0};
    })};
    if (chart) {
      chart.data = data;
      chart.update("none");
    } else {
      charts[id] = new Chart(canvas, {type: spec.type, data: data, options: {
        animation: false, responsive: true, maintainAspectRatio: false, locale: lang,
        indexAxis: spec.horizontal ? "y" : "x",
        plugins: {legend: {display: spec.datasets.length > 1 || spec.type === "doughnut", position: "bottom",
          labels: {boxWidth: 12, font: {size: narrow.matches ? 11 : 12}}},
          tooltip: {callbacks: {label: function (c) { return c.dataset.label + ": " + fmt(spec, c.raw); }}}},
        scales: spec.type === "doughnut" ? {} : {
          y: {beginAtZero: true, ticks: spec.percent ? {callback: function (v) { return pf.format(v); }} : {}},
          x: {ticks: {autoSkip: true, maxRotation: 60}}},
      }});
    }
    var table = "<table><thead><tr><th></th>" + spec.datasets.map(function (ds) { return '<th class="n">' + esc(ds.label) + "</th>"; }).join("") +
      "</tr></thead><tbody>";
    spec.labels.forEach(function (label, i) {
      table += "<tr><th scope=row>" + esc(label) + "</th>" + spec.datasets.map(function (ds) { return '<td class="n">' + fmt(spec, ds.data[i]) + "</td>"; }).join("") + "</tr>";
    });
    document.getElementById("table-" + id).innerHTML = spec.labels.length ? table + "</tbody></table>" : "<p>" + esc(S.no_data) + "</p>";
  }

  var request = 0;
  function refresh() {
    var mine = ++request, q = filters(), search = q.toString();
    history.replaceState(null, "", location.pathname + (search ? "?" + search : ""));
    document.querySelectorAll("a[data-download]").forEach(function (a) {
      var accepted = cfg.download_params[a.dataset.download.split(".")[0]] || [], own = new URLSearchParams();
      q.forEach(function (value, name) { if (accepted.indexOf(name) >= 0) own.set(name, value); });
      a.href = ROOT + "opendata/download/" + a.dataset.download + (own.toString() ? "?" + own : "");
    });
    document.getElementById("link-map").href = ROOT + (search ? "?" + search : "");
    fetch(ROOT + "api/summary" + (search ? "?" + search : "")).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    }).then(function (d) {
      if (mine !== request) return;
      last = d;
      document.getElementById("count").innerHTML = "<b>" + nf.format(d.sites) + "</b> " + esc(S.sites) + " · <b>" + nf.format(d.visits) + "</b> " + esc(S.visits);
      var all = specs(d);
      Object.keys(all).forEach(function (id) { render(id, all[id]); });
      window.ramaniDashboard.loaded += 1;
      document.documentElement.dataset.loaded = String(window.ramaniDashboard.loaded);
    }).catch(function () {
      if (mine === request) document.getElementById("count").textContent = S.error;
    });
  }

  document.querySelectorAll("button.toggle").forEach(function (b) {
    b.addEventListener("click", function () {
      var on = b.getAttribute("aria-pressed") !== "true", fig = b.closest("figure");
      b.setAttribute("aria-pressed", String(on));
      b.textContent = on ? S.chart : S.table;
      fig.querySelector(".table").hidden = !on;
      fig.querySelector(".canvas").hidden = on;
    });
  });
  form.addEventListener("change", function () { limitTerritoires(); refresh(); });
  form.addEventListener("submit", function (e) { e.preventDefault(); refresh(); });
  form.addEventListener("reset", function () { extra = {}; setTimeout(function () { limitTerritoires(); refresh(); }, 0); });
  document.querySelectorAll(".langs a").forEach(function (a) {
    a.addEventListener("click", function () {
      a.href = a.pathname + "?next=" + encodeURIComponent(location.pathname + location.search);
    });
  });
  readUrl();
  refresh();
})();
