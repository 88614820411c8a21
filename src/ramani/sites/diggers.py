"""Bands of the number of diggers (workers_numb) at a visit, as the webmap draws them (SPEC §2):
no data, 1 to 50, 50 to 500, more than 500."""

from __future__ import annotations

# (band number, name, lowest, highest) — 0 is "no data" (none counted, or not recorded)
BANDS = ((1, "1-50", 1, 49), (2, "50-500", 50, 500), (3, "500+", 501, None))
NO_DATA = (0, "none")


def band(n: int | None) -> int:
    """0 for no data, else 1, 2 or 3."""
    if n is None or n <= 0:
        return 0
    for number, _, low, high in BANDS:
        if n >= low and (high is None or n <= high):
            return number
    return 0


def band_name(n: int | None) -> str:
    """The band's name ('none', '1-50', '50-500', '500+')."""
    number = band(n)
    return NO_DATA[1] if number == 0 else BANDS[number - 1][1]
