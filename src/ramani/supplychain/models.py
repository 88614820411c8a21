"""The supply-chain layers: trade points (trading depots, points of sale, mineral destinations), the links
from mining sites to the points their visits name, and zones of armed interference.

A file's texts are kept as written (dates, minerals, localities) beside what is read from them, so that an
import followed by an export gives the same file back. Each kind of trade point has a proxy model (Depot,
PointOfSale, Destination) whose manager holds only that kind: what an OGC API collection serves.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Max, Min
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ramani.supplychain import vocabularies as vocab

KIND_CHOICES = [(code, entry[3]) for code, entry in vocab.KINDS.items()]
GROUP_TYPE_CHOICES = [(code, entry[2]) for code, entry in vocab.GROUP_TYPES.items()]
ROLE_CHOICES = [("selling_points", _("Selling point")), ("final_destination", _("Final destination"))]


class TradePoint(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=KIND_CHOICES, db_index=True)
    key = models.CharField(
        _("key"),
        max_length=64,
        help_text=_("Import key: the file's `key` column, else a digest of name and coordinates."),
    )
    name = models.TextField(_("name"))
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    minerals = models.JSONField(
        _("minerals"), default=list, blank=True, help_text=_("Minerals handled, as the file names them.")
    )
    locality = models.TextField(
        _("locality"), blank=True, help_text=_("Town or village, as written (matched against visits).")
    )
    operator = models.TextField(_("operator"), blank=True, help_text=_("Who runs it (trader, comptoir, cooperative)."))
    country = models.CharField(_("country"), max_length=80, blank=True)
    date = models.DateField(
        _("date"), null=True, blank=True, help_text=_("When it was recorded (first day of a year or month).")
    )
    date_text = models.CharField(
        _("date as written"), max_length=40, blank=True, help_text=_("The date as the file wrote it.")
    )
    source = models.TextField(_("source"), blank=True)
    project = models.TextField(_("project"), blank=True, db_index=True)
    notes = models.TextField(_("notes"), blank=True)
    synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("Generated demo data, not a surveyed place.")
    )
    province_pcode = models.CharField(_("province pcode"), max_length=8, blank=True, db_index=True)
    adm2_pcode = models.CharField(_("territoire pcode"), max_length=8, blank=True, db_index=True)
    territoire = models.TextField(
        _("territoire"), blank=True, help_text=_("Name of the admin-2 unit, from the boundaries.")
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = _("trade point")
        verbose_name_plural = _("trade points")
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="tradepoint_unique_kind_key")]

    def __str__(self) -> str:
        return f"{self.name} ({vocab.KINDS[self.kind][3] if self.kind in vocab.KINDS else self.kind})"


class _KindManager(models.Manager):
    def __init__(self, kind: str):
        super().__init__()
        self.kind = kind

    def get_queryset(self):
        return super().get_queryset().filter(kind=self.kind)


class Depot(TradePoint):
    objects = _KindManager("depot")

    class Meta:
        proxy = True
        verbose_name = _("trading depot")


class PointOfSale(TradePoint):
    objects = _KindManager("point_of_sale")

    class Meta:
        proxy = True
        verbose_name = _("point of sale")
        verbose_name_plural = _("points of sale")


class Destination(TradePoint):
    objects = _KindManager("destination")

    class Meta:
        proxy = True
        verbose_name = _("mineral destination")


PROXIES = {"depot": Depot, "point_of_sale": PointOfSale, "destination": Destination}


class SiteLink(models.Model):
    """A mining site whose visits name a trade point, and how the name was matched: `method` is `name` (the
    point's name), `locality` (its town or village) or `gazetteer` (the text resolved to the same place as the
    point's locality); `score` (0-100) is how close the visit's text is to what it matched."""

    point = models.ForeignKey(
        TradePoint, on_delete=models.CASCADE, related_name="site_links", verbose_name=_("trade point")
    )
    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="trade_links", db_index=False, verbose_name=_("site")
    )
    role = models.CharField(_("role"), max_length=20, choices=ROLE_CHOICES)
    text = models.TextField(_("text"), help_text=_("The visit's words that matched, as written."))
    method = models.CharField(_("matching method"), max_length=12)
    matched = models.TextField(
        _("matched"), help_text=_("What the text matched: the point's name or locality, or the place.")
    )
    score = models.FloatField(_("score"))
    minerals = models.JSONField(_("minerals"), default=list)
    visits = models.PositiveIntegerField(_("visits"), help_text=_("Visits of the site naming it."))
    last_visit = models.DateField(_("last visit"), null=True)

    class Meta:
        ordering = ["point", "site"]
        verbose_name = _("site link")
        verbose_name_plural = _("site links")
        constraints = [models.UniqueConstraint(fields=["point", "site", "role"], name="sitelink_unique")]


class _ZoneQuerySet(models.QuerySet):
    def aggregate(self, *args, **kwargs):
        """The OGC API's extent asks Min/Max of longitude and latitude: a zone answers with its bounds."""
        bounds = {("Min", "longitude"): "minx", ("Max", "longitude"): "maxx"}
        bounds |= {("Min", "latitude"): "miny", ("Max", "latitude"): "maxy"}
        for name, expr in list(kwargs.items()):
            if isinstance(expr, (Min, Max)):
                source = expr.get_source_expressions()[0]
                field = bounds.get((type(expr).__name__, getattr(source, "name", "")))
                if field:
                    kwargs[name] = type(expr)(field)
        return super().aggregate(*args, **kwargs)


class InterferenceZone(models.Model):
    key = models.CharField(
        _("key"),
        max_length=64,
        unique=True,
        help_text=_("Import key: the file's `key` column, else a digest of the row."),
    )
    name = models.TextField(_("name"), blank=True)
    armed_group = models.TextField(_("armed group"), help_text=_("The armed group, as the source names it."))
    group_type = models.CharField(_("group type"), max_length=24, choices=GROUP_TYPE_CHOICES, default="unknown")
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_start_text = models.CharField(_("period start as written"), max_length=40, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True, help_text=_("Empty: still under way."))
    period_end_text = models.CharField(_("period end as written"), max_length=40, blank=True)
    source = models.TextField(_("source"))
    project = models.TextField(_("project"), blank=True, db_index=True)
    notes = models.TextField(_("notes"), blank=True)
    synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("Generated demo data, not a surveyed zone.")
    )
    geometry = models.BinaryField(_("geometry"), help_text=_("WKB (Polygon or MultiPolygon), WGS84"))
    minx = models.FloatField(_("minimum longitude"))
    miny = models.FloatField(_("minimum latitude"))
    maxx = models.FloatField(_("maximum longitude"))
    maxy = models.FloatField(_("maximum latitude"))
    area_km2 = models.FloatField(_("area (km²)"), help_text=_("Geodesic area."))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = _ZoneQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = _("interference zone")
        verbose_name_plural = _("interference zones")

    def __str__(self) -> str:
        return f"{self.name or self.armed_group} ({self.period_start_text or '?'}–{self.period_end_text})"


class Road(models.Model):
    """A road of an imported road layer (`ramani import roads`), the denominator of roadblocks per 100 km."""

    name = models.TextField(blank=True)
    road_class = models.CharField(max_length=40, blank=True, help_text="As the file gives it (highway, class…).")
    geometry = models.BinaryField(help_text="WKB (LineString or MultiLineString), WGS84")
    minx = models.FloatField()
    miny = models.FloatField()
    maxx = models.FloatField()
    maxy = models.FloatField()
    length_km = models.FloatField(help_text="Geodesic length.")
    source = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
