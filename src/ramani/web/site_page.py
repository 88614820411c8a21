"""The page of one mining site, `/sites/<pcode>/`: what the map's card shows, the visit history with small
charts, the qualification history with its legal meaning, the due-diligence red flags as sentences, the
site's published incidents, a small map, a citation line and the site's downloads.

Every figure comes from the same functions as the API (`features.site_features`, `risk.assess`,
`incidents.public.of_site`, `Site.status_on`): the page only words them in the reader's language.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from ramani.fieldwork.xlsform import ACTIVITIES
from ramani.geo import basemap
from ramani.incidents import categories
from ramani.incidents import public as public_incidents
from ramani.opendata import features, query, risk
from ramani.sites import armed
from ramani.sites import qualification as rules
from ramani.sites.models import Site, Term, Visit
from ramani.web import legend, links
from ramani.web.map_views import _basemap_config as basemap_config

LANG_COLUMN = {"fr": 1, "en": 2, "sw": 3}


def _day(value: dt.date | None) -> str:
    return formats.date_format(value, "j F Y") if value else ""


def dms(value: float, axis: str) -> str:
    """7.5 -> 7°30'00.0"N, as the map's card writes coordinates."""
    hemisphere = ("N" if value >= 0 else "S") if axis == "lat" else ("E" if value >= 0 else "W")
    total = round(abs(value) * 36000) / 10
    degrees = int(total // 3600)
    rest = total - degrees * 3600
    minutes = int(rest // 60)
    return f"{degrees}°{minutes:02d}'{rest - minutes * 60:04.1f}\"{hemisphere}"


def _iso(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _terms(lang: str) -> dict[tuple[str, str], str]:
    vocabularies = ["mineral", "armed_group_type", "frequency", "location_origin", "task"]
    return {(t.vocabulary, t.value): t.label(lang) for t in Term.objects.filter(vocabulary__in=vocabularies)}


def activity_labels(lang: str) -> dict[str, str]:
    column = LANG_COLUMN.get(lang, 1)
    return {row[0]: row[column] for row in ACTIVITIES}


def status_label(code: str | None) -> str:
    return {
        "vert": _("Green"),
        "jaune": _("Yellow"),
        "rouge": _("Red"),
        "bleu": _("Blue"),
        "none": _("No qualification"),
    }.get(code or "none", code or "")


def status_now(held: rules.Status) -> str:
    """What holds on `held.on`, and why, in words (the legal rules of ramani.sites.qualification)."""
    on = _day(held.on)
    if held.decided is None:
        return _("No qualification decision is recorded for this site: on %(on)s it has no qualification.") % {"on": on}
    if held.expired:
        return _(
            "The green qualification of %(decided)s was valid one year and expired on %(until)s: on %(on)s the site "
            "has no valid qualification until a new decision."
        ) % {"decided": _day(held.decided_on), "until": _day(held.valid_until), "on": on}
    if held.automatic:
        return _(
            "The blue qualification of %(decided)s was valid three years (ministerial decree n°677 of 12 November "
            "2021) and turned red automatically on %(since)s."
        ) % {"decided": _day(held.decided_on), "since": _day(held.since)}
    if held.status in ("vert", "bleu") and held.valid_until:
        return _("%(status)s since %(decided)s, valid until %(last)s.") % {
            "status": status_label(held.status),
            "decided": _day(held.decided_on),
            "last": _day(held.valid_until - dt.timedelta(days=1)),
        }
    if held.status == "jaune" and held.review_due:
        text = (
            _("Yellow since %(decided)s; the re-evaluation has been overdue since %(due)s.")
            if held.review_overdue
            else _("Yellow since %(decided)s; it must be re-evaluated by %(due)s.")
        )
        return text % {"decided": _day(held.decided_on), "due": _day(held.review_due)}
    if held.status == "rouge":
        return _("Red since %(decided)s: no mineral from this site may be traded until a new decision.") % {
            "decided": _day(held.decided_on)
        }
    return _("No class since %(decided)s.") % {"decided": _day(held.decided_on)}


def decision_meaning(status: str, date: dt.date, replaced_on: dt.date | None) -> str:
    """What one dated decision meant in law, and what ended it."""
    if status == "vert":
        until = rules.add_years(date, rules.GREEN_VALID_YEARS)
        text = _(
            "Green: the site met the conditions (no armed interference, no child labour); its minerals could be "
            "mined and exported. Valid one year, until %(last)s; then no valid qualification until a new decision."
        ) % {"last": _day(until - dt.timedelta(days=1))}
        ends = until
    elif status == "bleu":
        until = rules.add_years(date, rules.BLUE_VALID_YEARS)
        text = _(
            "Blue (ministerial decree n°677 of 12 November 2021): an exporter's risk assessment found no yellow or "
            "red risk. Valid three years, until %(last)s; after that the site becomes red automatically."
        ) % {"last": _day(until - dt.timedelta(days=1))}
        ends = until
    elif status == "jaune":
        due = rules.add_months(date, rules.YELLOW_REVIEW_MONTHS)
        text = _(
            "Yellow: problems were found that the site can correct; it could keep producing. It was to be "
            "re-evaluated by %(due)s."
        ) % {"due": _day(due)}
        ends = None
    elif status == "rouge":
        text = _(
            "Red: armed interference, child labour or another serious breach; no mineral from the site may be "
            "traded. It stands until a new decision."
        )
        ends = None
    else:
        text = _("No class: the site has no qualification.")
        ends = None
    if replaced_on and (ends is None or replaced_on < ends):
        text += " " + _("Replaced by the decision of %(date)s.") % {"date": _day(replaced_on)}
    return text


def qualification_history(site: Site) -> list[dict]:
    decisions = list(site.qualifications.order_by("date", "id"))
    rows = []
    for i, q in enumerate(decisions):
        later = decisions[i + 1].date if i + 1 < len(decisions) else None
        rows.append(
            {
                "date": q.date,
                "status": q.status,
                "label": status_label(q.status),
                "colour": rules.COLOURS.get(q.status, rules.COLOURS["none"]),
                "reference": q.reference,
                "meaning": decision_meaning(q.status, q.date, later),
            }
        )
    return rows


def _group_sentence(flag: dict, visit: Visit | None, terms: dict, acts: dict[str, str]) -> str | None:
    """The interfering group of a group flag, found in the visit the flag names (None: not found)."""
    if visit is None:
        return None
    for g in visit.armed_groups.all():
        if not flag.get("detail", "").startswith(f"{g.name or g.type} ("):
            continue
        activities = ", ".join(acts.get(a, a) for a in g.activities())
        values = {
            "group": g.name or terms.get(("armed_group_type", g.type), g.type),
            "type": terms.get(("armed_group_type", g.type), g.type),
            "activities": activities,
            "frequency": terms.get(("frequency", g.frequency), g.frequency),
        }
        if activities and g.frequency:
            return _("%(group)s (%(type)s): %(activities)s; seen %(frequency)s.") % values
        if activities:
            return _("%(group)s (%(type)s): %(activities)s.") % values
        return _("%(group)s (%(type)s): present; no activity recorded.") % values
    return None


FLAG_TITLES = {
    "armed_group_interference": lambda: _("An armed group interferes at the site."),
    "state_security_interference": lambda: _("Undisciplined state security forces interfere at the site."),
    "armed_interference": lambda: _("Armed interference was recorded, without detail of the group."),
    "child_labour": lambda: _("Children under 15 were seen working at the site."),
    "mercury": lambda: _("Mercury is used to process gold at the site."),
    "qualification": lambda: _("The site has no valid qualification that allows trade (green, yellow or blue)."),
    "stale_evidence": lambda: _("The field evidence is old."),
}


def red_flags(site: Site, on: dt.date, lang: str) -> dict:
    """risk.assess's answer, each red flag worded for people in the reader's language."""
    answer = risk.assess(site, on)
    terms, acts = _terms(lang), activity_labels(lang)
    visit_ids = {f["visit"]["visit_id"] for f in answer["red_flags"] if f.get("visit")}
    visits = {v.id: v for v in Visit.objects.filter(id__in=visit_ids).prefetch_related("armed_groups")}
    out = []
    for flag in answer["red_flags"]:
        code = flag.get("flag", "")
        ref = flag.get("visit") or {}
        visit = visits.get(ref.get("visit_id"))
        title = FLAG_TITLES[code]() if code in FLAG_TITLES else code.replace("_", " ")
        detail = ""
        if code.endswith("interference") and code != "armed_interference":
            detail = _group_sentence(flag, visit, terms, acts) or flag.get("detail", "")
        elif code == "child_labour" and visit is not None:
            tasks = ", ".join(terms.get(("task", t), t) for t in visit.child_tasks) or _("tasks not recorded")
            detail = _("Tasks: %(tasks)s.") % {"tasks": tasks}
        elif code == "qualification":
            detail = status_now(site.status_on(on))
        elif code == "stale_evidence":
            age = answer.get("evidence_age_days")
            detail = (
                _("No field visit is on record.")
                if age is None
                else _("The latest field visit is %(days)s days old (more than a year).") % {"days": age}
            )
        source = ""
        if ref.get("date"):
            source = _("Field visit of %(date)s (%(project)s).") % {
                "date": _day(_iso(ref["date"])),
                "project": ref.get("project", ""),
            }
        severity = flag.get("severity", "")
        out.append(
            {
                "code": code,
                "severity": severity,
                "severity_label": {"high": _("High risk"), "medium": _("Medium risk")}.get(severity, severity),
                "title": title,
                "detail": detail,
                "source": source,
            }
        )
    return {"flags": out, "answer": answer}


def _yes_no(value: bool | None) -> str:
    return "—" if value is None else (_("yes") if value else _("no"))


def visit_rows(visits: list[Visit], terms: dict) -> list[dict]:
    rows = []
    for v in visits:
        cls = armed.visit_class(v)  # the class the map's armed layer colours the visit with
        groups = [
            {
                "name": g.name or terms.get(("armed_group_type", g.type), g.type),
                "type": terms.get(("armed_group_type", g.type), g.type),
            }
            for g in v.armed_groups.all()
            if g.name or g.type
        ]
        rows.append(
            {
                "date": v.visit_date,
                "project": v.project,
                "workers": v.workers_numb,
                "minerals": ", ".join(
                    terms.get(("mineral", m.mineral), m.mineral) for m in v.mineral_slots.all() if m.mineral
                ),
                "presence": _yes_no(v.presence),
                "interference": _yes_no(v.interference),
                "armed_class": str(armed.LABELS[cls]),
                "armed_colour": armed.COLOURS[cls],
                "groups": groups,
                "mercury": _yes_no(v.mercury),
                "children": _yes_no(v.childunder15),
            }
        )
    return rows


def chart_data(visits: list[Visit]) -> dict:
    """The visit history as the page's two small charts read it (one point per field visit, oldest first)."""

    def flag(value: bool | None) -> int | None:
        return None if value is None else int(value)

    return {
        "labels": [v.visit_date.isoformat() for v in visits],
        "workers": [v.workers_numb for v in visits],
        "presence": [flag(v.presence) for v in visits],
        "interference": [flag(v.interference) for v in visits],
        "groups": [sum(1 for g in v.armed_groups.all() if g.name or g.type) for v in visits],
    }


def site_page(request: HttpRequest, pcode: str) -> HttpResponse:
    lang = request.LANGUAGE_CODE[:2]
    site = Site.objects.filter(pcode=pcode[:20]).first()
    synthetic = Site.objects.filter(synthetic=True).exists()
    if site is None:
        return render(request, "web/site_missing.html", {"page": "sites", "pcode": pcode}, status=404)
    try:
        on = query.parse_date("on", request.GET["on"]) if request.GET.get("on") else dt.date.today()
    except query.FilterError as error:
        return render(request, "web/site_missing.html", {"page": "sites", "pcode": pcode, "error": error}, status=400)
    terms = _terms(lang)
    props = features.site_features([site], on)[0]["properties"]
    visits = list(
        site.visits.exclude(project=rules.QUALIFICATION_PROJECT)
        .prefetch_related("mineral_slots", "armed_groups")
        .order_by("visit_date", "id")
    )
    held = site.status_on(on)
    substances: list[str] = []
    for v in visits:
        for m in v.mineral_slots.all():
            label = terms.get(("mineral", m.mineral), m.mineral)
            if label and label not in substances:
                substances.append(label)
    flags = red_flags(site, on, lang)
    incidents = [
        i | {"category_label": categories.label(i["category_code"], lang)}
        for i in public_incidents.of_site(site.pcode, with_codes=True)
    ]
    keep = urlencode({"pcode": site.pcode})
    url = request.build_absolute_uri(reverse("site-page", args=[site.pcode]))
    downloads = [
        (_("Site data (JSON)"), reverse("api:get_site", args=[site.pcode])),
        ("GeoJSON", reverse("download", args=["sites", "geojson"]) + f"?{keep}"),
        ("CSV", reverse("download", args=["sites", "csv"]) + f"?{keep}"),
        (_("Visits (CSV)"), reverse("download", args=["visits", "csv"]) + f"?{keep}"),
        (_("Due-diligence red flags (JSON)"), reverse("api:site_risk", args=[site.pcode])),
    ]
    layers = legend.layers()
    mini = {
        "pcode": site.pcode,
        "center": [site.longitude, site.latitude] if site.longitude is not None else None,
        "tiles": links.tile_template(),
        "colours": {c["value"]: c["colour"] for c in layers[0]["classes"]},
        "boundaries": reverse("map-boundaries") if basemap.has_outlines() else None,
        "lang": lang,
        "base": basemap_config() | {"lang": lang},
        "locale": legend.maplibre_locale(),
    }
    return render(
        request,
        "web/site_page.html",
        {
            "page": "sites",
            "site": site,
            "props": props,
            "on": on,
            "today": dt.date.today(),
            "held": held,
            "held_label": status_label(held.status),
            "held_colour": rules.COLOURS.get(held.status, rules.COLOURS["none"]),
            "held_text": status_now(held),
            "substances": ", ".join(substances),
            "coordinates": f"{dms(site.latitude, 'lat')} {dms(site.longitude, 'lon')}"
            if site.latitude is not None and site.longitude is not None
            else "",
            "location_origin": terms.get(("location_origin", site.location_origin), site.location_origin),
            "visits": visit_rows(visits, terms),
            "charts": chart_data(visits),
            "chart_strings": {
                "workers": _("Diggers"),
                "presence": _("Armed presence"),
                "interference": _("Armed interference"),
                "groups": _("Armed groups named"),
                "yes": _("yes"),
                "no": _("no"),
            },
            "qualifications": qualification_history(site),
            "flags": flags["flags"],
            "incidents": incidents,
            "downloads": downloads,
            "url": url,
            "map_url": reverse("map") + f"?site={site.pcode}#view=12/{site.latitude}/{site.longitude}"
            if site.latitude is not None
            else reverse("map") + f"?site={site.pcode}",
            "mini": mini,
            "synthetic": synthetic,
        },
    )
