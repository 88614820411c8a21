"""Armed interference shares: the rules on hand-made rows, then the demo registry against ORM counts."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
from click.testing import CliRunner
from django.db.models import Q
from django.utils import translation

from ramani.analysis import interference as ai
from ramani.analysis.interference import VisitRow
from ramani.cli import main


def test_wilson_interval_matches_the_textbook_values():
    low, high = ai.wilson(5, 10)
    assert (round(low, 4), round(high, 4)) == (0.2366, 0.7634)
    low, high = ai.wilson(0, 20)
    assert low == 0 and round(high, 4) == 0.1611
    assert ai.wilson(0, 0) == (None, None)


ROWS = [
    # site A, 2021: two visits, interference at one -> counts once, with interference
    VisitRow("A", 2021, "Sud-Kivu", 100, False),
    VisitRow("A", 2021, "Sud-Kivu", 80, True, ("Groupe armé local",), ("Raïa Mutomboki",)),
    # site B, 2021: no interference
    VisitRow("B", 2021, "Sud-Kivu", 30, False, ("Aucun",)),
    # site C, 2021: not active (no diggers) -> left out; D: interference not recorded -> left out
    VisitRow("C", 2021, "Nord-Kivu", 0, True),
    VisitRow("D", 2021, "Nord-Kivu", 50, None),
    # site E, 2021: a qualification row and an off-site visit do not count
    VisitRow("E", 2021, "Nord-Kivu", 50, True, project="Qualification status"),
    VisitRow("E", 2021, "Nord-Kivu", 50, True, onsite=False),
    VisitRow("F", 2021, "Nord-Kivu", 10, True, ("FARDC - Éléments indisciplinés",), ("FARDC",)),
    # 2023: A better, B worse, F same
    VisitRow("A", 2023, "Sud-Kivu", 90, False),
    VisitRow("B", 2023, "Sud-Kivu", 40, True, ("Groupe armé local",), ("Raïa Mutomboki",)),
    VisitRow("F", 2023, "Nord-Kivu", 10, True, ("FARDC - Éléments indisciplinés",), ("FARDC",)),
]


def test_shares_per_year_and_province():
    years = {y["year"]: y for y in ai.by_year_and_province(ROWS)}
    assert (years[2021]["all"]["numerator"], years[2021]["all"]["denominator"]) == (2, 3)  # A, F of A, B, F
    provinces = {s["label"]: (s["numerator"], s["denominator"]) for s in years[2021]["provinces"]}
    assert provinces == {"2021 Nord-Kivu": (1, 1), "2021 Sud-Kivu": (1, 2)}
    assert years[2021]["all"]["low"] == ai.wilson(2, 3)[0]
    with translation.override("en"):
        english = ai.by_year_and_province(ROWS)[0]["all"]["definition"]
    assert "found people working" in english
    assert "trouvé des personnes au travail" in years[2021]["all"]["definition"]  # French, the default


def test_by_group_type_and_armed_group():
    types = {y["year"]: {g["label"]: g["numerator"] for g in y["groups"]} for y in ai.by_group(ROWS, "types")}
    assert types[2021] == {"Groupe armé local": 1, "FARDC - Éléments indisciplinés": 1}  # not 'Aucun'
    names = ai.by_group(ROWS, "names")
    assert names[0]["sites"] == 3 and {g["label"] for g in names[0]["groups"]} == {"Raïa Mutomboki", "FARDC"}


def test_revisits_tell_better_from_worse():
    r = ai.revisits(ROWS, (2021, 2022), (2023, 2023))
    assert r["sites"] == 3
    assert (r["better"], r["worse"], r["same_with_interference"], r["same_without"]) == (["A"], ["B"], ["F"], [])
    assert (r["first_share"]["numerator"], r["second_share"]["numerator"]) == (2, 2)


@pytest.mark.django_db
def test_demo_registry_figures_equal_orm_counts(tmp_path, client):
    from ramani.sites.models import Visit
    from tests.conftest import load_demo

    load_demo(tmp_path, sites=400, seed=5)
    counted = (
        Visit.objects.exclude(project="Qualification status")
        .exclude(visit_onsite=False)
        .filter(workers_numb__gt=0, interference__isnull=False)
    )
    expected: dict[int, list[set]] = defaultdict(lambda: [set(), set()])
    for pcode, date, interference in counted.values_list("site__pcode", "visit_date", "interference"):
        expected[date.year][1].add(pcode)
        if interference:
            expected[date.year][0].add(pcode)
    result = ai.analyse((2016, 2018), (2022, 2025))
    got = {y["year"]: (y["all"]["numerator"], y["all"]["denominator"]) for y in result["by_year"]}
    assert got == {year: (len(k), len(n)) for year, (k, n) in expected.items()}
    assert sum(n for _k, n in got.values()) > 100
    with_interference = counted.filter(Q(interference=True))
    assert with_interference.exists()
    r = CliRunner().invoke(main, ["analyse", "interference", "--json", "--first", "2016-2018", "--second", "2022-2025"])
    assert r.exit_code == 0
    assert (
        json.loads(r.output)
        == result
        == client.get("/api/analysis/interference", {"first": "2016-2018", "second": "2022-2025"}).json()
    )
    table = CliRunner().invoke(main, ["analyse", "interference"])
    assert table.exit_code == 0 and "95% interval" in table.output
    assert client.get("/api/analysis/interference", {"first": "2016"}).status_code == 400
    assert client.get("/api/analysis/interference", {"first": "2019-2016", "second": "2023"}).status_code == 400
    assert client.get("/api/analysis/interference", {"first": "soon", "second": "2023"}).status_code == 422
    bad = CliRunner().invoke(main, ["analyse", "interference", "--first", "2019-2016", "--second", "2023"])
    assert bad.exit_code == 2 and "range of years" in bad.output
