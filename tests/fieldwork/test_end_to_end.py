"""The field-research cycle end to end: demo mines and villages → frame → stratified PPS sample of 30 →
XLSForm → 30 Kobo submissions for the sampled sites → visits on the map, in the IPIS export, weighted."""

from __future__ import annotations

import csv
import json
import math
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner
from pyxform.xls2xform import convert

from ramani.cli import main
from ramani.fieldwork.models import SurveySubmission
from ramani.sites.models import Visit

pytestmark = pytest.mark.django_db
PROJECT = "ILO cobalt 2026"


def run(*args):
    r = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r


def submission(n, pcode, diggers):
    uuid = f"e2e00000-0000-4000-8000-{n:012d}"
    return {
        "_id": 5000 + n,
        "_uuid": uuid,
        "formhub/uuid": "e2e",
        "__version__": "v1",
        "pcode": pcode,
        "visit_date": "2026-02-10",
        "visit_onsite": "1",
        "gps": f"-10.{n:02d} 25.{n:02d} 1400 4",
        "site/workers_numb": str(diggers),
        "site/mechanisation": "moyen",
        "minerals": [{"minerals/mineral": "cobalt", "minerals/selling_points": "Kolwezi"}],
        "security/presence": "0",
        "social/childunder15": "0",
        "social/women": "1",
        "social/womenwork": "lavage",
        "meta/instanceID": f"uuid:{uuid}",
        "_submission_time": f"2026-02-10T{8 + n // 6:02d}:{n % 60:02d}:00",
        "_geolocation": [-10.0, 25.0],
        "_attachments": [],
        "_status": "submitted_via_web",
        "_submitted_by": "enumerator",
        "_validation_status": {},
    }


def test_frame_sample_form_kobo_visits(tmp_path, client):
    run("demo", "--sites", 400, "--seed", 3)
    frame = tmp_path / "frame.csv"
    run("frame", "build", "--out", frame, "--radius-km", 5, "--active-years", 5, "--as-of", "2025-12-31")
    sample = tmp_path / "sample.csv"
    run(
        "sample", "draw", frame, "--n", 30, "--strata", "province", "--size", "diggers", "--seed", 2026, "--out", sample
    )
    with sample.open(encoding="utf-8") as f:
        units = list(csv.DictReader(f))
    assert len(units) == 30
    design = json.loads((tmp_path / "sample.design.json").read_text(encoding="utf-8"))
    for stratum in design["strata_table"]:
        assert stratum["sum_pi"] == pytest.approx(stratum["n"])

    form = tmp_path / "visit.xlsx"
    run("form", "xlsform", "--sample", sample, "--out", form)
    xform = ET.fromstring(convert(str(form), validate=False).xform)
    text = ET.tostring(xform, encoding="unicode")
    first_pcodes = [u["mine_pcodes"].split(";")[0] for u in units]
    assert all(p in text for p in first_pcodes)

    page = tmp_path / "kobo.json"
    records = [submission(n, p, 20 + n) for n, p in enumerate(first_pcodes, start=1)]
    page.write_text(json.dumps({"count": 30, "next": None, "previous": None, "results": records}), encoding="utf-8")
    r = run("import", "kobo", page, "--project", PROJECT, "--sample", sample)
    assert "30 submissions — 30 visits created" in r.output

    visits = Visit.objects.filter(project=PROJECT)
    assert visits.count() == 30
    assert set(visits.values_list("site__pcode", flat=True)) == set(first_pcodes)
    # On the map: the sites' latest field visit is the survey.
    answer = client.get("/ogcapi/collections/visits/items", {"project": PROJECT, "limit": 100})
    assert answer.status_code == 200
    features = answer.json()["features"]
    assert len(features) == 30 and all(f["geometry"]["type"] == "Point" for f in features)
    # In the IPIS export.
    out = tmp_path / "ipis.csv"
    run("export", "ipis", out)
    with out.open(encoding="utf-8") as f:
        exported = [row for row in csv.DictReader(f) if row["project"] == PROJECT]
    assert len(exported) == 30 and {row["mineral1"] for row in exported} == {"Cobalt"}
    # Design weights beside each visit: a Horvitz–Thompson total from them.
    weight_of = {u["mine_pcodes"].split(";")[0]: float(u["weight"]) for u in units}
    subs = SurveySubmission.objects.filter(visit__project=PROJECT).select_related("visit__site")
    assert subs.count() == 30
    for s in subs:
        assert s.weight == pytest.approx(weight_of[s.visit.site.pcode]) and s.stratum
    total = math.fsum(s.weight * s.visit.workers_numb for s in subs)
    expected = math.fsum(weight_of[p] * (20 + n) for n, p in enumerate(first_pcodes, start=1))
    assert total == pytest.approx(expected)
    # On the dashboard (/fieldwork/): the survey's Horvitz–Thompson total of the diggers from those weights.
    html = client.get("/fieldwork/").content.decode()
    diggers = html[html.index('data-key="diggers"') :].split("</tr>")[0]
    assert f">{round(expected)}<" in diggers and f">{sum(range(21, 51))}<" in diggers  # weighted, unweighted
    # Every visit the import wrote has its history row, naming the import.
    history = Visit.history.model.objects.filter(project=PROJECT)
    assert history.filter(history_type="+").count() == 30
    assert all(h.history_change_reason.startswith("import kobo kobo:kobo.json") for h in history)
