"""The due-diligence lookup: the red flags a buyer must see for one site as of a date, each
with the visit it comes from (OECD Due Diligence Guidance, Annex II risks).

Armed interference is read by `ramani.sites.armed` (the map's armed layer uses the same rule): one
flag per interfering group of the latest field visit; armed presence without interference is no
red flag."""

from __future__ import annotations

import datetime as dt

from ramani.sites import armed
from ramani.sites.models import Site, Visit
from ramani.sites.qualification import QUALIFICATION_PROJECT

STALE_AFTER_DAYS = 365


def _visit_ref(v: Visit) -> dict:
    return {"visit_id": v.id, "vid": v.vid, "date": v.visit_date.isoformat(), "project": v.project, "source": v.source}


def assess(site: Site, on: dt.date) -> dict:
    """Red flags for `site` from the evidence available on `on` (visits dated on or before it)."""
    visits = list(
        site.visits.filter(visit_date__lte=on)
        .prefetch_related("armed_groups", "mineral_slots")
        .order_by("-visit_date", "-id")
    )
    field = [v for v in visits if v.project != QUALIFICATION_PROJECT]
    latest = field[0] if field else None
    flags = []
    if latest:
        ref = _visit_ref(latest)
        groups = list(latest.armed_groups.all())
        for g, group in zip([g for g in groups if g.type], armed.groups_of(groups)):
            if not armed.interferes(group, latest.interference):
                continue
            acts = g.activities()
            flags.append(
                {
                    "flag": (
                        "state_security_interference" if armed.kind(g.type) == "state" else "armed_group_interference"
                    ),
                    "severity": "high",
                    "detail": f"{g.name or g.type} ({g.type}); activities: {', '.join(acts) or 'not recorded'}",
                    "frequency": g.frequency,
                    "visit": ref,
                }
            )
        if armed.visit_class(latest) == "other":
            flags.append(
                {
                    "flag": "armed_interference",
                    "severity": "high",
                    "detail": "armed interference recorded (no group detail)",
                    "visit": ref,
                }
            )
        if latest.childunder15:
            flags.append(
                {
                    "flag": "child_labour",
                    "severity": "high",
                    "detail": f"children under 15 working: {latest.childunder15work or 'tasks not recorded'}",
                    "visit": ref,
                }
            )
        if latest.mercury:
            flags.append({"flag": "mercury", "severity": "medium", "detail": "mercury used on site", "visit": ref})
    status = site.status_on(on)
    if status.status in ("rouge", "none") or not status.valid:
        flags.append(
            {
                "flag": "qualification",
                "severity": "high" if status.status == "rouge" else "medium",
                "detail": status.explain(),
                "visit": None,
            }
        )
    age = (on - latest.visit_date).days if latest else None
    if age is None or age > STALE_AFTER_DAYS:
        flags.append(
            {
                "flag": "stale_evidence",
                "severity": "medium",
                "detail": "no field visit on record" if latest is None else f"latest field visit is {age} days old",
                "visit": _visit_ref(latest) if latest else None,
            }
        )
    return {
        "pcode": site.pcode,
        "name": site.name,
        "province": site.province,
        "territoire": site.territoire,
        "on": on.isoformat(),
        "synthetic": site.synthetic,
        "qualification": {
            "status": status.status,
            "valid": status.valid,
            "decided": status.decided,
            "decided_on": status.decided_on.isoformat() if status.decided_on else None,
            "valid_until": status.valid_until.isoformat() if status.valid_until else None,
            "explanation": status.explain(),
        },
        "latest_field_visit": _visit_ref(latest) if latest else None,
        "evidence_age_days": age,
        "red_flags": flags,
        "red_flag_count": len(flags),
    }
