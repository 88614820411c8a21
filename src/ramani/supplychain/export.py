"""`ramani export depots|points-of-sale|destinations|interference-zones PATH`: a layer as CSV (geometry as WKT),
GeoJSON or GeoPackage.

The columns are the layer's import columns (read back without loss), then its derived ones (ignored on
import): coordinates, admin units and the number of linked sites for trade points, the area for zones.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Callable

import shapely

from ramani.supplychain.formats import LAYERS, WKT, Layer, record_of
from ramani.supplychain.importer import POINT_FIELDS, ZONE_FIELDS
from ramani.supplychain.models import InterferenceZone, TradePoint

FORMATS = (".csv", ".geojson", ".gpkg")
LICENCE = "ODC-BY 1.0"


class ExportError(Exception):
    pass


def queryset(layer: Layer):
    if layer.kind is None:
        return InterferenceZone.objects.order_by("id")
    return TradePoint.objects.filter(kind=layer.kind).order_by("id")


def rows(layer: Layer, qs=None) -> list[tuple[dict, object]]:
    """(record of the file's columns and the derived ones, shapely geometry) of each stored row."""
    from django.db.models import Count

    qs = queryset(layer) if qs is None else qs
    out = []
    if layer.kind is None:
        for values in qs.values("key", *ZONE_FIELDS):
            record = record_of(layer, values)
            record["area_km2"] = values["area_km2"]
            out.append((record, shapely.from_wkb(bytes(values["geometry"]))))
        return out
    for values in qs.annotate(linked=Count("site_links")).values("key", "linked", *POINT_FIELDS):
        record = record_of(layer, values)
        record.update({c: values[c] for c in ("latitude", "longitude", "province_pcode", "adm2_pcode", "territoire")})
        record["linked_sites"] = values["linked"]
        out.append((record, shapely.Point(values["longitude"], values["latitude"])))
    return out


def _same(value):
    return value


def export_layer(name: str, path: Path, csv_cell: Callable[[Any], Any] = _same) -> int:
    """Write the layer `name` to `path` in the format its suffix names; returns how many features. `csv_cell`
    passes each CSV cell (a public download gives the spreadsheet guard; the curator's export stays lossless)."""
    layer = LAYERS[name]
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ExportError(f"cannot write {suffix or 'a file without suffix'}: expected {', '.join(FORMATS)}")
    records = rows(layer)
    names = layer.columns + layer.derived
    if suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow([*layer.columns, WKT, *layer.derived])
            w.writerows(
                [
                    *(csv_cell(r[n]) for n in layer.columns),
                    shapely.to_wkt(g, rounding_precision=-1),
                    *(csv_cell(r[n]) for n in layer.derived),
                ]
                for r, g in records
            )
    elif suffix == ".geojson":
        features = [
            {
                "type": "Feature",
                "id": r["key"],
                "geometry": json.loads(shapely.to_geojson(g)),
                "properties": {n: r[n] for n in names},
            }
            for r, g in records
        ]
        path.write_text(
            json.dumps({"type": "FeatureCollection", "licence": LICENCE, "features": features}, ensure_ascii=False),
            "utf-8",
        )
    else:
        _write_gpkg(layer, path, names, records)
    return len(records)


def _write_gpkg(layer: Layer, path: Path, names: list[str], records: list[tuple[dict, object]]) -> None:
    import numpy as np
    from pyogrio import raw

    if path.exists():
        path.unlink()
    text = [n for n in names if n not in ("latitude", "longitude", "linked_sites", "area_km2")]
    columns = [np.array([r[n] for r, _ in records], dtype=object) for n in text]
    numbers = [n for n in names if n not in text]
    columns += [np.array([r[n] for r, _ in records], dtype=float if n != "linked_sites" else np.int64) for n in numbers]
    geometries = np.array([shapely.to_wkb(g) for _, g in records], dtype=object)
    raw.write(
        str(path),
        geometry=geometries,
        field_data=columns,
        fields=text + numbers,
        crs="EPSG:4326",
        driver="GPKG",
        layer=layer.collection,
        geometry_type="MultiPolygon" if layer.polygons else "Point",
        promote_to_multi=layer.polygons or None,
    )
