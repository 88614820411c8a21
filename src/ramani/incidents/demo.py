"""Synthetic organisations, people and incidents for `ramani demo`, clearly labelled as such.

Every incident's history is made through the workflow verbs (so the audit trail is the real one),
with the verbs' clock set in the past, so that the demo spans two years.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ramani.geo.provinces import pcode_of
from ramani.incidents import categories, workflow
from ramani.incidents.models import Incident
from ramani.orgs.models import Coverage, Membership, Organisation

ROLES = ("network_admin", "manager", "field_officer", "analyst")
WORDS = {
    "violence": ["Wanajeshi walichukua dhahabu ya wachimbaji", "Watu wenye silaha walivamia mgodi usiku"],
    "accident": ["Shimo limeanguka, wachimbaji wawili wameumia", "Maji yamejaa ndani ya shimo"],
    "corruption": ["Wanalipisha kodi isiyo halali kwenye mgodi", "Des agents exigent de l'argent aux creuseurs"],
    "roadblock": ["Kizuizi kipya barabarani, wanalipisha kila mzigo", "Barrière sur la route, 2000 FC par sac"],
    "child_labour": ["Watoto wanafanya kazi ya kuosha mawe", "Des enfants transportent des sacs de minerai"],
    "environment": ["Zebaki inamwagwa mtoni", "La rivière est polluée par le lavage"],
    "industrial": ["Mgogoro kati ya kampuni na wachimbaji", "Expulsion des creuseurs par une société"],
    "other": ["Hali ni ngumu mgodini", "Problème au site minier"],
}
TITLES = {  # the public one-line title, written in the reporter's language (fr, en, sw) as an officer would
    "violence": {"fr": "Des hommes armés ont pris l'or des creuseurs", "en": "Armed men took miners' gold",
                 "sw": "Watu wenye silaha walichukua dhahabu ya wachimbaji"},
    "accident": {"fr": "Un puits s'est effondré, des creuseurs blessés", "en": "A pit collapsed and injured diggers",
                 "sw": "Shimo limeanguka na kuwaumiza wachimbaji"},
    "corruption": {"fr": "Taxes illégales exigées des creuseurs", "en": "Illegal taxes asked of diggers",
                   "sw": "Kodi zisizo halali zinadaiwa kwa wachimbaji"},
    "roadblock": {"fr": "Une nouvelle barrière taxe chaque charge", "en": "A new roadblock taxes every load",
                  "sw": "Kizuizi kipya kinatoza kila mzigo"},
    "child_labour": {"fr": "Des enfants travaillent sur le site", "en": "Children seen working at the site",
                     "sw": "Watoto wanaonekana wakifanya kazi mgodini"},
    "environment": {"fr": "Du mercure déversé dans la rivière", "en": "Mercury poured into the river",
                    "sw": "Zebaki inamwagwa mtoni"},
    "industrial": {"fr": "Conflit entre une société et des creuseurs", "en": "Dispute between a company and diggers",
                   "sw": "Mgogoro kati ya kampuni na wachimbaji"},
    "other": {"fr": "Difficultés sur le site minier", "en": "Difficulties at the mining site",
              "sw": "Matatizo kwenye mgodi"},
}  # fmt: skip


@dataclass
class Loaded:
    organisations: int = 0
    incidents: int = 0
    credentials: dict[str, str] = field(default_factory=dict)  # new users only: shown once, never stored in clear


def _organisations(provinces: list[str]) -> tuple[Organisation, list[Organisation]]:
    admin, _ = Organisation.objects.get_or_create(
        slug="demo-network",
        defaults={
            "name": "Demo network administrator (synthetic)",
            "short_name": "DEMO-NET",
            "kind": "network_administrator",
            "synthetic": True,
        },  # fmt: skip
    )
    partners = []
    for province in provinces:
        pcode = pcode_of(province)
        if not pcode:
            continue
        partner, _ = Organisation.objects.get_or_create(
            slug=f"demo-cso-{pcode.lower()}",
            defaults={"name": f"Demo CSO {province} (synthetic)", "short_name": f"CSO-{pcode}", "synthetic": True},
        )
        Coverage.objects.get_or_create(organisation=partner, pcode=pcode)
        partners.append(partner)
    return admin, partners


def _people(admin: Organisation, partner: Organisation, loaded: Loaded) -> dict[str, object]:
    User = get_user_model()
    people = {}
    for role in ROLES:
        username = f"demo-{role.replace('_', '-')}"
        user = User.objects.filter(username=username).first()
        if user is None:
            password = secrets.token_urlsafe(12)
            user = User.objects.create_user(username, password=password)
            loaded.credentials[username] = password
        Membership.objects.update_or_create(
            user=user, defaults={"organisation": admin if role == "network_admin" else partner, "role": role}
        )
        people[role] = user
    return people


def load(count: int, seed: int = 1, today: dt.date | None = None) -> Loaded:
    """Organisations covering the demo's provinces, one person per role, `count` incidents over two years."""
    from ramani.sites.models import Site
    from ramani.sms.models import Channel

    loaded = Loaded()
    sites = list(Site.objects.filter(synthetic=True).exclude(province="").values_list("id", "name", "province",
                                                                                        "territoire"))  # fmt: skip
    if not sites:
        return loaded
    provinces = sorted({s[2] for s in sites})
    with transaction.atomic():
        admin, partners = _organisations(provinces)
        loaded.organisations = 1 + len(partners)
        main = next((p for p in partners if "Sud-Kivu" in p.name), partners[0])
        people = _people(admin, main, loaded)
    if Incident.objects.filter(synthetic=True).exists():
        return loaded  # made once: the audit trail is append-only
    by_org = {p.pk: p for p in partners}
    staff = {}
    for partner in partners:  # a field officer and a manager in every partner, for the verbs
        if partner == main:
            staff[partner.pk] = (people["field_officer"], people["manager"])
            continue
        officer = get_user_model().objects.get_or_create(username=f"demo-officer-{partner.slug[9:]}")[0]
        manager = get_user_model().objects.get_or_create(username=f"demo-manager-{partner.slug[9:]}")[0]
        for user, role in ((officer, "field_officer"), (manager, "manager")):
            user.set_unusable_password()
            user.save()
            Membership.objects.update_or_create(user=user, defaults={"organisation": partner, "role": role})
        staff[partner.pk] = (officer, manager)
    rng = random.Random(seed)
    today = today or timezone.localdate()
    channel = Channel.objects.filter(slug="demo").first()
    for n in range(count):
        site_id, name, province, territoire = rng.choice(sites)
        category = rng.choice(categories.CODES)
        days_ago = rng.randint(1, 730)
        received = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(8)))
        moments = _moments(received, rng)
        with transaction.atomic(), workflow.clock(lambda: next(moments)):
            incident = Incident.objects.create(
                category=category, language=rng.choice(["sw", "sw", "sw", "fr", "en"]), province=province,
                territoire=territoire, place=name, site_id=site_id, description=rng.choice(WORDS[category]),
                occurred_on=today - dt.timedelta(days=days_ago + rng.randint(0, 3)),
                reporter_hash=f"demo{n:060d}", channel=channel, synthetic=True,
            )  # fmt: skip
            Incident.objects.filter(pk=incident.pk).update(created=received)
            incident = workflow.receive(incident)
            _history(incident, rng, staff.get(incident.organisation_id), people["network_admin"], by_org)
        loaded.incidents += 1
    return loaded


def _history(incident: Incident, rng: random.Random, staff, network_admin, by_org) -> None:
    if staff is None:  # in triage: the administrator assigns most of them
        if rng.random() < 0.3 or not by_org:
            return
        incident = workflow.assign(incident, network_admin, rng.choice(list(by_org.values())))
        return
    officer, manager = staff
    if rng.random() < 0.1:
        return  # just arrived
    workflow.accept(incident, officer)
    roll = rng.random()
    if roll < 0.1:
        workflow.verify(incident, officer, rng.choice(["not_confirmed", "spam"]), "synthetic check")
        return
    if roll < 0.2:
        return  # being checked
    workflow.verify(incident, officer, "confirmed", "confirmed by a visit (synthetic)")
    titles = TITLES[incident.category]
    workflow.correct(incident, officer, title=titles.get(incident.language, titles["fr"]))
    for _ in range(rng.randint(0, 2)):
        workflow.record_action(incident, officer, rng.choice(list(workflow.ACTION_KINDS)),
                               incident.occurred_on or timezone.localdate(), "synthetic action")  # fmt: skip
    workflow.set_status(incident, officer, rng.choice(["monitoring", "resolved", "persistent", "unresolved"]))
    if rng.random() < 0.5:
        workflow.publish(incident, manager, show_site=incident.site_id is not None and rng.random() < 0.5)


def _moments(received: dt.datetime, rng: random.Random):
    """The demo's clock for one incident: receipt, then each step some hours to days later (never after now)."""
    at = received
    while True:
        yield at
        at = min(at + dt.timedelta(hours=rng.randint(2, 24 * 10)), timezone.now())
