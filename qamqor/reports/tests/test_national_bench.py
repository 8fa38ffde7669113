"""The national benchmark's generator (bench/national.py) runs: a tiny size, PostgreSQL only
(it writes with generate_series). The benchmark itself is not part of the suite."""

from __future__ import annotations

import pytest
from django.db import connection

from bench.national import Sizes, generate
from qamqor.journal.models import Request
from qamqor.orgs.models import Organization
from qamqor.portal.models import Feedback
from qamqor.reports.figures import figures_refresh, rollup
from qamqor.reports.tests.fixture import END, START
from qamqor.scheduling.models import Appointment

pytestmark = pytest.mark.postgres


def test_the_generator_writes_the_sizes_asked_for(db):
    if connection.vendor != "postgresql":
        pytest.skip("bench/national.py is PostgreSQL only")
    before = Organization.objects.count()
    generate(Sizes(districts=20, organizations=40, requests=400), say=lambda *_: None)
    assert Organization.objects.count() - before == 40
    assert Request.objects.count() == 400
    assert Appointment.objects.count() == 160  # two in five
    assert Feedback.objects.count() == 40  # one in ten
    figures_refresh()
    everything = rollup(organizations=Organization.objects.all(), start=START, end=END).total
    assert everything.requests == 400 and everything.feedback == 40
