"""Imports keep the curators' work and leave history: one rule for a field an import meets again.

An import knows, per field, what the last import wrote there (its *baseline*). A field whose current
value differs from its baseline was changed by a curator since. `decide` is the rule every importer
applies to such a field:

- not changed since the last import: the file's value is written;
- changed by a curator, and the file brings the curator's value: nothing to do (the baseline moves);
- changed by a curator, and the file brings the baseline again: the curator's value stays, silently
  (the file has nothing new to say about that field);
- changed by a curator, and the file brings a third value: a **conflict**, reported (row, record,
  field, curator's value, file's value); the curator's value stays unless `overwrite`, and the
  baseline stays where it was, so the conflict is reported again until someone resolves it;
- a record a curator made by hand (no import wrote it, its baseline is UNKNOWN): a field holding the
  file's value, or left empty, takes the file's value; one holding another value is a conflict.

Where the baseline is kept depends on the table's size: small tables (settlements, roadblocks) keep
it per row in an `imported` JSON field; the visit table finds it in the last history row an import
wrote, plus a sparse `curated` field for the values an import left to a curator (ramani.sites).

History is written in bulk: `copy_to_history` is one INSERT … SELECT from the table into its
django-simple-history table, with a history_change_reason naming the import (`reason`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connection

IMPORT_PREFIX = "import "
MAX_CONFLICTS = 10_000


def reason(kind: str, name: str) -> str:
    """The history_change_reason of rows an import writes; always starts with IMPORT_PREFIX."""
    return f"{IMPORT_PREFIX}{kind} {name}"[:100]


def by_import(change_reason: str | None) -> bool:
    return bool(change_reason) and str(change_reason).startswith(IMPORT_PREFIX)


@dataclass(frozen=True)
class Conflict:
    """A field a curator changed since the last import that the file now changes too."""

    row: Any  # the file's row number (or a submission's reference)
    key: str  # the record: a pcode and visit, a settlement's key, a roadblock's key
    field: str
    curator_value: Any
    file_value: Any

    def __str__(self) -> str:
        return (
            f"row {self.row} · {self.key} · {self.field}: curator {_quoted(self.curator_value)}, "
            f"file {_quoted(self.file_value)}"
        )


def _quoted(value: Any) -> str:
    return repr(value) if isinstance(value, str) else "empty" if value is None else str(value)


def show(value: Any) -> str:
    return "" if value is None else str(value)


class _Unknown:
    """The baseline of a record no import wrote (a curator made it by hand): a field where the file
    brings the curator's value is no conflict, nor one the curator left empty (the file fills it);
    a field holding another value is."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


def decide(current: Any, last: Any, incoming: Any, overwrite: bool) -> tuple[Any, Any, bool]:
    """(value to hold, new baseline, conflict?) for one field; see the module's docstring."""
    if current == last or incoming == current or (last is UNKNOWN and current in (None, "")):
        return incoming, incoming, False
    if incoming == last:
        return current, last, False
    if overwrite:
        return incoming, incoming, True
    return current, (incoming if last is UNKNOWN else last), True


def plain(value: Any) -> Any:
    """A value as JSON keeps it, so that stored baselines compare equal to fresh ones."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if hasattr(value, "as_tuple"):  # Decimal
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def merge_fields(obj, incoming: dict[str, Any], fields, overwrite: bool, conflicts: list, row: Any, key: str) -> bool:
    """Apply a file's values to a record that keeps its baseline in an `imported` JSON field, by the rule;
    conflicts are appended; True if anything (a value, or the baseline) changed."""
    imported = dict(obj.imported or {})
    changed = False
    for f in fields:
        now, new = plain(getattr(obj, f)), plain(incoming[f])
        value, base, conflict = decide(now, imported.get(f, now), new, overwrite)
        if conflict and len(conflicts) < MAX_CONFLICTS:
            conflicts.append(Conflict(row, key, f, getattr(obj, f), incoming[f]))
        if value != now:
            setattr(obj, f, incoming[f])
            changed = True
        imported[f] = base
    if imported != obj.imported:
        obj.imported = imported
        changed = True
    return changed


def baseline(incoming: dict[str, Any], fields) -> dict[str, Any]:
    """The `imported` record of a new record: what the import wrote."""
    return {f: plain(incoming[f]) for f in fields}


# --- history in bulk -----------------------------------------------------------------------------


@cache
def _history_of(model) -> tuple[str, list[str]]:
    """The history table of `model` and the columns it copies (simple_history's manager is rebuilt on
    every `model.history` access: an import asks hundreds of times)."""
    history = model.history.model
    ours = {f.column for f in model._meta.concrete_fields}
    return history._meta.db_table, [f.column for f in history._meta.concrete_fields if f.column in ours]


def history_columns(model) -> list[str]:
    """The model's columns that its history table copies."""
    return list(_history_of(model)[1])


def id_conditions(column: str, ids: list[int]) -> list[tuple[str, list]]:
    """WHERE clauses covering `ids`: runs of consecutive ids as BETWEEN, the rest in IN lists."""
    out: list[tuple[str, list]] = []
    loose: list[int] = []
    values = sorted(set(ids))
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[j] + 1:
            j += 1
        if j - i >= 7:
            out.append((f'"{column}" BETWEEN %s AND %s', [values[i], values[j]]))
        else:
            loose.extend(values[i : j + 1])
        i = j + 1
    if connection.vendor == "postgresql" and loose:
        out.append((f'"{column}" = ANY(%s)', [loose]))
    else:
        for k in range(0, len(loose), 900):
            part = loose[k : k + 900]
            out.append((f'"{column}" IN ({", ".join(["%s"] * len(part))})', part))
    return out


def copy_to_history(
    model, column: str, ids: list[int], history_type: str, change_reason: str, when: dt.datetime
) -> None:
    """Copy the rows of `model` whose `column` is in `ids` into its history table, as they are now."""
    if not ids:
        return
    table = model._meta.db_table
    history_table, names = _history_of(model)
    columns = ", ".join(f'"{c}"' for c in names)
    head = (
        f'INSERT INTO "{history_table}" ({columns}, history_date, history_change_reason, history_type, '
        f'history_user_id) SELECT {columns}, %s, %s, %s, NULL FROM "{table}" WHERE '
    )
    with connection.cursor() as cur:
        for where, params in id_conditions(column, ids):
            cur.execute(head + where, [when, change_reason, history_type, *params])


def deleted_to_history(model, rows: list[tuple], change_reason: str, when: dt.datetime) -> None:
    """History rows ('-') for rows about to be deleted, from their values (history_columns order)."""
    if not rows:
        return
    from ramani import dbutil

    history = model.history.model
    columns = [*history_columns(model), "history_date", "history_change_reason", "history_type", "history_user_id"]
    dbutil.insert_many(history, columns, [(*r, when, change_reason, "-", None) for r in rows])
