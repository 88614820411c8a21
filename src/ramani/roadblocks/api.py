"""The roadblock endpoints of the REST API (mounted on /api/roadblocks by ramani.opendata.api)."""

from __future__ import annotations

from typing import Literal

from django.utils import translation
from ninja import Query, Router, Schema

from ramani.analysis import density
from ramani.analysis import roadblocks as analysis

router = Router(tags=["roadblocks"])


class Error(Schema):
    detail: str
    param: str | None = None


class Invalid(Schema):
    detail: str
    errors: list[dict]


@router.get(
    "/analysis",
    response={200: dict, 400: Error, 422: Invalid},
    summary="Roadblock shares, by operator type, by territoire, density",
)
def roadblock_analysis(
    request,
    project: str | None = Query(None, max_length=200, description="Only the roadblocks of this project"),
    year: int | None = Query(None, ge=1990, le=2100, description="Only those surveyed this year"),
    source: str | None = Query(None, max_length=200, description="Only those of this source"),
    lang: Literal["fr", "en", "sw"] | None = Query(
        None, description="Language of the labels and definitions (default: the reader's, else French)"
    ),
):
    """Each figure comes with its definition in words, its numerator and its denominator: the share of roadblocks
    taxing minerals or mineral traders, existing solely to tax artisanal mining or the mineral trade, taxing
    agricultural or market goods; the same by territoire; the share held by each operator type; roadblocks per
    1,000 km² of each admin-2 unit."""
    with translation.override(lang or translation.get_language()):
        return analysis.analyse(project or None, year, source or None, lang)


@router.get(
    "/density",
    response={200: dict, 400: Error, 422: Invalid},
    summary="Roadblocks per 1,000 km² and per 100 km of road of each admin-2 unit",
)
def roadblock_density(
    request,
    project: str | None = Query(None, max_length=200, description="Only the roadblocks of this project"),
    year: int | None = Query(None, ge=1990, le=2100, description="Only those surveyed this year"),
    source: str | None = Query(None, max_length=200, description="Only those of this source"),
    lang: Literal["fr", "en", "sw"] | None = Query(
        None, description="Language of the definitions (default: the reader's, else French)"
    ),
):
    """Each unit with at least one roadblock: roadblocks per 1,000 km² of its area and, when a road layer is
    imported (`ramani import roads`), per 100 km of road inside it; each figure with its definition, numerator
    and denominator. The same units as a choropleth: /analysis/density.geojson."""
    with translation.override(lang or translation.get_language()):
        return density.analyse(project or None, year, source or None)
