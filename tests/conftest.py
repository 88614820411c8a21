from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from ramani.sites import ipis_format as fmt

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "ipis_sample.csv"
SHARED = Path(__file__).resolve().parents[2] / "shared"


def shared_file(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not here (the project's ../shared folder)")
    return path


def read_table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def write_table(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> Path:
    columns = columns or fmt.COLUMNS
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([r.get(c, "") for c in columns])
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def same_value(column: str, a: str, b: str) -> bool:
    """IPIS values compared as the round-trip promise says: numbers and flags by value, text exactly."""
    if a == "" or b == "":
        return a == b
    kind = fmt.KINDS[column]
    if kind in (fmt.FLOAT, fmt.INT, fmt.FLAG):
        return float(a) == float(b)
    if kind == fmt.ID and a.lstrip("-").isdigit() and b.lstrip("-").isdigit():
        return int(a) == int(b)
    return a == b


def assert_same_table(original: Path, exported: Path) -> None:
    a, b = read_table(original), read_table(exported)
    assert len(a) == len(b)
    key = lambda r: (r["vid"], r["pcode"], r["visit_date"], r["project"])  # noqa: E731
    for ra, rb in zip(sorted(a, key=key), sorted(b, key=key)):
        for column in fmt.COLUMNS:
            assert same_value(column, ra[column], rb[column]), (ra["vid"], column, ra[column], rb[column])


@pytest.fixture
def today() -> dt.date:
    return dt.date(2026, 11, 28)


@pytest.fixture
def sample_rows() -> list[dict[str, str]]:
    return read_table(SAMPLE)
