"""The REST API: filters, pages, errors, the due-diligence lookup."""

import datetime as dt

import pytest

from ramani.sites.ipis_import import import_ipis
from ramani.sites.models import Site, Visit
from tests.conftest import SAMPLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample(today):
    import_ipis(SAMPLE, today=today)


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:300])
    return response.json()


def test_list_sites_with_filters(client, sample):
    assert get(client, "/api/sites")["count"] == 4
    assert [s["pcode"] for s in get(client, "/api/sites?mineral=gold")["results"]] == ["codmine01764", "codmine02203"]
    assert get(client, "/api/sites?mineral=Or")["count"] == 2
    assert get(client, "/api/sites?mineral=dhahabu")["count"] == 2
    # visit filters act together on one visit: gold AND armed presence in 2019
    assert [s["pcode"] for s in get(client, "/api/sites?mineral=gold&armed_presence=true&year=2019")["results"]] == [
        "codmine01764"
    ]
    assert get(client, "/api/sites?mineral=gold&armed_presence=true&year=2017")["count"] == 0
    assert get(client, "/api/sites?province=Sud-Kivu")["count"] == 2
    assert get(client, "/api/sites?province=CD62")["count"] == 2
    assert get(client, "/api/sites?territoire=mwenga")["count"] == 1
    assert get(client, "/api/sites?child_labour=true")["count"] == 1
    assert get(client, "/api/sites?mercury=true")["count"] == 1
    assert get(client, "/api/sites?armed_group_type=Groupe armé local")["count"] == 1
    assert get(client, "/api/sites?bbox=28,-4,29,-2")["count"] == 2
    assert get(client, "/api/sites?q=kabaraza")["results"][0]["pcode"] == "codmine01764"
    assert get(client, "/api/sites?datetime=2019-01-01/2019-12-31")["count"] == 1


def test_qualification_filter_applies_the_legal_rules(client, sample):
    blue = get(client, "/api/sites?qualification=bleu&on=2024-01-01")
    assert [s["pcode"] for s in blue["results"]] == ["codmine01764"]
    assert get(client, "/api/sites?qualification=bleu&on=2026-03-15")["count"] == 0
    red = get(client, "/api/sites?qualification=rouge&on=2026-03-15")
    assert [s["pcode"] for s in red["results"]] == ["codmine01764"]
    assert get(client, "/api/sites?qualification=vert&on=2018-06-01")["count"] == 1
    assert get(client, "/api/sites?qualification=vert&on=2019-06-01")["count"] == 0
    assert get(client, "/api/sites?qualification=none&on=2019-06-01")["count"] == 4  # green expired too
    assert get(client, "/api/sites?qualification=none&on=2018-06-01")["count"] == 3


def test_pages_link_to_each_other(client, sample):
    first = get(client, "/api/sites?limit=3&province=Sud-Kivu&limit=1")
    assert first["count"] == 2 and len(first["results"]) == 1 and first["previous"] is None
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None and "province=Sud-Kivu" in second["previous"]
    assert first["results"][0]["pcode"] != second["results"][0]["pcode"]


@pytest.mark.parametrize(
    "url,param",
    [
        ("/api/sites?bbox=1,2,3", "bbox"),
        ("/api/sites?bbox=a,b,c,d", "bbox"),
        ("/api/sites?year=nineteen", "year"),
        ("/api/sites?armed_presence=maybe", "armed_presence"),
        ("/api/sites?qualification=violet", "qualification"),
        ("/api/sites?on=15/03/2023", "on"),
        ("/api/sites/codmine01764/risk?on=yesterday", "on"),
        ("/api/summary?mercury=2", "mercury"),
        ("/api/visits?datetime=soon", "datetime"),
    ],
)
def test_malformed_values_are_422_naming_the_parameter(client, sample, url, param):
    body = get(client, url, 422)
    assert param in str(body["errors"])


@pytest.mark.parametrize(
    "url,param",
    [
        ("/api/sites?bbox=1,5,3,2", "bbox"),
        ("/api/sites?bbox=1,-95,3,2", "bbox"),
        ("/api/sites?datetime=2020-01-01/2019-01-01", "datetime"),
        ("/api/visits?datetime=2019-02-30", "datetime"),
    ],
)
def test_impossible_values_are_400_with_a_message(client, sample, url, param):
    body = get(client, url, 400)
    assert body["param"] == param and body["detail"]


def test_wrong_types_are_422_and_unknown_sites_404(client, sample):
    assert "detail" in get(client, "/api/sites?limit=0", 422)
    assert "detail" in get(client, "/api/sites?limit=abc", 422)
    assert get(client, "/api/sites/codmine99999", 404)["detail"] == "no site codmine99999"
    assert get(client, "/api/sites/codmine99999/risk", 404)


def test_site_detail(client, sample):
    site = get(client, "/api/sites/codmine01764")
    assert site["name"] == 'Mont Kabaraza "Site B"'
    assert [v["visit_date"] for v in site["visits"]] == ["2019-11-02", "2023-03-15"]
    assert site["visits"][0]["armed_groups"][0]["activities"] == ["taxation", "entrance_taxation", "pillaging"]
    assert site["qualification_history"] == [
        {"date": "2023-03-15", "status": "bleu", "reference": "", "visit_id": Visit.objects.get(vid="7002").id}
    ]
    assert site["links"]["risk"].endswith("/api/sites/codmine01764/risk")


def test_risk_lists_red_flags_with_their_visit(client, sample):
    recent = get(client, "/api/sites/codmine01764/risk?on=2020-03-01")
    assert {f["flag"] for f in recent["red_flags"]} == {
        "armed_group_interference",
        "state_security_interference",
        "child_labour",
        "mercury",
        "qualification",
    }
    risk = get(client, "/api/sites/codmine01764/risk?on=2024-01-01")
    flags = {f["flag"]: f for f in risk["red_flags"]}
    assert set(flags) == {
        "armed_group_interference",
        "state_security_interference",
        "child_labour",
        "mercury",
        "stale_evidence",
    }  # the 2019 visit is over a year old; blue is valid
    assert "Raïa Mutomboki" in flags["armed_group_interference"]["detail"]
    assert "FARDC" in flags["state_security_interference"]["detail"]
    assert flags["child_labour"]["visit"]["vid"] == "5077"
    assert risk["qualification"]["status"] == "bleu" and risk["qualification"]["valid"]
    assert risk["evidence_age_days"] == (dt.date(2024, 1, 1) - dt.date(2019, 11, 2)).days
    later = get(client, "/api/sites/codmine01764/risk?on=2026-06-01")
    later_flags = {f["flag"]: f for f in later["red_flags"]}
    assert later["qualification"]["status"] == "rouge" and "automatically" in later_flags["qualification"]["detail"]
    assert "stale_evidence" in later_flags
    before = get(client, "/api/sites/codmine01764/risk?on=2019-01-01")  # nothing known yet
    assert before["latest_field_visit"] is None and {f["flag"] for f in before["red_flags"]} == {
        "qualification",
        "stale_evidence",
    }
    clean = get(client, "/api/sites/codmine00312/risk?on=2018-06-01")
    assert {f["flag"] for f in clean["red_flags"]} == {"stale_evidence"}  # FARDC seen, no interference; green valid


def test_visits_and_summary(client, sample):
    visits = get(client, "/api/visits?pcode=codmine00312")
    assert visits["count"] == 3 and visits["results"][1]["minerals"][1]["mineral"] == "Coltan"
    assert get(client, "/api/visits?project=Qualification status")["count"] == 2
    summary = get(client, "/api/summary?province=Sud-Kivu&on=2024-01-01")
    assert summary["sites"] == 2 and summary["visits"] == 3
    assert summary["qualification"]["bleu"] == 1 and sum(summary["qualification"].values()) == 2
    assert {m["mineral"] for m in summary["minerals"]} == {"Or", "Cassitérite", "Coltan"}


def test_openapi_and_docs(client):
    schema = get(client, "/api/openapi.json")
    assert "/api/sites/{pcode}/risk" in schema["paths"]
    assert client.get("/api/docs").status_code == 200
    assert Site.objects.count() == 0


def test_api_docs_load_nothing_from_a_cdn(client):
    page = client.get("/api/docs").content.decode()
    assert "swagger-ui-bundle.js" in page
    assert "cdn." not in page and "https://" not in page.split("<body")[0]


def test_site_qualification_on_a_date_says_why(client, sample):
    from ramani.sites.models import Qualification

    blue = Qualification.objects.filter(status="bleu").select_related("site").first()
    pcode, decided = blue.site.pcode, blue.date
    during = get(client, f"/api/sites/{pcode}?on={decided.replace(year=decided.year + 1).isoformat()}")
    assert during["qualification"] == "bleu" and during["qualification_on"]["valid_until"]
    later = get(client, f"/api/sites/{pcode}?on={decided.replace(year=decided.year + 4).isoformat()}")
    assert later["qualification"] == "rouge" and later["qualification_on"]["automatic"] is True
    assert (
        later["qualification_on"]["decided"] == "bleu"
        and later["qualification_on"]["decided_on"] == decided.isoformat()
    )
    assert client.get(f"/api/sites/{pcode}?on=2024-02-30").status_code == 400
