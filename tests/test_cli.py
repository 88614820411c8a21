"""The `ramani` command, driven as a user drives it."""

import csv
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from click.testing import CliRunner

from ramani.cli import main
from ramani.sites.models import Site, Visit
from tests.conftest import SAMPLE, assert_same_table, shared_file, write_table

pytestmark = pytest.mark.django_db


def run(*args):
    result = CliRunner().invoke(main, list(map(str, args)), catch_exceptions=False)
    return result


def test_import_export_check(tmp_path):
    r = run("import", "ipis", SAMPLE)
    assert r.exit_code == 0, r.output
    assert "7 visits created" in r.output
    r = run("import", "ipis", SAMPLE)
    assert "0 visits created, 0 updated, 7 unchanged" in r.output
    out = tmp_path / "out.csv"
    r = run("export", "ipis", out)
    assert r.exit_code == 0 and "wrote 7 visits" in r.output
    assert_same_table(SAMPLE, out)
    r = run("check", "sites")
    assert r.exit_code == 1 and "ramani import boundaries" in r.output
    r = run("import", "boundaries", shared_file("geo", "cod_admbnda_adm2_rgc_20170711_shp.zip"))
    assert r.exit_code == 0 and "240 admin-2 units" in r.output
    r = run("check", "sites")
    assert r.exit_code == 0 and "0 of 4 located sites disagree" in r.output


def test_failed_import_prints_problems_and_writes_report(tmp_path, sample_rows):
    sample_rows[2]["longitude"] = "east"
    bad = write_table(tmp_path / "bad.csv", sample_rows)
    report = tmp_path / "report.csv"
    r = run("import", "ipis", bad, "--report", report)
    assert r.exit_code == 1
    assert "Nothing was imported" in r.output and "longitude" in r.output and "east" in r.output
    with report.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows == [{"row": "4", "column": "longitude", "value": "east", "reason": "expected a number (longitude)"}]
    assert Visit.objects.count() == 0


def test_demo_and_demo_output(tmp_path):
    out = tmp_path / "demo.csv"
    r = run("demo", "--sites", 50, "--seed", 4, "--output", out)
    assert r.exit_code == 0 and out.exists() and Site.objects.count() == 0
    r = run("demo", "--sites", 50, "--seed", 4)
    assert r.exit_code == 0, r.output
    assert Site.objects.count() == 50 and Site.objects.filter(synthetic=True).count() == 50
    r = run("demo", "--sites", 50, "--seed", 4)
    assert "0 visits created, 0 updated" in r.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_serve_answers_on_the_root_and_admin(tmp_path, live_database):
    """`ramani serve` in a real process: gunicorn answering 200 at / and the admin login."""
    env = live_database.env()
    ramani = [sys.executable, "-m", "ramani.cli"]
    subprocess.run([*ramani, "migrate"], env=env, check=True, capture_output=True)
    subprocess.run([*ramani, "demo", "--sites", "40"], env=env, check=True, capture_output=True)
    port = _free_port()
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [*ramani, "serve", "--port", str(port), "--workers", "1"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as resp:
                    assert resp.status == 200
                    body = resp.read().decode()
                    break
            except OSError:
                time.sleep(0.1)
        assert body is not None, "server did not answer"
        assert "maplibre-gl.js" in body and "ramani demo" in body  # the map, with the demo-data banner
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/about/", timeout=5) as resp:
            assert ">40<" in resp.read().decode()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=5) as resp:
            page = resp.read().decode()
            assert resp.status == 200 and "| Ramani</title>" in page and 'name="password"' in page
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/admin/css/base.css", timeout=5) as resp:
            assert resp.status == 200
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()
    assert live_database.sql("SELECT count(*) FROM sites_site") == [(40,)]  # its own database, not the test one
