"""The staff page for sampling frames: who may see it, counts, downloads, bad parameters."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner
from django.contrib.auth.models import User

from ramani.analysis.frame import COLUMNS
from ramani.cli import main

pytestmark = pytest.mark.django_db
PARAMS = {"radius_km": "5", "active_years": "5", "as_of": "2025-12-31", "format": "csv"}


@pytest.fixture
def demo():
    assert CliRunner().invoke(main, ["demo", "--sites", "150", "--seed", "9"]).exit_code == 0


def test_only_staff_see_the_frame_page(client, demo):
    assert client.get("/fieldwork/frame/").status_code == 302
    client.force_login(User.objects.create_user("officer", password="pw-officer-1"))  # logged in, not staff
    answer = client.get("/fieldwork/frame/", {**PARAMS, "download": "1"})
    assert answer.status_code == 302 and "/admin/login/" in answer["Location"]


def test_counts_and_download(admin_client, demo):
    page = admin_client.get("/fieldwork/frame/")
    assert page.status_code == 200 and 'name="radius_km"' in page.content.decode()
    counts = admin_client.get("/fieldwork/frame/", PARAMS)
    assert counts.status_code == 200
    answer = admin_client.get("/fieldwork/frame/", {**PARAMS, "download": "1"})
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    assert 'filename="ramani-frame.csv"' in answer["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8"))))
    assert rows and list(rows[0]) == COLUMNS
    assert f">{len(rows)}<" in counts.content.decode()
    gpkg = admin_client.get("/fieldwork/frame/", {**PARAMS, "format": "gpkg", "download": "1"})
    assert gpkg.status_code == 200 and gpkg.content[:16] == b"SQLite format 3\x00"


def test_bad_parameters_are_a_400(admin_client, demo):
    assert admin_client.get("/fieldwork/frame/", {**PARAMS, "radius_km": "far"}).status_code == 400
    assert admin_client.get("/fieldwork/frame/", {**PARAMS, "format": "shp"}).status_code == 400
    empty = admin_client.get("/fieldwork/frame/", {**PARAMS, "project": "No such project", "download": "1"})
    assert empty.status_code == 400 and "Aucune mine active" in empty.content.decode()  # French by default
