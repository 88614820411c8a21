"""URLs that reverse() cannot give whole: URL templates with {placeholders} for the map scripts.

Everything else is reversed by name where it is used, so each carries RAMANI_URL_PREFIX.
"""

from __future__ import annotations

from django.urls import reverse

_Z, _X, _Y = 9001, 9002, 9003  # integers no tile address takes, replaced by MapLibre's placeholders


def tile_template() -> str:
    """The site tiles' URL template, `<prefix>map/tiles/{z}/{x}/{y}.pbf`."""
    url = reverse("map-tile", args=[_Z, _X, _Y])
    return url.replace(f"/{_Z}/{_X}/{_Y}.", "/{z}/{x}/{y}.")
