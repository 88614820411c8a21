"""/story/ (the list) and /story/<slug>/ (one story map: a text-only page that the script turns into a map
following the reader's scroll), and the images beside the story files."""

from __future__ import annotations

import mimetypes
from urllib.parse import urlencode

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from ramani.geo import basemap
from ramani.sites import stats
from ramani.web import legend, links
from ramani.web.map_views import _basemap_config as basemap_config
from ramani.web.stories import figures, library
from ramani.web.stories.schema import IMAGE_SUFFIXES, Chapter, StoryError


def map_url(chapter: Chapter) -> str:
    """The map's own URL for the chapter's view: its layer and filters, then its camera (MapLibre's hash)."""
    params = dict(chapter.filters)
    if chapter.layer != "qualification":
        params["layer"] = chapter.layer
    query = urlencode(params)
    lon, lat = chapter.center
    return reverse("map") + f"{'?' + query if query else ''}#view={chapter.zoom:g}/{lat:g}/{lon:g}"


def paragraphs(text: str) -> str:
    """Blank-line separated paragraphs as HTML (the text is escaped: authors write text, not HTML)."""
    return mark_safe("".join(f"<p>{escape(p.strip())}</p>" for p in text.split("\n\n") if p.strip()))


def _lang(request: HttpRequest) -> str:
    return request.LANGUAGE_CODE[:2]


def story_list(request: HttpRequest) -> HttpResponse:
    lang = _lang(request)
    good, bad = library.stories()
    rows = [
        {
            "slug": s.slug,
            "title": s.title[lang],
            "summary": s.summary.get(lang, ""),
            "chapters": len(s.chapters),
            "author": s.author,
        }
        for s in good
    ]
    return render(
        request,
        "web/story_list.html",
        {"page": "stories", "stories": rows, "broken": sorted(bad), "synthetic": stats.any_synthetic()},
    )


def story_page(request: HttpRequest, slug: str) -> HttpResponse:
    lang = _lang(request)
    try:
        story = library.get(slug)
    except StoryError as error:
        return render(
            request,
            "web/story_missing.html",
            {"page": "stories", "slug": slug, "problems": error.problems},
            status=404,
        )
    if story is None:
        return render(request, "web/story_missing.html", {"page": "stories", "slug": slug}, status=404)
    chapters = []
    for c in story.chapters:
        fill = figures.renderer(c.filters)
        chapters.append(
            {
                "id": c.id,
                "title": fill(c.title[lang]),
                "html": paragraphs(fill(c.text[lang])),
                "map_url": map_url(c),
                "image": {
                    "url": reverse("story-image", args=[story.slug, c.image.src]),
                    "caption": c.image.caption[lang],
                    "credit": c.image.credit,
                }
                if c.image
                else None,
                "view": {"center": list(c.center), "zoom": c.zoom, "layer": c.layer, "filters": c.filters},
            }
        )
    text_only = request.GET.get("text") == "1"
    layers = legend.layers()
    return render(
        request,
        "web/story.html",
        {
            "page": "stories",
            "story": story,
            "title": story.title[lang],
            "summary": story.summary.get(lang, ""),
            "chapters": chapters,
            "text_only": text_only,
            "story_config": {
                "slug": story.slug,
                "chapters": [c["view"] for c in chapters],
                "layers": layers,
                "tiles": links.tile_template(),
                "boundaries": reverse("map-boundaries") if basemap.has_outlines() else None,
                "base": basemap_config() | {"lang": lang},
                "locale": legend.maplibre_locale(),
            },
            "synthetic": stats.any_synthetic(),
        },
    )


def story_image(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    """An image a chapter names, from beside its story file (only the images chapters name)."""
    try:
        story = library.get(slug)
    except StoryError:
        story = None
    image = next((c.image for c in story.chapters if c.image and c.image.src == name), None) if story else None
    if image is None or image.path.suffix.lower() not in IMAGE_SUFFIXES or not image.path.is_file():
        return render(request, "web/story_missing.html", {"page": "stories", "slug": slug}, status=404)
    response = FileResponse(image.path.open("rb"), content_type=mimetypes.guess_type(image.path.name)[0])
    response["Cache-Control"] = "public, max-age=3600"
    return response
