"""Read IPIS rows from a CSV or GeoJSON file and check each value.

`read_rows` yields (row number, {column: text}); `parse_row` turns one into a `ParsedRow` or
a list of `Problem`s (row, column, value, reason). Row numbers count the header as row 1,
as a spreadsheet shows them; for GeoJSON, row N is feature N-1 (1-based).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ramani.sites import ipis_format as fmt
from ramani.sites.vocabularies import qualification_code

csv.field_size_limit(10 * 1024 * 1024)


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        col = f", column {self.column}" if self.column else ""
        val = f", value {shorten(self.value)!r}" if self.value else ""
        return f"{where}{col}{val}: {self.reason}"


def shorten(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class FileProblem(Exception):
    """The file as a whole cannot be read (encoding, header, structure)."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class ParsedRow:
    row: int
    key: str
    fallback_key: str
    pcode: str
    visit: dict  # visit field -> python value
    minerals: list[tuple]  # (slot, mineral, selling_points, final_destination)
    groups: list[tuple]  # (slot, name, type, frequency, *activities)
    qualification: str | None  # status code
    terms: list[tuple[str, str]] = field(default_factory=list)  # (vocabulary, value) seen
    row_hash: str = ""


# --- sources ---------------------------------------------------------------------------

Progress = Callable[[int, int], None]


def read_rows(path: Path, progress: Progress | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a CSV (.csv, .txt) or GeoJSON (.geojson, .json) file in the IPIS format."""
    suffix = path.suffix.lower()
    if suffix in (".geojson", ".json"):
        yield from _geojson_rows(path, progress)
    else:
        yield from _csv_rows(path, progress)


def _decoded_lines(raw) -> Iterator[str]:
    """Lines of a binary file decoded as UTF-8 one by one, so that a bad byte is reported at its line."""
    for number, line in enumerate(raw, start=1):
        if number == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad = line[exc.start:exc.start + 1].hex()
            raise FileProblem([Problem(number, "", "", f"line {number} is not valid UTF-8 (byte 0x{bad} at "
                                       f"character {exc.start + 1}); save the file as UTF-8 and try again")]) from None


def _csv_rows(path: Path, progress: Progress | None) -> Iterator[tuple[int, dict[str, str]]]:
    total = path.stat().st_size
    with path.open("rb") as raw:
        reader = csv.reader(_decoded_lines(raw), strict=True)
        try:
            header = next(reader, None)
            if header is None:
                raise FileProblem([Problem(0, "", "", "the file is empty")])
            columns = _check_header(header, geojson=False)
            width = len(header)
            record = 1
            for fields in reader:
                record += 1
                if not fields or fields == [""]:
                    continue
                if len(fields) != width:
                    yield record, {"__width__": f"expected {width} fields, found {len(fields)}"
                                   + (" (truncated file?)" if len(fields) < width else "")}
                    continue
                if progress and record % 1000 == 0:
                    progress(raw.tell(), total)
                yield record, dict(zip(columns, fields))
        except csv.Error as exc:
            raise FileProblem([Problem(reader.line_num, "", "", f"malformed CSV near line {reader.line_num}: {exc}"
                                       " (truncated file or unbalanced quotes?)")]) from None
    if progress:
        progress(total, total)


def _check_header(header: list[str], geojson: bool) -> list[str]:
    columns = [h.strip().lower() for h in header]
    problems = []
    seen = set()
    for c in columns:
        if c in seen:
            problems.append(Problem(1, c, "", "column appears twice in the header"))
        seen.add(c)
    optional = {"geom", "longitude", "latitude"} if geojson else set()
    for c in fmt.COLUMNS:
        if c not in seen and c not in optional:
            problems.append(Problem(1, c, "", "missing column (the IPIS format has 84 columns)"))
    if problems:
        raise FileProblem(problems)
    return columns


def _geojson_rows(path: Path, progress: Progress | None) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise FileProblem([Problem(0, "", "", f"the file is not valid UTF-8 (byte offset {exc.start})")]) from None
    except json.JSONDecodeError as exc:
        raise FileProblem([Problem(0, "", "", f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
                                   " (truncated file?)")]) from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise FileProblem([Problem(0, "", "", "not a GeoJSON FeatureCollection")])
    if features:
        props = features[0].get("properties") if isinstance(features[0], dict) else None
        _check_header(list((props or {}).keys()), geojson=True)
    total = len(features)
    for index, feature in enumerate(features):
        row = index + 2
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict):
            yield row, {"__width__": "feature has no properties"}
            continue
        values = {k.strip().lower(): _text(v) for k, v in props.items()}
        geometry = feature.get("geometry") or {}
        coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if geometry and (geometry.get("type") != "Point" or not isinstance(coords, list) or len(coords) < 2):
            yield row, {"__width__": "geometry must be a Point"}
            continue
        if coords:
            values.setdefault("longitude", _text(coords[0]))
            values.setdefault("latitude", _text(coords[1]))
            if "geom" not in values:
                try:
                    values["geom"] = fmt.ewkb_hex(float(coords[0]), float(coords[1]))
                except (TypeError, ValueError):
                    values["geom"] = ""
        for c in ("geom", "longitude", "latitude"):
            values.setdefault(c, "")
        if progress and index % 1000 == 0:
            progress(index, total)
        yield row, values
    if progress:
        progress(total, total)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return repr(value)
    return str(value)


# --- one row -----------------------------------------------------------------------------

_TEXT_FIELDS = [(c, fmt.TARGETS[c]) for c in fmt.COLUMNS if fmt.KINDS[c] in (fmt.TEXT, fmt.ID)]


def parse_row(row: int, values: dict[str, str], today: dt.date) -> ParsedRow | list[Problem]:
    """Check and convert one row; every problem in it is reported, not just the first."""
    if "__width__" in values:
        return [Problem(row, "", "", values["__width__"])]
    problems: list[Problem] = []
    visit: dict = {}
    minerals: dict[int, dict] = {}
    groups: dict[int, dict] = {}

    def bad(column: str, reason: str) -> None:
        problems.append(Problem(row, column, values.get(column, ""), reason))

    def put(column: str, value) -> None:
        t = fmt.TARGETS[column]
        if t.table == "visit":
            visit[t.field] = value
        else:
            (minerals if t.table == "mineral" else groups).setdefault(t.slot, {})[t.field] = value

    for column in fmt.COLUMNS:
        text = values.get(column, "")
        kind = fmt.KINDS[column]
        if kind in (fmt.TEXT, fmt.ID):
            put(column, text)
            continue
        if text.strip() == "":
            put(column, None)
            continue
        try:
            if kind == fmt.FLAG:
                put(column, fmt.read_flag(text))
            elif kind == fmt.INT:
                put(column, fmt.read_int(text))
            elif kind == fmt.FLOAT:
                if column == "longitude":
                    put(column, fmt.read_float(text, -180, 180, "longitude"))
                else:
                    put(column, fmt.read_float(text, -90, 90, "latitude"))
            elif kind == fmt.DATE:
                put(column, fmt.read_date(text))
            elif kind == fmt.PCODE:
                put(column, fmt.read_pcode(text))
            elif kind == fmt.GEOM:
                fmt.read_geom(text)
                put(column, text)
        except ValueError as exc:
            bad(column, str(exc))

    pcode = visit.pop("pcode", None)
    if pcode is None and not any(p.column == "pcode" for p in problems):
        bad("pcode", "the site pcode is required")
    date = visit.get("visit_date")
    if date is None and not any(p.column == "visit_date" for p in problems):
        bad("visit_date", "the visit date is required")
    elif date is not None and date > today + dt.timedelta(days=1):
        bad("visit_date", "the date is in the future")
    lon, lat = visit.get("longitude"), visit.get("latitude")
    if (lon is None) != (lat is None) and not any(p.column in ("longitude", "latitude") for p in problems):
        bad("longitude" if lon is None else "latitude", "longitude and latitude go together: one is missing")
    if len(visit["vid"]) > 40:
        bad("vid", "a vid is at most 40 characters")

    qualification = None
    qtext = visit["qualification"].strip()
    if qtext:
        qualification = qualification_code(qtext)
        if qualification is None:
            bad("qualification", "unknown qualification: expected Vert, Jaune, Rouge, Bleu or No class")
    if problems:
        return problems

    geom = visit.pop("geom_ewkb") or ""
    if lon is not None and geom == fmt.ewkb_hex(lon, lat):
        geom = ""
    elif lon is not None and not geom:
        geom = "-"  # the row had coordinates but an empty geom: keep it empty on export
    visit["geom_ewkb"] = geom

    terms = []
    for column, vocabulary in fmt.VOCABULARY_OF.items():
        text = values.get(column, "").strip()
        if text:
            terms.append((vocabulary, text))
    for column, vocabulary in fmt.LIST_VOCABULARY_OF.items():
        for item in values.get(column, "").split(","):
            if item.strip():
                terms.append((vocabulary, item.strip()))

    vid = visit["vid"].strip()
    visit["vid"] = vid or None
    fallback = f"k:{pcode}|{date.isoformat()}|{visit['project']}"
    if len(fallback) > 120:
        fallback = "k:" + hashlib.sha1(fallback.encode()).hexdigest()
    digest = hashlib.blake2b("\x1f".join(values.get(c, "") for c in fmt.COLUMNS).encode(), digest_size=16)
    return ParsedRow(
        row=row,
        key=f"vid:{vid}" if vid else fallback,
        fallback_key=fallback,
        pcode=pcode,
        visit=visit,
        minerals=[(slot, *(m.get(f, "") for f in fmt.MINERAL_FIELDS))
                  for slot, m in sorted(minerals.items()) if any(m.values())],
        groups=[(slot, *(g.get(f) if f in fmt.GROUP_ACTIVITIES else g.get(f, "") for f in fmt.GROUP_FIELDS))
                for slot, g in sorted(groups.items()) if any(v not in (None, "") for v in g.values())],
        qualification=qualification,
        terms=terms,
        row_hash=digest.hexdigest(),
    )
