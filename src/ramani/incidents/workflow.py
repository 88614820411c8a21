"""The life of an incident as domain verbs.

Each verb checks that the person may use it on this incident (ramani.orgs.roles.ALLOWED, within
`Incident.objects.visible_to`), checks that the transition is legal, changes the incident and writes
its IncidentAction in the same transaction. Views only parse and call these.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ramani.incidents import assignment, categories
from ramani.incidents.models import Incident, IncidentAction, Status, Verification
from ramani.orgs.models import Organisation, membership_of
from ramani.orgs.roles import may


class WorkflowError(Exception):
    """A verb refused: the reason, in words a user can act on."""


class NotVisible(WorkflowError):
    """The incident is outside the person's scope (answered as if it did not exist)."""


ACTION_KINDS = {
    "sensitisation": gettext_lazy("Sensitisation"),
    "mediation": gettext_lazy("Mediation with a company or cooperative"),
    "referral": gettext_lazy("Referral to the authorities"),
    "child_labour_prevention": gettext_lazy("Child-labour prevention"),
    "advocacy": gettext_lazy("Advocacy"),
    "other": gettext_lazy("Other"),
}
VERB_LABELS = {
    "receive": gettext_lazy("Received and assigned by place"),
    "assign": gettext_lazy("Assigned"),
    "accept": gettext_lazy("Accepted"),
    "verify": gettext_lazy("Verified"),
    "correct": gettext_lazy("Corrected"),
    "note": gettext_lazy("Note"),
    "record_action": gettext_lazy("Action taken"),
    "set_status": gettext_lazy("Status changed"),
    "reopen": gettext_lazy("Reopened"),
    "close": gettext_lazy("Closed as not actionable"),
    "publish": gettext_lazy("Published"),
    "unpublish": gettext_lazy("Unpublished"),
    "message_reporter": gettext_lazy("Message to the reporter"),
}
CORRECTABLE = (
    "category",
    "subcategory",
    "province",
    "territoire",
    "collectivite",
    "groupement",
    "place",
    "occurred_on",
    "site_id",
    "title",
)
MESSAGE_LIMIT = 300
MESSAGES_PER_DAY = 3  # per incident: a reporter in danger must not be flooded
# the site too: a published incident is listed on its site's public page and card
PUBLIC_FIELDS = {"title", "category", "subcategory", "province", "territoire", "occurred_on", "site_id"}


@dataclass(frozen=True)
class Actor:
    user: object | None  # None: the system (receipt, automatic assignment)
    organisation: Organisation | None
    role: str | None


def actor_of(user) -> Actor:
    membership = membership_of(user)
    if membership is None:
        return Actor(user, None, None)
    return Actor(user, membership.organisation, membership.role)


SYSTEM = Actor(None, None, None)
_clock = timezone.now


def now() -> dt.datetime:
    """The time the verbs write (the demo moves it back to spread its synthetic histories over two years)."""
    return _clock()


@contextlib.contextmanager
def clock(fn):
    """Run the verbs with another clock (only `ramani demo` does)."""
    global _clock
    previous, _clock = _clock, fn
    try:
        yield
    finally:
        _clock = previous


def _value(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Organisation):
        return value.slug
    return value


def _record(incident: Incident, actor: Actor, verb: str, old: dict, new: dict, note: str = "") -> IncidentAction:
    return IncidentAction.objects.create(
        incident=incident,
        at=now(),
        actor=actor.user if actor.user is not None and getattr(actor.user, "pk", None) else None,
        organisation=actor.organisation,
        verb=verb,
        old={k: _value(v) for k, v in old.items()},
        new={k: _value(v) for k, v in new.items()},
        note=note,
    )


def _locked(incident: Incident, actor: Actor, verb: str) -> Incident:
    """The incident, re-read under a row lock, once the actor may use `verb` on it.

    Visibility is checked by the locking query itself: a reassignment committed while we waited for the
    lock takes the incident out of the actor's scope (PostgreSQL re-checks the row it locked)."""
    if actor is SYSTEM:
        return Incident.objects.select_for_update().get(pk=incident.pk)
    locked = Incident.objects.visible_to(actor.user).select_for_update().filter(pk=incident.pk).first()
    if locked is None:
        raise NotVisible(_("No such incident."))
    if not may(actor.role, verb):
        raise WorkflowError(_("Your role does not allow this."))
    return locked


def _open(incident: Incident) -> None:
    if incident.closed is not None:
        raise WorkflowError(_("This incident is closed: reopen it first."))


@transaction.atomic
def receive(incident: Incident) -> Incident:
    """A new report: its place's pcode, then the organisation covering it (or the triage queue)."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    incident.territoire_pcode = assignment.territoire_pcode(incident.province, incident.territoire, incident.site_id)
    province_pcode = assignment.province_pcode(incident.province, incident.territoire_pcode)
    organisation = assignment.responsible(incident.category, incident.territoire_pcode, province_pcode)
    incident.organisation = organisation
    incident.save(update_fields=["territoire_pcode", "organisation", "updated"])
    _record(
        incident, SYSTEM, "receive", {}, {"organisation": organisation, "territoire_pcode": incident.territoire_pcode}
    )
    return incident


@transaction.atomic
def assign(incident: Incident, by, organisation: Organisation | None, note: str = "") -> Incident:
    actor = actor_of(by)
    incident = _locked(incident, actor, "assign")
    _open(incident)
    if organisation is not None and not organisation.active:
        raise WorkflowError(_("This organisation is not active."))
    old = {"organisation": incident.organisation}
    incident.organisation, incident.accepted = organisation, None
    incident.save(update_fields=["organisation", "accepted", "updated"])
    _record(incident, actor, "assign", old, {"organisation": organisation}, note)
    return incident


@transaction.atomic
def accept(incident: Incident, by) -> Incident:
    actor = actor_of(by)
    incident = _locked(incident, actor, "accept")
    _open(incident)
    if incident.organisation is None:
        raise WorkflowError(_("Assign the incident to an organisation first."))
    if incident.accepted is not None:
        raise WorkflowError(_("This incident was accepted already."))
    incident.accepted = now()
    incident.save(update_fields=["accepted", "updated"])
    _record(incident, actor, "accept", {}, {"accepted": incident.accepted})
    return incident


@transaction.atomic
def verify(incident: Incident, by, outcome: str, note: str = "", duplicate_of: Incident | None = None) -> Incident:
    """Fact-checked: confirmed, not confirmed, a duplicate of another report (merged into it), or spam."""
    actor = actor_of(by)
    incident = _locked(incident, actor, "verify")
    _open(incident)
    if outcome not in Verification.values or outcome == Verification.PENDING:
        raise WorkflowError(_("Unknown verification outcome."))
    if incident.organisation is None:
        raise WorkflowError(_("Assign the incident to an organisation first."))
    if (
        outcome != Verification.CONFIRMED
        and incident.published
        and actor is not SYSTEM
        and not may(actor.role, "unpublish")
    ):
        raise WorkflowError(_("This incident is public: a manager must unpublish it first."))
    old: dict = {"verification": incident.verification}
    new: dict = {"verification": outcome}
    incident.verification, incident.verified = outcome, now()
    fields = ["verification", "verified", "updated"]
    if outcome == Verification.DUPLICATE:
        if duplicate_of is None or duplicate_of.pk == incident.pk:
            raise WorkflowError(_("Say which report this one duplicates."))
        if actor is not SYSTEM and not Incident.objects.visible_to(actor.user).filter(pk=duplicate_of.pk).exists():
            raise WorkflowError(_("Say which report this one duplicates."))
        if duplicate_of.organisation_id != incident.organisation_id:  # or each would name the other's case
            raise WorkflowError(
                _("A report can duplicate only a report of the same organisation: reassign one of them first.")
            )
        incident.duplicate_of = duplicate_of
        new["duplicate_of"] = duplicate_of.report_id
        fields.append("duplicate_of")
    if outcome != Verification.CONFIRMED:  # nothing left to act on: closed, and never public
        if incident.published:
            old["published"], new["published"] = True, False
        incident.closed, incident.published, incident.site_public = now(), False, False
        fields += ["closed", "published", "site_public"]
    incident.save(update_fields=fields)
    _record(incident, actor, "verify", old, new, note)
    return incident


@transaction.atomic
def correct(incident: Incident, by, note: str = "", **changes) -> Incident:
    """Correct what the report says (the reporter's own words are kept as they were, beside it)."""
    actor = actor_of(by)
    incident = _locked(incident, actor, "correct")
    _open(incident)
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise WorkflowError(_("These fields cannot be corrected: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    if "category" in changes and changes["category"] not in categories.CODES:
        raise WorkflowError(_("Unknown category."))
    for name, value in changes.items():
        limit = getattr(Incident._meta.get_field(name if name != "site_id" else "site"), "max_length", None)
        if limit and isinstance(value, str) and len(value) > limit:
            raise WorkflowError(_("%(field)s has at most %(n)s characters.") % {"field": name, "n": limit})
    category = changes.get("category", incident.category)
    if changes.get("subcategory") and changes["subcategory"] not in categories.subcategories(category):
        raise WorkflowError(_("Unknown subcategory for this category."))
    old, new = {}, {}
    for field, value in changes.items():
        if getattr(incident, field) != value:
            old[field], new[field] = getattr(incident, field), value
            setattr(incident, field, value)
    if not new:
        raise WorkflowError(_("Nothing was changed."))
    if incident.published and set(new) & PUBLIC_FIELDS and not may(actor.role, "publish"):
        # what the public sees changes only by the hand of someone who may publish
        raise WorkflowError(_("This incident is public: only a manager may correct what the public sees."))
    if "site_id" in new and incident.site_public:  # listed on the old site's page: the new one is not chosen yet
        old["site_public"], new["site_public"] = True, False
        incident.site_public = False
    if {"province", "territoire", "site_id"} & set(new):
        incident.territoire_pcode = assignment.territoire_pcode(
            incident.province, incident.territoire, incident.site_id
        )
        new["territoire_pcode"] = incident.territoire_pcode
    incident.save()
    _record(incident, actor, "correct", old, new, note)
    return incident


@transaction.atomic
def add_note(incident: Incident, by, text: str) -> IncidentAction:
    actor = actor_of(by)
    incident = _locked(incident, actor, "note")
    if not text.strip():
        raise WorkflowError(_("Write the note."))
    return _record(incident, actor, "note", {}, {}, text.strip())


@transaction.atomic
def record_action(incident: Incident, by, kind: str, on: dt.date, text: str) -> IncidentAction:
    """An action taken about the incident (sensitisation, mediation …), with its date."""
    actor = actor_of(by)
    incident = _locked(incident, actor, "record_action")
    _open(incident)
    if kind not in ACTION_KINDS:
        raise WorkflowError(_("Unknown kind of action."))
    if on > now().date():
        raise WorkflowError(_("An action taken cannot be in the future."))
    return _record(incident, actor, "record_action", {}, {"kind": kind, "on": on}, text.strip())


@transaction.atomic
def set_status(incident: Incident, by, status: str, note: str = "") -> Incident:
    actor = actor_of(by)
    incident = _locked(incident, actor, "set_status")
    _open(incident)
    if status not in Status.values or status == Status.NEW:
        raise WorkflowError(_("Unknown status."))
    if incident.verification != Verification.CONFIRMED:
        raise WorkflowError(_("Verify the incident before following it up."))
    if status == incident.status:
        raise WorkflowError(_("The incident has this status already."))
    old = {"status": incident.status}
    incident.status = status
    incident.resolved = now() if status == Status.RESOLVED else None
    incident.save(update_fields=["status", "resolved", "updated"])
    _record(incident, actor, "set_status", old, {"status": status}, note)
    return incident


@transaction.atomic
def reopen(incident: Incident, by, note: str = "") -> Incident:
    actor = actor_of(by)
    incident = _locked(incident, actor, "reopen")
    if incident.closed is None and incident.status != Status.RESOLVED:
        raise WorkflowError(_("Only a closed or resolved incident can be reopened."))
    old = {"closed": incident.closed, "status": incident.status, "verification": incident.verification}
    incident.closed, incident.resolved = None, None
    if incident.status == Status.RESOLVED:
        incident.status = Status.MONITORING
    if incident.verification != Verification.CONFIRMED:
        incident.verification, incident.duplicate_of = Verification.PENDING, None
    incident.save()
    _record(incident, actor, "reopen", old, {"status": incident.status, "verification": incident.verification}, note)
    return incident


@transaction.atomic
def close(incident: Incident, by, note: str) -> Incident:
    """Close as not actionable (the note says why)."""
    actor = actor_of(by)
    incident = _locked(incident, actor, "close")
    _open(incident)
    if not note.strip():
        raise WorkflowError(_("Say why the incident is closed."))
    closed = now()
    old: dict = {}
    new: dict = {"closed": closed}
    if incident.published:
        old["published"], new["published"] = True, False
    incident.closed, incident.published, incident.site_public = closed, False, False
    incident.save(update_fields=["closed", "published", "site_public", "updated"])
    _record(incident, actor, "close", old, new, note.strip())
    return incident


@transaction.atomic
def publish(incident: Incident, by, show_site: bool = False) -> Incident:
    """Make the incident public (province, territoire, date, title, category, status; nothing else).

    With `show_site`, its mining site's page lists it as well: the manager's deliberate choice, as a mine says more
    precisely where it happened (and so, perhaps, who saw it) than the territoire."""
    actor = actor_of(by)
    incident = _locked(incident, actor, "publish")
    _open(incident)
    if incident.verification != Verification.CONFIRMED:
        raise WorkflowError(_("Only a confirmed incident can be published."))
    if not incident.title.strip():
        raise WorkflowError(_("Give the incident a public title first."))
    if incident.published:
        raise WorkflowError(_("The incident is published already."))
    if show_site and incident.site_id is None:
        raise WorkflowError(_("The incident has no mining site to show it on."))
    incident.published, incident.published_on, incident.site_public = True, now(), show_site
    incident.save(update_fields=["published", "published_on", "site_public", "updated"])
    new = {"published": True, **({"site_public": True} if show_site else {})}
    _record(incident, actor, "publish", {"published": False}, new)
    return incident


@transaction.atomic
def unpublish(incident: Incident, by, note: str = "") -> Incident:
    actor = actor_of(by)
    incident = _locked(incident, actor, "unpublish")
    if not incident.published:
        raise WorkflowError(_("The incident is not published."))
    incident.published, incident.site_public = False, False
    incident.save(update_fields=["published", "site_public", "updated"])
    _record(incident, actor, "unpublish", {"published": True}, {"published": False}, note)
    return incident


@transaction.atomic
def message_reporter(incident: Incident, by, text: str) -> IncidentAction:
    """Send the reporter one SMS through the channel the report came in on, without anyone seeing the number.

    Refused past retention (counted from this report's last contact) and after the reporter sent STOP. Their answer
    threads onto the incident, or starts with its ID when they were writing about another report (sms.reporter)."""
    from ramani.sms import reporter, store

    actor = actor_of(by)
    if incident.channel_id and incident.reporter_hash:  # before the row lock (see store.hold_sender)
        store.hold_sender(incident.channel_id, incident.reporter_hash)
    incident = _locked(incident, actor, "message_reporter")
    _open(incident)
    since = now() - dt.timedelta(days=1)
    if incident.actions.filter(verb="message_reporter", at__gte=since).count() >= MESSAGES_PER_DAY:
        raise WorkflowError(_("At most %(n)s messages a day to one reporter.") % {"n": MESSAGES_PER_DAY})
    text = " ".join(text.split())
    if not text:
        raise WorkflowError(_("Write the message."))
    if len(text) > MESSAGE_LIMIT:
        raise WorkflowError(_("A message has at most %(n)s characters.") % {"n": MESSAGE_LIMIT})
    sent = reporter.send(incident, f"Kufatilia {incident.report_id}: {text}")
    if sent is reporter.Sent.ERASED:
        raise WorkflowError(
            _("The reporter's number was erased after the retention period: no message can be sent any more.")
        )
    if sent is reporter.Sent.OPTED_OUT:
        raise WorkflowError(
            _("The reporter sent STOP: nothing can be sent to them until they write to the service again.")
        )
    if sent is reporter.Sent.NO_PUSH:
        raise WorkflowError(_("This channel can only answer the reporter's own messages: no message can be sent."))
    return _record(incident, actor, "message_reporter", {}, {}, text)
