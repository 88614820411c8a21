"""The partner network: organisations, their people (one role each) and the places they cover."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ramani.orgs.roles import Kind, Role


class Organisation(models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.PARTNER)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    synthetic = models.BooleanField(_("synthetic"), default=False, help_text=_("Made by `ramani demo`."))

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.short_name or self.name


class Membership(models.Model):
    """A person's place in the network: one organisation, one role."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="members", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation}, {self.get_role_display()})"


class Coverage(models.Model):
    """An admin unit (province or territoire pcode) an organisation answers for, optionally for some
    incident categories only (empty: all)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="coverage", verbose_name=_("organisation")
    )
    pcode = models.CharField(_("admin unit pcode"), max_length=12)
    categories = models.JSONField(_("categories"), default=list, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "pcode"], name="orgs_coverage_once")]
        verbose_name = _("coverage area")
        verbose_name_plural = _("coverage areas")

    def __str__(self) -> str:
        return f"{self.organisation} → {self.pcode}"


def membership_of(user) -> Membership | None:
    """The user's membership (None for anonymous users and people outside the network)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return Membership.objects.select_related("organisation").get(user=user, organisation__active=True)
    except Membership.DoesNotExist:
        return None
