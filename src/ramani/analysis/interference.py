"""Armed interference at mining sites: shares of visited active sites per year and province, by armed-group
type and by armed group, with 95% Wilson intervals and the number of sites behind each; and the same sites
compared across two periods (which got better, which worse). Pure functions over visit rows.

Which visits count: field visits (not the "Qualification status" rows), made on site (visit_onsite not
false). An active site in a year: at least one counted visit that year found people working
(workers_numb > 0); a visit without a digger count says nothing about activity and is left out. The
denominator of a share: the active sites of the year (or period) where at least one of those visits
recorded whether there was armed interference. A site had interference if any of them recorded it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _

Z95 = 1.959963984540054
QUALIFICATION_PROJECT = "Qualification status"


def definition() -> str:
    """Which sites and visits a share counts, in the active language (the one wording of the rule below)."""
    return _(
        "Active sites (a field visit on site that year found people working) where at least one such visit "
        "recorded whether there was armed interference; a site counts once per year, with interference if any of "
        "those visits recorded it."
    )


@dataclass(frozen=True)
class VisitRow:
    pcode: str
    year: int
    province: str
    workers: int | None
    interference: bool | None
    group_types: tuple[str, ...] = ()  # armed-group types named at the visit
    group_names: tuple[str, ...] = ()
    onsite: bool | None = True
    project: str = ""


@dataclass(frozen=True)
class Share:
    id: str
    label: str
    definition: str
    numerator: int
    denominator: int
    value: float | None
    low: float | None  # 95% Wilson interval
    high: float | None

    def as_dict(self) -> dict:
        return asdict(self)


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float] | tuple[None, None]:
    """The Wilson score interval of k successes in n trials (None, None for n = 0)."""
    if n == 0:
        return None, None
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def share(id: str, label: str, definition: str, k: int, n: int) -> Share:
    low, high = wilson(k, n)
    return Share(id, label, definition, k, n, k / n if n else None, low, high)


def counts(row: VisitRow) -> bool:
    return row.project != QUALIFICATION_PROJECT and row.onsite is not False and (row.workers or 0) > 0


@dataclass
class _SiteYear:
    province: str = ""
    recorded: bool = False
    interference: bool = False
    types: set | None = None
    names: set | None = None


def site_years(rows: Iterable[VisitRow]) -> dict[tuple[str, int], _SiteYear]:
    """(pcode, year) -> what the counted visits of that site and year recorded."""
    out: dict[tuple[str, int], _SiteYear] = {}
    for r in rows:
        if not counts(r):
            continue
        s = out.setdefault((r.pcode, r.year), _SiteYear(r.province, types=set(), names=set()))
        if r.interference is None:
            continue
        s.recorded = True
        if r.interference:
            s.interference = True
            assert s.types is not None and s.names is not None
            s.types.update(t for t in r.group_types if t and t != "Aucun")
            s.names.update(n for n in r.group_names if n)
    return out


def by_year_and_province(rows: Sequence[VisitRow]) -> list[dict]:
    """For each year: the share over all provinces, then per province."""
    years: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for (_pcode, year), s in site_years(rows).items():
        if not s.recorded:
            continue
        for key in ("", s.province):
            years[year][key][0] += s.interference
            years[year][key][1] += 1
    out = []
    words = definition()
    for year in sorted(years):
        groups = years[year]
        out.append(
            {
                "year": year,
                "all": share(f"interference_{year}", f"{year}", words, *groups[""]).as_dict(),
                "provinces": [
                    share(f"interference_{year}_{p}", f"{year} {p}", words, *groups[p]).as_dict()
                    for p in sorted(k for k in groups if k)
                ],
            }
        )
    return out


def by_group(rows: Sequence[VisitRow], what: str = "types") -> list[dict]:
    """For each year: the share of the year's active, recorded sites with interference by each armed-group type
    (`what="types"`) or each armed group by name (`what="names"`); a site may count for several."""
    per_year: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    denominators: dict[int, int] = defaultdict(int)
    for (_pcode, year), s in site_years(rows).items():
        if not s.recorded:
            continue
        denominators[year] += 1
        for g in getattr(s, what) or ():
            per_year[year][g] += 1
    numerator = (
        _("Numerator: those with interference where this armed-group type was named at such a visit.")
        if what == "types"
        else _("Numerator: those with interference where this armed group was named at such a visit.")
    )
    words = f"{definition()} {numerator}"
    return [
        {
            "year": year,
            "sites": denominators[year],
            "groups": [
                share(f"{what}_{year}_{g}", g, words, k, denominators[year]).as_dict()
                for g, k in sorted(per_year[year].items(), key=lambda kv: (-kv[1], kv[0]))
            ],
        }
        for year in sorted(denominators)
    ]


def revisits(rows: Sequence[VisitRow], first: tuple[int, int], second: tuple[int, int]) -> dict:
    """Sites active and recorded in both periods (inclusive year ranges): which got better (interference in
    the first, none in the second), which worse, which stayed the same."""

    def period(low: int, high: int) -> dict[str, bool]:
        state: dict[str, bool] = {}
        for (pcode, year), s in site_years(rows).items():
            if low <= year <= high and s.recorded:
                state[pcode] = state.get(pcode, False) or s.interference
        return state

    a, b = period(*first), period(*second)
    both = sorted(set(a) & set(b))
    better = [p for p in both if a[p] and not b[p]]
    worse = [p for p in both if not a[p] and b[p]]
    return {
        "first": list(first),
        "second": list(second),
        "definition": _(
            "Sites that were active, with interference recorded, in both periods (see the shares' definition); in "
            "a period a site had interference if any counted visit of the period recorded it."
        ),
        "sites": len(both),
        "better": better,
        "worse": worse,
        "same_with_interference": [p for p in both if a[p] and b[p]],
        "same_without": [p for p in both if not a[p] and not b[p]],
        "first_share": share(
            "first", f"{first[0]}-{first[1]}", definition(), sum(a[p] for p in both), len(both)
        ).as_dict(),
        "second_share": share(
            "second", f"{second[0]}-{second[1]}", definition(), sum(b[p] for p in both), len(both)
        ).as_dict(),
    }


# -- reading the rows -------------------------------------------------------------------------


def load_rows() -> list[VisitRow]:
    from ramani.sites.models import Visit, VisitArmedGroup

    groups: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for visit_id, name, type_ in VisitArmedGroup.objects.values_list("visit_id", "name", "type"):
        groups[visit_id].append((name, type_))
    rows = []
    for pk, pcode, date, province, workers, interference, onsite, project in Visit.objects.values_list(
        "id", "site__pcode", "visit_date", "site__province", "workers_numb", "interference", "visit_onsite", "project"
    ):
        slots = groups.get(pk, [])
        rows.append(
            VisitRow(
                pcode,
                date.year,
                province,
                workers,
                interference,
                tuple(t for _n, t in slots if t),
                tuple(n for n, _t in slots if n),
                onsite,
                project,
            )
        )
    return rows


def analyse(first: tuple[int, int] | None = None, second: tuple[int, int] | None = None) -> dict:
    rows = load_rows()
    result: dict = {
        "definition": definition(),
        "by_year": by_year_and_province(rows),
        "by_group_type": by_group(rows, "types"),
        "by_armed_group": by_group(rows, "names"),
    }
    if first and second:
        result["revisits"] = revisits(rows, first, second)
    return result
