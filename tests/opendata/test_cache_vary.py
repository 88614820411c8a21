"""Answers the open-data cache keeps per Accept header and language cookie say so (Vary): a shared cache
(a proxy, a browser's) must not give one reader's language to another."""

import pytest
from django.utils.cache import cc_delim_re

pytestmark = pytest.mark.django_db


def _vary(response) -> set[str]:
    return {h.strip().lower() for h in cc_delim_re.split(response.get("Vary", "")) if h.strip()}


def test_an_api_answer_in_the_readers_language_varies_on_the_cookie(client):
    french = client.get("/api/analysis/interference")
    client.cookies["django_language"] = "sw"
    swahili = client.get("/api/analysis/interference")
    assert french.status_code == swahili.status_code == 200
    assert french.json()["definition"] != swahili.json()["definition"]  # the same URL, two answers
    for response in (french, swahili):
        assert "public" in response["Cache-Control"]
        assert {"cookie", "accept"} <= _vary(response)


def test_ogc_answers_vary_on_accept_and_cookie(client):
    response = client.get("/ogcapi/collections")
    assert response.status_code == 200 and {"cookie", "accept"} <= _vary(response)
