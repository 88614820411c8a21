"""Figures in a story's text, computed from the data each time the page is drawn (never typed in by hand).

    {sites}                          sites matching the chapter's filters
    {sites:armed_presence=true}      the same, with more filters (joined by &)
    {share:armed_presence=true}      those as a whole-number percentage of {sites}
    {latest_year}                    the year of the latest field visit on record

The filters are the map's (the same rules as the map, the site list and the API: opendata.query).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qsl

from django.utils import formats

from ramani.opendata import query

TOKEN = re.compile(r"\{([a-z_]+)(?::([^{}]*))?\}")
KINDS = ("sites", "share", "latest_year")


def _extra(arg: str | None) -> dict[str, str]:
    return dict(parse_qsl(arg or "", keep_blank_values=True))


def problems(text: str) -> list[str]:
    """What is wrong with the figures of one text (unknown figure, unknown filter or value)."""
    from ramani.web.stories.schema import check_filter

    out = []
    for match in TOKEN.finditer(text):
        kind, arg = match.group(1), match.group(2)
        if kind not in KINDS:
            out.append(f"unknown figure {match.group(0)!r} (known: {', '.join('{' + k + '}' for k in KINDS)})")
            continue
        if kind == "share" and not arg:
            out.append(f"{match.group(0)!r} needs filters, e.g. {{share:armed_presence=true}}")
        if kind == "latest_year" and arg:
            out.append(f"{match.group(0)!r} takes no filters")
        for name, value in _extra(arg).items():
            why = check_filter(name, value)
            if why:
                out.append(f"{match.group(0)!r}: {why}")
    leftover = TOKEN.sub("", text)
    if "{" in leftover or "}" in leftover:
        out.append("a { or } that is not a figure (figures look like {sites} or {share:mercury=true})")
    return out


def _count(params: dict[str, str]) -> int:
    return query.filter_sites({k: v for k, v in params.items() if v}).count()


def renderer(filters: dict[str, str]) -> Callable[[str], str]:
    """A function putting the figures into texts of a chapter with these filters (counts computed once)."""
    cache: dict[str, int] = {}

    def count(extra: dict[str, str]) -> int:
        key = repr(sorted(extra.items()))
        if key not in cache:
            cache[key] = _count(filters | extra)
        return cache[key]

    def figure(match: re.Match) -> str:
        kind, extra = match.group(1), _extra(match.group(2))
        if kind == "sites":
            return formats.number_format(count(extra), force_grouping=True)
        if kind == "share":
            whole = count({})
            return formats.number_format(round(100 * count(extra) / whole) if whole else 0)
        from ramani.sites import stats

        years = stats.visit_years()
        return str(max(years)) if years else ""

    return lambda text: TOKEN.sub(figure, text)
