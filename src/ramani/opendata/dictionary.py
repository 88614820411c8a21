"""The data dictionary: every column of every download and every field of the APIs, with its meaning, type,
vocabulary (values and their labels in the reader's language) and HXL hashtag.

Built from the registries, so that what is added there appears here: the 84 IPIS columns and their vocabularies
(`sites.columns`, `sites.ipis_format`, `sites.vocabularies`), the downloads (`exports`), the OGC API collections
(`ogcapi.COLLECTIONS`: a new collection is listed with the `PROPERTIES` of its features module, the properties
of its first feature, and the meanings below or its model fields' verbose_name/help_text) and the REST API.
A field nobody described is listed with an empty meaning; tests/opendata/test_dictionary.py fails on it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import get_language, gettext, gettext_lazy

from ramani.opendata import exports, features, ogcapi
from ramani.sites import armed
from ramani.sites import columns as ipis_columns
from ramani.sites import ipis_format as fmt
from ramani.sites import qualification as rules
from ramani.sites.vocabularies import VOCABULARIES

_ = gettext_lazy
LANGUAGE_INDEX = {"fr": 0, "en": 1, "sw": 2}

TEXT = ipis_columns.TYPES[fmt.TEXT]
DATE = ipis_columns.TYPES[fmt.DATE]
FLAG = _("true/false (1/0 in CSV; empty: not recorded)")
WHOLE = ipis_columns.TYPES[fmt.INT]
DECIMAL = ipis_columns.TYPES[fmt.FLOAT]
URL = _("URL")
LIST = _("list")
OBJECT = _("object")
CSV_LIST = _("text, comma-separated")


@dataclass(frozen=True)
class Entry:
    meaning: object  # a lazy translated string
    type: object
    vocabulary: str | None = None
    hxl: str | None = None


# The open vocabularies of other domains and the site's status codes, each as (value, fr, en, sw) like the
# IPIS ones. A vocabulary is a callable so that it reads its registry when the dictionary is built.
def _qualification_codes() -> list[tuple[str, str, str, str]]:
    labels = {row[0]: row for row in VOCABULARIES["qualification"]}
    by_code = {
        "vert": labels["Vert"],
        "jaune": labels["Jaune"],
        "rouge": labels["Rouge"],
        "bleu": labels["Bleu"],
        "none": labels["No class"],
    }
    return [(code, *by_code[code][1:]) for code, _label in rules.STATUS_CHOICES]


def _roadblock(table_name: str) -> Callable[[], list[tuple[str, str, str, str]]]:
    def rows():
        from ramani.roadblocks import vocabularies as vocab

        table = getattr(vocab, table_name)
        return [(code, *labels[-3:]) for code, labels in table.items()]

    return rows


def _supplychain(table_name: str) -> Callable[[], list[tuple[str, str, str, str]]]:
    def rows():
        from ramani.supplychain import vocabularies as vocab

        return [(code, *labels[-3:]) for code, labels in getattr(vocab, table_name).items()]

    return rows


OTHER_VOCABULARIES: dict[str, Callable[[], list[tuple[str, str, str, str]]]] = {
    "qualification_status": _qualification_codes,
    "armed_class": armed.vocabulary,
    "supply_point_kind": _supplychain("KINDS"),
    "armed_group_kind": _supplychain("GROUP_TYPES"),
    "operator_type": _roadblock("OPERATOR_TYPES"),
    "tax_category": _roadblock("TAX_CATEGORIES"),
    "road_class": _roadblock("ROAD_CLASSES"),
    "toll_unit": _roadblock("TOLL_UNITS"),
}


def vocabularies(language: str | None = None) -> dict[str, list[tuple[str, str]]]:
    """Every vocabulary the dictionary names: [(value, label in `language`)]."""
    i = LANGUAGE_INDEX.get((language or get_language() or "fr")[:2], 0)
    out = {name: [(value, labels[i]) for value, *labels in rows] for name, rows in VOCABULARIES.items()}
    out.update({name: [(value, labels[i]) for value, *labels in rows()] for name, rows in OTHER_VOCABULARIES.items()})
    return out


def _ipis(column: str, hxl: str | None = None) -> Entry:
    return Entry(
        ipis_columns.meaning(column),
        FLAG if fmt.KINDS[column] == fmt.FLAG else ipis_columns.type_of(column),
        ipis_columns.vocabulary_of(column),
        hxl or IPIS_HXL.get(column),
    )


# HXL hashtags of the IPIS columns: core hashtags and documented attributes of the HXL 1.1 dictionary, or one of
# ramani.opendata.hxl.LOCAL_ATTRIBUTES (checked by tests/opendata/test_hxl_tags.py); the other columns get
# #indicator+<column> (flags, numbers) or #meta+<column> (text), the column's own name as attribute.
IPIS_HXL = {
    "vid": "#meta+id",
    "cid": "#meta+cid",
    "id": "#loc+id",
    "source": "#meta+source",
    "project": "#activity+project",
    "pcode": "#loc+code",
    "name": "#loc+name",
    "visit_date": "#date+occurred",
    "longitude": "#geo+lon",
    "latitude": "#geo+lat",
    "geom": "#geo",
    "location_origin": "#geo+type",
    "province": "#adm1+name",
    "province_old": "#adm1+name+old",
    "territoire": "#adm2+name",
    "collectivite": "#adm3+name",
    "groupement": "#adm4+name",
    "village": "#loc+name+village",
    "workers_numb": "#indicator+num+workers",
    "access_dry": "#access+dry",
    "access_wet": "#access+wet",
    "qualification": "#status+qualification",
    "childunder15": "#indicator+child_labour",
    "women": "#indicator+women",
    "mercury": "#indicator+mercury",
    "presence": "#indicator+armed_presence",
    "interference": "#indicator+armed_interference",
}


def hxl_tag(name: str, entry: Entry | None) -> str:
    if entry is not None and entry.hxl:
        return entry.hxl
    numeric = entry is not None and entry.type in (FLAG, WHOLE, DECIMAL)
    return f"#{'indicator' if numeric else 'meta'}+{name}"


# ---- the record of a site (sites download, OGC collection `sites`, /api/sites) --------------------------------------
SITE = {
    **{c: _ipis(c) for c in ("pcode", "name", "province", "territoire", "collectivite", "groupement", "village")},
    "location_origin": _ipis("location_origin"),
    "province_pcode": Entry(
        _("Province code (COD-AB, e.g. CD61 for Nord-Kivu), from the site's position."), TEXT, None, "#adm1+code"
    ),
    "adm2_pcode": Entry(
        _("Territoire or city code (COD-AB admin-2, e.g. CD6103), from the site's position."), TEXT, None, "#adm2+code"
    ),
    "first_visit_date": Entry(_("Date of the site's first record."), DATE, None, "#date+start"),
    "last_visit_date": Entry(
        _("Date of the site's latest record (a field visit or a qualification decision)."), DATE, None, "#date+end"
    ),
    "visit_count": Entry(
        _("Number of records of the site: field visits and qualification-only records."),
        WHOLE,
        None,
        "#indicator+num+records",
    ),
    "synthetic": Entry(_("Whether this is synthetic demo data, not a real site."), FLAG, None, "#meta+synthetic"),
    "qualification": Entry(
        _("Qualification status in force today (or on the date given by on=), as a code."),
        TEXT,
        "qualification_status",
        "#status+qualification",
    ),
    "qualification_valid": Entry(
        _("Whether that status is legally valid that day (green lapses after one year, blue turns red after three)."),
        FLAG,
        None,
        "#status+valid",
    ),
    "qualification_decided_on": Entry(_("Date of the decision in force."), DATE, None, "#date+approved"),
    "last_field_visit_date": Entry(
        _("Date of the latest field visit (qualification-only records left out); the fields below come from it."),
        DATE,
        None,
        "#date+occurred",
    ),
    "project": Entry(_("Survey project of the latest field visit."), TEXT, "project", "#activity+project"),
    "workers_numb": Entry(
        _("Number of workers (diggers) at the latest field visit."), WHOLE, None, "#indicator+num+workers"
    ),
    "minerals": Entry(_("Minerals recorded at the latest field visit."), CSV_LIST, "mineral", "#item+name"),
    "armed_presence": Entry(
        _("Whether an armed group or undisciplined state security forces were present at the latest field visit."),
        FLAG,
        None,
        "#indicator+armed_presence",
    ),
    "armed_interference": Entry(
        _("Whether an armed group or undisciplined state security forces interfered at the latest field visit."),
        FLAG,
        None,
        "#indicator+armed_interference",
    ),
    "armed_class": Entry(
        _(
            "Class of armed interference at the latest field visit, as the map's armed-interference layer draws it "
            "and the armed_presence filter reads it: the most severe interfering actor (foreign or local armed "
            "group, undisciplined state forces, or interference with no actor recorded), armed presence without "
            "interference, no armed presence, or no data."
        ),
        TEXT,
        "armed_class",
        "#indicator+armed_class",
    ),
    "armed_groups": Entry(
        _("Names of the armed groups recorded at the latest field visit."), CSV_LIST, None, "#group+armed+name"
    ),
    "armed_group_types": Entry(
        _("Types of those armed groups, in the same order."), CSV_LIST, "armed_group_type", "#group+armed+type"
    ),
    "mercury": Entry(_("Whether mercury was used at the latest field visit."), FLAG, None, "#indicator+mercury"),
    "child_labour": Entry(
        _("Whether children under 15 worked at the site at the latest field visit."),
        FLAG,
        None,
        "#indicator+child_labour",
    ),
    "women": Entry(_("Whether women worked at the site at the latest field visit."), FLAG, None, "#indicator+women"),
    "longitude": _ipis("longitude"),
    "latitude": _ipis("latitude"),
}
# The columns a CSV or XLSX download adds after the properties.
DOWNLOAD_EXTRAS = {
    "longitude_wgs84": Entry(_("Longitude of the point, WGS84 decimal degrees."), DECIMAL, None, "#geo+lon"),
    "latitude_wgs84": Entry(_("Latitude of the point, WGS84 decimal degrees."), DECIMAL, None, "#geo+lat"),
    "licence": Entry(_("Licence of the data."), TEXT, None, "#meta+licence"),
    "attribution": Entry(_("Whom to credit when using the data."), TEXT, None, "#meta+attribution"),
}
VISIT = {c: _ipis(c) for c in fmt.COLUMNS}
# In the visits CSV the IPIS longitude/latitude come first: the WGS84 copies are tagged apart.
VISIT_DOWNLOAD_EXTRAS = {
    **DOWNLOAD_EXTRAS,
    "longitude_wgs84": Entry(DOWNLOAD_EXTRAS["longitude_wgs84"].meaning, DECIMAL, None, "#geo+lon+wgs84"),
    "latitude_wgs84": Entry(DOWNLOAD_EXTRAS["latitude_wgs84"].meaning, DECIMAL, None, "#geo+lat+wgs84"),
}

# ---- the REST API -------------------------------------------------------------------------------------------------
PAGE = {
    "count": Entry(_("Number of records matching the filters."), WHOLE),
    "limit": Entry(_("Records per page asked for."), WHOLE),
    "offset": Entry(_("Index of the first record of this page (0-based)."), WHOLE),
    "next": Entry(_("URL of the next page (null on the last page)."), URL),
    "previous": Entry(_("URL of the previous page (null on the first page)."), URL),
    "results": Entry(_("The records of this page."), LIST),
}
_SLOT = _("Slot number (1 to 3), as in the IPIS columns mineral1…mineral3 or armed_group1…armed_group3.")
API_VISIT = {
    **{c: VISIT[c] for c in fmt.COLUMNS if c not in ("id", "geom")},
    "id": Entry(_("Ramani's identifier of the visit (also its OGC API feature id)."), WHOLE),
    "ipis_id": _ipis("id"),
    "curated": Entry(
        _("Fields whose value a curator holds against later imports, with the value the import brought."), OBJECT
    ),
    "minerals": Entry(_("The visit's minerals, one object per slot."), LIST),
    "minerals[].position": Entry(_SLOT, WHOLE),
    "minerals[].mineral": Entry(_("Mineral produced at the site."), TEXT, "mineral"),
    "minerals[].selling_points": Entry(_("Where the mineral is sold first (comma-separated places)."), TEXT),
    "minerals[].final_destination": Entry(_("Final destination of the mineral, as far as known."), TEXT),
    "armed_groups": Entry(_("The armed groups or security forces present, one object per slot."), LIST),
    "armed_groups[].position": Entry(_SLOT, WHOLE),
    "armed_groups[].name": Entry(_("Name of the armed group or security force."), TEXT),
    "armed_groups[].type": Entry(_("Type of the armed group."), TEXT, "armed_group_type"),
    "armed_groups[].frequency": Entry(_("How often the group is present."), TEXT, "frequency"),
    "armed_groups[].activities": Entry(
        _(
            "What the group does at the site among: taxation, commerce_taxation, entrance_taxation, monopoly, "
            "buying_minerals, digging, forced_labour, pillaging, pit_ownership."
        ),
        LIST,
    ),
}
API_SITE = {
    "visits": Entry(_("Every record of the site, oldest first, with the fields of /api/visits."), LIST),
    "qualification_on": Entry(_("The qualification on the date asked for, with why."), OBJECT),
    "qualification_on.on": Entry(_("The date asked for (default today)."), DATE),
    "qualification_on.status": Entry(_("Status in force that day, as a code."), TEXT, "qualification_status"),
    "qualification_on.decided": Entry(_("Status of the decision in force, before any automatic change."), TEXT),
    "qualification_on.decided_on": Entry(_("Date of the decision in force."), DATE),
    "qualification_on.since": Entry(_("Date from which the status holds."), DATE),
    "qualification_on.valid_until": Entry(_("Last day the status is legally valid, if it lapses."), DATE),
    "qualification_on.review_due": Entry(_("Date a yellow status is due for re-evaluation."), DATE),
    "qualification_on.expired": Entry(_("Whether a green status has lapsed (no valid class)."), FLAG),
    "qualification_on.automatic": Entry(_("Whether the status comes from a rule (blue turned red)."), FLAG),
    "qualification_history": Entry(_("Every qualification decision of the site, oldest first."), LIST),
    "qualification_history[].date": Entry(_("Date of the decision."), DATE),
    "qualification_history[].status": Entry(_("Status decided, as a code."), TEXT, "qualification_status"),
    "qualification_history[].reference": Entry(_("Decree, directory or document of the decision."), TEXT),
    "qualification_history[].visit_id": Entry(_("The record the decision was imported from, if any."), WHOLE),
    "incidents": Entry(_("The site's published Kufatilia incidents, newest first."), LIST),
    "incidents[].date": Entry(_("Date of the incident (YYYY/MM/DD)."), TEXT),
    "incidents[].title": Entry(_("Title of the incident, as published."), TEXT),
    "incidents[].category": Entry(_("Category of the incident, in English."), TEXT),
    "incidents[].category_code": Entry(_("Category of the incident, as a code."), TEXT),
    "incidents[].subcategory": Entry(_("Subcategory of the incident."), TEXT),
    "links": Entry(_("Links to the same site elsewhere."), OBJECT),
    "links.risk": Entry(_("URL of the site's due-diligence red flags."), URL),
    "links.ogc_feature": Entry(_("URL of the site as an OGC API feature."), URL),
}
_VISIT_REF = {
    "visit_id": Entry(_("Ramani's identifier of the visit."), WHOLE),
    "vid": VISIT["vid"],
    "date": Entry(_("Date of the visit."), DATE),
    "project": VISIT["project"],
    "source": VISIT["source"],
}
API_RISK = {
    **{c: SITE[c] for c in ("pcode", "name", "province", "territoire", "synthetic")},
    "on": Entry(_("The date of the assessment: only evidence dated on or before it counts."), DATE),
    "qualification": Entry(_("The qualification on that date."), OBJECT),
    "qualification.status": API_SITE["qualification_on.status"],
    "qualification.valid": SITE["qualification_valid"],
    "qualification.decided": API_SITE["qualification_on.decided"],
    "qualification.decided_on": API_SITE["qualification_on.decided_on"],
    "qualification.valid_until": API_SITE["qualification_on.valid_until"],
    "qualification.explanation": Entry(_("Why the status holds that day, in words."), TEXT),
    "latest_field_visit": Entry(_("The latest field visit on or before that date (null if none)."), OBJECT),
    **{f"latest_field_visit.{k}": e for k, e in _VISIT_REF.items()},
    "evidence_age_days": Entry(_("Age in days of the latest field evidence on that date."), WHOLE),
    "red_flags": Entry(_("What a buyer must see, one object per red flag."), LIST),
    "red_flags[].flag": Entry(
        _(
            "Kind of red flag: armed_group_interference, state_security_interference, armed_interference, "
            "child_labour, mercury, qualification or stale_evidence."
        ),
        TEXT,
    ),
    "red_flags[].severity": Entry(_("high or medium."), TEXT),
    "red_flags[].detail": Entry(_("What was recorded, in words."), TEXT),
    "red_flags[].frequency": Entry(_("How often the group is present."), TEXT, "frequency"),
    "red_flags[].visit": Entry(_("The visit the red flag comes from."), OBJECT),
    **{f"red_flags[].visit.{k}": e for k, e in _VISIT_REF.items()},
    "red_flag_count": Entry(_("Number of red flags."), WHOLE),
}

_BY = _("Sites and field visits counted, per value.")
API_SUMMARY = {
    "sites": Entry(_("Number of sites matching the filters."), WHOLE),
    "visits": Entry(_("Number of their field visits (qualification-only records left out)."), WHOLE),
    "by_province": Entry(_BY, LIST),
    "by_province[].province": SITE["province"],
    "by_province[].sites": Entry(_("Sites of that province."), WHOLE),
    "by_province[].visits": Entry(_("Field visits of that province."), WHOLE),
    "by_year": Entry(_("Figures per year of field visit."), LIST),
    "by_year[].year": Entry(_("Year of the field visits."), WHOLE),
    "by_year[].visits": Entry(_("Field visits that year."), WHOLE),
    "by_year[].sites": Entry(_("Sites visited that year."), WHOLE),
    "by_year[].sites_with_presence": Entry(_("Sites visited that year with armed presence at a visit."), WHOLE),
    "by_year[].sites_presence_recorded": Entry(_("Sites visited that year where armed presence was recorded."), WHOLE),
    "by_year[].sites_with_mercury": Entry(_("Sites visited that year with mercury used at a visit."), WHOLE),
    "by_year[].sites_mercury_recorded": Entry(_("Sites visited that year where mercury use was recorded."), WHOLE),
    "by_year[].sites_with_children": Entry(_("Sites visited that year with children under 15 at work."), WHOLE),
    "by_year[].sites_children_recorded": Entry(_("Sites visited that year where child labour was recorded."), WHOLE),
    "by_year[].with_presence": Entry(_("Same as sites_with_presence (older name)."), WHOLE),
    "by_year[].with_mercury": Entry(_("Same as sites_with_mercury (older name)."), WHOLE),
    "by_year[].with_children": Entry(_("Same as sites_with_children (older name)."), WHOLE),
    "by_year[].workers_total": Entry(_("Workers counted at that year's field visits."), WHOLE),
    "by_year[].workers_median": Entry(_("Median number of workers at that year's field visits with workers."), DECIMAL),
    "minerals": Entry(_BY, LIST),
    "minerals[].mineral": Entry(_("Mineral, as the visits write it."), TEXT, "mineral"),
    "minerals[].sites": Entry(_("Sites with the mineral at a field visit."), WHOLE),
    "minerals[].visits": Entry(_("Field visits recording the mineral."), WHOLE),
    "armed_group_types": Entry(_BY, LIST),
    "armed_group_types[].type": Entry(_("Type of armed group, as the visits write it."), TEXT, "armed_group_type"),
    "armed_group_types[].sites": Entry(_("Sites where a group of that type was recorded."), WHOLE),
    "armed_group_types[].visits": Entry(_("Field visits recording a group of that type."), WHOLE),
    "armed_group_types_by_year": Entry(_("Sites per type of armed group and year."), LIST),
    "armed_group_types_by_year[].year": Entry(_("Year of the field visits."), WHOLE),
    "armed_group_types_by_year[].type": Entry(
        _("Type of armed group, as the visits write it."), TEXT, "armed_group_type"
    ),
    "armed_group_types_by_year[].sites": Entry(_("Sites where a group of that type was recorded that year."), WHOLE),
    "armed_classes_by_year": Entry(_("Sites per armed-interference class (as the map colours them) and year."), LIST),
    "armed_classes_by_year[].year": Entry(_("Year of the field visits."), WHOLE),
    "armed_classes_by_year[].class": Entry(
        _("Armed-interference class of the site's visit that year, as a code."), TEXT
    ),
    "armed_classes_by_year[].sites": Entry(_("Sites in that class that year."), WHOLE),
    "workers_bands": Entry(_("Field visits per band of number of workers."), LIST),
    "workers_bands[].band": Entry(_("Band of number of workers (none, 1-50, 50-500, 500+)."), TEXT),
    "workers_bands[].visits": Entry(_("Field visits in that band."), WHOLE),
    "qualification": Entry(_("Sites per qualification status on the date of qualification_on."), OBJECT),
    **{
        f"qualification.{code}": Entry(_("Sites holding that status (vert, jaune, rouge, bleu, none)."), WHOLE)
        for code, _label in rules.STATUS_CHOICES
    },
    "qualification_on": Entry(_("The date of the qualification counts (default today)."), DATE),
}

# ---- the collections of other domains --------------------------------------------------------------------------
COLLECTION_FIELDS: dict[str, dict[str, Entry]] = {
    "roadblocks": {
        "place_name": Entry(_("Name of the place of the roadblock."), TEXT, None, "#loc+name"),
        "date": Entry(_("Date of the survey."), DATE, None, "#date+reported"),
        "operators": Entry(_("Who operates the roadblock, as written by the surveyors."), CSV_LIST),
        "operator_types": Entry(_("Types of the operators, as the institute writes them."), CSV_LIST),
        "operator_type_codes": Entry(_("Types of the operators, as codes."), CSV_LIST, "operator_type"),
        "operator_type": Entry(_("Type of the first operator, as a code."), TEXT, "operator_type"),
        "barrier_types": Entry(_("Kinds of barrier."), CSV_LIST),
        "tax_targets": Entry(_("What or who is taxed, as written by the surveyors."), CSV_LIST),
        "tax_categories": Entry(_("What is taxed, read into categories."), CSV_LIST, "tax_category"),
        "toll": Entry(_("The toll as written by the surveyors."), TEXT),
        "toll_amount": Entry(_("The toll's amount, read from the text."), DECIMAL),
        "toll_currency": Entry(_("The toll's currency (CDF, USD, RWF, UGX, BIF)."), TEXT),
        "toll_unit": Entry(_("What the toll is paid per."), TEXT, "toll_unit"),
        "resources": Entry(_("Resources carried on the road."), CSV_LIST),
        "road_class": Entry(_("Class of the road."), TEXT, "road_class"),
        "violence_count": Entry(_("Number of violent incidents recorded at the roadblock."), WHOLE),
        "violence_kinds": Entry(_("Kinds of violence recorded."), CSV_LIST),
        "source": Entry(_("Who collected the data."), TEXT, None, "#meta+source"),
        "project": Entry(_("Survey project."), TEXT, None, "#activity+project"),
        "synthetic": Entry(_("Whether this is synthetic demo data, not a real roadblock."), FLAG),
        "province_pcode": SITE["province_pcode"],
        "adm2_pcode": SITE["adm2_pcode"],
        "territoire": SITE["territoire"],
    },
    "incidents": {
        "report_id": Entry(_("Identifier of the report, as given to the reporter."), TEXT),
        "date": Entry(_("Date of the incident."), DATE),
        "title": Entry(_("Title of the incident, as published."), TEXT),
        "status": Entry(_("Where the follow-up of the incident stands, as a code."), TEXT),
        "category": Entry(_("Category of the incident, as a code."), TEXT),
        "category_label": Entry(_("Category of the incident, in words."), TEXT),
        "subcategory": Entry(_("Subcategory of the incident."), TEXT),
        "province": SITE["province"],
        "territoire": SITE["territoire"],
        "territoire_pcode": SITE["adm2_pcode"],
    },
}


_SUPPLY_POINT = {
    "name": Entry(_("Name of the place, as the source writes it."), TEXT, None, "#loc+name"),
    "minerals": Entry(_("Minerals handled there, as the source names them."), CSV_LIST, None, "#item+name"),
    "locality": Entry(_("Town or village, as written (matched against the visits' selling points)."), TEXT),
    "operator": Entry(_("Who runs it (trader, comptoir, cooperative)."), TEXT, None, "#org+name"),
    "country": Entry(_("Country it is in."), TEXT, None, "#country+name"),
    "date": Entry(_("When it was recorded, as the source wrote it."), TEXT, None, "#date"),
    "source": Entry(_("Who collected the data."), TEXT, None, "#meta+source"),
    "project": Entry(_("Survey project."), TEXT, None, "#activity+project"),
    "notes": Entry(_("Notes of the source."), TEXT, None, "#description"),
    "synthetic": Entry(_("Whether this is synthetic demo data, not a surveyed place."), FLAG),
    "kind": Entry(_("Kind of place, as a code."), TEXT, "supply_point_kind"),
    "province_pcode": SITE["province_pcode"],
    "adm2_pcode": SITE["adm2_pcode"],
    "territoire": SITE["territoire"],
    "linked_sites": Entry(_("Number of mining sites whose visits name this place."), WHOLE),
    "linked": Entry(_("yes when at least one mining site's visits name this place, else no."), TEXT),
    "sites": Entry(
        _("The mining sites linked to it, each with the words of the visit that matched, how and the score."), TEXT
    ),
}
COLLECTION_FIELDS.update(
    {
        "depots": _SUPPLY_POINT,
        "points_of_sale": _SUPPLY_POINT,
        "destinations": _SUPPLY_POINT,
        "interference_zones": {
            "name": Entry(_("Name of the zone, as the source writes it."), TEXT, None, "#loc+name"),
            "armed_group": Entry(_("The armed group, as the source names it."), TEXT, None, "#group+armed+name"),
            "group_type": Entry(_("Type of the group, in French as the source writes it."), TEXT),
            "group_type_code": Entry(_("Type of the group, as a code."), TEXT, "armed_group_kind"),
            "period_start": Entry(_("Start of the period of interference, as the source wrote it."), TEXT),
            "period_end": Entry(_("End of the period of interference (empty: still under way)."), TEXT),
            "period": Entry(_("The period, start to end (… : still under way)."), TEXT),
            "area_km2": Entry(_("Geodesic area of the zone in km²."), DECIMAL),
            "source": Entry(_("Who collected the data."), TEXT, None, "#meta+source"),
            "project": Entry(_("Survey project."), TEXT, None, "#activity+project"),
            "notes": Entry(_("Notes of the source."), TEXT, None, "#description"),
            "synthetic": Entry(_("Whether this is synthetic demo data, not a surveyed zone."), FLAG),
        },
    }
)


# ---- tables ---------------------------------------------------------------------------------------------------------
@dataclass
class Field:
    name: str
    meaning: str
    type: str
    vocabulary: str | None
    hxl: str


@dataclass
class Table:
    id: str
    title: str
    used_by: list[str]
    fields: list[Field] = field(default_factory=list)

    def names(self) -> list[str]:
        return [f.name for f in self.fields]


def _model_entry(model, name: str) -> Entry | None:
    """An entry from a model field that says what it is (an explicit verbose_name or a help_text)."""
    meta = getattr(model, "_meta", None)
    if meta is None:
        return None
    try:
        f = meta.get_field(name)
    except Exception:
        return None
    said = f.help_text or (f.verbose_name if getattr(f, "_verbose_name", None) else "")
    if not said:
        return None
    kind = f.get_internal_type()
    typ = {"BooleanField": FLAG, "DateField": DATE, "FloatField": DECIMAL, "DecimalField": DECIMAL}.get(kind)
    if typ is None:
        typ = WHOLE if "Integer" in kind else TEXT
    return Entry(said, typ)


def collection_properties(c: ogcapi.Collection) -> list[str]:
    """The properties of a collection's items: declared by its features module, and those of its first item."""
    if c.id == "sites":
        return list(features.SITE_PROPERTIES)
    if c.id == "visits":
        return list(features.VISIT_PROPERTIES)
    names: list[str] = []
    if c.features is not None:
        names += list(getattr(sys.modules.get(c.features.__module__), "PROPERTIES", ()))
        if c.model is not None:
            first = c.features(c.model.objects.order_by("pk")[:1])
            if first:
                names += list(first[0]["properties"])
    names += list(COLLECTION_FIELDS.get(c.id, {}))
    return list(dict.fromkeys(names))


def _field(name: str, entries: dict[str, Entry], model=None) -> Field:
    entry = entries.get(name) or (_model_entry(model, name) if model is not None else None)
    if entry is None:
        return Field(name, "", "", None, hxl_tag(name, None))
    return Field(name, str(entry.meaning), str(entry.type), entry.vocabulary, hxl_tag(name, entry))


def _table(id: str, title, used_by: list[str], names, entries: dict[str, Entry], model=None) -> Table:
    return Table(id, str(title), used_by, [_field(n, entries, model) for n in names])


def csv_columns(collection: str) -> list[str]:
    """The header of a CSV download (sites, visits; ipis is the 84 IPIS columns)."""
    if collection == "ipis":
        return list(fmt.COLUMNS)
    return [*exports.property_names(collection), *DOWNLOAD_EXTRAS]


def download_entries(collection: str) -> dict[str, Entry]:
    if collection == "sites":
        return {**SITE, **DOWNLOAD_EXTRAS}
    return {**VISIT, **VISIT_DOWNLOAD_EXTRAS}


def tables() -> list[Table]:
    """Every table of the dictionary, in the reader's language."""
    formats = ", ".join(exports.FORMATS)
    out = [
        _table(
            "sites",
            _("Sites"),
            [f"sites.{formats}", "sites.hxl.csv", "OGC API: sites", "/api/sites", "/api/sites/{pcode}"],
            [*csv_columns("sites"), "longitude", "latitude"],
            {**SITE, **DOWNLOAD_EXTRAS},
        ),
        _table(
            "visits",
            _("Visits (the IPIS columns, with the position apart)"),
            [f"visits.{formats}", "visits.hxl.csv", "OGC API: visits"],
            csv_columns("visits"),
            {**VISIT, **VISIT_DOWNLOAD_EXTRAS},
        ),
        _table("ipis", _("IPIS table, as IPIS publishes it"), ["ipis.csv", "ipis.geojson"], fmt.COLUMNS, VISIT),
    ]
    for c in ogcapi.COLLECTIONS.values():
        if c.id in ("sites", "visits"):
            continue
        out.append(
            _table(
                c.id,
                gettext(c.title),  # translated where the catalogs have the collection's title
                [f"OGC API: {c.id}"],
                collection_properties(c),
                COLLECTION_FIELDS.get(c.id, {}),
                c.model,
            )
        )
    out += [
        _table("api_page", _("REST API: pages of records"), ["/api/sites", "/api/visits"], PAGE, PAGE),
        _table("api_visits", _("REST API: visits"), ["/api/visits", "/api/sites/{pcode}"], API_VISIT, API_VISIT),
        _table("api_site", _("REST API: one site"), ["/api/sites/{pcode}"], API_SITE, API_SITE),
        _table("api_risk", _("REST API: due-diligence red flags"), ["/api/sites/{pcode}/risk"], API_RISK, API_RISK),
        _table("api_summary", _("REST API: summary counts"), ["/api/summary"], API_SUMMARY, API_SUMMARY),
    ]
    return out


def undescribed() -> list[tuple[str, str]]:
    """(table, field) of every field without a meaning."""
    return [(t.id, f.name) for t in tables() for f in t.fields if not f.meaning]


def _in(language: str | None):
    from contextlib import nullcontext

    from django.utils import translation

    return translation.override(language) if language else nullcontext()


def as_json(language: str | None = None) -> dict:
    """The dictionary in `language` (default: the active one)."""
    with _in(language):
        return _as_json(language)


def _as_json(language: str | None) -> dict:
    names = vocabularies(language)
    used = sorted({f.vocabulary for t in tables() for f in t.fields if f.vocabulary})
    return {
        "language": (language or get_language() or "fr")[:2],
        "tables": [
            {
                "id": t.id,
                "title": t.title,
                "used_by": t.used_by,
                "fields": [
                    {"name": f.name, "meaning": f.meaning, "type": f.type, "vocabulary": f.vocabulary, "hxl": f.hxl}
                    for f in t.fields
                ],
            }
            for t in tables()
        ],
        "vocabularies": {n: [{"value": v, "label": label} for v, label in names[n]] for n in used},
    }


CSV_HEADER = ["table", "field", "meaning", "type", "vocabulary", "values", "hxl"]


def as_rows(language: str | None = None) -> list[list[str]]:
    """The dictionary as CSV rows in `language` (the header first); a vocabulary's values as `value = label; …`."""
    with _in(language):
        return _as_rows(language)


def _as_rows(language: str | None) -> list[list[str]]:
    names = vocabularies(language)
    rows = [list(CSV_HEADER)]
    for t in tables():
        for f in t.fields:
            values = "; ".join(f"{v} = {label}" for v, label in names.get(f.vocabulary or "", []))
            rows.append([t.id, f.name, f.meaning, f.type, f.vocabulary or "", values, f.hxl])
    return rows
