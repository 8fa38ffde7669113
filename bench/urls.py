"""The project's URLs plus the floors: the cheapest pages Django can serve, measured the same way.

`floor` is the reference: a bare view behind login_required, asked by the same logged-in
client as the journal, so both pay Django's session and user loading and the ratio is the
cost of Qamqor's own code. `anonymous_floor` never touches the session; it is reported too.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def anonymous_floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


@login_required
def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [
    path("bench/floor/", floor, name="bench_floor"),
    path("bench/anonymous-floor/", anonymous_floor, name="bench_anonymous_floor"),
    path("", include("qamqor.urls")),
]
