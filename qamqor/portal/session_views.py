"""The public site's group sessions: a point's sessions open to sign-up, the sign-up form, and
the parent's private link to see and cancel the place (portal/session_signup.py holds the rules)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qamqor.core.actions import run_and_report
from qamqor.core.forms import add_refusal
from qamqor.portal import selectors
from qamqor.portal.forms import SESSION_CONSENT_TEXT, SessionSignUpForm
from qamqor.portal.links import LinkInvalid
from qamqor.portal.session_signup import (
    SESSIONS_SHOWN,
    participant_for_token,
    public_sessions,
    session_sign_up,
    session_sign_up_cancel,
    sign_up_token,
)
from qamqor.portal.views import _language_of_page, client_address
from qamqor.scheduling.models import Participant


def point_sessions(request: HttpRequest, pk: int) -> HttpResponse:
    """The point's group sessions open to sign-up, with the places left."""
    point = selectors.open_point(pk)
    upcoming = list(public_sessions(point.organization_id)[:SESSIONS_SHOWN])
    return render(request, "portal/sessions.html", {"point": point, "sessions": upcoming})


def session_detail(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    """One session and its sign-up form. A session that is not open to sign-up is not found; a
    refusal (no places left, bad phone, no consent, too many sign-ups) is said on the form and
    changes nothing."""
    point = selectors.open_point(pk)
    session = get_object_or_404(public_sessions(point.organization_id), pk=session_pk)
    form = SessionSignUpForm(
        request.POST if request.method == "POST" else None,
        for_children=session.rules.for_children,
        initial={"language": _language_of_page()},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            participant = session_sign_up(
                point=point,
                session=session,
                client_address=client_address(request),
                join_waiting_list=request.POST.get("waiting_list") == "1",
                **form.service_kwargs(),
            )
        except ValidationError as exc:
            status = add_refusal(form, exc)
        else:
            return redirect("portal:my_session", token=sign_up_token(participant))
    if form.is_bound and form.errors and status == 200:
        status = 400
    context = {
        "point": point,
        "session": session,
        "form": form,
        "full": session.places_left == 0,
        "consent_text": SESSION_CONSENT_TEXT % {"organisation": point.organization.name},
    }
    return render(request, "portal/session_detail.html", context, status=status)


def _participant_or_404(token: str) -> Participant:
    try:
        return participant_for_token(token)
    except LinkInvalid as exc:
        raise Http404 from exc


def my_session(request: HttpRequest, token: str) -> HttpResponse:
    """The parent's page behind the private link: the place (or the turn on the waiting list),
    the session's link when it is online (shown nowhere else), and a button to give it back."""
    participant = _participant_or_404(token)
    session = participant.appointment
    active = participant.is_active and session.status != session.Status.CANCELLED
    waiting = participant.status == Participant.Status.WAITING and session.status != session.Status.CANCELLED
    return render(
        request,
        "portal/my_session.html",
        {
            "participant": participant,
            "session": session,
            "organization": session.organization,
            "point": session.organization.consultation_point,
            "token": token,
            "active": active,
            "waiting_number": participant.waiting_number if waiting else None,
            "cancellable": (active or waiting) and session.starts_at > timezone.now(),
        },
    )


@require_POST
def my_session_cancel(request: HttpRequest, token: str) -> HttpResponse:
    participant = _participant_or_404(token)
    if participant.status == Participant.Status.WAITING:
        said = _("You have left the waiting list.")
    else:
        said = _("Your place is cancelled. Thank you for letting us know.")
    run_and_report(request, lambda: session_sign_up_cancel(participant=participant), said)
    return redirect("portal:my_session", token=token)
