"""Getting back into one's account: a reset link by e-mail when e-mail is configured (RAMANI_EMAIL_HOST), else a
temporary password set by a network administrator (anyone in the network) or an organisation manager (their
own organisation's members) at /cases/members/.

The reset page answers the same whether or not an account has that address (Django's PasswordResetView sends
nothing to an unknown one), and one client address may ask RAMANI_PASSWORD_RESET_LIMIT times an hour."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ramani.orgs import members as org_members
from ramani.web.throttle import client_ip

_reset_form = auth_views.PasswordResetView.as_view(
    template_name="registration/password_reset_form.html",
    email_template_name="registration/password_reset_email.txt",
    subject_template_name="registration/password_reset_subject.txt",
)


def _over_limit(request: HttpRequest) -> bool:
    """Counts this address's reset requests in the hour (each web process its own)."""
    key = f"password-reset:{client_ip(request)}"
    cache.add(key, 0, 3600)
    try:
        return cache.incr(key) > settings.PASSWORD_RESET_LIMIT
    except ValueError:  # expired between add and incr
        cache.set(key, 1, 3600)
        return False


@never_cache
def password_reset(request: HttpRequest) -> HttpResponse:
    if not settings.EMAIL_CONFIGURED:
        return render(request, "registration/password_reset_unavailable.html", {"page": "cases"})
    if request.method == "POST" and _over_limit(request):
        return render(request, "registration/password_reset_throttled.html", {"page": "cases"}, status=429)
    return _reset_form(request)


@login_required
@never_cache
def members(request: HttpRequest) -> HttpResponse:
    """The members one may look after, each with a button for a temporary password."""
    if not org_members.may_manage(request.user):
        raise Http404
    context = {"members": org_members.manageable(request.user), "page": "cases"}
    return render(request, "web/cases/members.html", context)


@login_required
@require_POST
@never_cache
def temporary_password(request: HttpRequest, membership_id: int) -> HttpResponse:
    try:
        member, password = org_members.set_temporary_password(request.user, membership_id)
    except org_members.NotManageable:
        raise Http404 from None
    context = {"member": member, "password": password, "page": "cases"}
    return render(request, "web/cases/temporary_password.html", context)  # never_cache: no-store
