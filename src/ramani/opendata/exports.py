"""Downloads of every collection, honouring the API filters, with bounded memory: CSV and
GeoJSON are streamed as they are read; GeoPackage, FlatGeobuf and XLSX are written to a
temporary file chunk by chunk (appending), then streamed. Each carries licence and attribution.

Every text cell of a spreadsheet-like download (CSV, the IPIS CSV, XLSX) goes through `neutralise`, so that an
imported name such as `=HYPERLINK(...)` is never run as a formula. The IPIS CLI export (`ramani export`) is left
byte-exact for round trips: only this public web download is neutralised.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy
import shapely

from ramani.opendata import features, query, rows
from ramani.opendata.ogcapi import ATTRIBUTION, LICENCE
from ramani.sites import ipis_export
from ramani.sites.models import Visit

CHUNK = 2000
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
    "fgb": "application/flatgeobuf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
COLLECTIONS = ("sites", "visits", "ipis")
LICENCE_TEXT = f"Licence: {LICENCE} (https://opendatacommons.org/licenses/by/1-0/). Attribution: {ATTRIBUTION}"


class ExportError(ValueError):
    pass


# OWASP "CSV injection": a cell starting with one of these is read as a formula by Excel or LibreOffice
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_PLAIN_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?", re.ASCII)
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # control characters XML cannot hold


def formula_like(value) -> bool:
    """Text a spreadsheet would take for a formula (text that is a plain number, like -3.5, is not)."""
    return isinstance(value, str) and value.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value)


def neutralise(value, sheet=None):
    """The one guard of every spreadsheet-like download. For CSV (no `sheet`): formula-like text gets a leading
    apostrophe. For XLSX (`sheet`, a write-only worksheet): text is always a text cell, never a formula; formula-like
    text keeps its value and carries Excel's quote prefix; control characters that XLSX cannot hold are dropped.
    Anything that is not text (numbers, booleans, dates, None) is returned as it is."""
    if not isinstance(value, str):
        return value
    if sheet is None:
        return "'" + value if formula_like(value) else value
    text = _XLSX_ILLEGAL.sub("", value)
    if not formula_like(text):
        return text  # openpyxl writes it as a text cell (only text starting with "=" becomes a formula)
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, text)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def _queryset(collection: str, params: dict[str, str]):
    if collection == "sites":
        return query.filter_sites(params)
    return query.filter_visits(params)


def property_names(collection: str) -> list[str]:
    return features.SITE_PROPERTIES if collection == "sites" else features.VISIT_PROPERTIES


def iter_features(collection: str, params: dict[str, str]) -> Iterator[list[dict]]:
    """Chunks of features (keyset pagination on id: constant memory, no deep OFFSET)."""
    qs = _queryset(collection, params).order_by("id")
    last = 0
    while True:
        page = (
            list(qs.filter(id__gt=last)[:CHUNK])
            if collection == "sites"
            else list(qs.filter(id__gt=last).values_list("id", flat=True)[:CHUNK])
        )
        if not page:
            return
        if collection == "sites":
            last = page[-1].id
            yield features.site_features(page)
        else:
            last = page[-1]
            yield features.visit_features(Visit.objects.filter(id__in=page).order_by("id"))


def _text(value) -> str:
    if value is None:
        return ""
    if value is True:
        return "1"
    if value is False:
        return "0"
    return str(value)


_NUMBER_SQL = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"  # _PLAIN_NUMBER, as a PostgreSQL regex


def _csv_sql(column: str, kind: str) -> str:
    """A visit column as the CSV download writes it, in PostgreSQL: what `neutralise` and `_text` do in Python."""
    e = rows.visit_expr(column)
    if kind == "text":
        # every character that starts a formula sorts before "A", byte-wise: a cheap test spares most regexes
        formula = f"{e} COLLATE \"C\" < 'A' AND {e} ~ '^[-=+@\\t\\r\\n]' AND {e} !~ '{_NUMBER_SQL}'"
        return f"CASE WHEN {formula} THEN '''' || {e} ELSE NULLIF({e}, '') END"
    if kind == "flag":
        return f"{e}::int"
    if kind == "date":
        return f"to_char({e}, 'YYYY-MM-DD')"
    return e


def _copy_visits_csv(params: dict[str, str]) -> Iterator[str]:
    """The visits CSV by PostgreSQL's own COPY: the bytes the Python writer gives, at the database's speed."""
    from django.db import connection

    kinds = features.VISIT_KINDS
    columns = [_csv_sql(c, kinds[c]) for c in features.VISIT_PROPERTIES]
    located = "v.longitude IS NOT NULL AND v.latitude IS NOT NULL"
    columns += [f"CASE WHEN {located} THEN v.longitude END", f"CASE WHEN {located} THEN v.latitude END"]
    sql = (
        f"COPY (SELECT {', '.join(columns)}, %s, %s FROM sites_visit v JOIN sites_site s ON s.id = v.site_id"
        f"{rows.SLOT_JOINS}"
    )
    args: list = [neutralise(LICENCE), neutralise(ATTRIBUTION)]
    if params:
        page, page_args = query.filter_visits(params).values("id").query.sql_with_params()
        sql += f" WHERE v.id IN ({page})"
        args += page_args
    sql += " ORDER BY v.id) TO STDOUT WITH (FORMAT csv)"
    batch: list[bytes] = []
    size = 0
    with connection.cursor() as cur, cur.copy(sql, args) as copy:
        for data in copy:  # a row at a time (whole rows: no character is cut), sent ~256 kB at a time
            batch.append(bytes(data))
            size += len(data)
            if size >= 262_144:
                yield b"".join(batch).decode()
                batch, size = [], 0
    if batch:
        yield b"".join(batch).decode()


def _postgresql() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def stream_csv(collection: str, params: dict[str, str]) -> Iterator[str]:
    if collection == "ipis":
        qs = query.filter_visits(params)
        buffer = io.StringIO()
        rows = ipis_export.iter_rows(qs)
        ipis_export.write_csv(iter(()), buffer)
        yield buffer.getvalue()  # header
        kinds = [ipis_export.fmt.KINDS[c] for c in ipis_export.fmt.COLUMNS]
        lines = []
        for row in rows:
            lines.append(",".join(ipis_export.fmt.format_value(k, neutralise(v)) for k, v in zip(kinds, row)))
            if len(lines) >= CHUNK:
                yield "\n".join(lines) + "\n"
                lines = []
        if lines:
            yield "\n".join(lines) + "\n"
        return
    names = property_names(collection)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*names, "longitude_wgs84", "latitude_wgs84", "licence", "attribution"])
    if collection == "visits" and _postgresql():
        yield buffer.getvalue()
        yield from _copy_visits_csv(params)
        return
    for chunk in iter_features(collection, params):
        for f in chunk:
            coords = f["geometry"]["coordinates"] if f["geometry"] else (None, None)
            writer.writerow(
                [_text(neutralise(f["properties"].get(n))) for n in names]
                + [_text(coords[0]), _text(coords[1]), LICENCE, ATTRIBUTION]
            )
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def stream_geojson(collection: str, params: dict[str, str]) -> Iterator[str]:
    if collection == "ipis":
        buffer = io.StringIO()
        ipis_export.write_geojson(ipis_export.iter_rows(query.filter_visits(params)), buffer)
        yield buffer.getvalue()
        return
    yield (
        json.dumps({"type": "FeatureCollection", "name": collection, "licence": LICENCE, "attribution": ATTRIBUTION})[
            :-1
        ]
        + ', "features": [\n'
    )
    first = True
    for chunk in iter_features(collection, params):
        parts = [json.dumps(f, ensure_ascii=False) for f in chunk]
        yield ("" if first else ",\n") + ",\n".join(parts)
        first = False
    yield "\n]}\n"


def property_kinds(collection: str) -> dict[str, str]:
    return features.SITE_KINDS if collection == "sites" else features.VISIT_KINDS


def _typed(values: list, kind: str) -> tuple[numpy.ndarray, numpy.ndarray | None]:
    """One field of a chunk as GDAL should type it, and the mask of its missing values (None when it needs none):
    numbers as numbers, flags as 0/1 integers, dates as dates, text as text."""
    if kind == "text":
        return numpy.array([None if v is None else _text(v) for v in values], dtype=object), None
    if kind == "date":
        return numpy.array(["NaT" if v is None else v for v in values], dtype="datetime64[D]"), None
    missing = numpy.array([v is None for v in values], dtype=bool)
    if kind == "float":
        return numpy.array([numpy.nan if v is None else v for v in values], dtype=numpy.float64), None
    return numpy.array([0 if v is None else int(v) for v in values], dtype=numpy.int64), missing


def _columns(chunk: list[dict], names: list[str], kinds: dict[str, str]):
    geoms = numpy.array(
        [shapely.to_wkb(shapely.Point(f["geometry"]["coordinates"])) if f["geometry"] else None for f in chunk],
        dtype=object,
    )
    typed = [_typed([f["properties"].get(n) for f in chunk], kinds[n]) for n in names]
    return geoms, [data for data, _ in typed], [mask for _, mask in typed]


def write_file(collection: str, fmt: str, params: dict[str, str], folder: Path) -> Path:
    """Write a GeoPackage, FlatGeobuf or XLSX of the collection into `folder`; returns its path."""
    if collection == "ipis":
        raise ExportError("the IPIS format is published as csv or geojson")
    names = property_names(collection)
    path = folder / f"ramani-{collection}.{fmt}"
    if fmt == "xlsx":
        return _write_xlsx(collection, params, names, path)
    from pyogrio import raw

    driver = {"gpkg": "GPKG", "fgb": "FlatGeobuf"}[fmt]
    options = (
        {"dataset_metadata": {"licence": LICENCE, "attribution": ATTRIBUTION}}
        if fmt == "gpkg"
        else {"layer_options": {"TITLE": f"Ramani {collection}", "DESCRIPTION": LICENCE_TEXT}}
    )
    written = False
    kinds = property_kinds(collection)
    for chunk in iter_features(collection, params):
        geoms, data, masks = _columns(chunk, names, kinds)
        raw.write(
            str(path),
            geoms,
            data,
            fields=names,
            field_mask=masks,
            geometry_type="Point",
            crs="EPSG:4326",
            driver=driver,
            layer=collection,
            append=written,
            **({} if written else options),
        )
        written = True
    if not written:  # an empty selection still gives a valid, empty file
        geoms, data, masks = _columns([], names, kinds)
        raw.write(
            str(path),
            geoms,
            data,
            field_mask=masks,
            fields=names,
            geometry_type="Point",
            crs="EPSG:4326",
            driver=driver,
            layer=collection,
            **options,
        )
    return path


def _write_xlsx(collection: str, params: dict[str, str], names: list[str], path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    book.properties.title = f"Ramani {collection}"
    book.properties.description = LICENCE_TEXT
    sheet = book.create_sheet(collection)
    sheet.append([*names, "longitude_wgs84", "latitude_wgs84"])
    for chunk in iter_features(collection, params):
        for f in chunk:
            coords = f["geometry"]["coordinates"] if f["geometry"] else (None, None)
            sheet.append([neutralise(f["properties"].get(n), sheet) for n in names] + list(coords))
    about = book.create_sheet("licence")
    about.append(["licence", LICENCE])
    about.append(["attribution", ATTRIBUTION])
    book.save(path)
    return path


def open_file(collection: str, fmt: str, params: dict[str, str]):
    """An open binary file of the export whose name is already unlinked (freed when closed)."""
    folder = Path(tempfile.mkdtemp(prefix="ramani-export-"))
    try:
        path = write_file(collection, fmt, params, folder)
        handle = path.open("rb")
        return handle, path.name
    finally:
        for p in folder.iterdir():
            os.unlink(p)
        folder.rmdir()
