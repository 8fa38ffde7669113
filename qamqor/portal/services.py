"""Every write of the public site: a parent's online application (with its booking), and the
parent moving or cancelling it through the manage link.

The site has no accounts: a parent is known by the phone number they give, within one
organisation. What the site writes goes through the families, journal and scheduling services,
so it obeys the same rules as the methodist's intake form.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from qamqor.core.validators import normalize_phone
from qamqor.families.models import Child, Consent, Parent
from qamqor.families.services import child_create, consent_record, parent_create
from qamqor.journal.models import Channel, Request, Status, Topic
from qamqor.journal.services import request_cancel, request_intake, request_schedule
from qamqor.orgs.models import ConsultationPoint, Membership
from qamqor.portal.models import ApplicationAttempt
from qamqor.portal.selectors import booked_appointment, booking_window, rebooking_specialists, specialists_for_topic
from qamqor.scheduling.models import Appointment
from qamqor.scheduling.services import SlotTaken, free_slots

APPLICATIONS_PER_ADDRESS = 5
APPLICATIONS_PER_PHONE = 3
APPLICATION_WINDOW = dt.timedelta(hours=1)
# Attempts older than this are of no use to any limit and are swept away.
ATTEMPTS_KEPT = dt.timedelta(days=1)


class TooManyApplications(ValidationError):
    """Too many applications lately from one client address or for one phone number."""


@dataclass(frozen=True)
class Application:
    request: Request
    appointment: Appointment | None


def _attempt_hash(kind: str, value: str) -> str:
    # Keyed with the secret key: a plain SHA-256 of a phone number is undone by hashing every
    # possible number, a few billion, in minutes.
    return salted_hmac("qamqor.portal.application-attempt", f"{kind}:{value}", algorithm="sha256").hexdigest()


def _count_application(*, client_address: str, phone: str, now: dt.datetime) -> None:
    """Refuse when this address or phone applied too often in the last hour, else count this one.

    Inside the application's transaction: an application that fails (bad input, a time just
    taken) is not counted, only those that were recorded."""
    ApplicationAttempt.objects.filter(attempted_at__lt=now - ATTEMPTS_KEPT).delete()
    keys = {
        ApplicationAttempt.Kind.ADDRESS: (_attempt_hash("address", client_address), APPLICATIONS_PER_ADDRESS),
        ApplicationAttempt.Kind.PHONE: (_attempt_hash("phone", phone), APPLICATIONS_PER_PHONE),
    }
    for kind, (key_hash, limit) in keys.items():
        recent = ApplicationAttempt.objects.filter(
            kind=kind, key_hash=key_hash, attempted_at__gt=now - APPLICATION_WINDOW
        ).count()
        if recent >= limit:
            message = (
                _(
                    "Too many applications have been sent from this device in the last hour. "
                    "Please try again later or call the consultation point."
                )
                if kind == ApplicationAttempt.Kind.ADDRESS
                else _(
                    "Too many applications have been sent for this phone number in the last hour. "
                    "Please try again later or call the consultation point."
                )
            )
            raise TooManyApplications(message, code=f"too_many_{kind}")
    ApplicationAttempt.objects.bulk_create(
        ApplicationAttempt(kind=kind, key_hash=key_hash, attempted_at=now) for kind, (key_hash, _limit) in keys.items()
    )


def _field_error(field: str, message: str, code: str) -> ValidationError:
    """An error the form shows at its field, with a code the tests and callers can tell apart."""
    return ValidationError({field: ValidationError(message, code=code)})


def _not_in_schedule() -> ValidationError:
    return _field_error("slot", _("This time is not in the schedule. Please choose one of the times shown."), "not_in_schedule")


def _check_time(*, point: ConsultationPoint, starts_at: dt.datetime, now: dt.datetime) -> None:
    if not point.online_booking:
        raise _field_error(
            "slot",
            _("This consultation point takes applications only: the methodist will call you to agree a time."),
            "no_online_booking",
        )
    if starts_at <= now:
        raise _field_error("slot", _("This time has already passed. Please choose a time in the future."), "past")
    _start, window_end = booking_window(now)
    if starts_at >= window_end:
        raise _not_in_schedule()


def _on_the_grid(specialists: list[Membership], starts_at: dt.datetime) -> bool:
    """Is this one of the times the site offers (a slot of the schedule, free a moment ago)?

    A time inside the working hours but off the slot grid (10:07) would be accepted by the
    booking itself and split two slots that parents could otherwise take."""
    day = timezone.localdate(starts_at)
    return any(slot.starts_at == starts_at for slot in free_slots(specialists=specialists, start=day, days=1))


def _book(*, request: Request, specialists: list[Membership], starts_at: dt.datetime) -> Appointment:
    """Book through the journal (which cancels any earlier booking of the request in the same
    transaction); a time just taken stays SlotTaken, any other refusal is about the chosen time."""
    on_the_grid = _on_the_grid(specialists, starts_at)
    try:
        appointment = request_schedule(request=request, specialists=specialists, starts_at=starts_at, by=None)
    except SlotTaken:
        raise
    except ValidationError as exc:
        raise ValidationError({"slot": exc.error_list}) from exc
    if not on_the_grid:
        # Raised after booking on purpose: the booking's own checks name the better reason
        # (outside the hours, a closed day, taken); this undoes it with everything else.
        raise _not_in_schedule()
    return appointment


def _future_bookings(phone: str, now: dt.datetime) -> int:
    return Appointment.objects.filter(status=Appointment.Status.BOOKED, starts_at__gt=now, request__parent__phone=phone).count()


def _with_fields(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    """A model's errors under the form's field names (the form asks for two full names)."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(name, name): errors for name, errors in exc.error_dict.items()})


def _parent_for(*, point: ConsultationPoint, full_name: str, phone: str, email: str, language: str) -> Parent:
    """The organisation's parent with this phone number, brought up to date with what they just
    told us, or a new one; either way with the online consent to process their data."""
    parent = Parent.objects.filter(organization_id=point.organization_id, phone=phone).order_by("pk").first()
    if parent is None:
        try:
            return parent_create(
                organization=point.organization,
                full_name=full_name,
                phone=phone,
                email=email,
                language=language,
                consent_method=Consent.Method.ONLINE,
            )
        except ValidationError as exc:
            raise _with_fields(exc, {"full_name": "parent_full_name"}) from exc
    # The name stays as the organisation knows it (another family member may share the phone);
    # the contact details are the parent's own latest word.
    changed = []
    if email and parent.email != email:
        parent.email = email
        changed.append("email")
    if parent.language != language:
        parent.language = language
        changed.append("language")
    if changed:
        parent.full_clean()
        parent.save(update_fields=changed)
    consent_record(parent=parent, scope=Consent.Scope.PARENT, method=Consent.Method.ONLINE)
    return parent


def _child_for(*, parent: Parent, full_name: str, birth_date: dt.date, sex: str) -> Child:
    """The parent's child of this name and birth date, or a new one; with the online consent."""
    full_name = " ".join(full_name.split())
    child = Child.objects.filter(parent=parent, full_name=full_name, birth_date=birth_date).first()
    if child is not None:
        consent_record(parent=parent, scope=Consent.Scope.CHILD, method=Consent.Method.ONLINE)
        return child
    try:
        return child_create(
            parent=parent, full_name=full_name, birth_date=birth_date, sex=sex, consent_method=Consent.Method.ONLINE
        )
    except ValidationError as exc:
        raise _with_fields(exc, {"full_name": "child_full_name", "birth_date": "child_birth_date", "sex": "child_sex"}) from exc


@transaction.atomic
def portal_apply(
    *,
    point: ConsultationPoint,
    topic: Topic,
    parent_full_name: str,
    phone: str,
    question: str,
    consent_given: bool,
    client_address: str,
    email: str = "",
    language: str = Parent.Language.KK,
    child_full_name: str = "",
    child_birth_date: dt.date | None = None,
    child_sex: str = "",
    specialist: Membership | None = None,
    starts_at: dt.datetime | None = None,
) -> Application:
    """A parent's application from the public site, as one unit of work: the parent (or the
    organisation's parent with this phone), their online consent, the child, the request in
    the journal (channel "online") and, when a time was chosen, its booking. A refusal at any
    step, a time just taken (SlotTaken) included, leaves nothing behind."""
    now = timezone.now()
    if not point.is_open:
        raise ValidationError(_("This consultation point does not take applications now."), code="point_closed")
    if not consent_given:
        raise _field_error(
            "consent", _("Without your consent to data processing we cannot record your application."), "no_consent"
        )
    if not topic.is_active:
        raise _field_error("topic", _("Choose a topic from the list."), "topic")
    if not question.strip():
        raise _field_error("question", _("Write your question in a few words."), "question")
    try:
        phone = normalize_phone(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.error_list}) from exc
    _count_application(client_address=client_address, phone=phone, now=now)

    if starts_at is not None:
        _check_time(point=point, starts_at=starts_at, now=now)
        if specialist is None or specialist.pk not in {m.pk for m in specialists_for_topic(point.organization_id, topic)}:
            raise _not_in_schedule()
        limit = settings.QAMQOR_MAX_FUTURE_BOOKINGS_PER_PHONE
        if _future_bookings(phone, now) >= limit:
            raise ValidationError(
                _(
                    "This phone number already has %(count)d consultations booked. Cancel one of them with the link "
                    "you received, or send this application without a time."
                )
                % {"count": limit},
                code="too_many_bookings",
            )

    parent = _parent_for(point=point, full_name=parent_full_name, phone=phone, email=email.strip(), language=language)
    child = None
    if child_full_name.strip():
        child = _child_for(parent=parent, full_name=child_full_name, birth_date=child_birth_date, sex=child_sex)
    request = request_intake(
        organization=point.organization,
        channel=Channel.ONLINE,
        parent=parent,
        child=child,
        topic=topic,
        question=question,
        received_by=None,
    )
    appointment = None
    if starts_at is not None:
        appointment = _book(request=request, specialists=[specialist], starts_at=starts_at)
        request.refresh_from_db()  # the journal moved it on (routed, scheduled) through its own copy
    return Application(request=request, appointment=appointment)


def _point_of(request: Request) -> ConsultationPoint:
    return request.organization.consultation_point


def _cannot_change() -> ValidationError:
    return ValidationError(_("This request can no longer be changed online. Please call the consultation point."), code="closed")


@transaction.atomic
def portal_reschedule(*, request: Request, starts_at: dt.datetime) -> Appointment:
    """The parent moves their consultation to another free time of the same specialists (or
    books one with the specialists the methodist routed them to). The old time is freed and the
    new one booked together, or neither."""
    now = timezone.now()
    request = (
        Request.objects.select_for_update(of=("self",)).select_related("organization__consultation_point").get(pk=request.pk)
    )
    point = _point_of(request)
    if not request.is_open or request.status not in (Status.ROUTED, Status.SCHEDULED):
        raise _cannot_change()
    appointment = booked_appointment(request)
    if appointment is not None and appointment.starts_at <= now:
        raise ValidationError(
            _("The time of this consultation has come; it can no longer be changed online. Please call the consultation point."),
            code="started",
        )
    specialists = rebooking_specialists(request, appointment)
    if not specialists:
        raise _cannot_change()
    if not point.is_open:
        raise ValidationError(_("This consultation point does not take applications now."), code="point_closed")
    _check_time(point=point, starts_at=starts_at, now=now)
    if appointment is not None and appointment.starts_at == starts_at:
        raise _field_error("slot", _("This is already your time. Choose another one to move to."), "same_time")
    return _book(request=request, specialists=specialists, starts_at=starts_at)


@transaction.atomic
def portal_cancel(*, request: Request) -> Request:
    """The parent cancels their request; a booked time is freed for others."""
    request = Request.objects.select_for_update().get(pk=request.pk)
    if not request.is_open:
        raise ValidationError(_("This request is already closed."), code="closed")
    appointment = booked_appointment(request)
    if appointment is not None and appointment.starts_at <= timezone.now():
        raise ValidationError(
            _(
                "The time of this consultation has come; it can no longer be cancelled online. "
                "Please call the consultation point."
            ),
            code="started",
        )
    return request_cancel(request=request, by=None, note=_("cancelled by the parent on the public site"))
