"""What "a visit" counts on every public page: a field visit.

The IPIS table also holds rows whose project is "Qualification status": they only record a qualification
decision, nobody went to the site. Pages, the dashboard and /api/summary count field visits; the downloads and
the APIs list every row (`visit_count` of a site counts both)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ramani.sites.qualification import QUALIFICATION_PROJECT

DEFINITION = _(
    "A visit is a field visit: a row of the IPIS table whose project is not “Qualification status” (such rows "
    "only record a qualification decision)."
)


def of(visits=None):
    """The field visits among `visits` (a Visit queryset; default all)."""
    from ramani.sites.models import Visit

    return (Visit.objects.all() if visits is None else visits).exclude(project=QUALIFICATION_PROJECT)


def counts() -> dict[str, int]:
    """{"field_visits": n, "qualification_records": m}: every row of the table is one or the other."""
    from ramani.sites.models import Visit

    total = Visit.objects.count()
    field = of().count()
    return {"field_visits": field, "qualification_records": total - field}
