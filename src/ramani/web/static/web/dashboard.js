/* Ramani open-data dashboard: /api/summary with the map's filters, as charts and tables. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("dash-config").textContent), S = cfg.strings;
  var lang = document.documentElement.lang || "fr";
  var nf = new Intl.NumberFormat(lang), pf = new Intl.NumberFormat(lang, {style: "percent", maximumFractionDigits: 1});
  var form = document.getElementById("filters"), charts = {}, last = null;
  var PALETTE = ["#1f4e3d", "#d6604d", "#67001f", "#8073ac", "#2b6cc4", "#f2a900", "#4d9221", "#8c510a", "#35978f", "#bdbdbd"];
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
      if (el && el.value) q.set(name, el.value);
    });
    return q;
  }
  function readUrl() {
    var q = new URLSearchParams(location.search);
    cfg.filters.forEach(function (name) {
      var el = form.elements[name];
      if (el && q.get(name)) el.value = q.get(name);
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
    var years = d.by_year.map(function (r) { return r.year; });
    var byYear = {};
    d.by_year.forEach(function (r) { byYear[r.year] = r; });
    var types = {};
    d.armed_group_types_by_year.forEach(function (r) {
      if (r.type === "Aucun") return;
      (types[r.type] = types[r.type] || {})[r.year] = r.sites;
    });
    var armed = [{label: S.armed_presence, data: d.by_year.map(function (r) { return share(r.sites_with_presence, r.sites_presence_recorded); })}];
    Object.keys(types).sort().forEach(function (t) {
      armed.push({label: cfg.group_types[t] || t, data: years.map(function (y) { return share(types[t][y] || 0, byYear[y].sites); })});
    });
    var statuses = Object.keys(cfg.statuses);
    return {
      provinces: {type: "bar", labels: d.by_province.map(function (r) { return r.province || S.unknown; }),
        datasets: [{label: S.sites_visited, data: d.by_province.map(function (r) { return r.sites; })},
                   {label: S.field_visits, data: d.by_province.map(function (r) { return r.visits; })}]},
      years: {type: "bar", labels: years,
        datasets: [{label: S.sites_visited, data: d.by_year.map(function (r) { return r.sites; })},
                   {label: S.field_visits, data: d.by_year.map(function (r) { return r.visits; })}]},
      minerals: {type: "bar", horizontal: true, labels: d.minerals.map(function (r) { return cfg.minerals[r.mineral] || r.mineral; }),
        datasets: [{label: S.sites, data: d.minerals.map(function (r) { return r.sites; })}]},
      armed: {type: "line", percent: true, labels: years, datasets: armed},
      workers: {type: "line", labels: years, datasets: [{label: S.median, data: d.by_year.map(function (r) { return r.workers_median; })}]},
      mercury: {type: "line", percent: true, labels: years,
        datasets: [{label: S.mercury, data: d.by_year.map(function (r) { return share(r.sites_with_mercury, r.sites_mercury_recorded); })}]},
      children: {type: "line", percent: true, labels: years,
        datasets: [{label: S.children, data: d.by_year.map(function (r) { return share(r.sites_with_children, r.sites_children_recorded); })}]},
      qualification: {type: "doughnut", labels: statuses.map(function (s) { return cfg.statuses[s].label; }),
        colours: statuses.map(function (s) { return cfg.statuses[s].colour; }),
        datasets: [{label: S.sites, data: statuses.map(function (s) { return d.qualification[s] || 0; })}]},
    };
  }
  function fmt(spec, v) { return v == null ? "—" : spec.percent ? pf.format(v) : nf.format(v); }

  function render(id, spec) {
    var canvas = document.getElementById("canvas-" + id), chart = charts[id];
    var data = {labels: spec.labels, datasets: spec.datasets.map(function (ds, i) {
      var colour = spec.colours || PALETTE[i % PALETTE.length];
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
        plugins: {legend: {display: spec.datasets.length > 1 || spec.type === "doughnut", position: "bottom", labels: {boxWidth: 12}},
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
      a.href = "/opendata/download/" + a.dataset.download + (search ? "?" + search : "");
    });
    document.getElementById("link-map").href = "/" + (search ? "?" + search : "");
    fetch("/api/summary" + (search ? "?" + search : "")).then(function (r) {
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
  form.addEventListener("reset", function () { setTimeout(refresh, 0); });
  document.querySelectorAll(".langs a").forEach(function (a) {
    a.addEventListener("click", function () {
      a.href = a.pathname + "?next=" + encodeURIComponent(location.pathname + location.search);
    });
  });
  readUrl();
  refresh();
})();
