"""Every write of the public site: a parent's online application (with its booking), and the
parent moving or cancelling it through the manage link.

The site has no accounts: a parent is known by the phone number they give, within one
organisation. What the site writes goes through the families, journal and scheduling services,
so it obeys the same rules as the methodist's intake form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from qamqor.audit.models import DataRequest
from qamqor.audit.services import data_request_erase, data_request_export_record
from qamqor.core.validators import normalize_phone
from qamqor.families.models import Child, Consent, Parent
from qamqor.families.services import child_create, consent_record, consent_withdraw, parent_create
from qamqor.journal.models import Channel, Request, Status, Topic
from qamqor.journal.services import request_cancel, request_intake, request_schedule
from qamqor.orgs.models import ConsultationPoint, Membership, Organization
from qamqor.portal.files import check_material_upload
from qamqor.portal.models import ApplicationAttempt, Feedback, Material, Question
from qamqor.portal.selectors import (
    booked_appointment,
    booking_window,
    parent_data,
    rebooking_specialists,
    requests_ended_by_withdrawal,
    specialists_for_topic,
)
from qamqor.scheduling.models import Appointment
from qamqor.scheduling.services import SlotTaken, free_slots

APPLICATIONS_PER_ADDRESS = 5
APPLICATIONS_PER_PHONE = 3
APPLICATION_WINDOW = dt.timedelta(hours=1)
# Attempts older than this are of no use to any limit and are swept away.
ATTEMPTS_KEPT = dt.timedelta(days=1)
# attempt_admit sweeps them on one counted attempt in this many, not on each: it runs on every API call.
SWEEP_EVERY = 100


class TooManyApplications(ValidationError):
    """Too many applications lately from one client address or for one phone number."""

    http_status = 429  # core.forms.add_refusal


@dataclass(frozen=True)
class Application:
    request: Request
    appointment: Appointment | None


# The public site's limits per device and per phone (applications, questions, and the
# engagement app's sign-ups and ideas) share these three.


def attempt_hash(kind: str, value: str) -> str:
    # Keyed with the secret key: a plain SHA-256 of a phone number is undone by hashing every
    # possible number, a few billion, in minutes.
    return salted_hmac("qamqor.portal.application-attempt", f"{kind}:{value}", algorithm="sha256").hexdigest()


@dataclass(frozen=True)
class AttemptLimit:
    kind: str  # what the key is: a client address or a phone number
    key_hash: str
    limit: int
    message: str
    code: str


def _attempts_sweep(now: dt.datetime) -> None:
    ApplicationAttempt.objects.filter(attempted_at__lt=now - ATTEMPTS_KEPT).delete()


def attempts_count(limits: list[AttemptLimit], *, now: dt.datetime) -> None:
    """Refuse when any key reached its limit in the last hour, else count this attempt under
    each. Called inside the caller's transaction: a refused or failed attempt is not counted."""
    _attempts_sweep(now)
    for item in limits:
        recent = ApplicationAttempt.objects.filter(
            kind=item.kind, key_hash=item.key_hash, attempted_at__gt=now - APPLICATION_WINDOW
        ).count()
        if recent >= item.limit:
            raise TooManyApplications(item.message, code=item.code)
    ApplicationAttempt.objects.bulk_create(
        ApplicationAttempt(kind=item.kind, key_hash=item.key_hash, attempted_at=now) for item in limits
    )


def attempt_admit(*, kind: str, key_hash: str, limit: int, window: dt.timedelta, now: dt.datetime) -> dt.timedelta | None:
    """Count one attempt under the key unless it made `limit` of them within `window`: None when
    counted, else how long until the oldest of those leaves the window (the caller's Retry-After).

    For a caller on every request (the API's throttles): one query when refused, two when
    counted, and the sweep of old rows only on one counted attempt in SWEEP_EVERY. Processes at
    the key's last free place in the same instant may each be counted (no lock): a rate limit can
    be passed by those few calls, and what was counted is never lost."""
    if window > ATTEMPTS_KEPT:
        raise ValueError(f"a window longer than {ATTEMPTS_KEPT} would count attempts the sweep has deleted")
    recent = ApplicationAttempt.objects.filter(kind=kind, key_hash=key_hash, attempted_at__gt=now - window).aggregate(
        made=Count("pk"), oldest=Min("attempted_at")
    )
    if recent["made"] >= limit:
        return recent["oldest"] + window - now
    attempt = ApplicationAttempt.objects.create(kind=kind, key_hash=key_hash, attempted_at=now)
    # The sequence is shared by every process: one of them sweeps, about once in SWEEP_EVERY.
    if attempt.pk % SWEEP_EVERY == 0:
        _attempts_sweep(now)
    return None


def _count_application(*, client_address: str, phone: str, now: dt.datetime) -> None:
    """Refuse when this address or phone applied too often in the last hour, else count this one.

    Inside the application's transaction: an application that fails (bad input, a time just
    taken) is not counted, only those that were recorded."""
    address, by_phone = ApplicationAttempt.Kind.ADDRESS, ApplicationAttempt.Kind.PHONE
    attempts_count(
        [
            AttemptLimit(
                address,
                attempt_hash("address", client_address),
                APPLICATIONS_PER_ADDRESS,
                _(
                    "Too many applications have been sent from this device in the last hour. "
                    "Please try again later or call the consultation point."
                ),
                f"too_many_{address}",
            ),
            AttemptLimit(
                by_phone,
                attempt_hash("phone", phone),
                APPLICATIONS_PER_PHONE,
                _(
                    "Too many applications have been sent for this phone number in the last hour. "
                    "Please try again later or call the consultation point."
                ),
                f"too_many_{by_phone}",
            ),
        ],
        now=now,
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


def _already_rated() -> ValidationError:
    return ValidationError(_("You have already rated this consultation. Thank you!"), code="already_given")


@transaction.atomic
def portal_feedback_give(*, request: Request, rating: int, comment: str = "") -> Feedback:
    """The parent's rating (1–5) and comment on a consultation that took place, once.

    The request row is locked first, so two submissions at the same moment end in one
    feedback and a clear "already rated"; the one-to-one key and the rating's check
    constraint keep the database right whatever calls this."""
    request = Request.objects.select_for_update(of=("self",)).select_related("parent").get(pk=request.pk)
    if request.status != Status.DONE:
        raise ValidationError(_("You can rate a consultation after it took place."), code="not_done")
    if not request.parent.has_consent(Consent.Scope.PARENT):
        raise ValidationError(
            _("You withdrew your consent to data processing, so we no longer ask for your feedback."), code="withdrawn"
        )
    if Feedback.objects.filter(request=request).exists():
        raise _already_rated()
    feedback = Feedback(request=request, organization_id=request.organization_id, rating=rating, comment=comment.strip())
    feedback.full_clean()
    try:
        with transaction.atomic():
            feedback.save()
    except IntegrityError as exc:
        raise _already_rated() from exc
    return feedback


@transaction.atomic
def portal_consent_withdraw(*, parent: Parent) -> list[Request]:
    """The parent withdraws their consent from the "My data" page: the consent is recorded as
    withdrawn (and what only it let us keep is erased, families.services.consent_withdraw), and
    every request of theirs still waiting is cancelled with its booked time, so the staff stop
    working with their data. A consultation whose time has already come stays open for the
    specialist to record; the journal's rows stay, as an official record. Returns the
    cancelled requests."""
    parent = Parent.objects.select_for_update().get(pk=parent.pk)
    if not parent.has_consent(Consent.Scope.PARENT):
        raise ValidationError(_("Your consent is already withdrawn."), code="already_withdrawn")
    cancelled = _cancel_waiting(parent, note=_("consent to data processing withdrawn by the parent on the public site"))
    consent_withdraw(parent=parent)
    return cancelled


def _cancel_waiting(parent: Parent, *, note: str) -> list[Request]:
    """Cancel the parent's requests still waiting, with their booked times (withdrawal and erasure)."""
    return [request_cancel(request=item, by=None, note=note) for item in requests_ended_by_withdrawal(parent)]


@transaction.atomic
def portal_data_erase(*, parent: Parent) -> DataRequest:
    """The parent asks from the "My data" page to erase their data: carried out at once. Their
    waiting requests are cancelled as a withdrawal cancels them, then the family is anonymised
    by the same service as the retention period (qamqor/audit/services.py): the journal keeps
    its numbered rows without anything personal. The request is recorded (audit.DataRequest)."""
    note = _("data erased at the parent's request on the public site")
    return data_request_erase(parent=parent, cancel_waiting=lambda p: _cancel_waiting(p, note=note))


def portal_data_export(*, parent: Parent) -> dict:
    """Everything kept about the parent, for their download; the download is recorded."""
    data = parent_data(parent)
    data_request_export_record(parent=parent, counts={"children": len(data["children"]), "requests": len(data["requests"])})
    return data


# --- Materials for parents (seed 000's recommendations, seed 001's site) ---

# The columns a material's form writes; the file and the topics are handled on their own.
MATERIAL_VALUES = ("kind", "title_kk", "title_ru", "body_kk", "body_ru", "language", "age_from", "age_to", "video_url")


def _material_save(
    *, material: Material, values: dict, topics: Iterable[Topic] | None, upload: UploadedFile | None, remove_file: bool
) -> Material:
    """Check the upload, then the whole material, and only then write: a refused file never
    reaches the storage. A replaced or removed file is deleted once the change commits."""
    unknown = set(values) - set(MATERIAL_VALUES)
    if unknown:
        raise TypeError(f"unknown material values: {sorted(unknown)}")
    old_file = material.file.name if material.file else ""
    for name, value in values.items():
        setattr(material, name, value.strip() if isinstance(value, str) else value)
    if upload is not None:
        check_material_upload(kind=material.kind, upload=upload)
        material.file = upload
    elif remove_file:
        material.file = ""
    # The untranslated columns are filled from the translations (modeltranslation); clean()
    # names the translation that is missing.
    material.full_clean(exclude=["title", "body"])
    material.save()
    if topics is not None:
        material.topics.set(topics)
    if old_file and material.file.name != old_file:
        storage = material.file.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    return material


@transaction.atomic
def material_create(
    *,
    organization: Organization,
    by,
    topics: Iterable[Topic] = (),
    upload: UploadedFile | None = None,
    **values,
) -> Material:
    """A new material, saved as a draft: parents see it once it is published."""
    material = Material(organization=organization, created_by=by)
    return _material_save(material=material, values=values, topics=topics, upload=upload, remove_file=False)


@transaction.atomic
def material_update(
    *,
    material: Material,
    by,
    topics: Iterable[Topic] | None = None,
    upload: UploadedFile | None = None,
    remove_file: bool = False,
    **values,
) -> Material:
    material = Material.objects.select_for_update().get(pk=material.pk)
    return _material_save(material=material, values=values, topics=topics, upload=upload, remove_file=remove_file)


@transaction.atomic
def material_publish(*, material: Material, by) -> Material:
    """Parents see it from now on; it must be complete (a draft may have been saved before a
    rule changed, so it is checked again)."""
    material = Material.objects.select_for_update().get(pk=material.pk)
    material.full_clean(exclude=["title", "body"])
    if not material.is_published:
        material.is_published = True
        material.published_at = timezone.now()
        material.save(update_fields=["is_published", "published_at", "updated_at"])
    return material


@transaction.atomic
def material_unpublish(*, material: Material, by) -> Material:
    """Back to a draft: parents no longer find it; a request that recommended it keeps the
    link, and the parent's page shows it again once it is published again."""
    material = Material.objects.select_for_update().get(pk=material.pk)
    if material.is_published:
        material.is_published = False
        material.save(update_fields=["is_published", "updated_at"])
    return material


def material_recommend(*, request: Request, materials: Iterable[Material], by) -> None:
    """Keep the materials a specialist recommended to the parent with the request (called by
    the journal's completion through qamqor/portal/recommendations.py, inside its transaction).
    Only the request's organisation's published materials: the parent must be able to open them."""
    materials = list(materials)
    if any(m.organization_id != request.organization_id or not m.is_published for m in materials):
        raise ValidationError(
            {"recommended_materials": _("Only this organisation's published materials can be recommended.")},
            code="material",
        )
    through = Material.recommended_in.through
    through.objects.bulk_create([through(material_id=m.pk, request_id=request.pk) for m in materials], ignore_conflicts=True)


# --- Parents' questions and the answers (seed 003: "question and answer" on the site) ---

QUESTIONS_PER_ADDRESS = 5


def _question_limit(client_address: str) -> AttemptLimit:
    # Counted in the applications' table: its "kind" says what the key is (a client address);
    # the hash's own prefix keeps questions and applications apart, so asking questions does
    # not use up a parent's applications.
    return AttemptLimit(
        ApplicationAttempt.Kind.ADDRESS,
        attempt_hash("question-address", client_address),
        QUESTIONS_PER_ADDRESS,
        _(
            "Too many questions have been sent from this device in the last hour. "
            "Please try again later or call the consultation point."
        ),
        "too_many_questions",
    )


@transaction.atomic
def question_ask(
    *,
    point: ConsultationPoint,
    text: str,
    client_address: str,
    language: str = Parent.Language.KK,
    name: str = "",
    phone: str = "",
    email: str = "",
    may_publish: bool = False,
    contacts_consent: bool = False,
) -> Question:
    """A parent's question from the point's page, anonymous or with contacts. Contacts are kept
    only with the parent's consent to use them for the answer; the publishing permission is
    the parent's own and nobody else sets it."""
    if not point.is_open:
        raise ValidationError(_("This consultation point does not take questions now."), code="point_closed")
    text = text.strip()
    if not text:
        raise _field_error("text", _("Write your question."), "text")
    name, email, phone = " ".join(name.split()), email.strip(), phone.strip()
    if phone:
        try:
            phone = normalize_phone(phone)
        except ValidationError as exc:
            raise ValidationError({"phone": exc.error_list}) from exc
    if (name or phone or email) and not contacts_consent:
        raise _field_error(
            "contacts_consent",
            _("To answer you we need your consent to use your contacts. Or leave them empty to ask anonymously."),
            "no_consent",
        )
    now = timezone.now()
    attempts_count([_question_limit(client_address)], now=now)
    question = Question(
        organization_id=point.organization_id,
        text=text,
        name=name,
        phone=phone,
        email=email,
        language=language if language in Parent.Language.values else Parent.Language.KK,
        may_publish=may_publish,
        asked_at=now,
    )
    question.full_clean()
    question.save()
    return question


@dataclass(frozen=True)
class Answered:
    question: Question
    first: bool  # the first answer: the one the parent is written to


@transaction.atomic
def question_answer(*, question: Question, answer: str, by, public_text: str = "") -> Answered:
    """The staff's answer (written again to correct it), and the question's wording for the
    site when names or details must not be shown."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    answer = answer.strip()
    if not answer:
        raise _field_error("answer", _("Write the answer."), "answer")
    first = question.answered_at is None
    question.answer = answer
    question.answered_by = by
    if first:
        question.answered_at = timezone.now()
    public_text = public_text.strip()
    question.public_text = "" if public_text == question.text else public_text
    question.full_clean()
    question.save()
    return Answered(question=question, first=first)


@transaction.atomic
def question_publish(*, question: Question, by) -> Question:
    """Show the question and the answer on the point's page, without the parent's name; only
    with the parent's permission (the database refuses it otherwise too)."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    if not question.may_publish:
        raise ValidationError(_("The parent did not allow publishing this question."), code="no_permission")
    if not question.answer:
        raise ValidationError(_("Answer the question before publishing it."), code="no_answer")
    if not question.is_published:
        question.is_published = True
        question.published_at = timezone.now()
        question.save(update_fields=["is_published", "published_at"])
    return question


@transaction.atomic
def question_unpublish(*, question: Question, by) -> Question:
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.is_published:
        question.is_published = False
        question.save(update_fields=["is_published"])
    return question


@transaction.atomic
def question_delete(*, question: Question, by) -> None:
    """Remove a question (spam, or not a question at all) with the contacts it holds."""
    Question.objects.filter(pk=question.pk).delete()
