"""Reads that span apps: the participation figures (seed 003, effectiveness criteria 2 and 3)
and the candidates for the year's awards (seed 003, encouragement of parents)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from qamqor.core.academic_year import academic_year_bounds
from qamqor.core.periods import within_days
from qamqor.engagement.models import Award, Event, Registration
from qamqor.families.models import Child, Parent


@dataclass(frozen=True)
class Participation:
    """An organisation's figures for a period of local days.

    Assumptions, said on the page too:
    - a family is a parent on the organisation's register with at least one child there;
      a family took part when someone registered under its phone number came to an event
      that started in the period;
    - children are the organisation's children on record now (the register has no history of
      who attended when);
    - a parent-organised event counts when it was held and started in the period."""

    families: int
    families_took_part: int
    children: int
    parent_events: int

    @property
    def share_took_part(self) -> Decimal | None:
        """Percent of families, one decimal; None without families (no 0 % that means nothing)."""
        if not self.families:
            return None
        return (Decimal(100 * self.families_took_part) / self.families).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def parent_events_per_100_children(self) -> Decimal | None:
        if not self.children:
            return None
        return (Decimal(100 * self.parent_events) / self.children).quantize(Decimal("0.1"), ROUND_HALF_UP)


def participation(*, organization_id: int, start: dt.date | None, end: dt.date | None) -> Participation:
    """Four counts in three queries, whatever the number of families and events."""
    events = within_days(Event.objects.filter(organization_id=organization_id), "starts_at", start, end)
    came = Registration.objects.filter(
        parent=OuterRef("pk"), attended=True, event__in=events.exclude(status=Event.Status.CANCELLED)
    )
    families = Parent.objects.filter(organization_id=organization_id).filter(Exists(Child.objects.filter(parent=OuterRef("pk"))))
    counts = families.aggregate(
        all=Count("pk"),
        took_part=Count("pk", filter=Exists(came)),
    )
    return Participation(
        families=counts["all"],
        families_took_part=counts["took_part"],
        children=Child.objects.filter(organization_id=organization_id).count(),
        parent_events=events.filter(status=Event.Status.HELD, organizer=Event.Organizer.PARENTS).count(),
    )


CANDIDATES_SHOWN = 100


def _per_parent(queryset: QuerySet, counted: str) -> Coalesce:
    """A correlated count per parent: one subquery per figure, so the two figures never multiply
    each other's rows (two joins under Count would) and the page costs the same queries for 2
    parents or 2,000."""
    grouped = queryset.order_by().values("parent").annotate(n=Count(counted, distinct=True)).values("n")
    return Coalesce(Subquery(grouped[:1]), 0, output_field=IntegerField())


def award_candidates(*, organization_id: int, academic_year: int) -> list[Parent]:
    """The organisation's parents ranked by their recorded participation in the academic year,
    each with `attended` (events they came to), `organised` (held events they organised) and
    `total`; only those with at least one. Two queries: the parents, and their awards of the year
    (`year_awards` on each).

    Ideas are left out: an idea carries the name its author chose to type, not a link to the
    register, so counting it for a parent would credit a namesake or miss the author."""
    start, end = academic_year_bounds(academic_year)
    events = within_days(Event.objects.filter(organization_id=organization_id), "starts_at", start, end)
    attended = Registration.objects.filter(
        parent=OuterRef("pk"), attended=True, event__in=events.exclude(status=Event.Status.CANCELLED)
    )
    organised = Event.parent_organizers.through.objects.filter(
        parent=OuterRef("pk"), event__in=events.filter(status=Event.Status.HELD, organizer=Event.Organizer.PARENTS)
    )
    parents = list(
        Parent.objects.filter(organization_id=organization_id, anonymised_at__isnull=True)
        .annotate(attended=_per_parent(attended, "event"), organised=_per_parent(organised, "event"))
        .annotate(total=F("attended") + F("organised"))
        .filter(total__gt=0)
        .order_by("-total", "-organised", "full_name", "pk")[:CANDIDATES_SHOWN]
    )
    by_parent: dict[int, list[Award]] = {}
    for award in Award.objects.in_force().filter(
        organization_id=organization_id, academic_year=academic_year, parent__in=[p.pk for p in parents]
    ):
        by_parent.setdefault(award.parent_id, []).append(award)
    for parent in parents:
        parent.year_awards = by_parent.get(parent.pk, [])
    return parents
