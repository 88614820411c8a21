"""Write visits back as the IPIS table (84 columns, same order), streamed in chunks."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from ramani.sites import ipis_format as fmt
from ramani.sites.models import Visit, VisitArmedGroup, VisitMineral

CHUNK = 2000
LICENCE = "ODC-BY 1.0"
ATTRIBUTION = "IPIS"
_VISIT_VALUES = ["id", "site__pcode", *(fmt.TARGETS[c].field for c in fmt.VISIT_COLUMNS)]


def iter_rows(visits=None) -> Iterator[list]:
    """Each visit as a list of 84 python values in IPIS column order (None for missing)."""
    qs = (visits if visits is not None else Visit.objects.all()).order_by("id")
    last = 0
    while True:
        chunk = list(qs.filter(id__gt=last).values_list(*_VISIT_VALUES)[:CHUNK])
        if not chunk:
            return
        last = chunk[-1][0]
        ids = [r[0] for r in chunk]
        minerals: defaultdict[int, dict] = defaultdict(dict)
        # keyed by visit and slot: no ORDER BY, which would join visit and site for the models' ordering
        # (and, in a transaction whose rows the planner has no statistics of, a nested loop over both)
        mineral_rows = VisitMineral.objects.filter(visit_id__in=ids).order_by()
        for visit_id, pos, *vals in mineral_rows.values_list("visit_id", "position", *fmt.MINERAL_FIELDS):
            minerals[visit_id][pos] = dict(zip(fmt.MINERAL_FIELDS, vals))
        groups: defaultdict[int, dict] = defaultdict(dict)
        group_rows = VisitArmedGroup.objects.filter(visit_id__in=ids).order_by()
        for visit_id, pos, *vals in group_rows.values_list("visit_id", "position", *fmt.GROUP_FIELDS):
            groups[visit_id][pos] = dict(zip(fmt.GROUP_FIELDS, vals))
        for r in chunk:
            yield _row(dict(zip(_VISIT_VALUES, r)), minerals.get(r[0], {}), groups.get(r[0], {}))


def _row(visit: dict, minerals: dict, groups: dict) -> list:
    out = []
    for column in fmt.COLUMNS:
        t = fmt.TARGETS[column]
        if column == "pcode":
            out.append(visit["site__pcode"])
        elif column == "geom":
            raw = visit["geom_ewkb"]
            if raw == "-":
                out.append(None)
            elif raw:
                out.append(raw)
            elif visit["longitude"] is not None and visit["latitude"] is not None:
                out.append(fmt.ewkb_hex(visit["longitude"], visit["latitude"]))
            else:
                out.append(None)
        elif t.table == "visit":
            out.append(visit[t.field])
        else:
            slot = (minerals if t.table == "mineral" else groups).get(t.slot)
            out.append(slot.get(t.field) if slot else None)
    return out


def write_csv(rows: Iterator[list], out: IO[str]) -> int:
    """Write the header and rows as IPIS publishes them; returns the number of rows."""
    kinds = [fmt.KINDS[c] for c in fmt.COLUMNS]
    out.write(",".join(f'"{c}"' for c in fmt.COLUMNS) + "\n")
    n = 0
    buffer = []
    for row in rows:
        buffer.append(",".join(fmt.format_value(k, v) for k, v in zip(kinds, row)))
        n += 1
        if len(buffer) >= 1000:
            out.write("\n".join(buffer) + "\n")
            buffer = []
    if buffer:
        out.write("\n".join(buffer) + "\n")
    return n


def write_geojson(rows: Iterator[list], out: IO[str]) -> int:
    """A FeatureCollection with the 84 columns as properties and the point as geometry."""
    out.write(
        '{"type": "FeatureCollection", "name": "cod_mines_curated_all_opendata_p_ipis", '
        f'"licence": "{LICENCE}", "attribution": "{ATTRIBUTION}", "features": [\n'
    )
    n = 0
    for row in rows:
        props = {}
        for column, value in zip(fmt.COLUMNS, row):
            kind = fmt.KINDS[column]
            if kind == fmt.DATE and value is not None:
                value = value.isoformat()
            elif kind == fmt.FLAG and value is not None:
                value = int(value)
            props[column] = value
        lon, lat = props["longitude"], props["latitude"]
        geometry = {"type": "Point", "coordinates": [lon, lat]} if lon is not None and lat is not None else None
        feature = {"type": "Feature", "id": props["vid"] or None, "geometry": geometry, "properties": props}
        out.write(("," if n else "") + json.dumps(feature, ensure_ascii=False) + "\n")
        n += 1
    out.write("]}\n")
    return n


def export_ipis(path: Path, visits=None) -> int:
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as out:
        if path.suffix.lower() in (".geojson", ".json"):
            return write_geojson(iter_rows(visits), out)
        return write_csv(iter_rows(visits), out)
