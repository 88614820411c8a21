"""The roadblock table: its columns, the webmap API's short keys, and how one record is checked.

`parse_record` turns {column: text} into the model's field values or a list of Problems (row,
column, value, reason); `record_of` is its inverse, the texts an export writes. Multi-values are
joined by commas, as the institute's webmap does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from decimal import Decimal, InvalidOperation

from ramani.roadblocks import vocabularies as vocab
from ramani.roadblocks.toll import format_amount, parse_toll
from ramani.sites.ipis_read import Problem

# Read and written, in this order.
COLUMNS = [
    "key",
    "place_name",
    "latitude",
    "longitude",
    "date",
    "operators",
    "operator_types",
    "barrier_types",
    "tax_targets",
    "toll",
    "toll_amount",
    "toll_currency",
    "toll_unit",
    "resources",
    "road_class",
    "violence_count",
    "violence_kinds",
    "source",
    "project",
    "synthetic",
]
# Written for readers, ignored on import (they are derived).
DERIVED = ["tax_categories", "province_pcode", "adm2_pcode", "territoire"]
# The webmap API's keys (…/api/data/cod/roadblocksall, {"result": [...]}) and the columns they are.
API_KEYS = {
    "lt": "latitude",
    "ln": "longitude",
    "lp": "place_name",
    "d": "date",
    "o": "operators",
    "t": "operator_types",
    "tc": "tax_targets",
    "tm": "toll",
    "b": "barrier_types",
    "r": "resources",
    "s": "source",
}
ALIASES = {
    **API_KEYS,
    "lat": "latitude",
    "lon": "longitude",
    "lng": "longitude",
    "name": "place_name",
    "place": "place_name",
    "toll_text": "toll",
}
LIST_COLUMNS = ("barrier_types", "tax_targets", "resources", "violence_kinds")
MAX_KEY = 64
_DATE_FORMS = "YYYY-MM-DD, YYYY-MM, YYYY or DD/MM/YYYY"


def column_of(header: str) -> str:
    name = header.strip().lower()
    return ALIASES.get(name, name)


def stable_key(place_name: str, latitude: float, longitude: float, date_text: str) -> str:
    """The key of a roadblock given without one: the same survey row always gets the same key."""
    basis = f"{latitude:.5f}|{longitude:.5f}|{date_text}|{vocab.fold(place_name)}"
    return "rb-" + hashlib.blake2b(basis.encode(), digest_size=8).hexdigest()


def read_date(text: str) -> dt.date:
    """A survey date: YYYY-MM-DD (a time after it is ignored), YYYY-MM, YYYY or DD/MM/YYYY."""
    t = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ][\d:.+Z-]*)?", t):
            return dt.date.fromisoformat(t[:10])
        if re.fullmatch(r"\d{4}-\d{2}", t):
            return dt.date(int(t[:4]), int(t[5:7]), 1)
        if re.fullmatch(r"\d{4}", t):
            return dt.date(int(t), 1, 1)
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", t)
        if m:
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        raise ValueError("not a real calendar date") from None
    raise ValueError(f"not a date: expected {_DATE_FORMS}")


def _float(text: str, low: float, high: float, what: str) -> float:
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        raise ValueError(f"not a number: the {what} is a decimal number of degrees") from None
    if not low <= value <= high:  # NaN fails this too
        raise ValueError(f"the {what} must be between {low} and {high}")
    return value


def _flag(text: str) -> bool:
    t = text.strip().lower()
    if t in ("", "0", "false", "no", "non"):
        return False
    if t in ("1", "true", "yes", "oui"):
        return True
    raise ValueError("expected 0 or 1")


def parse_record(row: int, record: dict[str, str], today: dt.date, project: str = "") -> dict | list[Problem]:
    """Check one record; every problem in it is reported, not just the first."""
    problems: list[Problem] = []
    get = lambda c: (record.get(c) or "").strip()  # noqa: E731

    def bad(column: str, reason: str) -> None:
        problems.append(Problem(row, column, record.get(column) or "", reason))

    values: dict = {}
    for column, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        if not get(column):
            bad(column, f"the {column} is required")
            continue
        try:
            values[column] = _float(get(column), low, high, column)
        except ValueError as exc:
            bad(column, str(exc))

    values["date_text"] = get("date")
    values["date"] = None
    if values["date_text"]:
        try:
            values["date"] = read_date(values["date_text"])
            if values["date"] > today + dt.timedelta(days=1):
                bad("date", "the date is in the future")
        except ValueError as exc:
            bad("date", str(exc))

    types: list[str] = []
    for text in vocab.split_list(get("operator_types")):
        if vocab.fold(text) in {vocab.fold(w) for w in vocab.NO_DATA_LABELS}:
            continue
        code = vocab.operator_type(text)
        if code is None:
            allowed = ", ".join(v[0] for v in vocab.OPERATOR_TYPES.values())
            bad("operator_types", f"unknown operator type {text!r}: expected {allowed}")
        elif code not in types:
            types.append(code)
    values["operator_types"] = types

    for column in LIST_COLUMNS:
        values[column] = vocab.split_list(get(column))
    values["place_name"] = get("place_name")
    values["operators"] = get("operators")
    values["source"] = get("source")
    values["project"] = get("project") or project

    values["toll_text"] = get("toll")
    read = parse_toll(values["toll_text"])
    values["toll_amount"], values["toll_currency"], values["toll_unit"] = read.amount, read.currency, read.unit
    if read.amount is not None:
        values["toll_amount"] = read.amount.quantize(Decimal("0.01")) if read.amount < Decimal(10) ** 12 else None
    if "toll_amount" in record:  # a file that states them (an export) is taken at its word, empty included
        values["toll_amount"] = None
        if get("toll_amount"):
            try:
                amount = Decimal(get("toll_amount").replace(",", "."))
                if not amount.is_finite() or amount < 0 or amount >= Decimal(10) ** 12:
                    raise InvalidOperation
                values["toll_amount"] = amount.quantize(Decimal("0.01"))
            except InvalidOperation:
                bad("toll_amount", "not an amount: a number, at least 0, with a dot for decimals")
    if "toll_currency" in record:
        values["toll_currency"] = ""
        if get("toll_currency"):
            currency = get("toll_currency").upper()
            currency = currency if currency in vocab.CURRENCIES else parse_toll(f"1 {get('toll_currency')}").currency
            if currency:
                values["toll_currency"] = currency
            else:
                bad("toll_currency", f"unknown currency: expected {', '.join(vocab.CURRENCIES)}")
    if "toll_unit" in record:
        values["toll_unit"] = ""
        if get("toll_unit"):
            unit = _unit(get("toll_unit"))
            if unit:
                values["toll_unit"] = unit
            else:
                bad("toll_unit", f"unknown toll unit: expected {', '.join(vocab.TOLL_UNITS)}")

    road = vocab.road_class(get("road_class"))
    if road is None:
        bad("road_class", "unknown road class: expected primary, secondary or track")
    values["road_class"] = road or ""

    values["violence_count"] = None
    if get("violence_count"):
        text = get("violence_count")
        if text.endswith(".0"):
            text = text[:-2]
        if text.isascii() and text.isdigit() and int(text) < 2**31:
            values["violence_count"] = int(text)
        else:
            bad("violence_count", "not a count: a whole number, at least 0")
    try:
        values["synthetic"] = _flag(get("synthetic"))
    except ValueError as exc:
        bad("synthetic", str(exc))

    key = get("key")
    if len(key) > MAX_KEY:
        bad("key", f"a key is at most {MAX_KEY} characters")
    if problems:
        return problems
    values["key"] = key or stable_key(
        values["place_name"], values["latitude"], values["longitude"], values["date_text"]
    )
    return values


def _unit(text: str) -> str:
    if text in vocab.TOLL_UNITS:
        return text
    words = vocab.fold(text)
    for code, labels in vocab.TOLL_UNITS.items():
        if words in (vocab.fold(label) for label in labels):
            return code
    return parse_toll(f"1 {text}").unit


def record_of(values: dict) -> dict:
    """The texts (and numbers) an export writes for one roadblock's field values, in COLUMNS + DERIVED."""
    date = values["date"]
    return {
        "key": values["key"],
        "place_name": values["place_name"],
        "latitude": values["latitude"],
        "longitude": values["longitude"],
        "date": values["date_text"] or (date.isoformat() if date else ""),
        "operators": values["operators"],
        "operator_types": vocab.join_list([vocab.operator_value(c) for c in values["operator_types"]]),
        "barrier_types": vocab.join_list(values["barrier_types"]),
        "tax_targets": vocab.join_list(values["tax_targets"]),
        "toll": values["toll_text"],
        "toll_amount": format_amount(values["toll_amount"]),
        "toll_currency": values["toll_currency"],
        "toll_unit": values["toll_unit"],
        "resources": vocab.join_list(values["resources"]),
        "road_class": values["road_class"],
        "violence_count": "" if values["violence_count"] is None else str(values["violence_count"]),
        "violence_kinds": vocab.join_list(values["violence_kinds"]),
        "source": values["source"],
        "project": values["project"],
        "synthetic": "1" if values["synthetic"] else "0",
        "tax_categories": vocab.join_list(vocab.tax_categories(values["tax_targets"])),
        "province_pcode": values.get("province_pcode", ""),
        "adm2_pcode": values.get("adm2_pcode", ""),
        "territoire": values.get("territoire", ""),
    }


def api_record_of(values: dict) -> dict:
    """One roadblock in the webmap API's shape (short keys)."""
    full = record_of(values)
    return {short: full[column] for short, column in API_KEYS.items()}
