"""Static files: vendored with their licences, served compressed, no CDN."""

import gzip
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "src/ramani/web/static/vendor"


def test_gzip_copies_are_current():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts/compress-static"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


def test_vendored_libraries_carry_their_licences():
    for folder in ("maplibre-gl-5.24.1", "chartjs-4.6.1"):
        names = {p.name for p in (VENDOR / folder).iterdir()}
        assert any(n.upper().startswith("LICENSE") for n in names), folder


def test_map_page_loads_nothing_from_elsewhere(client, db):
    page = client.get("/").content.decode()
    assert "//" not in "".join(
        line for line in page.splitlines() if "src=" in line or "href=" in line if "http" in line
    ), "no absolute URL in scripts/styles"
    for script in ("vendor/maplibre-gl-5.24.1/maplibre-gl.js", "web/map.js"):
        assert f"/static/{script}" in page


def test_static_served_gzipped(client, db):
    answer = client.get("/static/vendor/maplibre-gl-5.24.1/maplibre-gl.js", HTTP_ACCEPT_ENCODING="gzip")
    assert answer.status_code == 200 and answer["Content-Encoding"] == "gzip"
    body = b"".join(answer.streaming_content)
    assert gzip.decompress(body) == (VENDOR / "maplibre-gl-5.24.1/maplibre-gl.js").read_bytes()
