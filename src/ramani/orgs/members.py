"""Who may look after whose account: a network administrator the managers, field officers and analysts of the
network, an organisation manager the field officers and analysts of their own organisation; nobody else anyone.
Only a lower role is within reach, never a network administrator nor a staff or superuser account (the Django
admin): a reset must never be a way up. One rule, read by the pages."""

from __future__ import annotations

import logging
import secrets

from django.db import transaction

from ramani.orgs.models import Membership, membership_of
from ramani.orgs.roles import Role, may

log = logging.getLogger("ramani.orgs")


#: role -> the roles strictly below it, whose accounts it may look after
BELOW: dict[str, tuple[str, ...]] = {
    "network_admin": ("manager", "field_officer", "analyst"),
    "manager": ("field_officer", "analyst"),
}


class NotManageable(Exception):
    """The member is outside the person's reach (answered as if they did not exist)."""


def manageable(user):
    """The memberships `user` may manage (none for anyone but network administrators and managers)."""
    mine = membership_of(user)
    if mine is None or not may(mine.role, "manage_members"):
        return Membership.objects.none()
    members = (
        Membership.objects.select_related("user", "organisation")
        .filter(role__in=BELOW.get(mine.role, ()), user__is_staff=False, user__is_superuser=False)
        .order_by("organisation__name", "user__username")
    )
    if mine.role == Role.NETWORK_ADMIN:
        return members
    return members.filter(organisation_id=mine.organisation_id)


def may_manage(user) -> bool:
    mine = membership_of(user)
    return mine is not None and may(mine.role, "manage_members")


@transaction.atomic
def set_temporary_password(by, membership_id: int) -> tuple[Membership, str]:
    """A new random password for another member within reach, returned once (only its hash is kept). Their
    sessions end with it (Django's session hash follows the password)."""
    target = manageable(by).select_for_update(of=("self",)).filter(pk=membership_id).first()
    if target is None or target.user_id == by.pk:  # one's own: the password change page
        raise NotManageable
    password = secrets.token_urlsafe(12)
    target.user.set_password(password)
    target.user.save(update_fields=["password"])
    log.info("temporary password set for user %s by %s", target.user.pk, by.pk)
    return target, password
