"""What a sampling frame is built from: the active mines and the settlements in the database.

A mine is active when it has a visit with diggers > 0 (and not marked as not visited on site) within
the last `active_years` years before `as_of`, or, with `project`, in that project. Its diggers and
main mineral come from the latest such visit.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Q

from ramani.analysis import frame
from ramani.analysis.frame_io import write_table


@dataclass
class FrameResult:
    units: list[dict]
    active_mines: int
    settlements: int
    communities: int
    lone_mines: int
    parameters: dict


def active_mines(
    active_years: float = 3.0, project: str | None = None, as_of: dt.date | None = None
) -> list[frame.Mine]:
    from ramani.sites.models import Visit, VisitMineral

    visits = Visit.objects.filter(workers_numb__gt=0).exclude(visit_onsite=False)
    visits = visits.filter(site__longitude__isnull=False, site__latitude__isnull=False)
    if project:
        visits = visits.filter(project=project)
    else:
        since = (as_of or dt.date.today()) - dt.timedelta(days=round(365.25 * active_years))
        visits = visits.filter(visit_date__gte=since, visit_date__lte=as_of or dt.date.today())
    latest: dict[int, tuple] = {}
    for row in visits.order_by("site_id", "visit_date", "id").values_list(
        "id",
        "site_id",
        "visit_date",
        "workers_numb",
        "site__pcode",
        "site__name",
        "site__longitude",
        "site__latitude",
        "site__province",
        "site__province_pcode",
        "site__territoire",
        "site__adm2_pcode",
    ):
        latest[row[1]] = row
    minerals = dict(
        VisitMineral.objects.filter(Q(visit_id__in=[r[0] for r in latest.values()]), position=1).values_list(
            "visit_id", "mineral"
        )
    )
    return [
        frame.Mine(
            pcode=r[4],
            name=r[5],
            longitude=r[6],
            latitude=r[7],
            diggers=r[3],
            mineral=minerals.get(r[0], "") or "",
            province=r[8],
            province_pcode=r[9],
            territoire=r[10],
            adm2_pcode=r[11],
            last_active=r[2].isoformat(),
        )
        for r in sorted(latest.values(), key=lambda r: r[4])
    ]


def places() -> list[frame.Place]:
    from ramani.fieldwork.models import Settlement

    return [
        frame.Place(s.key, s.name, s.kind, s.population, s.longitude, s.latitude, s.province_pcode, s.adm2_pcode)
        for s in Settlement.objects.order_by("key")
    ]


def build_frame(
    radius_km: float = 5.0, active_years: float = 3.0, project: str | None = None, as_of: dt.date | None = None
) -> FrameResult:
    from ramani.geo.models import AdminUnit
    from ramani.geo.provinces import PROVINCES

    mines = active_mines(active_years, project, as_of)
    settlements = places()
    adm2 = dict(AdminUnit.objects.filter(level=2).values_list("pcode", "name"))
    provinces = {**PROVINCES, **dict(AdminUnit.objects.filter(level=1).values_list("pcode", "name"))}
    units = frame.build(mines, settlements, radius_km, provinces, adm2)
    lone = sum(1 for u in units if u["unit_type"] == "mine")
    parameters = {
        "radius_km": radius_km,
        "active": f"project {project!r}"
        if project
        else f"visited within {active_years} years before {as_of or dt.date.today()}",
        "active_rule": "a visit with diggers > 0, not marked as not visited on site; size and mineral from the latest",
        "assignment": "each active mine joins its nearest settlement within the radius; others are units of their own",
    }
    return FrameResult(units, len(mines), len(settlements), len(units) - lone, lone, parameters)


def write_frame(result: FrameResult, out: Path) -> Path:
    """Write the frame (CSV, XLSX or GPKG by suffix) and `<stem>.frame.json` describing how it was built."""
    write_table(out, frame.COLUMNS, result.units, layer="frame")
    about = out.with_name(out.stem + ".frame.json")
    about.write_text(
        json.dumps(
            {
                "units": len(result.units),
                "communities": result.communities,
                "lone_mines": result.lone_mines,
                "active_mines": result.active_mines,
                "settlements": result.settlements,
                **result.parameters,
                "columns": {
                    "diggers": "sum of workers_numb of its active mines (latest active visit each)",
                    "mines": "number of its active mines",
                    "population": "the settlement's population when known",
                },
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return about
