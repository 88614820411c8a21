"""/sites/<pcode>/: a site's page through Django's test client, on a site with three field visits."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.conf import settings

from ramani.sites.ipis_import import import_ipis
from tests.conftest import SAMPLE, read_table, write_table

pytestmark = pytest.mark.django_db
PCODE = "codmine01764"


@pytest.fixture
def three_visits(tmp_path, today):
    """codmine01764 of the sample (2019 visit with Raïa Mutomboki interfering; blue in 2023), with two more
    field visits: 2014 (no armed presence, 80 diggers) and 2025 (FARDC, no interference, children working)."""
    rows = read_table(SAMPLE)
    base = next(r for r in rows if r["pcode"] == PCODE and r["project"] != "Qualification status")
    blank = {k: "" for k in base if k.startswith(("armed_group", "type_armed", "frequency_armed")) or "_armed" in k}
    early = base | blank | {"vid": "90001", "visit_date": "2014-06-10", "project": "IPIS - 2014", "workers_numb": "80"}
    early |= {"presence": "0", "interference": "0", "mercury": "0", "childunder15": "0"}
    late = base | blank | {"vid": "90002", "visit_date": "2025-09-01", "project": "IPIS - 2025", "workers_numb": "640"}
    late |= {"presence": "1", "interference": "0", "armed_group1": "FARDC", "mercury": "1"}
    late |= {"type_armed_group1": "FARDC - Pas d’ingérence constatée", "childunder15": "1"}
    late |= {"childunder15work": "Lavage, Transport des minerais"}
    path = write_table(tmp_path / "three.csv", [*rows, early, late])
    import_ipis(path, today=today)
    return PCODE


def data_of(page: str, name: str):
    found = re.search(rf'<script id="{name}" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def read(client, url: str, lang: str = "en"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    answer = client.get(url)
    return answer, answer.content.decode()


def test_site_page_shows_visits_charts_qualification_flags_and_citation(client, three_visits):
    answer, page = read(client, f"/sites/{PCODE}/")
    assert answer.status_code == 200
    text = text_of(page)
    assert "Mont Kabaraza" in text and PCODE in text and "Mwenga" in text and "Kamituga" in text
    assert "°" in text and "S" in text  # coordinates in degrees-minutes-seconds
    rows = re.findall(r"<tr>\s*<td>(\d{4}-\d{2}-\d{2})</td>", page)
    assert rows == ["2014-06-10", "2019-11-02", "2025-09-01"]  # the three field visits, oldest first
    charts = data_of(page, "site-charts")
    assert charts["labels"] == rows
    assert charts["workers"] == [80, 1200, 640]
    assert charts["presence"] == [0, 1, 1] and charts["interference"] == [0, 1, 0]
    # each visit's armed class, as the map's armed layer colours it (ramani.sites.armed)
    classes = [text_of(r) for r in re.findall(r'<td><svg class="dot".*?</td>', page.split('id="visits"')[1])]
    assert [c.strip() for c in classes] == [
        "No armed presence",
        "Local armed group",
        "Armed presence, no interference seen",
    ]
    # qualification: the 2023 blue decision, its legal meaning, and what holds today
    assert "decree n°677" in text and "turned red automatically on 15 March 2026" in text
    assert "Valid three years, until 14 March 2026" in text
    # red flags from the latest visit (2025): children, mercury; the qualification; no armed interference
    flags = re.findall(r'data-flag="([a-z_]+)"', page)
    assert "child_labour" in flags and "mercury" in flags and "qualification" in flags
    assert not any(f.endswith("interference") for f in flags)
    assert "Children under 15 were seen working at the site." in text
    assert "Field visit of 1 September 2025 (IPIS - 2025)." in text
    assert f"data: IPIS, ODC-BY 1.0 — Ramani, accessed {dt.date.today():%Y-%m-%d}" in text
    assert f"http://testserver/sites/{PCODE}/" in text
    links = re.findall(r'<p class="downloads">(.*?)</p>', page, re.S)[0]
    hrefs = [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', links)]
    assert len(hrefs) == 5
    for href in hrefs:
        got = client.get(href)
        assert got.status_code == 200, href
        body = b"".join(got.streaming_content) if got.streaming else got.content
        assert PCODE.encode() in body, href
    geojson = json.loads(b"".join(client.get(f"/opendata/download/sites.geojson?pcode={PCODE}").streaming_content))
    assert [f["properties"]["pcode"] for f in geojson["features"]] == [PCODE]


def test_interference_flag_names_the_group_in_three_languages(client, three_visits):
    sentences = {}
    for lang in ("fr", "en", "sw"):
        answer, page = read(client, f"/sites/{PCODE}/?on=2020-06-30", lang)
        assert answer.status_code == 200
        text = text_of(page)
        assert "Raïa Mutomboki" in text
        item = re.search(r'data-flag="armed_group_interference">(.*?)</li>', page, re.S)
        assert item, lang
        sentences[lang] = text_of(item.group(1))
    assert "An armed group interferes at the site." in sentences["en"]
    assert "Local armed group" in sentences["en"] and "Taxation" in sentences["en"]
    assert "Un groupe armé s’ingère sur le site." in sentences["fr"]
    assert "Kundi la wapiganaji linaingilia eneo hili." in sentences["sw"]
    assert "Groupe armé local" in sentences["fr"] and "Kundi la wapiganaji la ndani" in sentences["sw"]
    assert len(set(sentences.values())) == 3  # worded in each language, not the English three times
    assert "detail" not in sentences["sw"] and "{" not in sentences["sw"]


def test_unknown_site_is_a_page_not_found_and_a_bad_date_a_400(client, three_visits):
    answer, page = read(client, "/sites/codmine99999/")
    assert answer.status_code == 404 and "codmine99999" in page and "<nav" in page
    answer, page = read(client, f"/sites/{PCODE}/?on=yesterday")
    assert answer.status_code == 400 and "YYYY-MM-DD" in page


def test_site_list_links_to_the_site_pages(client, three_visits):
    _, page = read(client, "/sites/")
    assert f'href="/sites/{PCODE}/"' in page
    assert f'href="/api/sites/{PCODE}"' not in page
