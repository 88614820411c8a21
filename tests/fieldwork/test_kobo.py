"""`ramani import kobo`: API JSON pages (from a local stand-in server), XLSX/CSV exports, edits, problems."""

from __future__ import annotations

import csv
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from ramani.cli import main
from ramani.fieldwork import kobo
from ramani.fieldwork.models import SurveySubmission
from ramani.sites.ipis_import import import_ipis
from ramani.sites.models import Visit
from tests.conftest import SAMPLE

pytestmark = pytest.mark.django_db
TOKEN = "k0b0-t0ken-for-tests"


def run(*args, env=None):
    return CliRunner(env=env).invoke(main, [str(a) for a in args], catch_exceptions=False)


def record(n, pcode="codmine00312", **over):
    """A submission as KoboToolbox API v2 returns it for the Ramani site-visit form."""
    uuid = f"00000000-0000-4000-8000-{n:012d}"
    r = {
        "_id": 1000 + n,
        "_uuid": uuid,
        "formhub/uuid": "f0f0",
        "__version__": "vabc",
        "start": "2025-03-04T08:00:00.000+02:00",
        "end": "2025-03-04T09:00:00.000+02:00",
        "pcode": pcode,
        "visit_date": "2025-03-04",
        "visit_onsite": "1",
        "gps": "-3.0621 28.1762 1020 5",
        "site/workers_numb": "240",
        "site/access_dry": "less2h",
        "site/access_wet": "more2h",
        "site/mechanisation": "bas",
        "site/mercury": "1",
        "minerals": [
            {"minerals/mineral": "or", "minerals/selling_points": "Kamituga", "minerals/final_destination": "Bukavu"},
            {"minerals/mineral": "cassiterite", "minerals/selling_points": "Kamituga"},
        ],
        "security/presence": "1",
        "security/interference": "1",
        "armed_groups": [
            {
                "armed_groups/armed_group": "FARDC",
                "armed_groups/type_armed_group": "fardc_elements_indisciplines",
                "armed_groups/frequency_armed_group": "quotidien",
                "armed_groups/activities": "taxation pillaging",
            }
        ],
        "social/state_services": "saemape division_des_mines pnc",
        "social/childunder15": "1",
        "social/childunder15work": "lavage transport_des_minerais",
        "social/women": "0",
        "meta/instanceID": f"uuid:{uuid}",
        "_submission_time": f"2025-03-0{min(n, 9)}T10:00:00",
        "_geolocation": [-3.0621, 28.1762],
        "_attachments": [],
        "_status": "submitted_via_web",
        "_submitted_by": "enumerator1",
        "_validation_status": {},
    }
    r.update(over)
    return r


@pytest.fixture
def sites(today):
    import_ipis(SAMPLE, today=today)


def page_file(tmp_path, records, name="page.json"):
    path = tmp_path / name
    path.write_text(json.dumps({"count": len(records), "next": None, "previous": None, "results": records}))
    return path


def test_submissions_become_visits_and_edits_update_them(tmp_path, sites):
    before = Visit.objects.count()
    path = page_file(tmp_path, [record(1), record(2, pcode="codmine01764", visit_date="2025-03-05")])
    r = run("import", "kobo", path, "--project", "ILO cobalt 2025")
    assert r.exit_code == 0, r.output
    assert "2 submissions — 2 visits created" in r.output
    v = Visit.objects.get(vid="00000000-0000-4000-8000-000000000001")
    assert (v.site.pcode, v.project, v.source, str(v.visit_date)) == (
        "codmine00312",
        "ILO cobalt 2025",
        "IPIS",
        "2025-03-04",
    )
    assert (v.longitude, v.latitude, v.location_origin, v.workers_numb) == (28.1762, -3.0621, "GPS", 240)
    assert (v.access_dry, v.access_wet, v.mechanisation, v.mercury) == ("less2h", "more2h", "Bas", True)
    assert v.minerals == ["Or", "Cassitérite"] and v.is_gold_mine and v.is_3t_mine
    assert v.mineral_slots.get(position=1).final_destination == "Bukavu"
    g = v.armed_groups.get(position=1)
    assert (g.name, g.type, g.frequency) == (
        "FARDC",
        "FARDC - Éléments indisciplinés",
        "Quotidien",
    )
    assert g.taxation is True and g.pillaging is True and g.digging is False
    assert (v.state_service1, v.state_service2, v.state_service3, v.state_service4) == (
        "SAEMAPE",
        "Division des mines",
        "PNC",
        "",
    )
    assert v.child_tasks == ["Lavage", "Transport des minerais"] and v.women is False
    assert Visit.objects.count() == before + 2
    # Same page again: nothing changes.
    r = run("import", "kobo", path, "--project", "ILO cobalt 2025")
    assert "0 visits created, 0 updated, 2 unchanged" in r.output
    # An edit: new instanceID, deprecatedID naming the first version.
    edited = record(
        1,
        **{
            "site/workers_numb": "300",
            "meta/instanceID": "uuid:11111111-0000-4000-8000-000000000001",
            "meta/deprecatedID": "uuid:00000000-0000-4000-8000-000000000001",
            "_id": 1001,
            "_submission_time": "2025-03-10T10:00:00",
        },
    )
    r = run("import", "kobo", page_file(tmp_path, [edited], "edit.json"), "--project", "ILO cobalt 2025")
    assert "0 visits created, 1 updated" in r.output, r.output
    v.refresh_from_db()
    assert v.workers_numb == 300 and Visit.objects.count() == before + 2
    assert SurveySubmission.objects.filter(root="uuid:00000000-0000-4000-8000-000000000001").count() == 2
    assert set(SurveySubmission.objects.values_list("visit_id", flat=True)) == set(
        Visit.objects.filter(project="ILO cobalt 2025").values_list("id", flat=True)
    )
    # In the IPIS export.
    out = tmp_path / "ipis.csv"
    run("export", "ipis", out)
    with out.open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["project"] == "ILO cobalt 2025"]
    assert len(rows) == 2 and {r["workers_numb"] for r in rows} == {"300", "240"}
    assert rows[0]["type_armed_group1"] == "FARDC - Éléments indisciplinés"


def test_more_than_three_armed_groups_are_reported(tmp_path, sites):
    groups = [
        {"armed_groups/armed_group": name, "armed_groups/type_armed_group": "groupe_arme_local"}
        for name in ("Raïa Mutomboki", "NDC-Rénové", "CODECO", "FDLR")
    ]
    r = run("import", "kobo", page_file(tmp_path, [record(3, armed_groups=groups)]))
    assert r.exit_code == 0, r.output
    assert "4 armed groups" in r.output and "FDLR" in r.output
    v = Visit.objects.get(vid__endswith="000000000003")
    assert [g.name for g in v.armed_groups.order_by("position")] == ["Raïa Mutomboki", "NDC-Rénové", "CODECO"]


def test_malformed_submissions_are_all_reported_and_nothing_is_written(tmp_path, sites):
    before = Visit.objects.count()
    bad = [
        record(1, gps="", _geolocation=[None, None]),
        record(2, **{"site/mechanisation": "very_high"}),
        record(3, visit_date="04/03/2025"),
        record(4, pcode="codmine99999"),
        record(5, gps="north"),
        record(6),
    ]
    report = tmp_path / "report.csv"
    r = run("import", "kobo", page_file(tmp_path, bad), "--report", report)
    assert r.exit_code == 1 and "Nothing was imported" in r.output
    with report.open(encoding="utf-8") as f:
        got = [(p["submission"], p["field"], p["value"], p["reason"]) for p in csv.DictReader(f)]
    assert got == [
        ("1001", "gps", "", "no GPS point"),
        ("1002", "mechanisation", "very_high", "unknown choice code for list mechanisation"),
        ("1003", "visit_date", "04/03/2025", "bad date (expected YYYY-MM-DD)"),
        ("1004", "pcode", "codmine99999", "unknown pcode (not in the registry)"),
        ("1005", "gps", "north", "expected a GPS point 'latitude longitude altitude accuracy'"),
    ]
    assert Visit.objects.count() == before and SurveySubmission.objects.count() == 0
    # The server's _geolocation stands in when the form's point is missing.
    r = run("import", "kobo", page_file(tmp_path, [record(7, gps="")], "geo.json"))
    assert r.exit_code == 0, r.output
    assert Visit.objects.get(vid__endswith="000000000007").longitude == 28.1762


def test_xlsx_export_with_repeat_sheets_and_csv_export(tmp_path, sites):
    book = Workbook()
    main_sheet = book.active
    main_sheet.title = "Ramani site visit"
    head = ["pcode", "visit_date", "visit_onsite", "gps", "site/workers_numb", "security/presence"]
    head += ["social/state_services", "meta/instanceID", "_id", "_uuid", "_submission_time", "_index"]
    main_sheet.append(head)
    main_sheet.append(
        [
            "codmine00312",
            "2025-04-01",
            "1",
            "-3.06 28.17 0 4",
            55,
            "1",
            "pnc anr",
            "uuid:aa-1",
            7,
            "aa-1",
            "2025-04-02T00:00:00",
            1,
        ]
    )
    main_sheet.append(
        ["codmine01764", "2025-04-03", "0", None, None, "0", None, "uuid:aa-2", 8, "aa-2", "2025-04-03T00:00:00", 2]
    )
    groups = book.create_sheet("armed_groups")
    groups.append(["armed_group", "type_armed_group", "activities", "_index", "_parent_index", "_parent_table_name"])
    groups.append(["FDLR", "Groupe armé étranger", "Taxation, Pillage", 1, 1, "Ramani site visit"])  # labels, not codes
    groups.append(["Raïa Mutomboki", "groupe_arme_local", "digging", 2, 1, "Ramani site visit"])
    path = tmp_path / "export.xlsx"
    book.save(path)
    r = run("import", "kobo", path)
    assert r.exit_code == 0, r.output
    v = Visit.objects.get(vid="aa-1")
    assert v.workers_numb == 55 and (v.state_service1, v.state_service2) == ("PNC", "ANR")
    groups_of = {g.name: g for g in v.armed_groups.all()}
    assert groups_of["FDLR"].type == "Groupe armé étranger" and groups_of["FDLR"].pillaging
    assert groups_of["Raïa Mutomboki"].digging and not groups_of["Raïa Mutomboki"].taxation
    assert Visit.objects.get(vid="aa-2").visit_onsite is False
    # Kobo's CSV export: ';'-separated, no repeats (a warning says so).
    csv_path = tmp_path / "export.csv"
    csv_path.write_text(
        "pcode;visit_date;visit_onsite;gps;site/workers_numb;meta/instanceID;_id;_submission_time\n"
        "codmine02203;2025-05-01;1;-2.9 28.3 0 3;12;uuid:bb-1;9;2025-05-01T12:00:00\n",
        encoding="utf-8",
    )
    r = run("import", "kobo", csv_path)
    assert r.exit_code == 0 and "no repeat groups" in r.output
    assert Visit.objects.get(vid="bb-1").workers_numb == 12


class _Kobo(BaseHTTPRequestHandler):
    """Speaks the documented data endpoint: start/limit paging, `next` links, Mongo-style query, token."""

    records: list[dict] = []
    seen: list[dict] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        type(self).seen.append(q)
        if self.headers.get("Authorization") != f"Token {TOKEN}":
            return self._send(401, {"detail": "Invalid token."})
        if url.path != "/api/v2/assets/aQx9/data/" or q.get("format") != "json":
            return self._send(404, {"detail": "Not found."})
        rows = self.records
        if "query" in q:
            since = json.loads(q["query"])["_submission_time"]["$gte"]
            rows = [r for r in rows if r["_submission_time"] >= since]
        start, limit = int(q.get("start", 0)), int(q.get("limit", 100))
        chunk = rows[start : start + limit]
        more = start + limit < len(rows)
        nxt = (
            f"http://{self.headers['Host']}{url.path}?format=json&start={start + limit}&limit={limit}" if more else None
        )
        self._send(200, {"count": len(rows), "next": nxt, "previous": None, "results": chunk})

    def _send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Kobo)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Kobo.seen = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_pull_pages_from_the_api_then_incrementally(server, sites):
    _Kobo.records = [record(n, pcode="codmine00312" if n % 2 else "codmine02210") for n in range(1, 6)]
    got = kobo.pull(server, "aQx9", TOKEN, limit=2)
    assert [r["_id"] for r in got] == [1001, 1002, 1003, 1004, 1005]
    assert [q["start"] for q in _Kobo.seen] == ["0", "2", "4"]
    env = {"RAMANI_KOBO_URL": server, "RAMANI_KOBO_TOKEN": TOKEN}
    r = run("import", "kobo", "--asset", "aQx9", env=env)
    assert r.exit_code == 0, r.output
    assert "5 submissions — 5 visits created" in r.output
    _Kobo.seen = []
    _Kobo.records.append(record(8, pcode="codmine02210"))
    r = run("import", "kobo", "--asset", "aQx9", env=env)
    assert r.exit_code == 0, r.output
    assert json.loads(_Kobo.seen[0]["query"]) == {"_submission_time": {"$gte": "2025-03-05T10:00:00"}}
    assert "2 submissions — 1 visits created, 0 updated, 1 unchanged" in r.output
    assert SurveySubmission.objects.filter(source="kobo:aQx9").count() == 6
    r = run("import", "kobo", "--asset", "aQx9", env={**env, "RAMANI_KOBO_TOKEN": "wrong"})
    assert r.exit_code == 1 and "token was refused" in r.output and "wrong" not in r.output
    r = run("import", "kobo", "--asset", "aQx9", env={"RAMANI_KOBO_URL": "", "RAMANI_KOBO_TOKEN": ""})
    assert r.exit_code == 2 and "RAMANI_KOBO_TOKEN" in r.output


def test_an_edited_submission_meets_a_curators_edit(tmp_path, sites):
    run("import", "kobo", page_file(tmp_path, [record(1)]))
    visit = Visit.objects.get(vid="00000000-0000-4000-8000-000000000001")
    assert visit.history.get().history_change_reason.startswith("import kobo ")
    visit.workers_numb = 250  # a curator's correction (the admin saves the same way, with a history row)
    visit.save()
    edited = record(
        1,
        **{
            "site/workers_numb": "300",
            "site/mercury": "0",
            "meta/instanceID": "uuid:11111111-0000-4000-8000-000000000001",
            "meta/deprecatedID": "uuid:00000000-0000-4000-8000-000000000001",
            "_submission_time": "2025-03-10T10:00:00",
        },
    )
    path = page_file(tmp_path, [edited], "edit.json")
    report = tmp_path / "conflicts.csv"
    r = run("import", "kobo", path, "--report", report)
    assert r.exit_code == 0, r.output
    assert "1 conflict(s) with curators' edits, the curator's value kept" in r.output
    assert "row 1001 · codmine00312 vid:00000000-0000-4000-8000-000000000001 · workers_numb" in r.output
    with report.open(encoding="utf-8") as f:
        assert list(csv.reader(f))[1][2:] == ["workers_numb", "250", "300"]
    visit.refresh_from_db()
    assert (visit.workers_numb, visit.mercury) == (250, False)
    # the same edit pulled again with --overwrite: nothing new in it; a further edit lets the file win
    edited2 = dict(edited, **{"meta/instanceID": "uuid:22222222-0000-4000-8000-000000000001"})
    edited2["meta/deprecatedID"] = edited["meta/instanceID"]
    edited2["_submission_time"] = "2025-03-11T10:00:00"
    edited2["site/access_dry"] = "more2h"
    r = run("import", "kobo", page_file(tmp_path, [edited2], "edit2.json"), "--overwrite")
    assert "the file's value written (--overwrite)" in r.output, r.output
    visit.refresh_from_db()
    assert (visit.workers_numb, visit.access_dry) == (300, "more2h")
    assert {h.history_type for h in visit.history.all()} == {"+", "~"} and visit.history.count() == 4
