"""Factories for tests and benchmarks: real rows through the real services where it matters."""

from __future__ import annotations

import datetime as dt

import factory

from qamqor.core.models import User
from qamqor.families.models import Child, Consent, Parent
from qamqor.journal.models import Topic
from qamqor.orgs.models import ConsultationPoint, District, Membership, Organization, Region, Room
from qamqor.scheduling.models import WorkingHours


def region(kato: str = "750000000") -> Region:
    return Region.objects.get(kato=kato)


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    region = factory.LazyFunction(region)
    kato = factory.Sequence(lambda n: f"75{n:07d}")
    name = factory.Sequence(lambda n: f"Аудан {n}")
    name_kk = factory.SelfAttribute("name")
    name_ru = factory.Sequence(lambda n: f"Район {n}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"№{n} «Балбөбек» бөбекжай-бақшасы")
    name_kk = factory.SelfAttribute("name")
    name_ru = factory.Sequence(lambda n: f"Ясли-сад №{n} «Балбобек»")
    kind = Organization.Kind.KINDERGARTEN


class ConsultationPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsultationPoint

    organization = factory.SubFactory(OrganizationFactory)
    phone = "+77172123456"
    slot_minutes = 30


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"{100 + n} кабинет")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Серікова Айгүл Маратқызы {n}")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = "psychologist"


def staff(organization: Organization, role: str, *, full_name: str | None = None, username: str | None = None) -> Membership:
    """A person holding `role` in `organization`."""
    kwargs = {}
    if full_name:
        kwargs["full_name"] = full_name
    if username:
        kwargs["username"] = username
    return MembershipFactory(organization=organization, role=role, user=UserFactory(**kwargs))


def weekly_hours(
    membership: Membership,
    *,
    room: Room | None = None,
    start: str = "09:00",
    end: str = "13:00",
    weekdays: range = range(5),
    kind: str = "consultation",
) -> list[WorkingHours]:
    starts, ends = dt.time.fromisoformat(start), dt.time.fromisoformat(end)
    return [
        WorkingHours.objects.create(membership=membership, weekday=d, starts=starts, ends=ends, room=room, kind=kind)
        for d in weekdays
    ]


class ParentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Parent
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    full_name = factory.Sequence(lambda n: f"Нұрланова Динара Серікқызы {n}")
    phone = factory.Sequence(lambda n: f"+7701{n % 10000000:07d}")
    language = "kk"

    @factory.post_generation
    def consents(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            Consent.objects.create(parent=obj, scope=Consent.Scope.PARENT, method=Consent.Method.PAPER)
            Consent.objects.create(parent=obj, scope=Consent.Scope.CHILD, method=Consent.Method.PAPER)


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    parent = factory.SubFactory(ParentFactory)
    organization = factory.SelfAttribute("parent.organization")
    full_name = factory.Sequence(lambda n: f"Нұрланов Әли {n}")
    birth_date = dt.date(2022, 3, 14)
    sex = "m"


def topic(code: str = "speech") -> Topic:
    return Topic.objects.get(code=code)


def next_working_monday(after_days: int = 7) -> dt.date:
    """A Monday at least `after_days` ahead that is not a public holiday."""
    from django.utils import timezone

    from qamqor.scheduling.calendar import public_holidays

    day = timezone.localdate() + dt.timedelta(days=after_days)
    while day.weekday() != 0 or day in public_holidays(day.year):
        day += dt.timedelta(days=1)
    return day


def at(day: dt.date, hhmm: str) -> dt.datetime:
    """An aware datetime in Asia/Almaty."""
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time.fromisoformat(hhmm)))
