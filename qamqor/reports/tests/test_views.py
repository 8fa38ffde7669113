"""The pages: who sees them, what they show, and that their query counts do not grow."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qamqor.core.testing import factories as f
from qamqor.reports.figures import figures_refresh
from qamqor.reports.tests import fixture
from qamqor.reports.tests.fixture import END, START

PERIOD = {"start": START.isoformat(), "end": END.isoformat()}


@pytest.fixture
def world(db):
    w = fixture.build()
    figures_refresh()
    return w


def _manager_of(org, role="methodist"):
    return f.staff(org, role).user


def _queries(client, url, data=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, data or {})
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


# --- The managers' dashboard


def test_a_manager_sees_the_dashboard_of_their_organisation(client, world):
    client.force_login(_manager_of(world.a))
    response = client.get(reverse("reports:dashboard"), PERIOD)
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures.requests == 4 and figures.feedback_average == 4.5
    html = response.content.decode()
    assert "<svg" in html and 'id="requests">4<' in html


@pytest.mark.parametrize("role", ["psychologist", "speech_therapist"])
def test_the_dashboard_is_404_for_staff_who_do_not_manage(client, world, role):
    client.force_login(f.staff(world.a, role).user)
    assert client.get(reverse("reports:dashboard")).status_code == 404


def test_the_dashboard_is_404_for_an_officer(client, world):
    client.force_login(world.region_officer.user)
    assert client.get(reverse("reports:dashboard")).status_code == 404


def test_bad_dates_get_a_message_and_the_default_period(client, world):
    client.force_login(_manager_of(world.a))
    response = client.get(reverse("reports:dashboard"), {"start": "2026-01-10", "end": "2025-01-01"})
    assert response.status_code == 400
    assert response.context["form"].errors


def test_the_dashboards_queries_do_not_grow_with_rows(client, world):
    client.force_login(_manager_of(world.a))
    url = reverse("reports:dashboard")
    before = _queries(client, url, PERIOD)
    more = fixture._Numbers(world.a)
    more.n = 100
    for day in ("2025-09-20", "2025-11-20", "2026-02-02"):
        r = more.request(fixture.at(day), channel="email", status="done")
        fixture.appointment(world.a, r, fixture.at(day, "15:00"), "done")
        fixture.feedback(r, 2, fixture.at(day, "16:00"))
    assert _queries(client, url, PERIOD) == before


# --- Officers


def test_a_district_officer_sees_their_district_without_personal_data(client, world):
    client.force_login(world.district_officer.user)
    response = client.get(reverse("reports:district", args=[world.d1.pk]), PERIOD)
    assert response.status_code == 200
    assert response.context["figures"].requests == 4
    html = response.content.decode()
    assert "A" in [org.name for org, _f, _s in response.context["rows"]]
    from qamqor.families.models import Parent

    for name in Parent.objects.values_list("full_name", flat=True):
        assert name not in html


def test_small_sensitive_counts_show_as_fewer_than_five_to_officers(client, world):
    client.force_login(world.region_officer.user)
    response = client.get(reverse("reports:region", args=[world.region.pk]), PERIOD)
    safety = response.context["safety"]
    assert str(safety["offences"]) == str(fixture_fewer())  # 3
    assert safety["bullying"] == 6 and safety["suicide"] == 0
    rows = {org.name: s for org, _f, s in response.context["rows"]}
    assert str(rows["A"]["offences"]) == str(fixture_fewer())


def fixture_fewer():
    from qamqor.social.suppression import FEWER_THAN_FIVE

    return FEWER_THAN_FIVE


def test_the_head_sees_exact_safety_counts_on_the_dashboard(client, world):
    client.force_login(_manager_of(world.a, "head"))
    response = client.get(reverse("reports:dashboard"), PERIOD)
    assert response.context["figures"].offences == 3


def test_a_region_officer_sees_their_region_and_its_districts(client, world):
    client.force_login(world.region_officer.user)
    assert client.get(reverse("reports:region", args=[world.region.pk])).status_code == 200
    assert client.get(reverse("reports:district", args=[world.d2.pk])).status_code == 200


def test_an_officer_of_another_region_gets_404(client, world):
    client.force_login(world.other_region_officer.user)
    for url in (
        reverse("reports:region", args=[world.region.pk]),
        reverse("reports:district", args=[world.d1.pk]),
        reverse("reports:export_region", args=[world.region.pk]),
        reverse("reports:export_district", args=[world.d1.pk]),
        reverse("reports:dashboard"),
        reverse("reports:safety"),
    ):
        assert client.get(url).status_code == 404, url


def test_a_district_officer_gets_404_for_another_district_and_the_region(client, world):
    client.force_login(world.district_officer.user)
    assert client.get(reverse("reports:district", args=[world.d2.pk])).status_code == 404
    assert client.get(reverse("reports:region", args=[world.region.pk])).status_code == 404


def test_staff_are_refused_the_officers_pages(client, world):
    client.force_login(_manager_of(world.a))
    assert client.get(reverse("reports:district", args=[world.d1.pk])).status_code == 403


def test_the_comparison_table_sorts(client, world):
    client.force_login(world.region_officer.user)
    url = reverse("reports:region", args=[world.region.pk])
    by_requests = client.get(url, {**PERIOD, "sort": "requests"}).context["rows"]
    assert [org.name for org, _f, _s in by_requests][:2] == ["A", "C"]
    by_name = client.get(url, {**PERIOD, "sort": "name"}).context["rows"]
    assert [org.name for org, _f, _s in by_name] == sorted(org.name for org, _f, _s in by_name)


def test_the_region_pages_queries_do_not_grow_with_organisations(client, world):
    client.force_login(world.region_officer.user)
    url = reverse("reports:region", args=[world.region.pk])
    before = _queries(client, url, PERIOD)
    for _ in range(5):
        org = f.OrganizationFactory(district=world.d2)
        fixture._Numbers(org).request(fixture.at("2025-12-01"), channel="phone", status="new")
    figures_refresh()
    assert _queries(client, url, PERIOD) == before


def test_the_region_page_says_how_fresh_the_figures_are(client, world):
    from qamqor.reports.figures import figures_mark_fresh

    figures_mark_fresh()
    client.force_login(world.region_officer.user)
    response = client.get(reverse("reports:region", args=[world.region.pk]))
    assert response.context["as_of"] is not None


def test_the_national_summary_is_the_administrators(client, world):
    client.force_login(world.region_officer.user)
    assert client.get(reverse("reports:national")).status_code == 403
    client.force_login(f.UserFactory(is_superuser=True, is_staff=True))
    response = client.get(reverse("reports:national"), PERIOD)
    assert response.context["figures"].requests == 8


# --- Exports


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_an_area_exports_as_xlsx_with_the_same_numbers(client, world, language):
    from openpyxl import load_workbook

    client.force_login(world.region_officer.user)
    response = client.get(
        reverse("reports:export_district", args=[world.d1.pk]), {**PERIOD, "format": "xlsx", "language": language}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert [getattr(world.d1, f"name_{language}")] == values[0][:1]  # the area named in the language
    from django.utils import translation

    with translation.override(language):
        fewer = str(fixture_fewer())
    # the comparison table: A's counts, then its safety counts suppressed (3 offences, none else)
    assert ["A", 4, 2, 1, 2, 1, 4.5, 100.0, fewer, 0, 0] in values
    assert ["B", 0, 0, 0, 0, 0, "—", "—", "—", "—", "—"] in values  # no activity, nothing recorded
    assert [_label(language, "Offences"), fewer] in [row[:2] for row in values]  # A has 3 offences


def _label(language: str, text: str) -> str:
    from django.utils import translation

    with translation.override(language):
        return translation.gettext(text)


def test_an_organisation_exports_as_pdf(client, world):
    client.force_login(_manager_of(world.a, "head"))
    response = client.get(reverse("reports:export_organization"), {**PERIOD, "format": "pdf", "language": "ru"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_an_unknown_format_is_404(client, world):
    client.force_login(_manager_of(world.a))
    assert client.get(reverse("reports:export_organization"), {"format": "doc"}).status_code == 404


def test_the_area_exports_queries_do_not_grow_with_organisations(client, world):
    client.force_login(world.region_officer.user)
    url = reverse("reports:export_region", args=[world.region.pk])
    data = {**PERIOD, "format": "xlsx", "language": "kk"}
    before = _queries(client, url, data)
    for _ in range(4):
        f.OrganizationFactory(district=world.d1)
    assert _queries(client, url, data) == before


def test_the_officer_menu_links_to_the_area_dashboards(client, world):
    client.force_login(world.region_officer.user)
    html = client.get(reverse("reports:overview")).content.decode()
    assert reverse("reports:region", args=[world.region.pk]) in html


def test_an_officer_gets_404_for_the_organisation_pages_of_their_own_region(client, world):
    from qamqor.reports.models import Survey

    survey = Survey.objects.create(organization=world.a, title="s", audience="parents")
    client.force_login(world.region_officer.user)
    for url in (
        reverse("reports:dashboard"),
        reverse("reports:export_organization"),
        reverse("reports:safety"),
        reverse("reports:surveys"),
        reverse("reports:survey", args=[survey.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_a_region_exports_as_pdf_in_kazakh(client, world):
    client.force_login(world.region_officer.user)
    response = client.get(reverse("reports:export_region", args=[world.region.pk]), {**PERIOD, "format": "pdf", "language": "kk"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].endswith('-kk.pdf"')
