"""KoboToolbox submissions: REST API v2 JSON pages, and the XLSX and CSV exports.

API: `GET {url}/api/v2/assets/{uid}/data/?format=json&start=&limit=` with `Authorization: Token …`,
optionally `query={"_submission_time": {"$gte": …}}` for an incremental pull; pages are followed
while the answer has a `next` link. Records carry `_id`, `_uuid`, `meta/instanceID` (and on an edit
`meta/deprecatedID`, `meta/rootUuid`), `_submission_time`, `_geolocation` [lat, lon]; groups are
flattened as `group/field` and repeat groups are arrays of such objects.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from ramani.fieldwork.survey_import import Submission

PAGE = 1000


class KoboError(Exception):
    """The server or file cannot be read (never repeats the token)."""


def _time(value: Any) -> dt.datetime | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)  # Kobo's _submission_time is UTC without an offset


def _short(key: str) -> str:
    return key.rsplit("/", 1)[-1]


def submission(record: dict[str, Any]) -> Submission:
    """One Kobo record (API JSON, or an export row with its repeats attached) as a Submission."""
    fields: dict[str, Any] = {}
    for key, value in record.items():
        if key.startswith("_") or key in ("formhub/uuid", "__version__"):
            continue
        if isinstance(value, list) and all(isinstance(x, dict) for x in value):
            fields[_short(key)] = [{_short(k): v for k, v in item.items()} for item in value]
        else:
            fields[_short(key)] = value
    instance = str(record.get("meta/instanceID") or "").strip()
    if not instance and record.get("_uuid"):
        instance = f"uuid:{record['_uuid']}"
    geo = record.get("_geolocation")
    geolocation = None
    if isinstance(geo, (list, tuple)) and len(geo) == 2 and all(isinstance(x, (int, float)) for x in geo):
        geolocation = (float(geo[1]), float(geo[0]))
    root = str(record.get("meta/rootUuid") or "").strip()
    return Submission(
        ref=str(record.get("_id") or instance or "?"),
        instance_id=instance,
        deprecated_id=str(record.get("meta/deprecatedID") or "").strip(),
        root_id=root if not root or root.startswith("uuid:") else f"uuid:{root}",
        submitted_at=_time(record.get("_submission_time")),
        fields=fields,
        geolocation=geolocation,
    )


def read_json(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KoboError(f"{path.name}: not JSON ({exc})") from None
    records = data.get("results") if isinstance(data, dict) else data
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise KoboError(f"{path.name}: expected a Kobo data page ({{'results': [...]}}) or a list of submissions")
    return records


def read_xlsx(path: Path) -> list[dict[str, Any]]:
    """The export's first sheet, each row with its repeat-group rows (other sheets, by _parent_index)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a file that is not a workbook
        raise KoboError(f"{path.name}: not an XLSX workbook ({exc})") from None
    sheets = {}
    for sheet in book.worksheets:
        it = sheet.iter_rows(values_only=True)
        header = [str(c) if c is not None else "" for c in next(it, ())]
        rows = [
            {h: v for h, v in zip(header, values) if h and v is not None}
            for values in it
            if values and any(v is not None for v in values)
        ]
        sheets[sheet.title] = rows
    book.close()
    names = list(sheets)
    if not names:
        raise KoboError(f"{path.name}: no sheet")
    main = sheets[names[0]]
    by_index = {str(r.get("_index")): r for r in main if r.get("_index") is not None}
    for name in names[1:]:
        for child in sheets[name]:
            parent = by_index.get(str(child.get("_parent_index")))
            if parent is not None:
                item = {k: v for k, v in child.items() if not k.startswith("_")}
                parent.setdefault(name, []).append(item)
    for r in main:
        r.pop("_index", None)
    return main


def read_csv(path: Path) -> list[dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise KoboError(f"{path.name}: not UTF-8 ({exc})") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","  # Kobo exports use ';' by default
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    return [{k: v for k, v in row.items() if k and v not in (None, "")} for row in reader]


def read_file(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Records of a saved API page or an export, and warnings about what the format cannot carry."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        return read_json(path), []
    if suffix == ".xlsx":
        return read_xlsx(path), []
    if suffix == ".csv":
        return read_csv(path), [
            f"{path.name}: CSV exports carry no repeat groups (minerals, armed groups); use the XLSX export or the API"
        ]
    raise KoboError(f"{path.name}: expected a .json page, or an .xlsx or .csv export")


def pull(url: str, asset: str, token: str, since: dt.datetime | None = None, limit: int = PAGE) -> list[dict[str, Any]]:
    """Every submission of the asset (those submitted at or after `since`), page after page."""
    base = f"{url.rstrip('/')}/api/v2/assets/{urllib.parse.quote(asset, safe='')}/data/"
    records: list[dict[str, Any]] = []
    start = 0
    while True:
        params: dict[str, Any] = {"format": "json", "start": start, "limit": limit}
        if since:
            stamp = since.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
            params["query"] = json.dumps({"_submission_time": {"$gte": stamp}})
        request = urllib.request.Request(
            f"{base}?{urllib.parse.urlencode(params)}",
            headers={"Authorization": f"Token {token}", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as answer:
                page = json.load(answer)
        except urllib.error.HTTPError as exc:
            exc.close()
            reason = "the token was refused" if exc.code in (401, 403) else f"HTTP {exc.code}"
            raise KoboError(f"{base}: {reason}") from None
        except (urllib.error.URLError, OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise KoboError(f"{base}: cannot read the answer ({type(exc).__name__})") from None
        results = page.get("results") if isinstance(page, dict) else None
        if not isinstance(results, list):
            raise KoboError(f"{base}: the answer is not a Kobo data page")
        records += [r for r in results if isinstance(r, dict)]
        if not results or not page.get("next"):
            return records
        start += len(results)


def last_submission(source: str) -> dt.datetime | None:
    from django.db.models import Max

    from ramani.fieldwork.models import SurveySubmission

    return SurveySubmission.objects.filter(source=source).aggregate(m=Max("submitted_at"))["m"]
