"""Weighted estimates from a surveyed sample: the design weights of `ramani import kobo/odk --sample`.

Each visited site of a survey carries its unit's stratum and design weight w = 1/π (from `ramani
sample draw`). For a yes/no answer y the share is the ratio (Hájek) estimate Σ w·y / Σ w over the
visits that answered; a total (diggers) is the Horvitz–Thompson estimate Σ w·y. Standard errors
use the usual stratified with-replacement approximation: for each stratum h with n_h ≥ 2 visits,
n_h/(n_h−1) · Σ (z_i − z̄_h)² with z_i = w_i·y_i for a total and z_i = w_i·(y_i − R)/Σw for a share
(linearisation); a stratum with one visit adds nothing, which the page says. Pure functions over
(stratum, weight, value) triples, and one query to gather them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

Triple = tuple[str, float, float]  # (stratum, weight, value)


def _stratified_variance(values: Iterable[tuple[str, float]]) -> tuple[float, int]:
    """Σ_h n_h/(n_h−1) Σ_i (z_i − z̄_h)², and how many strata had a single unit (no variance)."""
    by: dict[str, list[float]] = defaultdict(list)
    for stratum, z in values:
        by[stratum].append(z)
    variance, lonely = 0.0, 0
    for zs in by.values():
        n = len(zs)
        if n < 2:
            lonely += 1
            continue
        mean = sum(zs) / n
        variance += n / (n - 1) * sum((z - mean) ** 2 for z in zs)
    return variance, lonely


def total(rows: list[Triple]) -> tuple[float, float, int]:
    """Horvitz–Thompson total Σ w·y, its standard error, and the strata with one unit."""
    value = sum(w * y for _, w, y in rows)
    variance, lonely = _stratified_variance((s, w * y) for s, w, y in rows)
    return value, math.sqrt(variance), lonely


def share(rows: list[Triple]) -> tuple[float, float, int]:
    """Ratio estimate Σ w·y / Σ w, its linearised standard error, and the strata with one unit."""
    weights = sum(w for _, w, _ in rows)
    if not rows or weights <= 0:
        return math.nan, math.nan, 0
    ratio = sum(w * y for _, w, y in rows) / weights
    variance, lonely = _stratified_variance((s, w * (y - ratio) / weights) for s, w, y in rows)
    return ratio, math.sqrt(variance), lonely


@dataclass(frozen=True)
class Estimate:
    key: str
    kind: str  # "share" or "total"
    value: float
    se: float
    unweighted: float  # the plain mean (share) or sum (total) of the visits, for comparison
    n: int  # visits that answered
    lonely_strata: int


# what is estimated: key -> (visit field, kind)
MEASURES = {
    "presence": ("presence", "share"),
    "interference": ("interference", "share"),
    "childunder15": ("childunder15", "share"),
    "women": ("women", "share"),
    "diggers": ("workers_numb", "total"),
}


def estimate(key: str, rows: list[Triple]) -> Estimate:
    kind = MEASURES[key][1]
    value, se, lonely = (share if kind == "share" else total)(rows)
    values = [y for _, _, y in rows]
    plain = (sum(values) / len(values) if values else math.nan) if kind == "share" else float(sum(values))
    return Estimate(key, kind, value, se, plain, len(rows), lonely)


@dataclass(frozen=True)
class Survey:
    source: str
    visits: int
    strata: int
    weight_sum: float  # Σ w: the estimated number of sites the visited ones stand for
    estimates: list[Estimate]


def surveys() -> list[Survey]:
    """Every imported survey whose visits carry design weights, with its estimates."""
    from ramani.fieldwork.models import SurveySubmission
    from ramani.sites.models import Visit

    latest: dict[int, tuple[str, str, float]] = {}  # visit -> (source, stratum, weight), latest version
    for visit_id, source, stratum, weight in (
        SurveySubmission.objects.filter(weight__isnull=False, visit__isnull=False)
        .order_by("submitted_at", "id")
        .values_list("visit_id", "source", "stratum", "weight")
    ):
        latest[visit_id] = (source, stratum, weight)
    fields = sorted({f for f, _ in MEASURES.values()})
    answers = {
        pk: dict(zip(fields, values)) for pk, *values in Visit.objects.filter(id__in=latest).values_list("id", *fields)
    }
    by_source: dict[str, list[tuple[str, float, dict]]] = defaultdict(list)
    for visit_id, (source, stratum, weight) in latest.items():
        if visit_id in answers:
            by_source[source].append((stratum, weight, answers[visit_id]))
    out = []
    for source, visits in sorted(by_source.items()):
        estimates = []
        for key, (name, _kind) in MEASURES.items():
            rows = [(s, w, float(a[name])) for s, w, a in visits if a[name] is not None]
            estimates.append(estimate(key, rows))
        out.append(
            Survey(
                source=source,
                visits=len(visits),
                strata=len({s for s, _, _ in visits}),
                weight_sum=sum(w for _, w, _ in visits),
                estimates=estimates,
            )
        )
    return out
