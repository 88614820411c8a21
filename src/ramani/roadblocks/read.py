"""Read roadblock records from CSV, XLSX, GeoJSON or the webmap API's JSON (`{"result": [...]}`).

`read_records` yields (row, {column: text}) with column names as in formats.COLUMNS (the API's
short keys and a few aliases are renamed). Rows count the header as row 1, as a spreadsheet shows
them; in JSON, row N is item N-1 of the list (1-based), as for the IPIS GeoJSON.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path

from ramani.roadblocks.formats import COLUMNS, DERIVED, column_of
from ramani.sites.ipis_read import FileProblem, Problem

Records = Iterator[tuple[int, dict[str, str]]]
SUFFIXES = (".csv", ".txt", ".xlsx", ".geojson", ".json")


def read_records(path: Path, warnings: list[str]) -> Records:
    suffix = path.suffix.lower()
    if suffix in (".geojson", ".json"):
        return _json_records(path, warnings)
    if suffix == ".xlsx":
        return _xlsx_records(path, warnings)
    if suffix in (".csv", ".txt"):
        return _csv_records(path, warnings)
    raise FileProblem(
        [Problem(0, "", "", f"cannot read {suffix or 'a file without suffix'}: expected {', '.join(SUFFIXES)}")]
    )


def _header(header: list[str], warnings: list[str], geometry: bool = False) -> list[str]:
    names = [column_of(str(h or "")) for h in header]
    problems = []
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            problems.append(Problem(1, name, "", "column appears twice in the header"))
        seen.add(name)
    if not geometry:
        for needed in ("latitude", "longitude"):
            if needed not in seen:
                problems.append(Problem(1, needed, "", "missing column (latitude and longitude are required)"))
    if problems:
        raise FileProblem(problems)
    extra = [n for n in names if n and n not in COLUMNS and n not in DERIVED]
    if extra:
        warnings.append(f"columns not in the roadblock table were ignored: {', '.join(extra)}")
    return names


def _csv_records(path: Path, warnings: list[str]) -> Records:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(
            [
                Problem(
                    0, "", "", f"the file is not valid UTF-8 (byte offset {exc.start}); save it as UTF-8 and try again"
                )
            ]
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise FileProblem(
            [Problem(reader.line_num, "", "", f"malformed CSV near line {reader.line_num}: {exc}")]
        ) from None
    if not rows:
        raise FileProblem([Problem(0, "", "", "the file is empty")])
    names = _header(rows[0], warnings)
    return _records(names, rows[1:])


def _records(names: list[str], rows: list[list]) -> Records:
    for number, fields in enumerate(rows, start=2):
        if not any(str(f).strip() for f in fields if f is not None):
            continue
        if len(fields) > len(names) and any(str(f).strip() for f in fields[len(names) :] if f is not None):
            yield number, {"": f"expected {len(names)} fields, found {len(fields)}"}
            continue
        yield number, {n: _text(v) for n, v in zip(names, fields) if n}


def _xlsx_records(path: Path, warnings: list[str]) -> Records:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl errors alike
        raise FileProblem([Problem(0, "", "", f"not a readable XLSX workbook ({type(exc).__name__})")]) from None
    try:
        sheet = book.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    if not rows:
        raise FileProblem([Problem(0, "", "", "the first sheet is empty")])
    names = _header(rows[0], warnings)
    return _records(names, rows[1:])


def _json_records(path: Path, warnings: list[str]) -> Records:
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise FileProblem([Problem(0, "", "", f"the file is not valid UTF-8 (byte offset {exc.start})")]) from None
    except json.JSONDecodeError as exc:
        raise FileProblem(
            [Problem(0, "", "", f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")]
        ) from None
    if isinstance(data, dict) and isinstance(data.get("result"), list):
        return _api_records(data["result"], warnings)
    if isinstance(data, dict) and isinstance(data.get("features"), list):
        return _feature_records(data["features"], warnings)
    raise FileProblem(
        [Problem(0, "", "", 'expected a GeoJSON FeatureCollection or the webmap API\'s {"result": [...]}')]
    )


def _api_records(items: list, warnings: list[str]) -> Records:
    keys = sorted({k for item in items if isinstance(item, dict) for k in item})
    names = dict(zip(keys, _header(keys, warnings, geometry=True)))
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            yield index + 2, {"": "an item of result is not an object"}
            continue
        yield index + 2, {names[k]: _text(v) for k, v in item.items() if names[k]}


def _feature_records(features: list, warnings: list[str]) -> Records:
    keys = sorted({k for f in features if isinstance(f, dict) for k in (f.get("properties") or {})})
    names = dict(zip(keys, _header(keys, warnings, geometry=True)))
    for index, feature in enumerate(features):
        row = index + 2
        props = feature.get("properties") if isinstance(feature, dict) else None
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if not isinstance(props, dict):
            props = {}
        record = {names[k]: _text(v) for k, v in props.items() if names[k]}
        if geometry:
            coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
            if geometry.get("type") != "Point" or not isinstance(coords, list) or len(coords) < 2:
                yield row, {"": "geometry must be a Point"}
                continue
            record["longitude"], record["latitude"] = _text(coords[0]), _text(coords[1])
        yield row, record


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value)) if abs(value) >= 1e6 else repr(value)
    return str(value)
