"""Re-imported visits meet the curators' edits (ramani.curation's rule), and leave history.

A visit whose row changed in the file is merged field by field. Its baseline (what the last import
wrote) is the last history row an import made for it, overlaid with its `curated` field (the
values an import left to a curator, which that history row does not show). Only visits edited since
that history row (a later history row, from the admin) or holding curated values are compared;
the others take the file's values as they are.

A visit's minerals, armed groups and qualification are slots (a mineral or armed group per
position, one qualification): a slot the file leaves as it is, is not written; one it changes is
updated in place (a qualification keeps its curator-entered reference); a slot a curator edited
since the last import (its latest history row is not an import's) is decided as a whole by the same
rule, its baseline being the last import's history row of it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from ramani import curation, dbutil
from ramani.curation import UNKNOWN, Conflict, copy_to_history, decide, deleted_to_history, plain
from ramani.sites import ipis_format as fmt
from ramani.sites.ipis_read import VISIT_VALUE_FIELDS, ParsedRow
from ramani.sites.models import Qualification, Visit, VisitArmedGroup, VisitMineral

# compared field by field: every value but the vid (the visit's identity), and the site
COMPARED = [f for f in VISIT_VALUE_FIELDS if f != "vid"] + ["site_id"]
_AT = {f: i for i, f in enumerate(VISIT_VALUE_FIELDS)}
COLUMN_OF = {fmt.TARGETS[c].field: c for c in fmt.VISIT_COLUMNS} | {"site_id": "pcode"}
VISIT_UPDATE = ["site_id", "key", "row_hash", "import_run_id", "curated", *VISIT_VALUE_FIELDS]


@dataclass(frozen=True)
class SlotKind:
    model: Any  # a model class
    values: tuple[str, ...]  # compared and written
    label: str  # the conflict's field: label + position (qualification: label alone)

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def positioned(self) -> bool:
        return self.model is not Qualification


MINERALS = SlotKind(VisitMineral, fmt.MINERAL_FIELDS, "mineral")
GROUPS = SlotKind(VisitArmedGroup, fmt.GROUP_FIELDS, "armed_group")
QUALIFICATION = SlotKind(Qualification, ("status", "date"), "qualification")


def file_slots(r: ParsedRow) -> dict[SlotKind, dict[int, tuple]]:
    """The row's slots as the file gives them: kind -> {position: values}."""
    return {
        MINERALS: {m[0]: tuple(m[1:]) for m in r.minerals},
        GROUPS: {g[0]: tuple(g[1:]) for g in r.groups},
        QUALIFICATION: {0: (r.qualification, r.date_text)} if r.qualification else {},
    }


def _json(value: Any) -> dict:
    if isinstance(value, str):
        value = json.loads(value or "{}")
    return value or {}


def _where_in(sql_head: str, ids: list[int]) -> list[tuple]:
    """`sql_head IN (...)` over `ids` in slices any backend takes."""
    out: list[tuple] = []
    with connection.cursor() as cur:
        for i in range(0, len(ids), 900):
            part = ids[i : i + 900]
            cur.execute(f"{sql_head} IN ({', '.join(['%s'] * len(part))})", part)
            out.extend(cur.fetchall())
    return out


def _slot_text(values: tuple | None) -> str:
    return "" if values is None else " / ".join(curation.show(v) for v in values)


@dataclass
class Merger:
    """Merges one chunk of changed visits after another; conflicts gather across chunks."""

    overwrite: bool
    reason: str
    now: dt.datetime
    id_state: dict
    conflicts: list[Conflict] = field(default_factory=list)
    conflict_count: int = 0

    def _conflict(self, row: int, key: str, name: str, curator: Any, file: Any) -> None:
        self.conflict_count += 1
        if len(self.conflicts) < curation.MAX_CONFLICTS:
            self.conflicts.append(Conflict(row, key, name, curator, file))

    def add(self, conflicts: list[Conflict]) -> None:
        """Conflicts found elsewhere in the same import (a site's own fields: ramani.sites.site_merge)."""
        for c in conflicts:
            self._conflict(c.row, c.key, c.field, c.curator_value, c.file_value)

    # -- the visits ---------------------------------------------------------------------------------

    def merge(self, changed: list[tuple[int, ParsedRow]], site_of: dict[str, int], run_id: int) -> set[int]:
        """Write the changed visits and their slots; returns the sites they are on now."""
        ids = [pk for pk, _ in changed]
        state = {
            pk: (_json(cur), last_import, last_any)
            for pk, cur, last_import, last_any in dbutil.select_where_in(
                "SELECT v.id, v.curated, "
                "(SELECT MAX(h.history_id) FROM sites_historicalvisit h WHERE h.id = v.id "
                f"AND h.history_change_reason LIKE '{curation.IMPORT_PREFIX}%%'), "
                "(SELECT MAX(h.history_id) FROM sites_historicalvisit h WHERE h.id = v.id) FROM sites_visit v",
                "id",
                ids,
            )
        }
        edited = [pk for pk, (cur, last_import, last_any) in state.items() if cur or last_any != last_import]
        current: dict[int, dict] = {}
        baseline: dict[int, dict] = {}
        if edited:
            for pk, *values in Visit.objects.filter(id__in=edited).values_list("id", *COMPARED):
                current[pk] = {f: plain(v) for f, v in zip(COMPARED, values)}
            history = Visit.history.model.objects
            last_rows = [state[pk][1] for pk in edited if state[pk][1] is not None]
            for pk, *values in history.filter(history_id__in=last_rows).values_list("id", *COMPARED):
                baseline[pk] = {f: plain(v) for f, v in zip(COMPARED, values)}
        updates, held_site = [], {}
        for pk, r in changed:
            values = list(r.values)
            site = site_of[r.pcode]
            kept: dict[str, Any] = {}
            if pk in current:
                now_values = current[pk]
                base = {**baseline.get(pk, dict.fromkeys(COMPARED, UNKNOWN)), **state[pk][0]}
                key = f"{r.pcode} {r.key}"
                for f in COMPARED:
                    incoming = site if f == "site_id" else plain(values[_AT[f]])
                    value, last, conflict = decide(now_values[f], base.get(f, UNKNOWN), incoming, self.overwrite)
                    if conflict:
                        self._conflict(r.row, key, COLUMN_OF[f], now_values[f], incoming)
                    if value != last:
                        kept[f] = last
                    if f == "site_id":
                        site = value
                    else:
                        values[_AT[f]] = value
            held_site[pk] = site
            updates.append((site, r.key, r.row_hash, run_id, json.dumps(kept), *values, pk))
        dbutil.update_many(Visit, VISIT_UPDATE, updates)
        copy_to_history(Visit, "id", ids, "~", self.reason, self.now)
        self._resolve_site_conflicts()
        for kind in (MINERALS, GROUPS, QUALIFICATION):
            self._slots(kind, changed, held_site)
        return set(held_site.values())

    def _resolve_site_conflicts(self) -> None:
        """Conflicts on the site name the pcodes, not the ids (looked up once, for the few there are)."""
        ids = {v for c in self.conflicts if c.field == "pcode" for v in (c.curator_value, c.file_value)}
        ids = {i for i in ids if isinstance(i, int)}
        if not ids:
            return
        pcode = dict(dbutil.select_where_in("SELECT id, pcode FROM sites_site", "id", sorted(ids)))
        self.conflicts = [
            Conflict(c.row, c.key, c.field, pcode.get(c.curator_value, c.curator_value), pcode.get(c.file_value))
            if c.field == "pcode" and isinstance(c.file_value, int)
            else c
            for c in self.conflicts
        ]

    # -- the slots ----------------------------------------------------------------------------------

    def _slots(self, kind: SlotKind, changed: list[tuple[int, ParsedRow]], held_site: dict[int, int]) -> None:
        ids = [pk for pk, _ in changed]
        position = "position" if kind.positioned else "0"
        cols = ", ".join(kind.values)
        current: dict[tuple[int, int], tuple[int, tuple]] = {}
        for visit_id, pos, pk, *values in dbutil.select_where_in(
            f'SELECT visit_id, {position}, id, {cols} FROM "{kind.table}"', "visit_id", ids
        ):
            current[(visit_id, pos)] = (pk, tuple(plain(v) for v in values))
        baseline = self._slot_baselines(kind, ids, position)
        inserts, updates, deletes, touched = [], [], [], []
        for visit_id, r in changed:
            wanted = file_slots(r)[kind]
            positions = (
                wanted.keys() | {p for (v, p) in current if v == visit_id} | {p for (v, p) in baseline if v == visit_id}
            )
            for pos in sorted(positions):
                held = current.get((visit_id, pos))
                now_values = held[1] if held else None
                incoming = wanted.get(pos)
                if (visit_id, pos) in baseline:
                    last = baseline[(visit_id, pos)]
                    value, _, conflict = decide(now_values, last, incoming, self.overwrite)
                    if conflict:
                        name = f"{kind.label}{pos}" if kind.positioned else kind.label
                        self._conflict(r.row, f"{r.pcode} {r.key}", name, _slot_text(now_values), _slot_text(incoming))
                    if value == now_values and held and value == incoming:
                        touched.append(held[0])  # the file agrees with the curator: the baseline moves
                else:
                    value = incoming
                if value == now_values:
                    continue
                if value is None:
                    deletes.append(held[0] if held else None)
                elif held is None:
                    inserts.append((visit_id, pos, value))
                else:
                    updates.append((held[0], visit_id, value))
        self._write_slots(kind, inserts, updates, [d for d in deletes if d is not None], touched, held_site)

    def _slot_baselines(self, kind: SlotKind, ids: list[int], position: str) -> dict[tuple[int, int], Any]:
        """(visit, position) -> the slot as the last import left it (None: it had none), for the slots a
        curator edited, added or deleted since (their latest history row is not an import's)."""
        history = kind.model.history.model._meta.db_table
        pos = f"h.{position}" if kind.positioned else "0"
        latest = _where_in(
            f'SELECT h.id, h.visit_id, {pos}, h.history_change_reason FROM "{history}" h '
            f'WHERE h.history_id = (SELECT MAX(h2.history_id) FROM "{history}" h2 WHERE h2.id = h.id) AND h.visit_id',
            ids,
        )
        edited = {pk: (visit, p) for pk, visit, p, why in latest if not curation.by_import(why)}
        if not edited:
            return {}
        out: dict[tuple[int, int], Any] = {where: None for where in edited.values()}
        cols = ", ".join(f"h.{c}" for c in kind.values)
        for _pk, visit, p, *values in _where_in(
            f"SELECT h.id, h.visit_id, {pos}, {cols} FROM \"{history}\" h WHERE h.history_type <> '-' AND "
            f'h.history_id = (SELECT MAX(h2.history_id) FROM "{history}" h2 WHERE h2.id = h.id AND '
            f"h2.history_change_reason LIKE '{curation.IMPORT_PREFIX}%%') AND h.id",
            list(edited),
        ):
            out[(visit, p)] = tuple(plain(v) for v in values)
        return out

    def _write_slots(self, kind, inserts, updates, deletes, touched, held_site) -> None:
        model, now, reason = kind.model, self.now, self.reason
        if deletes:
            cols = ", ".join(f'"{c}"' for c in curation.history_columns(model))
            rows = dbutil.select_where_in(f'SELECT {cols} FROM "{kind.table}"', "id", deletes)
            deleted_to_history(model, rows, reason, now)
            dbutil.delete_where_in(model, "id", deletes)
        if updates:
            if kind.positioned:
                dbutil.update_many(model, list(kind.values), [(*v, pk) for pk, _visit, v in updates])
            else:
                dbutil.update_many(
                    model, ["site_id", *kind.values], [(held_site[visit], *v, pk) for pk, visit, v in updates]
                )
            copy_to_history(model, "id", [pk for pk, _, _ in updates], "~", reason, now)
        if inserts:
            ids = dbutil.reserve_ids(model, len(inserts), self.id_state)
            if kind.positioned:
                dbutil.insert_many(
                    model,
                    ["id", "visit_id", "position", *kind.values],
                    [(pk, visit, pos, *v) for pk, (visit, pos, v) in zip(ids, inserts)],
                )
            else:
                dbutil.insert_many(
                    model,
                    ["id", "site_id", "visit_id", "reference", *kind.values],
                    [(pk, held_site[visit], visit, "", *v) for pk, (visit, _pos, v) in zip(ids, inserts)],
                )
            copy_to_history(model, "id", ids, "+", reason, now)
        if touched:
            copy_to_history(model, "id", touched, "~", reason, now)
        if not kind.positioned:
            self._follow_site(held_site)

    def _follow_site(self, held_site: dict[int, int]) -> None:
        """A qualification stays on its visit's site when the visit moves."""
        rows = [(site, visit) for visit, site in held_site.items()]
        with connection.cursor() as cur:
            cur.executemany(
                "UPDATE sites_qualification SET site_id = %s WHERE visit_id = %s AND site_id <> %s",
                [(s, v, s) for s, v in rows],
            )
