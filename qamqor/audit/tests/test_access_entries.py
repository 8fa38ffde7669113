"""Every page that shows a child's card or a family's details writes access entries with the
organisation and the parent; the breach drill finds them."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from qamqor.audit.selectors import account_footprint
from qamqor.core.testing import factories as f
from qamqor.journal.services import request_intake, request_schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_with_child(kindergarten, parent, child, methodist, psychologist):
    item = request_intake(
        organization=kindergarten,
        channel="phone",
        parent=parent,
        child=child,
        topic=f.topic("behaviour"),
        question="сұрақ",
        received_by=methodist.user,
    )
    monday = f.next_working_monday()
    request_schedule(request=item, specialists=[psychologist], starts_at=f.at(monday, "09:00"), by=methodist.user)
    return item


def reads(user) -> set[tuple[str, str, int, int]]:
    return {
        (e.content_type.model, e.object_pk, e.additional_data["organization_id"], e.additional_data["parent_id"])
        for e in LogEntry.objects.filter(actor=user, action=LogEntry.Action.ACCESS).select_related("content_type")
    }


def test_the_request_page_logs_the_request_the_parent_and_the_child(client, request_with_child, psychologist, parent, child):
    client.force_login(psychologist.user)
    assert client.get(reverse("journal:detail", args=[request_with_child.pk])).status_code == 200
    org = parent.organization_id
    assert reads(psychologist.user) == {
        ("request", str(request_with_child.pk), org, parent.pk),
        ("parent", str(parent.pk), org, parent.pk),
        ("child", str(child.pk), org, parent.pk),
    }
    entry = LogEntry.objects.filter(actor=psychologist.user).first()
    assert entry.remote_addr == "127.0.0.1" and entry.actor_email == (psychologist.user.email or None)


def test_a_page_another_organisation_cannot_open_logs_nothing(client, request_with_child, other_kindergarten):
    stranger = f.staff(other_kindergarten, "methodist", username="stranger")
    client.force_login(stranger.user)
    assert client.get(reverse("journal:detail", args=[request_with_child.pk])).status_code == 404
    assert reads(stranger.user) == set()


def test_the_specialists_day_logs_each_consultation_shown(client, request_with_child, psychologist, parent):
    client.force_login(psychologist.user)
    day = f.next_working_monday()
    client.get(reverse("scheduling:my_day") + f"?day={day:%Y-%m-%d}")
    appointment = request_with_child.appointments.get()
    assert reads(psychologist.user) == {("appointment", str(appointment.pk), parent.organization_id, parent.pk)}


def test_the_breach_drill_finds_what_the_pages_logged(client, request_with_child, psychologist, parent, child):
    client.force_login(psychologist.user)
    client.get(reverse("journal:detail", args=[request_with_child.pk]))
    today = timezone.localdate()
    (org,) = account_footprint(user=psychologist.user, date_from=today, date_to=today)
    family = org.families[parent.pk]
    assert (org.organization_id, family.name, family.reads) == (parent.organization_id, parent.full_name, 3)
    assert ("families.Child", str(child.pk)) in family.records
