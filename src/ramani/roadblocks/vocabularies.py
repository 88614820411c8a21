"""The roadblock vocabularies as data: operator types (closed, with the institute's colours), what is taxed,
toll units and road classes, each with French/English/Swahili labels, and the rules that read free text into them.

Operator types are a closed list: a value that is none of them is an import error. Tax targets, barrier
types, resources and kinds of violence stay open lists of the survey's own words; a tax target is read
into one of the TAX_CATEGORIES by `tax_category` (one rule, one place) for the analyses.
"""

from __future__ import annotations

import unicodedata

# code -> (value as the institute writes it, colour, label_fr, label_en, label_sw)
OPERATOR_TYPES: dict[str, tuple[str, str, str, str, str]] = {
    "state": ("Acteurs étatiques", "#cc490c", "Acteurs étatiques", "State actors", "Watendaji wa serikali"),
    "security": ("Forces de sécurité", "#520c07", "Forces de sécurité", "Security forces", "Vikosi vya usalama"),
    "armed_group": ("Groupes armés", "#e80c0f", "Groupes armés", "Armed groups", "Makundi ya wapiganaji"),
    "independent": (
        "Eléments indépendants",
        "#a87e7f",
        "Eléments indépendants",
        "Independent elements",
        "Watu wenye silaha wasio na kundi",
    ),
    "civil": ("Acteurs civils", "#eb4b8b", "Acteurs civils", "Civilian actors", "Watendaji wa kiraia"),
}
NO_DATA_COLOUR = "#bdbdbd"
NO_DATA_LABELS = ("Pas de données", "No data", "Hakuna taarifa")

# code -> (label_fr, label_en, label_sw)
TAX_CATEGORIES: dict[str, tuple[str, str, str]] = {
    "minerals": ("Minerais", "Minerals", "Madini"),
    "mineral_traders": ("Commerçants de minerais", "Mineral traders", "Wafanyabiashara wa madini"),
    "agricultural_goods": ("Produits agricoles", "Agricultural goods", "Mazao ya kilimo"),
    "market_goods": ("Marchandises", "Market goods", "Bidhaa za sokoni"),
    "people": ("Personnes", "People", "Watu"),
    "vehicles": ("Véhicules", "Vehicles", "Magari"),
    "other": ("Autre", "Other", "Nyingine"),
}
MINING_CATEGORIES = frozenset({"minerals", "mineral_traders"})

TOLL_UNITS: dict[str, tuple[str, str, str]] = {
    "per_person": ("par personne", "per person", "kwa kila mtu"),
    "per_vehicle": ("par véhicule", "per vehicle", "kwa kila gari"),
    "per_load": ("par charge", "per load", "kwa kila mzigo"),
    "per_trip": ("par passage", "per passage", "kwa kila kupita"),
    "per_day": ("par jour", "per day", "kwa siku"),
    "per_week": ("par semaine", "per week", "kwa wiki"),
    "per_month": ("par mois", "per month", "kwa mwezi"),
}
CURRENCIES = ("CDF", "USD", "RWF", "UGX", "BIF")

ROAD_CLASSES: dict[str, tuple[str, str, str]] = {
    "primary": ("Route principale", "Primary road", "Barabara kuu"),
    "secondary": ("Route secondaire", "Secondary road", "Barabara ndogo"),
    "track": ("Piste", "Track", "Njia"),
}
_ROAD_WORDS = {
    "primary": "primary",
    "principale": "primary",
    "route principale": "primary",
    "primary road": "primary",
    "secondary": "secondary",
    "secondaire": "secondary",
    "route secondaire": "secondary",
    "secondary road": "secondary",
    "track": "track",
    "piste": "track",
    "sentier": "track",
    "path": "track",
}


def fold(text: str) -> str:
    """Lower case, accents off, spaces collapsed: how free text is compared."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


_OPERATOR_WORDS: dict[str, str] = {}
for _code, (_value, _colour, *_labels) in OPERATOR_TYPES.items():
    for _word in (_code, _value, *_labels):
        _OPERATOR_WORDS[fold(_word)] = _code
_OPERATOR_WORDS.update(
    {"elements independants": "independent", "acteur etatique": "state", "groupe arme": "armed_group"}
)


def operator_type(text: str) -> str | None:
    """'Groupes armés' (any case or accents, or the English/Swahili label, or the code) -> 'armed_group'."""
    return _OPERATOR_WORDS.get(fold(text))


def operator_value(code: str) -> str:
    return OPERATOR_TYPES[code][0]


def label(table: dict, code: str, language: str = "fr") -> str:
    """The label of `code` in `language` (fr, en, sw) from one of the tables above."""
    entry = table[code]
    labels = entry[2:] if table is OPERATOR_TYPES else entry
    return labels[{"fr": 0, "en": 1, "sw": 2}.get(language[:2], 0)]


# Checked in this order: mineral traders before minerals ("commerçants de minerais" names both).
_TAX_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("mineral_traders", ("commercant", "negociant", "trader", "comptoir", "mineral trade", "commerce de minerai")),
    (
        "minerals",
        ("minerai", "mineral", "cassiterite", "coltan", "wolframite", "or", "gold", "madini", "dhahabu"),
    ),
    ("agricultural_goods", ("agricol", "vivre", "champ", "recolte", "betail", "manioc", "haricot", "farm", "crop")),
    ("market_goods", ("marchandise", "marche", "market", "commerce", "bien", "goods", "produits manufactures")),
    ("vehicles", ("vehicule", "vehicle", "moto", "camion", "voiture", "velo", "truck", "bike", "car")),
    ("people", ("personne", "passant", "pieton", "voyageur", "people", "person", "passenger", "usager")),
]
_CATEGORY_CODES = {fold(w): code for code, labels in TAX_CATEGORIES.items() for w in (code, *labels)}


def tax_category(text: str) -> str | None:
    """The category of one tax target as written in a survey ('Commerçants de minerais' -> 'mineral_traders');
    None for an empty text, 'other' for a text that names none of the categories."""
    words = fold(text)
    if not words:
        return None
    if words in _CATEGORY_CODES:
        return _CATEGORY_CODES[words]
    tokens = words.replace("/", " ").replace("-", " ").split()
    for code, stems in _TAX_WORDS:
        for stem in stems:
            if " " in stem:
                hit = stem in words
            elif len(stem) <= 3:  # short words whole: 'or' is gold, 'ordinaire' is not
                hit = stem in tokens
            else:
                hit = any(t.startswith(stem) for t in tokens)
            if hit:
                return code
    return "other"


def tax_categories(targets: list[str]) -> list[str]:
    """The distinct categories of a roadblock's tax targets, in the order of TAX_CATEGORIES."""
    found = {tax_category(t) for t in targets} - {None}
    return [code for code in TAX_CATEGORIES if code in found]


def road_class(text: str) -> str | None:
    """'Route principale' / 'primary' -> 'primary'; '' for an empty text; None for an unknown one."""
    words = fold(text)
    if not words:
        return ""
    return _ROAD_WORDS.get(words)


def split_list(text: str) -> list[str]:
    """A comma-joined multi-value, as the institute's webmap writes it, into its values."""
    return [part.strip() for part in text.split(",") if part.strip()]


def join_list(values: list[str]) -> str:
    return ", ".join(values)
