"""`ramani demo` fills the platform through the workflow verbs, and says it is synthetic."""

import pytest
from click.testing import CliRunner

from ramani.cli import main
from ramani.incidents import demo
from ramani.incidents.models import Incident, IncidentAction
from ramani.orgs.models import Membership, Organisation

pytestmark = pytest.mark.django_db


def test_demo_makes_a_network_and_incident_histories():
    first = CliRunner().invoke(main, ["demo", "--sites", "90", "--seed", "3", "--incidents", "60"])
    assert first.exit_code == 0, first.output
    assert Incident.objects.filter(synthetic=True).count() == 60
    assert Organisation.objects.filter(synthetic=True).count() >= 2
    assert set(Membership.objects.values_list("role", flat=True)) == {"network_admin", "manager", "field_officer",
                                                                      "analyst"}  # fmt: skip
    assert first.output.count("demo login (shown once)") == 4
    # the histories are the verbs' own audit rows, in order, and every published incident is confirmed with a title
    for incident in Incident.objects.filter(published=True):
        assert incident.verification == "confirmed" and incident.title
        verbs = list(incident.actions.values_list("verb", flat=True))
        assert verbs[0] == "receive" and "publish" in verbs and verbs.index("verify") < verbs.index("publish")
        assert incident.title == demo.TITLES[incident.category][incident.language]  # in the reporter's language
    titled = Incident.objects.exclude(title="").values_list("language", flat=True).distinct()
    assert set(titled) == {"fr", "en", "sw"}
    assert IncidentAction.objects.filter(verb="receive").count() == 60
    span = Incident.objects.order_by("created").values_list("created", flat=True)
    assert (span.last() - span.first()).days > 180  # spread over the last two years
    again = CliRunner().invoke(main, ["demo", "--sites", "90", "--seed", "3", "--incidents", "60"])
    assert again.exit_code == 0 and "shown once" not in again.output  # passwords are never shown twice
    assert Incident.objects.filter(synthetic=True).count() == 60
