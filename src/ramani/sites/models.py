"""The mining-site registry: sites, their field visits, and dated qualification decisions.

A Visit keeps every value of its IPIS row as published (text as text, numbers by value),
so that an import followed by an export gives the same table back. A Site carries the
current view of the place, refreshed from its latest visits.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ramani.sites import qualification as rules


class Term(models.Model):
    """One value of a controlled vocabulary, with its labels in three languages."""

    vocabulary = models.CharField(max_length=40, db_index=True)
    value = models.CharField(max_length=255, help_text="The exact text used in IPIS data.")
    label_fr = models.CharField(max_length=255, blank=True)
    label_en = models.CharField(max_length=255, blank=True)
    label_sw = models.CharField(max_length=255, blank=True)
    reviewed = models.BooleanField(default=True, help_text="False for values first met in an import.")

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vocabulary", "value"], name="term_unique_value")]
        ordering = ["vocabulary", "value"]
        verbose_name = _("vocabulary term")
        verbose_name_plural = _("vocabulary terms")

    def __str__(self) -> str:
        return f"{self.vocabulary}: {self.value}"

    def label(self, language: str = "fr") -> str:
        return getattr(self, f"label_{language[:2]}", "") or self.label_fr or self.value


class Site(models.Model):
    pcode = models.CharField(max_length=12, unique=True, help_text="codmine + 5 digits")
    name = models.TextField(blank=True)
    longitude = models.FloatField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    location_origin = models.TextField(blank=True)
    province = models.TextField(blank=True, db_index=True)
    province_old = models.TextField(blank=True)
    territoire = models.TextField(blank=True, db_index=True)
    collectivite = models.TextField(blank=True)
    groupement = models.TextField(blank=True)
    village = models.TextField(blank=True)
    province_pcode = models.CharField(
        max_length=8,
        blank=True,
        db_index=True,
        help_text="COD-AB admin-1 pcode, from the province name or the boundaries.",
    )
    adm2_pcode = models.CharField(
        max_length=8,
        blank=True,
        db_index=True,
        help_text="COD-AB admin-2 pcode the coordinates fall in (after `ramani import boundaries`).",
    )
    first_visit_date = models.DateField(null=True, blank=True)
    last_visit_date = models.DateField(null=True, blank=True, db_index=True)
    visit_count = models.PositiveIntegerField(default=0)
    synthetic = models.BooleanField(default=False, help_text="Generated demo data, not a real site.")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    # history is read per record (its id): the lookup indexes of the table would only slow bulk imports
    history = HistoricalRecords(
        no_db_index=["pcode", "province", "territoire", "province_pcode", "adm2_pcode", "last_visit_date"]
    )

    class Meta:
        ordering = ["pcode"]
        verbose_name = _("mining site")
        verbose_name_plural = _("mining sites")

    def __str__(self) -> str:
        return f"{self.pcode} {self.name}".strip()

    def status_on(self, date: dt.date | None = None) -> rules.Status:
        """The qualification status that held on `date` (today by default), with its legal validity."""
        decisions = [(q.date, q.status, q.pk) for q in self.qualifications.all()]
        return rules.status_on(decisions, date or dt.date.today())


class ImportRun(models.Model):
    """One run of an importer: what was read and what it changed (provenance for every visit)."""

    kind = models.CharField(max_length=40)
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    started = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} ({self.started:%Y-%m-%d %H:%M})"


class Visit(models.Model):
    """One row of the IPIS table: a field visit (or a qualification record) of a site."""

    # db_index=False: the (site, visit_date) index serves lookups by site
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="visits", db_index=False)
    key = models.CharField(
        max_length=120, unique=True, help_text="Import key: vid, or pcode|date|project when the row has no vid."
    )
    row_hash = models.CharField(max_length=40, help_text="Digest of the row as imported, to skip unchanged rows.")
    import_run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL, db_index=False)
    curated = models.JSONField(
        default=dict,
        blank=True,
        help_text="Fields whose value a curator holds against the imports: field -> the value the last import "
        "wrote or brought (see ramani.curation).",
    )

    vid = models.CharField(
        max_length=40, null=True, blank=True, help_text="IPIS visit id; unique through `key` (vid:<vid>)."
    )
    cid = models.CharField(max_length=40, blank=True)
    ipis_id = models.CharField(max_length=40, blank=True)
    source = models.TextField(blank=True)
    project = models.TextField(blank=True)
    name = models.TextField(blank=True)
    visit_date = models.DateField()
    visit_onsite = models.BooleanField(null=True, blank=True)
    visit_onsite_novisitreason = models.TextField(blank=True)
    geom_ewkb = models.TextField(
        blank=True, help_text="The row's geom, kept only when it differs from longitude/latitude."
    )
    longitude = models.FloatField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    location_origin = models.TextField(blank=True)
    province = models.TextField(blank=True)
    province_old = models.TextField(blank=True)
    territoire = models.TextField(blank=True)
    collectivite = models.TextField(blank=True)
    groupement = models.TextField(blank=True)
    village = models.TextField(blank=True)
    workers_numb = models.IntegerField(null=True, blank=True)
    access_dry = models.TextField(blank=True)
    access_wet = models.TextField(blank=True)
    is_3t_mine = models.BooleanField(null=True, blank=True)
    is_gold_mine = models.BooleanField(null=True, blank=True)
    mercury = models.BooleanField(null=True, blank=True)
    presence = models.BooleanField(null=True, blank=True, help_text="Armed presence")
    interference = models.BooleanField(null=True, blank=True, help_text="Armed interference")
    mechanisation = models.TextField(blank=True)
    state_service1 = models.TextField(blank=True)
    state_service2 = models.TextField(blank=True)
    state_service3 = models.TextField(blank=True)
    state_service4 = models.TextField(blank=True)
    traceability = models.TextField(blank=True)
    qualification = models.TextField(blank=True)
    childunder15 = models.BooleanField(null=True, blank=True)
    childunder15work = models.TextField(blank=True)
    women = models.BooleanField(null=True, blank=True)
    womenwork = models.TextField(blank=True)

    history = HistoricalRecords(no_db_index=["key", "site", "import_run"])  # read per visit (its id)

    class Meta:
        ordering = ["site", "visit_date", "id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [models.Index(fields=["site", "visit_date"], name="visit_site_date")]

    def __str__(self) -> str:
        return f"{self.site.pcode} {self.visit_date} {self.project}"

    @property
    def minerals(self) -> list[str]:
        return [m.mineral for m in self.mineral_slots.all() if m.mineral]

    @property
    def child_tasks(self) -> list[str]:
        return split_list(self.childunder15work)

    @property
    def women_tasks(self) -> list[str]:
        return split_list(self.womenwork)


def split_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


class VisitMineral(models.Model):
    """Mineral slot 1-3 of a visit, with where it is sold and where it ends up."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="mineral_slots", db_index=False)
    position = models.PositiveSmallIntegerField()
    mineral = models.TextField(blank=True)
    selling_points = models.TextField(blank=True)
    final_destination = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["visit", "position"]
        constraints = [models.UniqueConstraint(fields=["visit", "position"], name="visitmineral_unique_position")]
        verbose_name = _("mineral of a visit")
        verbose_name_plural = _("minerals of visits")

    def __str__(self) -> str:
        return self.mineral


class VisitArmedGroup(models.Model):
    """Armed-group slot 1-3 of a visit: who, what kind, how often, and what they do."""

    ACTIVITIES = (
        "taxation",
        "commerce_taxation",
        "entrance_taxation",
        "monopoly",
        "buying_minerals",
        "digging",
        "forced_labour",
        "pillaging",
        "pit_ownership",
    )

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="armed_groups", db_index=False)
    position = models.PositiveSmallIntegerField()
    name = models.TextField(blank=True)
    type = models.TextField(blank=True)
    frequency = models.TextField(blank=True)
    taxation = models.BooleanField(null=True, blank=True)
    commerce_taxation = models.BooleanField(null=True, blank=True)
    entrance_taxation = models.BooleanField(null=True, blank=True)
    monopoly = models.BooleanField(null=True, blank=True)
    buying_minerals = models.BooleanField(null=True, blank=True)
    digging = models.BooleanField(null=True, blank=True)
    forced_labour = models.BooleanField(null=True, blank=True)
    pillaging = models.BooleanField(null=True, blank=True)
    pit_ownership = models.BooleanField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["visit", "position"]
        constraints = [models.UniqueConstraint(fields=["visit", "position"], name="visitarmedgroup_unique_position")]
        verbose_name = _("armed group at a visit")
        verbose_name_plural = _("armed groups at visits")

    def __str__(self) -> str:
        return self.name or self.type

    def activities(self) -> list[str]:
        return [a for a in self.ACTIVITIES if getattr(self, a)]


class Qualification(models.Model):
    """A dated qualification decision for a site (from an IPIS row or entered by a curator)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="qualifications")
    status = models.CharField(max_length=8, choices=rules.STATUS_CHOICES)
    date = models.DateField(help_text="Date the status was decided or published.")
    visit = models.OneToOneField(
        Visit,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="qualification_decision",
        help_text="The IPIS row this decision was read from, if any.",
    )
    reference = models.TextField(blank=True, help_text="Decree, directory or document.")

    history = HistoricalRecords(no_db_index=["site"])  # read per decision (its id) or visit

    class Meta:
        ordering = ["site", "date", "id"]
        verbose_name = _("qualification decision")
        verbose_name_plural = _("qualification decisions")

    def __str__(self) -> str:
        return f"{self.site.pcode} {self.get_status_display()} {self.date}"


class Revision(models.Model):
    """Moves on every change of registry data (see ramani.sites.revision)."""

    number = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"revision {self.number}"
