"""Changes to personal records and reads of the family's card go to the audit log, which the
application cannot edit."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from qamqor.core.iin import check_digit
from qamqor.families.models import Child, Parent
from qamqor.families.services import child_create

IIN = "1503145" + "0012"
IIN += str(check_digit(IIN))


def entries_for(obj) -> list[LogEntry]:
    return list(LogEntry.objects.get_for_object(obj).order_by("pk"))


@pytest.mark.django_db
def test_a_child_created_and_changed_is_logged_with_the_iin_masked(parent, methodist) -> None:
    child = child_create(
        parent=parent,
        full_name="Сейтқали Айша",
        birth_date=dt.date(2015, 3, 14),
        sex="m",
        iin=IIN,
        recorded_by=methodist.user,
        consent_method="paper",
    )
    child.full_name = "Сейтқали Айша Ерланқызы"
    child.save()
    created, changed = entries_for(child)
    assert created.action == LogEntry.Action.CREATE and changed.action == LogEntry.Action.UPDATE
    assert created.changes_dict["iin"][1] == "********" + IIN[-4:]
    assert IIN not in str(created.changes)
    assert changed.changes_dict["full_name"] == ["Сейтқали Айша", "Сейтқали Айша Ерланқызы"]
    assert changed.additional_data == {"organization_id": parent.organization_id, "parent_id": parent.pk}


@pytest.mark.django_db
def test_reading_the_parents_card_logs_the_parent_and_each_child_with_who_read(client, methodist, parent, child) -> None:
    client.force_login(methodist.user)
    assert client.get(reverse("families:parent_detail", args=[parent.pk])).status_code == 200
    for card in (parent, child):
        (entry,) = [e for e in entries_for(card) if e.action == LogEntry.Action.ACCESS]
        assert entry.actor == methodist.user
        assert entry.remote_addr == "127.0.0.1"
        assert entry.additional_data["organization_id"] == parent.organization_id


@pytest.mark.django_db
def test_the_application_cannot_change_or_delete_an_entry(parent) -> None:
    entry = entries_for(parent)[0]
    entry.object_repr = "someone else"
    with pytest.raises(PermissionDenied), transaction.atomic():
        entry.save()
    with pytest.raises(PermissionDenied), transaction.atomic():
        entry.delete()
    assert LogEntry.objects.get(pk=entry.pk).object_repr != "someone else"


@pytest.mark.django_db
def test_the_admin_shows_entries_read_only(client, parent, django_user_model) -> None:
    admin = django_user_model.objects.create_superuser("root", "root@example.kz", "a-long-admin-password")
    client.force_login(admin)
    entry = entries_for(parent)[0]
    change_url = reverse("admin:auditlog_logentry_change", args=[entry.pk])
    assert client.get(reverse("admin:auditlog_logentry_changelist")).status_code == 200
    assert client.get(change_url).status_code == 200  # view only
    assert client.post(change_url, {"object_repr": "x"}).status_code == 403
    assert client.post(reverse("admin:auditlog_logentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:auditlog_logentry_add")).status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_deleting_a_family_record_is_logged(parent) -> None:
    child = Child.objects.create(
        parent=parent, organization=parent.organization, full_name="А Б", birth_date=dt.date(2020, 1, 1), sex="f"
    )
    pk = child.pk
    child.delete()
    assert LogEntry.objects.filter(action=LogEntry.Action.DELETE, object_pk=str(pk), content_type__model="child").exists()
    assert Parent.objects.filter(pk=parent.pk).exists()


def test_an_appointment_is_logged_only_when_it_concerns_a_family(kindergarten, parent, psychologist, methodist):
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from qamqor.core.testing import factories as f
    from qamqor.journal.services import request_intake, request_schedule
    from qamqor.scheduling.models import Appointment
    from qamqor.scheduling.services import appointment_book

    monday = f.next_working_monday()
    appointments = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Appointment))
    appointment_book(organization=kindergarten, specialists=[psychologist], starts_at=f.at(monday, "09:00"), booked_by=None)
    assert not appointments.exists()  # a specialist's time with no family in it
    request = request_intake(
        organization=kindergarten, parent=parent, channel="phone", topic=f.topic(), question="?", received_by=None
    )
    booked = request_schedule(request=request, specialists=[psychologist], starts_at=f.at(monday, "10:00"), by=methodist.user)
    assert appointments.filter(object_id=booked.pk, action=LogEntry.Action.CREATE).exists()
