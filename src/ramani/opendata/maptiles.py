"""Vector tiles of mining sites for the webmap.

A compact index of every located site (numpy columns: Web-Mercator position, pcode, and the
attributes the map's layers colour by: qualification decisions, diggers band, mercury, child
labour, armed interference by group type, year of the latest field visit) is built once per
registry revision and shared by every tile request, so a tile costs a slice of arrays and the
encoding of the points in it, on SQLite and PostgreSQL alike.

The index is shared between processes too: the first process to need a revision builds it
(the others wait on a file lock) and writes its columns to one file of the data dir
(maptiles/sites-<database>-<revision>.bin, written to a temporary file then renamed); every
process, the builder included, then maps that file read-only, so the columns are page cache
that all web processes share instead of private memory in each. A new revision's file
replaces the older ones. Inside a transaction (tests; never a web request) the index is built
in memory only: uncommitted data is never written for other processes to read.

Filters (the open-data filters of `query.filter_sites`) become a boolean mask, cached per
revision and filter set (in each process). With a `year` filter, the layers colour each site by its
latest field visit of that year (the situation then), not by its latest visit.

Below zoom clusters.CLUSTER_MAX_ZOOM, the sites of a tile that share a 64-pixel cell become one
cluster feature (its count `n`, the most frequent and the most severe class of each property,
see ramani.opendata.clusters): a tile of 100,000 sites stays small and cheap to draw, and no site
is dropped from the counts.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import gc
import hashlib
import json
import logging
import math
import mmap
import os
import threading
from array import array
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import connection

from ramani.opendata import clusters, mvt, query
from ramani.sites import armed, diggers
from ramani.sites import qualification as rules
from ramani.sites.models import VisitArmedGroup

log = logging.getLogger(__name__)

LAYER = "sites"
# what the tiles hold and how (cluster cells, properties): part of the tile URLs' version, so that a browser never
# keeps a tile of the former drawing after an upgrade (2: 64 px cluster cells, clusters in their cell's inner half)
TILE_FORMAT = 2
BUFFER = 64  # tile units around the tile so that circles on an edge are not cut

ARMED = armed.CLASSES  # the "a" property: index into it, increasing severity
STATUS_CODES = [code for code, _ in rules.STATUS_CHOICES]


@dataclass
class Index:
    revision: int
    ids: np.ndarray  # site ids, sorted by mx
    mx: np.ndarray  # Web-Mercator x in 0..1
    my: np.ndarray  # Web-Mercator y in 0..1 (0 at the north edge)
    pcodes: "Codes"
    latest: "Attributes"  # from each site's latest field visit
    decisions: "Decisions"
    _status: dict = field(default_factory=dict)
    _years: dict = field(default_factory=dict)
    _caches: threading.Lock = field(default_factory=threading.Lock)
    _masks: OrderedDict = field(default_factory=OrderedDict)

    def status(self, on: dt.date) -> np.ndarray:
        """Index into STATUS_CODES of each site's qualification on `on` (legal validity applied)."""
        with self._caches:
            found = self._status.get(on)
        if found is not None:
            return found
        none = STATUS_CODES.index("none")
        codes = np.full(len(self.ids), none, dtype=np.int8)
        for i, decisions in self.decisions.by_site():
            codes[i] = STATUS_CODES.index(rules.status_on(decisions, on).status)
        with self._caches:
            if len(self._status) > 8:
                self._status.clear()
            self._status[on] = codes
        return codes

    def attributes(self, year: int | None = None) -> "Attributes":
        """Layer attributes from the latest field visit, or from the latest one of `year`."""
        if year is None:
            return self.latest
        with self._caches:
            found = self._years.get(year)
        if found is None:
            with connection.cursor() as cur:
                found = _attributes(cur, self.ids.tolist(), year)
            with self._caches:
                if len(self._years) > 20:
                    self._years.clear()
                self._years[year] = found
        return found

    def mask(self, params: dict[str, str]) -> np.ndarray | None:
        """Which sites pass the filters (None: all of them). Raises query.FilterError on a bad value."""
        active = {k: v for k, v in params.items() if v and k != "on"}
        if not active:
            if params.get("on"):
                query.parse_date("on", params["on"])
            return None
        key = tuple(sorted(params.items()))
        with self._caches:
            found = self._masks.get(key)
            if found is not None:
                self._masks.move_to_end(key)
                return found
        wanted = np.fromiter(query.filter_sites(params).values_list("id", flat=True), dtype=np.int64)
        result = np.isin(self.ids, wanted)
        with self._caches:
            self._masks[key] = result
            while len(self._masks) > 64:
                self._masks.popitem(last=False)
        return result


class Codes:
    """Short strings (pcodes) in one numpy array of bytes: ~12 bytes a site instead of a ~65-byte str object."""

    def __init__(self, values: list[str] | np.ndarray):
        if isinstance(values, np.ndarray):
            self._values = values  # already bytes (an index file's column)
        else:
            self._values = np.array([v.encode() for v in values], dtype=bytes)

    def __len__(self) -> int:
        return len(self._values)

    def __getitem__(self, i: int) -> str:
        return self._values[i].decode()


@dataclass
class Decisions:
    """Every site's qualification decisions as columns, sorted by site (row of the index)."""

    row: np.ndarray  # the site's position in Index.ids
    day: np.ndarray  # date.toordinal()
    status: np.ndarray  # index into STATUS_CODES
    pk: np.ndarray

    def by_site(self):
        """(row, [(date, status, id), …]) for each site with decisions, as rules.status_on takes them."""
        rows, days, statuses, pks = (a.tolist() for a in (self.row, self.day, self.status, self.pk))
        start = 0
        for end in range(1, len(rows) + 1):
            if end == len(rows) or rows[end] != rows[start]:
                yield (
                    rows[start],
                    [(dt.date.fromordinal(days[k]), STATUS_CODES[statuses[k]], pks[k]) for k in range(start, end)],
                )
                start = end


def mercator(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lat = np.clip(lat, -85.05112878, 85.05112878)
    mx = (lon + 180.0) / 360.0
    s = np.sin(np.radians(lat))
    my = 0.5 - np.log((1 + s) / (1 - s)) / (4 * math.pi)
    return mx, my


@dataclass
class Attributes:
    """What the layers colour by, from each site's latest field visit (of one year, or of all time)."""

    workers: np.ndarray  # band 0..3
    mercury: np.ndarray  # -1 unknown, 0, 1
    child: np.ndarray
    armed: np.ndarray  # index into ARMED
    year: np.ndarray  # year of that visit, 0 when none
    priority: np.ndarray  # its day number (thinning keeps the most recent)


def _attributes(cur, site_ids: list[int], year: int | None = None) -> Attributes:
    where = "project <> %s"
    args: list[object] = [rules.QUALIFICATION_PROJECT]
    if year is not None:
        where += " AND visit_date >= %s AND visit_date <= %s"
        args += [dt.date(year, 1, 1), dt.date(year, 12, 31)]
    # the latest visit of each site (ties: the larger id), chosen by the database, and the rows read
    # one at a time: a process never holds every older visit (a heap that stayed with each web process)
    latest_sql = (
        "SELECT id, site_id, visit_date, workers_numb, mercury, childunder15, presence, interference FROM ("
        "SELECT id, site_id, visit_date, workers_numb, mercury, childunder15, presence, interference, "
        "ROW_NUMBER() OVER (PARTITION BY site_id ORDER BY visit_date DESC, id DESC) AS rank "
        f"FROM sites_visit WHERE {where}) AS ranked WHERE rank = 1"
    )
    cur.execute(latest_sql, args)
    latest: dict[int, tuple] = {row[1]: row for row in cur}
    activities = ", ".join(f"g.{name}" for name in VisitArmedGroup.ACTIVITIES)
    cur.execute(
        f"SELECT g.visit_id, g.type, {activities} FROM sites_visitarmedgroup g "
        f"JOIN ({latest_sql}) AS latest ON latest.id = g.visit_id WHERE g.type <> '' ORDER BY g.visit_id, g.position",
        args,
    )
    groups: dict[int, list[armed.Group]] = {}
    for visit_id, kind, *acts in cur:
        flags = tuple(None if a is None else bool(a) for a in acts)
        groups.setdefault(visit_id, []).append(armed.Group(kind, flags))
    n = len(site_ids)
    out = Attributes(
        workers=np.zeros(n, dtype=np.int8),
        mercury=np.full(n, -1, dtype=np.int8),
        child=np.full(n, -1, dtype=np.int8),
        armed=np.zeros(n, dtype=np.int8),
        year=np.zeros(n, dtype=np.int16),
        priority=np.zeros(n, dtype=np.int32),
    )
    for i, site_id in enumerate(site_ids):
        row = latest.get(site_id)
        if row is None:
            continue
        visit_id, _, date, n_workers, hg, ch, presence, interference = row
        if isinstance(date, str):
            date = dt.date.fromisoformat(date)
        out.workers[i] = diggers.band(n_workers)
        out.mercury[i] = -1 if hg is None else int(bool(hg))
        out.child[i] = -1 if ch is None else int(bool(ch))
        out.armed[i] = ARMED.index(armed.classify(presence, interference, groups.get(visit_id, [])))
        out.year[i] = date.year
        out.priority[i] = date.toordinal()
    return out


def build() -> Index:
    from ramani.sites import revision

    number = revision.current()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id, pcode, longitude, latitude FROM sites_site "
            "WHERE longitude IS NOT NULL AND latitude IS NOT NULL "
            "AND longitude BETWEEN -180 AND 180 AND latitude BETWEEN -90 AND 90"
        )
        unsorted_ids, unsorted_pcodes, lon, lat = array("q"), [], array("d"), array("d")
        for site_id, pcode, longitude, latitude in cur:  # one row at a time, into compact columns
            unsorted_ids.append(site_id)
            unsorted_pcodes.append(pcode)
            lon.append(longitude)
            lat.append(latitude)
        mx, my = mercator(np.frombuffer(lon, dtype=np.float64), np.frombuffer(lat, dtype=np.float64))
        del lon, lat
        order = np.argsort(mx, kind="stable")
        ids_sorted = np.frombuffer(unsorted_ids, dtype=np.int64)[order]
        pcodes = [unsorted_pcodes[i] for i in order.tolist()]
        del unsorted_ids, unsorted_pcodes
        ids = ids_sorted.tolist()
        attributes = _attributes(cur, ids)
        cur.execute("SELECT site_id, date, status, id FROM sites_qualification")
        site, day, status, pk = array("q"), array("l"), array("b"), array("q")
        for site_id, date, code, decision_id in cur:
            if isinstance(date, str):
                date = dt.date.fromisoformat(date)
            site.append(site_id)
            day.append(date.toordinal())
            status.append(STATUS_CODES.index(code))
            pk.append(decision_id)
    decisions = _decisions(ids_sorted, site, day, status, pk)
    return Index(
        revision=number,
        ids=ids_sorted,
        mx=mx[order],
        my=my[order],
        pcodes=Codes(pcodes),
        latest=attributes,
        decisions=decisions,
    )


def _decisions(ids: np.ndarray, site: array, day: array, status: array, pk: array) -> Decisions:
    """The decisions of the located sites (those in `ids`), sorted by their row."""
    site_ids = np.frombuffer(site, dtype=np.int64) if len(site) else np.zeros(0, dtype=np.int64)
    by_id = np.argsort(ids, kind="stable")
    at = np.searchsorted(ids[by_id], site_ids)
    found = at < len(ids)
    found[found] = ids[by_id[at[found]]] == site_ids[found]
    rows = by_id[at[found]]
    order = np.argsort(rows, kind="stable")
    return Decisions(
        row=rows[order].astype(np.int32),
        day=np.array(day, dtype=np.int32)[found][order],
        status=np.array(status, dtype=np.int8)[found][order],
        pk=np.array(pk, dtype=np.int64)[found][order],
    )


# --- the index file shared by every process ------------------------------------------------------

MAGIC = b"RAMTILE1"
DATA_START = 4096  # the header (JSON) fits before it; each column starts on a 64-byte boundary
_ATTRIBUTES = ("workers", "mercury", "child", "armed", "year", "priority")
_DECISIONS = ("row", "day", "status", "pk")


def _columns(idx: Index) -> dict[str, np.ndarray]:
    out = {"ids": idx.ids, "mx": idx.mx, "my": idx.my, "pcodes": idx.pcodes._values}
    out |= {f"latest.{name}": getattr(idx.latest, name) for name in _ATTRIBUTES}
    out |= {f"decisions.{name}": getattr(idx.decisions, name) for name in _DECISIONS}
    return out


def write(idx: Index, path: Path) -> None:
    """The index's columns into `path`, atomically (a temporary file renamed over it)."""
    columns = {name: np.ascontiguousarray(a) for name, a in _columns(idx).items()}
    entries: list[tuple[str, str, int, int]] = []
    offset = 0
    for name, a in columns.items():
        entries.append((name, a.dtype.str, len(a), offset))
        offset += -(-a.nbytes // 64) * 64
    header = json.dumps({"revision": idx.revision, "columns": entries}).encode()
    if len(MAGIC) + 8 + len(header) > DATA_START:
        raise ValueError("index file header too long")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(MAGIC + len(header).to_bytes(8, "little") + header)
            for (_, _, _, at), a in zip(entries, columns.values()):
                f.seek(DATA_START + at)
                f.write(a.data)
            f.truncate(DATA_START + offset)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def read(path: Path) -> Index:
    """The index in `path`, its columns read-only views of the file mapped in memory (shared pages)."""
    with open(path, "rb") as f:
        mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    if mapped[: len(MAGIC)] != MAGIC:
        raise ValueError(f"{path}: not a tile index file")
    size = int.from_bytes(mapped[len(MAGIC) : len(MAGIC) + 8], "little")
    header = json.loads(mapped[len(MAGIC) + 8 : len(MAGIC) + 8 + size])
    columns = {
        name: np.frombuffer(mapped, dtype=np.dtype(dtype), count=count, offset=DATA_START + at)
        for name, dtype, count, at in header["columns"]
    }
    return Index(
        revision=header["revision"],
        ids=columns["ids"],
        mx=columns["mx"],
        my=columns["my"],
        pcodes=Codes(columns["pcodes"]),
        latest=Attributes(**{name: columns[f"latest.{name}"] for name in _ATTRIBUTES}),
        decisions=Decisions(**{name: columns[f"decisions.{name}"] for name in _DECISIONS}),
    )


def folder() -> Path:
    return Path(settings.DATA_DIR) / "maptiles"


def _database() -> str:
    """A short name of the database: two databases (tests' copies) never share a file of the same revision."""
    db = connection.settings_dict
    where = json.dumps([connection.vendor, str(db.get("NAME")), db.get("HOST") or "", str(db.get("PORT") or "")])
    return hashlib.sha256(where.encode()).hexdigest()[:12]


def path_of(number: int) -> Path:
    return folder() / f"sites-{_database()}-{number}.bin"


def _load(path: Path, number: int) -> Index | None:
    try:
        found = read(path)
    except (OSError, ValueError):
        return None
    return found if found.revision == number else None


def _release_heap() -> None:
    """Give the heap that building freed back to the system (glibc keeps it otherwise, as private RSS)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def shared(number: int) -> Index:
    """The index of revision `number` from its file, built and written first if no process did."""
    path = path_of(number)
    found = _load(path, number)
    if found is not None:
        return found
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / f".lock-{_database()}", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one process builds, the others wait for its file
        try:
            found = _load(path, number)
            if found is None:
                # no garbage collection while building (it makes no reference cycles): a collection would
                # write to every object this process inherited from the server's master when it forked,
                # turning their shared pages into private copies (~17 MB in a web worker)
                collecting = gc.isenabled()
                gc.disable()
                try:
                    built = build()
                finally:
                    if collecting:
                        gc.enable()
                path = path_of(built.revision)
                write(built, path)
                del built
                _release_heap()
                found = read(path)
            for old in path.parent.glob(f"sites-{_database()}-*.bin"):
                if old != path:
                    old.unlink(missing_ok=True)  # a process still mapping it keeps its pages until it moves on
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return found


_lock = threading.Lock()
_index: Index | None = None


def index() -> Index:
    """The index for the current registry revision (rebuilt when the registry changes)."""
    global _index
    from ramani.sites import revision

    number = revision.current()
    with _lock:
        if _index is None or _index.revision != number:
            if connection.in_atomic_block:
                _index = build()
            else:
                try:
                    _index = shared(number)
                except OSError as error:  # a data dir this process cannot write: its own index, in memory
                    log.warning("map tile index file: %s; the index is kept in this process only", error)
                    _index = build()
        return _index


def tile(z: int, x: int, y: int, params: dict[str, str], on: dt.date, idx: Index | None = None) -> bytes:
    """The MVT tile z/x/y of the sites passing `params`, coloured by their qualification on `on`
    (from `idx`, by default the current revision's index)."""
    if idx is None:
        idx = index()
    n = 1 << z
    scale = n * mvt.EXTENT
    pad = BUFFER / scale
    x0, x1 = x / n - pad, (x + 1) / n + pad
    y0, y1 = y / n - pad, (y + 1) / n + pad
    lo, hi = np.searchsorted(idx.mx, [x0, x1])
    sel = np.arange(lo, hi)
    if len(sel):
        sel = sel[(idx.my[sel] >= y0) & (idx.my[sel] < y1)]
    # a qualification filter depends on its date: the mask is cached per effective date
    mask = idx.mask(params | {"on": on.isoformat()} if params.get("qualification") else params)
    if mask is not None and len(sel):
        sel = sel[mask[sel]]
    px = np.floor((idx.mx[sel] * n - x) * mvt.EXTENT).astype(np.int64)
    py = np.floor((idx.my[sel] * n - y) * mvt.EXTENT).astype(np.int64)
    year = params.get("year", "").strip()
    attrs = idx.attributes(query.parse_year(year) if year else None)
    status = idx.status(on)
    layer = mvt.Layer(LAYER)
    if z < clusters.CLUSTER_MAX_ZOOM and len(sel):
        # clusters: only the tile's own sites (a cell belongs to one tile), no buffer
        inside = (px >= 0) & (px < mvt.EXTENT) & (py >= 0) & (py < mvt.EXTENT)
        sel, px, py = sel[inside], px[inside], py[inside]
        sel, px, py = _add_clusters(layer, z, x, y, sel, px, py, status, attrs)
    for i, tx, ty in zip(sel.tolist(), px.tolist(), py.tolist()):
        props = {
            "pcode": idx.pcodes[i],
            "q": STATUS_CODES[status[i]],
            "w": int(attrs.workers[i]),
            "a": ARMED[attrs.armed[i]],
            "y": int(attrs.year[i]),
        }
        if attrs.mercury[i] >= 0:
            props["hg"] = int(attrs.mercury[i])
        if attrs.child[i] >= 0:
            props["ch"] = int(attrs.child[i])
        layer.add(int(idx.ids[i]), tx, ty, props)
    return mvt.encode([layer])


_Q_RANK = np.array([clusters.QUALIFICATION_SEVERITY.index(code) for code in STATUS_CODES], dtype=np.int64)


def _add_clusters(layer: mvt.Layer, z: int, x: int, y: int, sel, px, py, status, attrs: Attributes):
    """Add the clusters of these sites to `layer`; the sites alone in their cell (sel, px, py) are returned."""
    found = clusters.group(
        px,
        py,
        {
            "q": _Q_RANK[status[sel]],
            "w": attrs.workers[sel],
            "a": attrs.armed[sel],
            "hg": attrs.mercury[sel] + 1,
            "ch": attrs.child[sel] + 1,
        },
    )
    for k in range(len(found.count)):
        props: dict[str, object] = {"n": int(found.count[k])}
        for suffix, codes in (("", found.dominant), ("_max", found.severe)):
            props["q" + suffix] = clusters.QUALIFICATION_SEVERITY[codes["q"][k]]
            props["w" + suffix] = int(codes["w"][k])
            props["a" + suffix] = ARMED[codes["a"][k]]
            for name in ("hg", "ch"):
                if codes[name][k] > 0:  # 0: not recorded, as a site without the property
                    props[name + suffix] = int(codes[name][k]) - 1
        fid = clusters.feature_id(z, x, y, found.cell[k])
        layer.add(fid, int(found.x[k]), int(found.y[k]), props)
    alone = found.singles
    return sel[alone], px[alone], py[alone]
