"""Figures over time for the dashboard: per year and province, shares of visited sites.

A share is "of the sites visited that year, how many had X at a visit that year", counted
only where X was recorded (mercury is recorded from 2015 on, for instance). Armed presence and the
armed classes are those of `ramani.sites.armed` (a site counts in the most severe class of its
visits that year).
"""

from __future__ import annotations

import statistics
from collections import defaultdict

from ramani.sites import armed, diggers
from ramani.sites.models import VisitArmedGroup
from ramani.sites.qualification import QUALIFICATION_PROJECT


def field_visit_figures(visits) -> dict:
    """`visits`: a Visit queryset (already filtered). Qualification-only rows are left out."""
    rows = list(
        visits.exclude(project=QUALIFICATION_PROJECT).values_list(
            "id",
            "site_id",
            "visit_date",
            "presence",
            "mercury",
            "childunder15",
            "workers_numb",
            "site__province",
            "interference",
        )
    )
    years: dict[int, dict] = defaultdict(
        lambda: {
            "visits": 0,
            "sites": set(),
            "presence": set(),
            "presence_recorded": set(),
            "mercury": set(),
            "mercury_recorded": set(),
            "children": set(),
            "children_recorded": set(),
            "workers": [],
        }
    )
    provinces: dict[str, dict] = defaultdict(lambda: {"sites": set(), "visits": 0})
    bands: dict[str, int] = {name: 0 for _, name, _, _ in diggers.BANDS} | {diggers.NO_DATA[1]: 0}
    year_of_visit = {}
    flags = {}
    for vid, site, date, presence, mercury, child, workers, province, interference in rows:
        y = years[date.year]
        year_of_visit[vid] = (date.year, site)
        flags[vid] = (presence, interference)
        y["visits"] += 1
        y["sites"].add(site)
        for key, value in (("mercury", mercury), ("children", child)):
            if value is not None:
                y[f"{key}_recorded"].add(site)
                if value:
                    y[key].add(site)
        if workers is not None and workers > 0:
            y["workers"].append(workers)
        bands[diggers.band_name(workers)] += 1
        provinces[province]["sites"].add(site)
        provinces[province]["visits"] += 1
    by_type: dict[tuple[int, str], set] = defaultdict(set)
    groups: dict[int, list[armed.Group]] = defaultdict(list)
    ids = list(year_of_visit)
    for start in range(0, len(ids), 20_000):
        for vid, kind, *acts in (
            VisitArmedGroup.objects.filter(visit_id__in=ids[start : start + 20_000])
            .exclude(type="")
            .values_list("visit_id", "type", *VisitArmedGroup.ACTIVITIES)
        ):
            year, site = year_of_visit[vid]
            by_type[(year, kind)].add(site)
            groups[vid].append(armed.Group(kind, tuple(acts)))
    # per year and site, the most severe armed class of its visits that year (ramani.sites.armed)
    worst: dict[tuple[int, int], int] = {}
    for vid, (year, site) in year_of_visit.items():
        rank = armed.CLASSES.index(armed.classify(*flags[vid], groups.get(vid, [])))
        worst[(year, site)] = max(rank, worst.get((year, site), 0))
    by_class: dict[tuple[int, str], int] = defaultdict(int)
    for (year, site), rank in worst.items():
        cls = armed.CLASSES[rank]
        if cls != "unknown":
            years[year]["presence_recorded"].add(site)
        if armed.is_armed(cls):
            years[year]["presence"].add(site)
            by_class[(year, cls)] += 1
    by_year = []
    for year in sorted(years):
        y = years[year]
        by_year.append(
            {
                "year": year,
                "visits": y["visits"],
                "sites": len(y["sites"]),
                "sites_with_presence": len(y["presence"]),
                "sites_presence_recorded": len(y["presence_recorded"]),
                "sites_with_mercury": len(y["mercury"]),
                "sites_mercury_recorded": len(y["mercury_recorded"]),
                "sites_with_children": len(y["children"]),
                "sites_children_recorded": len(y["children_recorded"]),
                "workers_total": sum(y["workers"]),
                "workers_median": statistics.median(y["workers"]) if y["workers"] else None,
            }
        )
    return {
        "by_year": by_year,
        "by_province": sorted(
            ({"province": p, "sites": len(v["sites"]), "visits": v["visits"]} for p, v in provinces.items()),
            key=lambda r: (-r["sites"], r["province"]),
        ),
        "armed_group_types_by_year": [
            {"year": year, "type": kind, "sites": len(sites)} for (year, kind), sites in sorted(by_type.items())
        ],
        "armed_classes_by_year": [
            {"year": year, "class": cls, "sites": n} for (year, cls), n in sorted(by_class.items())
        ],
        "workers_bands": [{"band": name, "visits": n} for name, n in bands.items()],
    }
