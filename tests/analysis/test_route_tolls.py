"""The tolls a trader pays along a route: roadblocks near a drawn line, in order, summed by currency and unit."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from pyproj import Geod

from ramani.analysis.roadblocks import TollRow, tolls_along
from ramani.cli import main

GOMA, MASISI = (29.22, -1.68), (28.82, -1.40)
geod = Geod(ellps="WGS84")


def offset(lon: float, lat: float, metres: float) -> tuple[float, float]:
    """A point `metres` north of (lon, lat)."""
    x, y, _ = geod.fwd(lon, lat, 0, metres)
    return x, y


def along(t: float) -> tuple[float, float]:
    return GOMA[0] + (MASISI[0] - GOMA[0]) * t, GOMA[1] + (MASISI[1] - GOMA[1]) * t


def test_roadblocks_near_the_route_in_order_with_totals():
    rows = [
        TollRow("far", "Loin", *offset(*along(0.5), 3000), "500 FC par personne", 500, "CDF", "per_person"),
        TollRow("b", "Sake", *offset(*along(0.4), 200), "500 FC par personne", 500, "CDF", "per_person"),
        TollRow("a", "Mugunga", *offset(*along(0.1), -100), "1000 FC par personne", 1000, "CDF", "per_person"),
        TollRow("c", "Mushaki", *along(0.8), "1 USD par moto", 1, "USD", "per_vehicle"),
        TollRow("d", "Kilolirwe", *along(0.9), "selon la charge"),
    ]
    result = tolls_along(rows, [GOMA, MASISI], 500)
    assert [r["key"] for r in result["roadblocks"]] == ["a", "b", "c", "d"]
    # 100 m north of a line heading north-west: 100 m times the cosine of the line's angle to the east-west axis
    dx, dy = MASISI[0] - GOMA[0], MASISI[1] - GOMA[1]
    assert result["roadblocks"][0]["metres_off_route"] == pytest.approx(
        100 * abs(dx) / (dx * dx + dy * dy) ** 0.5, abs=1
    )
    assert result["totals"] == [
        {"currency": "CDF", "unit": "per_person", "amount": 1500, "roadblocks": 2},
        {"currency": "USD", "unit": "per_vehicle", "amount": 1, "roadblocks": 1},
    ]
    assert result["without_amount"] == 1
    expected_km = geod.line_length([GOMA[0], MASISI[0]], [GOMA[1], MASISI[1]]) / 1000
    assert result["route_km"] == pytest.approx(expected_km, rel=2e-3)
    wider = tolls_along(rows, [GOMA, MASISI], 5000)
    assert len(wider["roadblocks"]) == 5
    with pytest.raises(ValueError):
        tolls_along(rows, [GOMA], 500)


@pytest.mark.django_db
def test_cli_reads_a_drawn_line_and_the_imported_roadblocks(tmp_path):
    survey = tmp_path / "survey.csv"
    lon, lat = along(0.5)
    survey.write_text(
        f"place_name,latitude,longitude,toll\nSake,{lat},{lon},2000 FC par sac\nAilleurs,-3.0,28.0,500 FC\n",
        encoding="utf-8",
    )
    assert CliRunner().invoke(main, ["import", "roadblocks", str(survey)]).exit_code == 0
    route = tmp_path / "route.geojson"
    route.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {},
                        "geometry": {"type": "LineString", "coordinates": [GOMA, MASISI]},
                    }
                ],
            }
        )
    )
    r = CliRunner().invoke(main, ["analyse", "route", str(route), "--json"])
    assert r.exit_code == 0, r.output
    result = json.loads(r.output)
    assert [x["place_name"] for x in result["roadblocks"]] == ["Sake"]
    assert result["totals"] == [{"currency": "CDF", "unit": "per_load", "amount": 2000, "roadblocks": 1}]
    table = CliRunner().invoke(main, ["analyse", "route", str(route)])
    assert table.exit_code == 0 and "2000 CDF per_load" in table.output
    points = tmp_path / "points.geojson"
    points.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, '
        '"geometry": {"type": "Point", "coordinates": [29, -1.5]}}]}'
    )
    bad = CliRunner().invoke(main, ["analyse", "route", str(points)])
    assert bad.exit_code == 1 and "no line" in bad.output
