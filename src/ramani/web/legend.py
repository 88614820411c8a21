"""The webmap's thematic layers and their legend: classes, colours and explanations.

Each layer colours the same site points by one property of the vector tiles (see
ramani.opendata.maptiles); the texts are translated here, in Python, and handed to the page.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from ramani.incidents import categories
from ramani.sites import armed
from ramani.sites.armed import COLOURS as ARMED_COLOURS
from ramani.sites.qualification import COLOURS


def layers() -> list[dict]:
    """[{id, label, property, classes: [{value, label, colour, info}]}] in the reader's language."""
    return [
        {
            "id": "qualification",
            "label": _("Qualification status"),
            "property": "q",
            "classes": [
                {
                    "value": "vert",
                    "label": _("Green"),
                    "colour": COLOURS["vert"],
                    "info": _(
                        "Green (vert): the site meets the conditions (no armed interference, no child labour). "
                        "Minerals may be mined and exported. A green qualification is valid for one year."
                    ),
                },
                {
                    "value": "jaune",
                    "label": _("Yellow"),
                    "colour": COLOURS["jaune"],
                    "info": _(
                        "Yellow (jaune): problems were found that the site can correct; it may keep producing. "
                        "It must be re-evaluated after six months."
                    ),
                },
                {
                    "value": "rouge",
                    "label": _("Red"),
                    "colour": COLOURS["rouge"],
                    "info": _(
                        "Red (rouge): armed interference, child labour or another serious breach; no mineral "
                        "from this site may be traded. A blue site becomes red automatically after three years."
                    ),
                },
                {
                    "value": "bleu",
                    "label": _("Blue"),
                    "colour": COLOURS["bleu"],
                    "info": _(
                        "Blue (bleu): created by ministerial decree n°677 of 12 November 2021. An exporter asks for "
                        "it and hands the mining authorities a risk assessment; if within 10 days no yellow or red "
                        "risk is found, minerals can be mined and exported. Valid 3 years, after which the site "
                        "automatically becomes red. The first directory, on 15 March 2023, listed 22 blue sites "
                        "in Sud-Kivu (Fizi, Kabare, Kalehe, Mwenga, Shabunda)."
                    ),
                },
                {
                    "value": "none",
                    "label": _("No qualification"),
                    "colour": COLOURS["none"],
                    "info": _("No qualification in force: never qualified, or the qualification has lapsed."),
                },
            ],
        },
        {
            "id": "workers",
            "label": _("Number of diggers"),
            "property": "w",
            "classes": [
                {
                    "value": 3,
                    "label": _("More than 500"),
                    "colour": "#7a0177",
                    "radius": 2.0,
                    "info": _(
                        "More than 500 diggers at the latest visit: a large site; "
                        "the bigger the circle, the more diggers."
                    ),
                },
                {
                    "value": 2,
                    "label": _("50 to 500"),
                    "colour": "#c51b8a",
                    "radius": 1.5,
                    "info": _("Between 50 and 500 diggers counted or estimated at the latest visit."),
                },
                {
                    "value": 1,
                    "label": _("1 to 50"),
                    "colour": "#f768a1",
                    "radius": 1.0,
                    "info": _("Fewer than 50 diggers at the latest visit."),
                },
                {
                    "value": 0,
                    "label": _("No data"),
                    "colour": "#bdbdbd",
                    "radius": 0.8,
                    "info": _("The number of diggers was not recorded at the latest visit."),
                },
            ],
        },
        {
            "id": "mercury",
            "label": _("Mercury use"),
            "property": "hg",
            "classes": [
                {
                    "value": 1,
                    "label": _("Mercury used"),
                    "colour": "#b2182b",
                    "info": _(
                        "Mercury was used to process gold at the latest visit: "
                        "a danger for the miners' health and the rivers."
                    ),
                },
                {
                    "value": 0,
                    "label": _("No mercury seen"),
                    "colour": "#4393c3",
                    "info": _("The team saw no use of mercury at the latest visit."),
                },
                {
                    "value": None,
                    "label": _("Not recorded"),
                    "colour": "#bdbdbd",
                    "info": _("Mercury use is recorded from 2015 on; earlier visits do not say."),
                },
            ],
        },
        {
            "id": "child",
            "label": _("Children under 15 working"),
            "property": "ch",
            "classes": [
                {
                    "value": 1,
                    "label": _("Children under 15 seen working"),
                    "colour": "#d95f02",
                    "info": _(
                        "Children under 15 were seen working at the latest visit (digging, washing, carrying…). "
                        "A site with child labour cannot be qualified green."
                    ),
                },
                {
                    "value": 0,
                    "label": _("None seen"),
                    "colour": "#1b9e77",
                    "info": _("No child under 15 was seen working at the latest visit."),
                },
                {
                    "value": None,
                    "label": _("Not recorded"),
                    "colour": "#bdbdbd",
                    "info": _("The latest visit did not record whether children were working."),
                },
            ],
        },
        {
            "id": "armed",
            "label": _("Armed interference"),
            "property": "a",
            "classes": [
                {
                    "value": "foreign",
                    "label": str(armed.LABELS["foreign"]),
                    "colour": ARMED_COLOURS["foreign"],
                    "info": _(
                        "A foreign armed group (e.g. FDLR) interferes at the site: taxes, pillage, forced labour, "
                        "control of the trade."
                    ),
                },
                {
                    "value": "local",
                    "label": str(armed.LABELS["local"]),
                    "colour": ARMED_COLOURS["local"],
                    "info": _(
                        "A local armed group (e.g. Raïa Mutomboki, Maï-Maï, CODECO, NDC-R) interferes at the site."
                    ),
                },
                {
                    "value": "state",
                    "label": str(armed.LABELS["state"]),
                    "colour": ARMED_COLOURS["state"],
                    "info": _(
                        "Undisciplined elements of the army (FARDC), police (PNC) or mining police (PMH) interfere "
                        "at the site."
                    ),
                },
                {
                    "value": "other",
                    "label": str(armed.LABELS["other"]),
                    "colour": ARMED_COLOURS["other"],
                    "info": _(
                        "Armed interference was recorded at the latest visit, but not which armed group or force."
                    ),
                },
                {
                    "value": "presence",
                    "label": str(armed.LABELS["presence"]),
                    "colour": ARMED_COLOURS["presence"],
                    "info": _(
                        "Armed men were at or near the site at the latest visit, "
                        "but no interference in mining or trade was recorded."
                    ),
                },
                {
                    "value": "none",
                    "label": str(armed.LABELS["none"]),
                    "colour": ARMED_COLOURS["none"],
                    "info": _("No armed group or state security force was seen at the latest visit."),
                },
                {
                    "value": "unknown",
                    "label": str(armed.LABELS["unknown"]),
                    "colour": ARMED_COLOURS["unknown"],
                    "info": _("The latest visit did not record armed presence."),
                },
            ],
        },
    ]


def layer(layer_id: str) -> dict:
    """One layer of `layers()` by its id."""
    return next(found for found in layers() if found["id"] == layer_id)


def maplibre_locale() -> dict[str, str]:
    """MapLibre's own control labels (buttons' titles), in the reader's language."""
    return {
        "NavigationControl.ZoomIn": _("Zoom in"),
        "NavigationControl.ZoomOut": _("Zoom out"),
        "AttributionControl.ToggleAttribution": _("Show or hide the credits"),
        "Map.Title": _("Map"),
        "FullscreenControl.Enter": _("Full screen"),
        "FullscreenControl.Exit": _("Leave full screen"),
    }


def strings() -> dict[str, str]:
    """Texts the map's script needs, in the reader's language."""
    return {
        "sites": _("sites"),
        "site": _("site"),
        "loading": _("Loading…"),
        "close": _("Close"),
        "pcode": _("PCode"),
        "substances": _("Substances"),
        "province": _("Province"),
        "territoire": _("Territoire"),
        "collectivite": _("Collectivité"),
        "groupement": _("Groupement"),
        "village": _("Village"),
        "coordinates": _("Coordinates"),
        "location_origin": _("Location origin"),
        "qualification": _("Qualification"),
        "visits": _("Visits"),
        "date": _("Date"),
        "workers": _("Diggers"),
        "armed_groups": _("Armed groups"),
        "none": _("none"),
        "no_visits": _("No field visit recorded."),
        "incidents": _("Incidents reported (Kufatilia)"),
        **{f"incident_{code}": categories.label(code, translation.get_language()[:2]) for code in categories.CODES},
        "risk": _("Due-diligence red flags"),
        "api": _("Site data (JSON)"),
        "not_found": _("This site could not be loaded."),
        "no_webgl": _("Your browser cannot draw this map (WebGL is missing). The list of sites works everywhere:"),
        "site_list": _("Site list"),
        "search_none": _("No site found."),
        "about_class": _("About this class"),
        "status_vert": _("Green"),
        "status_jaune": _("Yellow"),
        "status_rouge": _("Red"),
        "status_bleu": _("Blue"),
        "status_none": _("No qualification"),
        "since": _("decided"),
        "expired_on": _("expired on"),
        "blue_to_red": _("red after three years, since"),
        "valid_until": _("valid until"),
        "review_due": _("to be reviewed by"),
        "mercury": _("Mercury"),
        "child_labour": _("Children under 15"),
        "yes": _("yes"),
        "no": _("no"),
    }
