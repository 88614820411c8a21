"""ODK Central submissions: the OData `Submissions` feed, from a saved JSON answer or the server.

`GET {url}/v1/projects/{id}/forms/{xmlFormId}.svc/Submissions?$expand=*&$top=&$skip=` (HTTP Basic
auth with a Central web user), optionally `$filter=__system/submissionDate ge … or __system/updatedAt
ge …` for an incremental pull. Rows are in `value`; each has `__id` (the submission's first
instanceID, kept across edits) and `__system` (submissionDate, updatedAt, reviewState); groups are
nested objects, repeats (with `$expand=*`) arrays of objects, geopoints GeoJSON points.

Central's CSV zip export (`…/submissions.csv.zip`) is read into the same shape: `FORM.csv` holds a
row per submission (`SubmissionDate`, `meta-instanceID`, group paths joined by `-`, geopoints split
into `-Latitude`/`-Longitude`/`-Altitude`/`-Accuracy`, `KEY` = the submission's id, `ReviewState`),
and each repeat has its own `FORM-group-repeat.csv` whose rows point to their parent's `KEY` through
`PARENT_KEY`. The root table alone (`submissions.csv`) is read too, without its repeats.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

from ramani.fieldwork.survey_import import Submission

PAGE = 1000


class ODKError(Exception):
    """The server or file cannot be read (never repeats the password)."""


def _time(value: Any) -> dt.datetime | None:
    try:
        t = dt.datetime.fromisoformat(str(value or "").replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def _flatten(obj: dict[str, Any], out: dict[str, Any]) -> dict[str, Any]:
    for key, value in obj.items():
        if key.startswith("__") or "@odata" in key:
            continue
        if isinstance(value, dict) and value.get("type") != "Point":
            _flatten(value, out)  # a group
        elif isinstance(value, list) and all(isinstance(x, dict) for x in value):
            out[key] = [_flatten(item, {}) for item in value]  # a repeat
        else:
            out[key] = value
    return out


def submission(row: dict[str, Any]) -> Submission:
    system = row.get("__system") or {}
    meta = row.get("meta") or {}
    first = str(row.get("__id") or "").strip()
    fields = _flatten({k: v for k, v in row.items() if k != "meta"}, {})
    return Submission(
        ref=first or "?",
        instance_id=str(meta.get("instanceID") or first).strip(),
        deprecated_id=str(meta.get("deprecatedID") or "").strip(),
        root_id=first,
        submitted_at=_time(system.get("updatedAt")) or _time(system.get("submissionDate")),
        fields=fields,
    )


def kept(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows not rejected in review, and a warning naming the rejected ones."""
    rejected = [r for r in rows if (r.get("__system") or {}).get("reviewState") == "rejected"]
    warnings = [
        f"{len(rejected)} rejected submission(s) left out: {', '.join(str(r.get('__id')) for r in rejected[:5])}"
    ]
    return [r for r in rows if r not in rejected], warnings if rejected else []


# columns of Central's CSV export that are about the submission, not answers
CSV_META = {
    "SubmissionDate",
    "KEY",
    "PARENT_KEY",
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
}
_POINT_PARTS = ("-Latitude", "-Longitude", "-Altitude", "-Accuracy")


def _csv_table(name: str, data: bytes) -> list[dict[str, str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ODKError(f"{name}: not UTF-8 ({exc})") from None
    return [{k: v for k, v in r.items() if k and v not in (None, "")} for r in csv.DictReader(io.StringIO(text))]


def _answers(record: dict[str, str]) -> dict[str, Any]:
    """One CSV row's answers under their question names (group paths dropped), geopoints joined."""
    out: dict[str, Any] = {}
    points: dict[str, dict[str, str]] = {}
    for column, value in record.items():
        if column in CSV_META or column.startswith("meta-"):
            continue
        part = next((p for p in _POINT_PARTS if column.endswith(p)), None)
        if part:
            points.setdefault(column[: -len(part)], {})[part] = value
            continue
        out[column.rsplit("-", 1)[-1]] = value
    for column, parts in points.items():
        if "-Latitude" in parts and "-Longitude" in parts:
            out[column.rsplit("-", 1)[-1]] = " ".join(parts.get(p, "0") for p in _POINT_PARTS)
    return out


#: what an export may unpack to, all its CSV files together (Central's exports of a few thousand visits are a few MB)
MAX_UNZIPPED = 512 * 2**20


def read_csv_export(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows in the OData shape from Central's CSV zip export (or its root CSV alone), and warnings."""
    tables: dict[str, list[dict[str, str]]] = {}
    if path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as z:
                left = MAX_UNZIPPED
                for info in z.infolist():
                    name = info.filename
                    if not (name.lower().endswith(".csv") and "/" not in name.strip("/")):
                        continue
                    # a zip bomb is refused before it is read (the sizes in the directory could lie: read capped)
                    if info.file_size > left:
                        raise ODKError(f"{path.name}: {name} unpacks to more than {MAX_UNZIPPED // 2**20} MB in all")
                    with z.open(info) as member:
                        data = member.read(left + 1)
                    if len(data) > left:
                        raise ODKError(f"{path.name}: {name} unpacks to more than {MAX_UNZIPPED // 2**20} MB in all")
                    left -= len(data)
                    tables[name] = _csv_table(name, data)
        except zipfile.BadZipFile:
            raise ODKError(f"{path.name}: not a zip file") from None
    else:
        tables[path.name] = _csv_table(path.name, path.read_bytes())
    roots = [n for n, rows in tables.items() if not rows or "PARENT_KEY" not in rows[0]]
    if not roots:
        raise ODKError(f"{path.name}: no submissions table (a CSV without PARENT_KEY)")
    root = min(roots, key=len)  # FORM.csv; the repeats are FORM-….csv
    if any("SubmissionDate" not in r or "KEY" not in r for r in tables[root]):
        raise ODKError(f"{root}: expected Central's export columns SubmissionDate and KEY")
    rows: list[dict[str, Any]] = []
    by_key: dict[str, dict[str, Any]] = {}
    for r in tables[root]:
        row: dict[str, Any] = {
            "__id": r["KEY"],
            "__system": {"submissionDate": r["SubmissionDate"], "reviewState": r.get("ReviewState")},
            "meta": {"instanceID": r.get("meta-instanceID") or r["KEY"]},
            **_answers(r),
        }
        rows.append(row)
        by_key[r["KEY"]] = row
    # parents before children: a nested repeat's file name extends its parent's
    for name in sorted((n for n in tables if n != root), key=len):
        repeat = name[: -len(".csv")].rsplit("-", 1)[-1]
        for r in tables[name]:
            parent = by_key.get(r.get("PARENT_KEY", ""))
            if parent is None:
                raise ODKError(f"{name}: row {r.get('KEY', '?')} names a PARENT_KEY that is not in the export")
            item = _answers(r)
            parent.setdefault(repeat, []).append(item)
            if r.get("KEY"):
                by_key[r["KEY"]] = item
    warnings = (
        []
        if len(tables) > 1 or path.suffix.lower() == ".zip"
        else [f"{path.name}: the root table alone carries no repeat groups (minerals, armed groups); use the CSV zip"]
    )
    return rows, warnings


def read_any(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows (OData shape) of a saved OData answer (.json), a CSV zip export (.zip) or its root CSV (.csv)."""
    if path.suffix.lower() in (".zip", ".csv"):
        return read_csv_export(path)
    return read_file(path), []


def read_file(path: Path) -> list[dict[str, Any]]:
    if path.suffix.lower() != ".json":
        raise ODKError(
            f"{path.name}: expected the JSON answer of the OData Submissions feed, or Central's CSV zip export"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ODKError(f"{path.name}: not JSON ({exc})") from None
    rows = data.get("value") if isinstance(data, dict) else None
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ODKError(f"{path.name}: expected an OData answer with the rows in 'value'")
    return rows


def pull(
    url: str,
    project: str,
    form: str,
    email: str,
    password: str,
    since: dt.datetime | None = None,
    limit: int = PAGE,
) -> list[dict[str, Any]]:
    base = (
        f"{url.rstrip('/')}/v1/projects/{urllib.parse.quote(str(project), safe='')}"
        f"/forms/{urllib.parse.quote(form, safe='')}.svc/Submissions"
    )
    auth = base64.b64encode(f"{email}:{password}".encode()).decode("ascii")
    rows: list[dict[str, Any]] = []
    skip = 0
    while True:
        params: dict[str, Any] = {"$expand": "*", "$top": limit, "$skip": skip, "$count": "true"}
        if since:
            stamp = since.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
            params["$filter"] = f"__system/submissionDate ge {stamp} or __system/updatedAt ge {stamp}"
        request = urllib.request.Request(
            f"{base}?{urllib.parse.urlencode(params)}",
            headers={"Authorization": f"Basic {auth}", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as answer:
                page = json.load(answer)
        except urllib.error.HTTPError as exc:
            exc.close()
            reason = "the user name or password was refused" if exc.code in (401, 403) else f"HTTP {exc.code}"
            raise ODKError(f"{base}: {reason}") from None
        except (urllib.error.URLError, OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ODKError(f"{base}: cannot read the answer ({type(exc).__name__})") from None
        value = page.get("value") if isinstance(page, dict) else None
        if not isinstance(value, list):
            raise ODKError(f"{base}: the answer is not an OData Submissions page")
        rows += [r for r in value if isinstance(r, dict)]
        if len(value) < limit:
            return rows
        skip += len(value)
