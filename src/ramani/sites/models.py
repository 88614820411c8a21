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

    vocabulary = models.CharField(max_length=40, db_index=True, verbose_name=_("vocabulary"))
    value = models.CharField(max_length=255, help_text=_("The exact text used in IPIS data."), verbose_name=_("value"))
    label_fr = models.CharField(max_length=255, blank=True, verbose_name=_("French label"))
    label_en = models.CharField(max_length=255, blank=True, verbose_name=_("English label"))
    label_sw = models.CharField(max_length=255, blank=True, verbose_name=_("Swahili label"))
    reviewed = models.BooleanField(
        default=True, help_text=_("False for values first met in an import."), verbose_name=_("reviewed")
    )

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
    pcode = models.CharField(max_length=12, unique=True, help_text=_("codmine + 5 digits"), verbose_name=_("pcode"))
    name = models.TextField(blank=True, verbose_name=_("name"))
    longitude = models.FloatField(null=True, blank=True, verbose_name=_("longitude"))
    latitude = models.FloatField(null=True, blank=True, verbose_name=_("latitude"))
    location_origin = models.TextField(blank=True, verbose_name=_("location origin"))
    province = models.TextField(blank=True, db_index=True, verbose_name=_("province"))
    province_old = models.TextField(blank=True, verbose_name=_("former province"))
    territoire = models.TextField(blank=True, db_index=True, verbose_name=_("territoire"))
    collectivite = models.TextField(blank=True, verbose_name=_("collectivité"))
    groupement = models.TextField(blank=True, verbose_name=_("groupement"))
    village = models.TextField(blank=True, verbose_name=_("village"))
    province_pcode = models.CharField(
        max_length=8,
        blank=True,
        db_index=True,
        help_text=_("COD-AB admin-1 pcode, from the province name or the boundaries."),
        verbose_name=_("province pcode"),
    )
    adm2_pcode = models.CharField(
        max_length=8,
        blank=True,
        db_index=True,
        help_text=_("COD-AB admin-2 pcode the coordinates fall in (after `ramani import boundaries`)."),
        verbose_name=_("territoire pcode"),
    )
    first_visit_date = models.DateField(null=True, blank=True, verbose_name=_("first record"))
    last_visit_date = models.DateField(null=True, blank=True, db_index=True, verbose_name=_("latest record"))
    visit_count = models.PositiveIntegerField(default=0, verbose_name=_("records"))
    synthetic = models.BooleanField(
        default=False, help_text=_("Generated demo data, not a real site."), verbose_name=_("synthetic")
    )
    created = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    updated = models.DateTimeField(auto_now=True, verbose_name=_("updated"))
    curated = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text=_(
            "Fields whose value a curator holds against the imports: field -> the value the last import "
            "wrote or brought (see ramani.curation)."
        ),
        verbose_name=_("held by a curator"),
    )

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

    kind = models.CharField(max_length=40, verbose_name=_("kind"))
    filename = models.CharField(max_length=255, verbose_name=_("file"))
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256"))
    started = models.DateTimeField(auto_now_add=True, verbose_name=_("started"))
    finished = models.DateTimeField(null=True, blank=True, verbose_name=_("finished"))
    rows = models.PositiveIntegerField(default=0, verbose_name=_("rows"))
    created_count = models.PositiveIntegerField(default=0, verbose_name=_("created"))
    updated_count = models.PositiveIntegerField(default=0, verbose_name=_("updated"))
    unchanged_count = models.PositiveIntegerField(default=0, verbose_name=_("unchanged"))
    warnings = models.JSONField(default=list, blank=True, verbose_name=_("warnings"))

    class Meta:
        ordering = ["-started"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} ({self.started:%Y-%m-%d %H:%M})"


class Visit(models.Model):
    """One row of the IPIS table: a field visit (or a qualification record) of a site."""

    # db_index=False: the (site, visit_date) index serves lookups by site
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="visits", db_index=False, verbose_name=_("site")
    )
    key = models.CharField(
        max_length=120,
        unique=True,
        help_text=_("Import key: vid, or pcode|date|project when the row has no vid."),
        verbose_name=_("import key"),
    )
    row_hash = models.CharField(
        max_length=40,
        help_text=_("Digest of the row as imported, to skip unchanged rows."),
        verbose_name=_("row digest"),
    )
    import_run = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.SET_NULL, db_index=False, verbose_name=_("import run")
    )
    curated = models.JSONField(
        default=dict,
        blank=True,
        help_text=_(
            "Fields whose value a curator holds against the imports: field -> the value the last import "
            "wrote or brought (see ramani.curation)."
        ),
        verbose_name=_("held by a curator"),
    )

    vid = models.CharField(
        max_length=40,
        null=True,
        blank=True,
        help_text=_("IPIS visit id; unique through `key` (vid:<vid>)."),
        verbose_name=_("IPIS visit id"),
    )
    cid = models.CharField(max_length=40, blank=True, verbose_name=_("cid"))
    ipis_id = models.CharField(max_length=40, blank=True, verbose_name=_("IPIS site id"))
    source = models.TextField(blank=True, verbose_name=_("source"))
    project = models.TextField(blank=True, verbose_name=_("project"))
    name = models.TextField(blank=True, verbose_name=_("site name"))
    visit_date = models.DateField(verbose_name=_("visit date"))
    visit_onsite = models.BooleanField(null=True, blank=True, verbose_name=_("on site"))
    visit_onsite_novisitreason = models.TextField(blank=True, verbose_name=_("why not on site"))
    geom_ewkb = models.TextField(
        blank=True,
        help_text=_("The row's geom, kept only when it differs from longitude/latitude."),
        verbose_name=_("geometry (EWKB)"),
    )
    longitude = models.FloatField(null=True, blank=True, verbose_name=_("longitude"))
    latitude = models.FloatField(null=True, blank=True, verbose_name=_("latitude"))
    location_origin = models.TextField(blank=True, verbose_name=_("location origin"))
    province = models.TextField(blank=True, verbose_name=_("province"))
    province_old = models.TextField(blank=True, verbose_name=_("former province"))
    territoire = models.TextField(blank=True, verbose_name=_("territoire"))
    collectivite = models.TextField(blank=True, verbose_name=_("collectivité"))
    groupement = models.TextField(blank=True, verbose_name=_("groupement"))
    village = models.TextField(blank=True, verbose_name=_("village"))
    workers_numb = models.IntegerField(null=True, blank=True, verbose_name=_("workers"))
    access_dry = models.TextField(blank=True, verbose_name=_("access in the dry season"))
    access_wet = models.TextField(blank=True, verbose_name=_("access in the rainy season"))
    is_3t_mine = models.BooleanField(null=True, blank=True, verbose_name=_("3T mine"))
    is_gold_mine = models.BooleanField(null=True, blank=True, verbose_name=_("gold mine"))
    mercury = models.BooleanField(null=True, blank=True, verbose_name=_("mercury"))
    presence = models.BooleanField(
        null=True, blank=True, help_text=_("Armed presence"), verbose_name=_("armed presence")
    )
    interference = models.BooleanField(
        null=True, blank=True, help_text=_("Armed interference"), verbose_name=_("armed interference")
    )
    mechanisation = models.TextField(blank=True, verbose_name=_("mechanisation"))
    state_service1 = models.TextField(blank=True, verbose_name=_("state service 1"))
    state_service2 = models.TextField(blank=True, verbose_name=_("state service 2"))
    state_service3 = models.TextField(blank=True, verbose_name=_("state service 3"))
    state_service4 = models.TextField(blank=True, verbose_name=_("state service 4"))
    traceability = models.TextField(blank=True, verbose_name=_("traceability"))
    qualification = models.TextField(blank=True, verbose_name=_("qualification"))
    childunder15 = models.BooleanField(null=True, blank=True, verbose_name=_("children under 15"))
    childunder15work = models.TextField(blank=True, verbose_name=_("children's tasks"))
    women = models.BooleanField(null=True, blank=True, verbose_name=_("women"))
    womenwork = models.TextField(blank=True, verbose_name=_("women's tasks"))

    history = HistoricalRecords(no_db_index=["key", "site", "import_run"])  # read per visit (its id)

    class Meta:
        ordering = ["site", "visit_date", "id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [
            models.Index(fields=["site", "visit_date"], name="visit_site_date"),
            # the open-data bbox and datetime filters: their counts read these indexes only (no table scan)
            models.Index(fields=["longitude", "latitude"], name="visit_lon_lat"),
            models.Index(fields=["visit_date"], name="visit_date"),
        ]

    def __str__(self) -> str:
        return f"{self.site.pcode} {self.visit_date} {self.project}"

    def own_key(self) -> str | None:
        """The key an import would find this visit by, for a visit no import wrote (a curator's, made by
        hand: it has no row digest); None for an imported visit, whose key stays the file's."""
        if self.row_hash or not self.visit_date or not self.site_id:
            return None
        from ramani.sites.ipis_read import visit_keys

        date = self.visit_date if isinstance(self.visit_date, str) else self.visit_date.isoformat()
        return visit_keys(self.vid or None, self.site.pcode, date, self.project)[0]

    def clean(self) -> None:
        super().clean()
        key = self.own_key()
        if key and Visit.objects.filter(key=key).exclude(pk=self.pk).exists():
            from django.core.exceptions import ValidationError

            raise ValidationError(_("Another visit already has this IPIS visit id, or this site, date and project."))

    def save(self, *args, **kwargs) -> None:
        key = self.own_key()
        if key:
            self.key = key
        super().save(*args, **kwargs)

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

    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="mineral_slots", db_index=False, verbose_name=_("visit")
    )
    position = models.PositiveSmallIntegerField(verbose_name=_("slot"))
    mineral = models.TextField(blank=True, verbose_name=_("mineral"))
    selling_points = models.TextField(blank=True, verbose_name=_("selling points"))
    final_destination = models.TextField(blank=True, verbose_name=_("final destination"))

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

    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="armed_groups", db_index=False, verbose_name=_("visit")
    )
    position = models.PositiveSmallIntegerField(verbose_name=_("slot"))
    name = models.TextField(blank=True, verbose_name=_("armed group"))
    type = models.TextField(blank=True, verbose_name=_("type"))
    frequency = models.TextField(blank=True, verbose_name=_("frequency"))
    taxation = models.BooleanField(null=True, blank=True, verbose_name=_("taxation"))
    commerce_taxation = models.BooleanField(null=True, blank=True, verbose_name=_("taxation of trade"))
    entrance_taxation = models.BooleanField(null=True, blank=True, verbose_name=_("entrance fee"))
    monopoly = models.BooleanField(null=True, blank=True, verbose_name=_("monopoly"))
    buying_minerals = models.BooleanField(null=True, blank=True, verbose_name=_("buying minerals"))
    digging = models.BooleanField(null=True, blank=True, verbose_name=_("digging"))
    forced_labour = models.BooleanField(null=True, blank=True, verbose_name=_("forced labour"))
    pillaging = models.BooleanField(null=True, blank=True, verbose_name=_("pillaging"))
    pit_ownership = models.BooleanField(null=True, blank=True, verbose_name=_("pit ownership"))

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

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="qualifications", verbose_name=_("site"))
    status = models.CharField(max_length=8, choices=rules.STATUS_CHOICES, verbose_name=_("status"))
    date = models.DateField(help_text=_("Date the status was decided or published."), verbose_name=_("date"))
    visit = models.OneToOneField(
        Visit,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="qualification_decision",
        help_text=_("The IPIS row this decision was read from, if any."),
        verbose_name=_("visit"),
    )
    reference = models.TextField(blank=True, help_text=_("Decree, directory or document."), verbose_name=_("reference"))

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
