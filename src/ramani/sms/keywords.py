"""Keywords in Swahili, French and English, accent- and case-insensitive, with common misspellings."""

from __future__ import annotations

import difflib
import unicodedata

KEYWORDS: dict[str, dict[str, str]] = {
    # keyword -> {spelling: language}
    "kufatilia": {
        "kufatilia": "sw",
        "kufuatilia": "sw",
        "kufwatilia": "sw",
        "kufatila": "sw",
        "signaler": "fr",
        "report": "en",
    },
    "matokeo": {"matokeo": "sw", "matokeyo": "sw", "prix": "fr", "price": "en", "prices": "en"},
    "status": {"status": "en", "statut": "fr", "hali": "sw"},
    "help": {"help": "en", "aide": "fr", "msaada": "sw", "usaidizi": "sw"},
    "stop": {"stop": "en", "arret": "fr", "acha": "sw", "simama": "sw"},
}
# Swahili spellings of STOP that are also everyday words ("acha nikueleze…": let me tell you): STOP only alone
# inside a conversation, or when they do not name a report
AMBIGUOUS_STOP = {"acha", "simama"}
_SPELLINGS = {
    spelling: (keyword, language) for keyword, forms in KEYWORDS.items() for spelling, language in forms.items()
}


def fold(text: str) -> str:
    """Lower case, accents removed, spaces collapsed ('Arrêt ' -> 'arret')."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.lower().split())


def match(text: str) -> tuple[str, str, list[str]] | None:
    """(keyword, language, the words after it) when the message starts with a keyword, else None."""
    words = fold(text).split()
    if not words:
        return None
    first = "".join(c for c in words[0] if c.isalnum())
    hit = _SPELLINGS.get(first)
    if hit is None and len(first) >= 6:
        close = difflib.get_close_matches(first, _SPELLINGS, n=1, cutoff=0.8)
        hit = _SPELLINGS[close[0]] if close else None
    if hit is None:
        return None
    return hit[0], hit[1], words[1:]
