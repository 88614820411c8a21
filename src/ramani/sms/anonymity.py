"""Phone numbers: never stored, shown or logged in clear.

A number is kept as a keyed hash (HMAC-SHA256, to recognise the same sender for threading
and de-duplication) and, for replies only, as an encrypted copy (Fernet) that retention
erases. The keys are derived from RAMANI_PHONE_KEY (or, if unset, RAMANI_SECRET_KEY /
Django's SECRET_KEY) and never stored in the database. `redact` scrubs anything that looks
like a phone number out of text bound for logs or error messages.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import unicodedata

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

from ramani import config

# A run of seven or more digits, however a reporter writes it: any punctuation or spaces between them
# (up to five in a row: "0997 - 100 - 050", "0997  -  100", "0997 ... 100", "0997*100#050"), glued to words
# ("nambari0997…"), the letters O for 0 and I or l for 1 once the run has begun. Text is NFKC-normalised
# first (fullwidth and superscript digits become digits) and invisible format characters removed.
_SEP = r"(?:\W|_)"
_PHONE_LIKE = re.compile(rf"(?:\+?\d|(?<![^\W\d_])[Oo](?={_SEP}{{0,5}}[\dOo]))(?:{_SEP}{{0,5}}[\dOoIl]){{6,}}")
# dates and times are kept: 28/11/2026, 2026-11-28, 10:30, 10h30, 8:00-10:00 (checked to be real ones)
_KEEP = re.compile(
    r"(?<![\d/.\-])(?:(\d{1,2})[/.\-](\d{1,2})[/.\-](?:\d{4}|\d{2})|\d{4}-(\d{2})-(\d{2}))(?![/.\-:h]?\d)"
    r"|(?<![\d/.:h])(\d{1,2})[:h](\d{2})(?![/.:h]?\d)"
)


def _root_key() -> bytes:
    return (config.get("RAMANI_PHONE_KEY") or settings.SECRET_KEY).encode()


def _derive(label: str) -> bytes:
    return hmac.new(_root_key(), f"ramani/{label}".encode(), hashlib.sha256).digest()


def normalise(number: str) -> str:
    """Digits only, with DRC's country code restored on local numbers (08XXXXXXXX -> 2438XXXXXXXX)."""
    digits = re.sub(r"\D", "", number or "")
    if digits.startswith("00"):
        digits = digits[2:]
    if len(digits) == 10 and digits.startswith("0"):
        digits = "243" + digits[1:]
    if len(digits) == 9 and digits[0] in "89":
        digits = "243" + digits
    return digits or (number or "").strip()


def phone_hash(number: str) -> str:
    return hmac.new(_derive("phone-hash"), normalise(number).encode(), hashlib.sha256).hexdigest()


def keyed_hash(label: str, text: str) -> str:
    """A keyed hash of `text` (e.g. what identifies a gateway retry, which may contain the number)."""
    return hmac.new(_derive(label), text.encode("utf-8", "replace"), hashlib.sha256).hexdigest()


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive("phone-seal")))


def seal(text: str) -> str:
    return _fernet().encrypt(text.encode("utf-8")).decode("ascii")


def unseal(token: str) -> str | None:
    """The clear text, or None when the token was erased or made with another key."""
    if not token:
        return None
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        return None


def _redacted(match: re.Match) -> str:
    found = match.group(0)
    tail = ""
    if match.end() < len(match.string) and match.string[match.end()].isalpha():
        # "…050ok": trailing O's and l's glued to the next word belong to the word
        kept = found.rstrip("OoIl").rstrip(" \t().-/,_")
        tail, found = found[len(kept) :], kept
    digits = sum(c.isdigit() for c in found)
    if digits < 4 or sum(c.isdigit() or c in "OoIl" for c in found) < 7:
        return match.group(0)
    return "[number]" + tail


def _real_date_or_time(match: re.Match) -> bool:
    day, month, iso_month, iso_day, hour, minute = (int(g) if g else None for g in match.groups())
    if hour is not None:
        return hour <= 24 and minute is not None and minute <= 59
    if iso_month is not None:
        return 1 <= iso_month <= 12 and iso_day is not None and 1 <= iso_day <= 31
    return day is not None and month is not None and 1 <= day <= 31 and 1 <= month <= 12


# what joins a date or time to the digits around it when it is really a piece of a number: no comma, colon or
# semicolon ("Le 3/11/2026, 15 000 FC" is a date and an amount)
_LEFT = re.compile(r"(\d(?:[\s.\-/]{0,5}\d)*)[\s.\-/]{1,5}\Z")
_RIGHT = re.compile(r"\A[\s.\-/]{1,5}(\d(?:[\s.\-/]{0,5}\d)*)")


def _number_around(text: str, keep: re.Match) -> tuple[int, int] | None:
    """Where a real date or time is a piece of a number written around it, the number's span: a date with a
    two-digit year ("08.12.34 56 78" is 0812345678), or a time with digits on both sides ("0997 10:05 050",
    "0997 10h05 050") or on one side that begin a number ("0997 10 00:50"), joined to digits enough for a
    number. A four-digit year is never a piece of one."""
    left = _LEFT.search(text, max(0, keep.start() - 40), keep.start())
    right = _RIGHT.match(text[keep.end() : keep.end() + 40])
    if keep.group(5) is not None:  # a time
        if left is None and right is None:
            return None
        if left is None or right is None:
            # digits on one side only ("0997 10 00:50", "08:12 345 678"): a piece of a number when that side is
            # too short to be one alone and together they begin as a Congolese number does (0…, 243…)
            side = (left or right).group(1)  # type: ignore[union-attr]
            written = (side + keep.group(0)) if left is not None else (keep.group(0) + side)
            joined = "".join(c for c in written if c.isdigit())
            if sum(c.isdigit() for c in side) >= 7 or not joined.startswith(("0", "243")):
                return None
    elif keep.group(1) is None or len(re.split(r"\D", keep.group(0))[-1]) != 2:  # ISO, or a 4-digit year
        return None
    beside = sum(c.isdigit() for m in (left, right) if m is not None for c in m.group(1))
    if beside < 4 or beside + sum(c.isdigit() for c in keep.group(0)) < 9:
        return None
    return (left.start(1) if left else keep.start(), keep.end() + right.end(1) if right else keep.end())


def redact(text: str) -> str:
    """`text` with anything that may be a phone number replaced by [number] (dates and times are kept)."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    out, start = [], 0
    for keep in _KEEP.finditer(text):
        if keep.start() < start or not _real_date_or_time(keep):
            continue
        number = _number_around(text, keep)
        if number is not None:
            out += [_PHONE_LIKE.sub(_redacted, text[start : max(start, number[0])]), "[number]"]
            start = number[1]
        else:
            out += [_PHONE_LIKE.sub(_redacted, text[start : keep.start()]), keep.group(0)]
            start = keep.end()
    out.append(_PHONE_LIKE.sub(_redacted, text[start:]))
    return "".join(out)
