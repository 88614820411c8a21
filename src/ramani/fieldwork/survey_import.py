"""Survey submissions (site-visit form) into visits, through the IPIS importer: all or nothing.

A submission is a flat dict keyed by field name (group paths dropped) with repeat groups as lists of
such dicts, plus its instanceID, the root of its edit chain and its submission time. Each becomes
one 84-column IPIS row whose vid is the chain's root, so a re-import is a no-op and an edited
submission updates its visit. Choice codes, exact IPIS values and labels in any language are read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from ramani.fieldwork.xlsform import ACTIVITIES, LISTS, MAX_ARMED_GROUPS, choice_values
from ramani.sites import ipis_format as fmt
from ramani.sites.vocabularies import VOCABULARIES

MAX_MINERALS = 3
MAX_SERVICES = 4
THREE_T = {"Cassitérite", "Coltan", "Wolframite"}


@dataclass
class Submission:
    ref: str  # how a user finds it: the server's _id / __id, else its instanceID
    instance_id: str
    deprecated_id: str
    root_id: str
    submitted_at: dt.datetime | None
    fields: dict[str, Any]
    geolocation: tuple[float, float] | None = None  # (lon, lat) from the server, when the form's point is missing


@dataclass
class SurveyProblem:
    submission: str
    field: str
    value: str
    reason: str

    # the CLI's problem table and report read these names
    @property
    def row(self) -> str:
        return self.submission

    @property
    def column(self) -> str:
        return self.field


class SurveyImportFailed(Exception):
    def __init__(self, problems: list[SurveyProblem]):
        super().__init__(f"{len(problems)} problem(s); nothing was imported")
        self.problems = problems
        self.total = len(problems)


@dataclass
class SurveyResult:
    submissions: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    superseded: int = 0
    warnings: list[str] = field(default_factory=list)
    conflicts: list = field(default_factory=list)  # ramani.curation.Conflict, row = the submission
    conflict_count: int = 0


def _uuid(instance_id: str) -> str:
    text = str(instance_id or "").strip()
    return text[5:] if text.lower().startswith("uuid:") else text


def _vid(root: str) -> str:
    """The visit's vid: the root instanceID without its 'uuid:' prefix (a digest if longer than 40)."""
    text = _uuid(root)
    return text if len(text) <= 40 else "s" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:39]


def _readers() -> dict[str, dict[str, str]]:
    """list name -> {code, value or label (lower case) -> IPIS value}."""
    out: dict[str, dict[str, str]] = {}
    codes = choice_values()
    for list_name, values in codes.items():
        table = {c: v for c, v in values.items()}
        table.update({v.lower(): v for v in values.values()})
        vocabulary = LISTS.get(list_name)
        if vocabulary:
            for value, fr, en, sw in VOCABULARIES[vocabulary]:
                for label in (fr, en, sw):
                    table.setdefault(label.lower(), value)
        out[list_name] = table
    out["yes_no"].update({"oui": "1", "yes": "1", "ndiyo": "1", "non": "0", "no": "0", "hapana": "0", "true": "1"})
    out["yes_no"]["false"] = "0"
    for stem, fr, en, sw in ACTIVITIES:
        for label in (fr, en, sw):
            out["activity"].setdefault(label.lower(), stem)
    return out


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


class _Mapper:
    def __init__(self, sites: dict[str, dict[str, Any]], source: str, project: str):
        self.sites, self.source, self.project = sites, source, project
        self.readers = _readers()
        self.problems: list[SurveyProblem] = []
        self.warnings: list[str] = []

    def bad(self, s: Submission, name: str, value: Any, reason: str) -> None:
        self.problems.append(SurveyProblem(s.ref, name, _text(value)[:200], reason))

    def choice(self, s: Submission, name: str, list_name: str, value: Any) -> str:
        text = _text(value)
        if not text:
            return ""
        found = self.readers[list_name].get(text) or self.readers[list_name].get(text.lower())
        if found is None:
            self.bad(s, name, text, f"unknown choice code for list {list_name}")
            return ""
        return found

    def choices(self, s: Submission, name: str, list_name: str, value: Any) -> list[str]:
        if isinstance(value, list):
            parts = [_text(v) for v in value]
        else:
            text = _text(value)
            # codes are space-separated; labels (exports "with labels") are comma- or semicolon-separated
            parts = re.split(r"\s*[,;]\s*", text) if re.search(r"[,;]", text) else text.split()
        out = []
        for p in parts:
            v = self.choice(s, name, list_name, p) if p else ""
            if v and v not in out:
                out.append(v)
        return out

    def flag(self, s: Submission, name: str, value: Any) -> bool | None:
        v = self.choice(s, name, "yes_no", value)
        return None if v == "" else v == "1"

    def row(self, s: Submission) -> list | None:
        before = len(self.problems)
        f = s.fields
        r: dict[str, Any] = {c: None for c in fmt.COLUMNS}
        pcode = _text(f.get("pcode"))
        site = self.sites.get(pcode)
        if not pcode:
            self.bad(s, "pcode", "", "no site pcode")
        elif site is None:
            self.bad(s, "pcode", pcode, "unknown pcode (not in the registry)")
        raw_date = _text(f.get("visit_date"))
        date = None
        try:
            date = dt.date.fromisoformat(raw_date[:10]) if raw_date else None
        except ValueError:
            pass
        if date is None:
            self.bad(s, "visit_date", raw_date, "bad date (expected YYYY-MM-DD)")
        onsite = self.flag(s, "visit_onsite", f.get("visit_onsite"))
        unreadable = len(self.problems)
        point = self.point(s, f.get("gps"))
        unreadable = len(self.problems) - unreadable
        if point is None and s.geolocation and not unreadable:
            point = s.geolocation
        if onsite is not False and point is None and not unreadable:
            self.bad(s, "gps", _text(f.get("gps")), "no GPS point")
        workers = None
        raw_workers = _text(f.get("workers_numb"))
        if raw_workers:
            try:
                workers = int(float(raw_workers))
                if workers < 0 or float(raw_workers) != workers:
                    raise ValueError
            except ValueError:
                self.bad(s, "workers_numb", raw_workers, "expected a whole number of diggers")
                workers = None
        if site:
            for c in ("name", "province", "province_old", "territoire", "collectivite", "groupement", "village"):
                r[c] = site[c]
        r.update(
            vid=_vid(s.root_id),
            source=self.source,
            project=self.project,
            pcode=pcode,
            visit_date=date,
            visit_onsite=onsite,
            visit_onsite_novisitreason=_text(f.get("visit_onsite_novisitreason")),
            workers_numb=workers,
            access_dry=self.choice(s, "access_dry", "access", f.get("access_dry")),
            access_wet=self.choice(s, "access_wet", "access", f.get("access_wet")),
            mechanisation=self.choice(s, "mechanisation", "mechanisation", f.get("mechanisation")),
            mercury=self.flag(s, "mercury", f.get("mercury")),
            presence=self.flag(s, "presence", f.get("presence")),
            interference=self.flag(s, "interference", f.get("interference")),
            traceability=_text(f.get("traceability")),
            childunder15=self.flag(s, "childunder15", f.get("childunder15")),
            childunder15work=", ".join(self.choices(s, "childunder15work", "task", f.get("childunder15work"))),
            women=self.flag(s, "women", f.get("women")),
            womenwork=", ".join(self.choices(s, "womenwork", "task", f.get("womenwork"))),
        )
        if point:
            r["longitude"], r["latitude"] = point
            r["geom"] = fmt.ewkb_hex(*point)
            r["location_origin"] = "GPS"
        minerals = [m for m in f.get("minerals") or [] if isinstance(m, dict)]
        kept = []
        for i, m in enumerate(minerals, start=1):
            value = self.choice(s, f"minerals[{i}]/mineral", "mineral", m.get("mineral"))
            if value:
                kept.append((value, _text(m.get("selling_points")), _text(m.get("final_destination"))))
        if len(kept) > MAX_MINERALS:
            self.warnings.append(f"submission {s.ref}: {len(kept)} minerals, the first {MAX_MINERALS} kept")
        for n, (value, selling, final) in enumerate(kept[:MAX_MINERALS], start=1):
            r[f"mineral{n}"], r[f"selling_points_mineral{n}"], r[f"final_destination_mineral{n}"] = (
                value,
                selling,
                final,
            )
        if kept:
            r["is_3t_mine"] = any(v in THREE_T for v, _, _ in kept)
            r["is_gold_mine"] = any(v == "Or" for v, _, _ in kept)
        groups = [g for g in f.get("armed_groups") or [] if isinstance(g, dict)]
        if len(groups) > MAX_ARMED_GROUPS:
            names = ", ".join(_text(g.get("armed_group")) for g in groups[MAX_ARMED_GROUPS:])
            self.warnings.append(
                f"submission {s.ref}: {len(groups)} armed groups, the IPIS table keeps {MAX_ARMED_GROUPS}; "
                f"not kept: {names}"
            )
        for n, g in enumerate(groups[:MAX_ARMED_GROUPS], start=1):
            where = f"armed_groups[{n}]"
            r[f"armed_group{n}"] = _text(g.get("armed_group"))
            r[f"type_armed_group{n}"] = self.choice(
                s, f"{where}/type_armed_group", "armed_group_type", g.get("type_armed_group")
            )
            r[f"frequency_armed_group{n}"] = self.choice(
                s, f"{where}/frequency_armed_group", "frequency", g.get("frequency_armed_group")
            )
            done = set(self.choices(s, f"{where}/activities", "activity", g.get("activities")))
            for stem, *_ in ACTIVITIES:
                r[f"{stem}_armed_group{n}"] = stem in done
        services = self.choices(s, "state_services", "state_service", f.get("state_services"))
        if len(services) > MAX_SERVICES:
            self.warnings.append(f"submission {s.ref}: {len(services)} state services, the first {MAX_SERVICES} kept")
        for n, value in enumerate(services[:MAX_SERVICES], start=1):
            r[f"state_service{n}"] = value
        if len(self.problems) > before:
            return None
        return [r[c] for c in fmt.COLUMNS]

    def point(self, s: Submission, value: Any) -> tuple[float, float] | None:
        """A geopoint 'lat lon [alt acc]' (ODK/Kobo text), [lat, lon], or a GeoJSON point, as (lon, lat)."""
        if value in (None, "", []):
            return None
        try:
            if isinstance(value, dict) and value.get("type") == "Point":
                lon, lat = (float(x) for x in value["coordinates"][:2])
            elif isinstance(value, (list, tuple)):
                lat, lon = float(value[0]), float(value[1])
            else:
                parts = str(value).replace(",", " ").split()
                lat, lon = float(parts[0]), float(parts[1])
        except (ValueError, IndexError, KeyError, TypeError):
            self.bad(s, "gps", value, "expected a GPS point 'latitude longitude altitude accuracy'")
            return None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            self.bad(s, "gps", value, "GPS point out of range")
            return None
        return (lon, lat)


def _roots(subs: list[Submission]) -> dict[str, str]:
    """instanceID -> root of its edit chain, from this batch and from what was received before."""
    from ramani.fieldwork.models import SurveySubmission

    ids = {x for s in subs for x in (s.instance_id, s.deprecated_id) if x}
    known = dict(SurveySubmission.objects.filter(instance_id__in=ids).values_list("instance_id", "root"))
    # oldest first, so an edit finds the root of the version it replaces
    order = sorted(subs, key=lambda s: s.submitted_at or dt.datetime.min.replace(tzinfo=dt.UTC))
    for s in order:
        root = s.root_id or known.get(s.instance_id) or known.get(s.deprecated_id) or s.deprecated_id or s.instance_id
        known[s.instance_id] = root
    return known


def import_submissions(
    subs: list[Submission],
    source: str,
    project: str,
    origin: str,
    weights: dict[str, tuple[str, float]] | None = None,
    today: dt.date | None = None,
    overwrite: bool = False,
    form: Any = None,
) -> SurveyResult:
    """Turn submissions into visits (all or nothing); `weights` maps pcode -> (stratum, design weight).

    A visit field a curator changed since the last import keeps the curator's value, and an edited
    submission that changes it too is reported as a conflict, unless `overwrite` (ramani.curation).
    `form` (ramani.fieldwork.form_labels.FormChoices) reads the answers' choice codes as the labels of
    the survey's own XLSForm."""
    from ramani.curation import Conflict
    from ramani.fieldwork.models import SurveySubmission
    from ramani.sites.ipis_export import write_csv
    from ramani.sites.ipis_import import ImportFailed, import_ipis
    from ramani.sites.models import Site, Visit

    result = SurveyResult(submissions=len(subs))
    problems: list[SurveyProblem] = []
    for s in subs:
        if not s.instance_id:
            problems.append(SurveyProblem(s.ref, "meta/instanceID", "", "no instanceID"))
    if problems:
        raise SurveyImportFailed(problems)
    roots = _roots(subs)
    for s in subs:
        s.root_id = roots[s.instance_id]
    latest: dict[str, Submission] = {}
    for s in subs:
        prev = latest.get(s.root_id)
        stamp = s.submitted_at or dt.datetime.min.replace(tzinfo=dt.UTC)
        if prev is None or stamp >= (prev.submitted_at or dt.datetime.min.replace(tzinfo=dt.UTC)):
            latest[s.root_id] = s
    result.superseded = len(subs) - len(latest)
    if form is not None:
        for s in latest.values():
            form.relabel(s.fields)
    pcodes = {_text(s.fields.get("pcode")) for s in latest.values()}
    sites = {
        x["pcode"]: x
        for x in Site.objects.filter(pcode__in=pcodes).values(
            "pcode", "name", "province", "province_old", "territoire", "collectivite", "groupement", "village"
        )
    }
    mapper = _Mapper(sites, source, project)
    rows = []
    for s in latest.values():
        row = mapper.row(s)
        if row is not None:
            rows.append(row)
    if mapper.problems:
        raise SurveyImportFailed(mapper.problems)
    result.warnings += mapper.warnings
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{origin[:80].replace('/', '_') or 'survey'}.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            write_csv(iter(rows), f)
        with transaction.atomic():
            try:
                ipis = import_ipis(path, today=today, overwrite=overwrite, kind=origin.split(":", 1)[0] or "survey")
            except ImportFailed as exc:
                ordered = list(latest.values())
                raise SurveyImportFailed(
                    [
                        SurveyProblem(
                            ordered[p.row - 2].ref if isinstance(p.row, int) and 2 <= p.row < len(ordered) + 2 else "",
                            p.column,
                            p.value,
                            p.reason,
                        )
                        for p in exc.problems
                    ]
                ) from None
            visits = dict(Visit.objects.filter(key__in=[f"vid:{_vid(r)}" for r in latest]).values_list("key", "id"))
            existing = set(
                SurveySubmission.objects.filter(instance_id__in=[s.instance_id for s in subs]).values_list(
                    "instance_id", flat=True
                )
            )
            new = []
            for s in subs:
                visit_id = visits.get(f"vid:{_vid(s.root_id)}")
                stratum, weight = (weights or {}).get(_text(s.fields.get("pcode")), ("", None))
                values = dict(
                    root=s.root_id,
                    source=origin[:200],
                    submitted_at=s.submitted_at,
                    visit_id=visit_id,
                    stratum=stratum[:200],
                    weight=weight,
                )
                if s.instance_id in existing:
                    SurveySubmission.objects.filter(instance_id=s.instance_id).update(**values)
                else:
                    new.append(SurveySubmission(instance_id=s.instance_id, **values))
            SurveySubmission.objects.bulk_create(new)
    result.created, result.updated, result.unchanged = ipis.created, ipis.updated, ipis.unchanged
    ordered = list(latest.values())
    result.conflicts = [
        Conflict(
            ordered[c.row - 2].ref if 2 <= c.row < len(ordered) + 2 else c.row,
            c.key,
            c.field,
            c.curator_value,
            c.file_value,
        )
        for c in ipis.conflicts
    ]
    result.conflict_count = ipis.conflict_count
    result.warnings += ipis.warnings
    return result


def sample_weights(path: Path) -> dict[str, tuple[str, float]]:
    """pcode -> (stratum, weight) from a `ramani sample draw` output (its mine_pcodes or pcode column)."""
    from ramani.analysis.frame_io import read_table

    table = read_table(path)
    column = next((c for c in ("mine_pcodes", "pcode") if c in table.columns), None)
    if column is None or "weight" not in table.columns:
        raise ValueError(f"{path.name}: expected a sample with weight and mine_pcodes (or pcode) columns")
    out = {}
    for row in table.rows:
        for p in str(row.get(column, "")).split(";"):
            if p.strip():
                out[p.strip()] = (str(row.get("stratum", "")), float(row["weight"]))
    return out
