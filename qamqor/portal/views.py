"""The public site for parents: no account, plain forms and links, every step without JavaScript."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qamqor.core.forms import add_service_errors
from qamqor.journal.models import Request
from qamqor.orgs.models import Region
from qamqor.portal import selectors, services
from qamqor.portal.emails import Letter, parent_letter_send
from qamqor.portal.forms import CONSENT_TEXT, NO_TIME, ApplicationForm, ChoiceForm, FinderForm, RescheduleForm
from qamqor.portal.ics import appointment_ics
from qamqor.portal.links import LinkExpired, LinkInvalid, manage_token, request_for_token
from qamqor.scheduling.services import SlotTaken

POINTS_PER_PAGE = 20


def point_finder(request: HttpRequest) -> HttpResponse:
    regions = Region.objects.all()
    region_id = request.GET.get("region", "")
    chosen_region = Region(pk=int(region_id)) if region_id.isdigit() else None
    form = FinderForm(request.GET or None, regions=regions, districts=selectors.districts_with_open_points(chosen_region))
    d = form.cleaned_data if form.is_bound and form.is_valid() else {}
    points = selectors.find_points(region=d.get("region"), district=d.get("district"), text=d.get("q", ""))
    if form.is_bound and not form.is_valid():
        points = points.none()
    page = Paginator(points, POINTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "portal/finder.html", {"form": form, "page": page, "query": query.urlencode()})


def point_detail(request: HttpRequest, pk: int) -> HttpResponse:
    point = selectors.open_point(pk)
    return render(request, "portal/point_detail.html", {"page": selectors.point_page(point), "point": point})


def client_address(request: HttpRequest) -> str:
    # The address the web server saw. Behind a proxy, the proxy must pass the client's own
    # address on as REMOTE_ADDR, or every parent would share one limit.
    return request.META.get("REMOTE_ADDR", "")


def _language_of_page() -> str:
    language = translation.get_language()
    return language if language in {"kk", "ru"} else "kk"


def apply(request: HttpRequest, pk: int) -> HttpResponse:
    point = selectors.open_point(pk)
    data = request.POST if request.method == "POST" else (request.GET or None)
    choice = ChoiceForm(
        data,
        topics=selectors.apply_topics(point),
        specialists_for=lambda topic: selectors.specialists_for_topic(point.organization_id, topic),
    )
    topic, specialists = choice.topic, ([choice.specialist] if choice.specialist else choice.suitable)
    times_offered = bool(topic and point.online_booking and specialists)
    form = ApplicationForm(
        request.POST if request.method == "POST" else None,
        suitable=choice.suitable,
        times_offered=times_offered,
        initial={"language": _language_of_page()},
    )
    status, taken_at = 200, None
    if request.method == "POST" and topic is not None and form.is_valid():
        try:
            application = services.portal_apply(
                point=point, topic=topic, client_address=client_address(request), **form.service_kwargs()
            )
        except SlotTaken as exc:
            form.add_error(None, exc)
            taken_at, status = form.cleaned_data["slot"][1], 409
        except services.TooManyApplications as exc:
            form.add_error(None, exc)
            status = 429
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            token = manage_token(application.request)
            parent_letter_send(
                kind=Letter.BOOKED if application.appointment else Letter.APPLIED,
                request=application.request,
                appointment=application.appointment,
                manage_url=_manage_url(request, token),
            )
            return redirect("portal:confirmation", token=token)
    times = selectors.offered_times(specialists) if times_offered else []
    if taken_at is not None:
        times = selectors.nearest_times(times, around=taken_at)
    context = {
        "point": point,
        "choice": choice,
        "form": form,
        "topic": topic,
        "days": selectors.times_by_day(times),
        "times_offered": times_offered,
        "taken": taken_at is not None,
        "chosen_slot": form["slot"].value() or "",
        "no_time": NO_TIME,
        "consent_text": CONSENT_TEXT % {"organisation": point.organization.name},
    }
    return render(request, "portal/apply.html", context, status=status)


def with_manage_link(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Resolve the token into the request, or answer a clear page (404 forged, 410 expired).

    The page speaks the parent's language unless this browser chose one with the switcher: a
    link opened from a letter on another device should not fall back to its browser's English."""

    @wraps(view)
    def wrapper(request: HttpRequest, token: str, *args, **kwargs) -> HttpResponse:
        try:
            item = request_for_token(token)
        except LinkInvalid:
            return render(request, "portal/link_invalid.html", {"expired": False}, status=404)
        except LinkExpired as exc:
            with translation.override(_language_for(request, exc.request)):
                response = render(request, "portal/link_invalid.html", {"expired": True, "item": exc.request}, status=410)
                response["Content-Language"] = translation.get_language()
            return response
        with translation.override(_language_for(request, item)):
            response = view(request, item, token, *args, **kwargs)
            response["Content-Language"] = translation.get_language()
        # A page behind a private link is nobody else's: no shared cache may keep it.
        add_never_cache_headers(response)
        return response

    return wrapper


def _language_for(request: HttpRequest, item: Request) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return chosen if chosen in dict(settings.LANGUAGES) else item.parent.language


def _summary(request: HttpRequest, item: Request, token: str) -> dict:
    point = item.organization.consultation_point
    appointment = selectors.booked_appointment(item)
    return {
        "item": item,
        "point": point,
        "appointment": appointment,
        "place": selectors.place_of(point, appointment),
        "token": token,
        "manage_url": _manage_url(request, token),
    }


@with_manage_link
def confirmation(request: HttpRequest, item: Request, token: str) -> HttpResponse:
    return render(request, "portal/confirmation.html", _summary(request, item, token))


@with_manage_link
def manage(request: HttpRequest, item: Request, token: str) -> HttpResponse:
    return _manage_page(request, item, token)


def _manage_page(
    request: HttpRequest, item: Request, token: str, form: RescheduleForm | None = None, status: int = 200
) -> HttpResponse:
    context = _summary(request, item, token)
    appointment, point = context["appointment"], context["point"]
    has_started = appointment is not None and appointment.starts_at <= timezone.now()
    specialists = selectors.rebooking_specialists(item, appointment) if item.is_open else []
    can_move = bool(specialists) and point.is_open and point.online_booking and not has_started
    context.update(
        {
            "can_move": can_move,
            "can_cancel": item.is_open and not has_started,
            "days": selectors.times_by_day(selectors.joint_times(specialists) if can_move else []),
            "form": form or RescheduleForm(),
        }
    )
    return render(request, "portal/manage.html", context, status=status)


@with_manage_link
def calendar_file(request: HttpRequest, item: Request, token: str) -> HttpResponse:
    context = _summary(request, item, token)
    if context["appointment"] is None:
        return render(request, "portal/no_appointment.html", context, status=404)
    ics = appointment_ics(
        request=item, appointment=context["appointment"], place=context["place"], manage_url=context["manage_url"]
    )
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="consultation-{item.pk}.ics"'
    return response


@with_manage_link
def cancel(request: HttpRequest, item: Request, token: str) -> HttpResponse:
    """A page that asks once more (GET), then cancels (POST): a stray tap on a phone must not
    cancel anything."""
    if request.method != "POST":
        return render(request, "portal/cancel.html", _summary(request, item, token))
    try:
        services.portal_cancel(request=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        parent_letter_send(kind=Letter.CANCELLED, request=item, appointment=None, manage_url=_manage_url(request, token))
        messages.success(request, _("Your request is cancelled. The time is free for other parents."))
    return redirect("portal:manage", token=token)


@require_POST
@with_manage_link
def reschedule(request: HttpRequest, item: Request, token: str) -> HttpResponse:
    form, status = RescheduleForm(request.POST), 200
    if form.is_valid():
        try:
            appointment = services.portal_reschedule(request=item, starts_at=form.cleaned_data["slot"])
        except SlotTaken as exc:
            form.add_error("slot", exc)
            status = 409
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            parent_letter_send(kind=Letter.MOVED, request=item, appointment=appointment, manage_url=_manage_url(request, token))
            messages.success(request, _("Your consultation is moved to the new time."))
            return redirect("portal:manage", token=token)
    return _manage_page(request, item, token, form=form, status=status)


def _manage_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("portal:manage", args=[token]))
