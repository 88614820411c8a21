"""`--form FILE.xlsx`: a survey's own choice codes read through its XLSForm's labels (Kobo and ODK)."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from ramani.fieldwork.form_labels import FormError, read_xlsform
from ramani.fieldwork.xlsform import write_xlsform
from ramani.sites.models import Visit
from tests.fieldwork.test_kobo import page_file, record, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def numbered_form(tmp_path, sites):
    """Ramani's own form, its choice codes replaced by numbers as a hand-made form would have them
    (the sites keep their pcodes); returns the form and {list name: {old code: number}}."""
    path = tmp_path / "form.xlsx"
    write_xlsform(path, [("codmine00312", "Kalimbi"), ("codmine01764", "Mont Kabaraza")])
    book = load_workbook(path)
    sheet = book["choices"]
    header = [c.value for c in sheet[1]]
    at_list, at_name = header.index("list_name"), header.index("name")
    numbers: dict[str, dict[str, str]] = {}
    for row in sheet.iter_rows(min_row=2):
        list_name = row[at_list].value
        if list_name == "site":
            continue
        table = numbers.setdefault(list_name, {})
        table[row[at_name].value] = str(len(table) + 1)
        row[at_name].value = len(table)  # a number, as spreadsheets keep them
    book["settings"]["B2"] = "my_site_visit"  # form_id
    book.save(path)
    return path, numbers


@pytest.fixture
def sites(today):
    from ramani.sites.ipis_import import import_ipis
    from tests.conftest import SAMPLE

    import_ipis(SAMPLE, today=today)


def numbered(numbers, **answers):
    """A Kobo record whose answers are given as the form's original codes, sent as its numbers."""
    over = {}
    for key, (list_name, codes) in answers.items():
        over[key] = " ".join(numbers[list_name][c] for c in codes.split())
    return over


def test_kobo_answers_in_the_forms_own_codes(tmp_path, numbered_form):
    form, numbers = numbered_form
    over = numbered(
        numbers,
        **{
            "site/access_dry": ("access", "less2h"),
            "site/access_wet": ("access", "more2h"),
            "site/mechanisation": ("mechanisation", "bas"),
            "site/mercury": ("yes_no", "1"),
            "security/presence": ("yes_no", "1"),
            "security/interference": ("yes_no", "0"),
            "social/state_services": ("state_service", "saemape pnc"),
            "social/childunder15": ("yes_no", "0"),
            "social/childunder15work": ("task", "lavage"),
            "social/women": ("yes_no", "1"),
        },
    )
    rec = record(1, **over)
    rec["minerals"] = [{"minerals/mineral": numbers["mineral"]["or"], "minerals/selling_points": "Kamituga"}]
    rec["armed_groups"][0]["armed_groups/type_armed_group"] = numbers["armed_group_type"][
        "fardc_elements_indisciplines"
    ]
    rec["armed_groups"][0]["armed_groups/frequency_armed_group"] = numbers["frequency"]["quotidien"]
    rec["armed_groups"][0]["armed_groups/activities"] = " ".join(
        numbers["activity"][a] for a in ("taxation", "pillaging")
    )
    path = page_file(tmp_path, [rec])
    without = run("import", "kobo", path)
    assert without.exit_code == 1 and "unknown choice code" in without.output  # the numbers mean nothing alone
    r = run("import", "kobo", path, "--form", form)
    assert r.exit_code == 0, r.output
    v = Visit.objects.get(vid="00000000-0000-4000-8000-000000000001")
    assert (v.access_dry, v.access_wet, v.mechanisation, v.mercury) == ("less2h", "more2h", "Bas", True)
    assert (v.presence, v.interference, v.childunder15, v.women) == (True, False, False, True)
    assert (v.state_service1, v.state_service2) == ("SAEMAPE", "PNC")
    assert v.minerals == ["Or"] and v.child_tasks == ["Lavage"]
    g = v.armed_groups.get()
    assert (g.type, g.frequency, g.activities()) == (
        "FARDC - Éléments indisciplinés",
        "Quotidien",
        ["taxation", "pillaging"],
    )
    assert v.site.pcode == "codmine00312"  # the site question keeps its pcodes


def test_odk_form_option_takes_the_xlsform_and_its_form_id(tmp_path, numbered_form):
    form, numbers = numbered_form
    assert read_xlsform(form).form_id == "my_site_visit"
    row = {
        "__id": "uuid:aaaaaaaa-0000-4000-8000-000000000001",
        "__system": {"submissionDate": "2025-03-04T10:00:00.000Z", "reviewState": None},
        "meta": {"instanceID": "uuid:aaaaaaaa-0000-4000-8000-000000000001"},
        "pcode": "codmine01764",
        "visit_date": "2025-03-04",
        "visit_onsite": numbers["yes_no"]["1"],
        "gps": {"type": "Point", "coordinates": [28.1762, -3.0621, 1020]},
        "site": {"workers_numb": 80, "access_dry": numbers["access"]["more2h"]},
    }
    path = tmp_path / "odata.json"
    path.write_text(json.dumps({"value": [row]}), encoding="utf-8")
    r = run("import", "odk", path, "--form", form)
    assert r.exit_code == 0, r.output
    v = Visit.objects.get(vid="aaaaaaaa-0000-4000-8000-000000000001")
    assert (v.visit_onsite, v.access_dry, v.workers_numb) == (True, "more2h", 80)
    missing = run("import", "odk", path, "--form", tmp_path / "nope.xlsx")
    assert missing.exit_code == 2 and "no such XLSForm file" in missing.output


def test_a_workbook_that_is_not_an_xlsform(tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "book.xlsx"
    Workbook().save(path)
    with pytest.raises(FormError, match="'survey' and a 'choices' sheet"):
        read_xlsform(path)
    (tmp_path / "text.xlsx").write_text("not a workbook")
    with pytest.raises(FormError, match="not an XLSForm workbook"):
        read_xlsform(tmp_path / "text.xlsx")
