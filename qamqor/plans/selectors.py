"""Reads of plans that other apps use (the documentation set lists the perspective plan)."""

from __future__ import annotations

from django.db.models import QuerySet

from qamqor.plans.models import Plan


def plans_of(*, organization_id: int, academic_year: int) -> QuerySet[Plan]:
    """The organisation's plans of one academic year (the year it starts: 2026 for 2026–2027),
    in the order of their kinds. Not scoped: the caller has already checked the user's access."""
    return Plan.objects.filter(organization_id=organization_id, academic_year=academic_year).order_by("kind", "pk")
