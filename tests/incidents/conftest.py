"""Two partner organisations, a network administrator, and incidents in each scope (RapidPro's habit:
every view is also tried by the people who must NOT see it)."""

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model

from ramani.geo.models import AdminUnit
from ramani.incidents import workflow
from ramani.incidents.models import Incident
from ramani.orgs.models import Coverage, Membership, Organisation
from ramani.sms import anonymity
from ramani.sms.models import Channel, Inbound

REPORTER = "+243 997 100 050"


@dataclass
class Network:
    admin: object
    alpha_officer: object
    alpha_manager: object
    alpha_analyst: object
    beta_officer: object
    alpha: Organisation
    beta: Organisation
    channel: Channel
    in_alpha: Incident
    in_beta: Incident
    in_triage: Incident

    def users(self):
        return {
            "admin": self.admin,
            "alpha_officer": self.alpha_officer,
            "alpha_manager": self.alpha_manager,
            "alpha_analyst": self.alpha_analyst,
            "beta_officer": self.beta_officer,
        }


def person(username, organisation, role):
    user = get_user_model().objects.create_user(username, password="a long passphrase 12")
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def report(channel, territoire, province, description="Askari walichukua dhahabu", sender=REPORTER):
    sender = anonymity.normalise(sender)
    sender_hash = anonymity.phone_hash(sender)
    Inbound.objects.create(channel=channel, sealed_request="x", status="processed", sender_hash=sender_hash,
                           sender_sealed=anonymity.seal(sender))  # fmt: skip
    incident = Incident.objects.create(category="violence", territoire=territoire, province=province,
                                       description=description, reporter_hash=sender_hash, channel=channel)  # fmt: skip
    return workflow.receive(incident)


@pytest.fixture
def network(db):
    for pcode, level, name, parent in (("CD62", 1, "Sud-Kivu", ""), ("CD6204", 2, "Kalehe", "CD62"),
                                       ("CD61", 1, "Nord-Kivu", ""), ("CD6104", 2, "Masisi", "CD61"),
                                       ("CD6202", 2, "Fizi", "CD62")):  # fmt: skip
        AdminUnit.objects.create(pcode=pcode, level=level, name=name, parent_pcode=parent)
    cegemi = Organisation.objects.create(slug="cegemi", name="CEGEMI", kind="network_administrator")
    alpha = Organisation.objects.create(slug="alpha", name="Alpha CSO")
    beta = Organisation.objects.create(slug="beta", name="Beta CSO")
    Coverage.objects.create(organisation=alpha, pcode="CD6204")
    Coverage.objects.create(organisation=beta, pcode="CD61")
    channel = Channel.objects.create(slug="kan", kind="kannel", settings={"key": "k", "url": "http://127.0.0.1:9"})
    return Network(
        admin=person("admin1", cegemi, "network_admin"),
        alpha_officer=person("alpha_officer", alpha, "field_officer"),
        alpha_manager=person("alpha_manager", alpha, "manager"),
        alpha_analyst=person("alpha_analyst", alpha, "analyst"),
        beta_officer=person("beta_officer", beta, "field_officer"),
        alpha=alpha,
        beta=beta,
        channel=channel,
        in_alpha=report(channel, "Kalehe", "Sud-Kivu"),
        in_beta=report(channel, "Masisi", "Nord-Kivu", sender="+243 997 100 051"),
        in_triage=report(channel, "", "", sender="+243 997 100 052"),
    )


@pytest.fixture(autouse=True)
def english():
    """Messages in English here (French is the default language)."""
    from django.utils import translation

    with translation.override("en"):
        yield
