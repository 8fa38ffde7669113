"""A small world with hand-computed figures (issue 7's bar), for the academic year 2025–2026.

Region R (Almaty, the factories' region), district D1 with organisations A (activity) and B
(none at all), district D2 with organisation C; region R2 with organisation X, which no figure
of R may include. The numbers each test expects are written out in EXPECTED, counted by hand
from the records below, not computed by the code under test."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from qamqor.core.testing import factories as f
from qamqor.engagement.models import Event, Registration
from qamqor.engagement.tests.factories import held_in_past
from qamqor.journal.models import Request
from qamqor.orgs.models import District, Membership, Organization, Region
from qamqor.portal.models import Feedback
from qamqor.reports.models import SafetyRecord
from qamqor.scheduling.models import Appointment

YEAR = 2025
START, END = dt.date(2025, 9, 1), dt.date(2026, 8, 31)


def at(day: str, hhmm: str = "10:00") -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day} {hhmm}"))


@dataclass
class World:
    region: Region
    other_region: Region
    d1: District
    d2: District
    a: Organization
    b: Organization
    c: Organization
    x: Organization
    district_officer: Membership
    region_officer: Membership
    other_region_officer: Membership


class _Numbers:
    def __init__(self, org: Organization):
        self.org, self.n = org, 0
        self.parent = f.ParentFactory(organization=org)

    def request(self, when: dt.datetime, *, channel: str, status: str, by_phone: bool = False, topic: str = "speech") -> Request:
        self.n += 1
        return Request.objects.create(
            organization=self.org,
            academic_year=YEAR if when.date() >= START else YEAR - 1,
            number=self.n,
            received_at=when,
            channel=channel,
            parent=self.parent,
            topic=f.topic(topic),
            question="?",
            status=status,
            answered_by_phone=by_phone,
        )


def appointment(
    org: Organization, request: Request | None, when: dt.datetime, status: str, format: str = "individual_consultation"
) -> Appointment:
    return Appointment.objects.create(
        organization=org,
        request=request,
        starts_at=when,
        ends_at=when + dt.timedelta(minutes=30),
        status=status,
        format=format,
    )


def feedback(request: Request, rating: int, when: dt.datetime) -> Feedback:
    return Feedback.objects.create(request=request, organization=request.organization, rating=rating, given_at=when)


def build() -> World:
    region = f.region()
    other_region = Region.objects.exclude(pk=region.pk).order_by("kato").first()
    d1, d2 = f.DistrictFactory(region=region), f.DistrictFactory(region=region)
    a = f.OrganizationFactory(district=d1, name="A", name_kk="A", name_ru="A")
    b = f.OrganizationFactory(district=d1, name="B", name_kk="B", name_ru="B")
    c = f.OrganizationFactory(district=d2, name="C", name_kk="C", name_ru="C")
    x = f.OrganizationFactory(district=f.DistrictFactory(region=other_region), name="X", name_kk="X", name_ru="X")

    # --- A: four requests in the period, one the day before it starts
    na = _Numbers(a)
    r1 = na.request(at("2025-09-10"), channel="phone", status="done", by_phone=True)
    r2 = na.request(at("2025-09-15", "09:00"), channel="online", status="done")
    r3 = na.request(at("2025-10-01", "12:00"), channel="online", status="no_show", topic="behaviour")
    na.request(at("2025-10-20"), channel="written", status="new")
    na.request(at("2025-08-31", "23:30"), channel="phone", status="done", by_phone=True)  # before the period
    appointment(a, r2, at("2025-09-17", "09:00"), Appointment.Status.DONE)  # 48 hours after r2
    appointment(a, r3, at("2025-10-03"), Appointment.Status.NO_SHOW, format="online_consultation")
    appointment(a, None, at("2025-10-05"), Appointment.Status.CANCELLED, format="mini_group")  # not counted
    feedback(r2, 5, at("2025-09-18"))
    feedback(r1, 4, at("2025-09-11"))
    SafetyRecord.objects.create(organization=a, academic_year=YEAR, half=1, offences=2)
    SafetyRecord.objects.create(organization=a, academic_year=YEAR, half=2, offences=1)
    # one family on the register; it came to an event its parents organised in October
    f.ChildFactory(parent=na.parent)
    event = held_in_past(a, on=at("2025-10-10"), organizer=Event.Organizer.PARENTS, parent_organizers=[na.parent])
    Registration.objects.create(event=event, parent=na.parent, full_name="x", status=Registration.Status.values[0], attended=True)

    # --- C: two phone answers in November, one Telegram request in March
    nc = _Numbers(c)
    c1 = nc.request(at("2025-11-03"), channel="phone", status="done", by_phone=True)
    nc.request(at("2025-11-04"), channel="phone", status="done", by_phone=True)
    nc.request(at("2026-03-02"), channel="telegram", status="routed", topic="behaviour")
    appointment(c, None, at("2026-03-10"), Appointment.Status.BOOKED, format="mini_group")
    feedback(c1, 3, at("2025-11-05"))
    SafetyRecord.objects.create(organization=c, academic_year=YEAR, half=1, bullying=6)

    # --- X, in another region
    _Numbers(x).request(at("2025-09-20"), channel="phone", status="done", by_phone=True, topic="health")

    return World(
        region=region,
        other_region=other_region,
        d1=d1,
        d2=d2,
        a=a,
        b=b,
        c=c,
        x=x,
        district_officer=Membership.objects.create(user=f.UserFactory(), role="district_officer", district=d1),
        region_officer=Membership.objects.create(user=f.UserFactory(), role="region_officer", region=region),
        other_region_officer=Membership.objects.create(user=f.UserFactory(), role="region_officer", region=other_region),
    )


# Counted by hand from build().
EXPECTED_A = {
    "requests": 4,
    "status_done": 2,
    "answered_by_phone": 1,
    "channel_online": 2,
    "appointments": 2,
    "appointments_held": 1,
    "no_shows": 1,
    "feedback": 2,
    "feedback_average": 4.5,
    "average_wait_days": 2.0,
    "months": {dt.date(2025, 9, 1): 2, dt.date(2025, 10, 1): 2},
    "families": 1,
    "families_took_part": 1,
    "children": 1,
    "parent_events": 1,
    "offences": 3,
    # by topic code (the tests turn them into ids) and by kind of help
    "topics": {"speech": 3, "behaviour": 1},
    "kinds": {"individual_consultation": 1, "online_consultation": 1},
}
EXPECTED_D1 = EXPECTED_A  # B has no activity
EXPECTED_REGION = {
    "requests": 7,
    "status_done": 4,
    "answered_by_phone": 3,
    "feedback": 3,
    "feedback_average": 4.0,
    "months": {dt.date(2025, 9, 1): 2, dt.date(2025, 10, 1): 2, dt.date(2025, 11, 1): 2, dt.date(2026, 3, 1): 1},
    "offences": 3,
    "bullying": 6,
    "topics": {"speech": 5, "behaviour": 2},
    "kinds": {"individual_consultation": 1, "online_consultation": 1, "mini_group": 1},
}
