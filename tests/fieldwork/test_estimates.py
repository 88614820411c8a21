"""Weighted estimates of an imported sample (design weights from `--sample`) on /fieldwork/."""

from __future__ import annotations

import math

import pytest
from django.utils import translation

from ramani.fieldwork import estimates
from tests.fieldwork.test_kobo import page_file, record, run

pytestmark = pytest.mark.django_db


def test_totals_and_shares_by_hand():
    rows = [("A", 2.0, 240.0), ("A", 4.0, 100.0), ("B", 10.0, 50.0)]
    value, se, lonely = estimates.total(rows)
    # stratum A: z = 480, 400 → 2 · (40² + 40²) = 6400; stratum B has one unit
    assert (value, se, lonely) == (1380.0, 80.0, 1)
    ratio, se, lonely = estimates.share([("A", 2.0, 1.0), ("A", 4.0, 1.0), ("B", 10.0, 0.0)])
    assert ratio == pytest.approx(0.375) and se == pytest.approx(0.078125) and lonely == 1
    assert math.isnan(estimates.share([])[0])


def test_unbiased_over_many_equal_weight_samples():
    """With equal weights in one stratum the share is the sample mean and the total N·mean."""
    rows = [("S", 5.0, float(y)) for y in (1, 0, 1, 1)]
    assert estimates.share(rows)[0] == 0.75
    assert estimates.total(rows)[0] == 15.0


@pytest.fixture
def survey(tmp_path, today):
    from ramani.sites.ipis_import import import_ipis
    from tests.conftest import SAMPLE

    import_ipis(SAMPLE, today=today)
    records = [
        record(1, pcode="codmine00312", **{"site/workers_numb": "240", "security/presence": "1"}),
        record(2, pcode="codmine01764", **{"site/workers_numb": "100", "security/presence": "1"}),
        record(3, pcode="codmine02203", **{"site/workers_numb": "50", "security/presence": "0", "armed_groups": []}),
    ]
    sample = tmp_path / "sample.csv"
    sample.write_text(
        "unit_id,stratum,mine_pcodes,inclusion_probability,weight\n"
        "1,A,codmine00312,0.5,2\n2,A,codmine01764;codmine09999,0.25,4\n3,B,codmine02203,0.1,10\n",
        encoding="utf-8",
    )
    r = run("import", "kobo", page_file(tmp_path, records), "--sample", sample)
    assert r.exit_code == 0, r.output


def test_estimates_of_an_imported_sample(survey):
    [s] = estimates.surveys()
    assert (s.source, s.visits, s.strata, s.weight_sum) == ("kobo:page.json", 3, 2, 16.0)
    by = {e.key: e for e in s.estimates}
    assert (by["diggers"].value, by["diggers"].se, by["diggers"].unweighted) == (1380.0, 80.0, 390.0)
    presence = by["presence"]
    assert presence.value == pytest.approx(0.375) and presence.unweighted == pytest.approx(2 / 3)
    assert presence.n == 3 and presence.lonely_strata == 1


def test_the_page_shows_each_estimate_beside_its_definition(client, survey):
    with translation.override("en"):
        page = client.get("/fieldwork/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    row = html[html.index('data-key="presence"') :].split("</tr>")[0]
    assert "38 %" in row and "67 %" in row  # weighted 0.375, unweighted 2/3
    assert "Σ w·y / Σ w" in row
    diggers = html[html.index('data-key="diggers"') :].split("</tr>")[0]
    assert ">1380<" in diggers and "1223–1537" in diggers and "Horvitz–Thompson" in diggers


def test_the_page_without_a_weighted_survey(client, db):
    page = client.get("/fieldwork/")
    assert page.status_code == 200 and "--sample" in page.content.decode()


def test_the_page_is_in_french_by_default(client, survey):
    html = client.get("/fieldwork/").content.decode()
    assert "Sites avec présence armée" in html and "Estimation de Horvitz–Thompson" in html
