"""Records for the project's access matrix (qamqor/core/tests/test_access_matrix.py): a session
with the psychologist and one child, made on demand inside the test's transaction."""

from __future__ import annotations

from qamqor.core.testing import factories as f
from qamqor.orgs.models import Membership
from qamqor.scheduling.models import Participant
from qamqor.scheduling.sessions import participant_add, session_schedule


def _participant(org):
    """The organisation's session participant, made once (the pages are asked many times)."""
    organization = org.point.organization
    made = Participant.objects.filter(appointment__organization=organization, is_active=True).first()
    if made is not None:
        return made
    psychologist = Membership.objects.get(organization=organization, user=org.users["psychologist"])
    session = session_schedule(
        organization=organization,
        format="mini_group",
        specialists=[psychologist],
        starts_at=f.at(f.next_working_monday(), "15:00"),
        booked_by=None,
    )
    return participant_add(session=session, child=org.child, by=None)


def session_pk(org) -> list:
    return [_participant(org).appointment_id]


def participant_pk(org) -> list:
    return [_participant(org).pk]
