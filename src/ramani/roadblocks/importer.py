"""`ramani import roadblocks`: all or nothing, re-runnable.

Every record is checked first; if any has a problem, nothing is written and every problem is
reported (row, column, value, reason). A roadblock is matched on its key (the file's `key`
column, else a digest of place name, coordinates and date): a re-import updates what changed and
leaves the rest untouched. Each point gets its admin units by point-in-polygon (ramani.geo).
A field a curator changed since the last import keeps the curator's value; a file that changes it
too is reported as a conflict, and `overwrite` lets the file win (ramani.curation). Every record
written gets a history row naming the import.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ramani import curation, dbutil
from ramani.curation import Conflict
from ramani.geo.assign import units_at
from ramani.roadblocks.formats import parse_record
from ramani.roadblocks.models import Roadblock
from ramani.roadblocks.read import read_records
from ramani.sites import revision
from ramani.sites.ipis_import import ImportFailed
from ramani.sites.ipis_read import FileProblem, Problem, nul_problems

MAX_PROBLEMS = 10_000
FIELDS = [
    "place_name",
    "latitude",
    "longitude",
    "date",
    "date_text",
    "operators",
    "operator_types",
    "barrier_types",
    "tax_targets",
    "toll_text",
    "toll_amount",
    "toll_currency",
    "toll_unit",
    "resources",
    "road_class",
    "violence_count",
    "violence_kinds",
    "source",
    "project",
    "synthetic",
    "province_pcode",
    "adm2_pcode",
    "territoire",
]


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)


def import_roadblocks(
    path: Path, project: str = "", today: dt.date | None = None, overwrite: bool = False
) -> ImportResult:
    """Import a roadblock file (.csv, .xlsx, .geojson, or the webmap API's .json); raises ImportFailed
    (nothing written) on bad input. `project` fills the project of records that name none; `overwrite`
    lets the file win over fields a curator changed since the last import (conflicts are reported)."""
    path = Path(path)
    today = today or dt.date.today()
    result = ImportResult()
    problems: list[Problem] = []
    parsed: list[dict] = []
    first_row: dict[str, int] = {}
    try:
        for row, record in read_records(path, result.warnings):
            result.rows += 1
            if "" in record:
                problems.append(Problem(row, "", "", record[""]))
                continue
            if nul := nul_problems(row, record):
                problems.extend(nul)
                continue
            values = parse_record(row, record, today, project)
            if isinstance(values, list):
                problems.extend(values)
                continue
            if values["key"] in first_row:
                column = "key" if record.get("key") else "place_name"
                problems.append(
                    Problem(
                        row,
                        column,
                        record.get(column, ""),
                        f"the same roadblock appears at row "
                        f"{first_row[values['key']]} too (same key, or same place, coordinates and date)",
                    )
                )
                continue
            first_row[values["key"]] = row
            parsed.append(values)
    except FileProblem as exc:
        raise ImportFailed(exc.problems, len(exc.problems)) from None
    if result.rows == 0:
        problems.append(Problem(0, "", "", "the file has no rows"))
    if problems:
        raise ImportFailed(problems[:MAX_PROBLEMS], len(problems))
    locate(parsed)
    with transaction.atomic():
        _write(parsed, result, first_row, curation.reason("roadblocks", path.name), overwrite)
        if result.created or result.updated:
            revision.bump()
    return result


def locate(rows: list[dict]) -> None:
    """Set province_pcode, adm2_pcode and territoire of each row from its point (empty without boundaries)."""
    units = units_at([(r["longitude"], r["latitude"]) for r in rows])
    for r, unit in zip(rows, units):
        r["adm2_pcode"] = unit.pcode if unit else ""
        r["province_pcode"] = unit.parent_pcode if unit else ""
        r["territoire"] = unit.name if unit else ""


def _write(rows: list[dict], result: ImportResult, row_of: dict[str, int], reason: str, overwrite: bool) -> None:
    existing = {rb.key: rb for rb in Roadblock.objects.filter(key__in=[r["key"] for r in rows])}
    new, changed = [], []
    now = timezone.now()
    for r in rows:
        old = existing.get(r["key"])
        if old is None:
            new.append(Roadblock(key=r["key"], imported=curation.baseline(r, FIELDS), **{f: r[f] for f in FIELDS}))
            continue
        if not curation.merge_fields(old, r, FIELDS, overwrite, result.conflicts, row_of.get(r["key"]), r["key"]):
            result.unchanged += 1
            continue
        old.updated = now
        changed.append(old)
    if new:
        bulk_create_with_history(new, Roadblock, batch_size=500, default_change_reason=reason)
    if changed:
        bulk_update_with_history(
            changed, Roadblock, [*FIELDS, "imported", "updated"], batch_size=500, default_change_reason=reason
        )
    result.created, result.updated = len(new), len(changed)
    dbutil.refresh_statistics([Roadblock], len(new) + len(changed))
