"""`/supplychain/<layer>.<csv|geojson|gpkg>`: a supply-chain layer as `ramani export` writes it (the import's
columns, read back without loss, then the derived ones), under the open-data licence."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django.http import HttpRequest, HttpResponse, JsonResponse

from ramani.opendata.exports import neutralise
from ramani.supplychain.export import FORMATS, export_layer
from ramani.supplychain.formats import LAYERS

TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".geojson": "application/geo+json",
    ".gpkg": "application/geopackage+sqlite3",
}


def layer_download(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    suffix = f".{fmt}"
    if name not in LAYERS or suffix not in FORMATS:
        return JsonResponse(
            {"detail": f"no download {name}.{fmt}: layers {', '.join(LAYERS)}; formats {', '.join(FORMATS)}"},
            status=404,
        )
    folder = Path(tempfile.mkdtemp(prefix="ramani-layer-"))
    try:
        path = folder / f"ramani-{name}{suffix}"
        export_layer(name, path, csv_cell=neutralise)  # a formula in a name never runs in a spreadsheet
        data = path.read_bytes()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    response = HttpResponse(data, content_type=TYPES[suffix])
    response["Content-Disposition"] = f'attachment; filename="ramani-{name}{suffix}"'
    response["Link"] = '<https://opendatacommons.org/licenses/by/1-0/>; rel="license"'
    return response
