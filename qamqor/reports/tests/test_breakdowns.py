"""Wave 2 of issue 7: topics and kinds of help at district and region level (from the
pre-aggregated breakdowns), participation and safety in the national summary, and the
officers' ways in (menu -> their area in one click)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from qamqor.core.testing import factories as f
from qamqor.journal.models import Topic
from qamqor.orgs.models import Organization
from qamqor.reports.figures import figures_refresh, figures_refresh_changed, organization_figures, rollup
from qamqor.reports.models import OrganizationDayBreakdown, OrganizationMonthBreakdown
from qamqor.reports.services import national_summary
from qamqor.reports.tests import fixture
from qamqor.reports.tests.fixture import END, START
from qamqor.social.suppression import FEWER_THAN_FIVE

PERIOD = {"start": START.isoformat(), "end": END.isoformat()}


@pytest.fixture
def world(db):
    w = fixture.build()
    figures_refresh()
    return w


def _topic_name(code: str) -> str:
    return Topic.objects.get(code=code).name


def _region_rollup(world, start=START, end=END):
    return rollup(
        organizations=Organization.objects.filter(district__region=world.region),
        area={"region_id": world.region.pk},
        start=start,
        end=end,
    )


def test_the_breakdown_rows_are_the_records_counted(world):
    a_topics = dict(
        OrganizationMonthBreakdown.objects.filter(organization=world.a, dimension="topic", month__gte=START)
        .values_list("key")
        .order_by()
        .annotate(n=Sum("n"))
    )
    assert a_topics == {str(f.topic("speech").pk): 3, str(f.topic("behaviour").pk): 1}
    # the cancelled mini-group of A is not counted; C's booked one is
    assert not OrganizationDayBreakdown.objects.filter(organization=world.a, key="mini_group").exists()
    assert OrganizationDayBreakdown.objects.get(organization=world.c, key="mini_group").n == 1


def test_the_region_view_shows_topics_and_kinds_of_help(client, world):
    client.force_login(world.region_officer.user)
    response = client.get(reverse("reports:region", args=[world.region.pk]), PERIOD)
    topics = {bar.label: bar.value for bar in response.context["topics"]}
    assert topics == {_topic_name("speech"): 5, _topic_name("behaviour"): 2}
    kinds = {bar.label: bar.value for bar in response.context["kinds"]}
    assert sum(kinds.values()) == 3 and len(kinds) == 3


def test_the_district_view_shows_its_own_topics_only(client, world):
    client.force_login(world.district_officer.user)
    response = client.get(reverse("reports:district", args=[world.d1.pk]), PERIOD)
    topics = {bar.label: bar.value for bar in response.context["topics"]}
    assert topics == {_topic_name("speech"): 3, _topic_name("behaviour"): 1}  # A only; C is in D2


def test_the_area_views_queries_do_not_grow_with_organisations_or_topics(client, world):
    client.force_login(world.district_officer.user)
    url = reverse("reports:district", args=[world.d1.pk])
    with CaptureQueriesContext(connection) as before:
        client.get(url, PERIOD)
    for code in ("health", "music", "nutrition"):
        org = f.OrganizationFactory(district=world.d1)
        numbers = fixture._Numbers(org)
        r = numbers.request(fixture.at("2025-12-01"), channel="phone", status="new", topic=code)
        fixture.appointment(org, r, fixture.at("2025-12-03"), "booked", format="master_class")
    figures_refresh()
    with CaptureQueriesContext(connection) as after:
        response = client.get(url, PERIOD)
    assert len(after.captured_queries) == len(before.captured_queries)
    assert len(response.context["topics"]) == 5


def test_the_incremental_refresh_keeps_the_breakdowns_current(world):
    from django.utils import timezone

    from qamqor.reports.figures import figures_mark_fresh

    figures_mark_fresh(timezone.now() - dt.timedelta(seconds=1))
    numbers = fixture._Numbers(world.b)
    numbers.request(timezone.now(), channel="phone", status="new", topic="music")
    figures_refresh_changed()
    today = timezone.localdate()
    figures = _region_rollup(world, start=today, end=today).total
    assert figures.topics.get(str(f.topic("music").pk)) == 1


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_area_export_carries_topics_kinds_and_the_seed_003_summary(client, world, language):
    from openpyxl import load_workbook

    client.force_login(world.region_officer.user)
    response = client.get(
        reverse("reports:export_region", args=[world.region.pk]), {**PERIOD, "format": "xlsx", "language": language}
    )
    values = [[c.value for c in row] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()]
    with translation.override(language):
        speech = Topic.objects.get(code="speech").name
        expected_headings = [
            translation.gettext("Requests by topic"),
            translation.gettext("Appointments by kind of help"),
            translation.gettext("Effectiveness criteria (the «Үндестік» project)"),
            translation.gettext("Organisations compared"),
        ]
    firsts = [row[0] for row in values]
    for heading in expected_headings:
        assert heading in firsts, heading
    assert [speech, 5] in [row[:2] for row in values]


def test_the_district_export_as_pdf_in_russian(client, world):
    client.force_login(world.district_officer.user)
    response = client.get(reverse("reports:export_district", args=[world.d1.pk]), {**PERIOD, "format": "pdf", "language": "ru"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


# --- The national summary


def test_the_national_summary_has_participation_and_safety_per_region(world):
    summary = national_summary(start=START, end=END)
    by_region = {region.pk: figures for region, figures in summary.regions}
    region = _region_rollup(world).total
    mine = by_region[world.region.pk]
    for name in ("families", "families_took_part", "children", "parent_events", "offences", "bullying", "suicide"):
        assert getattr(mine, name) == getattr(region, name), name  # equal to the region's own view
    assert (mine.families_took_part, mine.families, mine.offences, mine.bullying) == (1, 1, 3, 6)
    assert by_region[world.other_region.pk].safety_recorded == 0
    assert summary.total.offences == 3 and summary.total.share_took_part == 100.0


def test_the_national_page_suppresses_small_safety_counts(client, world):
    client.force_login(f.UserFactory(is_superuser=True, is_staff=True))
    response = client.get(reverse("reports:national"), PERIOD)
    assert response.status_code == 200
    rows = {region.pk: safe for region, _f, safe in response.context["regions"]}
    assert rows[world.region.pk]["offences"] == FEWER_THAN_FIVE and rows[world.region.pk]["bullying"] == 6
    assert response.context["safety"]["offences"] == FEWER_THAN_FIVE
    html = response.content.decode()
    assert 'id="total-took-part">100' in html


def test_the_national_pages_queries_do_not_grow_with_organisations(client, world):
    client.force_login(f.UserFactory(is_superuser=True, is_staff=True))
    url = reverse("reports:national")
    with CaptureQueriesContext(connection) as before:
        client.get(url, PERIOD)
    for _ in range(4):
        org = f.OrganizationFactory(district=world.d2)
        f.ChildFactory(parent=f.ParentFactory(organization=org))
        from qamqor.reports.models import SafetyRecord

        SafetyRecord.objects.create(organization=org, academic_year=fixture.YEAR, half=1, suicide=1)
    with CaptureQueriesContext(connection) as after:
        response = client.get(url, PERIOD)
    assert len(after.captured_queries) == len(before.captured_queries)
    assert response.context["figures"].suicide == 4 and response.context["safety"]["suicide"] == FEWER_THAN_FIVE


# --- The officers' menu (item 4): "Figures" -> the overview -> their area, one click


@pytest.mark.parametrize("who", ["district_officer", "region_officer"])
def test_an_officer_reaches_their_area_in_one_click_from_the_menu(client, world, who):
    membership = getattr(world, who)
    client.force_login(membership.user)
    home = client.get(reverse("home"), follow=True)
    html = home.content.decode()
    assert reverse("reports:overview") in html  # the menu's "Figures"
    overview = client.get(reverse("reports:overview")).content.decode()
    target = (
        reverse("reports:district", args=[world.d1.pk])
        if who == "district_officer"
        else reverse("reports:region", args=[world.region.pk])
    )
    assert target in overview
    assert client.get(target).status_code == 200


def test_organisation_figures_and_breakdowns_agree(world):
    own = organization_figures(organization_id=world.c.pk, start=START, end=END)
    assert own.topics == {str(f.topic("speech").pk): 2, str(f.topic("behaviour").pk): 1}
    assert own.kinds == {"mini_group": 1}
