"""The `demo` command: what `make run` loads on a fresh machine."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.utils import timezone

from qamqor.audit.models import DataRequest, RetentionRun
from qamqor.core.academic_year import academic_year_of
from qamqor.core.models import User
from qamqor.council.models import Decision, Meeting, Member
from qamqor.engagement.models import Event, Idea, Registration
from qamqor.families.models import Child, Consent, Contract, Parent
from qamqor.journal.models import Channel, Request, Status, StatusChange
from qamqor.orgs.models import ConsultationPoint, Membership, Organization, Room
from qamqor.orgs.roles import CONSULTING_ROLES
from qamqor.plans.models import Plan, PlanItem
from qamqor.reports.models import OrganizationDayFigures, SafetyRecord, Survey, SurveyResponse
from qamqor.scheduling.calendar import organization_overrides, working_weekday
from qamqor.scheduling.models import Appointment, AppointmentSpecialist, ClosedDay, WorkingHours
from qamqor.social.models import CategoryRecord, Enrolment, HousingAct, SupportMeasure
from qamqor.social.passport import inspections_due

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
    "social",
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
    Plan,
    PlanItem,
    Meeting,
    Decision,
    Contract,
    Enrolment,
    CategoryRecord,
    Survey,
]


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def demo(db, settings, tmp_path) -> str:
    settings.MEDIA_ROOT = tmp_path  # the contracts' documents and scans
    return run_demo()  # a few seconds: every test loads it once


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
    assert consulting.count() == 15  # with the social pedagogue
    assert not consulting.filter(working_hours__isnull=True).exists(), "every specialist has a schedule"
    assert ClosedDay.objects.count() == 2
    for name in ["methodist", "psychologist", "multi", "district", "region", "qamqor-demo-2026", "http://127.0.0.1:8000/"]:
        assert name in demo

    # The journal: every status and channel, numbers without gaps.
    for org in Organization.objects.all():
        requests = Request.objects.filter(organization=org)
        assert 30 <= requests.count() <= 40
        assert set(requests.values_list("status", flat=True)) == set(Status.values)
        # the journal's families, and two who signed up for a group session on the site (in «Думан»)
        assert 8 <= Parent.objects.filter(organization=org).count() <= 12
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


def test_demo_has_plans_centre_contracts_social_records_survey_and_figures(demo):
    today = timezone.localdate()
    duman = Organization.objects.get(name_ru__contains="Думан")
    # Plans: a perspective plan approved at the centre's first meeting, and a joint plan.
    perspective = Plan.objects.get(organization=duman, kind=Plan.Kind.PERSPECTIVE)
    assert perspective.approved_at_meeting.number == 1
    assert Plan.objects.filter(organization=duman, kind=Plan.Kind.JOINT_PSYCHOLOGIST).exists()
    items = PlanItem.objects.filter(plan__organization=duman)
    assert items.filter(status=PlanItem.Status.DONE).count() >= 2
    assert items.filter(status=PlanItem.Status.PLANNED, due_on__gte=today).exists()
    if today - dt.timedelta(days=10) >= dt.date(academic_year_of(today), 9, 1):  # not in the year's first days
        assert items.overdue(today).count() == 1
    # The parent support centre: members, two meetings held with minutes, one planned.
    assert Member.objects.filter(organization=duman, position=Member.Position.CHAIR).count() == 1
    held = Meeting.objects.filter(organization=duman, status=Meeting.Status.HELD)
    assert held.count() == 2
    assert all(m.present.exists() and m.agenda_items.exists() for m in held)
    assert Meeting.objects.filter(organization=duman, status=Meeting.Status.SCHEDULED, date__gt=today).count() == 1
    decisions = Decision.objects.filter(agenda_item__meeting__organization=duman)
    assert decisions.filter(status=Decision.Status.DONE).exists()
    assert decisions.filter(status=Decision.Status.OPEN, deadline__lt=today).exists()
    # Contracts: two signed with their scans, one drafted.
    contracts = Contract.objects.filter(organization=duman)
    assert sorted(contracts.values_list("status", flat=True)) == ["drafted", "signed", "signed"]
    assert all(c.document for c in contracts) and all(c.scan for c in contracts.filter(status="signed"))
    assert not contracts.filter(signed_on__gt=today).exists()
    # The social service: its pedagogue, groups with every child, categories, an act, an overdue visit.
    assert Membership.objects.get(user__username="social").role == "social_pedagogue"
    assert Enrolment.objects.filter(school_class__organization=duman).count() == 12, "every child of the journal's families"
    assert CategoryRecord.objects.filter(organization=duman).count() >= 5
    assert HousingAct.objects.filter(organization=duman).count() == 1
    assert SupportMeasure.objects.filter(organization=duman).exists()
    due = inspections_due(organization=duman, today=today)
    assert [d.overdue for d in due].count(True) == 1
    # Reports: a survey with answers, the safety indicator, the day figures built.
    assert SurveyResponse.objects.filter(survey__organization=duman).count() == 5
    assert SafetyRecord.objects.count() == 2
    assert OrganizationDayFigures.objects.filter(organization=duman).exists()
    # A group session open to sign-up on the public site, with families signed up there.
    session = Appointment.objects.get(organization=duman, public_sign_up=True)
    assert session.starts_at > timezone.now() and session.participants.count() >= 2


def test_demo_twice_changes_nothing(demo):
    before = counts()
    again = run_demo()
    assert counts() == before
    assert "already loaded" in again
    assert "methodist" in again and "qamqor-demo-2026" in again
