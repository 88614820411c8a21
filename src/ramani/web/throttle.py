"""Login throttling on top of django-axes (see settings: AUTHENTICATION_BACKENDS, AXES_*).

axes locks a user name for one client address after RAMANI_LOGIN_FAILURE_LIMIT wrong passwords. Guessing with a
new user name each time would never reach that, and Django hashes the password of an unknown user name too
(so that timing does not tell which names exist): each guess costs the server a full PBKDF2 hash. So one
address also gets a ceiling, RAMANI_LOGIN_ADDRESS_LIMIT failures whatever the names, counted from axes' own
records. Either lock refuses the attempt before any password is hashed, answered 429.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from django.conf import settings
from django.http import JsonResponse


def client_ip(request) -> str | None:
    """The client's address. Behind the TLS proxy (RAMANI_HTTPS=1) it is the last address of X-Forwarded-For,
    the one the proxy itself appended or set (any earlier one came from the client and can be forged); served
    directly, REMOTE_ADDR."""
    if getattr(settings, "HTTPS", False):
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")


def address_failures(ip: str | None) -> int:
    """Wrong passwords from `ip` within the cool-off, for every user name together."""
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt
    from django.db.models import Sum
    from django.utils import timezone

    if not ip:
        return 0
    attempts = AccessAttempt.objects.filter(ip_address=ip)
    cool_off = get_cool_off()
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class LoginThrottleBackend(AxesStandaloneBackend):
    """axes' check (this user name from this address), then this address's ceiling. Authenticates no one:
    the next backend (ModelBackend) does, when neither lock holds."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        super().authenticate(request, username=username, password=password, **kwargs)
        limit = getattr(settings, "LOGIN_ADDRESS_LIMIT", 0)
        if settings.AXES_ENABLED and limit and address_failures(getattr(request, "axes_ip_address", None)) >= limit:
            request.axes_locked_out = True  # axes' middleware answers with the lockout page
            raise AxesBackendPermissionDenied("too many failed logins from this address")
        return None


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login: a 429 page (JSON for a script) saying for how long."""
    from axes.helpers import get_cool_off, get_lockout_message
    from django.shortcuts import render

    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    message = str(get_lockout_message())
    if "application/json" in request.headers.get("Accept", "") or request.headers.get("X-Requested-With"):
        response = JsonResponse({"detail": message, "retry_after_minutes": minutes}, status=429)
    else:
        response = render(request, "web/locked_out.html", {"message": message, "minutes": minutes}, status=429)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
