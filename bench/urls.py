"""The project's URLs plus the floors: the cheapest pages Django can serve, measured the same way.

`floor` is the reference: a bare view behind login_required, asked by the same logged-in
client as the journal, so both pay Django's session and user loading and the ratio is the
cost of Qamqor's own code. `anonymous_floor` never touches the session; it is reported too.
`book` is the floor plus one booking: the specialist read as a booking page reads it, then
appointment_book(), the service every booking page calls.
"""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_POST

from qamqor.orgs.models import Membership
from qamqor.scheduling.services import appointment_book


def anonymous_floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


@login_required
def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


@require_POST
@login_required
def book(request: HttpRequest) -> HttpResponse:
    specialist = Membership.objects.select_related("organization", "user").get(pk=request.POST["specialist"])
    starts_at = dt.datetime.fromisoformat(request.POST["starts_at"])
    try:
        appointment_book(organization=specialist.organization, specialists=[specialist], starts_at=starts_at, booked_by=request.user)
    except ValidationError:  # SlotTaken included: counted by the benchmark, never expected
        return HttpResponse("refused", status=409)
    return HttpResponse("ok")


urlpatterns = [
    path("bench/book/", book, name="bench_book"),
    path("bench/floor/", floor, name="bench_floor"),
    path("bench/anonymous-floor/", anonymous_floor, name="bench_anonymous_floor"),
    path("", include("qamqor.urls")),
]
