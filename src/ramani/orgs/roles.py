"""Who may do what on an incident: one table, read by the workflow verbs and the pages alike."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    NETWORK_ADMIN = "network_admin", _("Network administrator")
    MANAGER = "manager", _("Organisation manager")
    FIELD_OFFICER = "field_officer", _("Field officer")
    ANALYST = "analyst", _("Analyst")


class Kind(models.TextChoices):
    NETWORK_ADMINISTRATOR = "network_administrator", _("Network administrator")
    PARTNER = "partner", _("Partner organisation")
    RESEARCH = "research", _("Research institute")


_ALL = frozenset({"network_admin", "manager", "field_officer", "analyst"})
_WORKERS = frozenset({"network_admin", "manager", "field_officer"})
_LEADS = frozenset({"network_admin", "manager"})

# verb -> the roles that may use it (within their scope: a network administrator's is every incident)
ALLOWED: dict[str, frozenset[str]] = {
    "view": _ALL,
    "export": _ALL,
    "assign": frozenset({"network_admin"}),
    "accept": _WORKERS,
    "verify": _WORKERS,
    "correct": _WORKERS,
    "note": _WORKERS,
    "record_action": _WORKERS,
    "set_status": _WORKERS,
    "message_reporter": _WORKERS,
    "reopen": _LEADS,
    "close": _LEADS,
    "publish": _LEADS,
    "unpublish": _LEADS,
    "manage_members": _LEADS,
}


def may(role: str | None, verb: str) -> bool:
    return role is not None and role in ALLOWED[verb]
