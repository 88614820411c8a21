"""A curator's edit of a site's own fields, and a visit a curator made by hand, meet a re-import (issue 13)."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner
from django.utils import translation

from ramani.cli import main
from ramani.sites.ipis_import import import_ipis
from ramani.sites.models import Site, Visit
from tests.conftest import SAMPLE, write_table
from tests.sites.test_import_curation import _Form, admin_edit, curator  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

KABARAZA = "codmine01764"  # visits 5077 (2019) and 7002 (2023, the latest: the site's name is its name)


def _import(path, *args: str):
    r = CliRunner().invoke(main, ["import", "ipis", str(path), *args], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r.output


def test_a_curators_site_name_survives_a_reimport_and_is_reported(curator, today, tmp_path, sample_rows):  # noqa: F811
    import_ipis(SAMPLE, today=today)
    site = Site.objects.get(pcode=KABARAZA)
    assert site.name == 'Mont Kabaraza "Site B"'
    admin_edit(curator, "site", site.pk, name="Mont Kabaraza B", village="Kabaraza")
    history = Site.history.model.objects.filter(id=site.pk)
    assert history.latest("history_id").history_change_reason is None  # the admin's own history row

    # the file renames the site's latest visit; the village it leaves as the last import wrote it
    sample_rows[4]["name"] = "Mont Kabaraza (Site B)"
    report = tmp_path / "conflicts.csv"
    out = _import(write_table(tmp_path / "v2.csv", sample_rows), "--report", str(report))
    assert "1 conflict(s) with curators' edits, the curator's value kept" in out
    assert "row 6 · codmine01764 · site.name: curator 'Mont Kabaraza B', file 'Mont Kabaraza (Site B)'" in out
    with report.open(encoding="utf-8") as f:
        assert list(csv.reader(f))[1] == ["6", KABARAZA, "site.name", "Mont Kabaraza B", "Mont Kabaraza (Site B)"]
    site.refresh_from_db()
    assert (site.name, site.village) == ("Mont Kabaraza B", "Kabaraza")  # both curator's values kept
    assert Visit.objects.get(vid="7002").name == "Mont Kabaraza (Site B)"  # the visit follows the file
    # what the last import wrote, held beside the curator's values: the baselines of the next imports
    assert site.curated == {"name": 'Mont Kabaraza "Site B"', "village": "Kamituga"}
    assert history.latest("history_id").history_change_reason.startswith("import ipis v2.csv")
    assert history.latest("history_id").name == "Mont Kabaraza B"  # the history row is the site as kept

    # the same file again: nothing changes, nothing is reported
    again = import_ipis(tmp_path / "v2.csv", today=today)
    assert (again.unchanged, again.conflicts) == (7, [])
    # a later change of the site's rows: the conflict is reported again until someone resolves it
    sample_rows[4]["cid"] = "15"
    third = import_ipis(write_table(tmp_path / "v3.csv", sample_rows), today=today)
    assert [(c.field, c.curator_value, c.file_value) for c in third.conflicts] == [
        ("site.name", "Mont Kabaraza B", "Mont Kabaraza (Site B)")
    ]
    site.refresh_from_db()
    assert site.name == "Mont Kabaraza B"

    # --overwrite: the file's name replaces the curator's, the village the file never changed stays
    sample_rows[4]["cid"] = "16"
    out = _import(write_table(tmp_path / "v4.csv", sample_rows), "--overwrite")
    assert "the file's value written (--overwrite)" in out and "site.name" in out
    site.refresh_from_db()
    assert (site.name, site.village) == ("Mont Kabaraza (Site B)", "Kabaraza")
    assert set(site.curated) == {"village"}
    # from then on the file is the name's baseline: its next change goes in silently
    sample_rows[4]["name"] = "Kabaraza"
    last = import_ipis(write_table(tmp_path / "v5.csv", sample_rows), today=today)
    site.refresh_from_db()
    assert (last.conflicts, site.name) == ([], "Kabaraza")


def test_a_curators_coordinates_of_a_site_survive(today, tmp_path, sample_rows):
    import_ipis(SAMPLE, today=today)
    site = Site.objects.get(pcode=KABARAZA)
    site.longitude, site.latitude = 28.4, -3.13  # a correction (the admin saves the same way)
    site.save()
    sample_rows[4]["workers_numb"] = "90"  # the file changes a visit, not the coordinates
    quiet = import_ipis(write_table(tmp_path / "v2.csv", sample_rows), today=today)
    site.refresh_from_db()
    assert (quiet.conflicts, site.longitude, site.latitude) == ([], 28.4, -3.13)
    sample_rows[4]["longitude"], sample_rows[4]["latitude"], sample_rows[4]["geom"] = "28.5", "-3.2", ""
    moved = import_ipis(write_table(tmp_path / "v3.csv", sample_rows), today=today)
    assert sorted((c.field, c.curator_value, c.file_value) for c in moved.conflicts) == [
        ("site.latitude", -3.13, -3.2),
        ("site.longitude", 28.4, 28.5),
    ]
    site.refresh_from_db()
    assert (site.longitude, site.latitude) == (28.4, -3.13)


def test_a_site_a_curator_made_by_hand_takes_the_files_values_where_it_said_nothing(today, tmp_path, sample_rows):
    Site.objects.create(pcode=KABARAZA, name="Kabaraza", province="Sud-Kivu")  # no import wrote it
    result = import_ipis(SAMPLE, today=today)
    assert [(c.field, c.curator_value, c.file_value) for c in result.conflicts] == [
        ("site.name", "Kabaraza", 'Mont Kabaraza "Site B"')
    ]
    site = Site.objects.get(pcode=KABARAZA)
    assert (site.name, site.province, site.territoire, site.longitude) == ("Kabaraza", "Sud-Kivu", "Mwenga", 28.39912)


def test_a_visit_a_curator_made_by_hand_conflicts_only_where_it_differs(curator, today, tmp_path, sample_rows):  # noqa: F811
    row = sample_rows[3]
    assert row["vid"] == "5077"
    import_ipis(write_table(tmp_path / "v1.csv", [r for r in sample_rows if r["vid"] != "5077"]), today=today)
    site = Site.objects.get(pcode=KABARAZA)
    # the curator types the visit in through the admin: the same name and date, other diggers, no vid
    form = _Form()
    form.feed(curator.get("/admin/sites/visit/add/").content.decode())
    form.data.update(
        site=str(site.pk),
        visit_date="2019-11-02",
        project="IPIS - Madini",
        name='Mont Kabaraza "Site B"',
        workers_numb="1250",
        _save="Save",
    )
    answer = curator.post("/admin/sites/visit/add/", form.data)
    assert answer.status_code == 302, answer.content.decode()[:3000]
    hand = Visit.objects.get(site=site, visit_date="2019-11-02")
    assert hand.key == f"k:{KABARAZA}|2019-11-02|IPIS - Madini"  # the key an import finds it by
    # the same date and project again is refused with a message, not a server error
    again = curator.post("/admin/sites/visit/add/", form.data)
    with translation.override("fr"):  # the admin speaks the default language
        refusal = translation.gettext("Another visit already has this IPIS visit id, or this site, date and project.")
    assert refusal.startswith("Une autre visite")
    assert again.status_code == 200 and refusal in again.content.decode()

    count = Visit.objects.count()
    result = import_ipis(SAMPLE, today=today)
    assert Visit.objects.count() == count  # the file's row is the curator's visit, not a second one
    assert [(c.field, c.curator_value, c.file_value) for c in result.conflicts] == [("workers_numb", 1250, 1200)]
    hand.refresh_from_db()
    assert (hand.vid, hand.key, hand.workers_numb, hand.cid, hand.province) == (
        "5077",
        "vid:5077",
        1250,
        "9",
        "Sud-Kivu",
    )
    assert hand.mineral_slots.count() > 0  # slots the curator had not entered come from the file
    # from then on the file's value is the baseline: the same value again is nothing new, another one is
    sample_rows[3]["cid"] = "10"
    later = import_ipis(write_table(tmp_path / "v3.csv", sample_rows), today=today)
    hand.refresh_from_db()
    assert (later.conflicts, hand.workers_numb, hand.cid) == ([], 1250, "10")
    sample_rows[3]["workers_numb"] = "1300"
    third = import_ipis(write_table(tmp_path / "v4.csv", sample_rows), today=today)
    assert [(c.field, c.curator_value, c.file_value) for c in third.conflicts] == [("workers_numb", 1250, 1300)]
