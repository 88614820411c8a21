"""Figures of the follow-up work, over the incidents a person may see (each with its definition)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass

from django.utils import timezone

from ramani.incidents.models import IncidentAction


@dataclass(frozen=True)
class Figures:
    total: int
    by_category: list[tuple[str, int]]
    by_status: list[tuple[str, int]]
    by_organisation: list[tuple[str, int]]
    by_month: list[tuple[str, int]]
    median_days_to_verification: float | None
    median_days_to_resolution: float | None
    open_older_than: int
    older_than_days: int


def figures(incidents, older_than_days: int = 30, today: dt.date | None = None) -> Figures:
    """`incidents`: a queryset already scoped with `Incident.objects.visible_to(user)`.

    Time to verification: from receipt to the first `verify` action; to resolution: to the last
    status change to resolved. Open: not closed and not resolved."""
    rows = list(incidents.values_list("id", "category", "status", "organisation__short_name", "organisation__name",
                                      "created", "closed"))  # fmt: skip
    ids = [r[0] for r in rows]
    received = {r[0]: r[5] for r in rows}
    verified: dict[int, dt.datetime] = {}
    resolved: dict[int, dt.datetime] = {}
    actions = IncidentAction.objects.filter(incident_id__in=ids, verb__in=("verify", "set_status")).order_by("at")
    for incident_id, verb, new, at in actions.values_list("incident_id", "verb", "new", "at"):
        if verb == "verify":
            verified.setdefault(incident_id, at)
        elif new.get("status") == "resolved":
            resolved[incident_id] = at

    def median_days(ends: dict[int, dt.datetime]) -> float | None:
        spans = [(end - received[i]).total_seconds() / 86400 for i, end in ends.items() if i in received]
        return round(statistics.median(spans), 1) if spans else None

    now = timezone.now()
    cutoff = now - dt.timedelta(days=older_than_days)
    return Figures(
        total=len(rows),
        by_category=Counter(r[1] for r in rows).most_common(),
        by_status=Counter(r[2] for r in rows).most_common(),
        by_organisation=Counter(r[3] or r[4] or "" for r in rows).most_common(),
        by_month=sorted(Counter(r[5].strftime("%Y-%m") for r in rows).items()),
        median_days_to_verification=median_days(verified),
        median_days_to_resolution=median_days(resolved),
        open_older_than=sum(1 for r in rows if r[6] is None and r[2] != "resolved" and r[5] < cutoff),
        older_than_days=older_than_days,
    )
