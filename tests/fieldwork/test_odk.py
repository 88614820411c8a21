"""`ramani import odk`: the ODK Central OData Submissions feed, from a file and from a stand-in server."""

from __future__ import annotations

import base64
import json
import re
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from ramani.cli import main
from ramani.fieldwork import odk
from ramani.fieldwork.models import SurveySubmission
from ramani.sites.ipis_import import import_ipis
from ramani.sites.models import Visit
from tests.conftest import SAMPLE

pytestmark = pytest.mark.django_db
USER, PASSWORD = "researcher@example.org", "c3ntral-pass"


def run(*args, env=None):
    return CliRunner(env=env).invoke(main, [str(a) for a in args], catch_exceptions=False)


def row(n, pcode="codmine00312", updated=None, review="received", **over):
    """A row of `/v1/projects/1/forms/ramani_site_visit.svc/Submissions?$expand=*`."""
    first = f"uuid:0dc00000-0000-4000-8000-{n:012d}"
    r = {
        "__id": first,
        "__system": {
            "submissionDate": f"2025-06-0{n}T09:00:00.000Z",
            "updatedAt": updated,
            "submitterId": "7",
            "submitterName": "enumerator",
            "attachmentsPresent": 0,
            "attachmentsExpected": 0,
            "status": None,
            "reviewState": review,
            "deviceId": None,
            "edits": 0,
            "formVersion": "1",
        },
        "meta": {"instanceID": first},
        "pcode": pcode,
        "visit_date": "2025-06-01",
        "visit_onsite": "1",
        "gps": {"type": "Point", "coordinates": [28.1762, -3.0621, 1020], "properties": {"accuracy": 5}},
        "site": {"workers_numb": 90, "mechanisation": "haut", "mercury": "0"},
        "minerals": [{"__id": "m1", "mineral": "coltan", "selling_points": "Rubaya"}],
        "minerals@odata.navigationLink": "Submissions('x')/minerals",
        "security": {"presence": "1", "interference": "0"},
        "armed_groups": [
            {"__id": "g1", "armed_group": "CODECO", "type_armed_group": "groupe_arme_local", "activities": "monopoly"}
        ],
        "social": {"state_services": "anr", "childunder15": "0", "women": "0"},
    }
    r.update(over)
    return r


@pytest.fixture
def sites(today):
    import_ipis(SAMPLE, today=today)


def test_odata_rows_become_visits_edits_update_rejected_left_out(tmp_path, sites):
    path = tmp_path / "submissions.json"
    path.write_text(json.dumps({"@odata.context": "x", "value": [row(1), row(2, review="rejected")]}))
    r = run("import", "odk", path)
    assert r.exit_code == 0, r.output
    assert "1 submissions — 1 visits created" in r.output and "1 rejected submission" in r.output
    v = Visit.objects.get(vid="0dc00000-0000-4000-8000-000000000001")
    assert (v.longitude, v.latitude, v.workers_numb, v.mechanisation, v.mercury) == (
        28.1762,
        -3.0621,
        90,
        "Haut",
        False,
    )
    assert v.minerals == ["Coltan"] and v.state_service1 == "ANR"
    g = v.armed_groups.get()
    assert (g.name, g.type, g.monopoly, g.taxation) == ("CODECO", "Groupe armé local", True, False)
    edit = row(1, updated="2025-06-09T10:00:00.000Z", site={"workers_numb": 120})
    edit["meta"] = {"instanceID": "uuid:edit-1", "deprecatedID": edit["__id"]}
    path.write_text(json.dumps({"value": [edit]}))
    r = run("import", "odk", path)
    assert "0 visits created, 1 updated" in r.output, r.output
    v.refresh_from_db()
    assert v.workers_numb == 120
    # each import left its history row of the visit, naming it: created, then updated by the edit
    assert [
        (h.history_type, h.workers_numb, h.history_change_reason[:11]) for h in v.history.order_by("history_id")
    ] == [
        ("+", 90, "import odk "),
        ("~", 120, "import odk "),
    ]
    assert set(SurveySubmission.objects.values_list("instance_id", flat=True)) == {edit["__id"], "uuid:edit-1"}
    bad = row(3, gps=None, visit_date="2025-13-01")
    path.write_text(json.dumps({"value": [bad]}))
    r = run("import", "odk", path)
    assert r.exit_code == 1 and "bad date" in r.output and "no GPS point" in r.output


class _Central(BaseHTTPRequestHandler):
    rows: list[dict] = []
    seen: list[dict] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        type(self).seen.append(q)
        expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        if self.headers.get("Authorization") != expected:
            return self._send(401, {"message": "Could not authenticate with the provided credentials.", "code": 401.2})
        if url.path != "/v1/projects/1/forms/ramani_site_visit.svc/Submissions":
            return self._send(404, {"message": "Not found", "code": 404.1})
        rows = self.rows
        if "$filter" in q:
            since = re.search(r"submissionDate ge (\S+)", q["$filter"]).group(1)
            rows = [
                r
                for r in rows
                if r["__system"]["submissionDate"] >= since or (r["__system"]["updatedAt"] or "") >= since
            ]
        skip, top = int(q.get("$skip", 0)), int(q.get("$top", 250))
        body = {"@odata.context": "ctx", "@odata.count": len(rows), "value": rows[skip : skip + top]}
        self._send(200, body)

    def _send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def central():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Central)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    _Central.seen = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_pull_from_central_pages_and_incrementally(central, sites):
    _Central.rows = [row(n, pcode="codmine01764" if n % 2 else "codmine02203") for n in range(1, 6)]
    got = odk.pull(central, "1", "ramani_site_visit", USER, PASSWORD, limit=2)
    assert [r["__id"][-1] for r in got] == ["1", "2", "3", "4", "5"]
    assert [q["$skip"] for q in _Central.seen] == ["0", "2", "4"] and _Central.seen[0]["$expand"] == "*"
    env = {"RAMANI_ODK_URL": central, "RAMANI_ODK_EMAIL": USER, "RAMANI_ODK_PASSWORD": PASSWORD}
    r = run("import", "odk", "--odk-project", 1, env=env)
    assert r.exit_code == 0 and "5 submissions — 5 visits created" in r.output, r.output
    _Central.seen = []
    _Central.rows[0] = row(1, pcode="codmine01764", updated="2025-06-08T00:00:00.000Z", site={"workers_numb": 7})
    r = run("import", "odk", "--odk-project", 1, env=env)
    assert r.exit_code == 0, r.output
    assert "2025-06-05T09:00:00.000Z" in _Central.seen[0]["$filter"]
    assert "2 submissions — 0 visits created, 1 updated, 1 unchanged" in r.output
    assert Visit.objects.get(vid="0dc00000-0000-4000-8000-000000000001").workers_numb == 7
    r = run("import", "odk", "--odk-project", 1, env={**env, "RAMANI_ODK_PASSWORD": "guess"})
    assert r.exit_code == 1 and "refused" in r.output and "guess" not in r.output


def central_csv_zip(path, rows_main, minerals, groups):
    """A zip as Central's `submissions.csv.zip` writes it: the root table and a table per repeat."""
    import csv
    import io
    import zipfile

    def table(header, rows):
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(header)
        w.writerows([r.get(c, "") for c in header] for r in rows)
        return buf.getvalue()

    main_header = [
        "SubmissionDate",
        "meta-instanceID",
        "pcode",
        "visit_date",
        "visit_onsite",
        "gps-Latitude",
        "gps-Longitude",
        "gps-Altitude",
        "gps-Accuracy",
        "site-workers_numb",
        "site-mechanisation",
        "site-mercury",
        "security-presence",
        "security-interference",
        "social-state_services",
        "social-childunder15",
        "social-women",
        "KEY",
        "SubmitterID",
        "SubmitterName",
        "AttachmentsPresent",
        "AttachmentsExpected",
        "Status",
        "ReviewState",
        "DeviceID",
        "Edits",
        "FormVersion",
    ]
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("ramani_site_visit.csv", table(main_header, rows_main))
        z.writestr(
            "ramani_site_visit-minerals.csv",
            table(["mineral", "selling_points", "final_destination", "PARENT_KEY", "KEY"], minerals),
        )
        z.writestr(
            "ramani_site_visit-security-armed_groups.csv",
            table(
                ["armed_group", "type_armed_group", "frequency_armed_group", "activities", "PARENT_KEY", "KEY"], groups
            ),
        )
    return path


def test_central_csv_zip_export(tmp_path, sites):
    key1, key2 = "uuid:0dc00000-0000-4000-8000-0000000000a1", "uuid:0dc00000-0000-4000-8000-0000000000a2"
    common = {
        "visit_onsite": "1",
        "gps-Latitude": "-3.0621",
        "gps-Longitude": "28.1762",
        "gps-Altitude": "1020",
        "gps-Accuracy": "5",
        "site-mechanisation": "haut",
        "site-mercury": "0",
        "social-childunder15": "0",
        "social-women": "1",
        "SubmitterID": "7",
        "Edits": "0",
    }
    main_rows = [
        dict(
            common,
            SubmissionDate="2025-06-01T09:00:00.000Z",
            KEY=key1,
            pcode="codmine00312",
            visit_date="2025-06-01",
            **{
                "meta-instanceID": key1,
                "site-workers_numb": "90",
                "security-presence": "1",
                "security-interference": "1",
                "social-state_services": "anr saemape",
            },
        ),
        dict(
            common,
            SubmissionDate="2025-06-02T09:00:00.000Z",
            KEY=key2,
            pcode="codmine01764",
            visit_date="2025-06-02",
            ReviewState="rejected",
            **{"meta-instanceID": key2},
        ),
    ]
    minerals = [
        {"mineral": "coltan", "selling_points": "Rubaya", "PARENT_KEY": key1, "KEY": f"{key1}/minerals[1]"},
        {"mineral": "cassiterite", "PARENT_KEY": key1, "KEY": f"{key1}/minerals[2]"},
    ]
    groups = [
        {
            "armed_group": "CODECO",
            "type_armed_group": "groupe_arme_local",
            "activities": "monopoly taxation",
            "PARENT_KEY": key1,
            "KEY": f"{key1}/security/armed_groups[1]",
        },
    ]
    path = central_csv_zip(tmp_path / "ramani_site_visit.zip", main_rows, minerals, groups)
    r = run("import", "odk", path)
    assert r.exit_code == 0, r.output
    assert "1 submissions — 1 visits created" in r.output and "1 rejected submission" in r.output
    v = Visit.objects.get(vid="0dc00000-0000-4000-8000-0000000000a1")
    assert (v.longitude, v.latitude, v.workers_numb, v.mechanisation, v.women) == (28.1762, -3.0621, 90, "Haut", True)
    assert v.minerals == ["Coltan", "Cassitérite"] and v.mineral_slots.get(position=1).selling_points == "Rubaya"
    g = v.armed_groups.get()
    assert (g.name, g.monopoly, g.taxation, g.digging) == ("CODECO", True, True, False)
    assert (v.state_service1, v.state_service2) == ("ANR", "SAEMAPE")
    assert run("import", "odk", path).output.count("1 unchanged") == 1

    # the root table alone: read, with a warning that it has no repeats
    import zipfile

    root = tmp_path / "submissions.csv"
    root.write_bytes(zipfile.ZipFile(path).read("ramani_site_visit.csv"))
    r = run("import", "odk", root)
    assert r.exit_code == 0 and "carries no repeat groups" in r.output

    # a repeat row whose parent is not in the export: nothing imported, a clear message
    bad = central_csv_zip(tmp_path / "bad.zip", main_rows, [dict(minerals[0], PARENT_KEY="uuid:nope")], [])
    r = run("import", "odk", bad)
    assert r.exit_code == 1 and "PARENT_KEY that is not in the export" in r.output


@pytest.mark.parametrize("lying", [False, True])
def test_a_zip_bomb_is_refused_before_it_fills_memory(tmp_path, monkeypatch, lying):
    """A few kB that unpack past the cap: refused with a clear error, whether or not the zip's directory tells."""
    import zipfile

    monkeypatch.setattr(odk, "MAX_UNZIPPED", 2**20)
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("FORM.csv", "SubmissionDate,KEY\n" + "x" * (4 * 2**20))
    if lying:  # the central directory says 10 bytes: zipfile stops there and finds the CRC wrong
        data = bytearray(path.read_bytes())
        cd = data.rfind(b"PK\x01\x02")
        data[cd + 24 : cd + 28] = (10).to_bytes(4, "little")
        path.write_bytes(bytes(data))
    assert path.stat().st_size < 20_000
    with pytest.raises(odk.ODKError, match="not a zip file" if lying else "unpacks to more than 1 MB"):
        odk.read_csv_export(path)
