import datetime as dt

import pytest

from qamqor.core.periods import day_start, within_days
from qamqor.core.testing import factories as f
from qamqor.journal.models import Request
from qamqor.journal.services import request_intake


def test_a_day_starts_at_local_midnight():
    start = day_start(dt.date(2026, 12, 1))
    assert (start.hour, start.utcoffset()) == (0, dt.timedelta(hours=5))  # Asia/Almaty


@pytest.mark.django_db
def test_both_ends_of_a_period_are_included_and_none_leaves_a_side_open(parent):
    def received(at):
        r = request_intake(
            organization=parent.organization, parent=parent, channel="phone", topic=f.topic(), question="?", received_by=None
        )
        Request.objects.filter(pk=r.pk).update(received_at=at)
        return r.pk

    first = received(day_start(dt.date(2026, 11, 30)))  # the first moment of the 30th
    last = received(day_start(dt.date(2026, 12, 2)) - dt.timedelta(seconds=1))  # the last of the 1st
    after = received(day_start(dt.date(2026, 12, 2)))
    ids = lambda start, end: set(within_days(Request.objects, "received_at", start, end).values_list("pk", flat=True))  # noqa: E731
    assert ids(dt.date(2026, 11, 30), dt.date(2026, 12, 1)) == {first, last}
    assert ids(None, dt.date(2026, 12, 1)) == {first, last}
    assert ids(dt.date(2026, 12, 1), None) == {last, after}
