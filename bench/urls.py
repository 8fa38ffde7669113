"""The project's URLs plus the floor: the cheapest page Django can serve, measured the same way."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [
    path("bench/floor/", floor, name="bench_floor"),
    path("", include("qamqor.urls")),
]
