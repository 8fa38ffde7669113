"""The `demo` command: what `make run` loads on a fresh machine."""

from __future__ import annotations

import io
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.utils import timezone

from qamqor.audit.models import DataRequest, RetentionRun
from qamqor.core.models import User
from qamqor.engagement.models import Event, Idea, Registration
from qamqor.families.models import Child, Consent, Parent
from qamqor.journal.models import Channel, Request, Status, StatusChange
from qamqor.orgs.models import ConsultationPoint, Membership, Organization, Room
from qamqor.orgs.roles import CONSULTING_ROLES
from qamqor.scheduling.calendar import organization_overrides, working_weekday
from qamqor.scheduling.models import Appointment, AppointmentSpecialist, ClosedDay, WorkingHours

USERNAMES = {
    "admin",
    "head",
    "methodist",
    "psychologist",
    "speech",
    "educator",
    "nurse",
    "music",
    "pe",
    "head2",
    "methodist2",
    "psychologist2",
    "speech2",
    "multi",
    "district",
    "region",
}
MODELS = [
    User,
    Membership,
    Organization,
    ConsultationPoint,
    Room,
    WorkingHours,
    ClosedDay,
    Parent,
    Child,
    Consent,
    Request,
    StatusChange,
    Appointment,
    AppointmentSpecialist,
    Event,
    Registration,
    Idea,
    DataRequest,
    RetentionRun,
]


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def demo(db) -> str:
    return run_demo()  # about 3 seconds: two tests, so two loads


def test_demo_loads_kindergartens_people_and_a_month_of_journal(demo):
    assert Organization.objects.filter(kind=Organization.Kind.KINDERGARTEN).count() == 2
    assert ConsultationPoint.objects.count() == 2
    assert USERNAMES <= set(User.objects.values_list("username", flat=True))
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="psychologist").check_password("qamqor-demo-2026")
    assert User.objects.get(username="multi").memberships.filter(role="psychologist").count() == 2
    assert Membership.objects.get(user__username="district").district is not None
    assert Membership.objects.get(user__username="region").region.kato == "710000000"
    consulting = Membership.objects.filter(role__in=CONSULTING_ROLES)
    assert consulting.count() == 14
    assert not consulting.filter(working_hours__isnull=True).exists(), "every specialist has a schedule"
    assert ClosedDay.objects.count() == 2
    for name in ["methodist", "psychologist", "multi", "district", "region", "qamqor-demo-2026", "http://127.0.0.1:8000/"]:
        assert name in demo

    # The journal: every status and channel, numbers without gaps.
    for org in Organization.objects.all():
        requests = Request.objects.filter(organization=org)
        assert 30 <= requests.count() <= 40
        assert set(requests.values_list("status", flat=True)) == set(Status.values)
        assert 8 <= Parent.objects.filter(organization=org).count() <= 10
    assert set(Request.objects.values_list("channel", flat=True)) == set(Channel.values)

    numbers = defaultdict(list)
    for org_id, year, number, received_at in Request.objects.order_by("number").values_list(
        "organization_id", "academic_year", "number", "received_at"
    ):
        numbers[(org_id, year)].append((number, received_at))
    for rows in numbers.values():
        assert [n for n, _ in rows] == list(range(1, len(rows) + 1)), "consecutive, no gaps"
        assert [r for _, r in rows] == sorted(r for _, r in rows), "numbered in the order received"

    answered = Request.objects.filter(answered_by_phone=True)
    assert answered.exists()
    assert all(r.call_minutes <= 15 and r.answer for r in answered)
    now = timezone.now()
    assert Request.objects.filter(status=Status.DONE, appointments__starts_at__lt=now).exists()
    assert Request.objects.filter(status=Status.SCHEDULED, appointments__starts_at__gt=now).exists()
    assert not Request.objects.filter(status=Status.DONE, recommendations="").exists()
    # The history was moved back to when it happened, never into the future.
    assert not StatusChange.objects.filter(changed_at__gt=now).exists()

    links = sorted(AppointmentSpecialist.objects.filter(is_active=True).values_list("person_id", "starts_at", "ends_at"))
    for (person, _, ends), (next_person, next_starts, _) in zip(links, links[1:]):
        assert person != next_person or next_starts >= ends, "nobody is booked twice at once"

    today = timezone.localdate()
    psychologist = Membership.objects.get(user__username="psychologist")
    weekday = working_weekday(today, organization_overrides(psychologist.organization_id, today, today))
    if psychologist.working_hours.filter(weekday=weekday).exists():  # not on a weekend or a holiday
        assert 2 <= Appointment.objects.active().for_specialist(psychologist).on_day(today).count() <= 4


def test_demo_has_events_with_a_waiting_list_attendance_and_ideas(demo):
    now = timezone.now()
    duman = Organization.objects.get(name_ru__contains="Думан")
    events = Event.objects.filter(organization=duman)
    assert set(events.values_list("kind", flat=True)) >= {"parent_meeting", "dialog_club", "open_day", "family_club"}
    assert all(e.title_kk and e.title_ru for e in events)
    upcoming = events.upcoming(now)
    assert upcoming.count() >= 3
    assert Registration.objects.filter(event__in=upcoming, status=Registration.Status.WAITING).exists()
    for event in events.with_counts():
        assert event.capacity is None or event.registered_count <= event.capacity, "places are never over-given"
    held = events.filter(status=Event.Status.HELD)
    assert held.filter(starts_at__lt=now, registrations__attended=True).exists()
    assert held.filter(organizer=Event.Organizer.PARENTS).exists()
    assert Registration.objects.filter(event__in=held, attended=True, parent__isnull=False).exists()
    assert not Registration.objects.filter(registered_at__gt=now).exists()
    ideas = Idea.objects.filter(organization=duman)
    assert set(ideas.values_list("status", flat=True)) == set(Idea.Status.values)
    assert not ideas.filter(submitted_at__gt=now).exists()


def test_demo_shows_data_requests_and_retention_runs(demo):
    now = timezone.now()
    assert DataRequest.objects.filter(kind=DataRequest.Kind.EXPORT, received_at__lt=now).count() == 3
    assert RetentionRun.objects.filter(dry_run=False, started_at__lt=now).count() == 6
    # a demo month is never old enough to anonymise anyone
    assert not Parent.objects.filter(anonymised_at__isnull=False).exists()


def test_demo_twice_changes_nothing(demo):
    before = counts()
    again = run_demo()
    assert counts() == before
    assert "already loaded" in again
    assert "methodist" in again and "qamqor-demo-2026" in again
