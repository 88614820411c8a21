"""The incident's timeline says what changed in the reader's words: field labels and values, never raw names."""

import re

import pytest

from ramani.incidents import workflow

pytestmark = pytest.mark.django_db


def test_the_timeline_shows_translated_labels_and_values(client, network):
    incident = network.in_alpha
    workflow.verify(incident, network.alpha_officer, "confirmed")
    workflow.correct(incident, network.alpha_officer, title="Soldiers taxed diggers", category="corruption")
    workflow.record_action(incident, network.alpha_officer, "mediation", incident.created.date(), "met them")
    workflow.set_status(incident, network.alpha_officer, "monitoring")
    client.force_login(network.alpha_officer)
    client.get("/lang/en/?next=/")
    english = client.get(f"/cases/{incident.report_id}/").content.decode()
    timeline = english.split('<ol class="timeline">')[1].split("</ol>")[0]
    for shown in ("verification: Not verified yet → Confirmed", "public title: — → Soldiers taxed diggers",
                  "category: Violence or theft → Corruption or fraud", "Mediation with a company or cooperative",
                  "status: Received → Being monitored", "territoire code: CD6204"):  # fmt: skip
        assert shown in timeline, shown
    for raw in (r"(?<!public )title:", "territoire_pcode", "site_id", "monitoring", "mediation:", "kind:"):
        assert not re.search(raw, timeline), raw
    client.get("/lang/fr/?next=/")
    french = client.get(f"/cases/{incident.report_id}/").content.decode()
    assert "Corruption ou fraude" in french.split('<ol class="timeline">')[1] and "En suivi" in french
