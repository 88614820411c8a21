"""Roadblock statistics as pure functions over rows, each figure with its definition in words.

The institute's findings these reproduce (SPEC §3): of 110 roadblocks surveyed in Masisi and Walikale
in 2023, half taxed minerals or mineral traders, one in six existed solely to tax artisanal mining or
the mineral trade, and agricultural and market goods were taxed too.

Every share has the same denominator unless its definition says otherwise: all roadblocks of the
selection, those with nothing recorded as taxed included (the survey counted them). What a tax target
counts as is one rule, `ramani.roadblocks.vocabularies.tax_category`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from ramani.roadblocks import vocabularies as vocab


def denominator() -> str:
    """The shares' common denominator in words, in the active language."""
    return _("all roadblocks of the selection, including those where nothing taxed was recorded")


def area_definition() -> str:
    """What a density per 1,000 km² counts, in the active language (the one wording for every such figure)."""
    return _(
        "Roadblocks of the selection located in the unit (point in its imported boundary), per 1,000 km² of the "
        "unit's area (geodesic, WGS84 ellipsoid). Only units with at least one roadblock are listed: elsewhere "
        "the survey may simply not have been."
    )


def unit_label(unit: str) -> str:
    """A figure's unit (a stable English key in the data) as the reader reads it."""
    labels = {"per 1,000 km²": _("per 1,000 km²"), "per 100 km of road": _("per 100 km of road")}
    return labels.get(unit, unit)


@dataclass(frozen=True)
class Row:
    """What the analyses need of one roadblock."""

    key: str
    operator_types: tuple[str, ...] = ()
    tax_categories: tuple[str, ...] = ()
    adm2_pcode: str = ""
    territoire: str = ""
    province_pcode: str = ""


@dataclass(frozen=True)
class Figure:
    id: str
    label: str
    definition: str
    numerator: int
    denominator: float
    value: float | None  # numerator / denominator (a share 0-1), or a density; None when the denominator is 0
    unit: str = "share"

    def as_dict(self) -> dict:
        return {**asdict(self), "shown": self.shown()}

    def shown(self) -> str:
        if self.value is None:
            return "—"
        if self.unit == "share":
            return f"{self.value * 100:.1f}%"
        return f"{self.value:.2f} {unit_label(self.unit)}"


def _share(id: str, label: str, definition: str, numerator: int, denominator: int) -> Figure:
    return Figure(id, label, definition, numerator, denominator, numerator / denominator if denominator else None)


def taxes_minerals_or_traders(row: Row) -> bool:
    return bool(vocab.MINING_CATEGORIES.intersection(row.tax_categories))


def solely_mining(row: Row) -> bool:
    return bool(row.tax_categories) and set(row.tax_categories) <= vocab.MINING_CATEGORIES


def taxes_agricultural_or_market(row: Row) -> bool:
    return bool({"agricultural_goods", "market_goods"}.intersection(row.tax_categories))


def headline(rows: Sequence[Row]) -> list[Figure]:
    """The three shares the institute publishes."""
    n = len(rows)
    out_of = {"denominator": denominator()}
    return [
        _share(
            "taxing_minerals_or_traders",
            _("Roadblocks taxing minerals or mineral traders"),
            _("Roadblocks where at least one thing taxed is minerals or mineral traders, out of %(denominator)s.")
            % out_of,
            sum(map(taxes_minerals_or_traders, rows)),
            n,
        ),
        _share(
            "solely_mining",
            _("Roadblocks existing solely to tax artisanal mining or the mineral trade"),
            _(
                "Roadblocks where something taxed is recorded and everything taxed is minerals or mineral traders "
                "(nothing else: no people, vehicles, agricultural or market goods), out of %(denominator)s."
            )
            % out_of,
            sum(map(solely_mining, rows)),
            n,
        ),
        _share(
            "taxing_agricultural_or_market",
            _("Roadblocks taxing agricultural or market goods"),
            _(
                "Roadblocks where at least one thing taxed is agricultural goods or market goods, out of "
                "%(denominator)s."
            )
            % out_of,
            sum(map(taxes_agricultural_or_market, rows)),
            n,
        ),
    ]


def by_operator_type(rows: Sequence[Row], language: str | None = None) -> list[Figure]:
    """For each operator type, the share of roadblocks it operates (several types may hold one roadblock, so the
    shares add up to more than 100%), then the share with no operator type recorded. Labels in `language`
    (default: the active one), definitions in the active language."""
    n = len(rows)
    language = language or translation.get_language() or "fr"
    figures = [
        _share(
            f"operator_{code}",
            vocab.label(vocab.OPERATOR_TYPES, code, language),
            _(
                "Roadblocks where “%(type)s” is among the operator types, out of %(denominator)s. A roadblock held "
                "by several types counts for each."
            )
            % {"type": vocab.label(vocab.OPERATOR_TYPES, code, language), "denominator": denominator()},
            sum(code in r.operator_types for r in rows),
            n,
        )
        for code in vocab.OPERATOR_TYPES
    ]
    figures.append(
        _share(
            "operator_no_data",
            vocab.NO_DATA_LABELS[{"fr": 0, "en": 1, "sw": 2}.get(language[:2], 0)],
            _("Roadblocks with no operator type recorded, out of %(denominator)s.") % {"denominator": denominator()},
            sum(not r.operator_types for r in rows),
            n,
        )
    )
    return figures


def by_territoire(rows: Sequence[Row]) -> list[dict]:
    """The headline shares within each admin-2 unit (territoire or ville) the roadblocks fall in, largest first;
    roadblocks outside every imported boundary form the group with an empty pcode."""
    groups: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        groups[r.adm2_pcode].append(r)
    names = {r.adm2_pcode: r.territoire for r in rows}
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return [
        {
            "adm2_pcode": pcode,
            "territoire": names[pcode] or _("(outside the imported boundaries)"),
            "roadblocks": len(members),
            "figures": [f.as_dict() for f in headline(members)],
        }
        for pcode, members in ordered
    ]


def density(rows: Sequence[Row], areas_km2: dict[str, tuple[str, float]]) -> list[Figure]:
    """Roadblocks per 1,000 km² of each admin-2 unit that has at least one; `areas_km2`: pcode -> (name, km²)."""
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        if r.adm2_pcode in areas_km2:
            counts[r.adm2_pcode] += 1
    figures = []
    for pcode, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        name, area = areas_km2[pcode]
        figures.append(
            Figure(
                f"density_{pcode}",
                f"{name} ({pcode})",
                area_definition(),
                count,
                round(area, 3),
                count / area * 1000 if area else None,
                "per 1,000 km²",
            )
        )
    return figures


def summary(rows: Sequence[Row], areas_km2: dict[str, tuple[str, float]], language: str | None = None) -> dict:
    """Every roadblock figure of the selection, as JSON-ready data (words in the active language)."""
    return {
        "roadblocks": len(rows),
        "denominator": denominator(),
        "headline": [f.as_dict() for f in headline(rows)],
        "by_operator_type": [f.as_dict() for f in by_operator_type(rows, language)],
        "by_territoire": by_territoire(rows),
        "density": [f.as_dict() for f in density(rows, areas_km2)],
    }


# -- reading the rows (the only part that touches the database) ----------------------------------


def load_rows(project: str | None = None, year: int | None = None, source: str | None = None) -> list[Row]:
    """The roadblocks of the selection as Rows; `year` is the survey year (roadblocks without a date are left out)."""
    from ramani.roadblocks.models import Roadblock

    qs = Roadblock.objects.all()
    if project:
        qs = qs.filter(project=project)
    if source:
        qs = qs.filter(source=source)
    if year:
        qs = qs.filter(date__year=year)
    return [
        Row(key, tuple(types), tuple(vocab.tax_categories(targets)), adm2, territoire, province)
        for key, types, targets, adm2, territoire, province in qs.order_by("id").values_list(
            "key", "operator_types", "tax_targets", "adm2_pcode", "territoire", "province_pcode"
        )
    ]


def unit_areas(pcodes: Iterable[str]) -> dict[str, tuple[str, float]]:
    """pcode -> (name, geodesic area in km²) of the admin-2 units given that have an imported boundary."""
    import shapely
    from pyproj import Geod

    from ramani.geo.models import AdminUnit

    geod = Geod(ellps="WGS84")
    areas = {}
    for unit in AdminUnit.objects.filter(pcode__in=set(pcodes) - {""}, geometry__isnull=False):
        area, _perimeter = geod.geometry_area_perimeter(shapely.from_wkb(bytes(unit.geometry)))
        areas[unit.pcode] = (unit.name, abs(area) / 1e6)
    return areas


def analyse(
    project: str | None = None, year: int | None = None, source: str | None = None, language: str | None = None
):
    """The summary of the roadblocks of a selection, read from the database."""
    rows = load_rows(project, year, source)
    result = summary(rows, unit_areas(r.adm2_pcode for r in rows), language)
    result["selection"] = {"project": project, "year": year, "source": source}
    return result


# -- the tolls a trader pays along a route ---------------------------------------------------------


@dataclass(frozen=True)
class TollRow:
    key: str
    place_name: str
    longitude: float
    latitude: float
    toll_text: str = ""
    amount: float | None = None
    currency: str = ""
    unit: str = ""


def tolls_along(rows: Sequence[TollRow], line_lonlat: Sequence[tuple[float, float]], within_m: float) -> dict:
    """The roadblocks within `within_m` metres of a route (a line of lon/lat points), in the order met along it,
    and their tolls summed by currency and unit. Distances in a local azimuthal equidistant projection centred on
    the route (metre-accurate over a province)."""
    import shapely
    from pyproj import Transformer

    if len(line_lonlat) < 2:
        raise ValueError("a route needs at least two points")
    line = shapely.LineString(line_lonlat)
    centre = line.centroid
    to_m = Transformer.from_crs(
        "EPSG:4326", f"+proj=aeqd +lat_0={centre.y} +lon_0={centre.x} +datum=WGS84 +units=m", always_xy=True
    )
    route = shapely.LineString([to_m.transform(x, y) for x, y in line_lonlat])
    met = []
    for r in rows:
        point = shapely.Point(to_m.transform(r.longitude, r.latitude))
        distance = route.distance(point)
        if distance <= within_m:
            met.append((route.project(point), distance, r))
    met.sort(key=lambda m: (m[0], m[2].key))
    totals: dict[tuple[str, str], float] = defaultdict(float)
    counted: dict[tuple[str, str], int] = defaultdict(int)
    unread = 0
    for _along, _distance, r in met:
        if r.amount is None or not r.currency:
            unread += 1
            continue
        totals[(r.currency, r.unit)] += r.amount
        counted[(r.currency, r.unit)] += 1
    return {
        "route_km": round(route.length / 1000, 3),
        "within_m": within_m,
        "definition": _(
            "Roadblocks whose point is within %(metres)s m of the route, in the order met; tolls summed by currency "
            "and unit over those whose toll text gave one amount and a currency. A trader's bill also depends on "
            "the unit (per person, per vehicle, per load…): sums of different units are kept apart."
        )
        % {"metres": f"{within_m:g}"},
        "roadblocks": [
            {
                "key": r.key,
                "place_name": r.place_name,
                "km_along": round(along / 1000, 3),
                "metres_off_route": round(distance, 1),
                "toll": r.toll_text,
                "amount": r.amount,
                "currency": r.currency,
                "unit": r.unit,
            }
            for along, distance, r in met
        ],
        "totals": [
            {"currency": c, "unit": u, "amount": round(totals[(c, u)], 2), "roadblocks": counted[(c, u)]}
            for c, u in sorted(totals)
        ],
        "without_amount": unread,
    }


def load_toll_rows() -> list[TollRow]:
    from ramani.roadblocks.models import Roadblock

    return [
        TollRow(key, name, lon, lat, text, float(amount) if amount is not None else None, currency, unit)
        for key, name, lon, lat, text, amount, currency, unit in Roadblock.objects.order_by("id").values_list(
            "key", "place_name", "longitude", "latitude", "toll_text", "toll_amount", "toll_currency", "toll_unit"
        )
    ]


def read_route(path) -> list[tuple[float, float]]:
    """The first line of a vector file GDAL reads (GeoJSON, GPKG, KML, GPX…), as lon/lat points (WGS84)."""
    import shapely
    from pyogrio import raw

    try:
        meta, _fids, geometries, _fields = raw.read(str(path), max_features=1000)
    except Exception as exc:  # pyogrio's several DataSourceError kinds
        raise ValueError(f"{path}: GDAL cannot read it as a vector layer ({exc})") from None
    crs = meta.get("crs")
    for wkb in geometries:
        geometry = shapely.from_wkb(wkb) if wkb is not None else None
        if geometry is None or geometry.geom_type not in ("LineString", "MultiLineString"):
            continue
        if geometry.geom_type == "MultiLineString":
            geometry = shapely.line_merge(geometry)
            if geometry.geom_type != "LineString":
                geometry = max(geometry.geoms, key=lambda g: g.length)
        coords = [(c[0], c[1]) for c in geometry.coords]
        if crs and crs.upper() not in ("EPSG:4326", "OGC:CRS84"):
            from pyproj import Transformer

            to_wgs84 = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
            coords = [to_wgs84.transform(x, y) for x, y in coords]
        return coords
    raise ValueError(f"{path}: no line in the file (a route is a LineString)")
