"""`ramani form xlsform`: an XLSForm pyxform converts (without its Java validator), in three languages."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from ramani.cli import main
from ramani.fieldwork.xlsform import FORM_ID, LANGUAGES, choice_values, code, write_xlsform
from ramani.sites.ipis_import import import_ipis
from ramani.sites.vocabularies import VOCABULARIES
from tests.conftest import SAMPLE

NS = {"h": "http://www.w3.org/1999/xhtml", "x": "http://www.w3.org/2002/xforms"}


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def xform(path):
    warnings: list[str] = []
    result = convert(str(path), warnings=warnings, validate=False)
    assert warnings == []
    return ET.fromstring(result.xform)


def test_the_form_converts_with_every_vocabulary_in_three_languages(tmp_path):
    path = tmp_path / "form.xlsx"
    write_xlsform(path, [("codmine00312", "Kamituga"), ("codmine00007", "Mungwe")])
    root = xform(path)
    model = root.find("h:head/x:model", NS)
    langs = {t.get("lang") for t in model.findall("x:itext/x:translation", NS)}
    assert langs == set(LANGUAGES)
    instance = model.find("x:instance", NS)[0]
    assert instance.get("id") == FORM_ID and instance.get("version") == "1"
    binds = {b.get("nodeset").split("/")[-1]: b for b in model.findall("x:bind", NS)}
    assert binds["gps"].get("type") == "geopoint" and binds["gps"].get("required") == "true()"
    assert binds["visit_date"].get("type") == "date"
    assert binds["pcode"].get("required") == "true()"
    # Every vocabulary value is a choice whose French, English and Swahili labels are the vocabulary's.
    book = load_workbook(path)
    sheet = book["choices"]
    header = [c.value for c in sheet[1]]
    choices = [dict(zip(header, (c.value for c in row))) for row in sheet.iter_rows(min_row=2)]
    for vocabulary in ("mineral", "armed_group_type", "frequency", "state_service", "task", "mechanisation"):
        listed = {c["name"]: c for c in choices if c["list_name"] == vocabulary}
        for value, fr, en, sw in VOCABULARIES[vocabulary]:
            c = listed[code(value)]
            assert (c["label::French (fr)"], c["label::English (en)"], c["label::Swahili (sw)"]) == (fr, en, sw)
    assert [c["name"] for c in choices if c["list_name"] == "site"] == ["codmine00312", "codmine00007"]
    assert {"activity", "yes_no"} <= {c["list_name"] for c in choices}
    assert all(" " not in c["name"] for c in choices)
    assert set(book.sheetnames) == {"survey", "choices", "settings"}
    # The codes map back to the exact IPIS values.
    values = choice_values()
    assert values["armed_group_type"]["fardc_pas_d_ingerence_constatee"] == "FARDC - Pas d’ingérence constatée"
    assert values["mineral"]["cassiterite"] == "Cassitérite"


@pytest.mark.django_db
def test_cli_form_from_a_sample(tmp_path, today):
    import_ipis(SAMPLE, today=today)
    sample = tmp_path / "sample.csv"
    with sample.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["unit_id", "mine_pcodes", "weight"])
        w.writerow(["settlement:x", "codmine00312;codmine01764", "2.5"])
    out = tmp_path / "visit.xlsx"
    r = run("form", "xlsform", "--sample", sample, "--out", out)
    assert r.exit_code == 0, r.output
    assert "with 2 sites" in r.output
    root = xform(out)
    text = ET.tostring(root, encoding="unicode")
    assert "codmine00312" in text and "codmine01764" in text and "codmine02203" not in text
    r = run("form", "xlsform", "--out", tmp_path / "all.xlsx")
    assert r.exit_code == 0 and "with 4 sites" in r.output
    with sample.open("a", encoding="utf-8", newline="") as f:
        f.write("mine:codmine99999,codmine99999,1\n")
    r = run("form", "xlsform", "--sample", sample, "--out", out)
    assert r.exit_code == 1 and "codmine99999" in r.output and "not in the registry" in r.output
    r = run("form", "xlsform", "--out", tmp_path / "form.xml")
    assert r.exit_code == 2 and ".xlsx" in r.output
