"""Translation catalogs: complete and compiled (what `scripts/i18n check` and CI run), maintained with
Django's makemessages/compilemessages through scripts/i18n, and used by the pages."""

from __future__ import annotations

import gettext
import importlib.machinery
import importlib.util
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path
from unittest import mock

import polib
import pytest
from django.conf import settings
from django.template import engines
from django.utils import translation

ROOT = Path(__file__).resolve().parents[1]
GNU_GETTEXT = all(shutil.which(tool) for tool in ("xgettext", "msgmerge", "msgfmt", "msgcat"))
needs_gettext = pytest.mark.skipif(
    not GNU_GETTEXT,
    reason="GNU gettext is not installed (Debian: apt-get install gettext; CI installs it): the sources cannot "
    "be read with xgettext, so only the catalogs' own checks run",
)


def load_tool():
    loader = importlib.machinery.SourceFileLoader("ramani_i18n_tool", str(ROOT / "scripts" / "i18n"))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[loader.name] = module
    loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def i18n():
    return load_tool()


def source_msgids(i18n) -> set[tuple[str | None, str, str | None]]:
    """(context, msgid, plural) of every text of the sources: the .pot makemessages writes (xgettext)."""
    # makemessages writes each template's preprocessed copy beside it: it reads a copy of the sources, so
    # that the two test passes (run at the same time) never race on files of the checkout.
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "tree"
        skip = shutil.ignore_patterns("static", "locale", "__pycache__", "*.egg-info", "*.pyc")
        shutil.copytree(i18n.ROOT / "src", copy / "src", ignore=skip)
        with mock.patch.object(i18n, "ROOT", copy):
            i18n.django_command("makemessages", Path(tmp), locale=[i18n.languages()[0]], keep_pot=True)
        return {(e.msgctxt, e.msgid, e.msgid_plural or None) for e in polib.pofile(f"{tmp}/django.pot")}


def problems(i18n, sources: set | None = None) -> list[str]:
    """What is wrong with the catalogs: a msgid of `sources` missing, or one the sources no longer have; a
    French or Swahili msgstr empty, fuzzy or with other placeholders than its msgid; a .mo that is not
    the compilation of its .po; a header without Language, UTF-8 or Plural-Forms."""
    out = []
    for lang, po in i18n.catalogs().items():
        meta = po.metadata
        if meta.get("Language") != lang or "charset=UTF-8" not in meta.get("Content-Type", ""):
            out.append(f"{lang}: the header needs Language: {lang} and charset=UTF-8")
        if "Plural-Forms" not in meta:
            out.append(f"{lang}: the header has no Plural-Forms")
        mo = i18n.po_path(lang).with_suffix(".mo")
        compiled = (
            {(e.msgctxt, e.msgid): i18n.msgstrs(e) for e in polib.mofile(str(mo)) if e.msgid} if mo.exists() else {}
        )
        if compiled != {(e.msgctxt, e.msgid): i18n.msgstrs(e) for e in po.translated_entries() if e.msgid}:
            out.append(f"{lang}: django.mo is not the compilation of django.po (run scripts/i18n compile)")
        active = {(e.msgctxt, e.msgid, e.msgid_plural or None): e for e in po if not e.obsolete and e.msgid}
        if sources is not None:
            out += [
                f"{lang}: missing msgid {json.dumps(k[1], ensure_ascii=False)} (run scripts/i18n update)"
                for k in sorted(sources - set(active), key=str)
            ]
            out += [
                f"{lang}: {json.dumps(k[1], ensure_ascii=False)} is no longer in the sources (run scripts/i18n update)"
                for k in sorted(set(active) - sources, key=str)
            ]
        for entry in active.values():
            if lang in i18n.MUST_TRANSLATE and entry.fuzzy:
                out.append(f"{lang}: fuzzy {i18n.label(entry, True)} (check the translation, then drop the fuzzy flag)")
            elif lang in i18n.MUST_TRANSLATE and not all(i18n.msgstrs(entry)):
                out.append(f"{lang}: untranslated {i18n.label(entry, True)}")
            out += [f"{lang}: {i18n.label(entry, True)}: {p}" for p in i18n.format_problems(entry, i18n.msgstrs(entry))]
    return out


def test_catalogs_are_complete_and_compiled(i18n):
    """French and Swahili translated, not fuzzy, placeholders kept; each .mo the compilation of its .po
    (read with polib: no gettext tool needed)."""
    assert problems(i18n) == []


@needs_gettext
def test_catalogs_have_every_msgid_of_the_sources(i18n):
    """Every text of the templates and Python modules (as makemessages extracts it) is in each .po, and
    nothing the sources dropped is still active."""
    sources = source_msgids(i18n)
    assert len(sources) > 900
    assert problems(i18n, sources) == []


def test_catalog_headers_and_plural_forms(i18n):
    expected = {
        "fr": "nplurals=2; plural=(n > 1);",
        "en": "nplurals=2; plural=(n != 1);",
        "sw": "nplurals=2; plural=(n != 1);",
    }
    assert [code for code, _ in settings.LANGUAGES] == i18n.languages() == list(expected)
    assert settings.LANGUAGE_CODE == "fr"
    for lang, plural_forms in expected.items():
        with i18n.po_path(lang).with_suffix(".mo").open("rb") as f:
            catalog = gettext.GNUTranslations(f)
        assert catalog.info()["plural-forms"] == plural_forms and catalog.info()["language"] == lang
        assert catalog.charset() == "UTF-8"


@pytest.fixture
def project(i18n, tmp_path, monkeypatch):
    """A throwaway project (src/ramani with a template and a module) the tool works on instead of ours."""
    package = tmp_path / "src" / "ramani"
    (package / "web" / "templates" / "web").mkdir(parents=True)
    monkeypatch.setattr(i18n, "ROOT", tmp_path)
    monkeypatch.setattr(i18n, "LOCALE", package / "locale")
    return package


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
from django.utils.translation import gettext as _, ngettext, pgettext_lazy

# Translators: the title of the legend
LEGEND = _("Legend")
DIGGERS = ngettext("%(n)s digger", "%(n)s diggers", 3)
MONTH = pgettext_lazy("month", "May")
LAZY = translation.gettext_lazy("Lazy " "joined")
VISITS = translation.npgettext("field", "one visit", "%(n)s visits", 2)
NOOP = translation.gettext_noop("Not yet")
DYNAMIC = _(LEGEND)
"""


@needs_gettext
def test_extraction_is_what_django_renders(i18n, project):
    """The msgids makemessages extracts from a template are the ones Django's tags look up when rendering it."""
    (project / "web" / "templates" / "t.html").write_text(TEMPLATE, encoding="utf-8")
    extracted = {((c, m), p) for c, m, p in source_msgids(i18n)}
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


@needs_gettext
def test_python_extraction(i18n, project):
    (project / "legend.py").write_text(MODULE, encoding="utf-8")
    (project / "migrations").mkdir()
    (project / "migrations" / "0001_initial.py").write_text(
        'from django.utils.translation import gettext as _\n_("Migration")\n'
    )
    assert source_msgids(i18n) == {
        (None, "Legend", None),
        (None, "%(n)s digger", "%(n)s diggers"),
        ("month", "May", None),
        (None, "Lazy joined", None),
        ("field", "one visit", "%(n)s visits"),
        (None, "Not yet", None),
    }
    assert i18n.main(["update"]) == 0
    po = polib.pofile(str(i18n.po_path("fr")))
    legend = po.find("Legend")
    assert legend.comment == "Translators: the title of the legend" and legend.occurrences == [
        ("src/ramani/legend.py", "5")
    ]
    assert "python-format" in po.find("%(n)s digger").flags


@needs_gettext
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
    found = problems(i18n, source_msgids(i18n))
    assert 'fr: untranslated "Map"' in found and 'sw: untranslated "%(n)s site"' in found
    assert not [p for p in found if p.startswith("en:")]  # English falls back to the msgid
    assert {po.metadata["Language"] for po in i18n.catalogs().values()} == {"fr", "en", "sw"}
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
    assert problems(i18n, source_msgids(i18n)) == ['sw: untranslated "%(n)s site"']
    fill.write_text(json.dumps({"%(n)s site": {"sw": ["machimbo %(n)s"] * 2, "_fuzzy_sw": "a note"}}), encoding="utf-8")
    assert i18n.main(["fill", str(fill)]) == 0
    assert problems(i18n, source_msgids(i18n)) == []
    fr = i18n.po_path("fr")
    with fr.with_suffix(".mo").open("rb") as f:
        assert gettext.GNUTranslations(f).ngettext("%(n)s site", "%(n)s sites", 1) == "%(n)s site"
    written = fr.read_text(encoding="utf-8")
    assert i18n.main(["update"]) == 0 and fr.read_text(encoding="utf-8") == written  # fill writes as msgmerge does

    # A hand edit of a .po is caught until compiled
    fr.write_text(written.replace('"Carte"', '"Une carte"'), encoding="utf-8")
    assert problems(i18n) == ["fr: django.mo is not the compilation of django.po (run scripts/i18n compile)"]
    assert i18n.main(["compile"]) == 0 and problems(i18n) == []

    # The sources change: a new msgid, a reworded one (its translation offered as fuzzy), one removed
    page.write_text(
        page.read_text(encoding="utf-8")
        .replace("Sites by province", "Sites by provinces")
        .replace("Diggers", "Armed groups")
    )
    assert problems(i18n, source_msgids(i18n))[:2] == [
        'fr: missing msgid "Armed groups" (run scripts/i18n update)',
        'fr: missing msgid "Sites by provinces" (run scripts/i18n update)',
    ]
    assert i18n.main(["update"]) == 0
    po = polib.pofile(str(fr))
    reworded = po.find("Sites by provinces")
    assert reworded.fuzzy and reworded.msgstr == "Sites par province" and reworded.previous_msgid == "Sites by province"
    assert [(e.msgid, e.msgstr) for e in po.obsolete_entries()] == [("Diggers", "Creuseurs")]
    assert po.find("Armed groups").msgstr == ""
    assert set(problems(i18n, source_msgids(i18n))) == {
        'fr: fuzzy "Sites by provinces" (check the translation, then drop the fuzzy flag)',
        'sw: fuzzy "Sites by provinces" (check the translation, then drop the fuzzy flag)',
        'fr: untranslated "Armed groups"',
        'sw: untranslated "Armed groups"',
    }
    capsys.readouterr()
    assert i18n.main(["todo", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["Sites by provinces"] == {
        "_fuzzy_fr": "Sites par province",
        "fr": "",
        "_fuzzy_sw": "Machimbo kwa jimbo",
        "sw": "",
    }
    with fr.with_suffix(".mo").open("rb") as f:  # fuzzy: not used until checked
        assert gettext.GNUTranslations(f).gettext("Sites by provinces") == "Sites by provinces"

    # The removed text comes back: its old translation too
    page.write_text(page.read_text(encoding="utf-8").replace("Armed groups", "Diggers"), encoding="utf-8")
    assert i18n.main(["update"]) == 0
    assert polib.pofile(str(fr)).find("Diggers").msgstr == "Creuseurs"
    assert i18n.main(["update", "--no-obsolete"]) == 0
    assert not polib.pofile(str(fr)).obsolete_entries()


def test_sources_call_gettext_as_xgettext_reads_it():
    """xgettext sees a literal msgid under a name it knows: no f-string (it would extract "{n} sites", a
    msgid no lookup uses) and no alias other than `_` for the functions of django.utils.translation."""
    call = re.compile(r"\b(?:_|gettext(?:_lazy|_noop)?|n?p?gettext(?:_lazy)?)\(\s*[fF][rR]?[\"']")
    alias = re.compile(r"from django\.utils\.translation import [^\n]*\bas (?!_\b)(\w+)")
    found = []
    for path in sorted((ROOT / "src" / "ramani").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(ROOT)}: f-string in {m[0]!r}" for m in call.finditer(text)]
        found += [f"{path.relative_to(ROOT)}: alias {m[1]!r}" for m in alias.finditer(text)]
    assert found == []
    assert call.search('x = _(f"{n} sites")') and alias.search("from django.utils.translation import gettext as tr")


def test_format_checks(i18n):
    entry = polib.POEntry(msgid="Page %(n)s of %(total)s", flags=["python-format"])
    for msgstr, ok in [
        ("Page %(n)s sur %(total)s", True),
        ("Ukurasa %(n)s kati ya %(total)s", True),
        ("Page %(n)s", False),
        ("Page %(num)s sur %(total)s", False),
        ("%(n)s / %(total)s : 50 %", False),
        ("%(n)s / %(total)s : 50 %%", True),
    ]:
        assert (i18n.format_problems(entry, [msgstr]) == []) == ok, msgstr
    plural = polib.POEntry(msgid="one site", msgid_plural="%(n)s sites", flags=["python-format"])
    assert i18n.format_problems(plural, ["un site", "%(n)s sites"]) == []
    assert i18n.format_problems(plural, ["un site", "%(count)s sites"]) != []


def test_check_command_runs_those_tests(i18n):
    assert i18n.main(["check"]) == 0


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
    assert f'<html lang="{lang or "fr"}"' in page  # other attributes may follow
    for word in words:
        assert f">{word}<" in page, word
    assert f">{absent}<" not in page
