"""Recompute a site's current view (name, place, coordinates, visit dates) from its visits.

Each attribute is the value of the latest visit (by date, then id) that has one, so a
qualification-only row with empty columns does not blank a site's name or place.
"""

from __future__ import annotations

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Now

from ramani.sites.models import Site, Visit

TEXT_ATTRS = ("name", "location_origin", "province", "province_old", "territoire", "collectivite",
              "groupement", "village")
DEMO_SOURCE = "Ramani demo (synthetic)"
BATCH = 500


def _latest(field: str, condition: Q):
    qs = Visit.objects.filter(condition, site=OuterRef("pk")).order_by("-visit_date", "-id").values(field)[:1]
    return Subquery(qs)


def _agg(expr):
    return Subquery(Visit.objects.filter(site=OuterRef("pk")).order_by().values("site").annotate(v=expr).values("v")[:1])


def refresh(site_ids: list[int]) -> None:
    """Refresh the listed sites, then their admin pcodes."""
    from ramani.geo import assign

    located = Q(longitude__isnull=False, latitude__isnull=False)
    updates = {attr: Coalesce(_latest(attr, ~Q(**{attr: ""})), Value("")) for attr in TEXT_ATTRS}
    updates.update(
        longitude=_latest("longitude", located),
        latitude=_latest("latitude", located),
        first_visit_date=_agg(Min("visit_date")),
        last_visit_date=_agg(Max("visit_date")),
        visit_count=Coalesce(_agg(Count("id")), Value(0)),
        updated=Now(),
        synthetic=Exists(Visit.objects.filter(site=OuterRef("pk"), source=DEMO_SOURCE)),
    )
    for i in range(0, len(site_ids), BATCH):
        batch = site_ids[i:i + BATCH]
        Site.objects.filter(id__in=batch).update(**updates)
        assign.admin_codes(batch)
