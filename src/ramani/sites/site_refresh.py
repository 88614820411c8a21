"""Recompute a site's current view (name, place, coordinates, visit dates) from its visits.

Each attribute is the value of the latest visit (by date, then id) that has one, so a
qualification-only row with empty columns does not blank a site's name or place. Done in
grouped passes over the visits (one per attribute on SQLite, one in all on PostgreSQL)
rather than a lookup per site and attribute.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from django.db import connection
from django.utils import timezone

from ramani.sites import ipis_format as fmt

TEXT_ATTRS = (
    "name",
    "location_origin",
    "province",
    "province_old",
    "territoire",
    "collectivite",
    "groupement",
    "village",
)
DEMO_SOURCE = "Ramani demo (synthetic)"
_ORDER = "ORDER BY visit_date DESC, id DESC"
_PG_AGG = ", ".join(
    [f"(array_agg({a} {_ORDER}) FILTER (WHERE {a} <> ''))[1] AS {a}" for a in TEXT_ATTRS]
    + [
        f"(array_agg({c} {_ORDER}) FILTER (WHERE longitude IS NOT NULL AND latitude IS NOT NULL))[1] AS {c}"
        for c in ("longitude", "latitude")
    ]
    + [
        "MIN(visit_date) AS first_visit_date",
        "MAX(visit_date) AS last_visit_date",
        "COUNT(*) AS visit_count",
        "bool_or(source = %s) AS synthetic",
    ]
)
_PG_UPDATE = (
    "UPDATE sites_site s SET "
    + ", ".join(
        [f"{a} = COALESCE(a.{a}, '')" for a in TEXT_ATTRS]
        + [
            f"{c} = a.{c}"
            for c in ("longitude", "latitude", "first_visit_date", "last_visit_date", "visit_count", "synthetic")
        ]
    )
    + ", updated = %s FROM (SELECT site_id, "
    + _PG_AGG
    + " FROM sites_visit WHERE site_id = ANY(%s) GROUP BY site_id) a WHERE s.id = a.site_id"
)


def refresh(site_ids: list[int], admin_codes: bool = True) -> None:
    """Refresh the listed sites from their visits in the database, then their admin pcodes."""
    if site_ids:
        now = timezone.now()
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                _refresh_postgres(cur, site_ids, now)
            else:
                _refresh_sqlite(cur, site_ids, now)
    if admin_codes:
        assign_admin_codes(site_ids)


def assign_admin_codes(site_ids: list[int]) -> None:
    from ramani.geo import assign

    for i in range(0, len(site_ids), 5000):
        assign.admin_codes(site_ids[i : i + 5000])


class SiteFold:
    """The current view of sites met for the first time in an import, built from their rows as
    they stream past (so the import needs no second pass over the visits for them).

    Memory stays bounded: past `limit` sites the importer inserts what it has (`flush`) and
    treats those sites as existing from then on (a later row of one of them refreshes it in SQL).
    """

    limit = 10_000

    # per site: [pcode, 8 text attrs, lon, lat, first, last, count, synthetic, [8 attr orders, coord order]]
    _attrs = staticmethod(itemgetter(*(fmt.COLUMN_INDEX[a] for a in TEXT_ATTRS)))
    _SOURCE = fmt.COLUMN_INDEX["source"]

    def __init__(self) -> None:
        self.sites: dict[int, list] = {}

    def __contains__(self, site_id: int) -> bool:
        return site_id in self.sites

    def __iter__(self):
        return iter(self.sites)

    def start(self, site_id: int, pcode: str) -> None:
        self.sites[site_id] = [pcode, "", "", "", "", "", "", "", "", None, None, None, None, 0, False, [None] * 9]

    def add(self, site_id: int, texts: list[str], date, visit_id: int, lon: float | None, lat: float | None) -> None:
        s = self.sites[site_id]
        order = (date, visit_id)
        orders = s[15]
        for j, value in enumerate(self._attrs(texts)):
            if value and (orders[j] is None or order > orders[j]):
                s[1 + j] = value
                orders[j] = order
        if lon is not None and lat is not None and (orders[8] is None or order > orders[8]):
            s[9], s[10], orders[8] = lon, lat, order
        if s[11] is None or date < s[11]:
            s[11] = date
        if s[12] is None or date > s[12]:
            s[12] = date
        s[13] += 1
        s[14] = s[14] or texts[self._SOURCE] == DEMO_SOURCE

    def full(self) -> bool:
        return len(self.sites) >= self.limit

    def insert(self, now) -> list[int]:
        """Insert the sites held and forget them; returns their ids."""
        from ramani import dbutil
        from ramani.sites.models import Site

        columns = [
            "id",
            "pcode",
            *TEXT_ATTRS,
            "longitude",
            "latitude",
            "first_visit_date",
            "last_visit_date",
            "visit_count",
            "synthetic",
            "province_pcode",
            "adm2_pcode",
            "created",
            "updated",
            "curated",
        ]
        from ramani.geo.provinces import pcode_of

        rows = [(pk, *s[:15], pcode_of(s[3]), "", now, now, "{}") for pk, s in self.sites.items()]
        for i in range(0, len(rows), 5000):
            dbutil.insert_many(Site, columns, rows[i : i + 5000])
        ids = list(self.sites)
        self.sites.clear()
        return ids


def _refresh_sqlite(cur, site_ids: list[int], now) -> None:
    """One ordered scan of the touched sites' visits, folded in Python (later visits overwrite)."""
    cur.execute("CREATE TEMP TABLE IF NOT EXISTS refresh_ids (id INTEGER PRIMARY KEY)", [])
    cur.execute("DELETE FROM refresh_ids", [])
    cur.executemany("INSERT INTO refresh_ids (id) VALUES (%s)", [(pk,) for pk in site_ids])
    columns = [*TEXT_ATTRS, "longitude", "latitude", "first_visit_date", "last_visit_date", "visit_count", "synthetic"]
    update = f"UPDATE sites_site SET {', '.join(f'{c} = %s' for c in columns)}, updated = %s WHERE id = %s"
    n = len(TEXT_ATTRS)
    pending: list[tuple] = []
    current: Any = None  # the site being gathered: a list of its attributes
    current_id = None

    def close() -> None:
        if current is not None:
            pending.append((*current, now, current_id))
            if len(pending) >= 2000:
                write.executemany(update, pending)
                pending.clear()

    with connection.cursor() as write:
        cur.execute(
            f"SELECT v.site_id, {', '.join('v.' + a for a in TEXT_ATTRS)}, v.longitude, v.latitude, "
            "v.visit_date, v.source FROM sites_visit v JOIN refresh_ids r ON r.id = v.site_id "
            "ORDER BY v.site_id, v.visit_date, v.id",
            [],
        )
        while rows := cur.fetchmany(5000):
            for site_id, *values in rows:
                if site_id != current_id:
                    close()
                    current_id = site_id
                    current = ["", "", "", "", "", "", "", "", None, None, values[n + 2], None, 0, False]
                for j in range(n):
                    if values[j]:
                        current[j] = values[j]
                if values[n] is not None and values[n + 1] is not None:
                    current[n], current[n + 1] = values[n], values[n + 1]
                current[11] = values[n + 2]
                current[12] += 1
                current[13] = current[13] or values[n + 3] == DEMO_SOURCE
        close()
        if pending:
            write.executemany(update, pending)
        # sites whose last visit went away
        write.execute(
            "UPDATE sites_site SET visit_count = 0, first_visit_date = NULL, last_visit_date = NULL, "
            "updated = %s WHERE id IN (SELECT id FROM refresh_ids) AND NOT EXISTS "
            "(SELECT 1 FROM sites_visit v WHERE v.site_id = sites_site.id)",
            [now],
        )


def _refresh_postgres(cur, site_ids: list[int], now) -> None:
    """One pass over the visits with ordered aggregates; a site left with no visit gets zero counts."""
    for i in range(0, len(site_ids), 20_000):
        batch = list(site_ids[i : i + 20_000])
        cur.execute(_PG_UPDATE, [now, DEMO_SOURCE, batch])
        cur.execute(
            "UPDATE sites_site s SET visit_count = 0, first_visit_date = NULL, last_visit_date = NULL, "
            "updated = %s WHERE s.id = ANY(%s) AND NOT EXISTS "
            "(SELECT 1 FROM sites_visit v WHERE v.site_id = s.id)",
            [now, batch],
        )
