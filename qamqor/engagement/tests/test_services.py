"""Events, sign-ups, the waiting list and attendance: the rules of engagement/services.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qamqor.core.testing import factories as f
from qamqor.engagement import services
from qamqor.engagement.models import Event, Registration
from qamqor.engagement.tests.factories import event

pytestmark = pytest.mark.django_db


def sign_up(e: Event, n: int, **kw) -> Registration:
    """A parent's sign-up on the site, each from a device of their own unless told."""
    kw.setdefault("client_address", f"10.1.{n // 250}.{n % 250}")
    return services.registration_create(event=e, full_name=f"Ата-ана {n}", phone=f"+7701555{n:04d}", **kw)


def statuses(e: Event) -> list[tuple[str, str]]:
    return list(e.registrations.order_by("registered_at", "pk").values_list("full_name", "status"))


# --- events


def test_an_online_event_needs_a_link(kindergarten):
    with pytest.raises(ValidationError) as caught:
        event(kindergarten, is_online=True, place="")
    assert "meeting_url" in caught.value.message_dict
    assert not Event.objects.exists()


def test_an_event_needs_a_title_in_kazakh_or_russian_and_a_place(kindergarten):
    with pytest.raises(ValidationError) as caught:
        event(kindergarten, title_kk="", place="")
    assert {"title_kk", "place"} <= set(caught.value.message_dict)
    made = event(kindergarten, title_kk="", title_ru="Родительское собрание")
    assert made.title_ru == "Родительское собрание"


def test_an_event_is_not_planned_in_the_past_nor_ending_before_it_starts(kindergarten):
    with pytest.raises(ValidationError) as caught:
        event(kindergarten, days=-1)
    assert caught.value.error_dict["starts_at"][0].code == "past"
    with pytest.raises(ValidationError) as caught:
        event(kindergarten, hours=-1)
    assert "ends_at" in caught.value.message_dict


def test_a_parent_organised_event_names_its_parents_of_the_same_organisation(kindergarten, other_kindergarten):
    with pytest.raises(ValidationError) as caught:
        event(kindergarten, organizer=Event.Organizer.PARENTS)
    assert caught.value.error_dict["parent_organizers"][0].code == "no_parent_organizers"
    stranger = f.ParentFactory(organization=other_kindergarten)
    with pytest.raises(ValidationError):
        event(kindergarten, organizer=Event.Organizer.PARENTS, parent_organizers=[stranger])
    assert not Event.objects.exists()
    mother = f.ParentFactory(organization=kindergarten)
    made = event(kindergarten, organizer=Event.Organizer.PARENTS, parent_organizers=[mother])
    assert list(made.parent_organizers.all()) == [mother]


def test_places_cannot_be_made_fewer_than_the_families_registered(kindergarten):
    e = event(kindergarten, capacity=3)
    for n in range(3):
        sign_up(e, n)
    with pytest.raises(ValidationError) as caught:
        services.event_update(event=e, capacity=2)
    assert caught.value.error_dict["capacity"][0].code == "capacity_below_registered"
    e.refresh_from_db()
    assert e.capacity == 3


def test_more_places_move_the_waiting_list_up(kindergarten):
    e = event(kindergarten, capacity=1)
    sign_up(e, 1), sign_up(e, 2), sign_up(e, 3)
    services.event_update(event=e, capacity=2)
    assert [s for _, s in statuses(e)] == ["registered", "registered", "waiting"]


# --- sign-ups and the waiting list


def test_sign_ups_fill_the_places_then_wait_in_order(kindergarten):
    e = event(kindergarten, capacity=2)
    results = [sign_up(e, n) for n in range(5)]
    assert [r.status for r in results] == ["registered", "registered", "waiting", "waiting", "waiting"]
    assert [r.pk for r in e.registrations.waiting_in_order()] == [r.pk for r in results[2:]]


def test_no_capacity_means_no_limit(kindergarten):
    e = event(kindergarten, capacity=None)
    assert {sign_up(e, n).status for n in range(20)} == {"registered"}


def test_a_cancellation_gives_the_place_to_the_first_waiting(kindergarten):
    e = event(kindergarten, capacity=2)
    first, _second, third, fourth = (sign_up(e, n) for n in range(4))
    cancelled = services.registration_cancel(registration=first)
    assert [r.pk for r in cancelled.promoted] == [third.pk]
    third.refresh_from_db(), fourth.refresh_from_db()
    assert (third.status, fourth.status) == ("registered", "waiting")
    assert e.registrations.holding_places().count() == 2


def test_leaving_the_waiting_list_promotes_nobody(kindergarten):
    e = event(kindergarten, capacity=1)
    sign_up(e, 1)
    waiting = sign_up(e, 2)
    last = sign_up(e, 3)
    assert services.registration_cancel(registration=waiting).promoted == []
    last.refresh_from_db()
    assert last.status == "waiting"


def test_the_same_phone_twice_is_refused_clearly(kindergarten):
    e = event(kindergarten, capacity=5)
    sign_up(e, 1)
    with pytest.raises(ValidationError) as caught:
        services.registration_create(event=e, full_name="Басқа адам", phone="8 701 555 0001")
    assert caught.value.error_dict["phone"][0].code == "already_registered"
    assert e.registrations.count() == 1


def test_after_cancelling_the_same_phone_may_sign_up_again(kindergarten):
    e = event(kindergarten, capacity=5)
    services.registration_cancel(registration=sign_up(e, 1))
    assert sign_up(e, 1).status == "registered"


@pytest.mark.parametrize("how", ["past", "cancelled", "held", "full"])
def test_a_sign_up_that_cannot_be_taken_is_refused_and_changes_nothing(kindergarten, how):
    e = event(kindergarten, capacity=1, waiting_list=how != "full")
    sign_up(e, 1)
    if how == "past":
        Event.objects.filter(pk=e.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=1))
    elif how == "cancelled":
        services.event_cancel(event=e)
    elif how == "held":
        Event.objects.filter(pk=e.pk).update(status=Event.Status.HELD)
    with pytest.raises(services.SignUpRefused) as caught:
        sign_up(e, 2)
    assert caught.value.code == how.replace("held", "past")
    assert e.registrations.count() == 1


def test_a_sign_up_is_linked_to_the_parent_with_that_phone(kindergarten, parent, other_kindergarten):
    e = event(kindergarten)
    r = services.registration_create(event=e, full_name="Динара", phone="8 (701) 123-45-67")
    assert r.parent == parent and r.phone == "+77011234567"
    # A parent of another organisation with the same number is not this organisation's family.
    elsewhere = event(other_kindergarten)
    assert services.registration_create(event=elsewhere, full_name="Динара", phone="+77011234567").parent is None


def test_a_bad_phone_is_refused_at_its_field(kindergarten):
    e = event(kindergarten)
    with pytest.raises(ValidationError) as caught:
        services.registration_create(event=e, full_name="Динара", phone="12")
    assert "phone" in caught.value.message_dict
    assert not e.registrations.exists()


def test_the_site_limits_sign_ups_per_device(kindergarten):
    e = event(kindergarten)
    for n in range(services.SIGNUPS_PER_ADDRESS):
        sign_up(e, n, client_address="10.0.0.1")
    with pytest.raises(ValidationError) as caught:
        sign_up(e, 99, client_address="10.0.0.1")
    assert caught.value.code == "too_many_signups"
    sign_up(e, 99, client_address="10.0.0.2")


def test_a_registration_cannot_be_cancelled_after_the_start(kindergarten):
    e = event(kindergarten)
    r = sign_up(e, 1)
    Event.objects.filter(pk=e.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(ValidationError):
        services.registration_cancel(registration=r)
    r.refresh_from_db()
    assert r.status == "registered"


# --- attendance


def test_attendance_is_marked_and_unmarked(kindergarten):
    e = event(kindergarten, capacity=1)
    r, waiting = sign_up(e, 1), sign_up(e, 2)
    assert services.registration_set_attended(registration=r, attended=True).attended
    # Someone from the waiting list who came anyway is marked too.
    assert services.registration_set_attended(registration=waiting, attended=True).attended
    assert not services.registration_set_attended(registration=r, attended=False).attended


def test_a_cancelled_registration_is_not_marked(kindergarten):
    e = event(kindergarten)
    r = sign_up(e, 1)
    services.registration_cancel(registration=r)
    with pytest.raises(ValidationError):
        services.registration_set_attended(registration=r, attended=True)


def test_a_walk_in_is_present_and_takes_no_booked_place(kindergarten, methodist):
    e = event(kindergarten, capacity=1)
    sign_up(e, 1)
    walk_in = services.registration_walk_in(event=e, full_name="Келген әке", by=methodist.user)
    assert (walk_in.status, walk_in.attended) == ("walk_in", True)
    assert e.registrations.holding_places().count() == 1
    with pytest.raises(ValidationError) as caught:
        services.registration_walk_in(event=e, full_name="Ата-ана 1", phone="+77015550001", by=methodist.user)
    assert caught.value.error_dict["phone"][0].code == "already_registered"


def test_an_event_is_marked_held_only_once_started_and_not_when_cancelled(kindergarten):
    e = event(kindergarten)
    with pytest.raises(ValidationError):
        services.event_mark_held(event=e)
    Event.objects.filter(pk=e.pk).update(starts_at=timezone.now() - dt.timedelta(hours=1))
    assert services.event_mark_held(event=e).status == "held"
    with pytest.raises(ValidationError):
        services.event_cancel(event=e)
