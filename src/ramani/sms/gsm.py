"""GSM 03.38 default alphabet: whether a text fits 7-bit SMS, and how many parts it needs."""

from __future__ import annotations

BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
EXTENDED = set("^{}\\[~]|€\f")


def is_gsm7(text: str) -> bool:
    return all(c in BASIC or c in EXTENDED for c in text)


def septets(text: str) -> int:
    return sum(2 if c in EXTENDED else 1 for c in text)


def parts(text: str) -> int:
    """SMS parts needed: 160/153 septets for GSM-7, 70/67 characters for UCS-2."""
    if is_gsm7(text):
        n = septets(text)
        return 1 if n <= 160 else -(-n // 153)
    n = len(text.encode("utf-16-be")) // 2
    return 1 if n <= 70 else -(-n // 67)


_REPLACEMENTS = {
    "’": "'",
    "‘": "'",
    "“": '"',
    "”": '"',
    "«": '"',
    "»": '"',
    "–": "-",
    "—": "-",
    "…": "...",
    "œ": "oe",
    "Œ": "OE",
    "\u00a0": " ",
    "\u202f": " ",
}


def to_gsm7(text: str) -> str:
    """`text` in the GSM-7 alphabet: characters it has are kept (é è à ù ì ò É Ç …), the others
    transliterated (ê -> e, ç -> c, ’ -> '), '?' when there is nothing close."""
    import unicodedata

    out = []
    for c in text:
        if c in BASIC or c in EXTENDED:
            out.append(c)
        elif c in _REPLACEMENTS:
            out.append(_REPLACEMENTS[c])
        else:
            plain = "".join(d for d in unicodedata.normalize("NFKD", c) if not unicodedata.combining(d))
            out.append(plain if plain and all(d in BASIC or d in EXTENDED for d in plain) else "?")
    return "".join(out)
