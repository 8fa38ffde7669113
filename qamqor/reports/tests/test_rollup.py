"""Issue 7's bar: figures computed from the records equal hand-computed numbers, and a roll-up
equals the sum of its organisations' figures (an empty period and an organisation with no
activity included)."""

from __future__ import annotations

import datetime as dt

import pytest

from qamqor.orgs.models import Organization
from qamqor.reports.figures import Figures, figures_refresh, organization_figures, rollup
from qamqor.reports.models import OrganizationDayFigures, RegionDayFigures
from qamqor.reports.services import national_summary
from qamqor.reports.tests import fixture
from qamqor.reports.tests.fixture import END, START


@pytest.fixture
def world(db):
    w = fixture.build()
    figures_refresh()
    return w


def _check(figures: Figures, expected: dict) -> None:
    from qamqor.journal.models import Topic

    for name, value in expected.items():
        if name == "topics":  # written by code in the fixture, kept by id
            value = {str(Topic.objects.get(code=code).pk): n for code, n in value.items()}
        assert getattr(figures, name) == value, name


def test_an_organisations_figures_are_the_hand_computed_ones(world):
    _check(organization_figures(organization_id=world.a.pk, start=START, end=END), fixture.EXPECTED_A)


def test_an_organisation_with_no_activity_has_zeros(world):
    figures = organization_figures(organization_id=world.b.pk, start=START, end=END)
    assert figures.requests == 0 and figures.feedback_average is None and figures.months == {}
    assert figures.average_wait_days is None and figures.share_took_part is None


def test_district_and_region_rollups_are_the_hand_computed_ones(world):
    district = rollup(
        organizations=Organization.objects.filter(district=world.d1), area={"district_id": world.d1.pk}, start=START, end=END
    )
    _check(district.total, fixture.EXPECTED_D1)
    assert [org.name for org, _ in district.by_organization] == ["A", "B"]
    region = rollup(
        organizations=Organization.objects.filter(district__region=world.region),
        area={"region_id": world.region.pk},
        start=START,
        end=END,
    )
    _check(region.total, fixture.EXPECTED_REGION)
    assert world.x.pk not in {org.pk for org, _ in region.by_organization}


@pytest.mark.parametrize(
    "start,end",
    [
        (START, END),
        (dt.date(2025, 9, 1), dt.date(2025, 9, 30)),
        (dt.date(2025, 9, 12), dt.date(2025, 11, 3)),  # partial months at both edges, one whole between
        (dt.date(2025, 9, 16), dt.date(2025, 9, 20)),  # inside one month
        (dt.date(2024, 9, 1), dt.date(2025, 8, 1)),
    ],
    ids=["year", "september", "edges", "inside-a-month", "empty"],
)
def test_a_rollup_equals_the_sum_of_its_organisations(world, start, end):
    organizations = Organization.objects.filter(district__region=world.region)
    region = rollup(organizations=organizations, area={"region_id": world.region.pk}, start=start, end=end)
    summed = Figures()
    for org in organizations:
        summed.add(organization_figures(organization_id=org.pk, start=start, end=end))
    assert region.total.comparable() == summed.comparable()
    # and each row of the comparison table is that organisation's own figures
    for org, figures in region.by_organization:
        own = organization_figures(organization_id=org.pk, start=start, end=end).comparable()
        # the table has no months or breakdowns per organisation
        assert figures.comparable() == {**own, "months": {}, "topics": {}, "kinds": {}}


def test_the_empty_period_is_all_zeros(world):
    region = rollup(
        organizations=Organization.objects.filter(district__region=world.region),
        area={"region_id": world.region.pk},
        start=dt.date(2024, 9, 1),
        end=dt.date(2025, 8, 1),
    )
    assert region.total.requests == 0 and region.total.months == {} and region.total.feedback_average is None


def test_the_national_summary_sums_the_regions(world):
    summary = national_summary(start=START, end=END)
    by_region = {region.pk: figures for region, figures in summary.regions}
    assert by_region[world.region.pk].requests == 7
    assert by_region[world.other_region.pk].requests == 1
    assert summary.total.requests == 8
    assert summary.total.feedback_average == 4.0


def test_refreshing_twice_gives_the_same_rows(world):
    before = list(OrganizationDayFigures.objects.order_by("organization", "day").values())
    regions = list(RegionDayFigures.objects.order_by("region", "day").values_list("region", "day", "requests"))
    figures_refresh()
    after = list(OrganizationDayFigures.objects.order_by("organization", "day").values())
    strip = lambda rows: [{k: v for k, v in r.items() if k != "id"} for r in rows]  # noqa: E731
    assert strip(before) == strip(after)
    assert regions == list(RegionDayFigures.objects.order_by("region", "day").values_list("region", "day", "requests"))


def test_the_day_before_the_period_counts_on_its_own_local_day(world):
    """23:30 on 31 August, Astana time, is 18:30 UTC: it belongs to 31 August, not the period."""
    row = OrganizationDayFigures.objects.get(organization=world.a, day=dt.date(2025, 8, 31))
    assert row.requests == 1
