"""Filtering sites and visits from request parameters, the same for the REST API, OGC API
and downloads. Plain functions of a dict of strings: no HTTP here.

A filter on sites means what the map's colours mean: the visit conditions (mineral, armed
presence, armed-group type, mercury, child labour) are those of each site's LATEST field visit, or
its latest field visit of the chosen `year` (or `datetime` interval) when one is given, so that
`mineral=Or&year=2019&armed_presence=true` means "the site's last 2019 visit found gold and armed
men", and every site kept by `armed_presence=true` is drawn with armed presence. Armed presence is
`ramani.sites.armed`'s classification. On visits, each condition applies to the visit itself.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import threading
from typing import NoReturn

from django.db.models import Exists, OuterRef, Q, QuerySet

from ramani.sites import armed
from ramani.sites import qualification as rules
from ramani.sites.models import Qualification, Site, Term, Visit, VisitArmedGroup, VisitMineral


class FilterError(ValueError):
    """A parameter with a value we cannot use; `param` names it for the 400 answer."""

    def __init__(self, param: str, message: str):
        super().__init__(f"{param}: {message}")
        self.param = param
        self.message = message


SITE_PARAMS = {
    "province": "Province name (as in IPIS, e.g. Sud-Kivu) or COD-AB pcode (CD62).",
    "territoire": "Territoire name, e.g. Mwenga.",
    "pcode": "Site pcode, e.g. codmine00312.",
    "q": "Text search in site name and pcode.",
    "mineral": "Mineral, in IPIS French (Or, Cassitérite) or English/Swahili (gold, dhahabu).",
    "year": "Year of a field visit, e.g. 2019: the other visit filters then look at the site's latest visit of it.",
    "armed_presence": "true/false: armed presence (any armed actor, interfering or not) at the latest field visit.",
    "armed_group_type": "Armed-group type as in IPIS, e.g. 'Groupe armé local', at the latest field visit.",
    "mercury": "true/false: mercury use seen at the latest field visit.",
    "child_labour": "true/false: children under 15 seen working at the latest field visit.",
    "qualification": "vert, jaune, rouge, bleu or none: status on the date `on` (legal validity applied).",
    "on": "Date (YYYY-MM-DD) for `qualification`; default today.",
    "bbox": "minLon,minLat,maxLon,maxLat in WGS84.",
    "datetime": "A visit date or interval (RFC 3339): 2019-05-01, 2018-01-01/2019-12-31, ../2015-12-31; "
    "the other visit filters then look at the site's latest field visit in it.",
}
VISIT_PARAMS = {k: v for k, v in SITE_PARAMS.items() if k not in ("qualification", "on", "q")} | {
    "year": "Year of the visit, e.g. 2019.",
    "armed_presence": "true/false: armed presence (any armed actor, interfering or not) at the visit.",
    "armed_group_type": "Armed-group type as in IPIS, e.g. 'Groupe armé local', named at the visit.",
    "mercury": "true/false: mercury use seen at the visit.",
    "child_labour": "true/false: children under 15 seen working at the visit.",
    "datetime": "A visit date or interval (RFC 3339): 2019-05-01, 2018-01-01/2019-12-31, ../2015-12-31.",
    "project": "Project as in IPIS, e.g. 'IPIS - IOM 2016-2018'.",
    "source": "Source as in IPIS, e.g. IPIS.",
}


def parse_bool(param: str, text: str) -> bool:
    t = text.strip().lower()
    if t in ("true", "1", "yes", "oui"):
        return True
    if t in ("false", "0", "no", "non"):
        return False
    raise FilterError(param, "expected true or false")


def parse_date(param: str, text: str) -> dt.date:
    t = text.strip()
    try:
        return dt.date.fromisoformat(t[:10]) if len(t) >= 10 and t[4] == "-" else _bad_date(param)
    except ValueError:
        return _bad_date(param)


def _bad_date(param: str) -> NoReturn:
    raise FilterError(param, "expected a date YYYY-MM-DD")


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    parts = text.split(",")
    if len(parts) not in (4, 6):
        raise FilterError("bbox", "expected 4 numbers: minLon,minLat,maxLon,maxLat")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise FilterError("bbox", "expected numbers") from None
    if not all(math.isfinite(n) for n in numbers):
        raise FilterError("bbox", "expected finite numbers")
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    minx, miny, maxx, maxy = numbers
    if miny > maxy or not (-90 <= miny <= 90 and -90 <= maxy <= 90):
        raise FilterError("bbox", "latitudes must be within -90..90 with min <= max")
    return minx, miny, maxx, maxy


def parse_interval(text: str) -> tuple[dt.date | None, dt.date | None]:
    """RFC 3339 date/datetime or interval with open ends ('..' or empty)."""
    if "/" in text:
        start, _, end = text.partition("/")
        lo = None if start in ("", "..") else parse_date("datetime", start)
        hi = None if end in ("", "..") else parse_date("datetime", end)
        if lo and hi and lo > hi:
            raise FilterError("datetime", "the interval ends before it starts")
        return lo, hi
    day = parse_date("datetime", text)
    return day, day


_WHOLE = re.compile(r"[0-9]{1,18}", re.ASCII)  # fits a 64-bit integer: no database overflows


def parse_int(param: str, text: str, low: int, high: int) -> int:
    """A whole number low..high written in ASCII digits; anything else (1e23, ², -1, 20 digits) is a FilterError."""
    t = text.strip()
    if not _WHOLE.fullmatch(t) or not low <= int(t) <= high:
        raise FilterError(param, f"expected a whole number from {low} to {high}")
    return int(t)


def parse_year(text: str) -> int:
    try:
        return parse_int("year", text, 1990, 2100)
    except FilterError:
        raise FilterError("year", "expected a year such as 2019") from None


def mineral_values(text: str) -> list[str]:
    """IPIS spellings of a mineral given in any of the three languages (or as IPIS writes it)."""
    t = text.strip()
    terms = Term.objects.filter(vocabulary="mineral").filter(
        Q(value__iexact=t)
        | Q(label_en__iexact=t)
        | Q(label_sw__iexact=t)
        | Q(label_fr__iexact=t)
        | Q(label_en__istartswith=t + " ")
        | Q(label_sw__istartswith=t + " ")
    )
    return sorted({term.value for term in terms} | {t})


def _bbox_q(bbox: tuple[float, float, float, float], prefix: str = "") -> Q:
    minx, miny, maxx, maxy = bbox
    q = Q(**{f"{prefix}latitude__gte": miny, f"{prefix}latitude__lte": maxy})
    if minx <= maxx:
        return q & Q(**{f"{prefix}longitude__gte": minx, f"{prefix}longitude__lte": maxx})
    # crossing the antimeridian
    return q & (Q(**{f"{prefix}longitude__gte": minx}) | Q(**{f"{prefix}longitude__lte": maxx}))


def _window(params: dict[str, str]) -> Q | None:
    """The visit dates asked for (`year`, `datetime`), or None."""
    q = Q()
    used = False
    if params.get("year"):
        q &= Q(visit_date__year=parse_year(params["year"]))
        used = True
    if params.get("datetime"):
        lo, hi = parse_interval(params["datetime"])
        if lo:
            q &= Q(visit_date__gte=lo)
        if hi:
            q &= Q(visit_date__lte=hi)
        used = True
    return q if used else None


def _conditions(params: dict[str, str]) -> Q | None:
    """What the parameters ask of one visit (besides its date), or None when they ask nothing."""
    q = Q()
    used = False
    if params.get("mineral"):
        q &= Exists(VisitMineral.objects.filter(visit=OuterRef("pk"), mineral__in=mineral_values(params["mineral"])))
        used = True
    if params.get("armed_presence"):
        q &= armed.armed_q(parse_bool("armed_presence", params["armed_presence"]))
        used = True
    for param, field in (("mercury", "mercury"), ("child_labour", "childunder15")):
        if params.get(param):
            q &= Q(**{field: parse_bool(param, params[param])})
            used = True
    if params.get("armed_group_type"):
        q &= Exists(VisitArmedGroup.objects.filter(visit=OuterRef("pk"), type=params["armed_group_type"]))
        used = True
    return q if used else None


def _visit_conditions(params: dict[str, str]) -> Q | None:
    """All the visit-level conditions (dates included), for filtering visits one by one."""
    window, conditions = _window(params), _conditions(params)
    if window is None:
        return conditions
    return window if conditions is None else window & conditions


def reference_visits(params: dict[str, str]) -> QuerySet:
    """Each site's reference visit for the filters: its latest field visit (ties: the larger id), within
    the `year` / `datetime` asked for. The map colours a site by this same visit."""
    field = Visit.objects.exclude(project=rules.QUALIFICATION_PROJECT)
    window = _window(params)
    if window is not None:
        field = field.filter(window)
    later = field.filter(site=OuterRef("site")).filter(
        Q(visit_date__gt=OuterRef("visit_date")) | Q(visit_date=OuterRef("visit_date"), id__gt=OuterRef("id"))
    )
    return field.filter(~Exists(later))


def _spellings(field: str, text: str) -> list[str]:
    """The spellings stored for a province or territoire name written in any case: the filter becomes an IN on
    the indexed column, whose selectivity PostgreSQL knows (with UPPER() it guessed 1% and read 30% of the visits
    by nested loops)."""
    from ramani.opendata import cache

    key = (cache.current_revision(), field, text.upper())
    found = _spelt.get(key)
    if found is None:
        # order_by(): without it the model's ordering joins the DISTINCT, which then gives one row per site
        rows = Site.objects.filter(**{f"{field}__iexact": text}).order_by().values_list(field, flat=True).distinct()
        found = sorted(rows) or [text]
        with _spelt_lock:
            _spelt[key] = found
            while len(_spelt) > 512:  # bounded: the oldest (first inserted) go first
                del _spelt[next(iter(_spelt))]
    return found


_spelt: dict[tuple, list[str]] = {}  # (registry revision, field, name in capitals) -> the spellings stored
_spelt_lock = threading.Lock()


def _place_q(params: dict[str, str], prefix: str = "") -> Q:
    q = Q()
    if params.get("province"):
        p = params["province"].strip()
        q &= (
            Q(**{f"{prefix}province_pcode": p.upper()})
            if p.upper().startswith("CD")
            else Q(**{f"{prefix}province__in": _spellings("province", p)})
        )
    if params.get("territoire"):
        q &= Q(**{f"{prefix}territoire__in": _spellings("territoire", params["territoire"].strip())})
    return q


def status_ids(status: str, on: dt.date) -> tuple[bool, set[int]]:
    """(True, ids) of the sites whose effective status on `on` is `status`; for 'none' it is
    (False, ids of the sites that DO hold a valid class), since sites with no decision are 'none'."""
    decisions: dict[int, list] = {}
    for site_id, date, st, pk in Qualification.objects.filter(date__lte=on).values_list(
        "site_id", "date", "status", "id"
    ):
        decisions.setdefault(site_id, []).append((date, st, pk))
    matching = {sid for sid, ds in decisions.items() if rules.status_on(ds, on).status == status}
    if status == "none":
        return False, set(decisions) - matching
    return True, matching


def filter_sites(params: dict[str, str], qs: QuerySet | None = None) -> QuerySet:
    qs = (qs if qs is not None else Site.objects.all()).filter(_place_q(params))
    if params.get("pcode"):
        qs = qs.filter(pcode=params["pcode"].strip())
    if params.get("q"):
        t = params["q"].strip()
        qs = qs.filter(Q(name__icontains=t) | Q(pcode__icontains=t))
    if params.get("bbox"):
        qs = qs.filter(_bbox_q(parse_bbox(params["bbox"])))
    conditions = _conditions(params)
    if conditions is not None or _window(params) is not None:
        reference = reference_visits(params)
        if conditions is not None:
            reference = reference.filter(conditions)
        qs = qs.filter(Exists(reference.filter(site=OuterRef("pk"))))
    if params.get("qualification"):
        status = params["qualification"].strip().lower()
        if status not in {c for c, _ in rules.STATUS_CHOICES}:
            raise FilterError("qualification", "expected vert, jaune, rouge, bleu or none")
        on = parse_date("on", params["on"]) if params.get("on") else dt.date.today()
        include, ids = status_ids(status, on)
        qs = qs.filter(id__in=ids) if include else qs.exclude(id__in=ids)
    elif params.get("on"):
        parse_date("on", params["on"])
    return qs


def filter_visits(params: dict[str, str], qs: QuerySet | None = None) -> QuerySet:
    qs = (qs if qs is not None else Visit.objects.all()).filter(_place_q(params, "site__"))
    if params.get("pcode"):
        qs = qs.filter(site__pcode=params["pcode"].strip())
    for param in ("project", "source"):
        if params.get(param):
            qs = qs.filter(**{param: params[param]})
    if params.get("bbox"):
        qs = qs.filter(_bbox_q(parse_bbox(params["bbox"])))
    visit_q = _visit_conditions(params)
    if visit_q is not None:
        qs = qs.filter(visit_q)
    return qs
