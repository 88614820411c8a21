"""Ramani's settings with one URL that answers fixed bytes: the Django floor of bench/ogcapi_vs_pygeoapi.py."""

from ramani.settings import *  # noqa: F403

ROOT_URLCONF = "floor_urls"
