"""`ramani export roadblocks PATH`: every roadblock as CSV, XLSX, GeoJSON, or the webmap API's JSON shape.

The columns are formats.COLUMNS (what an import reads back) then formats.DERIVED (tax categories and
admin units, for readers; ignored on import). Spreadsheet cells are always text or numbers, never
formulas.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from ramani.roadblocks.formats import COLUMNS, DERIVED, api_record_of, record_of
from ramani.roadblocks.importer import FIELDS
from ramani.roadblocks.models import Roadblock

FORMATS = (".csv", ".xlsx", ".geojson", ".json")
LICENCE = "ODC-BY 1.0"


class ExportError(Exception):
    pass


def rows(queryset=None) -> list[dict]:
    qs = queryset if queryset is not None else Roadblock.objects.all()
    return [record_of(v) for v in qs.order_by("id").values("key", *FIELDS)]


def export_roadblocks(path: Path, queryset=None) -> int:
    """Write the roadblocks to `path` in the format its suffix names; returns how many."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ExportError(f"cannot write {suffix or 'a file without suffix'}: expected {', '.join(FORMATS)}")
    qs = queryset if queryset is not None else Roadblock.objects.all()
    names = COLUMNS + DERIVED
    if suffix == ".json":
        values = qs.order_by("id").values("key", *FIELDS)
        path.write_text(json.dumps({"result": [api_record_of(v) for v in values]}, ensure_ascii=False), "utf-8")
        return len(values)
    records = rows(qs)
    if suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(names)
            w.writerows([r[n] for n in names] for r in records)
    elif suffix == ".geojson":
        features = [
            {
                "type": "Feature",
                "id": r["key"],
                "geometry": {"type": "Point", "coordinates": [r["longitude"], r["latitude"]]},
                "properties": {n: r[n] for n in names if n not in ("latitude", "longitude")},
            }
            for r in records
        ]
        path.write_text(
            json.dumps({"type": "FeatureCollection", "licence": LICENCE, "features": features}, ensure_ascii=False),
            "utf-8",
        )
    else:
        _write_xlsx(path, names, records)
    return len(records)


def _write_xlsx(path: Path, names: list[str], records: list[dict]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    sheet = book.create_sheet("roadblocks")
    sheet.append(names)

    def cell(value):
        if not isinstance(value, str) or not value:
            return value
        c = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", value))
        c.data_type = "s"  # text stays text: never a formula
        return c

    for r in records:
        sheet.append([cell(r[n]) for n in names])
    book.save(path)
