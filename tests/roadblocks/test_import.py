"""Roadblock import and export, driven through the `ramani` command as a user drives it."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from ramani.cli import main
from ramani.roadblocks.formats import API_KEYS, COLUMNS
from ramani.roadblocks.models import Roadblock
from ramani.roadblocks.toll import parse_toll
from ramani.roadblocks.vocabularies import tax_categories

pytestmark = pytest.mark.django_db
BOUNDARIES = Path(__file__).resolve().parents[2] / "src/ramani/geo/data/cod_adm2_simplified.geojson"

API_ROWS = [
    {
        "lt": -1.40372,
        "ln": 28.81234,
        "lp": "Rubaya",
        "d": "2023-03-14",
        "o": "FARDC, chef de groupement",
        "t": "Forces de sécurité, Acteurs étatiques",
        "tc": "Minerais, Commerçants de minerais",
        "tm": "500 FC par personne",
        "b": "Barrière militaire, Barrière de ressources naturelles",
        "r": "Coltan, Cassitérite",
        "s": "IPIS",
    },
    {
        "lt": -1.0861,
        "ln": 27.9858,
        "lp": "Walikale centre",
        "d": "2023",
        "o": "NDC-R",
        "t": "Groupes armés",
        "tc": "Produits agricoles, Marchandises",
        "tm": "1.000 FC/moto",
        "b": "Barrière routière",
        "r": "",
        "s": "IPIS",
    },
    {
        "lt": -1.5,
        "ln": 28.9,
        "lp": "Ngungu",
        "d": "2023-05",
        "o": "",
        "t": "",
        "tc": "",
        "tm": "500 FC ou 1000 FC selon la charge",
        "b": "",
        "r": "",
        "s": "Enquête 2023",
    },
]


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)), catch_exceptions=False)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def write_csv(path: Path, rows: list[dict], columns: list[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(columns)
        w.writerows([r.get(c, "") for c in columns] for r in rows)
    return path


def test_api_shape_round_trips_column_by_column(tmp_path):
    source = tmp_path / "roadblocksall.json"
    source.write_text(json.dumps({"result": API_ROWS}, ensure_ascii=False), encoding="utf-8")
    r = run("import", "roadblocks", source, "--project", "IPIS - Roadblocks 2023")
    assert r.exit_code == 0, r.output
    assert "3 roadblocks created" in r.output
    out = tmp_path / "out.json"
    r = run("export", "roadblocks", out)
    assert r.exit_code == 0 and "wrote 3 roadblocks" in r.output
    exported = json.loads(out.read_text(encoding="utf-8"))["result"]
    assert len(exported) == len(API_ROWS)
    for original, back in zip(API_ROWS, exported):
        assert set(back) == set(API_KEYS)
        for key in API_KEYS:
            assert back[key] == original[key], (original["lp"], key)
    # and the export reads back as the same roadblocks: nothing changes
    r = run("import", "roadblocks", out, "--project", "IPIS - Roadblocks 2023")
    assert "0 roadblocks created, 0 updated, 3 unchanged" in r.output


def test_fields_read_from_the_api_shape(tmp_path):
    source = tmp_path / "api.json"
    source.write_text(json.dumps({"result": API_ROWS}), encoding="utf-8")
    assert run("import", "roadblocks", source).exit_code == 0
    rubaya = Roadblock.objects.get(place_name="Rubaya")
    assert rubaya.operator_types == ["security", "state"]
    assert rubaya.tax_targets == ["Minerais", "Commerçants de minerais"]
    assert rubaya.tax_categories == ["minerals", "mineral_traders"]
    assert rubaya.barrier_types == ["Barrière militaire", "Barrière de ressources naturelles"]
    assert rubaya.resources == ["Coltan", "Cassitérite"]
    assert (rubaya.toll_amount, rubaya.toll_currency, rubaya.toll_unit) == (Decimal("500"), "CDF", "per_person")
    assert rubaya.date.isoformat() == "2023-03-14"
    walikale = Roadblock.objects.get(place_name="Walikale centre")
    assert (walikale.toll_amount, walikale.toll_unit) == (Decimal("1000"), "per_vehicle")
    assert walikale.date.isoformat() == "2023-01-01" and walikale.date_text == "2023"
    ngungu = Roadblock.objects.get(place_name="Ngungu")
    assert ngungu.toll_amount is None and ngungu.toll_text == "500 FC ou 1000 FC selon la charge"
    assert ngungu.operator_types == [] and ngungu.history.count() == 1


CSV_ROWS = [
    {
        "key": "masisi-001",
        "place_name": "Kibabi, pont",
        "latitude": "-1.4",
        "longitude": "28.85",
        "date": "2023-04-02",
        "operators": 'APCLS; "Wazalendo"',
        "operator_types": "Groupes armés, Eléments indépendants",
        "barrier_types": "Barrière de ressources naturelles",
        "tax_targets": "Minerais",
        "toll": "2 USD par sac",
        "toll_amount": "2",
        "toll_currency": "USD",
        "toll_unit": "per_load",
        "resources": "Or",
        "road_class": "track",
        "violence_count": "3",
        "violence_kinds": "Passage à tabac, Arrestation arbitraire",
        "source": "IPIS",
        "project": "IPIS - Roadblocks 2023",
        "synthetic": "0",
    },
    {
        "key": "masisi-002",
        "place_name": "Mubi",
        "latitude": "-1.0863",
        "longitude": "27.9858",
        "date": "2023-04-03",
        "operators": "DGRAD",
        "operator_types": "Acteurs étatiques",
        "barrier_types": "Péage",
        "tax_targets": "Véhicules, Personnes",
        "toll": "paiement en nature",
        "toll_amount": "",
        "toll_currency": "",
        "toll_unit": "",
        "resources": "",
        "road_class": "primary",
        "violence_count": "0",
        "violence_kinds": "",
        "source": "IPIS",
        "project": "IPIS - Roadblocks 2023",
        "synthetic": "0",
    },
]


def test_csv_round_trips_column_by_column_with_admin_units(tmp_path):
    from ramani.geo.boundaries import import_boundaries

    import_boundaries(BOUNDARIES)
    source = write_csv(tmp_path / "survey.csv", CSV_ROWS, COLUMNS)
    r = run("import", "roadblocks", source)
    assert r.exit_code == 0 and "2 roadblocks created" in r.output, r.output
    out = tmp_path / "out.csv"
    assert run("export", "roadblocks", out).exit_code == 0
    back = read_csv(out)
    assert len(back) == 2
    for original, exported in zip(CSV_ROWS, back):
        for column in COLUMNS:
            assert exported[column] == original[column], (original["key"], column)
    assert [b["territoire"] for b in back] == ["Masisi", "Walikale"]
    assert [b["adm2_pcode"] for b in back] == ["CD6103", "CD6104"]
    assert back[0]["tax_categories"] == "minerals"
    assert back[1]["tax_categories"] == "people, vehicles"
    # xlsx and geojson of the same rows import to the same values
    for suffix in (".xlsx", ".geojson"):
        other = tmp_path / f"out{suffix}"
        assert run("export", "roadblocks", other).exit_code == 0
        r = run("import", "roadblocks", other)
        assert "0 roadblocks created, 0 updated, 2 unchanged" in r.output, (suffix, r.output)


def test_reimport_updates_what_changed_and_keeps_history(tmp_path):
    source = write_csv(tmp_path / "survey.csv", CSV_ROWS, COLUMNS)
    run("import", "roadblocks", source)
    changed = [dict(CSV_ROWS[0], toll="3 USD par sac", toll_amount="3"), CSV_ROWS[1]]
    r = run("import", "roadblocks", write_csv(tmp_path / "v2.csv", changed, COLUMNS))
    assert "0 roadblocks created, 1 updated, 1 unchanged" in r.output
    kibabi = Roadblock.objects.get(key="masisi-001")
    assert kibabi.toll_amount == Decimal("3")
    assert [h.toll_text for h in kibabi.history.order_by("history_date")] == ["2 USD par sac", "3 USD par sac"]


def test_a_file_without_keys_is_rerunnable(tmp_path):
    rows = [{k: v for k, v in r.items() if k != "key"} for r in CSV_ROWS]
    source = write_csv(tmp_path / "nokey.csv", rows, [c for c in COLUMNS if c != "key"])
    run("import", "roadblocks", source)
    r = run("import", "roadblocks", source)
    assert "0 roadblocks created, 0 updated, 2 unchanged" in r.output
    assert Roadblock.objects.count() == 2


def test_bad_file_imports_nothing_and_names_every_problem(tmp_path):
    rows = [
        dict(CSV_ROWS[0], latitude="north"),
        dict(CSV_ROWS[1], operator_types="Acteurs étatiques, Bandits", date="2023-13-01"),
        dict(CSV_ROWS[1], key="x", road_class="autoroute", violence_count="-2", toll_currency="EUR"),
        dict(CSV_ROWS[1], key="masisi-009"),
        dict(CSV_ROWS[0], key="masisi-009"),
    ]
    report = tmp_path / "report.csv"
    r = run("import", "roadblocks", write_csv(tmp_path / "bad.csv", rows, COLUMNS), "--report", report)
    assert r.exit_code == 1 and "Nothing was imported" in r.output
    problems = {(p["row"], p["column"], p["value"]) for p in read_csv(report)}
    assert problems == {
        ("2", "latitude", "north"),
        ("3", "operator_types", "Acteurs étatiques, Bandits"),
        ("3", "date", "2023-13-01"),
        ("4", "road_class", "autoroute"),
        ("4", "violence_count", "-2"),
        ("4", "toll_currency", "EUR"),
        ("6", "key", "masisi-009"),
    }
    reasons = {p["column"]: p["reason"] for p in read_csv(report)}
    assert "Bandits" in reasons["operator_types"] and "Groupes armés" in reasons["operator_types"]
    assert "row 5" in reasons["key"]
    assert Roadblock.objects.count() == 0


@pytest.mark.parametrize(
    "content,reason",
    [
        (b"", "empty"),
        (b"place_name,date\nA,2023\n", "missing column"),
        (b"\xff\xfe,latitude\n", "UTF-8"),
    ],
)
def test_unreadable_files_are_clear_errors(tmp_path, content, reason):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    r = run("import", "roadblocks", path)
    assert r.exit_code == 1 and reason in r.output


def test_json_that_is_neither_shape_and_unknown_suffix(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"rows": []}')
    r = run("import", "roadblocks", path)
    assert r.exit_code == 1 and "result" in r.output
    r = run("export", "roadblocks", tmp_path / "x.shp")
    assert r.exit_code == 1 and "expected .csv" in r.output


@pytest.mark.parametrize(
    "text,amount,currency,unit",
    [
        ("500 FC par personne", "500", "CDF", "per_person"),
        ("1$/moto", "1", "USD", "per_vehicle"),
        ("2 000 Fc/camion", "2000", "CDF", "per_vehicle"),
        ("0,5 USD par personne", "0.5", "USD", "per_person"),
        ("1000 frw par charge", "1000", "RWF", "per_load"),
        ("200fc/jour", "200", "CDF", "per_day"),
        ("gratuit", None, "", ""),
        ("500 FC ou 1000 FC", None, "CDF", ""),
    ],
)
def test_toll_text_is_read_where_it_can_be(text, amount, currency, unit):
    toll = parse_toll(text)
    assert (toll.amount, toll.currency, toll.unit) == (Decimal(amount) if amount else None, currency, unit)


def test_tax_targets_fall_into_categories():
    assert tax_categories(["Commerce de minerais"]) == ["mineral_traders"]
    assert tax_categories(["Or", "Vivres", "Ordinateurs"]) == ["minerals", "agricultural_goods", "other"]
    assert tax_categories(["Marchandises", "Motos", "Passants"]) == ["market_goods", "people", "vehicles"]


def test_a_nul_character_is_a_problem_not_a_crash(tmp_path):
    rows = [dict(CSV_ROWS[0], operators="FARDC\x00"), CSV_ROWS[1]]
    report = tmp_path / "report.csv"
    r = run("import", "roadblocks", write_csv(tmp_path / "nul.csv", rows, COLUMNS), "--report", report)
    assert r.exit_code == 1 and "Nothing was imported" in r.output
    assert [(p["row"], p["column"], p["value"]) for p in read_csv(report)] == [("2", "operators", "FARDC\\x00")]
    assert Roadblock.objects.count() == 0
