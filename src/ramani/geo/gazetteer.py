"""Resolve a free-text place from an SMS against the places Ramani knows: provinces,
territoires, villages and mine names/pcodes (fuzzy, accent- and case-insensitive)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from ramani.geo.names import normalise


@dataclass(frozen=True)
class Place:
    name: str
    kind: str  # province, territoire, village, mine
    province: str
    territoire: str
    site_id: int | None = None

    def describe(self) -> str:
        where = ", ".join(p for p in (self.territoire if self.kind != "territoire" else "", self.province) if p)
        return f"{self.name} ({where})" if where else self.name


_cache: dict[int, dict[str, list[Place]]] = {}


def _entries() -> dict[str, list[Place]]:
    """The index of known places, rebuilt only when the registry changes (its revision moves)."""
    from ramani.sites import revision

    number = revision.current()
    if number not in _cache:
        _cache.clear()
        _cache[number] = _build()
    return _cache[number]


def _build() -> dict[str, list[Place]]:
    from ramani.sites.models import Site

    index: dict[str, list[Place]] = {}

    def add(key: str, place: Place) -> None:
        k = normalise(key)
        if k and place not in index.setdefault(k, []):
            index[k].append(place)

    for pk, pcode, name, village, territoire, province in Site.objects.values_list(
            "id", "pcode", "name", "village", "territoire", "province"):
        mine = Place(name or pcode, "mine", province, territoire, pk)
        add(pcode, mine)
        if name:
            add(name, mine)
        if village:
            add(village, Place(village, "village", province, territoire, pk))
        if territoire:
            add(territoire, Place(territoire, "territoire", province, territoire))
        if province:
            add(province, Place(province, "province", province, ""))
    return index


def resolve(text: str, limit: int = 4) -> list[Place]:
    """Candidate places for `text`, best first: exact matches, else close spellings; [] if none."""
    index = _entries()
    words = normalise(text)
    if not words:
        return []
    exact = index.get(words)
    if exact:
        return _rank(exact)[:limit]
    found: list[Place] = []
    for token in [words] + words.split():  # "mgodi wa kamituga" -> try each word too
        if token in index and len(token) >= 3:
            found += [p for p in index[token] if p not in found]
    if found:
        return _rank(found)[:limit]
    close = difflib.get_close_matches(words, index.keys(), n=limit, cutoff=0.8)
    for key in close:
        found += [p for p in index[key] if p not in found]
    return _rank(found)[:limit]


def _rank(places: list[Place]) -> list[Place]:
    order = {"mine": 0, "village": 1, "territoire": 2, "province": 3}
    return sorted(places, key=lambda p: order[p.kind])
