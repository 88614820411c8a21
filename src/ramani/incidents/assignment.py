"""Which organisation answers for an incident: the one whose coverage holds its territoire.

A territoire-level coverage beats a province-level one (the most specific wins); a tie, or a place
no one covers, goes to the network administrator's triage queue (None)."""

from __future__ import annotations

from ramani.geo.names import normalise


def territoire_pcode(province: str, territoire: str, site_id: int | None) -> str:
    """The admin-2 pcode of an incident's place: the mine's, else the territoire's name in its province."""
    from ramani.geo.models import AdminUnit
    from ramani.sites.models import Site

    if site_id is not None:
        found = Site.objects.filter(id=site_id).values_list("adm2_pcode", flat=True).first()
        if found:
            return found
    if not territoire:
        return ""
    wanted, in_province = normalise(territoire), normalise(province)
    provinces = {u.pcode: u for u in AdminUnit.objects.filter(level=1)}
    for unit in AdminUnit.objects.filter(level=2):
        if wanted in {normalise(n) for n in unit.names()}:
            parent = provinces.get(unit.parent_pcode)
            if not province or parent is None or in_province in {normalise(n) for n in parent.names()}:
                return unit.pcode
    return ""


def province_pcode(province: str, territoire_pcode: str) -> str:
    from ramani.geo.models import AdminUnit

    if territoire_pcode:
        parent = AdminUnit.objects.filter(pcode=territoire_pcode).values_list("parent_pcode", flat=True).first()
        if parent:
            return parent
    wanted = normalise(province)
    for unit in AdminUnit.objects.filter(level=1):
        if wanted and wanted in {normalise(n) for n in unit.names()}:
            return unit.pcode
    from ramani.geo.provinces import pcode_of

    return pcode_of(province) or ""


def responsible(category: str, territoire_pcode: str, province_pcode: str):
    """The organisation covering this place for this category, or None (triage)."""
    from ramani.orgs.models import Coverage

    for pcode in (territoire_pcode, province_pcode):  # the most specific first
        if not pcode:
            continue
        organisations = {
            c.organisation
            for c in Coverage.objects.filter(pcode=pcode, organisation__active=True).select_related("organisation")
            if not c.categories or category in c.categories
        }
        if len(organisations) == 1:
            return organisations.pop()
        if len(organisations) > 1:
            return None  # a tie: a person decides
    return None
