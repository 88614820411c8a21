"""`ramani import settlements`: real Natural Earth places, CSV and GPKG, all or nothing, history."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy
import pytest
import shapely
from click.testing import CliRunner
from pyogrio import raw

from ramani.cli import main
from ramani.fieldwork.models import Settlement
from ramani.fieldwork.settlements import SettlementImportFailed, import_settlements
from ramani.geo.boundaries import import_boundaries
from tests.conftest import shared_file

pytestmark = pytest.mark.django_db
PLACES = ("geo", "naturalearth", "places.geojson")
BOUNDARIES = Path(__file__).resolve().parents[2] / "src/ramani/geo/data/cod_adm2_simplified.geojson"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_natural_earth_places_located_in_admin_units():
    import_boundaries(BOUNDARIES)
    r = run("import", "settlements", shared_file(*PLACES))
    assert r.exit_code == 0, r.output
    assert "324 settlements — 324 created" in r.output
    lubumbashi = Settlement.objects.get(name="Lubumbashi")
    assert lubumbashi.province_pcode == "CD71" and lubumbashi.adm2_pcode.startswith("CD71")
    assert lubumbashi.kind == "city" and lubumbashi.kind_derived and lubumbashi.population > 1_000_000
    assert Settlement.objects.get(name="Bukavu").province_pcode == "CD62"
    assert Settlement.objects.get(name="Kolwezi").province_pcode == "CD72"
    # Places in the neighbouring countries lie in no DRC unit.
    assert Settlement.objects.get(name="Kigali").province_pcode == ""
    located = Settlement.objects.exclude(adm2_pcode="").count()
    assert 80 <= located <= 95, located  # 88 Congolese places, a few on the border of the simplified outline
    assert Settlement.history.count() == 324
    r = run("import", "settlements", shared_file(*PLACES))
    assert "0 created, 0 updated, 324 unchanged" in r.output
    assert Settlement.history.count() == 324


def test_csv_import_updates_and_keeps_history(tmp_path):
    path = tmp_path / "villages.csv"
    rows = [
        {
            "id": "V1",
            "name": "Kawama",
            "kind": "village",
            "population": "2300",
            "longitude": "27.5",
            "latitude": "-11.6",
        },
        {"id": "V2", "name": "Kasulo", "kind": "cité", "population": "", "longitude": "25.47", "latitude": "-10.71"},
        {
            "id": "V3",
            "name": "Mutoshi",
            "kind": "camp minier",
            "population": "800",
            "longitude": "25.6",
            "latitude": "-10.7",
        },
    ]
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    result = import_settlements(path)
    assert (result.created, result.updated) == (3, 0)
    assert "no admin-2 boundaries" in result.warnings[0]
    assert Settlement.objects.get(key="id:V2").kind == "town" and Settlement.objects.get(key="id:V2").population is None
    assert Settlement.objects.get(key="id:V3").kind == "camp"
    rows[0]["population"] = "2600"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    result = import_settlements(path)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    kawama = Settlement.objects.get(key="id:V1")
    assert kawama.population == 2600
    assert [h.population for h in kawama.history.order_by("history_date")] == [2300, 2600]


def test_bad_rows_are_all_reported_and_nothing_is_written(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "name,kind,population,longitude,latitude\n"
        "Kawama,village,2300,27.5,-11.6\n"
        ",village,10,27.5,-11.7\n"
        "Kasulo,metropolis,10,25.4,-10.7\n"
        "Mutoshi,village,many,25.6,-10.7\n"
        "Fungurume,village,100,east,-10.6\n"
        "Kawama,village,2300,27.5,-11.6\n",
        encoding="utf-8",
    )
    with pytest.raises(SettlementImportFailed) as exc:
        import_settlements(path)
    got = [(p.row, p.column, p.value, p.reason.split(" (")[0]) for p in exc.value.problems]
    assert got == [
        (3, "name", "", "a settlement needs a name"),
        (4, "kind", "metropolis", "unknown kind"),
        (5, "population", "many", "expected a whole number of people"),
        (6, "longitude", "east", "expected a number within ±180"),
        (7, "name", "Kawama", "the same settlement as row 2"),
    ]
    assert Settlement.objects.count() == 0
    report = tmp_path / "report.csv"
    r = run("import", "settlements", path, "--report", report)
    assert r.exit_code == 1 and "Nothing was imported" in r.output
    assert len(report.read_text(encoding="utf-8").splitlines()) == 6
    (tmp_path / "x.txt").write_text("hello", encoding="utf-8")
    r = run("import", "settlements", tmp_path / "x.txt")
    assert r.exit_code == 1 and "expected a .csv, .geojson or .gpkg" in r.output


def test_gpkg_in_a_projected_crs(tmp_path):
    from pyproj import Transformer

    to_utm = Transformer.from_crs("EPSG:4326", "EPSG:32735", always_xy=True)
    x, y = to_utm.transform(28.86, -2.51)
    path = tmp_path / "s.gpkg"
    raw.write(
        str(path),
        numpy.array([shapely.to_wkb(shapely.Point(x, y))], dtype=object),
        [numpy.array(["Bukavu"], dtype=object), numpy.array([870000])],
        fields=["NOM", "pop"],
        geometry_type="Point",
        crs="EPSG:32735",
        driver="GPKG",
    )
    import_settlements(path)
    s = Settlement.objects.get()
    assert (s.name, s.kind, s.population) == ("Bukavu", "city", 870000)
    assert s.longitude == pytest.approx(28.86, abs=1e-6) and s.latitude == pytest.approx(-2.51, abs=1e-6)


def _write(path, rows):
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def test_a_curators_edit_survives_a_reimport_and_is_reported(tmp_path, admin_client):
    path = tmp_path / "villages.csv"
    rows = [
        {
            "id": "V1",
            "name": "Kawama",
            "kind": "village",
            "population": "2300",
            "longitude": "27.5",
            "latitude": "-11.6",
        },
        {
            "id": "V2",
            "name": "Kasulo",
            "kind": "village",
            "population": "900",
            "longitude": "25.4",
            "latitude": "-10.7",
        },
    ]
    _write(path, rows)
    import_settlements(path)
    # A curator corrects both through the admin (history rows with the user).
    for key, population in (("id:V1", 2500), ("id:V2", 950)):
        s = Settlement.objects.get(key=key)
        form = {f: getattr(s, f) for f in ("name", "kind", "longitude", "latitude", "province_pcode", "adm2_pcode")}
        form.update(population=population, kind_derived="", synthetic="")
        answer = admin_client.post(f"/admin/fieldwork/settlement/{s.pk}/change/", form)
        assert answer.status_code == 302, answer.content.decode()[:2000]
    assert Settlement.objects.get(key="id:V1").population == 2500
    # The file changes V1's population and V2's kind, not V2's population.
    rows[0]["population"] = "2400"
    rows[1]["kind"] = "town"
    _write(path, rows)
    r = run("import", "settlements", path)
    assert r.exit_code == 0, r.output
    assert "1 conflict(s) with curators' edits" in r.output and "curator 2500" in r.output and "file 2400" in r.output
    v1, v2 = Settlement.objects.get(key="id:V1"), Settlement.objects.get(key="id:V2")
    assert v1.population == 2500  # the curator's value kept
    assert (v2.population, v2.kind) == (950, "town")  # the curator's edit kept, the file's other change taken
    assert v1.history.count() == 2 and v1.history.filter(history_user__isnull=False).count() == 1  # import, curator
    assert v2.history.count() == 3 and v2.history.first().history_change_reason == "import settlements villages.csv"
    # Re-running the same file reports it again and still keeps the curator's value; --overwrite lets the file win.
    result = import_settlements(path)
    assert [(c.row, c.field, c.curator_value, c.file_value) for c in result.conflicts] == [
        (2, "population", 2500, 2400)
    ]
    r = run("import", "settlements", path, "--overwrite")
    assert "the file's value written" in r.output
    assert Settlement.objects.get(key="id:V1").population == 2400
    assert Settlement.objects.get(key="id:V2").population == 950  # the file never changed it: no conflict


def test_a_nul_character_is_a_problem_not_a_crash(tmp_path):
    path = tmp_path / "nul.csv"
    path.write_text("name,kind,population,longitude,latitude\nKa\x00wama,village,2300,27.5,-11.6\n", encoding="utf-8")
    with pytest.raises(SettlementImportFailed) as exc:
        import_settlements(path)
    assert [(p.row, p.column, p.value) for p in exc.value.problems] == [(2, "name", "Ka\\x00wama")]
    assert Settlement.objects.count() == 0
