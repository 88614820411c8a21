"""The shapes of the REST API's answers (django-ninja Schemas): what its OpenAPI document lists, field by field.

Every schema forbids fields it does not declare, so an answer that grows a field without its schema fails (a 500
in the tests for the answers ninja validates; tests/opendata/test_api_shapes.py for the pages, which are built
straight from the rows and serialised by orjson without passing through these classes).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

Status = Literal["vert", "jaune", "rouge", "bleu", "none"]
ArmedClass = Literal["foreign", "local", "state", "other", "presence", "none", "unknown"]  # ramani.sites.armed


class _Shape(Schema):
    model_config = ConfigDict(extra="forbid")


class SiteRecord(_Shape):
    pcode: str = Field(description="Site pcode (codmine + 5 digits).")
    name: str
    province: str
    province_pcode: str = Field(description="COD-AB pcode of the province, from the coordinates.")
    territoire: str
    adm2_pcode: str = Field(description="COD-AB pcode of the territoire, from the coordinates.")
    collectivite: str
    groupement: str
    village: str
    location_origin: str
    first_visit_date: dt.date | None
    last_visit_date: dt.date | None
    visit_count: int
    synthetic: bool = Field(description="Generated demo data, not a real site.")
    qualification: Status = Field(description="Qualification status on the date `on` (legal validity applied).")
    qualification_valid: bool = Field(description="A decision is in force that day (not expired or turned red).")
    qualification_decided_on: dt.date | None
    last_field_visit_date: dt.date | None = Field(description="The latest visit that is not a qualification record.")
    project: str | None
    workers_numb: int | None
    minerals: str | None = Field(description="Minerals of the latest field visit, comma-joined.")
    armed_presence: bool | None
    armed_interference: bool | None
    armed_class: ArmedClass | None = Field(
        description="Armed-interference class of the latest field visit, as the map draws it and the "
        "armed_presence filter reads it (see the data dictionary)."
    )
    armed_groups: str | None
    armed_group_types: str | None
    mercury: bool | None
    child_labour: bool | None
    women: bool | None
    longitude: float | None
    latitude: float | None


class _Page(_Shape):
    count: int = Field(description="Number of results matching the filters, over all pages.")
    limit: int
    offset: int
    next: str | None = Field(description="URL of the next page; null on the last.")
    previous: str | None


class SitePage(_Page):
    results: list[SiteRecord]


class MineralSlot(_Shape):
    position: int
    mineral: str
    selling_points: str
    final_destination: str


class ArmedGroupSlot(_Shape):
    position: int
    name: str
    type: str
    frequency: str
    activities: list[str] = Field(description="What the group did: taxation, digging, forced_labour, …")


class VisitDetail(_Shape):
    id: int
    curated: dict[str, Any] | list | None = Field(description="What curators changed since the import.")
    vid: str | None
    cid: str
    ipis_id: str
    source: str
    project: str
    name: str
    visit_date: dt.date
    visit_onsite: bool | None
    visit_onsite_novisitreason: str
    longitude: float | None
    latitude: float | None
    location_origin: str
    province: str
    province_old: str
    territoire: str
    collectivite: str
    groupement: str
    village: str
    workers_numb: int | None
    access_dry: str
    access_wet: str
    is_3t_mine: bool | None
    is_gold_mine: bool | None
    mercury: bool | None
    presence: bool | None = Field(description="Armed presence.")
    interference: bool | None = Field(description="Armed interference.")
    mechanisation: str
    state_service1: str
    state_service2: str
    state_service3: str
    state_service4: str
    traceability: str
    qualification: str
    childunder15: bool | None
    childunder15work: str
    women: bool | None
    womenwork: str
    minerals: list[MineralSlot]
    armed_groups: list[ArmedGroupSlot]


class VisitRecord(VisitDetail):
    pcode: str


class VisitPage(_Page):
    results: list[VisitRecord]


class QualificationOn(_Shape):
    on: dt.date
    status: Status
    decided: str | None = Field(description="The decision in force (null: no decision yet).")
    decided_on: dt.date | None
    since: dt.date | None
    valid_until: dt.date | None
    review_due: dt.date | None
    expired: bool
    automatic: bool = Field(description="Blue turned red by the three-year rule.")


class QualificationDecision(_Shape):
    date: dt.date
    status: Status
    reference: str
    visit_id: int | None


class SiteLinks(_Shape):
    risk: str
    ogc_feature: str


class SiteDetail(SiteRecord):
    visits: list[VisitDetail]
    qualification_on: QualificationOn
    qualification_history: list[QualificationDecision]
    incidents: list[dict[str, Any]] = Field(description="The site's published Kufatilia incidents.")
    links: SiteLinks


class VisitRef(_Shape):
    visit_id: int
    vid: str | None
    date: dt.date
    project: str
    source: str


class RedFlag(_Shape):
    flag: str
    severity: Literal["high", "medium"]
    detail: str
    frequency: str | None = None
    visit: VisitRef | None


class RiskQualification(_Shape):
    status: Status
    valid: bool
    decided: str | None
    decided_on: dt.date | None
    valid_until: dt.date | None
    explanation: str


class Risk(_Shape):
    pcode: str
    name: str
    province: str
    territoire: str
    on: dt.date
    synthetic: bool
    qualification: RiskQualification
    latest_field_visit: VisitRef | None
    evidence_age_days: int | None
    red_flags: list[RedFlag]
    red_flag_count: int


class Summary(_Shape):
    sites: int
    visits: int
    by_province: list[dict[str, Any]]
    by_year: list[dict[str, Any]]
    minerals: list[dict[str, Any]]
    armed_group_types: list[dict[str, Any]]
    armed_group_types_by_year: list[dict[str, Any]]
    armed_classes_by_year: list[dict[str, Any]] = []
    workers_bands: list[dict[str, Any]]
    qualification: dict[str, int]
    qualification_on: dt.date
