"""The synthetic dataset: deterministic, realistic in shape, and labelled synthetic."""

import datetime as dt
from collections import Counter

import pytest

from ramani.sites import demo
from ramani.sites import ipis_format as fmt
from ramani.sites import qualification as rules
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
    rows = list(demo.generate(today=dt.date(2026, 11, 28)))
    sites = {r[COL["pcode"]] for r in rows}
    assert len(sites) == 3000
    assert 6500 <= len(rows) <= 8000
    years = Counter(r[COL["visit_date"]].year for r in rows)
    assert min(years) == 2009 and max(years) == 2026
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


@pytest.mark.parametrize("today", [dt.date.today(), dt.date(2031, 1, 10), dt.date(2023, 6, 1)])
def test_dated_relative_to_today(today):
    rows = list(demo.generate(sites=3000, seed=1, today=today))
    assert rows == list(demo.generate(sites=3000, seed=1, today=today))  # deterministic for a seed and a date
    dates = [r[COL["visit_date"]] for r in rows]
    assert max(dates) <= today
    field = [d for r, d in zip(rows, dates) if r[COL["project"]] != "Qualification status"]
    assert max(field).year == today.year  # the latest campaign is this year's
    decisions: dict[str, list] = {}
    for r in rows:
        if r[COL["qualification"]]:
            status = {"Vert": "vert", "Jaune": "jaune", "Rouge": "rouge", "Bleu": "bleu", "No class": "none"}
            decisions.setdefault(r[COL["pcode"]], []).append(
                (r[COL["visit_date"]], status[r[COL["qualification"]]], int(r[COL["vid"]]))
            )
    shown = Counter(rules.status_on(d, today).status for d in decisions.values())
    assert all(shown[code] > 0 for code in ("vert", "jaune", "rouge", "bleu", "none")), shown


@pytest.mark.django_db
def test_the_default_layer_shows_every_class_today(tmp_path):
    from ramani.opendata import maptiles

    path = tmp_path / "demo.csv"
    with path.open("w", encoding="utf-8") as f:
        write_csv(demo.generate(sites=3000, seed=1), f)
    import_ipis(path)
    codes = maptiles.index().status(dt.date.today())
    assert {maptiles.STATUS_CODES[c] for c in codes} == {"vert", "jaune", "rouge", "bleu", "none"}


def _demo_with_boundaries(tmp_path, sites: int) -> None:
    """The demo's sites imported as a user would, with the boundaries `ramani check sites` reads."""
    from ramani.geo.boundaries import import_boundaries

    path = tmp_path / "demo.csv"
    with path.open("w", encoding="utf-8") as f:
        write_csv(demo.generate(sites=sites, seed=1), f)
    import_ipis(path)
    import_boundaries(demo.BOUNDARIES)


@pytest.mark.django_db
def test_every_demo_site_lies_in_its_territoire(tmp_path):
    from ramani.geo.check import check_sites

    _demo_with_boundaries(tmp_path, 3000)
    problems, checked = check_sites()
    assert checked == 3000 and problems == []


def test_no_demo_point_lies_in_a_lake():
    """Sites, villages, roadblocks, depots and points of sale of the demo are all on land (the basemap's lakes)."""
    from ramani.fieldwork.demo import villages
    from ramani.geo import water
    from ramani.roadblocks.demo import records
    from ramani.supplychain.demo import point_rows

    rows = list(demo.generate(sites=3000, seed=1, today=dt.date(2026, 12, 2)))
    sites = {r[COL["pcode"]]: (r[COL["longitude"]], r[COL["latitude"]]) for r in rows}
    assert len(sites) == 3000
    assert [p for p, (lon, lat) in sites.items() if water.in_lake(lon, lat)] == []
    # the territoires around the lakes still have sites (the lakes were cut out, not the territoires)
    near_kivu = [p for p, (lon, lat) in sites.items() if 28.7 < lon < 29.4 and -2.6 < lat < -1.6]
    assert len(near_kivu) > 20
    homes = villages([(p, lon, lat) for p, (lon, lat) in sorted(sites.items())], seed=1)
    assert len(homes) > 1000
    assert [v["key"] for v in homes if water.in_lake(v["longitude"], v["latitude"])] == []
    blocks = records(seed=1)
    assert [b["key"] for b in blocks if water.in_lake(float(b["longitude"]), float(b["latitude"]))] == []
    for layer, points in point_rows(seed=1).items():
        for p in points:
            lon, lat = map(float, p["wkt"].removeprefix("POINT (").removesuffix(")").split())
            assert not water.in_lake(lon, lat), (layer, p["key"])
    assert records(seed=1) == blocks and villages([("x", 29.2, -1.7)], 3) == villages([("x", 29.2, -1.7)], 3)


@pytest.mark.django_db
def test_check_sites_reports_a_site_in_a_lake(tmp_path):
    from ramani.geo.check import check_sites

    _demo_with_boundaries(tmp_path, 20)
    site = Site.objects.order_by("pcode").first()
    Site.objects.filter(pk=site.pk).update(longitude=29.15, latitude=-2.0)  # the middle of Lake Kivu
    problems, checked = check_sites()
    assert checked == 20
    assert [(p.pcode, p.reason) for p in problems] == [
        (site.pcode, "coordinates fall in a lake (Natural Earth 1:10m lakes)")
    ]
