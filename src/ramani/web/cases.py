"""The partner network's follow-up platform at /cases/: an inbox, an incident page, the verbs, exports.

Every read goes through `Incident.objects.visible_to(user)`; an incident outside the user's scope is
a 404 (a 403 would confirm it exists). Views parse the form, call one workflow verb and render.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ramani.incidents import categories, workflow
from ramani.incidents.models import Incident, Status, Verification
from ramani.opendata.exports import neutralise
from ramani.orgs.models import Organisation, membership_of
from ramani.orgs.roles import ALLOWED, Role, may
from ramani.web.incident_overlay import map_config

PAGE_SIZE = 50
FILTERS = ("status", "category", "province", "organisation", "verification", "published", "q", "since", "until",
           "reply")  # fmt: skip


def _scope(request: HttpRequest):
    membership = membership_of(request.user)
    if membership is None:
        raise Http404  # logged in, but in no organisation of the network: nothing to see
    return membership


def _filtered(request: HttpRequest):
    qs = Incident.objects.visible_to(request.user).select_related("organisation")
    get = request.GET
    if get.get("status") in Status.values:
        qs = qs.filter(status=get["status"])
    if get.get("category") in categories.CODES:
        qs = qs.filter(category=get["category"])
    if get.get("province"):
        qs = qs.filter(province=get["province"][:60])
    if get.get("organisation") == "none":
        qs = qs.filter(organisation__isnull=True)
    elif get.get("organisation"):
        qs = qs.filter(organisation__slug=get["organisation"][:50])
    if get.get("verification") in Verification.values:
        qs = qs.filter(verification=get["verification"])
    if get.get("published") in ("0", "1"):
        qs = qs.filter(published=get["published"] == "1")
    if get.get("q"):
        qs = qs.filter(report_id=get["q"].strip().upper()[:8])
    if get.get("reply") == "1":  # the reporter wrote after the last thing anyone did on it
        from django.db.models import Max

        qs = qs.annotate(last_reply=Max("messages__created"), last_action=Max("actions__at")).filter(
            last_reply__gt=models.F("last_action")
        )
    for name, lookup in (("since", "created__date__gte"), ("until", "created__date__lte")):
        try:
            qs = qs.filter(**{lookup: dt.date.fromisoformat(get.get(name, ""))})
        except ValueError:
            pass
    return qs.order_by("-created", "-id")


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    membership = _scope(request)
    page = Paginator(_filtered(request), PAGE_SIZE).get_page(request.GET.get("page"))
    for incident in page:
        incident.category_label = categories.label(incident.category, request.LANGUAGE_CODE)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page_obj": page,
        "membership": membership,
        "is_admin": membership.role == Role.NETWORK_ADMIN,
        "may_status": may(membership.role, "set_status"),
        "may_members": may(membership.role, "manage_members"),
        "statuses": Status.choices,
        "verifications": Verification.choices,
        "categories": [(code, categories.label(code, request.LANGUAGE_CODE)) for code in categories.CODES],
        "organisations": Organisation.objects.filter(active=True) if membership.role == Role.NETWORK_ADMIN else [],
        "provinces": sorted(
            set(Incident.objects.visible_to(request.user).exclude(province="").values_list("province", flat=True))
        ),
        "filters": {k: request.GET.get(k, "") for k in FILTERS},
        "query": query.urlencode(),
        "page": "cases",
    }
    return render(request, "web/cases/inbox.html", context)


def _incident(request: HttpRequest, report_id: str) -> Incident:
    found = Incident.objects.visible_to(request.user).filter(report_id=report_id.upper()[:8]).first()
    if found is None:
        raise Http404
    return found


@login_required
def incident_page(request: HttpRequest, report_id: str) -> HttpResponse:
    membership = _scope(request)
    incident = _incident(request, report_id)
    actions = list(incident.actions.select_related("actor", "organisation"))
    # a duplicate's report ID is shown only to who may open it (a reassignment can leave it in another organisation)
    named = {a.new.get("duplicate_of") for a in actions} | {a.old.get("duplicate_of") for a in actions}
    if incident.duplicate_of_id:
        named.add(incident.duplicate_of.report_id)
    openable = set(
        Incident.objects.visible_to(request.user)
        .filter(report_id__in=[n for n in named if isinstance(n, str)])
        .values_list("report_id", flat=True)
    )
    for action in actions:
        action.label = workflow.VERB_LABELS.get(action.verb, action.verb)
        action.changes = _changes(action, request.LANGUAGE_CODE, openable)
    timeline = sorted(
        [("action", a.at, a) for a in actions] + [("message", m.created, m) for m in incident.messages.all()],
        key=lambda item: item[1],
    )
    context = {
        "incident": incident,
        "duplicate_openable": incident.duplicate_of_id is not None and incident.duplicate_of.report_id in openable,
        "timeline": timeline,
        "membership": membership,
        "can": {verb: may(membership.role, verb) for verb in ALLOWED},
        "statuses": [(v, label) for v, label in Status.choices if v != Status.NEW],
        "outcomes": [(v, label) for v, label in Verification.choices if v],
        "action_kinds": list(workflow.ACTION_KINDS.items()),
        "categories": [(code, categories.label(code, request.LANGUAGE_CODE)) for code in categories.CODES],
        "organisations": Organisation.objects.filter(active=True),
        "category_label": categories.label(incident.category, request.LANGUAGE_CODE),
        "suggested_sites": _suggested_sites(incident),
        "today": dt.date.today().isoformat(),
        "page": "cases",
    }
    return render(request, "web/cases/incident.html", context)


#: the timeline's words for what an action changed (the model's own labels, and the verbs' other values)
CHANGE_LABELS = {
    **{f.name: f.verbose_name for f in Incident._meta.get_fields() if hasattr(f, "verbose_name")},
    "site_id": gettext_lazy("mining site"),
    "territoire_pcode": gettext_lazy("territoire code"),
    "organisation": gettext_lazy("organisation"),
    "verification": gettext_lazy("verification"),
    "duplicate_of": gettext_lazy("duplicate of"),
    "accepted": gettext_lazy("accepted"),
    "closed": gettext_lazy("closed"),
    "published": gettext_lazy("published"),
    "kind": gettext_lazy("kind of action"),
    "on": gettext_lazy("date"),
}


def _changes(action, language: str, openable: set[str]) -> list[tuple[str, object, object]]:
    """(label, value before or None, value after) for each field an action changed, in the reader's words
    (a duplicate's report ID only when it is in `openable`, the reports the reader may open)."""
    words = {"status": dict(Status.choices), "verification": dict(Verification.choices),
             "kind": dict(workflow.ACTION_KINDS)}  # fmt: skip

    def shown(field: str, value):
        if field == "category" and value:
            return categories.label(value, language)
        if field in ("published", "site_public") and isinstance(value, bool):
            return _("yes") if value else _("no")
        if field == "duplicate_of" and value and value not in openable:
            return _("a report of another organisation")
        return words.get(field, {}).get(value, value)

    return [
        (str(CHANGE_LABELS.get(k, k)), shown(k, action.old[k]) if k in action.old else None, shown(k, v))
        for k, v in action.new.items()
    ]


def _suggested_sites(incident: Incident, limit: int = 5):
    """Mining sites the incident may be about: its resolved place, then the same territoire by name likeness."""
    import difflib

    from ramani.geo.names import normalise
    from ramani.sites.models import Site

    if not incident.territoire:
        return []
    candidates = list(Site.objects.filter(territoire=incident.territoire).only("id", "pcode", "name", "village")[:2000])
    words = normalise(f"{incident.place} {incident.where_text}")

    def likeness(site) -> float:
        return max(difflib.SequenceMatcher(None, words, normalise(n)).ratio() for n in (site.name, site.village or ""))

    return sorted(candidates, key=lambda s: (s.id != incident.site_id, -likeness(s)))[:limit]


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise workflow.WorkflowError(_("Give a date as YYYY-MM-DD.")) from None


class _Clean:
    """The POST values with NUL and other control characters removed (PostgreSQL refuses NUL)."""

    def __init__(self, post):
        self.post = post

    def __contains__(self, name: str) -> bool:
        return name in self.post

    def __getitem__(self, name: str) -> str:
        return _printable(self.post[name])

    def get(self, name: str, default: str = "") -> str:
        return _printable(self.post.get(name, default))


def _printable(value: str) -> str:
    return "".join(c for c in value if c >= " " or c in "\n\t")


BULK_VERBS = {"assign", "set_status"}


def _run(verb: str, incident: Incident, request: HttpRequest):
    post, user = _Clean(request.POST), request.user
    note = post.get("note", "").strip()[:2000]
    if verb == "accept":
        return workflow.accept(incident, user)
    if verb == "verify":
        duplicate = None
        if post.get("duplicate_of"):
            duplicate = Incident.objects.visible_to(user).filter(report_id=post["duplicate_of"].upper()[:8]).first()
        return workflow.verify(incident, user, post.get("outcome", ""), note, duplicate_of=duplicate)
    if verb == "assign":
        organisation = Organisation.objects.filter(slug=post.get("organisation", "")).first()
        if organisation is None and post.get("organisation") != "":
            raise workflow.WorkflowError(_("Unknown organisation."))
        return workflow.assign(incident, user, organisation, note)
    if verb == "correct":
        changes: dict[str, object] = {
            f: post[f].strip() for f in workflow.CORRECTABLE if f in post and f not in ("occurred_on", "site_id")
        }
        if post.get("occurred_on"):
            changes["occurred_on"] = _date(post["occurred_on"])
        if "site_id" in post:
            from ramani.sites.models import Site

            site = Site.objects.filter(pcode=post["site_id"]).first() if post["site_id"] else None
            if post["site_id"] and site is None:
                raise workflow.WorkflowError(_("Unknown mining site."))
            changes["site_id"] = site.id if site else None
        return workflow.correct(incident, user, note, **changes)
    if verb == "note":
        return workflow.add_note(incident, user, note)
    if verb == "record_action":
        return workflow.record_action(incident, user, post.get("kind", ""), _date(post.get("on", "")), note)
    if verb == "set_status":
        return workflow.set_status(incident, user, post.get("status", ""), note)
    if verb == "reopen":
        return workflow.reopen(incident, user, note)
    if verb == "close":
        return workflow.close(incident, user, note)
    if verb == "publish":
        return workflow.publish(incident, user, show_site=post.get("show_site") == "1")
    if verb == "unpublish":
        return workflow.unpublish(incident, user, note)
    if verb == "message_reporter":
        return workflow.message_reporter(incident, user, post.get("text", ""))
    raise Http404


VERBS = {"accept", "verify", "assign", "correct", "note", "record_action", "set_status", "reopen", "close",
         "publish", "unpublish", "message_reporter"}  # fmt: skip


@login_required
def act(request: HttpRequest, report_id: str, verb: str) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _scope(request)
    if verb not in VERBS:
        raise Http404
    incident = _incident(request, report_id)
    try:
        _run(verb, incident, request)
    except workflow.NotVisible:
        raise Http404 from None
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
        return _back(incident)
    messages.success(request, _("Done."))
    return _back(incident)


def _back(incident: Incident) -> HttpResponse:
    """303 See Other back to the incident page (a reload does not post again)."""
    response = redirect("case", report_id=incident.report_id)
    response.status_code = 303
    return response


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """One verb (assign, set_status) on the selected incidents; each goes through the verb, with its own checks."""
    _scope(request)
    ids = [r.upper()[:8] for r in request.POST.getlist("incident")][:500]
    done, refused = 0, 0
    if request.POST.get("verb") not in BULK_VERBS:
        messages.error(request, _("Choose what to do with the selected incidents."))
        response = redirect(reverse("cases") + "?" + request.POST.get("back", "")[:500])
        response.status_code = 303
        return response
    for incident in Incident.objects.visible_to(request.user).filter(report_id__in=ids):
        try:
            _run(request.POST.get("verb", ""), incident, request)
            done += 1
        except (workflow.WorkflowError, Http404):
            refused += 1
    messages.info(request, _("%(done)s done, %(refused)s refused.") % {"done": done, "refused": refused})
    response = redirect(reverse("cases") + "?" + request.POST.get("back", "")[:500])
    response.status_code = 303
    return response


@login_required
def analytics(request: HttpRequest) -> HttpResponse:
    """Counts and delays of the incidents in the user's scope, with the inbox's filters."""
    from ramani.incidents.analytics import figures

    membership = _scope(request)
    try:
        days = min(max(int(request.GET.get("days", "30")), 1), 3650)
    except ValueError:
        days = 30
    found = figures(_filtered(request), older_than_days=days)
    places = _filtered(request).order_by().values_list("province", "territoire").annotate(n=models.Count("id"))
    labels = dict(Status.choices)
    context = {
        "f": found,
        "membership": membership,
        "by_category": [(categories.label(c, request.LANGUAGE_CODE), n) for c, n in found.by_category],
        "by_status": [(labels.get(s, s), n) for s, n in found.by_status],
        "by_territoire": sorted(places, key=lambda row: (-row[2], row[0], row[1])),
        "incident_map": map_config(reverse("cases-territoires") + "?" + request.GET.urlencode()),
        "page": "cases",
    }
    return render(request, "web/cases/analytics.html", context)


@login_required
def analytics_territoires(request: HttpRequest) -> HttpResponse:
    """The incidents of the user's scope (with the inbox's filters) per territoire, as GeoJSON polygons."""
    import json

    from ramani.incidents.territories import aggregate

    _scope(request)
    body = json.dumps(aggregate(_filtered(request)), separators=(",", ":"), ensure_ascii=False)
    return HttpResponse(body, content_type="application/geo+json")  # never cached: urls.private


EXPORT_COLUMNS = ("report_id", "created", "category", "subcategory", "status", "verification", "published",
                  "title", "province", "territoire", "territoire_pcode", "place", "occurred_on", "organisation",
                  "description")  # fmt: skip


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """CSV or XLSX of exactly the incidents the user may see, with the inbox's filters."""
    membership = _scope(request)
    if not may(membership.role, "export"):
        raise Http404
    rows = [
        [
            str(getattr(i, c).slug if c == "organisation" and i.organisation else getattr(i, c) or "")
            for c in EXPORT_COLUMNS
        ]
        for i in _filtered(request)[:100_000]
    ]
    if request.GET.get("format") == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("incidents")
        sheet.append(list(EXPORT_COLUMNS))
        for row in rows:
            sheet.append([neutralise(value, sheet) for value in row])
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = 'attachment; filename="incidents.xlsx"'
        return response
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows([neutralise(value) for value in row] for row in rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="incidents.csv"'
    return response
