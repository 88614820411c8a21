"""Read IPIS rows from a CSV or GeoJSON file and check each value.

`read_rows` yields (row number, {column: text}); `parse_row` turns one into a `ParsedRow` or
a list of `Problem`s (row, column, value, reason). Row numbers count the header as row 1,
as a spreadsheet shows them; for GeoJSON, row N is feature N-1 (1-based).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from operator import itemgetter
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


NUL_REASON = "a NUL character (0x00): no text may hold one"


def nul_problems(row: int, record: Mapping[str, object]) -> list[Problem]:
    """A problem for each value of a row that holds a NUL character, which no database text may hold
    (PostgreSQL refuses it); the value is reported with the character written as \\x00."""
    return [
        Problem(row, column, value.replace("\x00", "\\x00"), NUL_REASON)
        for column, value in record.items()
        if isinstance(value, str) and "\x00" in value
    ]


# --- sources ---------------------------------------------------------------------------

Progress = Callable[[int, int], None]
# A source yields (row number, [84 texts in IPIS column order]) or (row number, "reason") for
# a row that cannot be split into columns.
Rows = Iterator[tuple[int, "list[str] | str"]]


def read_rows(path: Path, progress: Progress | None = None, warnings: list[str] | None = None) -> Rows:
    """Rows of a CSV (.csv, .txt) or GeoJSON (.geojson, .json) file in the IPIS format."""
    warnings = warnings if warnings is not None else []
    suffix = path.suffix.lower()
    if suffix in (".geojson", ".json"):
        yield from _geojson_rows(path, progress, warnings)
    else:
        yield from _csv_rows(path, progress, warnings)


def _bad_utf8(path: Path) -> Problem:
    """Where a file stops being UTF-8, found by a second, line-by-line pass (error path only)."""
    with path.open("rb") as raw:
        for number, line in enumerate(raw, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                bad = line[exc.start : exc.start + 1].hex()
                return Problem(
                    number,
                    "",
                    "",
                    f"line {number} is not valid UTF-8 (byte 0x{bad} at character "
                    f"{exc.start + 1}); save the file as UTF-8 and try again",
                )
    return Problem(0, "", "", "the file is not valid UTF-8; save it as UTF-8 and try again")


def _csv_rows(path: Path, progress: Progress | None, warnings: list[str]) -> Rows:
    total = path.stat().st_size
    with path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
        reader = csv.reader(text, strict=True)
        try:
            header = next(reader, None)
            if header is None:
                raise FileProblem([Problem(0, "", "", "the file is empty")])
            order = _column_order(header, geojson=False, warnings=warnings)
            width = len(header)
            identity = order == list(range(84)) and width == 84
            record = 1
            for fields in reader:
                record += 1
                if len(fields) != width:
                    if not fields or fields == [""]:
                        continue
                    yield (
                        record,
                        (
                            f"expected {width} fields, found {len(fields)}"
                            + (" (truncated file?)" if len(fields) < width else "")
                        ),
                    )
                    continue
                if progress and record % 2000 == 0:
                    progress(raw.tell(), total)
                yield record, fields if identity else [fields[i] for i in order]
        except csv.Error as exc:
            raise FileProblem(
                [
                    Problem(
                        reader.line_num,
                        "",
                        "",
                        f"malformed CSV near line {reader.line_num}: {exc} (truncated file or unbalanced quotes?)",
                    )
                ]
            ) from None
        except UnicodeDecodeError:
            raise FileProblem([_bad_utf8(path)]) from None
    if progress:
        progress(total, total)


def _column_order(header: list[str], geojson: bool, warnings: list[str]) -> list[int]:
    """For each IPIS column, its index in `header` (-1: absent, allowed for GeoJSON coordinates)."""
    columns = [h.strip().lower() for h in header]
    problems = []
    index: dict[str, int] = {}
    for i, c in enumerate(columns):
        if c in index:
            problems.append(Problem(1, c, "", "column appears twice in the header"))
        index.setdefault(c, i)
    optional = {"geom", "longitude", "latitude"} if geojson else set()
    for c in fmt.COLUMNS:
        if c not in index and c not in optional:
            problems.append(Problem(1, c, "", "missing column (the IPIS format has 84 columns)"))
    if problems:
        raise FileProblem(problems)
    extra = [c for c in columns if c not in fmt.COLUMN_INDEX]
    if extra:
        warnings.append(f"columns not in the IPIS format were ignored: {', '.join(extra)}")
    return [index.get(c, -1) for c in fmt.COLUMNS]


def _geojson_rows(path: Path, progress: Progress | None, warnings: list[str]) -> Rows:
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise FileProblem([Problem(0, "", "", f"the file is not valid UTF-8 (byte offset {exc.start})")]) from None
    except json.JSONDecodeError as exc:
        raise FileProblem(
            [Problem(0, "", "", f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno} (truncated file?)")]
        ) from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise FileProblem([Problem(0, "", "", "not a GeoJSON FeatureCollection")])
    if features:
        props = features[0].get("properties") if isinstance(features[0], dict) else None
        _column_order(list((props or {}).keys()), geojson=True, warnings=warnings)
    total = len(features)
    for index, feature in enumerate(features):
        row = index + 2
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict):
            yield row, "feature has no properties"
            continue
        values = {k.strip().lower(): _text(v) for k, v in props.items()}
        geometry = feature.get("geometry") or {}
        coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if geometry and (geometry.get("type") != "Point" or not isinstance(coords, list) or len(coords) < 2):
            yield row, "geometry must be a Point"
            continue
        if coords:
            values.setdefault("longitude", _text(coords[0]))
            values.setdefault("latitude", _text(coords[1]))
            if "geom" not in values:
                try:
                    values["geom"] = fmt.ewkb_hex(float(coords[0]), float(coords[1]))
                except (TypeError, ValueError, OverflowError):
                    values["geom"] = ""
        if progress and index % 1000 == 0:
            progress(index, total)
        yield row, [values.get(c, "") for c in fmt.COLUMNS]
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
# Hot path: ~100,000 rows a run. Columns are picked with itemgetter (one C call per group)
# and the common values ('', '0', '1', plain numbers) take the shortest way.

_I = fmt.COLUMN_INDEX
_TEXT_COLS = [c for c in fmt.VISIT_COLUMNS if fmt.KINDS[c] in (fmt.TEXT, fmt.ID) and c != "vid"]
_FLAG_COLS = [c for c in fmt.VISIT_COLUMNS if fmt.KINDS[c] == fmt.FLAG]
# The order of ParsedRow.values: what the importer writes to the visit table.
VISIT_VALUE_FIELDS = (
    [fmt.TARGETS[c].field for c in _TEXT_COLS]
    + [fmt.TARGETS[c].field for c in _FLAG_COLS]
    + ["vid", "visit_date", "longitude", "latitude", "workers_numb", "geom_ewkb"]
)
VISIT_TEXT_COUNT = len(_TEXT_COLS)  # the values that are texts: the first ones
assert sorted(VISIT_VALUE_FIELDS) == sorted(fmt.TARGETS[c].field for c in fmt.VISIT_COLUMNS)
_texts_of = itemgetter(*(_I[c] for c in _TEXT_COLS))
_FLAG_IDX = [_I[c] for c in _FLAG_COLS]
_flags_of = itemgetter(*_FLAG_IDX)
_MINERAL_SLOTS = [
    (n, itemgetter(_I[f"mineral{n}"], _I[f"selling_points_mineral{n}"], _I[f"final_destination_mineral{n}"]))
    for n in (1, 2, 3)
]
_GROUP_SLOTS = [
    (
        n,
        itemgetter(_I[f"armed_group{n}"], _I[f"type_armed_group{n}"], _I[f"frequency_armed_group{n}"]),
        [_I[f"{a}_armed_group{n}"] for a in fmt.GROUP_ACTIVITIES],
        itemgetter(*(_I[f"{a}_armed_group{n}"] for a in fmt.GROUP_ACTIVITIES)),
    )
    for n in (1, 2, 3)
]
_FLAG_TEXT = {"": None, "1": True, "0": False}
_PCODE, _DATE, _GEOM, _LON, _LAT, _WORKERS = (
    _I[c] for c in ("pcode", "visit_date", "geom", "longitude", "latitude", "workers_numb")
)
_QUAL, _VID, _PROJECT = _I["qualification"], _I["vid"], _I["project"]
_MISSING = object()
_ONE_DAY = dt.timedelta(days=1)


def visit_keys(vid: str | None, pcode: str, date_iso: str, project: str) -> tuple[str, str]:
    """A visit's import key (vid:<vid>, else its fallback) and its fallback key (pcode, date, project),
    by which an import finds the visit again; a visit a curator makes by hand gets the same (Visit.save)."""
    fallback = f"k:{pcode}|{date_iso}|{project}"
    if len(fallback) > 120:
        fallback = "k:" + hashlib.sha1(fallback.encode()).hexdigest()
    return (f"vid:{vid}" if vid else fallback), fallback


@dataclass(slots=True)
class ParsedRow:
    row: int
    key: str
    fallback_key: str
    pcode: str
    vid: str | None
    visit_date: dt.date
    date_text: str  # the same date as YYYY-MM-DD, which is also how the databases take it
    values: tuple  # in VISIT_VALUE_FIELDS order
    minerals: list[tuple]  # (slot, mineral, selling_points, final_destination)
    groups: list[tuple]  # (slot, name, type, frequency, *activities)
    qualification: str | None  # status code
    texts: list[str]
    row_hash: str


def parse_row(row: int, texts: "list[str] | str", today: dt.date) -> ParsedRow | list[Problem]:
    """Check and convert one row (84 texts in IPIS order); every problem in it is reported, not just the first."""
    if isinstance(texts, str):
        return [Problem(row, "", "", texts)]
    problems: list[Problem] = []

    def bad(index: int, reason: str) -> None:
        problems.append(Problem(row, fmt.COLUMNS[index], texts[index], reason))

    if "\x00" in "".join(texts):
        problems.extend(nul_problems(row, dict(zip(fmt.COLUMNS, texts))))

    def slow_flags(indexes: list[int], values: list) -> list:
        for k, index in enumerate(indexes):
            if values[k] is _MISSING:
                try:
                    values[k] = fmt.read_flag(texts[index]) if texts[index].strip() else None
                except ValueError as exc:
                    bad(index, str(exc))
                    values[k] = None
        return values

    flags = [_FLAG_TEXT.get(t, _MISSING) for t in _flags_of(texts)]
    if _MISSING in flags:
        flags = slow_flags(_FLAG_IDX, flags)

    given_pcode = texts[_PCODE]
    pcode: str | None = given_pcode
    if not fmt.PCODE_RE.match(given_pcode):
        try:
            pcode = fmt.read_pcode(given_pcode) if given_pcode.strip() else None
            if pcode is None:
                bad(_PCODE, "the site pcode is required")
        except ValueError as exc:
            bad(_PCODE, str(exc))
            pcode = None

    date: dt.date | None = None
    t = date_text = texts[_DATE]
    if len(t) == 10 and t[4] == "-" and t[7] == "-" and t[:4].isdigit():
        try:
            date = dt.date.fromisoformat(t)
        except ValueError:
            bad(_DATE, "not a real calendar date")
    elif not t.strip():
        bad(_DATE, "the visit date is required")
    else:
        try:
            date = fmt.read_date(t)
            date_text = date.isoformat()
        except ValueError as exc:
            bad(_DATE, str(exc))
    if date is not None and date > today + _ONE_DAY:
        bad(_DATE, "the date is in the future")

    lon = lat = None
    coordinate_problem = False
    value: float | None
    for index, low, high, what in ((_LON, -180, 180, "longitude"), (_LAT, -90, 90, "latitude")):
        t = texts[index]
        if t:
            try:
                value = float(t)
                if not low <= value <= high:  # NaN fails this too
                    raise ValueError
            except ValueError:
                try:
                    value = fmt.read_float(t, low, high, what) if t.strip() else None
                except ValueError as exc:
                    bad(index, str(exc))
                    coordinate_problem = True
                    continue
            if index == _LON:
                lon = value
            else:
                lat = value
    if (lon is None) != (lat is None) and not coordinate_problem:
        bad(_LON if lon is None else _LAT, "longitude and latitude go together: one is missing")

    workers = None
    t = texts[_WORKERS]
    if t:
        if t.isascii() and t.isdigit():
            workers = int(t)
        elif t.strip():
            try:
                workers = fmt.read_int(t)
            except ValueError as exc:
                bad(_WORKERS, str(exc))

    geom = texts[_GEOM]
    if geom:
        if lon is not None and lat is not None and geom == fmt.ewkb_hex(lon, lat):
            geom = ""  # what longitude/latitude give: not stored
        elif geom.strip():
            try:
                fmt.read_geom(geom)
            except ValueError as exc:
                bad(_GEOM, str(exc))
        else:
            geom = "" if lon is None else "-"
    elif lon is not None:
        geom = "-"  # the row had coordinates but an empty geom: keep it empty on export

    vid = texts[_VID].strip()
    if len(vid) > 40:
        bad(_VID, "a vid is at most 40 characters")
    qualification = None
    qtext = texts[_QUAL]
    if qtext:
        qualification = qualification_code(qtext)
        if qualification is None and qtext.strip():
            bad(_QUAL, "unknown qualification: expected Vert, Jaune, Rouge, Bleu or No class")

    minerals = []
    for n, get in _MINERAL_SLOTS:
        m = get(texts)
        if any(m):
            minerals.append((n, *m))
    groups = []
    for n, get, act_idx, acts_of in _GROUP_SLOTS:
        g = get(texts)
        acts = acts_of(texts)
        if any(g) or any(acts):
            act_values = [_FLAG_TEXT.get(a, _MISSING) for a in acts]
            if _MISSING in act_values:
                act_values = slow_flags(act_idx, act_values)
            groups.append((n, *g, *act_values))
    if problems or pcode is None or date is None:  # a missing pcode or date is always among the problems
        return problems

    key, fallback = visit_keys(vid, pcode, date.isoformat(), texts[_PROJECT])
    return ParsedRow(
        row=row,
        key=key,
        fallback_key=fallback,
        pcode=pcode,
        vid=vid or None,
        visit_date=date,
        date_text=date_text,
        values=(*_texts_of(texts), *flags, vid or None, date_text, lon, lat, workers, geom),
        minerals=minerals,
        groups=groups,
        qualification=qualification,
        texts=texts,
        row_hash=hashlib.blake2b("\x1f".join(texts).encode(), digest_size=16).hexdigest(),
    )
