"""Translation catalogs (scripts/i18n): complete and compiled, read and written correctly, used by the pages."""

from __future__ import annotations

import gettext
import importlib.machinery
import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.template import engines
from django.utils import translation

ROOT = Path(__file__).resolve().parents[1]


def load_tool():
    loader = importlib.machinery.SourceFileLoader("ramani_i18n_tool", str(ROOT / "scripts" / "i18n"))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[loader.name] = module  # dataclasses look their module up while the class is made
    loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def i18n():
    return load_tool()


@pytest.fixture
def project(i18n, tmp_path, monkeypatch):
    """A throwaway project (src/ramani with a template and a module) the tool works on instead of ours."""
    package = tmp_path / "src" / "ramani"
    (package / "web" / "templates" / "web").mkdir(parents=True)
    monkeypatch.setattr(i18n, "ROOT", tmp_path)
    monkeypatch.setattr(i18n, "PACKAGE", package)
    monkeypatch.setattr(i18n, "LOCALE", package / "locale")
    return package


def test_catalogs_are_complete_and_compiled(i18n):
    """What `scripts/i18n check` (and CI) requires: every msgid of the sources in every .po, French and
    Swahili translated and not fuzzy, placeholders kept, and each .mo the compilation of its .po."""
    assert i18n.problems() == []
    assert i18n.main(["check"]) == 0


def test_catalog_headers_and_plural_forms(i18n):
    expected = {
        "fr": "nplurals=2; plural=(n > 1);",
        "en": "nplurals=2; plural=(n != 1);",
        "sw": "nplurals=2; plural=(n != 1);",
    }
    assert [code for code, _ in settings.LANGUAGES] == list(i18n.LANGUAGES) == list(expected)
    assert settings.LANGUAGE_CODE == "fr"
    for lang, plural_forms in expected.items():
        with (i18n.LOCALE / lang / "LC_MESSAGES" / "django.mo").open("rb") as f:
            catalog = gettext.GNUTranslations(f)
        assert catalog.info()["plural-forms"] == plural_forms and catalog.info()["language"] == lang
        assert catalog.charset() == "UTF-8"


ENTRIES = [
    ("Cassiterite", None, None, ["Cassitérite"], []),
    ("Swahili", None, None, ["Kiswahili"], []),
    ("Map", None, None, ["Carte"], []),
    ("Map", "verb", None, ["Cartographier"], []),
    ("%(n)s site", None, "%(n)s sites", ["%(n)s site", "%(n)s sites"], ["python-format"]),
    (
        "%(n)s visit",
        "field",
        "%(n)s visits",
        ["%(n)s visite de terrain", "%(n)s visites de terrain"],
        ["python-format"],
    ),
    ("Page %(n)s of %(total)s", None, None, ["Page %(n)s sur %(total)s"], ["python-format"]),
    ("untranslated", None, None, [""], []),
    ("doubtful", None, None, ["douteux"], ["fuzzy"]),
    (
        'with "quotes", a \\ and\na newline',
        None,
        None,
        ['avec des «\u00a0guillemets\u00a0» "x", un \\ et\nune ligne'],
        [],
    ),
    ("A long text " * 12, None, None, ["Un long texte " * 12], []),
]


def sample_catalog(i18n, lang="fr"):
    entries = [i18n.header_entry(lang)]
    for msgid, context, plural, msgstr, flags in ENTRIES:
        entries.append(i18n.Entry(msgid, context, plural, list(msgstr), list(flags), refs=["src/x.html:1"]))
    entries[-1].comments = ["a translator's note"]
    entries[-1].notes = ["Translators: shown in the legend"]
    entries.append(i18n.Entry("gone", msgstr=["parti"], obsolete=True))
    return entries


def test_po_and_mo_round_trip(i18n, tmp_path):
    entries = sample_catalog(i18n)
    po = tmp_path / "django.po"
    i18n.write_po(po, entries)
    assert max(len(line) for line in po.read_text(encoding="utf-8").splitlines()) <= 79
    assert i18n.read_po(po) == entries
    data = i18n.mo_bytes(i18n.read_po(po))
    assert i18n.read_mo(data) == i18n.mo_pairs(entries)
    mo = tmp_path / "django.mo"
    mo.write_bytes(data)
    with mo.open("rb") as f:
        catalog = gettext.GNUTranslations(f)
    assert catalog.gettext("Cassiterite") == "Cassitérite"
    assert catalog.gettext("Swahili") == "Kiswahili"
    assert catalog.gettext("Map") == "Carte" and catalog.pgettext("verb", "Map") == "Cartographier"
    # French: 0 and 1 take the singular
    assert [catalog.ngettext("%(n)s site", "%(n)s sites", n) for n in (0, 1, 2)] == [
        "%(n)s site",
        "%(n)s site",
        "%(n)s sites",
    ]
    assert catalog.npgettext("field", "%(n)s visit", "%(n)s visits", 3) % {"n": 3} == "3 visites de terrain"
    assert catalog.gettext("Page %(n)s of %(total)s") % {"n": 2, "total": 9} == "Page 2 sur 9"
    # empty and fuzzy msgstrs stay out of the .mo, as obsolete entries do
    assert catalog.gettext("untranslated") == "untranslated" and catalog.gettext("doubtful") == "doubtful"
    assert catalog.gettext("gone") == "gone"
    assert catalog.gettext('with "quotes", a \\ and\na newline').endswith("un \\ et\nune ligne")
    assert catalog.gettext("A long text " * 12) == "Un long texte " * 12


def test_english_plural_rule(i18n, tmp_path):
    entries = [
        i18n.header_entry("sw"),
        i18n.Entry("%(n)s site", None, "%(n)s sites", ["machimbo %(n)s", "machimbo %(n)s"]),
    ]
    entries.append(i18n.Entry("Mercury", msgstr=["Zebaki"]))
    (tmp_path / "django.mo").write_bytes(i18n.mo_bytes(entries))
    with (tmp_path / "django.mo").open("rb") as f:
        catalog = gettext.GNUTranslations(f)
    assert catalog.gettext("Mercury") == "Zebaki"
    assert catalog.ngettext("%(n)s site", "%(n)s sites", 0) % {"n": 0} == "machimbo 0"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed (it is never needed)")
def test_same_catalog_as_gnu_msgfmt(i18n, tmp_path):
    """Where GNU gettext happens to be installed: it accepts our .po files and compiles them to what we do."""
    catalogs = {"sample": sample_catalog(i18n)} | {lang: i18n.load(lang) for lang in i18n.LANGUAGES}
    for name, entries in catalogs.items():
        po = tmp_path / f"{name}.po"
        i18n.write_po(po, entries)
        subprocess.run(
            ["msgfmt", "--check-format", "--check-header", "-o", tmp_path / f"{name}.mo", po],
            check=True,
            capture_output=True,
        )
        assert i18n.read_mo((tmp_path / f"{name}.mo").read_bytes()) == i18n.mo_pairs(entries), name


TEMPLATE = """{% load i18n %}<p>{% translate "Map" %} {% trans 'Single quoted' %}
{% translate "Title" as title %}{{ title }} {% translate "100% sure" %} {% translate "May" context "month" %}
{# Translators: the nav label #}
{% translate "Dashboard" %}
{% blocktranslate %}Hello {{ name }}, 50% done{% endblocktranslate %}
{% blocktranslate with n=pager.number total=pager.total %}Page {{ n }} of {{ total }}{% endblocktranslate %}
{% blocktranslate count counter=items|length %}{{ counter }} site{% plural %}{{ counter }} sites{% endblocktranslate %}
{% blocktranslate trimmed count n=items|length context "field" %}
  One visit
  to {{ place }}
{% plural %}
  {{ n }} visits
  to {{ place }}
{% endblocktranslate %}
{{ _("Underscore") }} {{ x|default:_("Default text") }} {% translate "Cassitérite" %}</p>
"""

MODULE = """from django.utils import translation
from django.utils.translation import gettext as _, ngettext, pgettext_lazy as pl

# Translators: the title of the legend
LEGEND = _("Legend")
DIGGERS = ngettext("%(n)s digger", "%(n)s diggers", 3)
MONTH = pl("month", "May")
LAZY = translation.gettext_lazy("Lazy " "joined")
VISITS = translation.npgettext("field", "one visit", "%(n)s visits", 2)
KEYWORDS = ngettext(singular="one armed group", plural="%(n)s armed groups", number=2)
DYNAMIC = _(LEGEND)
"""


def test_extraction_is_what_django_renders(i18n, tmp_path):
    """The msgids extracted from a template are the ones Django's tags look up when rendering it."""
    template = tmp_path / "src" / "ramani" / "web" / "templates" / "t.html"
    template.parent.mkdir(parents=True)
    template.write_text(TEMPLATE, encoding="utf-8")
    found = i18n.extract([template], tmp_path)
    assert found.warnings == []
    extracted = {(key, e.msgid_plural) for key, e in found.entries.items()}

    looked_up = set()
    real = translation._trans
    original = {kind: getattr(real, kind) for kind in ("gettext", "pgettext", "ngettext", "npgettext")}

    def record(kind):
        def lookup(*args):
            context = args[0] if kind in ("pgettext", "npgettext") else None
            rest = args[1:] if context is not None else args
            looked_up.add(((context, rest[0]), rest[1] if kind.startswith(("n", "np")) else None))
            return original[kind](*args)

        return lookup

    with mock.patch.multiple(real, **{k: record(k) for k in original}):
        page = (
            engines["django"]
            .from_string(TEMPLATE)
            .render({"name": "Amani", "pager": {"number": 2, "total": 9}, "items": [1, 2], "place": "Nyabibwe"})
        )
    assert "Hello Amani, 50% done" in page and "100% sure" in page and "2 sites" in page
    assert looked_up == extracted
    assert found.entries[(None, "Hello %(name)s, 50%% done")].flags == ["python-format"]
    assert found.entries[("field", "One visit to %(place)s")].msgid_plural == "%(n)s visits to %(place)s"
    assert found.entries[(None, "Dashboard")].notes == ["Translators: the nav label"]
    assert found.entries[(None, "Map")].refs == ["src/ramani/web/templates/t.html:1"]
    assert found.entries[(None, "Cassitérite")].refs == ["src/ramani/web/templates/t.html:15"]


def test_python_extraction(i18n, tmp_path):
    module = tmp_path / "mod.py"
    module.write_text(MODULE + 'BAD = _(f"{LEGEND} label")\n', encoding="utf-8")
    found = i18n.extract([module], tmp_path)
    assert {key: e.msgid_plural for key, e in found.entries.items()} == {
        (None, "Legend"): None,
        (None, "%(n)s digger"): "%(n)s diggers",
        ("month", "May"): None,
        (None, "Lazy joined"): None,
        ("field", "one visit"): "%(n)s visits",
        (None, "one armed group"): "%(n)s armed groups",
    }
    assert found.entries[(None, "Legend")].notes == ["Translators: the title of the legend"]
    assert found.entries[(None, "Legend")].refs == ["mod.py:5"]
    assert len(found.warnings) == 1 and "mod.py:12" in found.warnings[0]


def test_update_todo_fill_and_check(i18n, project, capsys):
    page = project / "web" / "templates" / "web" / "page.html"
    page.write_text(
        '{% load i18n %}{% translate "Map" %} {% translate "Sites by province" %}\n'
        '{% translate "Diggers" %} {% blocktranslate count n=k %}{{ n }} site{% plural %}{{ n }} sites'
        "{% endblocktranslate %}",
        encoding="utf-8",
    )
    (project / "legend.py").write_text('from django.utils.translation import gettext as _\nX = _("Mercury")\n')
    assert i18n.main(["update"]) == 0
    assert i18n.settings_languages() is None  # no settings.py in this project
    problems = i18n.problems()
    assert 'fr: untranslated "Map"' in problems and 'sw: untranslated "%(n)s site"' in problems
    assert not [p for p in problems if p.startswith("en:")]  # English falls back to the msgid
    capsys.readouterr()
    assert i18n.main(["todo"]) == 0
    out = capsys.readouterr().out
    assert '[fr sw] "Map"' in out and "5 msgids to translate" in out
    assert i18n.main(["todo", "--json"]) == 0
    skeleton = json.loads(capsys.readouterr().out)
    assert skeleton["%(n)s site"] == {"fr": ["", ""], "sw": ["", ""]} and skeleton["Map"] == {"fr": "", "sw": ""}

    wanted = {
        "Map": {"fr": "Carte", "sw": "Ramani"},
        "Sites by province": {"fr": "Sites par province", "sw": "Machimbo kwa jimbo"},
        "Diggers": {"fr": "Creuseurs", "sw": "Wachimbaji"},
        "Mercury": {"fr": "Mercure", "sw": "Zebaki", "en": "Mercury"},
        "%(n)s site": {"fr": ["%(n)s site", "%(n)s sites"], "sw": ["machimbo %(n)s", "machimbo %(count)s"]},
        "Not in the sources": {"fr": "Pas dans les sources"},
    }
    fill = project / "t.json"
    fill.write_text(json.dumps(wanted), encoding="utf-8")
    assert i18n.main(["fill", str(fill)]) == 1  # one unknown msgid, one bad placeholder
    err = capsys.readouterr().err
    assert "Not in the sources" in err and "count" in err
    assert i18n.problems() == ['sw: untranslated "%(n)s site"']
    wanted = {"%(n)s site": {"sw": ["machimbo %(n)s", "machimbo %(n)s"], "_fuzzy_sw": "a note"}}
    fill.write_text(json.dumps(wanted), encoding="utf-8")
    assert i18n.main(["fill", str(fill)]) == 0
    assert i18n.problems() == []
    fr = i18n.LOCALE / "fr" / "LC_MESSAGES"
    with (fr / "django.mo").open("rb") as f:
        assert gettext.GNUTranslations(f).ngettext("%(n)s site", "%(n)s sites", 1) == "%(n)s site"

    # A hand edit of a .po is caught until compiled
    po = fr / "django.po"
    po.write_text(po.read_text(encoding="utf-8").replace('"Carte"', '"Une carte"'), encoding="utf-8")
    assert i18n.problems() == ["fr: django.mo is not the compilation of django.po (run scripts/i18n update)"]
    assert i18n.main(["compile"]) == 0 and i18n.problems() == []

    # The sources change: a new msgid, a reworded one (its translation offered as fuzzy), one removed
    page.write_text(
        '{% load i18n %}{% translate "Map" %} {% translate "Sites by provinces" %}\n'
        '{% translate "Armed groups" %} {% blocktranslate count n=k %}{{ n }} site{% plural %}{{ n }}'
        " sites{% endblocktranslate %}",
        encoding="utf-8",
    )
    assert i18n.problems()[:2] == [
        'fr: missing msgid "Sites by provinces" (run scripts/i18n update)',
        'fr: missing msgid "Armed groups" (run scripts/i18n update)',
    ]
    assert i18n.main(["update"]) == 0
    entries = {e.key: e for e in i18n.read_po(po)}
    reworded = entries[(None, "Sites by provinces")]
    assert reworded.fuzzy and reworded.msgstr == ["Sites par province"] and reworded.previous == "Sites by province"
    assert entries[(None, "Diggers")].obsolete and entries[(None, "Diggers")].msgstr == ["Creuseurs"]
    assert '#~ msgid "Diggers"' in po.read_text(encoding="utf-8")
    assert entries[(None, "Armed groups")].msgstr == [""]
    assert set(i18n.problems()) == {
        'fr: fuzzy "Sites by provinces" (check the translation, then drop the fuzzy flag)',
        'sw: fuzzy "Sites by provinces" (check the translation, then drop the fuzzy flag)',
        'fr: untranslated "Armed groups"',
        'sw: untranslated "Armed groups"',
    }
    with (fr / "django.mo").open("rb") as f:  # fuzzy: not used until checked
        assert gettext.GNUTranslations(f).gettext("Sites by provinces") == "Sites by provinces"

    # The removed text comes back: its old translation too
    page.write_text(page.read_text(encoding="utf-8").replace("Armed groups", "Diggers"), encoding="utf-8")
    assert i18n.main(["update"]) == 0
    entries = {e.key: e for e in i18n.read_po(po)}
    assert entries[(None, "Diggers")].msgstr == ["Creuseurs"] and not entries[(None, "Diggers")].obsolete
    assert i18n.main(["update", "--no-obsolete"]) == 0
    assert not [e for e in i18n.read_po(po) if e.obsolete]


def test_format_checks(i18n):
    entry = i18n.Entry("Page %(n)s of %(total)s", flags=["python-format"])
    for msgstr, ok in [
        ("Page %(n)s sur %(total)s", True),
        ("Ukurasa %(n)s kati ya %(total)s", True),
        ("Page %(n)s", False),
        ("Page %(num)s sur %(total)s", False),
        ("%(n)s / %(total)s : 50 %", False),
        ("%(n)s / %(total)s : 50 %%", True),
    ]:
        entry.msgstr = [msgstr]
        assert (i18n.format_problems(entry) == []) == ok, msgstr
    assert i18n.is_format("Hello %(name)s") and i18n.is_format("50%% done") and not i18n.is_format("Share (%)")


def test_python_strings_are_translated():
    from ramani.web import legend

    for lang, label in [
        ("fr", "Statut de qualification"),
        ("en", "Qualification status"),
        ("sw", "Hali ya uthibitisho"),
    ]:
        with translation.override(lang):
            assert legend.layers()[0]["label"] == label


@pytest.mark.django_db
@pytest.mark.parametrize(
    "lang, words, absent",
    [
        (None, ["Carte", "Tableau de bord", "Liste des sites", "À propos", "Statut de qualification"], "Dashboard"),
        ("fr", ["Carte", "Tableau de bord", "Liste des sites", "À propos"], "Dashboard"),
        ("en", ["Map", "Dashboard", "Site list", "About", "Qualification status"], "Tableau de bord"),
        ("sw", ["Ramani", "Dashibodi", "Orodha ya machimbo", "Kuhusu", "Hali ya uthibitisho"], "Tableau de bord"),
    ],
)
def test_pages_speak_the_chosen_language(client, lang, words, absent):
    """French by default (whatever the browser asks), else the language of the django_language cookie."""
    if lang:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    page = client.get("/about/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9,sw;q=0.8").content.decode()
    assert f'<html lang="{lang or "fr"}">' in page
    for word in words:
        assert f">{word}<" in page, word
    assert f">{absent}<" not in page
