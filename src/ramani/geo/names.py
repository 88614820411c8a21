"""Place-name normalisation, so that 'Maï-Ndombe', 'mai ndombe' and 'MAI-NDOMBE' compare equal."""

from __future__ import annotations

import re
import unicodedata

_SEP = re.compile(r"[\s\-_'’`´.,/()]+")


def normalise(name: str) -> str:
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _SEP.sub(" ", text.lower()).strip()
