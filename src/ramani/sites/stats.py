"""Counts of the registry for pages and reports."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Count

from ramani.sites import qualification as rules
from ramani.sites import revision
from ramani.sites.models import Qualification, Site, Visit


def qualification_counts(on: dt.date, sites=None) -> Counter:
    """How many sites (all, or of a queryset) hold each effective status on `on` (no decision: 'none')."""
    decisions: dict[int, list] = {}
    qs = Qualification.objects.filter(date__lte=on)
    if sites is not None:
        qs = qs.filter(site__in=sites)
    for site_id, date, status, pk in qs.values_list("site_id", "date", "status", "id"):
        decisions.setdefault(site_id, []).append((date, status, pk))
    counts = Counter({code: 0 for code, _ in rules.STATUS_CHOICES})
    counts.update(rules.status_on(d, on).status for d in decisions.values())
    counts["none"] += (sites if sites is not None else Site.objects).count() - len(decisions)
    return counts


def any_synthetic() -> bool:
    """Whether any site is synthetic demo data (pages then say so)."""
    return Site.objects.filter(synthetic=True).exists()


_years: dict[int, list[int]] = {}


def visit_years() -> list[int]:
    """The years with at least one field visit, latest first (what a year filter can offer); kept per
    registry revision, since every page with filters asks."""
    number = revision.current()
    found = _years.get(number)
    if found is None:
        dates = Visit.objects.exclude(project=rules.QUALIFICATION_PROJECT).dates("visit_date", "year", order="DESC")
        found = [d.year for d in dates]
        _years.clear()
        _years[number] = found
    return list(found)


def registry_summary(on: dt.date) -> dict:
    by_province = list(Site.objects.values("province").annotate(n=Count("id")).order_by("-n", "province"))
    last_visit = Visit.objects.order_by("-visit_date").values_list("visit_date", flat=True).first()
    today = qualification_counts(on)
    at_last = qualification_counts(last_visit) if last_visit else today
    return {
        "sites": Site.objects.count(),
        "visits": Visit.objects.count(),
        "synthetic": any_synthetic(),
        "provinces": by_province,
        "qualification": [
            (code, label, rules.COLOURS[code], at_last.get(code, 0), today.get(code, 0))
            for code, label in rules.STATUS_CHOICES
        ],
        "first_visit": Visit.objects.order_by("visit_date").values_list("visit_date", flat=True).first(),
        "last_visit": last_visit,
        "on": on,
    }
