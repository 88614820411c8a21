"""Roadblocks as GeoJSON features and their filters, for the open-data services (OGC API collection)."""

from __future__ import annotations

from ramani.roadblocks import vocabularies as vocab
from ramani.roadblocks.formats import COLUMNS, DERIVED, record_of
from ramani.roadblocks.importer import FIELDS
from ramani.roadblocks.models import Roadblock

PARAMS = {
    "bbox": "minLon,minLat,maxLon,maxLat (CRS84).",
    "year": "Survey year, e.g. 2023.",
    "project": "Project, exactly as imported.",
    "source": "Source, exactly as imported.",
    "territoire": "Admin-2 unit the roadblock is in: COD-AB pcode (CD6103) or name (Masisi).",
    "operator_type": "Operator type among the roadblock's: " + ", ".join(vocab.OPERATOR_TYPES) + " (or its label).",
}
PROPERTIES = [c for c in COLUMNS + DERIVED if c not in ("latitude", "longitude", "key")]


class BadParameter(ValueError):
    def __init__(self, param: str, message: str):
        super().__init__(f"{param}: {message}")
        self.param, self.message = param, message


def filter_roadblocks(params: dict[str, str]):
    """The roadblocks matching every filter given; BadParameter for a value that cannot be used."""
    qs = Roadblock.objects.all()
    if params.get("bbox"):
        try:
            parts = [float(p) for p in params["bbox"].split(",")]
        except ValueError:
            raise BadParameter("bbox", "four numbers minLon,minLat,maxLon,maxLat") from None
        if len(parts) not in (4, 6) or any(p != p for p in parts):
            raise BadParameter("bbox", "four numbers minLon,minLat,maxLon,maxLat")
        minx, miny, maxx, maxy = (parts[0], parts[1], parts[3], parts[4]) if len(parts) == 6 else parts
        if minx > maxx or miny > maxy:
            raise BadParameter("bbox", "the minimum is greater than the maximum")
        qs = qs.filter(longitude__gte=minx, longitude__lte=maxx, latitude__gte=miny, latitude__lte=maxy)
    if params.get("year"):
        text = params["year"]
        if not (text.isascii() and text.isdigit() and 1900 <= int(text) <= 2100):
            raise BadParameter("year", "a year between 1900 and 2100")
        qs = qs.filter(date__year=int(text))
    for name in ("project", "source"):
        if params.get(name):
            qs = qs.filter(**{name: params[name]})
    if params.get("territoire"):
        text = params["territoire"].strip()
        qs = qs.filter(adm2_pcode=text.upper()) if text[:2].upper() == "CD" else qs.filter(territoire__iexact=text)
    if params.get("operator_type"):
        code = vocab.operator_type(params["operator_type"])
        if code is None:
            raise BadParameter("operator_type", f"one of {', '.join(vocab.OPERATOR_TYPES)}")
        # JSON lists of codes: the quoted code inside the stored text (no code is part of another)
        qs = qs.filter(operator_types__icontains=f'"{code}"')
    return qs


def features(roadblocks) -> list[dict]:
    """GeoJSON features (id = the roadblock's key) with the export's columns as properties; toll_amount and
    violence_count as numbers, multi-values as comma-joined text."""
    out = []
    for values in roadblocks.values("key", *FIELDS) if hasattr(roadblocks, "values") else roadblocks:
        record = record_of(values)
        props = {name: record[name] for name in PROPERTIES}
        props["toll_amount"] = float(values["toll_amount"]) if values["toll_amount"] is not None else None
        props["violence_count"] = values["violence_count"]
        props["synthetic"] = bool(values["synthetic"])
        props["operator_type_codes"] = ",".join(values["operator_types"])
        props["operator_type"] = values["operator_types"][0] if values["operator_types"] else None
        out.append(
            {
                "type": "Feature",
                "id": values["key"],
                "geometry": {"type": "Point", "coordinates": [values["longitude"], values["latitude"]]},
                "properties": props,
            }
        )
    return out
