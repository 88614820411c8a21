"""Sites and visits as GeoJSON-ready features (properties are public fields only)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from ramani.sites import armed
from ramani.sites import ipis_format as fmt
from ramani.sites import qualification as rules
from ramani.sites.ipis_export import iter_rows
from ramani.sites.models import Qualification, Site, Visit, VisitArmedGroup, VisitMineral

SITE_FIELDS = [
    "pcode",
    "name",
    "province",
    "province_pcode",
    "territoire",
    "adm2_pcode",
    "collectivite",
    "groupement",
    "village",
    "location_origin",
    "first_visit_date",
    "last_visit_date",
    "visit_count",
    "synthetic",
]
LATEST_FIELDS = [
    "last_field_visit_date",
    "project",
    "workers_numb",
    "minerals",
    "armed_presence",
    "armed_interference",
    "armed_class",
    "armed_groups",
    "armed_group_types",
    "mercury",
    "child_labour",
    "women",
]
SITE_PROPERTIES = SITE_FIELDS + ["qualification", "qualification_valid", "qualification_decided_on"] + LATEST_FIELDS
VISIT_PROPERTIES = [c for c in fmt.COLUMNS if c != "geom"]

# The type of each property, for typed downloads (GeoPackage, FlatGeobuf): text, int, float, flag (0/1), date
_KIND_OF_FORMAT = {fmt.FLAG: "flag", fmt.INT: "int", fmt.FLOAT: "float", fmt.DATE: "date"}
VISIT_KINDS = {c: _KIND_OF_FORMAT.get(fmt.KINDS[c], "text") for c in VISIT_PROPERTIES}
SITE_KINDS = dict.fromkeys(SITE_PROPERTIES, "text") | {
    "first_visit_date": "date",
    "last_visit_date": "date",
    "visit_count": "int",
    "synthetic": "flag",
    "qualification_valid": "flag",
    "qualification_decided_on": "date",
    "last_field_visit_date": "date",
    "workers_numb": "int",
    "armed_presence": "flag",
    "armed_interference": "flag",
    "mercury": "flag",
    "child_labour": "flag",
    "women": "flag",
}


def _json(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def site_features(sites: list[Site], on: dt.date | None = None) -> list[dict]:
    """Features for a page of sites, each with its qualification on `on` and its latest field visit."""
    on = on or dt.date.today()
    ids = [s.id for s in sites]
    decisions = defaultdict(list)
    for site_id, date, status, pk in Qualification.objects.filter(site_id__in=ids).values_list(
        "site_id", "date", "status", "id"
    ):
        decisions[site_id].append((date, status, pk))
    latest = latest_field_visits(ids)
    out = []
    for s in sites:
        props = {f: _json(getattr(s, f)) for f in SITE_FIELDS}
        status = rules.status_on(decisions.get(s.id, []), on)
        props.update(
            qualification=status.status,
            qualification_valid=status.valid,
            qualification_decided_on=_json(status.decided_on),
        )
        props.update(latest.get(s.id, dict.fromkeys(LATEST_FIELDS)))
        geometry = (
            {"type": "Point", "coordinates": [s.longitude, s.latitude]}
            if s.longitude is not None and s.latitude is not None
            else None
        )
        out.append({"type": "Feature", "id": s.pcode, "geometry": geometry, "properties": props})
    return out


def latest_field_visits(site_ids: list[int]) -> dict[int, dict]:
    """Per site, the attributes of its latest visit that is not a qualification-only record."""
    rows = (
        Visit.objects.filter(site_id__in=site_ids)
        .exclude(project=rules.QUALIFICATION_PROJECT)
        .order_by("site_id", "-visit_date", "-id")
        .values_list(
            "id",
            "site_id",
            "visit_date",
            "project",
            "workers_numb",
            "presence",
            "interference",
            "mercury",
            "childunder15",
            "women",
        )
    )
    chosen: dict[int, tuple] = {}
    for row in rows:
        chosen.setdefault(row[1], row)
    visit_ids = [r[0] for r in chosen.values()]
    minerals = defaultdict(list)
    for visit_id, mineral in (
        VisitMineral.objects.filter(visit_id__in=visit_ids).order_by("position").values_list("visit_id", "mineral")
    ):
        if mineral:
            minerals[visit_id].append(mineral)
    groups, types, slots = defaultdict(list), defaultdict(list), defaultdict(list)
    for visit_id, name, kind, *acts in (
        VisitArmedGroup.objects.filter(visit_id__in=visit_ids)
        .order_by("position")
        .values_list("visit_id", "name", "type", *VisitArmedGroup.ACTIVITIES)
    ):
        if name:
            groups[visit_id].append(name)
        if kind:
            types[visit_id].append(kind)
            slots[visit_id].append(armed.Group(kind, tuple(acts)))
    out = {}
    for vid, site_id, date, project, workers, presence, interference, mercury, child, women in chosen.values():
        out[site_id] = {
            "last_field_visit_date": date.isoformat(),
            "project": project,
            "workers_numb": workers,
            "minerals": ", ".join(minerals[vid]),
            "armed_presence": presence,
            "armed_interference": interference,
            "armed_class": armed.classify(presence, interference, slots[vid]),
            "armed_groups": ", ".join(groups[vid]),
            "armed_group_types": ", ".join(types[vid]),
            "mercury": mercury,
            "child_labour": child,
            "women": women,
        }
    return out


def visit_features(visits) -> list[dict]:
    """Features for a queryset page of visits: every IPIS column as a property (id = database id)."""
    pks = list(visits.values_list("id", flat=True))
    out = []
    rows = iter_rows(Visit.objects.filter(id__in=pks))
    for pk, row in zip(sorted(pks), rows):
        props = {}
        for column, value in zip(fmt.COLUMNS, row):
            if column == "geom":
                continue
            props[column] = _json(value)
        lon, lat = props["longitude"], props["latitude"]
        geometry = {"type": "Point", "coordinates": [lon, lat]} if lon is not None and lat is not None else None
        out.append({"type": "Feature", "id": pk, "geometry": geometry, "properties": props})
    order = {pk: i for i, pk in enumerate(pks)}
    out.sort(key=lambda f: order[f["id"]])
    return out
