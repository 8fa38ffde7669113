"""Plans for tests and the project's access matrix (qamqor/core/tests/test_access_matrix.py)."""

from __future__ import annotations

import json
from pathlib import Path

from qamqor.core.academic_year import current_academic_year
from qamqor.plans import services
from qamqor.plans.models import Plan, PlanItem

SEED_004 = Path(__file__).parent / "fixtures" / "seed_004_plans.json"


def seed_004() -> list[dict]:
    return json.loads(SEED_004.read_text(encoding="utf-8"))["plans"]


def import_seed_004(organization, *, year: int | None = None) -> list[Plan]:
    """The four plan tables of seed 004 as plans of `organization` (the current academic year)."""
    plans = []
    for table in seed_004():
        plan = services.plan_create(
            organization=organization, academic_year=year or current_academic_year(), kind=table["kind"], title=table["title"]
        )
        services.plan_import_rows(plan=plan, rows=[row["item"] for row in table["rows"]])
        plans.append(plan)
    return plans


def plan(organization, *, year: int | None = None, items: int = 1, **kwargs) -> Plan:
    kind = kwargs.pop("kind", "centre_annual")
    made = services.plan_create(organization=organization, academic_year=year or current_academic_year(), kind=kind, **kwargs)
    for n in range(items):
        services.plan_item_create(plan=made, activity=f"Ата-аналарға кеңес беру {n + 1}", period=PlanItem.Period.ALL_YEAR)
    return made


def plan_pk(org) -> list:
    return [plan(org.point.organization).pk]


def item_pk(org) -> list:
    return [plan(org.point.organization).items.get().pk]
