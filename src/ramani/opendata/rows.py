"""Pages of sites and visits straight from SQL: one query per page, plain tuples, no model instances.

The hot path of the OGC API and the REST API (issue 14): the filtered queryset only chooses the ids of the page
(`ORDER BY id LIMIT … OFFSET …`, compiled by Django as a subquery); one hand-written query then reads those rows
with everything a feature needs (a visit's mineral and armed-group slots, a site's decision in force and its latest
field visit) joined, and the caller serialises the dicts with orjson. The answers equal `features.site_features`
and `features.visit_features` value for value (tests/opendata/test_rows.py holds them together).

`numberMatched` is counted once per registry revision, day and filters in each process (`count`), so that a client
paging through a selection does not make the database count the same rows at every page.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from typing import Any

import orjson
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

from ramani.opendata import cache, features
from ramani.sites import armed
from ramani.sites import ipis_format as fmt
from ramani.sites import qualification as rules
from ramani.sites.models import VisitArmedGroup

SLOTS = (1, 2, 3)  # IPIS has three mineral and three armed-group slots per visit


def visit_expr(column: str) -> str:
    """The SQL expression of an IPIS column in the queries below (v: the visit, s: its site, m1…g3: its slots)."""
    if column == "pcode":
        return "s.pcode"
    t = fmt.TARGETS[column]
    alias = {"visit": "v", "mineral": f"m{t.slot}", "group": f"g{t.slot}"}[t.table]
    return f"{alias}.{t.field}"


SLOT_JOINS = "".join(
    f" LEFT JOIN sites_visitmineral m{n} ON m{n}.visit_id = v.id AND m{n}.position = {n}"
    f" LEFT JOIN sites_visitarmedgroup g{n} ON g{n}.visit_id = v.id AND g{n}.position = {n}"
    for n in SLOTS
)
_VISIT_COLUMNS = features.VISIT_PROPERTIES
_VISIT_SQL = (
    f"SELECT v.id, {', '.join(visit_expr(c) for c in _VISIT_COLUMNS)} "
    f"FROM ({{page}}) p JOIN sites_visit v ON v.id = p.id JOIN sites_site s ON s.id = v.site_id{SLOT_JOINS} "
    "ORDER BY v.id"
)
_VISIT_FLAGS = [i for i, c in enumerate(_VISIT_COLUMNS, 1) if fmt.KINDS[c] == fmt.FLAG]
_LON, _LAT = 1 + _VISIT_COLUMNS.index("longitude"), 1 + _VISIT_COLUMNS.index("latitude")
_DATE = 1 + _VISIT_COLUMNS.index("visit_date")

# the REST API's visit: its own fields (the model's order, without the internal ones), then the slots as lists
_REST_ORDER = [
    "id",
    "curated",
    "vid",
    "cid",
    "ipis_id",
    "source",
    "project",
    "name",
    "visit_date",
    "visit_onsite",
    "visit_onsite_novisitreason",
    "longitude",
    "latitude",
    "location_origin",
    "province",
    "province_old",
    "territoire",
    "collectivite",
    "groupement",
    "village",
    "workers_numb",
    "access_dry",
    "access_wet",
    "is_3t_mine",
    "is_gold_mine",
    "mercury",
    "presence",
    "interference",
    "mechanisation",
    "state_service1",
    "state_service2",
    "state_service3",
    "state_service4",
    "traceability",
    "qualification",
    "childunder15",
    "childunder15work",
    "women",
    "womenwork",
]
_REST_BOOL = [i for i, c in enumerate(_REST_ORDER) if fmt.KINDS.get(c) == fmt.FLAG]
_MINERAL = ("id", "position", *fmt.MINERAL_FIELDS)
_GROUP = ("id", "position", *fmt.GROUP_FIELDS)
_REST_SQL = (
    "SELECT s.pcode, "
    + ", ".join(f"v.{c}" for c in _REST_ORDER)
    + ", "
    + ", ".join(f"m{n}.{f}" for n in SLOTS for f in _MINERAL)
    + ", "
    + ", ".join(f"g{n}.{f}" for n in SLOTS for f in _GROUP)
    + f" FROM ({{page}}) p JOIN sites_visit v ON v.id = p.id JOIN sites_site s ON s.id = v.site_id{SLOT_JOINS}"
    " ORDER BY v.id"
)


_SITE_COLUMNS = features.SITE_FIELDS
_SITE_SQL = (
    "SELECT s.id, s.longitude, s.latitude, "
    + ", ".join(f"s.{c}" for c in _SITE_COLUMNS)
    + ", s.decision, lv.visit_date, lv.project, lv.workers_numb, lv.presence, lv.interference, "
    "lv.mercury, lv.childunder15, lv.women, "
    + ", ".join(f"m{n}.mineral" for n in SLOTS)
    + ", "
    + ", ".join(f"g{n}.name, g{n}.type, " + ", ".join(f"g{n}.{a}" for a in fmt.GROUP_ACTIVITIES) for n in SLOTS)
    # first the page's sites with their decision in force ("date status id") and the id of their latest field visit
    # (a LIMIT: computed before the joins, so that each join is a primary-key lookup)
    + " FROM (SELECT s.*, (SELECT q2.date || ' ' || q2.status || ' ' || q2.id FROM sites_qualification q2"
    " WHERE q2.site_id = s.id AND q2.date <= %s ORDER BY q2.date DESC, q2.id DESC LIMIT 1) AS decision,"
    " (SELECT v2.id FROM sites_visit v2 WHERE v2.site_id = s.id AND v2.project <> %s"
    " ORDER BY v2.visit_date DESC, v2.id DESC LIMIT 1) AS latest_id"
    " FROM ({page}) p JOIN sites_site s ON s.id = p.id LIMIT 1000000 OFFSET 0) s"
    " LEFT JOIN sites_visit lv ON lv.id = s.latest_id"
    + "".join(
        f" LEFT JOIN sites_visitmineral m{n} ON m{n}.visit_id = lv.id AND m{n}.position = {n}"
        f" LEFT JOIN sites_visitarmedgroup g{n} ON g{n}.visit_id = lv.id AND g{n}.position = {n}"
        for n in SLOTS
    )
    + " ORDER BY s.id"
)


def _page_sql(qs: QuerySet, offset: int, limit: int) -> tuple[str, tuple]:
    sql, params = qs.order_by("id").values("id")[offset : offset + limit].query.sql_with_params()
    return sql, tuple(params)


def _fetch(
    template: str, qs: QuerySet, offset: int, limit: int, before: tuple = (), key: tuple | None = None, id_at: int = 0
) -> list[tuple]:
    """Rows of `template` for the page; `before` are the template's parameters written before `{page}`. With the
    `key` of the selection, a page that starts where a page served before ended reads on from that page's last id
    (keyset) instead of counting `offset` rows again: a client following `next` links never pays a deep OFFSET."""
    anchor = anchors.get((*key, offset)) if key is not None and offset else None
    try:
        if anchor is not None:
            page, params = _page_sql(qs.filter(id__gt=anchor), 0, limit)
        elif key is not None and offset >= STEP:
            # a deep page nobody led to: from the id every STEP rows of the selection, at most STEP rows to skip
            marks = _steps(key, qs)
            if offset // STEP >= len(marks):
                return []
            page, params = _page_sql(qs.filter(id__gte=marks[offset // STEP]), offset % STEP, limit)
        else:
            page, params = _page_sql(qs, offset, limit)
    except EmptyResultSet:  # a filter that matches nothing by construction (id IN ())
        return []
    found = _run(template, page, params, before)
    if key is not None and found:
        anchors.put((*key, offset + len(found)), found[-1][id_at])
    return found


def _steps(key: tuple, qs: QuerySet) -> tuple[int, ...]:
    """The ids at positions 0, STEP, 2·STEP, … of the selection `key` by id (read once per revision, day and
    filters in each process, like its count): a page at any offset then skips fewer than STEP rows."""
    marks = steps.get(key)
    if marks is None:
        sql, params = qs.order_by().values("id").query.sql_with_params()
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT id FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM ({sql}) q) t"
                f" WHERE n %% {STEP} = 1 ORDER BY id",
                params,
            )
            marks = tuple(row[0] for row in cur.fetchall())
        steps.put(key, marks)
    return marks


def _run(template: str, page: str, params: tuple, before: tuple) -> list[tuple]:
    sql = template.replace("{page}", page)
    with connection.cursor() as cur:
        if connection.vendor != "postgresql":
            cur.execute(sql, (*before, *params))
            return cur.fetchall()
        # The joins are written in the order that reads the fewest rows; left to itself PostgreSQL spends more time
        # choosing among a dozen join orders (~3 ms) than running the query (~1 ms). One round trip: psycopg's
        # client-side cursor sends both statements in one implicit transaction, which SET LOCAL lasts.
        cur.execute("SET LOCAL join_collapse_limit = 1; " + sql, (*before, *params))
        cur.nextset()
        return cur.fetchall()


def _bool(value):
    return None if value is None else bool(value)


def _date(value) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else value.isoformat()


def visit_features(qs: QuerySet, offset: int, limit: int, key: tuple | None = None) -> list[dict]:
    """GeoJSON features of a page of the visits `qs` (by id): every IPIS column as a property.

    Built here from plain tuples on both databases: on PostgreSQL that costs less in all (database + Python CPU)
    than `row_to_json` in the query (a 100-row page: 4.0 against 5.2 ms; 1,000 rows: 32 against 35 ms), and on
    a machine whose cores the database shares with the web workers, total CPU is what bounds throughput."""
    rows = _fetch(_VISIT_SQL, qs, offset, limit, key=key)
    sqlite = connection.vendor == "sqlite"
    names = _VISIT_COLUMNS
    out = []
    for fetched in rows:
        row = list(fetched)
        if sqlite:
            for i in _VISIT_FLAGS:
                if row[i] is not None:
                    row[i] = bool(row[i])
        else:
            row[_DATE] = row[_DATE].isoformat()
        lon, lat = row[_LON], row[_LAT]
        out.append(
            {
                "type": "Feature",
                "id": row[0],
                "geometry": {"type": "Point", "coordinates": [lon, lat]}
                if lon is not None and lat is not None
                else None,
                "properties": dict(zip(names, row[1:])),
            }
        )
    return out


def visit_records(qs: QuerySet, offset: int, limit: int, key: tuple | None = None) -> list[dict]:
    """A page of visits as the REST API gives them: the visit's fields, its mineral and armed-group slots as lists
    (built from tuples, like `visit_features`)."""
    rows = _fetch(_REST_SQL, qs, offset, limit, key=key, id_at=1)
    sqlite = connection.vendor == "sqlite"
    n_fields = len(_REST_ORDER)
    curated_at = _REST_ORDER.index("curated")
    activities = VisitArmedGroup.ACTIVITIES
    out = []
    for row in rows:
        record = {"pcode": row[0]}
        values = list(row[1 : 1 + n_fields])
        if sqlite:
            for i in _REST_BOOL:
                if values[i] is not None:
                    values[i] = bool(values[i])
        if isinstance(values[curated_at], str):  # JSON text as stored: embedded as it is
            values[curated_at] = orjson.Fragment(values[curated_at])
        record.update(zip(_REST_ORDER, values))
        at = 1 + n_fields
        minerals = []
        for _n in SLOTS:
            slot = row[at : at + len(_MINERAL)]
            at += len(_MINERAL)
            if slot[0] is not None:
                minerals.append(dict(zip(_MINERAL[1:], slot[1:])))
        groups = []
        for _n in SLOTS:
            slot = row[at : at + len(_GROUP)]
            at += len(_GROUP)
            if slot[0] is not None:
                g = dict(zip(_GROUP[1:5], slot[1:5]))
                flags = dict(zip(fmt.GROUP_ACTIVITIES, slot[5:]))
                g["activities"] = [a for a in activities if flags[a]]
                groups.append(g)
        record["minerals"] = minerals
        record["armed_groups"] = groups
        record["visit_date"] = _date(record["visit_date"])
        out.append(record)
    return out


def site_features(
    qs: QuerySet, offset: int, limit: int, on: dt.date | None = None, key: tuple | None = None
) -> list[dict]:
    """GeoJSON features of a page of the sites `qs` (by id), each with its qualification on `on` (default today)
    and the attributes of its latest field visit."""
    on = on or dt.date.today()
    rows = _fetch(_SITE_SQL, qs, offset, limit, (on, rules.QUALIFICATION_PROJECT), key)
    sqlite = connection.vendor == "sqlite"
    n = len(_SITE_COLUMNS)
    out = []
    for row in rows:
        props = dict(zip(_SITE_COLUMNS, row[3 : 3 + n]))
        if sqlite:
            props["synthetic"] = _bool(props["synthetic"])
        props["first_visit_date"] = _date(props["first_visit_date"])
        props["last_visit_date"] = _date(props["last_visit_date"])
        decision, visit_date, project, workers, presence, interference, mercury, child, women = row[3 + n : 12 + n]
        m1, m2, m3 = row[12 + n : 15 + n]
        width = 2 + len(fmt.GROUP_ACTIVITIES)
        (g1, t1, *a1), (g2, t2, *a2), (g3, t3, *a3) = (
            row[15 + n + i * width : 15 + n + (i + 1) * width] for i in range(3)
        )
        slots = [armed.Group(t, tuple(a)) for t, a in ((t1, a1), (t2, a2), (t3, a3)) if t]
        if decision:  # "date status id" of the decision in force
            day, code, pk = decision.split(" ")
            status = rules.status_on([(dt.date.fromisoformat(day), code, int(pk))], on)
        else:
            status = rules.status_on([], on)
        props["qualification"] = status.status
        props["qualification_valid"] = status.valid
        props["qualification_decided_on"] = _date(status.decided_on)
        if visit_date is None:
            props.update(dict.fromkeys(features.LATEST_FIELDS))
        else:
            props.update(
                last_field_visit_date=_date(visit_date),
                project=project,
                workers_numb=workers,
                minerals=", ".join(m for m in (m1, m2, m3) if m),
                armed_presence=_bool(presence) if sqlite else presence,
                armed_interference=_bool(interference) if sqlite else interference,
                armed_class=armed.classify(presence, interference, slots),
                armed_groups=", ".join(g for g in (g1, g2, g3) if g),
                armed_group_types=", ".join(t for t in (t1, t2, t3) if t),
                mercury=_bool(mercury) if sqlite else mercury,
                child_labour=_bool(child) if sqlite else child,
                women=_bool(women) if sqlite else women,
            )
        lon, lat = row[1], row[2]
        geometry = {"type": "Point", "coordinates": [lon, lat]} if lon is not None and lat is not None else None
        out.append({"type": "Feature", "id": props["pcode"], "geometry": geometry, "properties": props})
    return out


class _Counts:
    """A bounded LRU of numbers in each process (numberMatched per selection, page anchors, steps)."""

    def __init__(self, size: int = 2048):
        self._lock = threading.Lock()
        self._size = size
        self._entries: OrderedDict[tuple, Any] = OrderedDict()

    def get(self, key: tuple) -> Any:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: tuple, value: Any) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


counts = _Counts()
anchors = _Counts(4096)  # (selection key, offset) -> id of the row before it, for keyset reads of next pages
STEP = 256
steps = _Counts(256)  # selection key -> ids every STEP rows (a deep page of a selection reads from the nearest)


def key(collection: str, params: dict[str, str]) -> tuple:
    """What a selection's count and page anchors are remembered by: the registry revision, the day (qualification
    is "as of today"), the collection and its filters."""
    return (cache.current_revision(), dt.date.today(), collection, tuple(sorted(params.items())))


def count(selection: tuple, qs: QuerySet) -> int:
    """`qs.count()`, remembered for the selection `key(…)` until the registry changes or the day turns."""
    value = counts.get(selection)
    if value is None:
        value = qs.count()
        counts.put(selection, value)
    return value
