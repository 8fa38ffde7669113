import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qamqor.core.testing import factories as f
from qamqor.families.models import Child, Consent, Parent
from qamqor.journal.models import Channel, JournalCounter, Request, StatusChange
from qamqor.journal.services import request_intake, request_schedule
from qamqor.portal.models import ApplicationAttempt
from qamqor.portal.services import TooManyApplications, portal_apply
from qamqor.portal.tests.conftest import working_day
from qamqor.scheduling.models import Appointment
from qamqor.scheduling.services import SlotTaken

MODELS = (Parent, Child, Consent, Request, StatusChange, Appointment, ApplicationAttempt, JournalCounter)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def apply(point, **kwargs):
    kwargs.setdefault("topic", f.topic("behaviour"))
    kwargs.setdefault("parent_full_name", "Әбенова Мадина Серікқызы")
    kwargs.setdefault("phone", "8 701 555 12 34")
    kwargs.setdefault("question", "Бала түнде жиі оянады")
    kwargs.setdefault("consent_given", True)
    kwargs.setdefault("client_address", "10.0.0.1")
    return portal_apply(point=point, **kwargs)


def test_apply_with_a_time_records_everything_in_one_go(point, psychologist, day):
    when = f.at(day, "10:00")
    application = apply(
        point,
        email="madina@example.com",
        language="ru",
        child_full_name="Әбенов  Нұрсұлтан",
        child_birth_date=dt.date(2022, 5, 17),
        child_sex="m",
        specialist=psychologist,
        starts_at=when,
    )

    request = application.request
    assert request.channel == Channel.ONLINE
    assert request.received_by is None
    assert request.status == "scheduled"
    assert request.number == 1
    assert list(request.specialists.all()) == [psychologist]
    assert [c.to_status for c in request.status_changes.all()] == ["new", "routed", "scheduled"]
    parent = request.parent
    assert (parent.phone, parent.email, parent.language) == ("+77015551234", "madina@example.com", "ru")
    assert request.child.full_name == "Әбенов Нұрсұлтан"
    assert request.child.parent == parent
    consents = {(c.scope, c.method) for c in parent.consents.all()}
    assert consents == {("parent", "online"), ("child", "online")}
    appointment = application.appointment
    assert appointment.starts_at == when
    assert appointment.request == request
    assert appointment.child == request.child
    assert appointment.room.name == "Психолог кабинеті"
    assert [link.membership for link in appointment.specialist_links.all()] == [psychologist]
    assert ApplicationAttempt.objects.count() == 2  # one for the address, one for the phone


def test_the_parent_with_the_same_phone_is_reused_and_brought_up_to_date(point, parent, psychologist):
    application = apply(point, phone="8 701 123 45 67", parent_full_name="Басқа Есім", email="new@example.com", language="ru")
    assert application.request.parent == parent
    parent.refresh_from_db()
    assert parent.full_name == "Сейтқали Динара Ерланқызы"  # the organisation's record keeps its name
    assert (parent.email, parent.language) == ("new@example.com", "ru")
    assert Parent.objects.count() == 1
    assert parent.consents.filter(method="online", scope="parent").count() == 1


def test_a_parent_of_another_organisation_with_the_same_phone_is_not_reused(point, other_kindergarten):
    other = f.ParentFactory(organization=other_kindergarten, phone="+77015551234")
    application = apply(point)
    assert application.request.parent != other
    assert application.request.parent.organization == point.organization


def test_the_same_child_is_reused(point, parent, child, psychologist):
    application = apply(
        point, phone=parent.phone, child_full_name=child.full_name, child_birth_date=child.birth_date, child_sex="m"
    )
    assert application.request.child == child
    assert Child.objects.count() == 1
    assert parent.consents.filter(method="online", scope="child").count() == 1


def test_without_online_booking_the_request_waits_for_the_methodist(point, psychologist, day):
    point.online_booking = False
    point.save()
    application = apply(point)
    assert application.appointment is None
    assert application.request.status == "new"
    assert Appointment.objects.count() == 0
    before = counts()
    with pytest.raises(ValidationError) as info:
        apply(point, phone="+77015550000", specialist=psychologist, starts_at=f.at(day, "10:00"))
    assert "slot" in info.value.error_dict
    assert counts() == before


def test_an_application_without_a_time_waits_as_new(point, psychologist):
    application = apply(point)
    assert application.appointment is None
    assert application.request.status == "new"


def test_a_time_just_taken_leaves_nothing_behind(point, psychologist, day):
    when = f.at(day, "10:00")
    other = request_intake(
        organization=point.organization,
        parent=f.ParentFactory(organization=point.organization),
        channel="phone",
        topic=f.topic("behaviour"),
        question="?",
        received_by=None,
    )
    request_schedule(request=other, specialists=[psychologist], starts_at=when, by=None)
    before = counts()

    with pytest.raises(SlotTaken):
        apply(
            point,
            child_full_name="Әбенов Нұрсұлтан",
            child_birth_date=dt.date(2022, 5, 17),
            child_sex="m",
            specialist=psychologist,
            starts_at=when,
        )

    assert counts() == before


@pytest.mark.parametrize(
    ("hhmm", "code"),
    [
        ("15:00", "outside_hours"),  # after the specialist's hours
        ("10:07", "not_in_schedule"),  # inside the hours, off the slot grid
    ],
)
def test_a_time_outside_the_schedule_is_refused(point, psychologist, day, hhmm, code):
    before = counts()
    with pytest.raises(ValidationError) as info:
        apply(point, specialist=psychologist, starts_at=f.at(day, hhmm))
    assert [e.code for e in info.value.error_dict["slot"]] == [code]
    assert counts() == before


def test_a_time_in_the_past_or_beyond_two_weeks_is_refused(point, psychologist):
    before = counts()
    for when in (timezone.now() - dt.timedelta(hours=1), f.at(working_day(after_days=15), "10:00")):
        with pytest.raises(ValidationError) as info:
            apply(point, specialist=psychologist, starts_at=when)
        assert "slot" in info.value.message_dict
    assert counts() == before


def test_a_specialist_who_does_not_fit_the_topic_cannot_be_booked_for_it(point, speech_therapist, day):
    with pytest.raises(ValidationError) as info:
        apply(point, topic=f.topic("behaviour"), specialist=speech_therapist, starts_at=f.at(day, "10:00"))
    assert "slot" in info.value.message_dict


def test_consent_is_required(point):
    before = counts()
    with pytest.raises(ValidationError) as info:
        apply(point, consent_given=False)
    assert "consent" in info.value.message_dict
    assert counts() == before


def test_a_future_birth_date_is_refused_under_the_forms_field_name(point):
    with pytest.raises(ValidationError) as info:
        apply(
            point, child_full_name="Әбенов Нұрсұлтан", child_birth_date=timezone.localdate() + dt.timedelta(days=1), child_sex="m"
        )
    assert "child_birth_date" in info.value.message_dict
    assert Parent.objects.count() == 0


def test_a_closed_point_takes_nothing(point):
    point.is_open = False
    point.save()
    with pytest.raises(ValidationError):
        apply(point)
    assert Request.objects.count() == 0


def test_five_applications_an_hour_from_one_address(point):
    for i in range(5):
        apply(point, phone=f"+7701000000{i}")
    before = counts()
    with pytest.raises(TooManyApplications):
        apply(point, phone="+77010000009")
    assert counts() == before
    apply(point, phone="+77010000009", client_address="10.0.0.2")  # another address is not affected


def test_three_applications_an_hour_for_one_phone(point):
    for i in range(3):
        apply(point, client_address=f"10.0.0.{i}")
    with pytest.raises(TooManyApplications):
        apply(point, client_address="10.0.0.9")
    assert Request.objects.count() == 3


def test_attempts_older_than_an_hour_do_not_count_and_old_ones_are_swept(point):
    for i in range(3):
        apply(point, client_address=f"10.0.0.{i}")
    ApplicationAttempt.objects.update(attempted_at=timezone.now() - dt.timedelta(hours=2))
    apply(point, client_address="10.0.0.9")
    ApplicationAttempt.objects.filter(kind="phone").update(attempted_at=timezone.now() - dt.timedelta(days=2))
    apply(point, client_address="10.0.0.8")
    assert ApplicationAttempt.objects.filter(attempted_at__lt=timezone.now() - dt.timedelta(days=1)).count() == 0


def test_attempts_keep_hashes_only(point):
    apply(point, phone="8 701 555 12 34", client_address="192.0.2.10")
    stored = " ".join(ApplicationAttempt.objects.values_list("key_hash", flat=True))
    assert "7015551234" not in stored
    assert "192.0.2.10" not in stored
    assert all(len(h) == 64 for h in ApplicationAttempt.objects.values_list("key_hash", flat=True))


def test_a_phone_holds_at_most_the_configured_future_bookings(point, psychologist, day, settings):
    settings.QAMQOR_MAX_FUTURE_BOOKINGS_PER_PHONE = 2
    for hhmm in ("09:00", "09:30"):
        apply(point, specialist=psychologist, starts_at=f.at(day, hhmm), client_address=hhmm)
    before = counts()
    with pytest.raises(ValidationError) as info:
        apply(point, specialist=psychologist, starts_at=f.at(day, "10:00"), client_address="x")
    assert info.value.code == "too_many_bookings"
    assert counts() == before
    # Without a time the parent can still apply.
    assert apply(point, client_address="y").appointment is None
