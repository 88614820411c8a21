"""The synthetic dataset: deterministic, realistic in shape, and labelled synthetic."""

import datetime as dt
from collections import Counter

import pytest

from ramani.sites import demo
from ramani.sites import ipis_format as fmt
from ramani.sites.ipis_export import write_csv
from ramani.sites.ipis_import import import_ipis
from ramani.sites.models import Site, Visit
from ramani.sites.stats import qualification_counts

COL = {c: i for i, c in enumerate(fmt.COLUMNS)}


def test_same_seed_same_data_other_seed_other_data():
    a = list(demo.generate(sites=200, seed=7))
    assert a == list(demo.generate(sites=200, seed=7))
    assert a != list(demo.generate(sites=200, seed=8))


def test_default_shape():
    rows = list(demo.generate())
    sites = {r[COL["pcode"]] for r in rows}
    assert len(sites) == 3000
    assert 6500 <= len(rows) <= 8000
    years = Counter(r[COL["visit_date"]].year for r in rows)
    assert min(years) == 2009 and max(years) == 2025
    assert all(r[COL["visit_date"]] == dt.date(2009, 1, 1) for r in rows if r[COL["visit_date"]].year == 2009)
    provinces = {r[COL["province"]] for r in rows}
    assert provinces == {"Ituri", "Nord-Kivu", "Sud-Kivu", "Maniema", "Tanganyika", "Haut-Uele", "Tshopo"}
    blue = [r for r in rows if r[COL["qualification"]] == "Bleu"]
    assert 15 <= len(blue) <= 25
    assert {r[COL["territoire"]] for r in blue} <= {"Fizi", "Kabare", "Kalehe", "Mwenga", "Shabunda"}
    assert all(r[COL["source"]] == "Ramani demo (synthetic)" for r in rows)
    gold = [r for r in rows if r[COL["mineral1"]] == "Or" and r[COL["visit_date"]].year >= 2015]
    assert 0.3 < sum(bool(r[COL["mercury"]]) for r in gold) / len(gold) < 0.8
    assert not any(r[COL["mercury"]] for r in rows if r[COL["visit_date"]].year < 2015)


@pytest.mark.django_db
def test_demo_loads_through_the_importer_and_is_flagged_synthetic(tmp_path):
    path = tmp_path / "demo.csv"
    with path.open("w", encoding="utf-8") as f:
        n = write_csv(demo.generate(sites=300, seed=3), f)
    result = import_ipis(path)
    assert result.created == n and not result.warnings
    assert Site.objects.count() == 300 and not Site.objects.filter(synthetic=False).exists()
    assert Visit.objects.count() == n
    counts = qualification_counts(dt.date(2024, 1, 1))
    assert sum(counts.values()) == 300 and counts["vert"] > 0
