"""Records for the project's access matrix (qamqor/core/tests/test_access_matrix.py): a group
session open to sign-up on the public site, and one family's sign-up with its private link,
made on demand inside the test's transaction."""

from __future__ import annotations

from qamqor.core.testing import factories as f
from qamqor.orgs.models import Membership
from qamqor.portal.session_signup import session_sign_up, sign_up_token
from qamqor.scheduling.models import Appointment, Participant
from qamqor.scheduling.sessions import session_schedule


def _session(org) -> Appointment:
    organization = org.point.organization
    made = Appointment.objects.filter(organization=organization, public_sign_up=True).first()
    if made is not None:
        return made
    psychologist = Membership.objects.get(organization=organization, user=org.users["psychologist"])
    return session_schedule(
        organization=organization,
        format="master_class",
        specialists=[psychologist],
        starts_at=f.at(f.next_working_monday(), "16:00"),
        booked_by=None,
        public_sign_up=True,
    )


def session_args(org) -> list:
    return [org.point.pk, _session(org).pk]


def sign_up_link(org) -> list:
    session = _session(org)
    made = Participant.objects.filter(appointment=session, is_active=True).first()
    if made is None:
        made = session_sign_up(
            point=org.point,
            session=session,
            parent_full_name="Әбенова Мадина",
            phone="8 701 555 77 01",
            consent_given=True,
            client_address="10.9.9.9",
            child_full_name="Әбенов Нұрсұлтан",
            child_birth_date=org.child.birth_date,
            child_sex="m",
        )
    return [sign_up_token(made)]
