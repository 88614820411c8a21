"""What the public may know of incidents: published ones only, and of them date, title, category and
subcategory for a mining site (the real Kufatilia API's shape). One place for the webmap's site card,
the site API and /kufatilia/api/pcode/<pcode>."""

from __future__ import annotations

from django.db import models

from ramani.incidents import categories
from ramani.incidents.models import Incident


def of_site(pcode: str, with_codes: bool = False) -> list[dict[str, str]]:
    """The published incidents of one mining site that their publisher chose to show there, newest first:
    {date YYYY/MM/DD, title, category, subcategory} (the category in English, as the real API gives it);
    `with_codes` adds `category_code` (pages translate it)."""
    incidents = (
        Incident.objects.published()
        .filter(site__pcode=pcode[:20], site_public=True)  # shown there only when its publisher chose to
        .order_by("-occurred_on", "-created")
        .only("occurred_on", "created", "title", "category", "subcategory")
    )
    rows = []
    for i in incidents:
        row = {
            "date": (i.occurred_on or i.created.date()).strftime("%Y/%m/%d"),
            "title": i.title,
            "category": categories.label(i.category, "en"),
            "subcategory": i.subcategory,
        }
        if with_codes:
            row["category_code"] = i.category
        rows.append(row)
    return rows


def version() -> str:
    """Moves whenever a published incident is published, changed or unpublished (for caches of public answers)."""
    from django.db.models import Count, Max

    ever = Incident.objects.filter(published_on__isnull=False)
    found = ever.aggregate(n=Count("id", filter=models.Q(published=True)), last=Max("updated"))
    return f"{found['n']}-{found['last']}"
