"""Armed presence and armed interference at a visit: one classification, used by the map's tiles, the
due-diligence lookup, the dashboard, the downloads and the filters.

IPIS records, per visit, `presence` (armed men seen at or near the site), `interference` (an armed
actor interferes in mining or trade: taxes, monopoly, buying, digging, forced labour, pillage, pit
ownership) and up to three armed groups, each with a type and those activities. Presence is not
interference: a local armed group seen at a site that records no interference is "presence, no
interference".

A group interferes at a visit when the visit does not record "no interference" (`interference` is
not false), its type is a non-state armed group (local or foreign) or undisciplined elements of a
state force (FARDC, PNC, PMH), and either it has an activity recorded, or its type says so
(undisciplined elements), or no activity of it was recorded at all (then the visit's flag, or, when
that is missing too as in 2009, the group's type stands for it). "FARDC - Pas d'ingérence
constatée" and "FARDC - Pas de données sur les ingérences" never interfere.

The class of a visit, most severe first: `foreign`, `local`, `state` (the most severe interfering
group), `other` (interference recorded, no interfering group named), `presence` (armed presence or a
named armed actor, no interference), `none` (no armed presence recorded, or only "Aucun"),
`unknown` (nothing recorded).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

FOREIGN = "Groupe armé étranger"
LOCAL = "Groupe armé local"
NONE_TYPE = "Aucun"
STATE_TYPES = ("FARDC - Éléments indisciplinés", "PNC - Éléments indisciplinés", "PMH - Éléments indisciplinés")

CLASSES = ["unknown", "none", "presence", "other", "state", "local", "foreign"]  # increasing severity
ARMED_CLASSES = ("presence", "other", "state", "local", "foreign")  # what "armed presence: yes" means
INTERFERENCE_CLASSES = ("other", "state", "local", "foreign")

# one palette for the map and the dashboard
COLOURS = {
    "foreign": "#67001f",
    "local": "#d6604d",
    "state": "#8073ac",
    "other": "#b35806",
    "presence": "#f4a582",
    "none": "#4d9221",
    "unknown": "#bdbdbd",
}
# each class's name, as the map's legend and the data dictionary give it
LABELS = {
    "foreign": _("Foreign armed group"),
    "local": _("Local armed group"),
    "state": _("Undisciplined state forces"),
    "other": _("Armed interference, actor not recorded"),
    "presence": _("Armed presence, no interference seen"),
    "none": _("No armed presence"),
    "unknown": _("No data"),
}


def vocabulary() -> list[tuple[str, str, str, str]]:
    """The classes as a vocabulary: (value, French, English, Swahili label), most severe first."""

    def label(cls: str, language: str) -> str:
        with translation.override(language):
            return str(LABELS[cls])

    return [(cls, label(cls, "fr"), label(cls, "en"), label(cls, "sw")) for cls in reversed(CLASSES)]


@dataclass(frozen=True)
class Group:
    """One armed-group slot of a visit: its type as IPIS writes it and its activity flags (None: not recorded)."""

    type: str
    activities: tuple[bool | None, ...] = ()
    name: str = ""


def kind(group_type: str) -> str | None:
    """'foreign', 'local' or 'state' for a type that can interfere; None for the others."""
    if group_type == FOREIGN:
        return "foreign"
    if group_type == LOCAL:
        return "local"
    if group_type in STATE_TYPES:
        return "state"
    return None


def interferes(group: Group, interference: bool | int | None) -> bool:
    """Whether `group` interferes at a visit whose interference flag is `interference` (see the module)."""
    k = kind(group.type)
    if _flag(interference) is False or k is None:
        return False
    if any(_flag(a) for a in group.activities):  # 0/1 from SQLite, or booleans
        return True
    return k == "state" or all(a is None for a in group.activities)


def classify(presence: bool | int | None, interference: bool | int | None, groups: Sequence[Group]) -> str:
    """The class of one visit (one of CLASSES). Flags may be 0/1 as SQLite gives them."""
    presence, interference = _flag(presence), _flag(interference)
    kinds = [kind(g.type) for g in groups if interferes(g, interference)]
    if kinds:
        return max(kinds, key=lambda k: CLASSES.index(k or ""))  # type: ignore[return-value]
    if interference is True:
        return "other"
    named = [g.type for g in groups if g.type]
    if presence or any(t != NONE_TYPE for t in named):
        return "presence"
    if presence is False or interference is False or named:
        return "none"
    return "unknown"


def _flag(value: bool | int | None) -> bool | None:
    return None if value is None else bool(value)


def is_armed(cls: str) -> bool:
    return cls in ARMED_CLASSES


def groups_of(rows: Iterable) -> list[Group]:
    """Group values from VisitArmedGroup objects (or anything with the same attributes)."""
    from ramani.sites.models import VisitArmedGroup

    return [Group(g.type, tuple(getattr(g, a) for a in VisitArmedGroup.ACTIVITIES), g.name) for g in rows if g.type]


def visit_class(visit) -> str:
    """The class of a Visit (its armed groups prefetched or not)."""
    return classify(visit.presence, visit.interference, groups_of(visit.armed_groups.all()))


def armed_q(armed: bool, prefix: str = "") -> Q:
    """A filter on Visit (or, with `prefix`, a model reaching one) for 'armed presence' yes/no as
    `classify` decides it: yes is one of ARMED_CLASSES, no is 'none' ('unknown' is neither)."""
    from ramani.sites.models import VisitArmedGroup

    pk = f"{prefix}pk" if prefix else "pk"
    named_armed = Exists(VisitArmedGroup.objects.filter(visit=OuterRef(pk)).exclude(type="").exclude(type=NONE_TYPE))
    named_none = Exists(VisitArmedGroup.objects.filter(visit=OuterRef(pk), type=NONE_TYPE))
    yes = Q(**{f"{prefix}presence": True}) | Q(**{f"{prefix}interference": True}) | named_armed
    if armed:
        return yes
    return ~yes & (Q(**{f"{prefix}presence": False}) | Q(**{f"{prefix}interference": False}) | named_none)
