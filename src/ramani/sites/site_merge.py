"""Re-imported sites meet the curators' edits of the sites themselves (ramani.curation's rule).

A site's own fields (name, place, coordinates: `CURATED`) are rebuilt from its visits by
ramani.sites.site_refresh when an import touches them. A curator may correct them on the site. Its
baseline (what the last import wrote) is the site's last history row an import made, overlaid with its
`curated` field (the values an import left to a curator, which that history row does not show), as for
visits (ramani.sites.import_merge). Only sites edited since that history row (a later history row, from
the admin) or holding curated values are compared; the others take the refreshed values as they are.

`hold` reads those sites before the refresh, `settle` decides each field after it: the refreshed value
is the file's value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ramani import curation, dbutil
from ramani.curation import UNKNOWN, Conflict, decide, plain
from ramani.sites.models import Site
from ramani.sites.site_refresh import TEXT_ATTRS

CURATED = (*TEXT_ATTRS, "longitude", "latitude")


@dataclass
class Held:
    """The touched sites a curator edited: their values before the refresh and their baselines."""

    current: dict[int, dict[str, Any]] = field(default_factory=dict)
    baseline: dict[int, dict[str, Any]] = field(default_factory=dict)
    pcode: dict[int, str] = field(default_factory=dict)


def _json(value: Any) -> dict:
    if isinstance(value, str):
        value = json.loads(value or "{}")
    return value or {}


def hold(site_ids: list[int]) -> Held:
    """Before the refresh: the sites among `site_ids` a curator edited since the last import."""
    held = Held()
    if not site_ids:
        return held
    history = Site.history.model._meta.db_table
    state = {
        pk: (_json(cur), last_import, last_any)
        for pk, cur, last_import, last_any in dbutil.select_where_in(
            f'SELECT s.id, s.curated, (SELECT MAX(h.history_id) FROM "{history}" h WHERE h.id = s.id '
            f"AND h.history_change_reason LIKE '{curation.IMPORT_PREFIX}%%'), "
            f'(SELECT MAX(h.history_id) FROM "{history}" h WHERE h.id = s.id) FROM sites_site s',
            "id",
            list(site_ids),
        )
    }
    edited = [pk for pk, (cur, last_import, last_any) in state.items() if cur or last_any != last_import]
    if not edited:
        return held
    for pk, pcode, *values in Site.objects.filter(id__in=edited).values_list("id", "pcode", *CURATED):
        held.current[pk] = {f: plain(v) for f, v in zip(CURATED, values)}
        held.pcode[pk] = pcode
    last_rows = [state[pk][1] for pk in edited if state[pk][1] is not None]
    found = {
        pk: {f: plain(v) for f, v in zip(CURATED, values)}
        for pk, *values in Site.history.model.objects.filter(history_id__in=last_rows).values_list("id", *CURATED)
    }
    for pk in held.current:
        held.baseline[pk] = {**found.get(pk, dict.fromkeys(CURATED, UNKNOWN)), **state[pk][0]}
    return held


def settle(held: Held, overwrite: bool, row_of: dict[int, Any]) -> list[Conflict]:
    """After the refresh: each held field decided by the rule (the refreshed value is the file's); the
    curator's values written back, the baselines kept in `curated`; returns the conflicts, whose row is
    the file's first row on that site (`row_of`) and whose field is `site.<field>`."""
    if not held.current:
        return []
    refreshed = {
        pk: {f: plain(v) for f, v in zip(CURATED, values)}
        for pk, *values in Site.objects.filter(id__in=list(held.current)).values_list("id", *CURATED)
    }
    conflicts: list[Conflict] = []
    updates = []
    for pk, now_values in held.current.items():
        incoming_values = refreshed.get(pk)
        if incoming_values is None:
            continue
        base = held.baseline[pk]
        kept: dict[str, Any] = {}
        final = dict(incoming_values)
        for f in CURATED:
            value, last, conflict = decide(now_values[f], base.get(f, UNKNOWN), incoming_values[f], overwrite)
            if conflict:
                conflicts.append(
                    Conflict(row_of.get(pk, ""), held.pcode[pk], f"site.{f}", now_values[f], incoming_values[f])
                )
            if value != last:
                kept[f] = last
            final[f] = value
        updates.append((*(final[f] for f in CURATED), json.dumps(kept), pk))
    dbutil.update_many(Site, [*CURATED, "curated"], updates)
    return conflicts
