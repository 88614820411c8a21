"""The due-diligence lookup: the red flags a buyer must see for one site as of a date, each
with the visit it comes from (OECD Due Diligence Guidance, Annex II risks)."""

from __future__ import annotations

import datetime as dt

from ramani.sites.models import Site, Visit
from ramani.sites.qualification import QUALIFICATION_PROJECT

FARDC_NO_INTERFERENCE = {
    "FARDC - Pas d’ingérence constatée",
    "FARDC - Pas d'ingérence constatée",
    "FARDC - Pas de données sur les ingérences",
    "Aucun",
}
STATE_SECURITY = ("FARDC", "PNC", "PMH", "Police")
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
        for g in latest.armed_groups.all():
            acts = g.activities()
            state = g.name.startswith(STATE_SECURITY) or g.type.startswith(("FARDC", "PNC", "PMH"))
            interfering = (
                bool(acts)
                or g.type in ("Groupe armé local", "Groupe armé étranger")
                or (g.type.endswith("Éléments indisciplinés"))
            )
            if interfering and g.type not in FARDC_NO_INTERFERENCE:
                flags.append(
                    {
                        "flag": "state_security_interference" if state else "armed_group_interference",
                        "severity": "high",
                        "detail": f"{g.name or g.type} ({g.type}); activities: {', '.join(acts) or 'presence'}",
                        "frequency": g.frequency,
                        "visit": ref,
                    }
                )
        if latest.interference and not any(f["flag"].endswith("interference") for f in flags):
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
