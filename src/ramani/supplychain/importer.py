"""`ramani import depots|points-of-sale|destinations|interference-zones PATH`: all or nothing, re-runnable.

Every row is checked first; if any has a problem, nothing is written and every problem is reported (row,
column, value, reason). A row is matched on its key (the file's `key` column, else a digest of the row): a
re-import updates what changed, keeps history, and leaves the rest untouched. Trade points get their admin
units by point-in-polygon; after a trade-point import the site links are rebuilt (ramani.supplychain.links).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import shapely
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ramani import dbutil
from ramani.geo.assign import units_at
from ramani.sites import revision
from ramani.sites.ipis_import import ImportFailed
from ramani.sites.ipis_read import FileProblem, Problem, nul_problems
from ramani.supplychain.formats import LAYERS, Layer, parse
from ramani.supplychain.models import InterferenceZone, TradePoint
from ramani.supplychain.read import read_rows

MAX_PROBLEMS = 10_000
POINT_FIELDS = ["kind", "name", "latitude", "longitude", "minerals", "locality", "operator", "country", "date"]
POINT_FIELDS += ["date_text", "source", "project", "notes", "synthetic", "province_pcode", "adm2_pcode", "territoire"]
ZONE_FIELDS = ["name", "armed_group", "group_type", "period_start", "period_start_text", "period_end"]
ZONE_FIELDS += ["period_end_text", "source", "project", "notes", "synthetic", "geometry", "minx", "miny", "maxx"]
ZONE_FIELDS += ["maxy", "area_km2"]


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    links: int = 0
    warnings: list[str] = field(default_factory=list)


def import_layer(name: str, path: Path, project: str = "", link: bool = True) -> ImportResult:
    """Import a file of the layer `name` (depots, points-of-sale, destinations, interference-zones); raises
    ImportFailed (nothing written) on bad input. `project` fills the project of rows that name none; `link`
    False leaves the site links to rebuild later (links.rebuild)."""
    layer = LAYERS[name]
    path = Path(path)
    result = ImportResult()
    problems: list[Problem] = []
    parsed: list[dict] = []
    first_row: dict[str, int] = {}
    try:
        for row, record, geometry in read_rows(layer, path, result.warnings):
            result.rows += 1
            if "" in record:
                problems.append(Problem(row, "", "", record[""]))
                continue
            if nul := nul_problems(row, record):
                problems.extend(nul)
                continue
            values = parse(layer, row, record, geometry, project)
            if isinstance(values, list):
                problems.extend(values)
                continue
            if values["key"] in first_row:
                problems.append(
                    Problem(row, "key", record.get("key", ""), f"the same key as row {first_row[values['key']]}")
                )
                continue
            first_row[values["key"]] = row
            parsed.append(values)
    except FileProblem as exc:
        raise ImportFailed(exc.problems, len(exc.problems)) from None
    if result.rows == 0:
        problems.append(Problem(0, "", "", "the file has no rows"))
    if problems:
        raise ImportFailed(problems[:MAX_PROBLEMS], len(problems))
    if layer.kind is not None:
        _locate(parsed)
    with transaction.atomic():
        _write(layer, parsed, result)
        if result.created or result.updated:
            revision.bump()
    if layer.kind is not None and link:
        from ramani.supplychain.links import rebuild

        result.links = rebuild()
    return result


def _locate(rows: list[dict]) -> None:
    units = units_at([(r["longitude"], r["latitude"]) for r in rows])
    for r, unit in zip(rows, units):
        r["adm2_pcode"] = unit.pcode if unit else ""
        r["province_pcode"] = unit.parent_pcode if unit else ""
        r["territoire"] = unit.name if unit else ""


def _write(layer: Layer, rows: list[dict], result: ImportResult) -> None:
    model, fields = (InterferenceZone, ZONE_FIELDS) if layer.kind is None else (TradePoint, POINT_FIELDS)
    qs = model.objects.filter(key__in=[r["key"] for r in rows])
    if layer.kind is not None:
        qs = qs.filter(kind=layer.kind)
    existing = {obj.key: obj for obj in qs}
    new, changed = [], []
    now = timezone.now()
    for r in rows:
        old = existing.get(r["key"])
        if old is None:
            new.append(model(key=r["key"], **{f: r[f] for f in fields}))
            continue
        if all(_same(f, getattr(old, f), r[f]) for f in fields):
            result.unchanged += 1
            continue
        for f in fields:
            setattr(old, f, r[f])
        old.updated = now
        changed.append(old)
    if new:
        bulk_create_with_history(new, model, batch_size=500)
    if changed:
        bulk_update_with_history(changed, model, [*fields, "updated"], batch_size=500)
    result.created, result.updated = len(new), len(changed)
    dbutil.refresh_statistics([model], len(new) + len(changed))


def _same(name: str, stored, value) -> bool:
    if name == "geometry":  # the same shape, whatever its encoding (a GeoPackage makes a Polygon a MultiPolygon)
        return bool(shapely.equals(shapely.from_wkb(bytes(stored)), shapely.from_wkb(value)))
    return stored == value
