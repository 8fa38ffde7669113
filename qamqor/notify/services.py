"""Every write of the notify app: planning messages, delivering them, the staff's settings.

Planning runs after the change that calls for it commits (signals.py); delivery runs in a task
worker (tasks.py). Both may run twice for the same thing (a signal and a retry, two workers, a
worker restarted): planning is kept single by the database's unique keys, and delivery locks the
message's row and acts only on a message still waiting, after checking again that it is still
wanted (the session not cancelled or moved, the consent in force).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from qamqor.engagement.models import Event, Registration
from qamqor.families.models import Consent, Parent
from qamqor.journal.models import Channel, Request, Status
from qamqor.notify.models import Message, ReminderSettings, StaffNotification, StaffPreference
from qamqor.notify.sms import sms_backend
from qamqor.orgs.models import Membership, Organization
from qamqor.orgs.roles import Role
from qamqor.scheduling.models import Appointment, Participant

logger = logging.getLogger(__name__)

REMINDER_KINDS = (Message.Kind.REMINDER_FIRST, Message.Kind.REMINDER_SECOND)
# Messages about one session at one time: dropped when it is cancelled or moved.
SESSION_KINDS = (*REMINDER_KINDS, Message.Kind.CONFIRMATION)
# Why a message was not sent (Message.note).
CANCELLED, MOVED, TOO_LATE = Message.Note.CANCELLED, Message.Note.MOVED, Message.Note.TOO_LATE
NO_CONSENT, NOT_DONE, RATED = Message.Note.NO_CONSENT, Message.Note.NOT_DONE, Message.Note.RATED
EXPIRED, INACTIVE, REMOVED = Message.Note.EXPIRED, Message.Note.INACTIVE, Message.Note.REMOVED


# --- Enqueueing


def _enqueue_when_committed(message: Message) -> None:
    """The delivery task goes into the queue once the message's row is committed (a worker
    must find it), to run at its time."""
    message_id, send_at = message.pk, message.send_at

    def enqueue() -> None:
        from qamqor.notify.tasks import deliver_message

        deliver_message.using(run_after=send_at).enqueue(message_id)

    transaction.on_commit(enqueue)


# --- Channels


def _telegram_chat(owner) -> int | None:
    from qamqor.notify.models import TelegramLink

    try:
        return owner.telegram.chat_id
    except TelegramLink.DoesNotExist:
        return None


def parent_channels(parent: Parent) -> list[str]:
    """The channels a parent gave, the first one tried first: Telegram when they linked it (they
    asked for it), email when they gave one (it carries the whole text and costs nothing), then
    SMS to their phone."""
    channels = []
    if _telegram_chat(parent) is not None:
        channels.append(Message.Channel.TELEGRAM)
    if parent.email:
        channels.append(Message.Channel.EMAIL)
    if parent.phone:
        channels.append(Message.Channel.SMS)
    return channels


def _address(parent: Parent, channel: str) -> str:
    if channel == Message.Channel.TELEGRAM:
        return str(_telegram_chat(parent))
    return parent.email if channel == Message.Channel.EMAIL else parent.phone


def _may_contact(parent: Parent) -> bool:
    return parent.anonymised_at is None and parent.has_consent(Consent.Scope.PARENT)


# --- Reminders


def _session_parents(appointment: Appointment) -> list[Parent]:
    """Whom a session's reminders go to: the parent of its request, and the parents of its
    participants (a group session), each once."""
    parents: dict[int, Parent] = {}
    if appointment.request_id:
        parents[appointment.request.parent_id] = appointment.request.parent
    participants = Participant.objects.active().filter(appointment=appointment).select_related("parent", "child__parent")
    for participant in participants:
        parent = participant.parent or (participant.child.parent if participant.child_id else None)
        if parent is not None:
            parents.setdefault(parent.pk, parent)
    return [p for p in parents.values() if _may_contact(p)]


def _reminders_state(appointment_id: int) -> tuple[str, int | None, bool, bool] | None:
    """An appointment's status, the parent of its request, whether reminders wait for it and
    whether anyone takes part in it (a group session); None when it is gone."""
    kinds = list(SESSION_KINDS)
    sql = f"""
        SELECT appointment.status, request.parent_id,
               EXISTS (SELECT 1 FROM notify_message AS message
                       WHERE message.appointment_id = appointment.id AND message.status = %s
                       AND message.kind IN ({", ".join(["%s"] * len(kinds))})),
               EXISTS (SELECT 1 FROM scheduling_participant AS participant
                       WHERE participant.appointment_id = appointment.id AND participant.is_active)
        FROM scheduling_appointment AS appointment
        LEFT JOIN journal_request AS request ON request.id = appointment.request_id
        WHERE appointment.id = %s
    """  # noqa: S608 (only placeholders are formatted in)
    with connection.cursor() as cursor:
        cursor.execute(sql, [Message.Status.SCHEDULED, *kinds, appointment_id])
        row = cursor.fetchone()
    return None if row is None else (row[0], row[1], bool(row[2]), bool(row[3]))


def reminders_plan(*, appointment_id: int, now: dt.datetime | None = None) -> list[Message]:
    """Bring an appointment's reminders in line with it: waiting reminders of a cancelled
    session, or for a time it no longer has, are dropped; a booked session gets the reminders
    its organisation asks for that are still ahead. Safe to call any number of times.

    It runs after every booking's commit, so it reads first and writes only what changes, each
    write on its own (no transaction around the reads: on SQLite that would take the database's
    write lock for every booking). Two runs at once cannot plan a message twice: the unique keys
    refuse the second (`_plan`)."""
    now = now or timezone.now()
    # One narrow read decides whether there is anything to do: a session nobody is to be reminded
    # of, with nothing waiting for it, ends here. It is plain SQL, like the booking's own checks
    # (scheduling/services.py): the ORM's compiling of it cost more than the booking's inserts
    # (docs/benchmarks.md, the booking's cost).
    state = _reminders_state(appointment_id)
    if state is None:
        return []
    status, request_parent_id, has_waiting, has_participants = state
    booked = status == Appointment.Status.BOOKED
    if not has_waiting and not (booked and (request_parent_id or has_participants)):
        return []
    appointment = Appointment.objects.select_related("request__parent").filter(pk=appointment_id).first()
    if appointment is None:
        return []
    waiting = Message.objects.waiting().filter(appointment=appointment, kind__in=SESSION_KINDS)
    if appointment.status != Appointment.Status.BOOKED:
        waiting.update(status=Message.Status.SKIPPED, note=CANCELLED)
        return []
    parents = _session_parents(appointment)
    if has_waiting:
        waiting.exclude(for_starts_at=appointment.starts_at).update(status=Message.Status.SKIPPED, note=MOVED)
        # A participant removed from a group session is not reminded of it.
        waiting.exclude(parent__in=[p.pk for p in parents]).update(status=Message.Status.SKIPPED, note=REMOVED)
    if not parents:
        return []  # nobody to remind (no consent to contact, or asked not to be)
    already = set(
        Message.objects.filter(appointment=appointment, for_starts_at=appointment.starts_at, fallback_of=None).values_list(
            "parent_id", "kind"
        )
    )
    hours = ReminderSettings.for_organization(appointment.organization_id).hours
    planned = []
    for parent in parents:
        channels = parent_channels(parent)
        if not channels:
            continue
        # A parent who linked Telegram gets the booking's confirmation there (letters confirm by
        # email already: portal/emails.py); then the reminders.
        wanted = {Message.Kind.CONFIRMATION: now} if channels[0] == Message.Channel.TELEGRAM else {}
        wanted |= {kind: appointment.starts_at - dt.timedelta(hours=before) for kind, before in hours.items()}
        for kind, send_at in wanted.items():
            if (send_at <= now and kind != Message.Kind.CONFIRMATION) or appointment.starts_at <= now:
                continue  # booked too late for this one
            if (parent.pk, kind) in already:
                continue
            message = _plan(
                organization_id=appointment.organization_id,
                kind=kind,
                parent=parent,
                channel=channels[0],
                appointment=appointment,
                request=appointment.request,
                for_starts_at=appointment.starts_at,
                send_at=send_at,
            )
            if message is not None:
                planned.append(message)
    return planned


def _plan(*, parent: Parent | None = None, user=None, channel: str, **fields) -> Message | None:
    """Save one waiting message and queue its delivery; None when another process planned the
    same one a moment before (the unique keys)."""
    if parent is not None:
        address = _address(parent, channel)
    else:
        address = str(_telegram_chat(user)) if channel == Message.Channel.TELEGRAM else user.email
    language = parent.language if parent is not None else (user.preferred_language or settings.LANGUAGE_CODE)
    message = Message(parent=parent, user=user, channel=channel, address=address, language=language, **fields)
    try:
        # The unique keys are the database's to check (IntegrityError below): asking first would
        # cost a query per key on every booking, and could still lose the race.
        message.full_clean(validate_unique=False, validate_constraints=False)
        with transaction.atomic():
            message.save()
    except (ValidationError, IntegrityError):
        return None
    _enqueue_when_committed(message)
    return message


# --- After the consultation


@transaction.atomic
def feedback_plan(*, request_id: int, now: dt.datetime | None = None) -> Message | None:
    """The feedback link after a consultation that took place: to Telegram when the parent linked
    it, else by SMS to a parent who gave no email (one who did gets it by email from the public
    site already: portal/emails.py)."""
    request = Request.objects.select_related("parent").filter(pk=request_id).first()
    if request is None or request.status != Status.DONE or not _may_contact(request.parent):
        return None
    channel = parent_channels(request.parent)[:1]
    if channel != [Message.Channel.TELEGRAM] and (request.parent.email or not request.parent.phone):
        return None
    return _plan(
        organization_id=request.organization_id,
        kind=Message.Kind.FEEDBACK,
        parent=request.parent,
        channel=channel[0],
        request=request,
        send_at=now or timezone.now(),
    )


# --- A place from an event's or a group session's waiting list


def place_freed_plan(
    *, registration_id: int | None = None, participant_id: int | None = None, now: dt.datetime | None = None
) -> Message | None:
    """A family moved up from an event's waiting list hears of its place: once (the unique key
    on the registration), by its first channel, in its language. Only a registration the
    organisation knows as a parent (a consenting parent with that phone) can be written to.
    A participant moved up from a group session's waiting list is told the same way (once: the
    unique key of a session's messages); the session's reminders follow as for every participant."""
    now = now or timezone.now()
    if participant_id is not None:
        return _session_place_freed_plan(participant_id=participant_id, now=now)
    registration = Registration.objects.select_related("event", "parent").filter(pk=registration_id).first()
    if registration is None or registration.status != Registration.Status.REGISTERED or registration.parent is None:
        return None
    event, parent = registration.event, registration.parent
    if event.status != Event.Status.PLANNED or event.starts_at <= now or not _may_contact(parent):
        return None
    return _place_freed_plan(parent=parent, organization_id=event.organization_id, now=now, registration=registration)


def _session_place_freed_plan(*, participant_id: int, now: dt.datetime) -> Message | None:
    participant = (
        Participant.objects.select_related("appointment", "parent", "child__parent").filter(pk=participant_id).first()
    )
    if participant is None or not participant.is_active:
        return None
    session = participant.appointment
    parent = participant.parent or (participant.child.parent if participant.child_id else None)
    if parent is None or session.status != Appointment.Status.BOOKED or session.starts_at <= now or not _may_contact(parent):
        return None
    return _place_freed_plan(
        parent=parent, organization_id=session.organization_id, now=now, appointment=session, for_starts_at=session.starts_at
    )


def _place_freed_plan(*, parent: Parent, organization_id: int, now: dt.datetime, **about) -> Message | None:
    """The message itself, about an event's registration or a session, by the parent's first channel."""
    channels = parent_channels(parent)
    if not channels:
        return None
    return _plan(
        organization_id=organization_id, kind=Message.Kind.PLACE_FREED, parent=parent, channel=channels[0], send_at=now, **about
    )


# --- Staff: a new online request


NEW_REQUEST_ROLES = frozenset({Role.METHODIST.value})
NEW_REQUEST_STAND_IN_ROLES = frozenset({Role.HEAD.value, Role.DIRECTOR.value})


def _new_request_memberships(organization_id: int):
    return Membership.objects.filter(organization_id=organization_id, is_active=True, user__is_active=True)


def methodists_of(organization: Organization | int) -> list[Membership]:
    """Who learns of a new online request: the point's methodists; without one, its head."""
    organization_id = organization if isinstance(organization, int) else organization.pk
    memberships = _new_request_memberships(organization_id).select_related("user")
    methodists = list(memberships.filter(role__in=NEW_REQUEST_ROLES))
    return methodists or list(memberships.filter(role__in=NEW_REQUEST_STAND_IN_ROLES))


def hears_of_new_requests(*, roles: frozenset[str], organization_id: int) -> bool:
    """Does staff_notify_new_request tell a person with these roles here (their Scope's roles,
    so active ones)? The rule of methodists_of, read without a query but for a head, who is
    told only where the organisation has no methodist."""
    if roles & NEW_REQUEST_ROLES:
        return True
    if not roles & NEW_REQUEST_STAND_IN_ROLES:
        return False
    return not _new_request_memberships(organization_id).filter(role__in=NEW_REQUEST_ROLES).exists()


@transaction.atomic
def staff_notify_new_request(*, request_id: int) -> list[StaffNotification]:
    """A new online request: a line in each methodist's notifications, and an email to those
    who want one and have an address. Twice for the same request makes nothing new."""
    request = Request.objects.filter(pk=request_id, channel__in=[Channel.ONLINE, Channel.TELEGRAM]).first()
    if request is None:
        return []
    made = []
    for membership in methodists_of(request.organization_id):
        user = membership.user
        notification, created = StaffNotification.objects.get_or_create(
            user=user, request=request, defaults={"organization_id": request.organization_id}
        )
        if not created:
            continue
        made.append(notification)
        preference = StaffPreference.objects.filter(user=user).first()
        if user.email and (preference is None or preference.by_email):
            _plan(
                organization_id=request.organization_id,
                kind=Message.Kind.NEW_REQUEST,
                user=user,
                channel=Message.Channel.EMAIL,
                request=request,
                send_at=timezone.now(),
            )
        elif _telegram_chat(user) is not None:
            _plan(
                organization_id=request.organization_id,
                kind=Message.Kind.NEW_REQUEST,
                user=user,
                channel=Message.Channel.TELEGRAM,
                request=request,
                send_at=timezone.now(),
            )
    return made


@transaction.atomic
def notifications_mark_read(*, user, organization_id: int, now: dt.datetime | None = None) -> int:
    return StaffNotification.objects.for_user(user.pk, organization_id).unread().update(read_at=now or timezone.now())


@transaction.atomic
def staff_preference_save(*, user, by_email: bool) -> StaffPreference:
    preference, _created = StaffPreference.objects.get_or_create(user=user)
    preference.by_email = by_email
    preference.full_clean()
    preference.save()
    return preference


@transaction.atomic
def reminder_settings_save(*, organization_id: int, first_hours: int, second_hours: int) -> ReminderSettings:
    """Change when an organisation's parents are reminded. Reminders already planned keep
    their time; sessions booked from now on follow the new one."""
    found = ReminderSettings.objects.select_for_update().filter(organization_id=organization_id).first()
    chosen = found or ReminderSettings(organization_id=organization_id)
    chosen.first_hours, chosen.second_hours = first_hours, second_hours
    chosen.full_clean()
    chosen.save()
    return chosen


# --- Delivery


def _why_not(message: Message, now: dt.datetime) -> str:
    """Why a waiting message is no longer wanted, or "" to send it."""
    if message.parent_id and not _may_contact(message.parent):
        return NO_CONSENT
    if message.user_id and not message.user.is_active:
        return INACTIVE
    # A place from a session's waiting list is checked as the session's reminders are.
    if message.kind in SESSION_KINDS or (message.kind == Message.Kind.PLACE_FREED and message.appointment_id):
        appointment = message.appointment
        if appointment is None or appointment.status != Appointment.Status.BOOKED:
            return CANCELLED
        if appointment.starts_at != message.for_starts_at:
            return MOVED
        if now >= appointment.starts_at:
            return TOO_LATE
        if message.parent_id not in {p.pk for p in _session_parents(appointment)}:
            return REMOVED
    elif message.kind == Message.Kind.PLACE_FREED:
        registration = message.registration
        if registration is None or registration.event.status == Event.Status.CANCELLED:
            return CANCELLED
        if registration.status != Registration.Status.REGISTERED:
            return REMOVED  # the family gave the place back before hearing of it
        if now >= registration.event.starts_at:
            return TOO_LATE
    if message.kind == Message.Kind.FEEDBACK:
        from qamqor.portal.links import feedback_valid_until
        from qamqor.portal.models import Feedback

        request = message.request
        valid_until = feedback_valid_until(request) if request is not None else None
        if valid_until is None:
            return NOT_DONE
        if now > valid_until:
            return EXPIRED
        if Feedback.objects.filter(request=request).exists():
            return RATED
    return ""


def _send(message: Message) -> None:
    from qamqor.notify.texts import compose

    text = compose(message)
    if message.channel == Message.Channel.EMAIL:
        EmailMessage(subject=text.subject, body=text.body, to=[message.address]).send()
    elif message.channel == Message.Channel.TELEGRAM:
        from qamqor.notify.telegram import send_message

        send_message(chat_id=int(message.address), text=text.body)
    else:
        sms_backend().send(phone=message.address, text=text.body)


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait before the next attempt: the configured first wait, five times longer each time
    (60 s, 5 min, 25 min by default), so a gateway that is down for a while is not hammered."""
    return dt.timedelta(seconds=settings.QAMQOR_NOTIFY_RETRY_SECONDS * 5 ** max(attempts - 1, 0))


def message_deliver(*, message_id: int, now: dt.datetime | None = None) -> str:
    """Send one waiting message if it is still wanted; returns what became of it. Not atomic
    as a whole on purpose: the message is claimed (status "being sent") in one short
    transaction, sent with no row locked while the server answers, then recorded."""
    now = now or timezone.now()
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(of=("self",))
            .select_related(
                "parent",
                "user",
                "appointment__organization",
                "appointment__request",
                "request__organization",
                "registration__event__organization",
            )
            .filter(pk=message_id)
            .first()
        )
        if message is None:
            return "gone"
        if message.status != Message.Status.SCHEDULED:
            return message.status  # sent, skipped or taken by another worker already
        if message.send_at > now:
            return "early"  # a task of an earlier attempt: the later one is queued
        reason = _why_not(message, now)
        if reason:
            message.status, message.note = Message.Status.SKIPPED, reason
            message.save(update_fields=["status", "note"])
            return message.status
        message.status = Message.Status.SENDING
        message.attempts += 1
        message.save(update_fields=["status", "attempts"])
    try:
        _send(message)
    except Exception as exc:  # any failure of a server or gateway is retried, then falls back
        logger.warning("message %s: attempt %s failed (%s)", message.pk, message.attempts, type(exc).__name__)
        return _record_failure(message_id=message.pk, error=str(exc) or type(exc).__name__, now=now)
    Message.objects.filter(pk=message.pk).update(status=Message.Status.SENT, sent_at=timezone.now(), last_error="")
    return Message.Status.SENT


@transaction.atomic
def _record_failure(*, message_id: int, error: str, now: dt.datetime) -> str:
    message = Message.objects.select_for_update(of=("self",)).select_related("parent").get(pk=message_id)
    message.last_error = error[:500]
    if message.attempts < settings.QAMQOR_NOTIFY_ATTEMPTS:
        message.status = Message.Status.SCHEDULED
        message.send_at = now + retry_delay(message.attempts)
        message.save(update_fields=["status", "send_at", "last_error"])
        _enqueue_when_committed(message)
        return "retry"
    message.status = Message.Status.FAILED
    message.save(update_fields=["status", "last_error"])
    _fall_back(message, now)
    return Message.Status.FAILED


def _fall_back(message: Message, now: dt.datetime) -> Message | None:
    """After the last failed attempt: the same message by the recipient's next channel not tried."""
    if message.parent_id is None:
        return None  # staff are written to by email only; their notification line is there anyway
    root = message.fallback_of or message
    tried = {root.channel, *root.fallbacks.values_list("channel", flat=True)}
    remaining = [c for c in parent_channels(message.parent) if c not in tried]
    if not remaining:
        return None
    fallback = Message(
        organization_id=message.organization_id,
        kind=message.kind,
        channel=remaining[0],
        parent=message.parent,
        address=_address(message.parent, remaining[0]),
        language=message.language,
        appointment_id=message.appointment_id,
        request_id=message.request_id,
        registration_id=message.registration_id,
        for_starts_at=message.for_starts_at,
        send_at=now,
        fallback_of=root,
    )
    try:
        fallback.full_clean()
    except ValidationError:
        return None  # the address was erased meanwhile: the failure stays recorded, nothing more
    fallback.save()
    _enqueue_when_committed(fallback)
    return fallback
