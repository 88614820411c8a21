"""`/bytes/N`: N bytes of JSON-typed payload, through Ramani's whole middleware stack and nothing else."""

from django.http import HttpResponse
from django.urls import path

_BODY = b"x" * 8_000_000


def fixed(request, n: int) -> HttpResponse:
    response = HttpResponse(_BODY[:n], content_type="application/geo+json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


urlpatterns = [path("bytes/<int:n>", fixed)]
