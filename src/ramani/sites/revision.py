"""A single counter that moves whenever registry data changes, so that answers computed from it
(open-data pages, exports) can be cached and validated with an ETag until the next change.

Admin edits bump it through signals; bulk writes (imports, boundaries) call `bump()` themselves.
"""

from __future__ import annotations

import secrets

from django.db import connection
from django.db.models import F


def _start() -> int:
    """A random starting number, so that a database restored or rebuilt never reuses old numbers."""
    return secrets.randbits(48)


def current() -> int:
    from ramani.sites.models import Revision

    with connection.cursor() as cur:
        cur.execute("SELECT number FROM sites_revision WHERE id = 1")
        row = cur.fetchone()
    if row is None:
        return Revision.objects.get_or_create(id=1, defaults={"number": _start()})[0].number
    return row[0]


def bump(*_args, **_kwargs) -> None:
    from ramani.sites.models import Revision

    if not Revision.objects.filter(id=1).update(number=F("number") + 1):
        Revision.objects.get_or_create(id=1, defaults={"number": _start()})


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    from ramani.geo.models import AdminUnit
    from ramani.sites.models import Qualification, Site, Term, Visit, VisitArmedGroup, VisitMineral

    for model in (Site, Visit, VisitMineral, VisitArmedGroup, Qualification, Term, AdminUnit):
        post_save.connect(bump, sender=model, dispatch_uid=f"revision-save-{model.__name__}")
        post_delete.connect(bump, sender=model, dispatch_uid=f"revision-delete-{model.__name__}")
