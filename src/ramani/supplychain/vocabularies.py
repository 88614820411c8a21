"""The supply-chain vocabularies as data: the kinds of trade point (trading depot, point of sale, mineral
destination) and the kinds of armed group behind a zone of armed interference, each with its colour and
French/English/Swahili labels, and the rule that reads a label into its code (one rule, one place).

Both are closed lists: a value that is none of them is an import error.
"""

from __future__ import annotations

from ramani.roadblocks.vocabularies import fold

# code -> (layer name of the CLI, colour, label_fr, label_en, label_sw)
KINDS: dict[str, tuple[str, str, str, str, str]] = {
    "depot": ("depots", "#8c510a", "Dépôt commerçant des minerais", "Mineral trading depot", "Ghala la madini"),
    "point_of_sale": (
        "points-of-sale",
        "#01665e",
        "Point de vente des minerais",
        "Mineral point of sale",
        "Mahali pa kuuza madini",
    ),
    "destination": ("destinations", "#542788", "Destination des minerais", "Mineral destination", "Mwisho wa madini"),
}
#: which text of a visit's mineral slot names which kinds of point
ROLES: dict[str, tuple[str, ...]] = {
    "selling_points": ("depot", "point_of_sale"),
    "final_destination": ("destination",),
}
UNLINKED_COLOUR = "#d9d9d9"

# code -> (colour, label_fr, label_en, label_sw)
GROUP_TYPES: dict[str, tuple[str, str, str, str]] = {
    "local_armed_group": ("#e31a1c", "Groupe armé local", "Local armed group", "Kundi la wapiganaji la ndani"),
    "foreign_armed_group": ("#6a3d9a", "Groupe armé étranger", "Foreign armed group", "Kundi la wapiganaji la kigeni"),
    "security_forces": (
        "#ff7f00",
        "Éléments des forces de sécurité",
        "Security-force elements",
        "Askari wa vikosi vya usalama",
    ),
    "unknown": ("#969696", "Non identifié", "Unidentified", "Hawajulikani"),
}
LANGUAGES = {"fr": 0, "en": 1, "sw": 2}


def kind_label(code: str, language: str = "fr") -> str:
    return KINDS[code][2 + LANGUAGES.get(language[:2], 0)]


def group_type_label(code: str, language: str = "fr") -> str:
    return GROUP_TYPES[code][1 + LANGUAGES.get(language[:2], 0)]


_GROUP_WORDS = {fold(w): code for code, entry in GROUP_TYPES.items() for w in (code, *entry[1:])} | {
    fold(w): code
    for code, words in {
        "local_armed_group": ("Mai-Mai", "Groupe arme local", "local"),
        "foreign_armed_group": ("Groupe arme etranger", "foreign"),
        "security_forces": ("FARDC", "PNC", "FARDC - Elements indisciplines", "PNC - Elements indisciplines"),
        "unknown": ("Inconnu", "unknown", "Hommes armes non identifies"),
    }.items()
    for w in words
}


def group_type(text: str) -> str | None:
    """'Groupe armé local' (any case or accents, the English or Swahili label, or the code) -> its code."""
    return _GROUP_WORDS.get(fold(text))
