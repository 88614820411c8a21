import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ramani.sites import ipis_format as fmt


def test_the_84_columns_in_ipis_order():
    assert len(fmt.COLUMNS) == 84
    assert fmt.COLUMNS[:8] == ["vid", "cid", "id", "source", "project", "pcode", "name", "visit_date"]
    assert fmt.COLUMNS[37:41] == [
        "armed_group1",
        "type_armed_group1",
        "frequency_armed_group1",
        "taxation_armed_group1",
    ]
    assert fmt.COLUMNS[-11:] == [
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


def test_every_column_has_one_home():
    homes = {(t.table, t.field, t.slot) for t in fmt.TARGETS.values()}
    assert len(homes) == 84


def test_postgis_ewkb_is_read_and_written():
    # What PostGIS returns for SRID=4326;POINT(-77.036548 38.895108)
    known = "0101000020E6100000FD2E6CCD564253C0A93121E692724340"
    assert fmt.read_geom(known) == pytest.approx((-77.036548, 38.895108))
    assert fmt.ewkb_hex(-77.036548, 38.895108) == known


@given(st.floats(-180, 180), st.floats(-90, 90))
def test_ewkb_round_trip(x, y):
    assert fmt.read_geom(fmt.ewkb_hex(x, y)) == (x, y)


@pytest.mark.parametrize(
    "text,reason",
    [
        ("zz", "not hexadecimal"),
        ("0101000020E6100000", "not a WKB point"),
        ("0102000020E6100000" + "00" * 16, "not a 2D point"),
        ("0101000020110F0000" + "00" * 16, "SRID 3857"),
    ],
)
def test_bad_geom_says_why(text, reason):
    with pytest.raises(ValueError, match=reason):
        fmt.read_geom(text)


@pytest.mark.parametrize(
    "text,value", [("1", True), ("0", False), (" 1 ", True), ("1.0", True), ("TRUE", True), ("false", False)]
)
def test_flags(text, value):
    assert fmt.read_flag(text) is value


def test_bad_values():
    with pytest.raises(ValueError, match="flag"):
        fmt.read_flag("2")
    with pytest.raises(ValueError, match="number"):
        fmt.read_float("28,7E", -180, 180, "longitude")
    with pytest.raises(ValueError, match="between"):
        fmt.read_float("200", -180, 180, "longitude")
    with pytest.raises(ValueError, match="between"):
        fmt.read_float("nan", -180, 180, "longitude")
    with pytest.raises(ValueError, match="whole number"):
        fmt.read_int("12.5")
    with pytest.raises(ValueError, match="negative"):
        fmt.read_int("-3")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        fmt.read_date("15/03/2023")
    with pytest.raises(ValueError, match="calendar"):
        fmt.read_date("2023-02-30")
    with pytest.raises(ValueError, match="codmine"):
        fmt.read_pcode("codmine312")


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_float_written_reads_back_equal(x):
    assert float(fmt.format_value(fmt.FLOAT, x)) == x


def test_quoting_follows_ipis():
    assert fmt.format_value(fmt.TEXT, 'Mont "B"') == '"Mont ""B"""'
    assert fmt.format_value(fmt.TEXT, "") == ""
    assert fmt.format_value(fmt.FLAG, True) == "1"
    assert fmt.format_value(fmt.ID, "4410") == "4410"
    assert fmt.format_value(fmt.ID, "A-17") == '"A-17"'
    assert fmt.format_value(fmt.INT, 0) == "0"
    assert not math.isnan(float(fmt.format_value(fmt.FLOAT, 28.75)))
