"""The IPIS open-data table `cod_mines_curated_all_opendata_p_ipis`: its 84 columns, how each
is read from text and written back.

Pure functions only: no database. Reading returns python values or raises `ValueError`
with the reason a person needs; writing gives the text IPIS publishes (text double-quoted,
numbers and flags bare, empty for missing).
"""

from __future__ import annotations

import math
import re
import struct
from dataclasses import dataclass

GROUP_ACTIVITIES = (
    "taxation",
    "commerce_taxation",
    "entrance_taxation",
    "monopoly",
    "buying_minerals",
    "digging",
    "forced_labour",
    "pillaging",
    "pit_ownership",
)


def _columns() -> list[str]:
    cols = (
        "vid cid id source project pcode name visit_date visit_onsite visit_onsite_novisitreason "
        "geom longitude latitude location_origin province province_old territoire collectivite "
        "groupement village workers_numb access_dry access_wet is_3t_mine is_gold_mine"
    ).split()
    for n in (1, 2, 3):
        cols += [f"mineral{n}", f"selling_points_mineral{n}", f"final_destination_mineral{n}"]
    cols += ["mercury", "presence", "interference"]
    for n in (1, 2, 3):
        cols += [f"armed_group{n}", f"type_armed_group{n}", f"frequency_armed_group{n}"]
        cols += [f"{a}_armed_group{n}" for a in GROUP_ACTIVITIES]
    cols += [
        "mechanisation",
        "state_service1",
        "state_service2",
        "state_service3",
        "state_service4",
        "traceability",
        "qualification",
        "childunder15",
        "childunder15work",
        "women",
        "womenwork",
    ]
    return cols


COLUMNS: list[str] = _columns()
assert len(COLUMNS) == 84, len(COLUMNS)
COLUMN_INDEX = {c: i for i, c in enumerate(COLUMNS)}

PCODE_RE = re.compile(r"^codmine\d{5}$")
DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
INT_RE = re.compile(r"^[+-]?\d+$")

# Kinds of column: how a value is read and written.
ID, TEXT, PCODE, DATE, FLAG, FLOAT, INT, GEOM = "id", "text", "pcode", "date", "flag", "float", "int", "geom"

FLAG_COLUMNS = {
    "visit_onsite",
    "is_3t_mine",
    "is_gold_mine",
    "mercury",
    "presence",
    "interference",
    "childunder15",
    "women",
} | {f"{a}_armed_group{n}" for a in GROUP_ACTIVITIES for n in (1, 2, 3)}
KINDS: dict[str, str] = {c: TEXT for c in COLUMNS}
KINDS.update({c: FLAG for c in FLAG_COLUMNS})
KINDS.update(
    {
        "vid": ID,
        "cid": ID,
        "id": ID,
        "pcode": PCODE,
        "visit_date": DATE,
        "geom": GEOM,
        "longitude": FLOAT,
        "latitude": FLOAT,
        "workers_numb": INT,
    }
)

# Column -> vocabulary its values belong to (for lists: each item).
VOCABULARY_OF: dict[str, str] = {
    "source": "source",
    "project": "project",
    "location_origin": "location_origin",
    "access_dry": "access",
    "access_wet": "access",
    "mechanisation": "mechanisation",
    "qualification": "qualification",
}
for _n in (1, 2, 3):
    VOCABULARY_OF[f"mineral{_n}"] = "mineral"
    VOCABULARY_OF[f"type_armed_group{_n}"] = "armed_group_type"
    VOCABULARY_OF[f"frequency_armed_group{_n}"] = "frequency"
for _n in (1, 2, 3, 4):
    VOCABULARY_OF[f"state_service{_n}"] = "state_service"
LIST_VOCABULARY_OF = {"childunder15work": "task", "womenwork": "task"}


@dataclass(frozen=True)
class Target:
    """Where a column lives: on the visit, or in mineral/armed-group slot `n`."""

    table: str  # "visit", "mineral", "group"
    field: str
    slot: int = 0


def _target(column: str) -> Target:
    m = re.match(r"^(selling_points_|final_destination_)?mineral(\d)$", column)
    if m:
        field = {"selling_points_": "selling_points", "final_destination_": "final_destination", None: "mineral"}[
            m.group(1)
        ]
        return Target("mineral", field, int(m.group(2)))
    m = re.match(r"^(.*)armed_group(\d)$", column)
    if m:
        prefix = m.group(1).rstrip("_")
        field = {"": "name", "type": "type", "frequency": "frequency"}.get(prefix, prefix)
        return Target("group", field, int(m.group(2)))
    if column == "id":
        return Target("visit", "ipis_id")
    if column == "geom":
        return Target("visit", "geom_ewkb")
    return Target("visit", column)


TARGETS: dict[str, Target] = {c: _target(c) for c in COLUMNS}
VISIT_COLUMNS = [c for c in COLUMNS if TARGETS[c].table == "visit" and c != "pcode"]
MINERAL_FIELDS = ("mineral", "selling_points", "final_destination")
GROUP_FIELDS = ("name", "type", "frequency") + GROUP_ACTIVITIES


# --- reading -------------------------------------------------------------------------


def read_flag(text: str) -> bool:
    t = text.strip().lower()
    if t in ("1", "1.0", "true", "t", "yes", "oui"):
        return True
    if t in ("0", "0.0", "false", "f", "no", "non"):
        return False
    raise ValueError("expected a flag 0 or 1")


def read_float(text: str, low: float, high: float, what: str) -> float:
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        raise ValueError(f"expected a number ({what})") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise ValueError(f"{what} must be between {low:g} and {high:g}")
    return value


def read_int(text: str) -> int:
    t = text.strip()
    if INT_RE.match(t):
        value = int(t)
    else:
        try:
            f = float(t)
        except ValueError:
            raise ValueError("expected a whole number") from None
        if not math.isfinite(f) or f != int(f):
            raise ValueError("expected a whole number")
        value = int(f)
    if value < 0:
        raise ValueError("must not be negative")
    return value


def read_date(text: str):
    import datetime as dt

    m = DATE_RE.match(text.strip())
    if not m:
        raise ValueError("expected a date YYYY-MM-DD")
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise ValueError("not a real calendar date") from None


def read_pcode(text: str) -> str:
    t = text.strip()
    if not PCODE_RE.match(t):
        raise ValueError("a site pcode is 'codmine' followed by 5 digits, e.g. codmine00312")
    return t


def read_geom(text: str) -> tuple[float, float]:
    """Longitude, latitude of a hex (E)WKB point in WGS84."""
    t = text.strip()
    try:
        raw = bytes.fromhex(t)
    except ValueError:
        raise ValueError("geom is not hexadecimal EWKB") from None
    if len(raw) < 21 or raw[0] not in (0, 1):
        raise ValueError("geom is not a WKB point")
    order = "<" if raw[0] == 1 else ">"
    (gtype,) = struct.unpack(order + "I", raw[1:5])
    offset = 5
    if gtype & 0x20000000:
        (srid,) = struct.unpack(order + "I", raw[5:9])
        if srid != 4326:
            raise ValueError(f"geom has SRID {srid}, expected 4326 (WGS84)")
        offset = 9
    if gtype & 0xFFFF != 1 or gtype & 0xC0000000 or len(raw) != offset + 16:
        raise ValueError("geom is not a 2D point")
    x, y = struct.unpack(order + "dd", raw[offset : offset + 16])
    if not (math.isfinite(x) and math.isfinite(y) and -180 <= x <= 180 and -90 <= y <= 90):
        raise ValueError("geom point is outside WGS84 bounds")
    return x, y


def ewkb_hex(longitude: float, latitude: float) -> str:
    """The hex EWKB PostGIS writes for a WGS84 point (upper case, little-endian)."""
    return struct.pack("<BIIdd", 1, 0x20000001, 4326, longitude, latitude).hex().upper()


# --- writing -------------------------------------------------------------------------


def format_value(kind: str, value) -> str:
    """The text of one CSV field, quoted as IPIS quotes it."""
    if value is None or value == "":
        return ""
    if kind == FLAG:
        return "1" if value else "0"
    if kind == INT:
        return str(int(value))
    if kind == FLOAT:
        return repr(float(value))
    if kind == DATE:
        return f'"{value.isoformat()}"'
    if kind == ID and INT_RE.match(str(value)):
        return str(value)
    return '"' + str(value).replace('"', '""') + '"'
