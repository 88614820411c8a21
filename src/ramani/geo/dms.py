"""Degrees-minutes-seconds, as the site card shows coordinates."""

from __future__ import annotations


def to_dms(value: float, axis: str) -> str:
    """to_dms(-2.5083, 'lat') -> "2°30'29.9\"S"."""
    hemisphere = ("N" if value >= 0 else "S") if axis == "lat" else ("E" if value >= 0 else "W")
    total = round(abs(value) * 3600, 1)
    degrees, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{int(degrees)}°{int(minutes):02d}'{seconds:04.1f}\"{hemisphere}"
