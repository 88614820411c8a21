"""Imports keep the curators' work and leave history (issue 13 item 6), for the IPIS table."""

from __future__ import annotations

import html.parser

import pytest
from django.contrib.auth.models import User

from ramani.sites.ipis_import import import_ipis
from ramani.sites.models import Qualification, Site, Visit, VisitMineral
from tests.conftest import SAMPLE, write_table

pytestmark = pytest.mark.django_db


class _Form(html.parser.HTMLParser):
    """The fields of an admin change form as a browser would post them."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.data[name] = "on"
            else:
                self.data[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data.lstrip("\n") if not self.data[self._textarea] else data


@pytest.fixture
def curator(client):
    client.force_login(User.objects.create_superuser("curator", "c@example.org", "unused"))
    return client


def admin_edit(client, model: str, pk: int, **changes: str) -> None:
    """Change fields of a record through its admin change form (which writes a history row)."""
    url = f"/admin/sites/{model}/{pk}/change/"
    form = _Form()
    form.feed(client.get(url).content.decode())
    form.data.update(changes, _save="Save")
    answer = client.post(url, form.data)
    assert answer.status_code == 302, answer.content.decode()[:3000]


def reasons(model) -> set[str | None]:
    return set(model.history.model.objects.values_list("history_change_reason", flat=True))


def test_every_import_leaves_history(today, tmp_path, sample_rows):
    result = import_ipis(SAMPLE, today=today)
    history = Visit.history.model.objects
    assert history.filter(history_type="+").count() == Visit.objects.count() == 7
    reason = f"import ipis ipis_sample.csv (run {result.run_id})"
    assert reasons(Visit) == {reason}
    for model in (Site, VisitMineral, Qualification):
        assert model.history.model.objects.filter(history_type="+").count() == model.objects.count() > 0
        assert reasons(model) == {reason}
    # the history row is the visit as written
    v = Visit.objects.get(vid="5077")
    assert history.get(id=v.id).workers_numb == 1200 == v.workers_numb

    sample_rows[3]["workers_numb"] = "1300"
    again = import_ipis(write_table(tmp_path / "v2.csv", sample_rows), today=today)
    changed = history.filter(history_type="~")
    assert [h.workers_numb for h in changed] == [1300]
    assert changed.get().history_change_reason == f"import ipis v2.csv (run {again.run_id})"
    # a re-import of the same file changes nothing and writes no history
    count = history.count()
    import_ipis(tmp_path / "v2.csv", today=today)
    assert history.count() == count


def test_curators_edit_survives_a_changed_file_and_is_a_conflict(curator, today, tmp_path, sample_rows):
    import_ipis(SAMPLE, today=today)
    visit = Visit.objects.get(vid="5077")
    admin_edit(curator, "visit", visit.pk, workers_numb="1250", access_dry="Moto")
    assert Visit.history.model.objects.filter(id=visit.pk, history_change_reason=None).count() == 1

    # the file changes the diggers too, and the name; access_dry stays as the last import wrote it
    sample_rows[3]["workers_numb"] = "1400"
    sample_rows[3]["visit_onsite_novisitreason"] = "revisited"
    path = write_table(tmp_path / "v2.csv", sample_rows)
    result = import_ipis(path, today=today)
    assert result.updated == 1
    [conflict] = result.conflicts
    assert (conflict.row, conflict.field, conflict.curator_value, conflict.file_value) == (
        5,
        "workers_numb",
        1250,
        1400,
    )
    assert conflict.key.startswith("codmine01764 vid:5077")
    visit.refresh_from_db()
    assert visit.workers_numb == 1250  # the curator's value is kept
    assert visit.access_dry == "Moto"  # the file said nothing new: kept, not a conflict
    assert visit.visit_onsite_novisitreason == "revisited"  # what the curator did not touch follows the file

    # the same file again: nothing changed in it, nothing reported, nothing written
    again = import_ipis(path, today=today)
    assert (again.unchanged, again.conflicts) == (7, [])
    # a later change of the row: the conflict is reported again until resolved
    sample_rows[3]["cid"] = "10"
    third = import_ipis(write_table(tmp_path / "v3.csv", sample_rows), today=today)
    assert [(c.field, c.curator_value, c.file_value) for c in third.conflicts] == [("workers_numb", 1250, 1400)]
    visit.refresh_from_db()
    assert (visit.workers_numb, visit.access_dry, visit.cid) == (1250, "Moto", "10")

    # --overwrite: the file wins, and the conflict is still listed
    sample_rows[3]["access_dry"] = "A pied"
    forced = import_ipis(write_table(tmp_path / "v4.csv", sample_rows), today=today, overwrite=True)
    assert sorted((c.field, c.file_value) for c in forced.conflicts) == [
        ("access_dry", "A pied"),
        ("workers_numb", 1400),
    ]
    visit.refresh_from_db()
    assert (visit.workers_numb, visit.access_dry, visit.curated) == (1400, "A pied", {})
    # and from then on the file is the baseline again: its next change goes in silently
    sample_rows[3]["workers_numb"] = "1500"
    last = import_ipis(write_table(tmp_path / "v5.csv", sample_rows), today=today)
    visit.refresh_from_db()
    assert (last.conflicts, visit.workers_numb) == ([], 1500)


def test_a_curator_who_agrees_with_the_file_ends_the_conflict(today, tmp_path, sample_rows):
    import_ipis(SAMPLE, today=today)
    visit = Visit.objects.get(vid="4410")
    visit.name = "Kalimbi-Nord"
    visit.save()  # what the admin does: a history row without an import's reason
    sample_rows[1]["name"] = "Kalimbi-Nord"
    result = import_ipis(write_table(tmp_path / "v2.csv", sample_rows), today=today)
    assert result.conflicts == []
    sample_rows[1]["name"] = "Kalimbi Nord"
    later = import_ipis(write_table(tmp_path / "v3.csv", sample_rows), today=today)
    visit.refresh_from_db()
    assert (later.conflicts, visit.name) == ([], "Kalimbi Nord")


def test_qualification_reference_survives_a_reimport(curator, today, tmp_path, sample_rows):
    import_ipis(SAMPLE, today=today)
    qual = Qualification.objects.get(visit__vid="7002")
    admin_edit(curator, "qualification", qual.pk, reference="Arrêté ministériel n°0123/2023")
    sample_rows[4]["name"] = "Mont Kabaraza"  # the row changes
    import_ipis(write_table(tmp_path / "v2.csv", sample_rows), today=today)
    qual.refresh_from_db()
    assert (qual.status, qual.reference) == ("bleu", "Arrêté ministériel n°0123/2023")
    # the file changes the decision itself: the status follows, the reference stays, on the same record
    sample_rows[4]["qualification"] = "Vert"
    result = import_ipis(write_table(tmp_path / "v3.csv", sample_rows), today=today)
    assert result.conflicts == []
    again = Qualification.objects.get(visit__vid="7002")
    assert (again.pk, again.status, again.reference) == (qual.pk, "vert", "Arrêté ministériel n°0123/2023")
    assert Qualification.history.model.objects.filter(id=qual.pk).count() == 4  # +, admin ~, import ~ (x2)


def test_a_curators_status_against_the_files_is_a_conflict(today, tmp_path, sample_rows):
    import_ipis(SAMPLE, today=today)
    qual = Qualification.objects.get(visit__vid="7002")
    qual.status = "rouge"
    qual.save()
    sample_rows[4]["qualification"] = "Jaune"
    result = import_ipis(write_table(tmp_path / "v2.csv", sample_rows), today=today)
    [conflict] = result.conflicts
    assert conflict.field == "qualification"
    assert (conflict.curator_value, conflict.file_value) == ("rouge / 2023-03-15", "jaune / 2023-03-15")
    assert Qualification.objects.get(pk=qual.pk).status == "rouge"


def test_a_curators_mineral_slot_is_kept_against_the_file(today, tmp_path, sample_rows):
    import_ipis(SAMPLE, today=today)
    visit = Visit.objects.get(vid="4410")
    slot = visit.mineral_slots.get(position=1)
    slot.selling_points = "Nyabibwe"
    slot.save()
    sample_rows[1]["selling_points_mineral1"] = "Bukavu"
    sample_rows[1]["mineral2"] = "Wolframite"  # another slot the curator left alone
    result = import_ipis(write_table(tmp_path / "v2.csv", sample_rows), today=today)
    [conflict] = result.conflicts
    assert conflict.field == "mineral1"
    assert (conflict.curator_value, conflict.file_value) == (
        "Cassitérite / Nyabibwe / Bukavu",
        "Cassitérite / Bukavu / Bukavu",
    )
    slots = dict(visit.mineral_slots.values_list("position", "selling_points"))
    assert slots[1] == "Nyabibwe"
    assert visit.mineral_slots.get(position=2).mineral == "Wolframite"
    forced = import_ipis(write_table(tmp_path / "v2.csv", sample_rows), today=today, overwrite=True)
    assert forced.unchanged == 7  # the same file: the row did not change, nothing to decide
    sample_rows[1]["cid"] = "8"
    import_ipis(write_table(tmp_path / "v3.csv", sample_rows), today=today, overwrite=True)
    assert visit.mineral_slots.get(position=1).selling_points == "Bukavu"


def test_a_visit_a_curator_moved_stays_on_its_site(today, tmp_path, sample_rows):
    import_ipis(SAMPLE, today=today)
    visit = Visit.objects.get(vid="2205")
    other = Site.objects.get(pcode="codmine02210")
    visit.site = other
    visit.save()
    sample_rows[5]["workers_numb"] = "80"
    result = import_ipis(write_table(tmp_path / "v2.csv", sample_rows), today=today)
    assert result.conflicts == []  # the file still says codmine02203, as it did
    visit.refresh_from_db()
    assert (visit.site_id, visit.workers_numb) == (other.pk, 80)
    sample_rows[5]["pcode"] = "codmine00312"
    moved = import_ipis(write_table(tmp_path / "v3.csv", sample_rows), today=today)
    assert [(c.field, c.curator_value, c.file_value) for c in moved.conflicts] == [
        ("pcode", "codmine02210", "codmine00312")
    ]


def test_the_command_lists_conflicts_and_overwrite_lets_the_file_win(today, tmp_path, sample_rows):
    from click.testing import CliRunner

    from ramani.cli import main

    import_ipis(SAMPLE, today=today)
    visit = Visit.objects.get(vid="1021")
    visit.workers_numb = 310
    visit.save()
    sample_rows[0]["workers_numb"] = "320"
    path = write_table(tmp_path / "v2.csv", sample_rows)
    report = tmp_path / "conflicts.csv"
    r = CliRunner().invoke(main, ["import", "ipis", str(path), "--report", str(report)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "1 conflict(s) with curators' edits, the curator's value kept" in r.output
    assert "row 2 · codmine00312 vid:1021 · workers_numb: curator 310, file 320" in r.output
    assert report.read_text(encoding="utf-8").splitlines()[1] == "2,codmine00312 vid:1021,workers_numb,310,320"
    visit.refresh_from_db()
    assert visit.workers_numb == 310
    sample_rows[0]["cid"] = "4"
    path = write_table(tmp_path / "v3.csv", sample_rows)
    r = CliRunner().invoke(main, ["import", "ipis", str(path), "--overwrite"], catch_exceptions=False)
    assert "the file's value written (--overwrite)" in r.output
    visit.refresh_from_db()
    assert visit.workers_numb == 320
