"""The webmap page, its vector tiles and boundaries, and the plain-HTML site list."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def map_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("map: work in progress")


def tile(request: HttpRequest, z: int, x: int, y: int) -> HttpResponse:
    return HttpResponse(status=204)


def boundaries(request: HttpRequest) -> HttpResponse:
    return HttpResponse("{}", content_type="application/json")


def site_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("list: work in progress")
