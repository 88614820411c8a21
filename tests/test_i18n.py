"""Compiled catalogs: current, complete for French and Swahili, and used by the pages."""

from __future__ import annotations

import gettext
import importlib.machinery
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def tool():
    loader = importlib.machinery.SourceFileLoader("ramani_i18n_tool", str(ROOT / "scripts" / "i18n"))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_catalogs_are_compiled_complete_and_current():
    assert tool().problems() == []


def test_mo_writer_round_trip(tmp_path):
    t = tool()
    entries = {"": {"msgstr": t.header("fr"), "fuzzy": False},
               "Cassiterite": {"msgstr": "Cassitérite", "fuzzy": False},
               "Page %(n)s of %(total)s": {"msgstr": "Page %(n)s sur %(total)s", "fuzzy": False},
               "untranslated": {"msgstr": "", "fuzzy": False},
               "doubtful": {"msgstr": "douteux", "fuzzy": True},
               'with "quotes"\nand a newline': {"msgstr": 'avec des «\u00a0guillemets\u00a0» "x"\net une ligne', "fuzzy": False}}
    po = tmp_path / "django.po"
    t.write_po(po, "fr", {k: ["here:1"] for k in entries if k}, entries)
    again = t.read_po(po)
    assert {k: v for k, v in again.items() if k} == {k: v for k, v in entries.items() if k}
    mo = tmp_path / "django.mo"
    mo.write_bytes(t.mo_bytes(again))
    with mo.open("rb") as f:
        catalog = gettext.GNUTranslations(f)
    assert catalog.gettext("Cassiterite") == "Cassitérite"
    assert catalog.gettext("untranslated") == "untranslated" and catalog.gettext("doubtful") == "doubtful"
    assert catalog.gettext('with "quotes"\nand a newline').endswith("et une ligne")
    assert catalog.ngettext("site", "sites", 2) == "sites"
    assert catalog.info()["language"] == "fr"


@pytest.mark.django_db
@pytest.mark.parametrize("lang, words", [("fr", ["Carte", "Tableau de bord", "Liste des sites"]),
                                         ("en", ["Map", "Dashboard", "Site list"]),
                                         ("sw", ["Ramani", "Dashibodi", "Orodha ya machimbo"])])
def test_pages_speak_the_chosen_language(client, lang, words):
    if lang != "fr":
        client.get(f"/lang/{lang}/")
    for path in ("/", "/about/", "/sites/"):
        page = client.get(path).content.decode()
        assert f'lang="{lang}"' in page
        for word in words:
            assert f">{word}<" in page, (path, word)


@pytest.mark.django_db
def test_map_legend_is_translated(client):
    import json
    import re

    client.get("/lang/sw/")
    page = client.get("/").content.decode()
    layers = json.loads(re.search(r'<script id="map-layers" type="application/json">(.*?)</script>', page, re.S)[1])
    assert layers[0]["label"] == "Hali ya uthibitisho"
    assert "677" in layers[0]["classes"][3]["info"] and "Bluu" in layers[0]["classes"][3]["info"]
