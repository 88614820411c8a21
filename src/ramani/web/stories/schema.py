"""What a story file may say, and every way it can be wrong, as messages an author can act on.

A story is a mapping (JSON, or YAML when PyYAML is installed):

    title:    {fr, en, sw}            the story's title in the three languages
    summary:  {fr, en, sw}            optional, shown in the list of stories
    author:   text                    optional
    chapters: a list, each one with
      title:  {fr, en, sw}
      text:   {fr, en, sw}            paragraphs separated by a blank line; may hold figures (see figures.py)
      view:   a map URL               e.g. "/?layer=armed&year=2015#view=8/-2.3/28.1" (any map view), or:
      camera: {center: [lon, lat], zoom}
      map:    {layer, filters: {name: value}}   the state the map's URL carries
      image:  {src, caption: {fr, en, sw}, credit}   optional; src a file beside the story file

`view` and `camera`/`map` may be combined: the explicit keys win over what the URL says.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from ramani.opendata import query
from ramani.sites import qualification as rules
from ramani.sites.vocabularies import VOCABULARIES

LANGUAGES = ("fr", "en", "sw")
STORY_KEYS = {"title", "summary", "author", "chapters"}
CHAPTER_KEYS = {"id", "title", "text", "view", "camera", "map", "image"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif"}
MIN_ZOOM, MAX_ZOOM = 3.0, 18.0  # the map's own limits (map.js maxZoom 18; below 3 the DRC is a dot)
# where a camera may look: the DR Congo and its neighbours (lon, lat)
REGION = (10.0, -15.0, 33.0, 7.0)
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}$")


class StoryError(Exception):
    """A story that cannot be shown: every problem, each as `where: what`."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Image:
    src: str
    path: Path
    caption: dict[str, str]
    credit: str


@dataclass
class Chapter:
    id: str
    title: dict[str, str]
    text: dict[str, str]
    center: tuple[float, float]
    zoom: float
    layer: str
    filters: dict[str, str]
    image: Image | None = None


@dataclass
class Story:
    slug: str
    title: dict[str, str]
    summary: dict[str, str]
    author: str
    chapters: list[Chapter] = field(default_factory=list)
    folder: Path | None = None


def _layer_ids() -> list[str]:
    from ramani.web import legend

    return [layer["id"] for layer in legend.layers()]


def _filter_names() -> tuple[str, ...]:
    from ramani.web.map_views import FILTERS

    return FILTERS


def _vocabulary(name: str) -> set[str]:
    return {text.lower() for row in VOCABULARIES.get(name, []) for text in row}


def check_filter(name: str, value: str) -> str | None:
    """Why `name=value` is not a filter the map knows (None: it is)."""
    if name not in _filter_names():
        return f"unknown filter {name!r} (the map's filters: {', '.join(_filter_names())})"
    try:
        if name == "year":
            year = query.parse_year(value)
            if not 2009 <= year <= dt.date.today().year:
                return f"year {year} is outside 2009 to {dt.date.today().year} (the years with IPIS visits)"
        elif name == "on":
            query.parse_date("on", value)
        elif name in ("armed_presence", "mercury", "child_labour"):
            query.parse_bool(name, value)
        elif name == "qualification" and value not in [code for code, _ in rules.STATUS_CHOICES]:
            return f"qualification {value!r} is not one of {', '.join(code for code, _ in rules.STATUS_CHOICES)}"
        elif name in ("mineral", "armed_group_type") and value.lower() not in _vocabulary(name):
            return f"{name} {value!r} is not in the IPIS vocabulary (value or label in French, English or Swahili)"
    except query.FilterError as error:
        return f"{name}={value!r}: {error.message}"
    return None


def parse_view(url: str) -> tuple[dict[str, str], str | None, tuple[float, float] | None, float | None, list[str]]:
    """A map URL (`/?layer=armed&year=2015#view=8/-2.3/28.1`) as (filters, layer, center, zoom, problems)."""
    parts = urlsplit(url.strip())
    problems = []
    filters: dict[str, str] = {}
    layer = None
    for name, value in parse_qsl(parts.query, keep_blank_values=False):
        if name == "layer":
            layer = value
        elif name in ("site", "v"):
            continue
        else:
            filters[name] = value
    center = zoom = None
    fragment = dict(parse_qsl(parts.fragment)) if "=" in parts.fragment else {}
    if "view" in fragment:
        numbers = fragment["view"].split("/")
        try:
            zoom, lat, lon = (float(n) for n in numbers[:3])
            center = (lon, lat)
        except ValueError:
            problems.append(f"the view {fragment['view']!r} is not zoom/latitude/longitude")
    return filters, layer, center, zoom, problems


def _texts(value, where: str, problems: list[str], required: bool = True) -> dict[str, str]:
    if value is None or value == "":
        if required:
            problems.append(f"{where}: missing (give it in French, English and Swahili: {{fr, en, sw}})")
        return {}
    if not isinstance(value, dict):
        problems.append(f"{where}: expected {{fr, en, sw}}, got {type(value).__name__}")
        return {}
    out = {}
    for lang in LANGUAGES:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where}.{lang}: missing or empty (every text is needed in fr, en and sw)")
        else:
            out[lang] = text.strip()
    for extra in sorted(set(value) - set(LANGUAGES)):
        problems.append(f"{where}.{extra}: unknown language (fr, en, sw)")
    return out


def _number(value, where: str, problems: list[str]) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        problems.append(f"{where}: expected a number, got {value!r}")
        return None
    return float(value)


def _chapter(data, n: int, folder: Path | None, problems: list[str], figures_check) -> Chapter | None:
    where = f"chapters[{n}]"
    if not isinstance(data, dict):
        problems.append(f"{where}: expected a mapping (title, text, camera, map…)")
        return None
    for extra in sorted(set(data) - CHAPTER_KEYS):
        problems.append(f"{where}.{extra}: unknown key (known: {', '.join(sorted(CHAPTER_KEYS))})")
    title = _texts(data.get("title"), f"{where}.title", problems)
    text = _texts(data.get("text"), f"{where}.text", problems)
    filters: dict[str, str] = {}
    layer = None
    center = zoom = None
    if data.get("view") is not None:
        if not isinstance(data["view"], str):
            problems.append(f"{where}.view: expected a map URL, e.g. /?layer=armed#view=7/-2.5/28.8")
        else:
            filters, layer, center, zoom, bad = parse_view(data["view"])
            problems.extend(f"{where}.view: {b}" for b in bad)
    camera = data.get("camera")
    if camera is not None:
        if not isinstance(camera, dict):
            problems.append(f"{where}.camera: expected {{center: [longitude, latitude], zoom}}")
        else:
            for extra in sorted(set(camera) - {"center", "zoom"}):
                problems.append(f"{where}.camera.{extra}: unknown key (center, zoom)")
            if "center" in camera:
                c = camera["center"]
                if not isinstance(c, list) or len(c) != 2:
                    problems.append(f"{where}.camera.center: expected [longitude, latitude], got {c!r}")
                else:
                    lon = _number(c[0], f"{where}.camera.center[0]", problems)
                    lat = _number(c[1], f"{where}.camera.center[1]", problems)
                    center = (lon, lat) if lon is not None and lat is not None else None
            if "zoom" in camera:
                zoom = _number(camera["zoom"], f"{where}.camera.zoom", problems)
    state = data.get("map")
    if state is not None:
        if not isinstance(state, dict):
            problems.append(f"{where}.map: expected {{layer, filters}}")
        else:
            for extra in sorted(set(state) - {"layer", "filters"}):
                problems.append(f"{where}.map.{extra}: unknown key (layer, filters)")
            layer = state.get("layer", layer)
            given = state.get("filters") or {}
            if not isinstance(given, dict):
                problems.append(f"{where}.map.filters: expected {{name: value}}")
            else:
                filters = filters | {
                    str(k): str(v).lower() if isinstance(v, bool) else str(v) for k, v in given.items()
                }
    if center is None:
        problems.append(f"{where}: no camera (give camera: {{center: [lon, lat], zoom}} or a view URL with #view=)")
    elif not (REGION[0] <= center[0] <= REGION[2] and REGION[1] <= center[1] <= REGION[3]):
        problems.append(
            f"{where}.camera.center: [{center[0]}, {center[1]}] is outside the region the map shows "
            f"(longitude {REGION[0]} to {REGION[2]}, latitude {REGION[1]} to {REGION[3]}); is it [lat, lon] reversed?"
        )
    if zoom is None:
        if center is not None:
            problems.append(f"{where}.camera.zoom: missing")
    elif not MIN_ZOOM <= zoom <= MAX_ZOOM:
        problems.append(f"{where}.camera.zoom: {zoom:g} is out of range ({MIN_ZOOM:g} to {MAX_ZOOM:g})")
    layer = layer or "qualification"
    if layer not in _layer_ids():
        problems.append(f"{where}.map.layer: unknown layer {layer!r} (the map's layers: {', '.join(_layer_ids())})")
    for name, value in filters.items():
        why = check_filter(name, value)
        if why:
            problems.append(f"{where}.map.filters: {why}")
    for lang, words in text.items():
        problems.extend(f"{where}.text.{lang}: {p}" for p in figures_check(words))
    image = None
    if data.get("image") is not None:
        image = _image(data["image"], f"{where}.image", folder, problems)
    chapter_id = str(data.get("id") or f"chapter-{n + 1}")
    if not SLUG.match(chapter_id):
        problems.append(f"{where}.id: {chapter_id!r} must be lower-case letters, digits and dashes")
    if problems or center is None or zoom is None:
        return None
    return Chapter(chapter_id, title, text, center, zoom, layer, filters, image)


def _image(data, where: str, folder: Path | None, problems: list[str]) -> Image | None:
    if not isinstance(data, dict):
        problems.append(f"{where}: expected {{src, caption: {{fr, en, sw}}, credit}}")
        return None
    for extra in sorted(set(data) - {"src", "caption", "credit"}):
        problems.append(f"{where}.{extra}: unknown key (src, caption, credit)")
    src = data.get("src")
    caption = _texts(data.get("caption"), f"{where}.caption", problems)
    credit = data.get("credit")
    if not isinstance(credit, str) or not credit.strip():
        problems.append(f"{where}.credit: missing (who made the image, and its licence)")
    if not isinstance(src, str) or not src:
        problems.append(f"{where}.src: missing (a file name beside the story file, e.g. kamituga.jpg)")
        return None
    name = Path(src)
    if name.name != src or src.startswith("."):
        problems.append(f"{where}.src: {src!r} must be a plain file name beside the story file (no folder, no URL)")
        return None
    if name.suffix.lower() not in IMAGE_SUFFIXES:
        problems.append(f"{where}.src: {src!r} is not a {', '.join(sorted(IMAGE_SUFFIXES))} image")
        return None
    path = (folder / src) if folder else name
    if folder is not None and not path.is_file():
        problems.append(f"{where}.src: no file {path}")
    if problems:
        return None
    return Image(src, path, caption, credit.strip() if isinstance(credit, str) else "")


def validate(data, slug: str, folder: Path | None = None) -> Story:
    """The story in `data`, or StoryError with every problem found."""
    from ramani.web.stories import figures

    problems: list[str] = []
    if not SLUG.match(slug):
        problems.append(f"file name: {slug!r} must be lower-case letters, digits and dashes (it is the story's URL)")
    if not isinstance(data, dict):
        raise StoryError(problems + ["the file must hold a mapping with title and chapters"])
    for extra in sorted(set(data) - STORY_KEYS):
        problems.append(f"{extra}: unknown key (known: {', '.join(sorted(STORY_KEYS))})")
    title = _texts(data.get("title"), "title", problems)
    summary = _texts(data.get("summary"), "summary", problems, required=False)
    author = data.get("author") or ""
    if not isinstance(author, str):
        problems.append("author: expected text")
        author = ""
    chapters_data = data.get("chapters")
    chapters = []
    if not isinstance(chapters_data, list) or not chapters_data:
        problems.append("chapters: missing or empty (a list of chapters)")
    else:
        for n, c in enumerate(chapters_data):
            own: list[str] = []
            chapter = _chapter(c, n, folder, own, figures.problems)
            problems.extend(own)
            if chapter:
                chapters.append(chapter)
        ids = [c.id for c in chapters]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            problems.append(f"chapters: the id {dup!r} is used twice")
    if problems:
        raise StoryError(problems)
    return Story(slug, title, summary, author, chapters, folder)
