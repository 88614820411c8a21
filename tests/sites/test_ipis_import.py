"""The IPIS importer: lossless round-trip, idempotence, and all-or-nothing on bad input."""

import datetime as dt
import json
import shutil

import pytest

from ramani.sites import ipis_format as fmt
from ramani.sites.ipis_export import export_ipis
from ramani.sites.ipis_import import ImportFailed, import_ipis
from ramani.sites.models import ImportRun, Qualification, Site, Term, Visit, VisitArmedGroup, VisitMineral
from tests.conftest import SAMPLE, assert_same_table, write_table

pytestmark = pytest.mark.django_db


def snapshot():
    """Everything the registry holds, to prove a failed import changed nothing."""
    return (
        list(Site.objects.order_by("id").values()),
        list(Visit.objects.order_by("id").values()),
        list(VisitMineral.objects.order_by("id").values()),
        list(VisitArmedGroup.objects.order_by("id").values()),
        list(Qualification.objects.order_by("id").values()),
        list(Term.objects.order_by("id").values()),
    )


def test_sample_imports_with_every_quirk(today):
    result = import_ipis(SAMPLE, today=today)
    assert (result.rows, result.created, result.updated, result.unchanged) == (7, 7, 0, 0)
    assert Site.objects.count() == 4
    site = Site.objects.get(pcode="codmine00312")
    # the site takes its place from its visits; the qualification-only row does not blank it
    assert (site.name, site.territoire, site.province, site.province_pcode) == ("Kalimbi", "Kalehe", "Sud-Kivu", "CD62")
    assert (site.longitude, site.latitude) == (28.7534167, -2.0471389)
    assert site.visit_count == 3 and site.first_visit_date == dt.date(2009, 1, 1)
    visit = Visit.objects.get(vid="4410")
    assert visit.visit_onsite is True  # quoted "1"
    assert visit.mercury is False and visit.women is True
    assert visit.minerals == ["Cassitérite", "Coltan"]
    assert visit.women_tasks == ["Lavage", "Transport des minerais", "Restauration"]
    group = visit.armed_groups.get()
    assert group.type == "FARDC - Pas d’ingérence constatée"  # curly apostrophe kept
    gold = Visit.objects.get(vid="5077")
    assert [g.activities() for g in gold.armed_groups.order_by("position")] == [
        ["taxation", "entrance_taxation", "pillaging"],
        ["taxation", "commerce_taxation", "buying_minerals"],
        [],
    ]
    assert gold.site.name == 'Mont Kabaraza "Site B"'
    assert Visit.objects.get(vid="2205").visit_onsite is False


def test_qualification_history_from_rows(today):
    import_ipis(SAMPLE, today=today)
    blue = Site.objects.get(pcode="codmine01764")
    assert blue.status_on(dt.date(2023, 3, 14)).status == "none"
    assert blue.status_on(dt.date(2024, 1, 1)).status == "bleu"
    assert blue.status_on(dt.date(2026, 3, 15)).status == "rouge"  # 3 years on: automatically red
    green = Site.objects.get(pcode="codmine00312")
    assert green.status_on(dt.date(2018, 6, 1)).status == "vert"
    assert green.status_on(dt.date(2019, 3, 15)).expired
    assert Site.objects.get(pcode="codmine02210").qualifications.get().status == "none"


def test_round_trip_is_lossless(tmp_path, today):
    import_ipis(SAMPLE, today=today)
    out = tmp_path / "export.csv"
    assert export_ipis(out) == 7
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert header == ",".join(f'"{c}"' for c in fmt.COLUMNS)
    assert_same_table(SAMPLE, out)
    # and the export is itself a valid input that changes nothing
    result = import_ipis(out, today=today)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 7)


def test_export_quotes_text_and_leaves_numbers_bare(tmp_path, today):
    import_ipis(SAMPLE, today=today)
    out = tmp_path / "export.csv"
    export_ipis(out)
    line = next(ln for ln in out.read_text(encoding="utf-8").splitlines() if ln.startswith("5077,"))
    assert line.startswith(
        '5077,9,1764,"IPIS","IPIS - Madini","codmine01764","Mont Kabaraza ""Site B""","2019-11-02",1,,"0101'
    )
    assert ",1200," in line and ',"Or","Kamituga, Bukavu, Uvira",' in line


def test_reimport_changes_nothing(today):
    import_ipis(SAMPLE, today=today)
    before = snapshot()
    result = import_ipis(SAMPLE, today=today)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 7)
    assert snapshot() == before


def test_changed_row_updates_in_place(tmp_path, today, sample_rows):
    import_ipis(SAMPLE, today=today)
    visit_id = Visit.objects.get(vid="5077").id
    sample_rows[3]["workers_numb"] = "1500"
    sample_rows[3]["mineral2"] = "Coltan"
    sample_rows[3]["armed_group2"] = ""
    for c in fmt.COLUMNS:
        if c.endswith("armed_group2"):
            sample_rows[3][c] = ""
    result = import_ipis(write_table(tmp_path / "v2.csv", sample_rows), today=today)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 6)
    visit = Visit.objects.get(vid="5077")
    assert visit.id == visit_id and visit.workers_numb == 1500
    assert visit.minerals == ["Or", "Coltan"]
    assert list(visit.armed_groups.values_list("position", flat=True)) == [1, 3]


def test_rows_without_vid_key_on_pcode_date_project(tmp_path, today, sample_rows):
    for r in sample_rows:
        r["vid"] = ""
    path = write_table(tmp_path / "novid.csv", sample_rows)
    assert import_ipis(path, today=today).created == 7
    assert import_ipis(path, today=today).unchanged == 7
    # the same rows later published with their vid are matched, not duplicated
    assert import_ipis(SAMPLE, today=today).created == 0
    assert Visit.objects.count() == 7 and Visit.objects.filter(vid__isnull=True).count() == 0


def test_geojson_import_and_round_trip(tmp_path, today):
    import_ipis(SAMPLE, today=today)
    out = tmp_path / "export.geojson"
    export_ipis(out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 7
    feature = next(f for f in data["features"] if f["properties"]["vid"] == "5077")
    assert feature["geometry"] == {"type": "Point", "coordinates": [28.39912, -3.13287]}
    assert list(feature["properties"]) == fmt.COLUMNS
    Visit.objects.all().delete()
    Site.objects.all().delete()
    assert import_ipis(out, today=today).created == 7
    again = tmp_path / "again.csv"
    export_ipis(again)
    assert_same_table(SAMPLE, again)


def test_geojson_without_coordinate_columns(tmp_path, today):
    features = []
    for r in __import__("tests.conftest", fromlist=["read_table"]).read_table(SAMPLE):
        props = {k: v for k, v in r.items() if k not in ("geom", "longitude", "latitude")}
        lon, lat = fmt.read_geom(r["geom"])
        features.append(
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props}
        )
    path = tmp_path / "in.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    assert import_ipis(path, today=today).created == 7
    assert Site.objects.get(pcode="codmine01764").longitude == 28.39912


def test_new_vocabulary_values_are_kept_for_review(tmp_path, today, sample_rows):
    sample_rows[1]["mineral3"] = "Lithium"
    result = import_ipis(write_table(tmp_path / "f.csv", sample_rows), today=today)
    assert any("Lithium" in w for w in result.warnings)
    term = Term.objects.get(vocabulary="mineral", value="Lithium")
    assert not term.reviewed
    assert term.history.get().history_change_reason == f"import ipis f.csv (run {result.run_id})"
    assert ImportRun.objects.latest("started").created_count == 7


# --- bad input: a clear report, and nothing written -------------------------------------------


def _fails(path, today):
    before = snapshot()
    with pytest.raises(ImportFailed) as info:
        import_ipis(path, today=today)
    assert snapshot() == before
    return info.value.problems


@pytest.fixture
def loaded(today):
    import_ipis(SAMPLE, today=today)


def test_missing_columns(tmp_path, today, sample_rows, loaded):
    columns = [c for c in fmt.COLUMNS if c not in ("qualification", "women")]
    problems = _fails(write_table(tmp_path / "f.csv", sample_rows, columns), today)
    assert {(p.row, p.column) for p in problems} == {(1, "qualification"), (1, "women")}
    assert all("missing column" in p.reason for p in problems)


def test_non_numeric_longitude_is_reported_with_row_column_value(tmp_path, today, sample_rows, loaded):
    sample_rows[1]["longitude"] = "28.75E"
    sample_rows[1]["workers_numb"] = "450"
    sample_rows[5]["latitude"] = "north"
    problems = _fails(write_table(tmp_path / "f.csv", sample_rows), today)
    assert [(p.row, p.column, p.value) for p in problems] == [(3, "longitude", "28.75E"), (7, "latitude", "north")]
    assert "number" in problems[0].reason


def test_unknown_qualification(tmp_path, today, sample_rows, loaded):
    sample_rows[2]["qualification"] = "Violet"
    problems = _fails(write_table(tmp_path / "f.csv", sample_rows), today)
    assert [(p.row, p.column, p.value) for p in problems] == [(4, "qualification", "Violet")]
    assert "Vert, Jaune, Rouge, Bleu" in problems[0].reason


def test_pcode_with_wrong_shape(tmp_path, today, sample_rows, loaded):
    sample_rows[0]["pcode"] = "codmine312"
    sample_rows[4]["pcode"] = ""
    problems = _fails(write_table(tmp_path / "f.csv", sample_rows), today)
    assert [(p.row, p.column) for p in problems] == [(2, "pcode"), (6, "pcode")]
    assert "codmine" in problems[0].reason and "required" in problems[1].reason


def test_every_problem_of_a_row_is_reported(tmp_path, today, sample_rows, loaded):
    sample_rows[3].update(visit_date="2019-13-02", mercury="yes please", workers_numb="-5", geom="XYZ")
    problems = _fails(write_table(tmp_path / "f.csv", sample_rows), today)
    assert {p.column for p in problems} == {"visit_date", "mercury", "workers_numb", "geom"}


def test_truncated_file(tmp_path, today, loaded):
    data = SAMPLE.read_bytes()
    cut = tmp_path / "cut.csv"
    cut.write_bytes(data[: data.rindex(b'"Kongolo"')])  # the last row stops after the province columns
    problems = _fails(cut, today)
    assert len(problems) == 1 and problems[0].row == 8
    assert "expected 84 fields, found 17" in problems[0].reason
    assert "truncated" in problems[0].reason


def test_truncated_inside_quotes(tmp_path, today, loaded):
    data = SAMPLE.read_bytes()
    cut = tmp_path / "cut.csv"
    cut.write_bytes(data[: data.rindex(b'"Restauration')] + b'"Restaur')
    problems = _fails(cut, today)
    assert "truncated" in problems[0].reason


def test_non_utf8_file(tmp_path, today, loaded):
    latin = tmp_path / "latin1.csv"
    latin.write_bytes(SAMPLE.read_text(encoding="utf-8").replace("’", "'").encode("latin-1"))
    problems = _fails(latin, today)
    assert problems[0].row == 2 and "not valid UTF-8" in problems[0].reason


def test_duplicate_visit_in_one_file(tmp_path, today, sample_rows, loaded):
    sample_rows.append(dict(sample_rows[1]))
    problems = _fails(write_table(tmp_path / "f.csv", sample_rows), today)
    assert [(p.row, p.column, p.value) for p in problems] == [(9, "vid", "4410")]
    assert "row 3" in problems[0].reason


@pytest.mark.parametrize("first_load", [True, False])
def test_duplicate_visit_in_another_chunk_writes_nothing(tmp_path, today, sample_rows, monkeypatch, first_load):
    """Repeats across chunks are found by the keys' hashes (memory flat), then named by their rows."""
    from ramani.sites import ipis_import

    if not first_load:
        import_ipis(SAMPLE, today=today)
    monkeypatch.setattr(ipis_import, "CHUNK", 2)
    sample_rows.append(dict(sample_rows[0], workers_numb="999"))  # row 9 repeats row 2, three chunks later
    problems = _fails(write_table(tmp_path / "f.csv", sample_rows), today)
    assert [(p.row, p.column, p.value) for p in problems] == [(9, "vid", "1021")]
    assert "row 2" in problems[0].reason
    assert Visit.objects.count() == (0 if first_load else 7)


def test_empty_and_header_only_files(tmp_path, today, loaded):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert "empty" in _fails(empty, today)[0].reason
    header = tmp_path / "header.csv"
    header.write_text(",".join(fmt.COLUMNS) + "\n", encoding="utf-8")
    assert "no rows" in _fails(header, today)[0].reason


def test_failure_deep_in_a_large_file_writes_nothing(tmp_path, today, sample_rows):
    rows = []
    for i in range(5000):
        r = dict(sample_rows[i % 7])
        r["vid"] = str(100000 + i)
        r["pcode"] = f"codmine{10000 + i % 900:05d}"
        rows.append(r)
    rows[4321]["visit_date"] = "2019-02-31"
    problems = _fails(write_table(tmp_path / "big.csv", rows), today)
    assert [(p.row, p.column) for p in problems] == [(4323, "visit_date")]
    assert Visit.objects.count() == 0 and Site.objects.count() == 0


def test_bad_geojson(tmp_path, today, loaded):
    path = tmp_path / "bad.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    assert "not valid JSON" in _fails(path, today)[0].reason


def test_sample_file_is_not_modified(tmp_path, today):
    copy = tmp_path / "sample.csv"
    shutil.copy(SAMPLE, copy)
    import_ipis(copy, today=today)
    assert copy.read_bytes() == SAMPLE.read_bytes()


def test_site_values_do_not_depend_on_memory_limit_or_row_order(tmp_path, today, monkeypatch):
    """Sites folded in memory, flushed early, or refreshed in SQL all end with the same values."""
    import random

    from ramani.sites import demo
    from ramani.sites.ipis_export import write_csv
    from ramani.sites.site_refresh import SiteFold

    rows = list(demo.generate(sites=120, seed=5, today=today))
    random.Random(1).shuffle(rows)  # a site's rows scattered, not in date order
    path = tmp_path / "shuffled.csv"
    with path.open("w", encoding="utf-8") as f:
        write_csv(iter(rows), f)
    fields = [
        "pcode",
        "name",
        "longitude",
        "latitude",
        "province",
        "territoire",
        "village",
        "first_visit_date",
        "last_visit_date",
        "visit_count",
        "synthetic",
        "province_pcode",
    ]

    import_ipis(path, today=today)
    folded = list(Site.objects.order_by("pcode").values_list(*fields))
    Visit.objects.all().delete()
    Site.objects.all().delete()
    monkeypatch.setattr(SiteFold, "limit", 7)
    import_ipis(path, today=today)
    assert list(Site.objects.order_by("pcode").values_list(*fields)) == folded
    # and the SQL refresh of existing sites agrees too
    Site.objects.update(name="", visit_count=0, longitude=None)
    from ramani.sites.site_refresh import refresh

    refresh(list(Site.objects.values_list("id", flat=True)))
    assert list(Site.objects.order_by("pcode").values_list(*fields)) == folded


def test_a_row_with_empty_columns_does_not_blank_the_site(tmp_path, today, sample_rows):
    """Qualification-status rows often carry only pcode, date and status: the site keeps its place."""
    row = sample_rows[2]
    for column in ("name", "longitude", "latitude", "geom", "territoire", "village", "province"):
        row[column] = ""
    row["visit_date"] = "2024-06-01"
    import_ipis(write_table(tmp_path / "f.csv", sample_rows), today=today)
    site = Site.objects.get(pcode="codmine00312")
    assert (site.name, site.territoire, site.village, site.longitude) == ("Kalimbi", "Kalehe", "Nyabibwe", 28.7534167)
    assert site.last_visit_date == dt.date(2024, 6, 1)
    # and the same through the SQL refresh used for sites that already existed
    sample_rows[2]["visit_date"] = "2024-07-01"
    import_ipis(write_table(tmp_path / "g.csv", sample_rows), today=today)
    site.refresh_from_db()
    assert (site.name, site.territoire, site.longitude, site.last_visit_date) == (
        "Kalimbi",
        "Kalehe",
        28.7534167,
        dt.date(2024, 7, 1),
    )


def test_texts_with_tabs_backslashes_and_line_breaks_survive(tmp_path, today, sample_rows):
    """PostgreSQL's import writes COPY text itself: every character COPY treats specially is escaped."""
    odd = ["a\tb", "back\\slash", "two\nlines", "cr\r\nhere", "\\N", "\\.", "tab\t\\t end\\"]
    sample_rows[3]["vid"] = "5077\\x"
    sample_rows[3]["armed_group1"] = odd[0]
    sample_rows[3]["mineral1"] = odd[1]
    sample_rows[3]["project"] = odd[2]
    sample_rows[1]["project"] = odd[3]
    sample_rows[2]["project"] = odd[4]
    sample_rows[4]["project"] = odd[5]
    sample_rows[5]["project"] = odd[6]
    path = write_table(tmp_path / "odd.csv", sample_rows)
    try:
        assert import_ipis(path, today=today).created == 7
    except ImportFailed as failed:
        raise AssertionError(failed.problems) from None
    visit = Visit.objects.get(vid="5077\\x")
    assert visit.project == odd[2] and visit.minerals[0] == odd[1]
    assert visit.armed_groups.order_by("position").first().name == odd[0]
    assert sorted(Visit.objects.values_list("project", flat=True)) == sorted(r["project"] for r in sample_rows)
    out = tmp_path / "export.csv"
    export_ipis(out)
    assert_same_table(path, out)
    assert import_ipis(path, today=today).unchanged == 7


def test_a_nul_character_is_a_problem_with_its_row_and_column(tmp_path, today, sample_rows, loaded):
    before = snapshot()
    sample_rows[3]["project"] = "a\x00b"
    with pytest.raises(ImportFailed) as failed:
        import_ipis(write_table(tmp_path / "nul.csv", sample_rows), today=today)
    (problem,) = failed.value.problems
    assert (problem.row, problem.column, problem.value) == (5, "project", "a\\x00b") and "NUL" in problem.reason
    assert snapshot() == before
