"""ODK Central submissions: the OData `Submissions` feed, from a saved JSON answer or the server.

`GET {url}/v1/projects/{id}/forms/{xmlFormId}.svc/Submissions?$expand=*&$top=&$skip=` (HTTP Basic
auth with a Central web user), optionally `$filter=__system/submissionDate ge … or __system/updatedAt
ge …` for an incremental pull. Rows are in `value`; each has `__id` (the submission's first
instanceID, kept across edits) and `__system` (submissionDate, updatedAt, reviewState); groups are
nested objects, repeats (with `$expand=*`) arrays of objects, geopoints GeoJSON points.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import urllib.error
import urllib.parse
import urllib.request
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


def read_file(path: Path) -> list[dict[str, Any]]:
    if path.suffix.lower() != ".json":
        raise ODKError(f"{path.name}: expected the JSON answer of the OData Submissions feed")
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
