"""Frame and sample tables in and out: CSV, XLSX and GeoPackage, chosen by the file's suffix.

A table is a list of column names and rows of plain values. In a GeoPackage the point geometry
becomes (and is built from) the `longitude`/`latitude` columns.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMATS = (".csv", ".xlsx", ".gpkg")


class TableError(ValueError):
    """A file that cannot be read or written as a table."""


@dataclass
class Table:
    columns: list[str]
    rows: list[dict[str, Any]]


def checksum(path: Path) -> str:
    """SHA-256 of the file's bytes, as `sha256:<hex>`."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return "sha256:" + h.hexdigest()


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise TableError(f"{path.name}: expected a {', '.join(FORMATS)} file")
    return suffix


def read_table(path: Path) -> Table:
    suffix = _suffix(path)
    try:
        if suffix == ".csv":
            return _read_csv(path)
        if suffix == ".xlsx":
            return _read_xlsx(path)
        return _read_gpkg(path)
    except TableError:
        raise
    except (OSError, UnicodeDecodeError, csv.Error, ValueError, KeyError) as exc:
        raise TableError(f"{path.name}: cannot be read as a table ({exc})") from exc


def _read_csv(path: Path) -> Table:
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if not header:
            raise TableError(f"{path.name}: empty file")
        rows = []
        for number, values in enumerate(reader, start=2):
            if not any(values):
                continue
            if len(values) != len(header):
                raise TableError(f"{path.name}: row {number} has {len(values)} values for {len(header)} columns")
            rows.append(dict(zip(header, values)))
    return Table(list(header), rows)


def _read_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        it = sheet.iter_rows(values_only=True)
        header = [str(c) if c is not None else "" for c in next(it, ())]
        if not any(header):
            raise TableError(f"{path.name}: empty first sheet")
        rows = []
        for values in it:
            if values is None or all(v is None for v in values):
                continue
            rows.append({h: ("" if v is None else v) for h, v in zip(header, values)})
    finally:
        book.close()
    return Table(header, rows)


def _read_gpkg(path: Path) -> Table:
    import shapely
    from pyogrio import raw

    meta, _fids, geometry, data = raw.read(str(path))
    fields = list(meta["fields"])
    columns = list(fields)
    points = shapely.from_wkb(geometry) if geometry is not None else None
    if points is not None:
        for name in ("longitude", "latitude"):
            if name not in columns:
                columns.append(name)
    rows = []
    for i in range(len(data[0]) if data else len(points) if points is not None else 0):
        row = {name: ("" if data[j][i] is None else data[j][i]) for j, name in enumerate(fields)}
        if points is not None and points[i] is not None and not shapely.is_empty(points[i]):
            c = shapely.get_coordinates(points[i])[0]
            row.setdefault("longitude", float(c[0]))
            row.setdefault("latitude", float(c[1]))
        rows.append(row)
    return Table(columns, rows)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def write_table(path: Path, columns: Sequence[str], rows: Sequence[dict[str, Any]], layer: str = "units") -> None:
    suffix = _suffix(path)
    if suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(columns)
            w.writerows([_text(r.get(c)) for c in columns] for r in rows)
    elif suffix == ".xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(layer)
        sheet.append(list(columns))
        for r in rows:
            sheet.append([r.get(c) for c in columns])
        book.save(path)
    else:
        _write_gpkg(path, columns, rows, layer)


def _write_gpkg(path: Path, columns: Sequence[str], rows: Sequence[dict[str, Any]], layer: str) -> None:
    import numpy
    import shapely
    from pyogrio import raw

    def number(v: Any) -> float | None:
        try:
            return float(v)
        except (TypeError, ValueError):
            return None

    geoms = []
    for r in rows:
        lon, lat = number(r.get("longitude")), number(r.get("latitude"))
        geoms.append(shapely.to_wkb(shapely.Point(lon, lat)) if lon is not None and lat is not None else None)
    data = []
    for c in columns:
        values = [r.get(c) for r in rows]
        if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            data.append(numpy.array(values, dtype=float if any(isinstance(v, float) for v in values) else "int64"))
        else:
            data.append(numpy.array([_text(v) for v in values], dtype=object))
    path.unlink(missing_ok=True)
    raw.write(
        str(path),
        numpy.array(geoms, dtype=object),
        data,
        fields=list(columns),
        geometry_type="Point",
        crs="EPSG:4326",
        driver="GPKG",
        layer=layer,
    )
