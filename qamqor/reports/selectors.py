"""Aggregate figures for district and region officers: counts only, never personal data."""

from __future__ import annotations

from django.db.models import Count, Q

from qamqor.core.scoping import Scope
from qamqor.journal.models import OPEN_STATUSES, Request, Status
from qamqor.orgs.models import Organization


def organizations_overseen(scope: Scope):
    """The organisations of the districts and regions the officer oversees."""
    return Organization.objects.filter(Q(district_id__in=scope.district_ids) | Q(district__region_id__in=scope.region_ids))


def request_counts_by_organization(scope: Scope, academic_year: int) -> list[dict]:
    """Per organisation: requests of the academic year, handled, open, answered by phone. One query."""
    counts = {
        row["organization_id"]: row
        for row in Request.objects.filter(organization__in=organizations_overseen(scope), academic_year=academic_year)
        .values("organization_id")
        .annotate(
            total=Count("id"),
            handled=Count("id", filter=Q(status=Status.DONE)),
            open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
            by_phone=Count("id", filter=Q(answered_by_phone=True)),
        )
    }
    empty = {"total": 0, "handled": 0, "open": 0, "by_phone": 0}
    return [
        {"organization": org, **{k: v for k, v in counts.get(org.pk, empty).items() if k != "organization_id"}}
        for org in organizations_overseen(scope).select_related("district").order_by("district__name", "name")
    ]
