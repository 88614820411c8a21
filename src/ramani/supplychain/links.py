"""Link mining sites to the trade points their visits name: the `selling_points_mineral*` text to depots and
points of sale, the `final_destination_mineral*` text to mineral destinations.

Each comma- or semicolon-separated place a visit names is matched, first rule that answers:
1. `name`: the trade point's name, exactly (accents and case aside; score 100) or within a few typing
   errors (score = similarity, at least FUZZY);
2. `locality`: the trade point's town or village, the same way (every point of that kind there);
3. `gazetteer`: the text and the point's locality resolve (ramani.geo.gazetteer) to one and the same place,
   or the text resolves to the territoire or ville the point lies in (score = how well the place's name is
   found in the text: 100 when it is there as written, accents and case aside).
Anything else stays unmatched. Every link keeps the words matched, the rule, what it matched and the score,
so that a reader sees a match as a match. `rebuild` replaces every link (after trade-point imports, and by
`ramani link-sites`); `refresh` those of the sites a visit import (IPIS file or survey) wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction
from rapidfuzz import fuzz, process

from ramani.geo import gazetteer
from ramani.geo.names import normalise
from ramani.sites.models import VisitMineral
from ramani.supplychain.models import SiteLink, TradePoint
from ramani.supplychain.vocabularies import ROLES

FUZZY = 88.0
_SPLIT = re.compile(r"[,;/\n]+")


@dataclass(frozen=True)
class Match:
    point_id: int
    method: str
    matched: str
    score: float


class Matcher:
    """Matches the place names of one role (selling_points or final_destination) to its trade points."""

    def __init__(self, points: list[dict]):
        self.by_name: dict[str, list[dict]] = {}
        self.by_locality: dict[str, list[dict]] = {}
        for p in points:
            self.by_name.setdefault(normalise(p["name"]), []).append(p)
            if p["locality"]:
                self.by_locality.setdefault(normalise(p["locality"]), []).append(p)
        self.points = points
        self._places: dict[int, gazetteer.Place | None] | None = None
        self._cache: dict[str, list[Match]] = {}

    def match(self, text: str) -> list[Match]:
        key = normalise(text)
        if not key:
            return []
        if key not in self._cache:
            self._cache[key] = self._match(text.strip(), key)
        return self._cache[key]

    def _match(self, text: str, key: str) -> list[Match]:
        for method, table in (("name", self.by_name), ("locality", self.by_locality)):
            if key in table:
                return [Match(p["id"], method, p[method], 100.0) for p in table[key]]
            best = process.extractOne(key, list(table), scorer=fuzz.ratio, score_cutoff=FUZZY) if table else None
            if best:
                return [Match(p["id"], method, p[method], round(best[1], 1)) for p in table[best[0]]]
        places = gazetteer.resolve(text)
        if len(places) != 1:
            return []  # nothing, or truly ambiguous
        place = places[0]
        score = round(fuzz.partial_ratio(normalise(place.name), key), 1)
        found = [
            p
            for p in self.points
            if self._place_of(p) == place
            or (place.kind in ("territoire", "ville") and place.pcode and p["adm2_pcode"] == place.pcode)
        ]
        return [Match(p["id"], "gazetteer", place.describe(), score) for p in found]

    def _place_of(self, point: dict) -> gazetteer.Place | None:
        if self._places is None:
            self._places = {}
            for p in self.points:
                found = gazetteer.resolve(p["locality"]) if p["locality"] else []
                self._places[p["id"]] = found[0] if len(found) == 1 else None
        return self._places[point["id"]]


@dataclass
class _Link:
    texts: list[str] = field(default_factory=list)
    match: Match | None = None
    minerals: set[str] = field(default_factory=set)
    visits: set[int] = field(default_factory=set)
    last_visit: object = None


def places_named(text: str) -> list[str]:
    return [part.strip() for part in _SPLIT.split(text or "") if part.strip()]


def rebuild() -> int:
    """Replace every site link from the visits as they are now; returns how many links there are."""
    return _replace(None)


#: above this many sites a refresh rebuilds every link (the same answer, without a huge IN list)
REFRESH_ALL_ABOVE = 5000


def refresh(site_ids) -> int:
    """Replace the links of these sites (those whose visits an import wrote or changed) from their visits as
    they are now, leaving the others' alone; returns how many links these sites now have. Called by the visit
    imports (ramani.sites.ipis_import, which the survey imports go through). Returns how many links it wrote
    (every site's, when there were too many sites to name and it rebuilt them all)."""
    site_ids = sorted(set(site_ids))
    if not site_ids or not TradePoint.objects.exists():
        return 0  # no trade point, no link to make (and none to keep: a link needs its point)
    if len(site_ids) > REFRESH_ALL_ABOVE:
        return rebuild()
    return _replace(site_ids)


def _replace(site_ids: list[int] | None) -> int:
    points = list(TradePoint.objects.values("id", "kind", "name", "locality", "adm2_pcode"))
    matchers = {role: Matcher([p for p in points if p["kind"] in kinds]) for role, kinds in ROLES.items()}
    links: dict[tuple[int, int, str], _Link] = {}
    if points:
        slots = VisitMineral.objects.all()
        if site_ids is not None:
            slots = slots.filter(visit__site_id__in=site_ids)
        slots = slots.values_list(
            "visit_id", "visit__site_id", "visit__visit_date", "mineral", "selling_points", "final_destination"
        )
        for visit_id, site_id, date, mineral, selling, destination in slots.iterator(chunk_size=5000):
            for role, text in (("selling_points", selling), ("final_destination", destination)):
                for place in places_named(text):
                    for m in matchers[role].match(place):
                        link = links.setdefault((m.point_id, site_id, role), _Link())
                        if link.match is None or m.score > link.match.score:
                            link.match = m
                            link.texts = [place]
                        if mineral:
                            link.minerals.add(mineral)
                        link.visits.add(visit_id)
                        if date and (link.last_visit is None or date > link.last_visit):
                            link.last_visit = date
    rows = [
        SiteLink(
            point_id=point_id,
            site_id=site_id,
            role=role,
            text=link.texts[0],
            method=link.match.method,
            matched=link.match.matched,
            score=link.match.score,
            minerals=sorted(link.minerals),
            visits=len(link.visits),
            last_visit=link.last_visit,
        )
        for (point_id, site_id, role), link in links.items()
        if link.match is not None
    ]
    with transaction.atomic():
        stale = SiteLink.objects.all() if site_ids is None else SiteLink.objects.filter(site_id__in=site_ids)
        stale.delete()
        SiteLink.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
