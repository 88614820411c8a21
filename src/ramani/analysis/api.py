"""Analysis endpoints of the REST API (mounted on /api/analysis by ramani.opendata.api)."""

from __future__ import annotations

from typing import Literal

from django.utils import translation
from ninja import Query, Router, Schema, Status

from ramani.analysis import interference

router = Router(tags=["analysis"])
PERIOD = r"^\d{4}(-\d{4})?$"


class Error(Schema):
    detail: str
    param: str | None = None


class Invalid(Schema):
    detail: str
    errors: list[dict]


def period(text: str) -> tuple[int, int]:
    """'2021-2022' -> (2021, 2022); '2023' -> (2023, 2023)."""
    low, _, high = text.partition("-")
    return int(low), int(high or low)


@router.get(
    "/interference",
    response={200: dict, 400: Error, 422: Invalid},
    summary="Armed interference at visited active sites, per year and province, by group, with Wilson intervals",
)
def armed_interference(
    request,
    first: str | None = Query(None, pattern=PERIOD, description="First period, e.g. 2021-2022 (with `second`)"),
    second: str | None = Query(None, pattern=PERIOD, description="Second period, e.g. 2023"),
    lang: Literal["fr", "en", "sw"] | None = Query(
        None, description="Language of the definitions (default: the reader's, else French)"
    ),
):
    """Each share with its definition, numerator (sites with interference), denominator (active sites where it
    was recorded) and 95% Wilson interval; with `first` and `second`, the sites active in both periods and which
    got better or worse."""
    if (first is None) != (second is None):
        return Status(400, {"detail": "give both periods, first and second, or neither", "param": "second"})
    a, b = (period(first), period(second)) if first and second else (None, None)
    for name, p in (("first", a), ("second", b)):
        if p and p[0] > p[1]:
            return Status(400, {"detail": f"{name}: the period ends before it starts", "param": name})
    with translation.override(lang or translation.get_language()):
        return interference.analyse(a, b)
