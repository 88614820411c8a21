"""Getting back into one's account: a reset link by e-mail when e-mail is configured (RAMANI_EMAIL_HOST), else a
temporary password set by a network administrator (anyone in the network) or an organisation manager (their
own organisation's members) at /cases/members/.

The reset page answers the same whether or not an account has that address (Django's PasswordResetView sends
nothing to an unknown one), and one client address may ask RAMANI_PASSWORD_RESET_LIMIT times an hour."""

from __future__ import annotations

import hashlib
import logging
import threading

from django import db
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ramani.orgs import members as org_members
from ramani.web.throttle import client_ip

log = logging.getLogger("ramani.accounts")


class _MailLater(PasswordResetForm):
    """Sends the reset mail after the answer, on a thread of its own: answering only once the mail server has
    replied would tell by the time taken that an account has that address (and hold a worker for as long as a
    slow server takes). The answer is the same either way."""

    def send_mail(self, *args, **kwargs) -> None:
        send = super().send_mail

        def run() -> None:
            try:
                send(*args, **kwargs)
            except Exception:  # the mail server's error: logged without the address, the user asks again
                log.warning("a password-reset mail could not be sent", exc_info=False)
            finally:
                db.connections.close_all()

        thread = threading.Thread(target=run, name="password-reset-mail", daemon=True)
        PENDING[:] = [t for t in PENDING if t.is_alive()] + [thread]
        thread.start()


#: threads still sending (tests join them); finished ones are dropped as new ones start
PENDING: list[threading.Thread] = []

_reset_form = auth_views.PasswordResetView.as_view(
    form_class=_MailLater,
    template_name="registration/password_reset_form.html",
    email_template_name="registration/password_reset_email.txt",
    subject_template_name="registration/password_reset_subject.txt",
)


def _counted(key: str) -> int:
    cache.add(key, 0, 3600)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, 3600)
        return 1


def _over_limit(request: HttpRequest) -> bool:
    """Counts the reset requests of this client address, and those for this e-mail address (from any client), in
    the hour (each web process its own count)."""
    by_client = _counted(f"password-reset:{client_ip(request)}")
    email = request.POST.get("email", "").strip().lower()
    target = hashlib.sha256(email.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    for_address = _counted(f"password-reset-to:{target}") if email else 0
    return max(by_client, for_address) > settings.PASSWORD_RESET_LIMIT


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
