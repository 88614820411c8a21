"""Sites linked to the trade points their visits name: by the point's name, by its locality, or through the
gazetteer (both texts resolve to the same place), every link keeping what matched, how and its score."""

from __future__ import annotations

import datetime as dt

import pytest

from ramani.sites.models import Site, Visit, VisitMineral
from ramani.supplychain import links
from ramani.supplychain.models import SiteLink, TradePoint

pytestmark = pytest.mark.django_db


def site(pcode: str, name: str, territoire: str = "Walikale", province: str = "Nord-Kivu") -> Site:
    return Site.objects.create(pcode=pcode, name=name, territoire=territoire, province=province)


def visit(s: Site, day: dt.date, *slots: tuple[str, str, str]) -> Visit:
    v = Visit.objects.create(site=s, key=f"{s.pcode}|{day}", row_hash="x", visit_date=day)
    for n, (mineral, selling, destination) in enumerate(slots, start=1):
        VisitMineral.objects.create(
            visit=v, position=n, mineral=mineral, selling_points=selling, final_destination=destination
        )
    return v


def point(kind: str, name: str, locality: str = "", **extra) -> TradePoint:
    return TradePoint.objects.create(
        kind=kind, key=name, name=name, locality=locality, latitude=-1.4, longitude=28.0, **extra
    )


def test_links_by_name_locality_and_gazetteer():
    a = site("codmine00001", "Bisie")
    b = site("codmine00002", "Omate")
    c = site("codmine00003", "Kalimbi", territoire="Kalehe", province="Sud-Kivu")
    visit(a, dt.date(2022, 5, 1), ("Cassitérite", "Dépôt Mpama, Mubi", "Goma"))
    visit(a, dt.date(2023, 6, 1), ("Coltan", "Depot Mpamma", "Kigali"))
    visit(b, dt.date(2023, 1, 1), ("Or", "territoire de Walikale", ""))
    visit(c, dt.date(2023, 1, 1), ("Or", "Nowhere-ville", "Goma"))
    mpama = point("depot", "Dépôt Mpama", "Ndjingala")
    mubi = point("point_of_sale", "Vente Mubi centre", "Mubi")
    walikale = point("depot", "Comptoir W", "Walikale-centre")
    goma = point("destination", "Comptoir de Goma", "Goma")
    point("destination", "Kigali export", "")  # named only "Kigali export": no rule matches "Kigali"
    point("depot", "Goma depot", "Goma")  # a depot is not a destination: never linked from final_destination

    assert links.rebuild() == 5
    by = {(link.point_id, link.site_id): link for link in SiteLink.objects.all()}
    exact = by[(mpama.id, a.id)]
    assert (exact.method, exact.score, exact.text, exact.matched) == ("name", 100.0, "Dépôt Mpama", "Dépôt Mpama")
    assert exact.visits == 2 and exact.minerals == ["Cassitérite", "Coltan"]  # the typo matched too
    assert exact.last_visit == dt.date(2023, 6, 1)
    assert (by[(mubi.id, a.id)].method, by[(mubi.id, a.id)].role) == ("locality", "selling_points")
    via = by[(walikale.id, b.id)]
    assert (via.method, via.matched, via.score) == ("gazetteer", "Walikale (Nord-Kivu)", 100.0)
    assert {by[(goma.id, s.id)].role for s in (a, c)} == {"final_destination"}
    assert not any(pid == walikale.id and sid == a.id for pid, sid in by)


def test_fuzzy_name_scores_below_100_and_unrelated_text_stays_unlinked():
    a = site("codmine00010", "Bisie")
    visit(a, dt.date(2023, 1, 1), ("Or", "Depot Mpamma", ""), ("Coltan", "Lubumbashi", ""))
    p = point("depot", "Dépôt Mpama")
    assert links.rebuild() == 1
    link = SiteLink.objects.get()
    assert link.point_id == p.id and link.method == "name" and links.FUZZY <= link.score < 100


def test_rebuild_replaces_links_when_points_go():
    a = site("codmine00020", "Bisie")
    visit(a, dt.date(2023, 1, 1), ("Or", "Mubi", ""))
    p = point("depot", "Mubi")
    assert links.rebuild() == 1
    p.delete()
    assert SiteLink.objects.count() == 0 and links.rebuild() == 0


def test_a_visit_import_refreshes_the_links_of_the_sites_it_touched(tmp_path, sample_rows, today):
    """Import visits, change one visit's selling-point text, re-import the file: the link follows the text, and
    the sites the import did not touch keep their links as they were."""
    from ramani.sites.ipis_import import import_ipis
    from tests.conftest import write_table

    mpama = point("depot", "Dépôt Mpama", "Ndjingala")
    mubi = point("point_of_sale", "Vente Mubi centre", "Mubi")
    row = next(i for i, r in enumerate(sample_rows) if r["vid"] == "4410")  # Kalimbi, 2016
    sample_rows[row]["selling_points_mineral1"] = "Depot Mpama"
    import_ipis(write_table(tmp_path / "v1.csv", sample_rows), today=today)
    kalimbi = Site.objects.get(pcode=sample_rows[row]["pcode"])
    first = SiteLink.objects.get(site=kalimbi, role="selling_points")
    assert (first.point_id, first.method, first.text) == (mpama.id, "name", "Depot Mpama")

    other = Site.objects.exclude(pk=kalimbi.pk).first()
    kept = SiteLink.objects.create(
        point=mubi, site=other, role="selling_points", text="kept", method="name", score=100, visits=1
    )
    sample_rows[row]["selling_points_mineral1"] = "Mubi"  # now names a locality, not the depot
    sample_rows[row]["selling_points_mineral2"] = ""
    result = import_ipis(write_table(tmp_path / "v2.csv", sample_rows), today=today)
    assert result.updated == 1
    now = SiteLink.objects.get(site=kalimbi, role="selling_points")
    assert (now.point_id, now.method, now.matched) == (mubi.id, "locality", "Mubi")
    assert SiteLink.objects.filter(pk=kept.pk).exists()  # a site the import did not touch keeps its link
