"""A real client nobody here wrote: GDAL's OAPIF driver (bundled in pyogrio) reads the OGC API."""

import urllib.request

import openpyxl
import pyogrio
from pyogrio import raw

BBOX = (28.0, -4.5, 29.5, -1.5)


def _count_requests(server, path: str) -> int:
    return server.log_path.read_text(errors="replace").count(path)


def test_gdal_reads_every_feature_across_pages(live_server_process):
    server = live_server_process
    source = f"OAPIF:{server.url}/ogcapi"
    layers = [name for name, _ in pyogrio.list_layers(source)]
    assert layers[:2] == ["sites", "visits"]  # then the other domains' collections (roadblocks…)
    for layer, table in (("sites", "sites_site"), ("visits", "sites_visit")):
        expected = server.sql(f"SELECT count(*) FROM {table}")[0][0]
        before = _count_requests(server, f"/ogcapi/collections/{layer}/items")
        meta, fids, geometry, fields = raw.read(source, layer=layer, PAGE_SIZE="97")
        assert len(geometry) == expected >= 300
        pages = _count_requests(server, f"/ogcapi/collections/{layer}/items") - before
        assert pages >= expected // 97  # it really followed the next links
        in_box = server.sql(
            f"SELECT count(*) FROM {table} WHERE longitude BETWEEN ? AND ? AND latitude BETWEEN ? AND ?",
            BBOX[0],
            BBOX[2],
            BBOX[1],
            BBOX[3],
        )[0][0]
        meta, fids, geometry, fields = raw.read(source, layer=layer, bbox=BBOX, PAGE_SIZE="50")
        assert len(geometry) == in_box > 0
    pcodes = dict(zip(meta["fields"], fields))
    assert "pcode" in pcodes and "visit_date" in pcodes


def _download(server, name: str, tmp_path, query: str = ""):
    target = tmp_path / name
    with urllib.request.urlopen(f"{server.url}/opendata/download/{name}{query}", timeout=60) as resp:
        assert resp.status == 200
        assert "license" in resp.headers["Link"]
        target.write_bytes(resp.read())
    return target


def test_downloads_open_in_real_readers(live_server_process, tmp_path):
    server = live_server_process
    sites = server.sql("SELECT count(*) FROM sites_site")[0][0]
    visits = server.sql("SELECT count(*) FROM sites_visit")[0][0]
    ituri = server.sql("SELECT count(*) FROM sites_site WHERE province = 'Ituri'")[0][0]
    gpkg = _download(server, "sites.gpkg", tmp_path)
    info = pyogrio.read_info(gpkg)
    assert info["features"] == sites and "ODC-BY" in str(info["dataset_metadata"])
    fgb = _download(server, "visits.fgb", tmp_path)
    assert pyogrio.read_info(fgb)["features"] == visits
    (tmp_path / "filtered").mkdir()
    filtered = _download(server, "sites.gpkg", tmp_path / "filtered", "?province=Ituri")
    meta, _, _, fields = raw.read(filtered)
    province = fields[list(meta["fields"]).index("province")]
    assert len(province) == ituri and set(province) == {"Ituri"}
    xlsx = _download(server, "sites.xlsx", tmp_path)
    book = openpyxl.load_workbook(xlsx, read_only=True)
    rows = list(book["sites"].iter_rows(values_only=True))
    assert len(rows) == sites + 1 and rows[0][0] == "pcode"
    assert list(book["licence"].iter_rows(values_only=True))[0] == ("licence", "ODC-BY-1.0")
    ipis = _download(server, "ipis.csv", tmp_path)
    lines = ipis.read_text(encoding="utf-8").splitlines()
    assert len(lines) == visits + 1 and lines[0].startswith('"vid","cid","id"')


def test_sms_simulator_talks_to_the_running_server(live_server_process):
    """`ramani sms simulate` is a terminal phone: here its keyboard is a pipe."""
    import subprocess
    import sys

    server = live_server_process
    out = subprocess.run(
        [sys.executable, "-m", "ramani.cli", "sms", "simulate", "--url", server.url],
        input="msaada\nkufatilia\n3\n",
        capture_output=True,
        text=True,
        env=server.env,
        timeout=60,
    )
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("< ")]
    assert lines[0].startswith("< Ramani: tuma KUFATILIA") and "1 Kiswahili" in lines[1]
    assert lines[2].startswith("< What happened? 1 Violence/theft")
