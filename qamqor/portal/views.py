"""The public site for parents: no account, plain forms and links, every step without JavaScript."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qamqor.core.actions import run_and_report
from qamqor.core.forms import add_refusal, add_service_errors
from qamqor.families.models import Consent
from qamqor.journal.models import Request, Status
from qamqor.orgs.models import Region
from qamqor.portal import selectors, services
from qamqor.portal.emails import Letter, parent_letter_send
from qamqor.portal.forms import CONSENT_TEXT, NO_TIME, ApplicationForm, ChoiceForm, FeedbackForm, FinderForm, RescheduleForm
from qamqor.portal.ics import appointment_ics
from qamqor.portal.links import (
    LinkExpired,
    LinkInvalid,
    feedback_token,
    feedback_valid_until,
    manage_token,
    request_for_feedback_token,
    request_for_token,
)
from qamqor.portal.models import Feedback
from qamqor.scheduling.services import SlotTaken

POINTS_PER_PAGE = 20
# The latest published questions with answers on a point's page; the rest on its Q&A page.
QUESTIONS_ON_POINT_PAGE = 3


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
    context = {"page": selectors.point_page(point), "point": point}
    context["questions"] = selectors.public_questions(point.organization_id)[:QUESTIONS_ON_POINT_PAGE]
    return render(request, "portal/point_detail.html", context)


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
    # A refused form answers 400 (its own errors, no topic chosen, or the service's), as every form
    # does; only the conflicts and the limits answer otherwise (409, 429).
    status, taken_at = (400 if request.method == "POST" else 200), None
    if request.method == "POST" and topic is not None and form.is_valid():
        try:
            application = services.portal_apply(
                point=point, topic=topic, client_address=client_address(request), **form.service_kwargs()
            )
        except ValidationError as exc:
            status = add_refusal(form, exc)
            if isinstance(exc, SlotTaken):  # offer the nearest free times instead
                taken_at = form.cleaned_data["slot"][1]
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


def _with_link(resolve: Callable[[str], Request], link_kind: str):
    """A decorator for views behind a private link: resolve the token into the request, or
    answer a clear page (404 forged, 410 expired).

    The page speaks the parent's language unless this browser chose one with the switcher: a
    link opened from a letter on another device should not fall back to its browser's English."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, token: str, *args, **kwargs) -> HttpResponse:
            try:
                item = resolve(token)
            except LinkInvalid:
                response = render(request, "portal/link_invalid.html", {"expired": False, "link_kind": link_kind}, status=404)
                add_never_cache_headers(response)
                return response
            except LinkExpired as exc:
                with translation.override(_language_for(request, exc.request)):
                    context = {"expired": True, "item": exc.request, "link_kind": link_kind}
                    response = render(request, "portal/link_invalid.html", context, status=410)
                    response["Content-Language"] = translation.get_language()
                add_never_cache_headers(response)
                return response
            with translation.override(_language_for(request, item)):
                response = view(request, item, token, *args, **kwargs)
                response["Content-Language"] = translation.get_language()
            # A page behind a private link is nobody else's: no shared cache may keep it.
            add_never_cache_headers(response)
            return response

        return wrapper

    return decorator


with_manage_link = _with_link(request_for_token, "manage")
# The feedback link is a token of its own (its own salt and life): it opens the rating page only.
with_feedback_link = _with_link(request_for_feedback_token, "feedback")


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
            **_feedback_offer(item),
            "recommended": selectors.recommended_materials(item),
            "more_links": selectors.manage_links(item, token),
        }
    )
    return render(request, "portal/manage.html", context, status=status)


def _feedback_offer(item: Request) -> dict:
    """Once the consultation took place: the feedback given, or the link to give it (while it
    works and the parent's consent is in force)."""
    if item.status != Status.DONE:
        return {}
    given = Feedback.objects.filter(request=item).first()
    valid_until = feedback_valid_until(item)
    can_rate = (
        given is None
        and valid_until is not None
        and timezone.now() <= valid_until
        and item.parent.has_consent(Consent.Scope.PARENT)
    )
    return {
        "feedback": given,
        "feedback_path": reverse("portal:feedback", args=[feedback_token(item)]) if can_rate else "",
    }


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


@with_feedback_link
def feedback(request: HttpRequest, item: Request, token: str) -> HttpResponse:
    """The parent rates a consultation that took place: once. A second submission, or one
    after the consent was withdrawn, changes nothing and says why (409); a rating outside 1–5
    shows the form again with the reason (400)."""
    given = Feedback.objects.filter(request=item).first()
    withdrawn = not item.parent.has_consent(Consent.Scope.PARENT)
    form, status = FeedbackForm(request.POST if request.method == "POST" else None), 200
    if request.method == "POST":
        if given is not None or withdrawn:
            status = 409
        elif form.is_valid():
            try:
                services.portal_feedback_give(request=item, **form.cleaned_data)
            except ValidationError as exc:
                if getattr(exc, "code", "") in {"already_given", "withdrawn"}:
                    given, status = Feedback.objects.filter(request=item).first(), 409
                    messages.error(request, " ".join(exc.messages))
                else:
                    add_service_errors(form, exc)
                    status = 400
            else:
                messages.success(request, _("Thank you! Your rating is saved."))
                return redirect("portal:feedback", token=token)
        else:
            status = 400
    context = {
        "item": item,
        "point": item.organization.consultation_point,
        "held": selectors.held_appointment(item),
        "given": given,
        "withdrawn": withdrawn,
        "form": form,
    }
    return render(request, "portal/feedback.html", context, status=status)


@with_manage_link
def my_data(request: HttpRequest, item: Request, token: str) -> HttpResponse:
    """What the system keeps about the parent and their children (the right of access)."""
    parent = item.parent
    if parent.anonymised_at is not None:
        # Erased: nothing personal is left to show, only that and when.
        return render(request, "portal/my_data.html", {"item": item, "token": token, "erased_at": parent.anonymised_at})
    context = {
        "item": item,
        "token": token,
        "data": selectors.parent_data(parent),
        "withdrawn_at": parent.consent_withdrawn_at,
    }
    return render(request, "portal/my_data.html", context)


@with_manage_link
def my_data_download(request: HttpRequest, item: Request, token: str) -> HttpResponse:
    """The same data as a JSON file, complete (the full IIN included: the file is the parent's
    own copy, while the page masks it from eyes over their shoulder). Each download is recorded
    as the parent's request for their data (audit.DataRequest)."""
    if item.parent.anonymised_at is not None:
        return redirect("portal:my_data", token=token)
    data = services.portal_data_export(parent=item.parent)
    response = JsonResponse(data, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="qamqor-my-data-{timezone.localdate():%Y%m%d}.json"'
    return response


@with_manage_link
def withdraw(request: HttpRequest, item: Request, token: str) -> HttpResponse:
    """Withdrawing the consent: a page that says what will happen and asks (GET), then does it
    (POST); a stray tap must not withdraw anything."""
    parent = item.parent
    if request.method != "POST":
        context = {
            "item": item,
            "token": token,
            "withdrawn_at": parent.consent_withdrawn_at,
            "ending": selectors.requests_ended_by_withdrawal(parent),
        }
        return render(request, "portal/withdraw.html", context)
    try:
        cancelled = services.portal_consent_withdraw(parent=parent)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your consent is withdrawn. We no longer use your data and your child's."))
        if cancelled:
            messages.info(
                request,
                _("Cancelled requests: %(numbers)s.") % {"numbers": ", ".join(f"№ {r.display_number}" for r in cancelled)},
            )
    return redirect("portal:my_data", token=token)


@with_manage_link
def erase(request: HttpRequest, item: Request, token: str) -> HttpResponse:
    """Erasing the parent's data: a page that says what is erased and what stays (GET), then
    does it at once (POST); a stray tap must not erase anything."""
    parent = item.parent
    if request.method != "POST":
        context = {
            "item": item,
            "token": token,
            "erased_at": parent.anonymised_at,
            "ending": selectors.requests_ended_by_withdrawal(parent) if parent.anonymised_at is None else [],
        }
        return render(request, "portal/erase.html", context)
    run_and_report(
        request,
        lambda: services.portal_data_erase(parent=parent),
        _("Your data are erased. The journal keeps its numbered records without them."),
    )
    return redirect("portal:my_data", token=token)
