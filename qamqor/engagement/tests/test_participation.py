"""The participation figures (seed 003, criteria 2 and 3) against values computed by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from qamqor.core.testing import factories as f
from qamqor.engagement import services
from qamqor.engagement.models import Event
from qamqor.engagement.selectors import participation
from qamqor.engagement.tests.factories import event, held_in_past

pytestmark = pytest.mark.django_db

SEPTEMBER = (dt.date(2025, 9, 1), dt.date(2025, 9, 30))


def at(day: dt.date, hour: int = 18) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def world(kindergarten, other_kindergarten):
    """Parents A (two children), B, C and F (one child each) are the organisation's families; D
    has no child here and E is another organisation's. Events in September and one in October.

    Hand count for September 2025:
    - families: A, B, C, F = 4;
    - took part (came to an event that started in September): A (the meeting) and B (the quest)
      = 2; C signed up for the meeting but did not come; D came but is no family here;
      2 / 4 = 50.0 %;
    - children: A 2 + B 1 + C 1 + F 1 = 5 (E's child is another organisation's);
    - parent-organised events held in September: the quest = 1 (the family club was cancelled,
      the joint theatre is in October); 1 per 5 children = 20.0 per 100."""
    a = f.ParentFactory(organization=kindergarten, phone="+77010000001")
    b = f.ParentFactory(organization=kindergarten, phone="+77010000002")
    c = f.ParentFactory(organization=kindergarten, phone="+77010000003")
    d = f.ParentFactory(organization=kindergarten, phone="+77010000004")
    family_f = f.ParentFactory(organization=kindergarten, phone="+77010000006")
    e = f.ParentFactory(organization=other_kindergarten, phone="+77010000005")
    for p in (a, a, b, c, family_f):
        f.ChildFactory(parent=p)
    f.ChildFactory(parent=e)

    meeting = event(kindergarten, capacity=10)
    quest = event(kindergarten, kind=Event.Kind.QUEST, organizer=Event.Organizer.PARENTS, parent_organizers=[b])
    club = event(kindergarten, kind=Event.Kind.FAMILY_CLUB, organizer=Event.Organizer.PARENTS, parent_organizers=[a])
    theatre = event(kindergarten, kind=Event.Kind.JOINT_THEATRE, organizer=Event.Organizer.PARENTS, parent_organizers=[c])
    elsewhere = event(other_kindergarten)

    def came(ev, parent, attended=True):
        r = services.registration_create(event=ev, full_name=parent.full_name, phone=parent.phone, client_address=parent.phone)
        if attended:
            services.registration_set_attended(registration=r, attended=True)

    came(meeting, a), came(meeting, c, attended=False), came(meeting, d)
    came(quest, b)
    came(theatre, c)  # in October
    came(elsewhere, e)
    services.event_cancel(event=club)
    for ev, day in ((meeting, dt.date(2025, 9, 10)), (quest, dt.date(2025, 9, 30)), (theatre, dt.date(2025, 10, 1))):
        Event.objects.filter(pk=ev.pk).update(starts_at=at(day), ends_at=at(day, 20), status=Event.Status.HELD)
    Event.objects.filter(pk=club.pk).update(starts_at=at(dt.date(2025, 9, 20)), ends_at=at(dt.date(2025, 9, 20), 20))
    return kindergarten


def test_figures_for_a_month_match_the_hand_count(world, django_assert_num_queries):
    # 1 families and those who took part, 2 children, 3 parent-organised events held.
    with django_assert_num_queries(3):
        figures = participation(organization_id=world.pk, start=SEPTEMBER[0], end=SEPTEMBER[1])
    assert (figures.families, figures.families_took_part, figures.children, figures.parent_events) == (4, 2, 5, 1)
    assert figures.share_took_part == Decimal("50.0")
    assert figures.parent_events_per_100_children == Decimal("20.0")


def test_the_last_local_day_of_the_period_is_included(world):
    # The quest starts at 18:00 in Almaty on 30 September: 13:00 UTC, inside the period.
    figures = participation(organization_id=world.pk, start=dt.date(2025, 9, 30), end=dt.date(2025, 9, 30))
    assert (figures.families_took_part, figures.parent_events) == (1, 1)
    october = participation(organization_id=world.pk, start=dt.date(2025, 10, 1), end=dt.date(2025, 10, 31))
    assert (october.families_took_part, october.parent_events) == (1, 1)  # C at the theatre


def test_an_empty_period_gives_zeros_not_errors(world):
    figures = participation(organization_id=world.pk, start=dt.date(2024, 1, 1), end=dt.date(2024, 1, 31))
    assert (figures.families, figures.families_took_part, figures.parent_events) == (4, 0, 0)
    assert figures.share_took_part == Decimal("0.0")
    assert figures.parent_events_per_100_children == Decimal("0.0")


def test_an_organisation_without_families_or_children_has_no_percentages(db):
    empty = f.ConsultationPointFactory().organization
    figures = participation(organization_id=empty.pk, start=None, end=None)
    assert figures.share_took_part is None and figures.parent_events_per_100_children is None


def test_held_in_past_helper_records_an_event_after_the_fact(kindergarten):
    made = held_in_past(kindergarten, on=at(dt.date(2025, 9, 5)))
    assert made.status == Event.Status.HELD
