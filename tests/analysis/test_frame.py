"""Sampling frames: communities of settlements and their active mines, from hand-made data and the demo."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from click.testing import CliRunner

from ramani.analysis import frame
from ramani.analysis.frame_inputs import active_mines
from ramani.analysis.frame_io import read_table
from ramani.cli import main
from ramani.fieldwork.models import Settlement
from ramani.sites.models import Visit


def mine(pcode, lon, lat, diggers=10, mineral="Cobalt", province="Lualaba", territoire="Mutshatsha"):
    return frame.Mine(pcode, pcode, lon, lat, diggers, mineral, province, "CD72", territoire, "", "2024-05-01")


def place(key, lon, lat, province="", adm2="", population=1000):
    return frame.Place(key, key.title(), "village", population, lon, lat, province, adm2)


def test_each_mine_joins_its_nearest_settlement_within_the_radius():
    # 0.01° of latitude is 1.11 km.
    places = [place("a", 25.0, -10.0, "CD72", "CD7203"), place("b", 25.0, -10.05)]
    mines = [
        mine("m1", 25.0, -10.01, 100, "Cobalt"),  # 1.1 km from a
        mine("m2", 25.0, -10.02, 30, "Cuivre"),  # 2.2 km from a, 3.3 km from b
        mine("m3", 25.0, -10.04, 50, "Cuivre"),  # 1.1 km from b
        mine("m4", 25.0, -10.03, 70, "Cuivre"),  # 3.3 km from a, 2.2 km from b
        mine("m5", 25.5, -10.0, 5, "Or", "Haut-Katanga", "Kipushi"),  # 55 km from everything
    ]
    units = frame.build(mines, places, 5.0, {"CD72": "Lualaba"}, {"CD7203": "Mutshatsha"})
    by_id = {u["unit_id"]: u for u in units}
    assert [u["unit_id"] for u in units] == ["settlement:a", "settlement:b", "mine:m5"]  # by province, then name
    a, b, m5 = by_id["settlement:a"], by_id["settlement:b"], by_id["mine:m5"]
    assert (a["mine_pcodes"], a["diggers"], a["mines"]) == ("m1;m2", 130, 2)
    assert (b["mine_pcodes"], b["diggers"], b["mines"]) == ("m3;m4", 120, 2)
    assert a["main_mineral"] == "Cobalt" and b["main_mineral"] == "Cuivre"
    assert a["max_distance_km"] == pytest.approx(2.224, abs=0.01)
    assert a["province_source"].startswith("settlement location") and a["territoire"] == "Mutshatsha"
    assert b["province"] == "Lualaba" and b["province_source"] == "most of its mines (IPIS province)"
    assert b["population"] == 1000 and m5["population"] == ""
    assert (m5["unit_type"], m5["province"], m5["territoire"], m5["diggers"]) == ("mine", "Haut-Katanga", "Kipushi", 5)
    # Every mine is in exactly one unit, and diggers add up.
    pcodes = [p for u in units for p in u["mine_pcodes"].split(";")]
    assert sorted(pcodes) == ["m1", "m2", "m3", "m4", "m5"]
    assert sum(u["diggers"] for u in units) == 255
    # A radius below a kilometre leaves every mine alone.
    assert {u["unit_type"] for u in frame.build(mines, places, 1.0, {}, {})} == {"mine"}


def test_distances_are_great_circle():
    import numpy

    d = frame.distances_km(28.86, -2.51, numpy.array([29.24]), numpy.array([-1.68]))  # Bukavu–Goma
    assert d[0] == pytest.approx(101.5, abs=1.5)


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.django_db
def test_frame_from_the_demo_and_a_sample_from_it(tmp_path):
    r = run("demo", "--sites", 300, "--seed", 5)
    assert r.exit_code == 0, r.output
    assert "synthetic villages created" in r.output
    assert Settlement.objects.filter(synthetic=True).count() > 60
    as_of = dt.date(2025, 12, 31)
    out = tmp_path / "frame.csv"
    r = run("frame", "build", "--out", out, "--radius-km", 5, "--active-years", 4, "--as-of", "2025-12-31")
    assert r.exit_code == 0, r.output
    mines = active_mines(4, None, as_of)
    assert mines and all(m.diggers > 0 for m in mines)
    since = dt.date(2021, 12, 31)
    expected = set(
        Visit.objects.filter(workers_numb__gt=0, visit_date__gte=since, visit_date__lte=as_of)
        .exclude(visit_onsite=False)
        .values_list("site__pcode", flat=True)
    )
    assert {m.pcode for m in mines} == expected
    with out.open(encoding="utf-8") as f:
        units = list(csv.DictReader(f))
    assert list(units[0]) == frame.COLUMNS
    in_units = [p for u in units for p in u["mine_pcodes"].split(";")]
    assert sorted(in_units) == sorted(expected)  # every active mine exactly once
    assert sum(int(u["diggers"]) for u in units) == sum(m.diggers for m in mines)
    kinds = {u["unit_type"] for u in units}
    assert kinds == {"community", "mine"}
    for u in units:
        assert float(u["max_distance_km"]) <= 5.0
        assert u["province"] and u["province_source"] and u["main_mineral_source"]
    about = json.loads((tmp_path / "frame.frame.json").read_text(encoding="utf-8"))
    assert about["units"] == len(units) and about["radius_km"] == 5.0
    assert "2025-12-31" in r.output or str(len(units)) in r.output

    # Same frame as GPKG and XLSX.
    for suffix in ("gpkg", "xlsx"):
        other = tmp_path / f"frame.{suffix}"
        assert run("frame", "build", "--out", other, "--active-years", 4, "--as-of", "2025-12-31").exit_code == 0
        back = read_table(other)
        assert len(back.rows) == len(units)
        assert sorted(str(r["unit_id"]) for r in back.rows) == sorted(u["unit_id"] for u in units)

    # A stratified PPS sample of 30 from it.
    sample = tmp_path / "sample.csv"
    r = run("sample", "draw", out, "--n", 30, "--strata", "province", "--size", "diggers", "--seed", 1, "--out", sample)
    assert r.exit_code == 0, r.output
    with sample.open(encoding="utf-8") as f:
        drawn = list(csv.DictReader(f))
    assert len(drawn) == 30 and len({d["unit_id"] for d in drawn}) == 30
    estimate = sum(float(d["weight"]) * int(d["diggers"]) for d in drawn)
    assert estimate > 0

    r = run("frame", "build", "--out", tmp_path / "f.txt")
    assert r.exit_code == 2 and "expected a .csv" in r.output
    r = run("frame", "build", "--out", tmp_path / "f.csv", "--project", "No such project")
    assert r.exit_code == 1 and "no active mine" in r.output
