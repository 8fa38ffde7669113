"""Office hours with the administration: the public page where parents book a visit, their
private link, and the managers' list of visits (engagement/reception.py holds the rules)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qamqor.core.access import manager_required
from qamqor.core.actions import run_and_report
from qamqor.core.forms import add_refusal
from qamqor.core.periods import day_start
from qamqor.core.scoping import visible_to
from qamqor.engagement import reception
from qamqor.engagement.forms import ReceptionForm
from qamqor.engagement.links import LinkInvalid, reception_token, reception_visit_for_token
from qamqor.engagement.models import ReceptionVisit
from qamqor.engagement.views import _organization
from qamqor.portal.views import _language_of_page, client_address

VISITS_SHOWN = 200


def public_reception(request: HttpRequest, pk: int) -> HttpResponse:
    """The organisation's hosts with their free times (the next two weeks) and the booking form;
    a refusal (time taken, bad phone, past time) is said on the form and changes nothing."""
    organization = _organization(pk)
    hosts = reception.reception_hosts(organization.pk)
    form = ReceptionForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        host_id, starts_at = form.cleaned_data["slot"]
        host = next((h for h in hosts if h.pk == host_id), None)
        if host is None:
            form.add_error("slot", _("Choose a time."))
        else:
            try:
                visit = reception.reception_book(
                    organization=organization,
                    host=host,
                    starts_at=starts_at,
                    full_name=form.cleaned_data["full_name"],
                    phone=form.cleaned_data["phone"],
                    topic=form.cleaned_data["topic"],
                    client_address=client_address(request),
                    language=_language_of_page(),
                )
            except ValidationError as exc:
                status = add_refusal(form, exc)
            else:
                return redirect("engagement:my_reception", token=reception_token(visit))
    if form.is_bound and form.errors and status == 200:
        status = 400
    return render(
        request,
        "engagement/reception.html",
        {
            "organization": organization,
            "hosts": reception.reception_free_times(hosts),
            "form": form,
            "chosen": request.POST.get("slot", ""),
        },
        status=status,
    )


def _visit_or_404(token: str) -> ReceptionVisit:
    try:
        return reception_visit_for_token(token)
    except LinkInvalid as exc:
        raise Http404 from exc


def my_reception(request: HttpRequest, token: str) -> HttpResponse:
    """The parent's confirmation, behind their private link, with a button to cancel."""
    visit = _visit_or_404(token)
    return render(
        request,
        "engagement/my_reception.html",
        {
            "visit": visit,
            "organization": visit.organization,
            "token": token,
            "cancellable": visit.status == ReceptionVisit.Status.BOOKED and visit.appointment.starts_at > timezone.now(),
        },
    )


@require_POST
def my_reception_cancel(request: HttpRequest, token: str) -> HttpResponse:
    visit = _visit_or_404(token)
    run_and_report(
        request, lambda: reception.reception_cancel(visit=visit), _("Your visit is cancelled. Thank you for letting us know.")
    )
    return redirect("engagement:my_reception", token=token)


# --- The back office


@manager_required
def reception_visits(request: HttpRequest) -> HttpResponse:
    """The visits from today on, the soonest first, in one query whatever their number."""
    visits = (
        visible_to(request.user, ReceptionVisit.objects.filter(organization_id=request.organization_id))  # type: ignore[attr-defined]
        .filter(appointment__starts_at__gte=day_start(timezone.localdate()))
        .select_related("appointment", "host__user")
        .order_by("appointment__starts_at", "pk")[:VISITS_SHOWN]
    )
    return render(request, "engagement/staff/reception_visits.html", {"visits": visits, "now": timezone.now()})


STATUS_SAID = {
    ReceptionVisit.Status.CANCELLED: gettext_lazy("The visit is cancelled."),
    ReceptionVisit.Status.HELD: gettext_lazy("The visit is marked as held."),
    ReceptionVisit.Status.NO_SHOW: gettext_lazy("The visit is marked as missed."),
}


@require_POST
@manager_required
def reception_visit_status(request: HttpRequest, pk: int) -> HttpResponse:
    visits = visible_to(request.user, ReceptionVisit.objects.filter(organization_id=request.organization_id))  # type: ignore[attr-defined]
    visit = get_object_or_404(visits, pk=pk)
    status = request.POST.get("status", "")
    run_and_report(
        request,
        lambda: reception.reception_set_status(visit=visit, status=status),
        lambda _visit: str(STATUS_SAID.get(status, "")),
    )
    return redirect("engagement:reception_visits")
