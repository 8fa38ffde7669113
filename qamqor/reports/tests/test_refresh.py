"""Pre-aggregation (item 3): the incremental refresh, the command and the background task."""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from qamqor.journal.models import StatusChange
from qamqor.reports.figures import figures_as_of, figures_refresh_changed
from qamqor.reports.models import OrganizationDayFigures, RegionDayFigures
from qamqor.reports.tests import fixture


def test_the_first_refresh_builds_everything_and_says_when(db):
    w = fixture.build()
    assert figures_as_of() is None
    written = figures_refresh_changed()
    assert written == OrganizationDayFigures.objects.count() > 0
    assert figures_as_of() is not None
    assert OrganizationDayFigures.objects.filter(organization=w.a).count() > 0
    assert RegionDayFigures.objects.filter(region=w.region).exists()


def test_later_refreshes_rebuild_only_the_days_that_changed(db):
    w = fixture.build()
    figures_refresh_changed()
    since = timezone.now()
    untouched = OrganizationDayFigures.objects.get(organization=w.c, day=dt.date(2025, 11, 3))
    # a new request today, and a status change of an old request (counts on the old request's day)
    new = fixture._Numbers(w.b).request(timezone.now(), channel="phone", status="new")
    old = w.a.requests.get(received_at=fixture.at("2025-10-20"))
    old.status = "done"
    old.save()
    StatusChange.objects.create(request=old, from_status="new", to_status="done", changed_at=timezone.now())
    written = figures_refresh_changed(since=since)
    assert written == 2
    assert OrganizationDayFigures.objects.get(organization=w.b, day=timezone.localdate(new.received_at)).requests == 1
    assert OrganizationDayFigures.objects.get(organization=w.a, day=dt.date(2025, 10, 20)).status_done == 1
    assert OrganizationDayFigures.objects.get(organization=w.c, day=dt.date(2025, 11, 3)).pk == untouched.pk  # not rebuilt


def test_the_command_and_the_task_refresh(db):
    w = fixture.build()
    out = StringIO()
    call_command("refresh_figures", "--full", stdout=out)
    assert "day rows written" in out.getvalue()
    assert OrganizationDayFigures.objects.filter(organization=w.a).exists()
    from qamqor.reports.tasks import refresh_figures

    assert refresh_figures.call(full=False) == 0  # nothing changed since
