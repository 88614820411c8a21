"""What each of the 84 columns of the IPIS format means: the domain part of the open-data dictionary.

Meanings are English msgids (translated in the reader's language by the catalogs); the kind of each column
comes from `ipis_format.KINDS` and its vocabulary from `ipis_format.VOCABULARY_OF`, so nothing is said twice.
Slot columns (`mineral1`…`mineral3`, `taxation_armed_group2`…) share one meaning with the slot number in it.
"""

from __future__ import annotations

import re

from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy

from ramani.sites import ipis_format as fmt

_ = gettext_lazy

MEANINGS = {
    "vid": _("Identifier of the visit in the IPIS database."),
    "cid": _("IPIS internal identifier published with the visit (cid)."),
    "id": _("IPIS identifier of the site (the same for every visit of a site)."),
    "source": _("Who collected the data."),
    "project": _(
        "Survey project the visit belongs to; “Qualification status” marks a row that only records a "
        "qualification decision, not a field visit."
    ),
    "pcode": _("Site code: “codmine” followed by 5 digits; the key that links visits to their site."),
    "name": _("Name of the mining site."),
    "visit_date": _("Date of the visit (YYYY-MM-DD); visits of 2009 are all dated 2009-01-01."),
    "visit_onsite": _("Whether the team reached the site (1) or collected the data elsewhere (0)."),
    "visit_onsite_novisitreason": _("Why the team did not reach the site, as written by the team."),
    "geom": _("Position as hexadecimal EWKB (WGS84), as PostGIS writes it."),
    "longitude": _("Longitude in decimal degrees (WGS84)."),
    "latitude": _("Latitude in decimal degrees (WGS84)."),
    "location_origin": _("How the position was obtained."),
    "province": _("Province (the 26 provinces since 2015)."),
    "province_old": _("Province before the 2015 reform (the 11 former provinces)."),
    "territoire": _("Territoire or city (administrative level 2)."),
    "collectivite": _("Chiefdom or sector (collectivité, administrative level 3)."),
    "groupement": _("Groupement (administrative level 4)."),
    "village": _("Nearest village."),
    "workers_numb": _("Number of workers (diggers) at the site on the day of the visit."),
    "access_dry": _("How the site is reached in the dry season."),
    "access_wet": _("How the site is reached in the rainy season."),
    "is_3t_mine": _("Whether the site produces tin, tantalum or tungsten (cassiterite, coltan, wolframite)."),
    "is_gold_mine": _("Whether the site produces gold."),
    "mercury": _("Whether mercury is used at the site."),
    "presence": _("Whether an armed group or undisciplined state security forces were present at the site."),
    "interference": _(
        "Whether an armed group or undisciplined state security forces interfere at the site (taxation, "
        "monopoly, digging, forced labour, pillaging…)."
    ),
    "mechanisation": _("Degree of mechanisation of the work."),
    "traceability": _("Traceability or certification scheme in place at the site, if any."),
    "qualification": _("Qualification status decided for the site (only on qualification rows)."),
    "childunder15": _("Whether children under 15 work at the site."),
    "childunder15work": _("Tasks done by children under 15 (comma-separated)."),
    "women": _("Whether women work at the site."),
    "womenwork": _("Tasks done by women (comma-separated)."),
}
# Slot columns: the meaning with %(n)s for the slot number.
SLOT_MEANINGS = {
    "mineral": _("Mineral %(n)s produced at the site."),
    "selling_points_mineral": _("Where mineral %(n)s is sold first (comma-separated places)."),
    "final_destination_mineral": _("Final destination of mineral %(n)s, as far as known."),
    "armed_group": _("Name of armed group or security force %(n)s present at the site."),
    "type_armed_group": _("Type of armed group %(n)s."),
    "frequency_armed_group": _("How often armed group %(n)s is present."),
    "taxation_armed_group": _("Whether armed group %(n)s taxes the workers (illegal taxation)."),
    "commerce_taxation_armed_group": _("Whether armed group %(n)s taxes the mineral trade."),
    "entrance_taxation_armed_group": _("Whether armed group %(n)s makes people pay to enter the site."),
    "monopoly_armed_group": _("Whether armed group %(n)s holds a monopoly on buying or selling."),
    "buying_minerals_armed_group": _("Whether armed group %(n)s buys minerals."),
    "digging_armed_group": _("Whether members of armed group %(n)s dig themselves."),
    "forced_labour_armed_group": _("Whether armed group %(n)s imposes forced labour."),
    "pillaging_armed_group": _("Whether armed group %(n)s pillages."),
    "pit_ownership_armed_group": _("Whether armed group %(n)s owns pits."),
    "state_service": _("State service %(n)s present at the site."),
}
_SLOT = re.compile(r"^(?P<stem>.*?)(?P<n>[1-4])$")

# How a kind of column is read (the dictionary's "type").
TYPES = {
    fmt.ID: _("identifier (text)"),
    fmt.TEXT: _("text"),
    fmt.PCODE: _("site code (text)"),
    fmt.DATE: _("date YYYY-MM-DD"),
    fmt.FLAG: _("flag 0/1 (empty: not recorded)"),
    fmt.FLOAT: _("decimal number"),
    fmt.INT: _("whole number"),
    fmt.GEOM: _("hexadecimal EWKB point"),
}


def _slot_meaning(column: str) -> str:
    m = _SLOT.match(column)
    assert m, column
    return gettext(SLOT_MEANINGS[m["stem"]]) % {"n": m["n"]}


def meaning(column: str):
    """The (lazy) meaning of one IPIS column; KeyError for a column that is not one."""
    if column in MEANINGS:
        return MEANINGS[column]
    m = _SLOT.match(column)
    if m and m["stem"] in SLOT_MEANINGS:
        return lazy(_slot_meaning, str)(column)
    raise KeyError(column)


def type_of(column: str):
    return TYPES[fmt.KINDS[column]]


def vocabulary_of(column: str) -> str | None:
    """The vocabulary of `ipis_format` a column's values (or, for a list, each item) belong to."""
    return fmt.VOCABULARY_OF.get(column) or fmt.LIST_VOCABULARY_OF.get(column)
