"""GeoPackage and FlatGeobuf downloads carry typed fields: read back by GDAL (pyogrio), numbers are numbers,
flags 0/1 integers, dates dates, missing values null; the values are those of the database."""

import datetime as dt

import numpy
import pyogrio
import pytest
from pyogrio import raw

from ramani.opendata import exports
from ramani.sites.ipis_import import import_ipis
from ramani.sites.models import Site, Visit
from tests.conftest import SAMPLE, is_postgres

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample(today):
    import_ipis(SAMPLE, today=today)


def _value(x):
    """A value read back, None when GDAL says null (pyogrio gives a nullable integer column as floats, NaN for null)."""
    if x is None or (isinstance(x, float) and numpy.isnan(x)):
        return None
    return int(x) if float(x).is_integer() else float(x)


def _read(path):
    meta, fids, geometry, fields = raw.read(path)
    types = dict(zip(meta["fields"], meta["dtypes"]))
    return types, dict(zip(meta["fields"], fields)), len(geometry)


@pytest.mark.parametrize("fmt", ["gpkg", "fgb"])
def test_visits_fields_are_typed(sample, tmp_path, fmt):
    path = exports.write_file("visits", fmt, {}, tmp_path)
    types, fields, n = _read(path)
    assert n == Visit.objects.count()
    assert types["workers_numb"].startswith("int") and types["presence"].startswith("int")
    assert types["longitude"] == "float64" and types["latitude"] == "float64"
    assert types["visit_date"].startswith("datetime64") and types["pcode"] == "object"
    assert pyogrio.read_info(path)["fields"].tolist()[:3] == ["vid", "cid", "id"]
    by_vid = {v.vid: v for v in Visit.objects.all()}
    for i, vid in enumerate(fields["vid"]):  # FlatGeobuf may reorder features: matched by vid
        v = by_vid[vid]
        assert fields["visit_date"][i].astype("datetime64[D]").astype(dt.date) == v.visit_date
        assert fields["longitude"][i] == v.longitude
        assert _value(fields["workers_numb"][i]) == v.workers_numb
        assert _value(fields["presence"][i]) == (None if v.presence is None else int(v.presence))
    assert {_value(x) for x in fields["presence"]} >= {0, 1}  # and None where the visit did not say
    assert {_value(x) for x in fields["mercury"]} >= {0, 1}


@pytest.mark.parametrize("fmt", ["gpkg", "fgb"])
def test_sites_fields_are_typed(sample, tmp_path, fmt):
    path = exports.write_file("sites", fmt, {}, tmp_path)
    types, fields, n = _read(path)
    assert n == Site.objects.count()
    assert types["visit_count"].startswith("int") and types["synthetic"].startswith("int")
    assert types["last_visit_date"].startswith("datetime64") and types["qualification_valid"].startswith("int")
    counts = dict(Site.objects.values_list("pcode", "visit_count"))
    assert {p: _value(c) for p, c in zip(fields["pcode"], fields["visit_count"])} == counts
    assert {_value(x) for x in fields["synthetic"]} == {0}


def test_an_empty_selection_is_a_typed_empty_file(sample, tmp_path):
    path = exports.write_file("visits", "gpkg", {"province": "Nowhere"}, tmp_path)
    types, _fields, n = _read(path)
    assert n == 0 and types["workers_numb"].startswith("int") and types["visit_date"].startswith("datetime64")


@pytest.mark.skipif(not is_postgres(), reason="the COPY path is PostgreSQL's")
@pytest.mark.parametrize("params", [{}, {"province": "Sud-Kivu"}, {"mineral": "Or", "year": "2019"}])
def test_postgresql_copy_gives_the_bytes_of_the_python_writer(tmp_path, today, monkeypatch, params):
    """The visits CSV on PostgreSQL is PostgreSQL's COPY: byte for byte what the Python writer gives, formula
    guard included (names that start like formulas, numbers that start with a minus sign)."""
    from tests.conftest import read_table, write_table

    rows = read_table(SAMPLE)
    rows[0]["name"], rows[1]["name"], rows[2]["village"] = '=HYPERLINK("http://evil","x")', "-2+3", "a,\nb"
    import_ipis(write_table(tmp_path / "evil.csv", rows), today=today)

    def drained() -> bytes:
        return "".join(exports.stream_csv("visits", params)).encode()

    copied = drained()
    monkeypatch.setattr(exports, "_postgresql", lambda: False)
    written = drained()
    assert copied == written and copied.count(b"\n") >= 2  # the header and at least one visit
    assert b"'=HYPERLINK" in copied or params
