"""GSM 03.38 default alphabet: whether a text fits 7-bit SMS, and how many parts it needs."""

from __future__ import annotations

BASIC = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
            "¿abcdefghijklmnopqrstuvwxyzäöñüà")
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
