"""Resolve a free-text place from an SMS against the places Ramani knows: provinces, territoires and
villes (the AdminUnit table, with their alternate names), and the registry's mines (names, pcodes) and
villages. Accent- and case-insensitive, tolerant of misspellings (edit distance) and of the filler words
reporters wrap a name in ("mgodi wa X", "karibu na X", "pres de X", "dans le territoire de X").

How an answer is chosen:
- every run of up to four words of the message is looked up: exactly, as one distinctive word of a longer
  name ("kabaraza" -> "Mont Kabaraza Site B"), or within a few typing errors (by name length);
- a place scores by how well, and how much of the message, it explains: its own words plus the words that
  name its province or its territoire ("Fizi Sud-Kivu" is the territoire Fizi, not a choice between the
  territoire and the province; "Kalimbi Kalehe" is the Kalimbi mine of Kalehe);
- match quality comes first; among equally good matches an admin unit comes before a mine or a village
  (a hint word changes that: "mgodi"/"mine" for a mine, "mji"/"ville" for a town, "kijiji"/"village");
- only what remains truly different is offered as a choice: two mines of one name in two territoires are,
  the territoire Uvira and the ville Uvira are not (the territoire is taken, the ville with "mji wa Uvira").

The index is built once per registry revision (boundary imports and site imports move it) and per state
of the AdminUnit table, so a lookup costs a couple of tiny queries plus the matching itself.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA

from ramani.geo.names import normalise, territoire_names
from ramani.geo.provinces import ALIASES, OLD_PROVINCES, PROVINCES


@dataclass(frozen=True)
class Place:
    name: str
    kind: str  # province, territoire, ville, village, mine
    province: str
    territoire: str  # for a territoire or a ville: its own name
    site_id: int | None = None
    pcode: str = ""  # the admin unit's pcode (CD62, CD6210), or the mine's pcode (codmine00312)

    def describe(self) -> str:
        if self.kind == "province":
            return self.name
        if self.kind in ("territoire", "ville"):
            return f"{self.name} ({self.province})" if self.province else self.name
        where = ", ".join(p for p in (self.territoire, self.province) if p)
        return f"{self.name} ({where})" if where else self.name


# Words that are not part of a place name. A hint word also says which kind of place is meant.
HINTS = {
    "mine": {
        "mgodi",
        "migodi",
        "machimbo",
        "shimo",
        "mine",
        "mines",
        "carriere",
        "chantier",
        "site",
        "puits",
        "mining",
        "pit",
    },
    "ville": {"mji", "mjini", "ville", "cite", "town", "city"},
    "territoire": {"territoire", "territory", "wilaya", "teritwari"},
    "province": {"province", "jimbo", "mkoa"},
    "village": {"kijiji", "kijijini", "village", "localite"},
}
FILLER = set().union(*HINTS.values()) | {
    # Swahili
    "wa",
    "ya",
    "la",
    "za",
    "cha",
    "vya",
    "kwa",
    "na",
    "karibu",
    "katika",
    "kwenye",
    "huko",
    "hapa",
    "pale",
    "kule",
    "ni",
    "eneo",
    "sehemu",
    "mahali",
    "upande",
    "jirani",
    "mtaa",
    "tarafa",
    "kutoka",
    # French
    "de",
    "du",
    "des",
    "d",
    "le",
    "les",
    "l",
    "a",
    "au",
    "aux",
    "en",
    "dans",
    "vers",
    "pres",
    "proche",
    "cote",
    "secteur",
    "chefferie",
    "groupement",
    "quartier",
    "commune",
    "et",
    "sur",
    "entre",
    "environs",
    # English
    "near",
    "the",
    "of",
    "in",
    "at",
    "around",
    "district",
}
GENERIC = {"mont", "nord", "sud", "haut", "bas", "grand", "petit", "ii", "iii", "iv", "bis", "new", "ancien"}
MAX_SPAN = 4  # words in one name
MAX_WORDS = 12  # words of a message looked at
MAX_CHARS = 500
PARTIAL = 80.0  # quality of "one distinctive word of a longer name"
TIER = 3.0  # scores this close to the best count as equally good
RANK = {"territoire": 0, "ville": 0, "province": 1, "mine": 2, "village": 3}
SUB_RANK = {"territoire": 0, "ville": 1}


@dataclass
class _Index:
    exact: dict[str, list[Place]] = field(default_factory=dict)
    partial: dict[str, list[Place]] = field(default_factory=dict)
    fuzzy_keys: list[str] = field(default_factory=list)
    names: dict[Place, frozenset[str]] = field(default_factory=dict)  # admin units: every normalised name
    primary: dict[Place, str] = field(default_factory=dict)  # admin units: the normalised display name
    _fuzzy: set[str] = field(default_factory=set)  # keys open to fuzzy matching (names, not pcodes)

    def add(self, key: str, place: Place, fuzzy: bool = True) -> None:
        k = normalise(key)
        if not k:
            return
        variants = {k}
        stripped = " ".join(w for w in k.split() if w not in FILLER)
        if len(stripped) >= 3:
            variants.add(stripped)
        for v in variants:
            bucket = self.exact.setdefault(v, [])
            if place not in bucket:
                bucket.append(place)
        words = [w for w in (stripped or k).split() if len(w) >= 4 and w not in GENERIC]
        if len(words) > 1 or (words and len((stripped or k).split()) > 1):
            for w in words:
                bucket = self.partial.setdefault(w, [])
                if place not in bucket:
                    bucket.append(place)
        if fuzzy:
            self._fuzzy.update(variants)


_cache: dict[tuple, _Index] = {}
_lock = threading.Lock()


def _key() -> tuple:
    """What the index depends on, in one cheap query: the registry revision (bumped by imports, boundary
    imports and admin edits), the AdminUnit table (count, last id) and the last site id."""
    from django.db import connection

    from ramani.geo.models import AdminUnit
    from ramani.sites import revision
    from ramani.sites.models import Revision, Site

    units, sites, revisions = AdminUnit._meta.db_table, Site._meta.db_table, Revision._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT (SELECT number FROM {revisions} WHERE id = 1), (SELECT COUNT(*) FROM {units}), "
            f"(SELECT MAX(id) FROM {units}), (SELECT MAX(id) FROM {sites})"
        )
        number, *rest = cur.fetchone()
    return (revision.current() if number is None else number, *rest)


def _entries() -> _Index:
    key = _key()
    index = _cache.get(key)
    if index is None:
        with _lock:
            index = _cache.get(key)
            if index is None:
                index = _build()
                _cache.clear()
                _cache[key] = index
    return index


def clear_cache() -> None:
    _cache.clear()


def _build() -> _Index:
    from ramani.geo.models import AdminUnit
    from ramani.sites.models import Site

    index = _Index()
    province_places: dict[str, Place] = {}  # pcode -> place
    for pcode, name in PROVINCES.items():
        province_places[pcode] = Place(name, "province", name, "", pcode=pcode)
    units = list(
        AdminUnit.objects.values_list(
            "pcode", "level", "name", "alt_names", "parent_pcode", "minx", "miny", "maxx", "maxy"
        )
    )
    for pcode, level, name, _alts, _parent, *_ in units:
        if level == 1 and pcode not in province_places:
            province_places[pcode] = Place(name, "province", name, "", pcode=pcode)
    for pcode, place in province_places.items():
        index.add(place.name, place)
        index.names[place] = frozenset({normalise(place.name)})
        index.primary[place] = normalise(place.name)
    for alias, pcode in ALIASES.items():
        if pcode in province_places:
            index.add(alias, province_places[pcode])
    for old, pcodes in OLD_PROVINCES.items():  # "Katanga" -> the four provinces carved from it
        for pcode in pcodes:
            index.add(old, province_places[pcode])

    # admin-2: a territoire when the INS list names it and it is the largest unit of that name in its
    # province; otherwise a ville (or cité). The territoire is shown under its INS name (CD6107 -> Beni).
    level2 = [u for u in units if u[1] == 2]
    area = {u[0]: ((u[7] or 0) - (u[5] or 0)) * ((u[8] or 0) - (u[6] or 0)) for u in level2}
    by_name: dict[tuple[str, str], list[str]] = {}
    for pcode, _level, name, alts, parent, *_ in level2:
        for n in {normalise(x) for x in [name, *(alts or [])] if x}:
            by_name.setdefault((parent, n), []).append(pcode)
    admin2: dict[tuple[str, str], list[Place]] = {}  # (province, territoire name) -> units
    for pcode, _level, name, alts, parent, *_ in level2:
        all_names = [x for x in [name, *(alts or [])] if x and x.strip()]
        normalised = {normalise(x) for x in all_names}
        ins = territoire_names(parent)
        listed = [n for n in normalised if n in ins and max(by_name[(parent, n)], key=lambda p: (area[p], p)) == pcode]
        province = province_places[parent].name if parent in province_places else ""
        if listed:
            display = name if normalise(name) in listed else ins[listed[0]]
            place = Place(display, "territoire", province, display, pcode=pcode)
        else:
            place = Place(name, "ville", province, name, pcode=pcode)
        index.names[place] = frozenset(normalised | {normalise(place.name)})
        index.primary[place] = normalise(place.name)
        for n in {place.name, *all_names}:
            index.add(n, place)
        for n in index.names[place]:
            admin2.setdefault((normalise(province), n), []).append(place)

    known_provinces = {normalise(p.name) for p in province_places.values()} | set(ALIASES)
    villages: dict[tuple[str, str, str], list] = {}
    for pk, pcode, name, village, territoire, province in Site.objects.values_list(
        "id", "pcode", "name", "village", "territoire", "province"
    ):
        mine = Place(name or pcode, "mine", province, territoire, pk, pcode=pcode)
        index.add(pcode, mine, fuzzy=False)
        if name:
            index.add(name, mine)
        if village:
            villages.setdefault((normalise(village), normalise(territoire), normalise(province)), []).append(
                (village, territoire, province, pk)
            )
        key = (normalise(province), normalise(territoire))
        if territoire and key not in admin2:  # a territoire known only from the registry (no boundaries yet)
            place = Place(territoire, "territoire", province, territoire)
            admin2[key] = [place]
            index.names[place] = frozenset({key[1]})
            index.primary[place] = key[1]
            index.add(territoire, place)
        if province and normalise(province) not in known_provinces:
            place = Place(province, "province", province, "")
            known_provinces.add(normalise(province))
            index.names[place] = frozenset({normalise(province)})
            index.primary[place] = normalise(province)
            index.add(province, place)
    for rows in villages.values():
        village, territoire, province, pk = rows[0]
        sites = {r[3] for r in rows}
        index.add(village, Place(village, "village", province, territoire, pk if len(sites) == 1 else None))
    index.fuzzy_keys = sorted(index._fuzzy)
    index._fuzzy = set()
    return index


def _max_edits(length: int) -> int:
    return 0 if length <= 3 else 1 if length <= 5 else 2 if length <= 9 else 3


@dataclass
class _Match:
    start: int
    end: int
    place: Place
    quality: float
    key: str


def _matches(index: _Index, words: list[str]) -> list[_Match]:
    found: list[_Match] = []
    for i in range(len(words)):
        for j in range(i + 1, min(len(words), i + MAX_SPAN) + 1):
            text = " ".join(words[i:j])
            exact = index.exact.get(text)
            if exact:
                found += [_Match(i, j, p, 100.0, text) for p in exact]
                continue
            if j == i + 1:
                found += [_Match(i, j, p, PARTIAL, text) for p in index.partial.get(text, ())]
            edits = _max_edits(len(text.replace(" ", "")))
            if edits:
                for key, dist, _ in process.extract(
                    text, index.fuzzy_keys, scorer=OSA.distance, score_cutoff=edits, limit=8
                ):
                    quality = 100.0 * (1 - dist / max(len(text), len(key)))
                    found += [_Match(i, j, p, quality, key) for p in index.exact[key]]
    return found


def _contains(index: _Index, outer: Place, inner: Place) -> bool:
    """True when `outer` is the province or the territoire that `inner` lies in."""
    if outer is inner or outer.kind not in ("province", "territoire", "ville") or inner.kind == "province":
        return False
    if outer.kind == "province":
        return normalise(inner.province) in index.names.get(outer, ())
    if inner.kind in ("territoire", "ville"):
        return False
    return normalise(inner.territoire) in index.names.get(outer, ()) and normalise(inner.province) == normalise(
        outer.province
    )


def resolve(text: str, limit: int = 4) -> list[Place]:
    """Candidate places for `text`, best first: one place when the text says which, several only when
    it is truly ambiguous, [] when nothing matches."""
    words = normalise((text or "")[:MAX_CHARS]).split()[: MAX_WORDS * 2]
    if not words:
        return []
    hinted = {kind for w in words for kind, hint in HINTS.items() if w in hint}
    content = [w for w in words if w not in FILLER][:MAX_WORDS] or words[:MAX_WORDS]
    index = _entries()
    matches = _matches(index, content)
    whole = " ".join(words)
    if whole != " ".join(content):  # a name made of filler words only ("Site B" is "b" without them)
        matches += [_Match(0, len(content), p, 100.0, whole) for p in index.exact.get(whole, ())]
    if not matches:
        return []

    # a name inside a longer name matched as well is not a candidate ("kasongo" in "kasongo lunda");
    # a candidate scores by its own match plus the matches naming its territoire and its province
    live = [
        m
        for m in matches
        if not any(
            o.start <= m.start and o.end >= m.end and o.end - o.start > m.end - m.start and o.quality >= m.quality - 5
            for o in matches
        )
    ]
    best: dict[Place, tuple[float, _Match]] = {}
    for m in live:
        used = set(range(m.start, m.end))
        score = m.quality
        for container_kinds in (("territoire", "ville"), ("province",)):
            support = max(
                (
                    c
                    for c in live
                    if c.place.kind in container_kinds
                    and used.isdisjoint(range(c.start, c.end))
                    and _contains(index, c.place, m.place)
                ),
                key=lambda c: (c.quality, c.end - c.start),
                default=None,
            )
            if support is not None:
                score += support.quality
                used |= set(range(support.start, support.end))
        if m.place not in best or score > best[m.place][0]:
            best[m.place] = (score, m)
    top = max(score for score, _ in best.values())
    tier = [(score, m) for score, m in best.values() if score >= top - TIER]

    def order(item):
        score, m = item
        kind = m.place.kind
        alias = 0 if index.primary.get(m.place, normalise(m.place.name)) == m.key else 1
        return (
            -1 if kind in hinted else RANK[kind],
            alias if kind in SUB_RANK else 0,
            SUB_RANK.get(kind, 0),
            -score,
            m.place.name,
            m.place.pcode,
        )

    tier.sort(key=order)
    first = tier[0][1].place
    chosen = [first]
    for _score, m in tier[1:]:
        place = m.place
        if _contains(index, place, first) or _contains(index, first, place):
            continue
        if first.kind in ("territoire", "ville", "province") and place.kind in ("mine", "village"):
            continue  # an admin unit named as well as a mine or a village: the admin unit
        if (
            first.kind in ("territoire", "ville")
            and place.kind in ("territoire", "ville")
            and (
                normalise(first.province) == normalise(place.province)
                and index.names.get(first, frozenset()) & index.names.get(place, frozenset())
            )
        ):
            continue  # the territoire Uvira and the ville Uvira: one answer
        if (
            first.kind in ("mine", "village")
            and place.kind == "village"
            and (normalise(first.territoire), normalise(first.province))
            == (normalise(place.territoire), normalise(place.province))
        ):
            continue  # the mine and its village, or two villages of one name in one territoire
        if place.kind in ("province", "territoire", "ville") and first.kind in ("mine", "village"):
            continue  # a hinted mine or village beats an admin unit named as well
        if any(_same(place, c) for c in chosen):
            continue
        chosen.append(place)
    return chosen[:limit]


def _same(a: Place, b: Place) -> bool:
    return (normalise(a.province), normalise(a.territoire), a.site_id or normalise(a.name)) == (
        normalise(b.province),
        normalise(b.territoire),
        b.site_id or normalise(b.name),
    )
