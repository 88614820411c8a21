"""The IPIS-style site-visit form as an XLSForm (survey, choices, settings), built from the vocabularies.

Choice names are codes (ASCII, no spaces, as ODK and KoboToolbox need for select_multiple); each
maps back to the exact IPIS value through `choice_values()`, which the survey importers use.
Labels are in French, English and Swahili.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from ramani.sites.vocabularies import VOCABULARIES

FORM_ID = "ramani_site_visit"
LANGUAGES = ("French (fr)", "English (en)", "Swahili (sw)")
MAX_ARMED_GROUPS = 3  # the IPIS table has three armed-group slots

# The IPIS per-armed-group activity flags: column stem -> labels.
ACTIVITIES = [
    ("taxation", "Taxation", "Taxation", "Kutoza ushuru"),
    ("commerce_taxation", "Taxation du commerce", "Taxing trade", "Kutoza ushuru wa biashara"),
    ("entrance_taxation", "Taxation à l'entrée", "Taxing entry", "Kutoza ushuru wa kuingia"),
    ("monopoly", "Monopole", "Monopoly", "Ukiritimba"),
    ("buying_minerals", "Achat de minerais", "Buying minerals", "Kununua madini"),
    ("digging", "Creusage", "Digging", "Kuchimba"),
    ("forced_labour", "Travail forcé", "Forced labour", "Kazi ya kulazimishwa"),
    ("pillaging", "Pillage", "Pillaging", "Uporaji"),
    ("pit_ownership", "Propriété de puits", "Owning pits", "Kumiliki mashimo"),
]
YES_NO = [("1", "Oui", "Yes", "Ndiyo"), ("0", "Non", "No", "Hapana")]

# list name -> vocabulary it comes from
LISTS = {
    "mineral": "mineral",
    "armed_group_type": "armed_group_type",
    "frequency": "frequency",
    "mechanisation": "mechanisation",
    "state_service": "state_service",
    "task": "task",
    "access": "access",
}


def code(value: str) -> str:
    """An XLSForm choice name for a vocabulary value: 'FARDC - Pas d’ingérence constatée' ->
    'fardc_pas_d_ingerence_constatee'."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_") or "x"


def choice_values() -> dict[str, dict[str, str]]:
    """list name -> {choice code -> the IPIS value it stands for}."""
    out: dict[str, dict[str, str]] = {}
    for list_name, vocabulary in LISTS.items():
        codes = {code(v[0]): v[0] for v in VOCABULARIES[vocabulary]}
        assert len(codes) == len(VOCABULARIES[vocabulary]), f"choice codes collide in {vocabulary}"
        out[list_name] = codes
    out["activity"] = {a[0]: a[0] for a in ACTIVITIES}
    out["yes_no"] = {"1": "1", "0": "0"}
    return out


def _q(type_: str, name: str, fr: str, en: str, sw: str, **extra: str) -> dict[str, str]:
    return {"type": type_, "name": name, **dict(zip((f"label::{lang}" for lang in LANGUAGES), (fr, en, sw))), **extra}


def survey_rows() -> list[dict[str, str]]:
    onsite = "${visit_onsite} = '1'"
    return [
        {"type": "start", "name": "start"},
        {"type": "end", "name": "end"},
        _q("select_one site", "pcode", "Site minier (PCode)", "Mining site (PCode)", "Mgodi (PCode)", required="yes"),
        _q("date", "visit_date", "Date de la visite", "Date of the visit", "Tarehe ya ziara", required="yes"),
        _q(
            "select_one yes_no",
            "visit_onsite",
            "Visite sur le site ?",
            "Visited on site?",
            "Ziara ndani ya mgodi?",
            required="yes",
        ),
        _q(
            "text",
            "visit_onsite_novisitreason",
            "Pourquoi pas de visite ?",
            "Why no visit?",
            "Kwa nini hakuna ziara?",
            relevant="${visit_onsite} = '0'",
        ),
        _q("geopoint", "gps", "Position GPS", "GPS position", "Mahali (GPS)", required="yes", relevant=onsite),
        {"type": "begin_group", "name": "site", "label::French (fr)": "Site", "relevant": onsite}
        | {"label::English (en)": "Site", "label::Swahili (sw)": "Mgodi"},
        _q(
            "integer",
            "workers_numb",
            "Nombre de creuseurs",
            "Number of diggers",
            "Idadi ya wachimbaji",
            constraint=". >= 0",
        ),
        _q(
            "select_one access",
            "access_dry",
            "Accès en saison sèche",
            "Access in the dry season",
            "Kufika wakati wa kiangazi",
        ),
        _q(
            "select_one access",
            "access_wet",
            "Accès en saison des pluies",
            "Access in the rainy season",
            "Kufika wakati wa mvua",
        ),
        _q("select_one mechanisation", "mechanisation", "Mécanisation", "Mechanisation", "Matumizi ya mashine"),
        _q("select_one yes_no", "mercury", "Usage du mercure ?", "Mercury used?", "Zebaki inatumika?"),
        {"type": "end_group", "name": "site"},
        {"type": "begin_repeat", "name": "minerals", "relevant": onsite}
        | dict(zip((f"label::{lang}" for lang in LANGUAGES), ("Minerais", "Minerals", "Madini"))),
        _q("select_one mineral", "mineral", "Minerai", "Mineral", "Madini"),
        _q("text", "selling_points", "Points de vente", "Selling points", "Mahali pa kuuza"),
        _q("text", "final_destination", "Destination finale", "Final destination", "Mahali pa mwisho"),
        {"type": "end_repeat", "name": "minerals"},
        {"type": "begin_group", "name": "security", "relevant": onsite}
        | dict(zip((f"label::{lang}" for lang in LANGUAGES), ("Sécurité", "Security", "Usalama"))),
        _q("select_one yes_no", "presence", "Présence armée ?", "Armed presence?", "Uwepo wa wanajeshi?"),
        _q("select_one yes_no", "interference", "Ingérence armée ?", "Armed interference?", "Uingiliaji wa kijeshi?"),
        {"type": "end_group", "name": "security"},
        {"type": "begin_repeat", "name": "armed_groups", "relevant": "${presence} = '1'"}
        | dict(zip((f"label::{lang}" for lang in LANGUAGES), ("Groupes armés", "Armed groups", "Makundi ya silaha"))),
        _q("text", "armed_group", "Nom du groupe", "Name of the group", "Jina la kundi", required="yes"),
        _q("select_one armed_group_type", "type_armed_group", "Type", "Type", "Aina", required="yes"),
        _q("select_one frequency", "frequency_armed_group", "Fréquence", "Frequency", "Mara ngapi"),
        _q("select_multiple activity", "activities", "Activités", "Activities", "Shughuli"),
        {"type": "end_repeat", "name": "armed_groups"},
        {"type": "begin_group", "name": "social", "relevant": onsite}
        | dict(zip((f"label::{lang}" for lang in LANGUAGES), ("Services et travail", "Services and work", "Huduma"))),
        _q(
            "select_multiple state_service",
            "state_services",
            "Services de l'État",
            "State services",
            "Huduma za serikali",
        ),
        _q("text", "traceability", "Traçabilité", "Traceability", "Ufuatiliaji"),
        _q(
            "select_one yes_no",
            "childunder15",
            "Enfants de moins de 15 ans ?",
            "Children under 15?",
            "Watoto chini ya 15?",
        ),
        _q(
            "select_multiple task",
            "childunder15work",
            "Tâches des enfants",
            "Children's tasks",
            "Kazi za watoto",
            relevant="${childunder15} = '1'",
        ),
        _q("select_one yes_no", "women", "Femmes présentes ?", "Women present?", "Wanawake wapo?"),
        _q(
            "select_multiple task",
            "womenwork",
            "Tâches des femmes",
            "Women's tasks",
            "Kazi za wanawake",
            relevant="${women} = '1'",
        ),
        {"type": "end_group", "name": "social"},
        _q("text", "notes", "Remarques", "Notes", "Maelezo"),
    ]


def choice_rows(sites: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    def row(list_name: str, name: str, fr: str, en: str, sw: str) -> dict[str, str]:
        return {
            "list_name": list_name,
            "name": name,
            **dict(zip((f"label::{lang}" for lang in LANGUAGES), (fr, en, sw))),
        }

    rows = [row("yes_no", *c) for c in YES_NO]
    for list_name, vocabulary in LISTS.items():
        rows += [row(list_name, code(v), fr, en, sw) for v, fr, en, sw in VOCABULARIES[vocabulary]]
    rows += [row("activity", *a) for a in ACTIVITIES]
    for pcode, name in sites:
        label = f"{pcode} {name}".strip()
        rows.append(row("site", pcode, label, label, label))
    return rows


def write_xlsform(path: Path, sites: list[tuple[str, str]], title: str = "", version: str = "1") -> None:
    """Write the form with `sites` ((pcode, name) pairs) as the site choice list."""
    from openpyxl import Workbook

    if not sites:
        raise ValueError("a site-visit form needs at least one site to choose")
    book = Workbook()
    sheets = [
        ("survey", survey_rows()),
        ("choices", choice_rows(sites)),
        (
            "settings",
            [
                {
                    "form_title": title or "Ramani — visite de site minier",
                    "form_id": FORM_ID,
                    "version": version,
                    "default_language": LANGUAGES[0],
                    "instance_name": "concat(${pcode}, ' ', ${visit_date})",
                }
            ],
        ),
    ]
    book.remove(book.active)
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        columns: list[str] = []
        for r in rows:
            columns += [c for c in r if c not in columns]
        sheet.append(columns)
        for r in rows:
            sheet.append([r.get(c, "") for c in columns])
    book.save(path)


def sample_pcodes(path: Path) -> list[str]:
    """The site pcodes of a sample or frame file: its `mine_pcodes` (';'-separated) or `pcode` column."""
    from ramani.analysis.frame_io import read_table

    table = read_table(path)
    column = next((c for c in ("mine_pcodes", "pcode") if c in table.columns), None)
    if column is None:
        raise ValueError(f"{path.name}: no mine_pcodes or pcode column")
    pcodes: list[str] = []
    for row in table.rows:
        for p in str(row.get(column, "")).split(";"):
            if p.strip() and p.strip() not in pcodes:
                pcodes.append(p.strip())
    return pcodes


def form_sites(pcodes: list[str] | None = None) -> list[tuple[str, str]]:
    """(pcode, name) of the given sites (all registered sites when None); unknown pcodes are an error."""
    from ramani.sites.models import Site

    if pcodes is None:
        return list(Site.objects.order_by("pcode").values_list("pcode", "name"))
    names = dict(Site.objects.filter(pcode__in=pcodes).values_list("pcode", "name"))
    unknown = [p for p in pcodes if p not in names]
    if unknown:
        raise ValueError(f"{len(unknown)} pcode(s) not in the registry: {', '.join(unknown[:10])}")
    return sorted((p, names[p]) for p in pcodes)
