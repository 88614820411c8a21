"""The legal validity rules of mine-site qualification (SPEC §2)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ramani.sites.models import Qualification, Site
from ramani.sites.qualification import add_months, add_years, status_on

D = dt.date


def test_no_decision_means_no_class():
    s = status_on([], D(2024, 1, 1))
    assert s.status == "none" and not s.valid and s.explain() == "no qualification recorded"


def test_a_decision_holds_only_from_its_date():
    decisions = [(D(2020, 5, 1), "vert", 1)]
    assert status_on(decisions, D(2020, 4, 30)).status == "none"
    assert status_on(decisions, D(2020, 5, 1)).status == "vert"


def test_green_is_valid_one_year_then_expires():
    decisions = [(D(2020, 5, 1), "vert", 1)]
    last_day = status_on(decisions, D(2021, 4, 30))
    assert last_day.status == "vert" and last_day.valid and last_day.valid_until == D(2021, 5, 1)
    expired = status_on(decisions, D(2021, 5, 1))
    assert expired.status == "none" and expired.expired and not expired.valid
    assert "expired on 2021-05-01" in expired.explain()


def test_blue_turns_red_automatically_after_three_years():
    decisions = [(D(2023, 3, 15), "bleu", 1)]
    assert status_on(decisions, D(2026, 3, 14)).status == "bleu"
    red = status_on(decisions, D(2026, 3, 15))
    assert red.status == "rouge" and red.automatic and red.since == D(2026, 3, 15) and not red.valid
    assert "became red automatically" in red.explain()


def test_yellow_stands_but_is_due_for_review_after_six_months():
    decisions = [(D(2022, 8, 31), "jaune", 1)]
    early = status_on(decisions, D(2022, 12, 1))
    assert early.status == "jaune" and early.review_due == D(2023, 2, 28) and not early.review_overdue
    late = status_on(decisions, D(2024, 1, 1))
    assert late.status == "jaune" and late.review_overdue and late.valid


def test_red_stands_until_a_new_decision():
    decisions = [(D(2015, 1, 1), "rouge", 1), (D(2019, 6, 1), "vert", 2)]
    assert status_on(decisions, D(2019, 5, 31)).status == "rouge"
    assert status_on(decisions, D(2019, 6, 1)).status == "vert"


def test_a_renewed_green_restarts_its_year():
    decisions = [(D(2020, 1, 10), "vert", 1), (D(2020, 12, 20), "vert", 2)]
    assert status_on(decisions, D(2021, 6, 1)).status == "vert"
    assert status_on(decisions, D(2021, 12, 20)).status == "none"


def test_same_day_decisions_latest_entry_wins():
    decisions = [(D(2021, 1, 1), "vert", 5), (D(2021, 1, 1), "rouge", 9)]
    assert status_on(decisions, D(2021, 2, 1)).status == "rouge"


def test_calendar_edges():
    assert add_years(D(2020, 2, 29), 1) == D(2021, 2, 28)
    assert add_months(D(2023, 8, 31), 6) == D(2024, 2, 29)
    assert add_months(D(2023, 12, 15), 1) == D(2024, 1, 15)


decision = st.tuples(
    st.dates(D(2009, 1, 1), D(2030, 1, 1)),
    st.sampled_from(["vert", "jaune", "rouge", "bleu", "none"]),
    st.integers(1, 10**6),
)


@given(st.lists(decision, max_size=6), st.dates(D(2008, 1, 1), D(2035, 1, 1)))
def test_status_is_always_one_of_the_five_and_consistent(decisions, on):
    s = status_on(decisions, on)
    assert s.status in {"vert", "jaune", "rouge", "bleu", "none"}
    if s.decided_on is not None:
        assert s.decided_on <= on
        assert not any(d[0] > s.decided_on and d[0] <= on for d in decisions)
    if s.status == "bleu":
        assert on < add_years(s.decided_on, 3)
    if s.status == "vert":
        assert on < add_years(s.decided_on, 1)
    assert s.explain()


@pytest.mark.django_db
def test_site_status_on_uses_its_history():
    site = Site.objects.create(pcode="codmine00001", name="Test")
    Qualification.objects.create(site=site, status="bleu", date=D(2023, 3, 15), reference="Répertoire du 15 mars 2023")
    Qualification.objects.create(site=site, status="jaune", date=D(2022, 1, 1))
    assert site.status_on(D(2022, 6, 1)).status == "jaune"
    assert site.status_on(D(2025, 1, 1)).status == "bleu"
    assert site.status_on(D(2026, 3, 15)).status == "rouge"
    # edits are kept in history
    q = site.qualifications.get(status="jaune")
    q.status = "rouge"
    q.save()
    assert q.history.count() == 2
