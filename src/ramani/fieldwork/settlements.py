"""Import settlements (CSV, GeoJSON, GPKG): all or nothing, idempotent, admin units by point-in-polygon.

Recognised columns (any case): name (`name`, `nom`, `name_fr`, `name_en`), kind (`kind`, `type`),
population (`population`, `pop`, `pop_max`), id (`id`, `settlement_id`, `key`, `ne_id`), and
`longitude`/`latitude` (`lon`, `lng`, `x` / `lat`, `y`) unless the layer has point geometry.
Without a kind column, the kind is derived from the population (city ≥ 100,000, town ≥ 10,000,
village otherwise) and flagged as derived.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ramani import curation
from ramani.curation import Conflict
from ramani.fieldwork.models import Settlement
from ramani.sites.ipis_read import Problem, nul_problems

KIND_WORDS = {
    "city": "city",
    "ville": "city",
    "town": "town",
    "cité": "town",
    "cite": "town",
    "mji": "town",
    "village": "village",
    "localité": "village",
    "localite": "village",
    "kijiji": "village",
    "hamlet": "hamlet",
    "hameau": "hamlet",
    "camp": "camp",
    "camp minier": "camp",
    "mining camp": "camp",
    "other": "other",
    "autre": "other",
}
CITY, TOWN = 100_000, 10_000
FIELDS = ("name", "kind", "population", "longitude", "latitude", "province_pcode", "adm2_pcode", "kind_derived")
MAX_PROBLEMS = 10_000


class SettlementImportFailed(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s); nothing was imported")
        self.problems = problems
        self.total = len(problems)


@dataclass
class SettlementResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    located: int = 0
    warnings: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)


def _pick(columns: list[str], *names: str) -> str | None:
    lower = {c.lower(): c for c in columns}
    return next((lower[n] for n in names if n in lower), None)


def _read(path: Path) -> tuple[list[str], list[dict[str, Any]], list[tuple[float, float] | None] | None]:
    """Columns, rows, and per-row point coordinates when the layer has geometry."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            with path.open(encoding="utf-8-sig", newline="") as f:
                reader = csv.DictReader(f)
                rows = list(reader)
                return list(reader.fieldnames or []), rows, None
        except (UnicodeDecodeError, csv.Error) as exc:
            raise SettlementImportFailed([Problem(0, "", "", f"not a UTF-8 CSV file ({exc})")]) from None
    if suffix not in (".geojson", ".json", ".gpkg"):
        raise SettlementImportFailed([Problem(0, "", path.name, "expected a .csv, .geojson or .gpkg file")])
    import shapely
    from pyogrio import raw

    try:
        meta, _fids, geometry, data = raw.read(str(path))
    except Exception as exc:  # pyogrio raises several DataSourceError kinds
        raise SettlementImportFailed([Problem(0, "", path.name, f"GDAL cannot read it ({exc})")]) from None
    columns = list(meta["fields"])
    n = len(geometry) if geometry is not None else (len(data[0]) if data else 0)
    rows = [{c: data[j][i] for j, c in enumerate(columns)} for i in range(n)]
    points: list[tuple[float, float] | None] | None = None
    if geometry is not None:
        geoms = shapely.from_wkb(geometry)
        crs = meta.get("crs") or "EPSG:4326"
        transformer = None
        if crs.upper() not in ("EPSG:4326", "OGC:CRS84"):
            from pyproj import Transformer

            transformer = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
        points = []
        for g in geoms:
            if g is None or g.is_empty or g.geom_type != "Point":
                points.append(None)
                continue
            x, y = g.x, g.y
            if transformer:
                x, y = transformer.transform(x, y)
            points.append((float(x), float(y)))
    return columns, rows, points


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _number(v: Any) -> float | None:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    try:
        return float(str(v).strip().replace(",", "."))
    except ValueError:
        return None


def parse(path: Path) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The settlements of a file as field dicts, and every problem found (row numbers as a user counts)."""
    columns, rows, points = _read(path)
    name_c = _pick(columns, "name", "nom", "name_fr", "name_en")
    kind_c = _pick(columns, "kind", "type")
    pop_c = _pick(columns, "population", "pop", "pop_max")
    id_c = _pick(columns, "id", "settlement_id", "key", "ne_id")
    lon_c = _pick(columns, "longitude", "lon", "lng", "x")
    lat_c = _pick(columns, "latitude", "lat", "y")
    problems: list[Problem] = []
    if not name_c:
        problems.append(Problem(0, "name", "", f"no name column (columns: {', '.join(columns)})"))
    if points is None and not (lon_c and lat_c):
        problems.append(Problem(0, "longitude", "", "no longitude/latitude columns and no point geometry"))
    if problems or name_c is None:
        return [], problems
    first = 2 if points is None else 1  # CSV: line 1 is the header; layers: feature numbers
    out = []
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        number = first + i
        if nul := nul_problems(number, {str(k): v for k, v in row.items()}):
            problems.extend(nul)
            continue
        name = _text(row.get(name_c))
        if not name:
            problems.append(Problem(number, name_c or "name", "", "a settlement needs a name"))
        if points is not None:
            point = points[i]
            if point is None:
                problems.append(Problem(number, "geometry", "", "expected a point"))
                continue
            lon, lat = point
        else:
            lon_v, lat_v = _number(row.get(lon_c or "")), _number(row.get(lat_c or ""))
            bad = False
            for col, val, lim in ((lon_c or "", lon_v, 180), (lat_c or "", lat_v, 90)):
                if val is None or not math.isfinite(val) or abs(val) > lim:
                    problems.append(Problem(number, col, _text(row.get(col)), f"expected a number within ±{lim}"))
                    bad = True
            if bad:
                continue
            lon, lat = float(lon_v or 0), float(lat_v or 0)
        population = None
        raw_pop = _text(row.get(pop_c)) if pop_c else ""
        if raw_pop:
            p = _number(raw_pop)
            if p is None or p < 0 or not p.is_integer():
                problems.append(Problem(number, pop_c or "", raw_pop, "expected a whole number of people"))
                continue
            population = int(p)
        derived = not kind_c
        if kind_c:
            raw_kind = _text(row.get(kind_c))
            kind = KIND_WORDS.get(raw_kind.lower(), "") if raw_kind else "village"
            if not kind:
                problems.append(
                    Problem(number, kind_c, raw_kind, f"unknown kind (expected one of {', '.join(sorted(KIND_WORDS))})")
                )
                continue
        else:
            kind = "city" if (population or 0) >= CITY else "town" if (population or 0) >= TOWN else "village"
        ident = _text(row.get(id_c)) if id_c else ""
        key = f"id:{ident}" if ident else f"{name}|{lon:.4f}|{lat:.4f}"
        if key in seen:
            problems.append(
                Problem(number, id_c or name_c or "", ident or name, f"the same settlement as row {seen[key]}")
            )
            continue
        seen[key] = number
        out.append(
            dict(
                row=number,
                key=key[:160],
                name=name[:200],
                kind=kind,
                kind_derived=derived,
                population=population,
                longitude=round(lon, 7),
                latitude=round(lat, 7),
            )
        )
        if len(problems) >= MAX_PROBLEMS:
            break
    return out, problems


def import_settlements(path: Path, synthetic: bool = False, overwrite: bool = False) -> SettlementResult:
    """Import every settlement of `path` or none; a settlement already there (same key) is updated, but a
    field a curator changed since the last import keeps the curator's value (reported as a conflict when
    the file changes it too) unless `overwrite`."""
    path = Path(path)
    records, problems = parse(path)
    if problems:
        raise SettlementImportFailed(problems)
    return save(records, source=path.name, synthetic=synthetic, overwrite=overwrite)


def _merge(s: Settlement, r: dict[str, Any], overwrite: bool, result: SettlementResult) -> bool:
    """Apply the file's values to `s` field by field (ramani.curation's rule); True if anything changed."""
    return curation.merge_fields(s, r, FIELDS, overwrite, result.conflicts, r.get("row"), s.key)


def save(
    records: list[dict[str, Any]], source: str, synthetic: bool = False, overwrite: bool = False
) -> SettlementResult:
    from ramani.geo import assign

    result = SettlementResult(rows=len(records))
    units = assign.units_at([(r["longitude"], r["latitude"]) for r in records], level=2)
    if not assign.index(2).units:
        result.warnings.append("no admin-2 boundaries imported: settlements have no admin units yet")
    for r, unit in zip(records, units):
        r["adm2_pcode"] = unit.pcode if unit else ""
        r["province_pcode"] = unit.parent_pcode if unit else ""
        result.located += bool(unit)
    with transaction.atomic():
        existing = {s.key: s for s in Settlement.objects.filter(key__in=[r["key"] for r in records])}
        new, changed = [], []
        for r in records:
            s = existing.get(r["key"])
            values = {f: r[f] for f in ("key", *FIELDS)}
            if s is None:
                imported = curation.baseline(r, FIELDS)
                new.append(Settlement(**values, source=source[:255], synthetic=synthetic, imported=imported))
            elif _merge(s, r, overwrite, result):
                s.source = source[:255]
                changed.append(s)
        if new:
            bulk_create_with_history(
                new, Settlement, batch_size=1000, default_change_reason=curation.reason("settlements", source)
            )
        if changed:
            bulk_update_with_history(
                changed,
                Settlement,
                [*FIELDS, "source", "imported"],
                batch_size=1000,
                default_change_reason=curation.reason("settlements", source),
            )
    result.created, result.updated = len(new), len(changed)
    result.unchanged = len(records) - len(new) - len(changed)
    return result
