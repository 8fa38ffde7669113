"""Parents sign up for a group session (seed 001 §6) on the public site, and give the place back.

The places are the scheduling app's: the sign-up ends in scheduling.sessions.participant_add,
which counts them under the session's row lock (and its child/format rules), so a sign-up here
and one by staff at the same moment never exceed the places. What the site adds on top, as
portal_apply does for an application: the parent and the child are found by phone (and the
child's name and birth date) or created with the online consent the parent just gave, and the
same per-device and per-phone limits as every public form count the sign-up. It lives in the
portal, not in scheduling, because apps depend downward (DESIGN.md): the consent and the
limits' table are the portal's. One transaction: a refusal anywhere leaves nothing behind,
not even the count of the attempt.
"""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qamqor.core.validators import normalize_phone
from qamqor.families.models import Parent
from qamqor.orgs.models import ConsultationPoint
from qamqor.portal.links import LinkInvalid
from qamqor.portal.models import ApplicationAttempt
from qamqor.portal.services import AttemptLimit, _child_for, _field_error, _parent_for, attempt_hash, attempts_count
from qamqor.scheduling import sessions
from qamqor.scheduling.models import Appointment, AppointmentSpecialist, Participant

SIGNUPS_PER_ADDRESS = 5
SIGNUPS_PER_PHONE = 3
SESSIONS_SHOWN = 50
SALT = "qamqor.portal.session-sign-up-link"


class SignUpClosed(ValidationError):
    """The session takes no sign-up on the site (closed, cancelled, started): nothing written."""

    http_status = 409  # core.forms.add_refusal


def public_sessions(organization_id: int) -> QuerySet[Appointment]:
    """The organisation's sessions open to sign-up, soonest first, with their places taken,
    room and specialists (three queries whatever their number)."""
    return (
        Appointment.objects.open_to_sign_up()
        .filter(organization_id=organization_id)
        .with_places_taken()
        .select_related("room")
        .prefetch_related(Prefetch("specialist_links", queryset=AppointmentSpecialist.objects.select_related("membership__user")))
        .order_by("starts_at", "pk")
    )


def _limits(client_address: str, phone: str) -> list[AttemptLimit]:
    address, by_phone = ApplicationAttempt.Kind.ADDRESS, ApplicationAttempt.Kind.PHONE
    # The hashes' own prefixes keep sign-ups apart from applications and questions: signing up
    # for a session does not use up a parent's applications.
    return [
        AttemptLimit(
            address,
            attempt_hash("session-address", client_address),
            SIGNUPS_PER_ADDRESS,
            _("Too many sign-ups have been sent from this device in the last hour. Please try again later."),
            "too_many_signups",
        ),
        AttemptLimit(
            by_phone,
            attempt_hash("session-phone", phone),
            SIGNUPS_PER_PHONE,
            _("Too many sign-ups have been sent for this phone number in the last hour. Please try again later."),
            "too_many_signups_phone",
        ),
    ]


@transaction.atomic
def session_sign_up(
    *,
    point: ConsultationPoint,
    session: Appointment,
    parent_full_name: str,
    phone: str,
    consent_given: bool,
    client_address: str,
    language: str = Parent.Language.KK,
    child_full_name: str = "",
    child_birth_date: dt.date | None = None,
    child_sex: str = "",
    join_waiting_list: bool = False,
) -> Participant:
    """A family takes a place in a session open to sign-up, or gets a clear refusal with nothing
    written: SignUpClosed, SessionFull ("no places left"), SlotTaken (the child is in another
    session then), TooManyApplications, or a ValidationError about a field. With
    `join_waiting_list`, a full session puts the family on its waiting list instead of SessionFull
    (a place still free is simply taken)."""
    # The session's row first (participant_add takes it again, in the same order): closing the
    # sign-up and signing up do not cross.
    session = Appointment.objects.select_for_update().get(pk=session.pk)
    if (
        session.organization_id != point.organization_id
        or not session.is_session
        or not session.public_sign_up
        or session.status == Appointment.Status.CANCELLED
    ):
        raise SignUpClosed(_("This session does not take sign-ups on the site."), code="closed")
    if session.starts_at <= timezone.now():
        raise SignUpClosed(_("The session has already started: sign-up is closed."), code="started")
    if not point.is_open:
        raise SignUpClosed(_("This consultation point does not take applications now."), code="point_closed")
    if not consent_given:
        raise _field_error("consent", _("Without your consent to data processing we cannot sign you up."), "no_consent")
    if not " ".join(parent_full_name.split()):
        raise _field_error("parent_full_name", _("Write your name."), "no_name")
    try:
        phone = normalize_phone(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.error_list}) from exc
    rules = session.rules
    child_full_name = " ".join(child_full_name.split())
    if rules.for_children and not (child_full_name and child_birth_date and child_sex):
        message = _("This session is for children: write the child's name, birth date and sex.")
        raise _field_error("child_full_name", message, "no_child")
    attempts_count(_limits(client_address, phone), now=timezone.now())

    parent = _parent_for(point=point, full_name=parent_full_name, phone=phone, email="", language=language)
    child = None
    if rules.for_children:
        child = _child_for(parent=parent, full_name=child_full_name, birth_date=child_birth_date, sex=child_sex)
    return sessions.participant_add(
        session=session,
        by=None,
        child=child,
        parent=parent,
        # Seed 001 §3.10: where the format needs the parent, the parent who signs up comes.
        parent_present=rules.parent_required,
        wait_if_full=join_waiting_list,
    )


def session_sign_up_cancel(*, participant: Participant) -> Participant:
    """The parent gives the place back (or leaves the waiting list) through their private link:
    the place goes to the first one waiting."""
    return sessions.participant_withdraw(participant=participant)


# --- The parent's private link: a signed token of its own salt, the only thing in its address.
# No expiry stamp: what it allows ends with the session (no cancelling once it has started).


def sign_up_token(participant: Participant) -> str:
    return signing.Signer(salt=SALT).sign_object({"s": participant.pk})


def participant_for_token(token: str) -> Participant:
    """The sign-up a link stands for, or LinkInvalid (forged, altered, another kind, gone)."""
    try:
        payload = signing.Signer(salt=SALT).unsign_object(token)
        return (
            Participant.objects.select_related(
                "appointment__room", "appointment__organization__consultation_point", "child", "parent"
            )
            .prefetch_related("appointment__specialist_links__membership__user")
            .get(pk=int(payload["s"]))
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError, Participant.DoesNotExist) as exc:
        raise LinkInvalid from exc
