"""Recompute a site's current view (name, place, coordinates, visit dates) from its visits.

Each attribute is the value of the latest visit (by date, then id) that has one, so a
qualification-only row with empty columns does not blank a site's name or place. One SQL
statement per batch, the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

TEXT_ATTRS = ("name", "location_origin", "province", "province_old", "territoire", "collectivite",
              "groupement", "village")
DEMO_SOURCE = "Ramani demo (synthetic)"
BATCH = 900

_LATEST = ("(SELECT v.{col} FROM sites_visit v WHERE v.site_id = sites_site.id AND {cond} "
           "ORDER BY v.visit_date DESC, v.id DESC LIMIT 1)")
_ALL = "(SELECT {agg} FROM sites_visit v WHERE v.site_id = sites_site.id)"
_SETS = ", ".join(
    [f"{a} = COALESCE({_LATEST.format(col=a, cond=f'v.{a} <> %s')}, %s)" for a in TEXT_ATTRS]
    + [f"{c} = {_LATEST.format(col=c, cond='v.longitude IS NOT NULL AND v.latitude IS NOT NULL')}"
       for c in ("longitude", "latitude")]
    + [f"first_visit_date = {_ALL.format(agg='MIN(v.visit_date)')}",
       f"last_visit_date = {_ALL.format(agg='MAX(v.visit_date)')}",
       f"visit_count = {_ALL.format(agg='COUNT(*)')}",
       "synthetic = EXISTS(SELECT 1 FROM sites_visit v WHERE v.site_id = sites_site.id AND v.source = %s)",
       "updated = %s"])


_ORDER = "ORDER BY visit_date DESC, id DESC"
_PG_AGG = ", ".join(
    [f"(array_agg({a} {_ORDER}) FILTER (WHERE {a} <> ''))[1] AS {a}" for a in TEXT_ATTRS]
    + [f"(array_agg({c} {_ORDER}) FILTER (WHERE longitude IS NOT NULL AND latitude IS NOT NULL))[1] AS {c}"
       for c in ("longitude", "latitude")]
    + ["MIN(visit_date) AS first_visit_date", "MAX(visit_date) AS last_visit_date", "COUNT(*) AS visit_count",
       "bool_or(source = %s) AS synthetic"])
_PG_UPDATE = (
    "UPDATE sites_site s SET "
    + ", ".join([f"{a} = COALESCE(a.{a}, '')" for a in TEXT_ATTRS]
                + [f"{c} = a.{c}" for c in ("longitude", "latitude", "first_visit_date", "last_visit_date",
                                             "visit_count", "synthetic")])
    + ", updated = %s FROM (SELECT site_id, " + _PG_AGG
    + " FROM sites_visit WHERE site_id = ANY(%s) GROUP BY site_id) a WHERE s.id = a.site_id")


def refresh(site_ids: list[int]) -> None:
    """Refresh the listed sites, then their admin pcodes."""
    from ramani.geo import assign

    now = timezone.now()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            _refresh_postgres(cur, site_ids, now)
        else:
            _refresh_portable(cur, site_ids, now)
    for i in range(0, len(site_ids), 5000):
        assign.admin_codes(site_ids[i:i + 5000])


def _refresh_portable(cur, site_ids: list[int], now) -> None:
    """Correlated subqueries per attribute (the (site, visit_date) index makes each a seek)."""
    for i in range(0, len(site_ids), BATCH):
        batch = site_ids[i:i + BATCH]
        marks = ", ".join(["%s"] * len(batch))
        params = ["", ""] * len(TEXT_ATTRS) + [DEMO_SOURCE, now] + list(batch)
        cur.execute(f"UPDATE sites_site SET {_SETS} WHERE id IN ({marks})", params)


def _refresh_postgres(cur, site_ids: list[int], now) -> None:
    """One pass over the visits with ordered aggregates; a site left with no visit gets zero counts."""
    for i in range(0, len(site_ids), 20_000):
        batch = list(site_ids[i:i + 20_000])
        cur.execute(_PG_UPDATE, [now, DEMO_SOURCE, batch])
        cur.execute("UPDATE sites_site s SET visit_count = 0, first_visit_date = NULL, last_visit_date = NULL, "
                    "updated = %s WHERE s.id = ANY(%s) AND NOT EXISTS "
                    "(SELECT 1 FROM sites_visit v WHERE v.site_id = s.id)", [now, batch])
