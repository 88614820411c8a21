"""The public surfaces under hostile input: absurd numbers in every parameter (a clear 4xx, never a 500),
formulas in imported names (never live in a downloaded spreadsheet), and the answer cache (bounded in bytes)."""

from __future__ import annotations

import csv
import io
import threading
import tracemalloc
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from ramani.opendata import cache, exports, ogcapi
from ramani.sites import ipis_export
from ramani.sites.ipis_import import import_ipis
from tests.conftest import SAMPLE, read_table, write_table

pytestmark = pytest.mark.django_db

ABSURD = [
    "9223372036854775808",
    "9223372036854775807",
    "1e23",
    "-1",
    "-9223372036854775809",
    "99999999999999999999",
    "9" * 5000,
    "1.5",
    "0x10",
    "1_000",
    "+5",
    "-0",
    "²",
    "٣",
    "NaN",
    "inf",
    "-inf",
    " 5",
    "5 ",
    "",
    "\x00",
    "1\x00",
    "0" * 30 + "1",
    "1e308,1,2,3",
    "1,2,3,1e400",
    "-1e308,-90,1e308,90",
    "1,2,3,4,5,6",
    "nan,nan,nan,nan",
    "99999-01-01",
    "0001-01-01/9999-12-31",
    "2019-13-45",
    "2019-02-30/..",
    "2019-01-01T25:00:00Z",
    "../..",
    "/",
    "2019-01-01/2018-01-01",
    "-2019-01-01",
]
values = st.one_of(
    st.sampled_from(ABSURD),
    st.integers(-(2**80), 2**80).map(str),
    st.floats().map(repr),
    st.lists(st.floats().map(repr), min_size=1, max_size=6).map(",".join),
    st.text(st.characters(blacklist_categories=["Cs"]), max_size=12),
)
NUMERIC = ["limit", "offset", "year", "bbox", "datetime", "on"]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture
def sample(today):
    import_ipis(SAMPLE, today=today)


def _whole(text: str, low: int, high: int) -> bool:
    t = text.strip()
    return t.isascii() and t.isdigit() and len(t) <= 18 and low <= int(t) <= high


def test_ogc_paging_numbers_are_used_or_refused_with_a_400(client, sample):
    bounds = {"limit": (1, ogcapi.MAX_LIMIT), "offset": (0, ogcapi.MAX_OFFSET)}

    @FUZZ
    @given(st.sampled_from(["sites", "visits"]), st.sampled_from(sorted(bounds)), values)
    def check(collection, param, value):
        answer = client.get(f"/ogcapi/collections/{collection}/items", {param: value})
        if value == "" or _whole(value, *bounds[param]):
            assert answer.status_code == 200, (param, value)
        else:
            assert answer.status_code == 400, (param, value[:40], answer.status_code)
            if "\x00" not in value:  # (NUL is refused for every page by ramani.web.middleware)
                assert answer.json()["code"] == "InvalidParameterValue" and param in answer.json()["description"]

    check()
    for param, value in (
        ("offset", "9223372036854775808"),
        ("offset", "1e23"),
        ("limit", "1e23"),
        ("offset", "-1"),
        ("limit", "99999999999999999999"),
        ("offset", "²"),
    ):
        assert client.get("/ogcapi/collections/visits/items", {param: value}).status_code == 400, (param, value)
    far = client.get("/ogcapi/collections/visits/items", {"offset": ogcapi.MAX_OFFSET}).json()
    assert far["numberReturned"] == 0 and far["numberMatched"] == 7
    doc = client.get("/ogcapi/api").json()["paths"]["/collections/visits/items"]["get"]["parameters"]
    assert next(p for p in doc if p["name"] == "offset")["schema"]["maximum"] == ogcapi.MAX_OFFSET


def test_every_numeric_parameter_of_every_surface_is_never_a_500(client, sample):
    client.raise_request_exception = False  # a 500 must show as a status code, and fail below

    @FUZZ
    @given(
        st.sampled_from(
            [
                "/ogcapi/collections/sites/items",
                "/ogcapi/collections/visits/items",
                "/api/sites",
                "/api/visits",
                "/api/summary",
                "/opendata/download/sites.csv",
                "/opendata/download/ipis.csv",
            ]
        ),
        st.dictionaries(st.sampled_from(NUMERIC), values, min_size=1, max_size=3),
    )
    def check(path, params):
        answer = client.get(path, params)
        if answer.streaming:
            b"".join(answer.streaming_content)
        assert answer.status_code in (200, 400, 422), (path, {k: v[:40] for k, v in params.items()})
        if answer.status_code == 400 and path.startswith("/api/") and "\x00" not in "".join(params.values()):
            assert answer.json()["param"] in params

    check()


def test_absurd_feature_ids_and_text_filters_are_not_found_or_refused(client, sample):
    client.raise_request_exception = False
    for feature in ("9223372036854775808", "9" * 40, "²", "-1", "0", "%00", "1%00"):
        for collection in ("sites", "visits"):
            answer = client.get(f"/ogcapi/collections/{collection}/items/{feature}")
            assert answer.status_code == (400 if "%00" in feature else 404), feature
    for path in ("/ogcapi/collections/sites/items", "/api/sites", "/api/visits", "/opendata/download/visits.csv"):
        for param in ("province", "territoire", "pcode", "mineral", "armed_group_type"):
            answer = client.get(path, {param: "Sud\x00Kivu"})
            if answer.streaming:
                b"".join(answer.streaming_content)
            assert answer.status_code in (200, 400, 422), (path, param, answer.status_code)


# --- formulas in imported text ---

EVIL = {
    "codmine00312": '=HYPERLINK("http://evil","x")',
    "codmine01764": "@SUM(1+1)*cmd|' /C calc'!A0",
    "codmine02203": "-2+3+cmd|' /C calc'!A0",
    "codmine02210": "\t=1+1",
}


@pytest.fixture
def evil_names(tmp_path, today):
    rows = read_table(SAMPLE)
    for r in rows:
        if r["pcode"] in EVIL:
            r["name"] = EVIL[r["pcode"]]
    import_ipis(write_table(tmp_path / "evil.csv", rows), today=today)
    from ramani.sites.models import Site

    return dict(Site.objects.filter(pcode__in=EVIL).values_list("pcode", "name"))


def _download(client, name: str) -> bytes:
    answer = client.get(f"/opendata/download/{name}")
    assert answer.status_code == 200, name
    return b"".join(answer.streaming_content)


def test_downloaded_csvs_carry_no_formula_and_keep_numbers(client, evil_names):
    assert len(evil_names) >= 3
    for name in ("sites.csv", "visits.csv", "ipis.csv"):
        rows = list(csv.DictReader(io.StringIO(_download(client, name).decode("utf-8"))))
        names = {r["pcode"]: r["name"] for r in rows}
        for pcode, evil in evil_names.items():
            assert names[pcode] == "'" + evil, (name, pcode)
        latitudes = [r.get("latitude_wgs84") or r["latitude"] for r in rows]
        assert all(not r["name"].startswith(exports.FORMULA_START) for r in rows), name
        assert min(float(lat) for lat in latitudes) < 0  # south of the equator: still a plain number
        assert all(lat == repr(float(lat)) or lat == str(float(lat)) for lat in latitudes), latitudes


def test_downloaded_xlsx_keeps_the_text_as_text_never_a_formula(client, evil_names, tmp_path):
    for name in ("sites.xlsx", "visits.xlsx"):
        path = tmp_path / name
        path.write_bytes(_download(client, name))
        with zipfile.ZipFile(path) as z:
            sheet_xml = z.read("xl/worksheets/sheet1.xml").decode()
        assert "<f>" not in sheet_xml and "HYPERLINK" in sheet_xml
        sheet = load_workbook(path).worksheets[0]
        header = [c.value for c in sheet[1]]
        pcode, nm, lat = header.index("pcode"), header.index("name"), header.index("latitude_wgs84")
        seen, south = 0, 0
        for row in sheet.iter_rows(min_row=2):
            assert row[nm].data_type == "s" and isinstance(row[nm].value, str)
            if row[pcode].value in evil_names:
                assert row[nm].value == evil_names[row[pcode].value]
                assert row[nm].quotePrefix  # Excel keeps it text even when the cell is edited
                seen += 1
            assert row[lat].data_type == "n" and isinstance(row[lat].value, float), (name, row[lat].value)
            south += row[lat].value < 0
        assert seen >= 3 and south, name


def test_neutralise_is_one_rule_for_every_format():
    from openpyxl import Workbook

    sheet = Workbook(write_only=True).create_sheet("x")
    for text in ("=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "\n=1", "-", "=-3.5"):
        assert exports.neutralise(text) == "'" + text
        cell = exports.neutralise(text, sheet)
        assert cell.data_type == "s" and cell.value == text and cell.quotePrefix
    for kept in ("Kalimbi", "-3.5", "+28.1", "-2e5", "", "a=b", "'=1", 0, -3.13287, 28.7, True, None):
        assert exports.neutralise(kept) == kept
        assert exports.neutralise(kept, sheet) == kept
    assert exports.neutralise("Mine\x01 A", sheet) == "Mine A"  # XLSX cannot hold it: dropped, not a 500
    assert exports.neutralise("\x01=1", sheet).value == "=1" and exports.neutralise("\x01=1", sheet).quotePrefix


def test_the_cli_ipis_export_stays_byte_exact(evil_names):
    out = io.StringIO()
    ipis_export.write_csv(ipis_export.iter_rows(), out)
    names = {r["pcode"]: r["name"] for r in csv.DictReader(io.StringIO(out.getvalue()))}
    for pcode, evil in evil_names.items():
        assert names[pcode] == evil  # the round-trip format is not altered; only the web download is


# --- the answer cache, bounded in bytes ---


def _answer(i: int, size: int) -> tuple:
    return (200, "application/geo+json", (f"{i:08d}" * (size // 8 + 1)).encode()[:size], {"Link": "<x>"})


def test_cache_stays_within_its_byte_bound_with_many_large_pages():
    store, bound = cache.ByteLRU(), 4 * 1024 * 1024
    for i in range(600):
        key = f"k{i}"
        answer = _answer(i, 150_000)
        assert store.put(key, answer, cache._size(key, answer), 60, bound)
        assert store.bytes <= bound
        if i % 10 == 0:
            assert store.get("k0") is not None  # used often: kept
    assert store.bytes == sum(cache._size(f"k{i}", _answer(i, 150_000)) for i in range(600) if store.get(f"k{i}"))
    assert 20 <= len(store) <= 28 and store.get("k599") is not None and store.get("k1") is None
    assert not store.put("huge", _answer(0, bound // 3), bound // 3, 60, bound)  # over a quarter: not kept
    assert store.get("huge") is None and store.bytes <= bound
    store.put("short", _answer(1, 10), 100, -1, bound)  # expired at once
    assert store.get("short") is None


def test_cache_accounting_matches_the_memory_it_really_holds():
    store, bound = cache.ByteLRU(), 8 * 1024 * 1024
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(400):
            key = f"{i:040x}"  # a sha1 hex digest, as the middleware's keys
            answer = _answer(i, 60_000)
            store.put(key, answer, cache._size(key, answer), 60, bound)
            del answer
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert store.bytes <= bound
    assert held <= bound * 1.02, (held, store.bytes)  # what it counts is what it holds
    assert held >= store.bytes * 0.9


def test_cache_is_consistent_under_threads():
    store, bound = cache.ByteLRU(), 1_000_000

    def work(n: int):
        for i in range(300):
            key = f"{n}-{i % 50}"
            store.put(key, _answer(i, 20_000), 20_000, 60, bound)
            store.get(f"{n}-{(i * 7) % 50}")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.bytes == 20_000 * len(store) <= bound


def test_middleware_keeps_the_setting_bound_over_distinct_pages(client, sample, monkeypatch):
    from ramani.sites.models import Site

    monkeypatch.setenv("RAMANI_CACHE_MAX_MB", "0.03")  # 30 KiB: a handful of the sample's pages
    cache.store.clear()
    url = "/ogcapi/collections/sites/items"
    total = 0
    for limit in range(10, 130):  # distinct URLs, each all of the sample's sites
        answer = client.get(url, {"limit": limit})
        assert answer.status_code == 200
        total += len(answer.content)
        assert cache.store.bytes <= cache.max_bytes()
    assert total > 10 * cache.max_bytes() and 3 <= len(cache.store) <= 12
    # a write that does not move the revision shows which pages are still answered from the cache
    Site.objects.filter(pcode="codmine00312").update(name="Renamed")
    assert b"Renamed" not in client.get(url, {"limit": 129}).content  # recent: kept
    assert b"Renamed" in client.get(url, {"limit": 10}).content  # oldest: dropped, computed again
    monkeypatch.setenv("RAMANI_CACHE_MAX_MB", "0")
    client.get(url, {"limit": 3})
    assert cache.store.bytes == 0
