"""Read supply-chain rows from CSV (geometry as WKT in a `wkt` column), GeoJSON or GeoPackage.

`read_rows` yields (row, {column: text}, geometry) where geometry is a shapely geometry (WGS84), None when
the row has none, or the reason it could not be read. Rows count the header as row 1, as a spreadsheet shows
them; in GeoJSON and GeoPackage, row N is feature N-1 (1-based), as for the IPIS GeoJSON.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path

import shapely

from ramani.sites.ipis_read import FileProblem, Problem
from ramani.supplychain.formats import WKT, Layer, column_of

Rows = Iterator[tuple[int, dict[str, str], object]]
SUFFIXES = (".csv", ".geojson", ".json", ".gpkg")
WGS84 = ("EPSG:4326", "OGC:CRS84", "EPSG:4979")


def read_rows(layer: Layer, path: Path, warnings: list[str]) -> Rows:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_rows(layer, path, warnings)
    if suffix in (".geojson", ".json"):
        return _geojson_rows(layer, path, warnings)
    if suffix == ".gpkg":
        return _gpkg_rows(layer, path, warnings)
    raise FileProblem(
        [Problem(0, "", "", f"cannot read {suffix or 'a file without suffix'}: expected {', '.join(SUFFIXES)}")]
    )


def _names(layer: Layer, header: list[str], warnings: list[str], geometry_column: bool) -> list[str]:
    names = [column_of(str(h or "")) for h in header]
    problems = []
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            problems.append(Problem(1, name, "", "column appears twice in the header"))
        seen.add(name)
    if geometry_column and WKT not in seen:
        problems.append(Problem(1, WKT, "", "missing column: a CSV gives the geometry as WKT in a `wkt` column"))
    if problems:
        raise FileProblem(problems)
    extra = [n for n in names if n and n not in layer.columns and n not in layer.derived and n != WKT]
    if extra:
        warnings.append(f"columns not in the {layer.name} table were ignored: {', '.join(extra)}")
    return names


def _csv_rows(layer: Layer, path: Path, warnings: list[str]) -> Rows:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(
            [Problem(0, "", "", f"the file is not valid UTF-8 (byte offset {exc.start}); save it as UTF-8")]
        ) from None
    csv.field_size_limit(10_000_000)  # a zone's WKT is long
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise FileProblem(
            [Problem(reader.line_num, "", "", f"malformed CSV near line {reader.line_num}: {exc}")]
        ) from None
    if not rows:
        raise FileProblem([Problem(0, "", "", "the file is empty")])
    names = _names(layer, rows[0], warnings, geometry_column=True)
    for number, fields in enumerate(rows[1:], start=2):
        if not any(f.strip() for f in fields):
            continue
        if len(fields) > len(names) and any(f.strip() for f in fields[len(names) :]):
            yield number, {"": f"expected {len(names)} fields, found {len(fields)}"}, None
            continue
        record = {n: v for n, v in zip(names, fields) if n}
        wkt = record.get(WKT, "").strip()
        geometry: object = None
        if wkt:
            try:
                geometry = shapely.from_wkt(wkt)
            except shapely.errors.GEOSException as exc:
                geometry = f"not readable WKT ({str(exc).split(':')[-1].strip() or exc})"
        yield number, record, geometry


def _geojson_rows(layer: Layer, path: Path, warnings: list[str]) -> Rows:
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise FileProblem([Problem(0, "", "", f"the file is not valid UTF-8 (byte offset {exc.start})")]) from None
    except json.JSONDecodeError as exc:
        raise FileProblem(
            [Problem(0, "", "", f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")]
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise FileProblem([Problem(0, "", "", "expected a GeoJSON FeatureCollection")])
    features = data["features"]
    keys = sorted({k for f in features if isinstance(f, dict) for k in (f.get("properties") or {})})
    names = dict(zip(keys, _names(layer, keys, warnings, geometry_column=False)))
    for index, feature in enumerate(features):
        row = index + 2
        if not isinstance(feature, dict):
            yield row, {"": "a feature is not an object"}, None
            continue
        props = feature.get("properties")
        if not isinstance(props, dict):
            props = {}
        record = {names[k]: _text(v) for k, v in props.items() if names[k]}
        if "key" not in record and isinstance(feature.get("id"), (str, int)):
            record["key"] = str(feature["id"])
        raw = feature.get("geometry")
        geometry: object = None
        if raw is not None:
            try:
                geometry = shapely.from_geojson(json.dumps(raw))
            except (shapely.errors.GEOSException, TypeError, ValueError) as exc:
                geometry = f"not a readable GeoJSON geometry ({exc})"
        yield row, record, geometry


def _gpkg_rows(layer: Layer, path: Path, warnings: list[str]) -> Rows:
    from pyogrio import raw

    try:
        meta, _fids, geometries, data = raw.read(str(path))
    except Exception as exc:  # pyogrio's several DataSourceError kinds
        raise FileProblem([Problem(0, "", "", f"GDAL cannot read it as a vector layer ({exc})")]) from None
    fields = [str(f) for f in meta["fields"]]
    names = _names(layer, fields, warnings, geometry_column=False)
    crs = (meta.get("crs") or "").upper()
    to_wgs84 = None
    if crs and crs not in WGS84:
        from pyproj import Transformer

        to_wgs84 = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    for index, wkb in enumerate(geometries):
        record = {n: _text(column[index]) for n, column in zip(names, data) if n}
        geometry = shapely.from_wkb(wkb) if wkb is not None else None
        if geometry is not None and to_wgs84 is not None:
            geometry = shapely.transform(geometry, to_wgs84.transform, interleaved=False)
        yield index + 2, record, geometry


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        value = value.item()
        if isinstance(value, bool):
            return "1" if value else "0"
    if isinstance(value, float) and value != value:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)
