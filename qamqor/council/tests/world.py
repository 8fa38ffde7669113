"""The centre's records for tests and the project's access matrix
(qamqor/core/tests/test_access_matrix.py)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from qamqor.core.testing import factories as f
from qamqor.council import services


def centre(organization):
    """A chair (the deputy), a secretary (the methodist) and a member (a psychologist)."""
    chair = services.member_add(
        organization=organization,
        membership=f.staff(organization, "deputy", full_name="Қасымова Жанар Болатқызы"),
        position="chair",
    )
    secretary = services.member_add(
        organization=organization,
        membership=f.staff(organization, "methodist", full_name="Ермекова Ақмарал Сәкенқызы"),
        position="secretary",
    )
    member = services.member_add(
        organization=organization, membership=f.staff(organization, "psychologist", full_name="Нұрланова Динара Асқарқызы")
    )
    return chair, secretary, member


def held_meeting(organization, *, days_ago: int = 3, **fields):
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    meeting = services.meeting_create(organization=organization, date=day, **fields)
    return services.meeting_set_status(meeting=meeting, status="held")


def with_decision(organization):
    meeting = held_meeting(organization)
    item = services.agenda_item_add(meeting=meeting, topic="Жылдық жоспарды бекіту", heard="Әдіскер баяндады")
    responsible = f.staff(organization, "educator")
    decision = services.decision_add(
        agenda_item=item, text="Жоспарды сайтқа жариялау", responsible=responsible, deadline=timezone.localdate()
    )
    return meeting, item, decision


def meeting_pk(org) -> list:
    return [held_meeting(org.point.organization).pk]


def member_pk(org) -> list:
    membership = f.staff(org.point.organization, "educator")
    return [services.member_add(organization=org.point.organization, membership=membership).pk]


def agenda_item_pk(org) -> list:
    return [with_decision(org.point.organization)[1].pk]


def decision_pk(org) -> list:
    return [with_decision(org.point.organization)[2].pk]
