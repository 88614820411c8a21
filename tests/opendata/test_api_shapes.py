"""The REST API's answers are what its OpenAPI document says, field by field: the pages are built from rows and
serialised by orjson without passing through the Schemas, so here real answers are validated against the
published document (additionalProperties false: a field added to the answer but not to the schema fails)."""

import jsonschema_rs
import pytest

from ramani.sites.ipis_import import import_ipis
from tests.conftest import SAMPLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample(today):
    import_ipis(SAMPLE, today=today)


def _validator(doc: dict, path: str) -> jsonschema_rs.Draft202012Validator:
    """JSON Schema 2020-12 (what OpenAPI 3.1 uses) of the 200 answer of `path`, its references resolved in `doc`."""
    schema = doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    return jsonschema_rs.Draft202012Validator({**schema, "components": doc["components"]}, validate_formats=True)


@pytest.mark.parametrize(
    "path,url",
    [
        ("/api/sites", "/api/sites?limit=3"),
        ("/api/sites", "/api/sites?mineral=gold&on=2024-01-01"),
        ("/api/visits", "/api/visits"),
        ("/api/visits", "/api/visits?province=Sud-Kivu&limit=2&offset=1"),
        ("/api/sites/{pcode}", "/api/sites/codmine01764"),
        ("/api/sites/{pcode}/risk", "/api/sites/codmine01764/risk?on=2024-01-01"),
        ("/api/summary", "/api/summary"),
    ],
)
def test_answers_match_the_published_schema(client, sample, path, url):
    doc = client.get("/api/openapi.json").json()
    answer = client.get(url)
    assert answer.status_code == 200, answer.content[:300]
    body = answer.json()
    _validator(doc, path).validate(body)
    if "results" in body:
        assert body["results"], url  # a page with something in it was checked


def test_every_field_of_a_page_is_documented(client, sample):
    doc = client.get("/api/openapi.json").json()
    schemas = doc["components"]["schemas"]
    for name, url in (("SiteRecord", "/api/sites"), ("VisitRecord", "/api/visits")):
        declared = schemas[name]["properties"]
        assert schemas[name].get("additionalProperties") is False
        record = client.get(url).json()["results"][0]
        assert set(record) == set(declared), name
    visit = schemas["VisitRecord"]["properties"]
    assert visit["minerals"]["items"] == {"$ref": "#/components/schemas/MineralSlot"}


def test_a_drifted_answer_would_fail(client, sample):
    doc = client.get("/api/openapi.json").json()
    body = client.get("/api/sites?limit=1").json()
    body["results"][0]["colour"] = "green"  # a field the schema does not declare
    with pytest.raises(jsonschema_rs.ValidationError):
        _validator(doc, "/api/sites").validate(body)
