import datetime as dt
from unittest import mock

import pytest
from django.core import signing
from django.utils import timezone

from qamqor.core.testing import factories as f
from qamqor.portal.links import LinkExpired, LinkInvalid, link_valid_until, manage_token, request_for_token
from qamqor.portal.services import portal_apply, portal_reschedule


def apply(point, **kwargs):
    return portal_apply(
        point=point,
        topic=f.topic("behaviour"),
        parent_full_name="Ким Алиса",
        phone="+77015550001",
        question="?",
        consent_given=True,
        client_address="10.0.0.3",
        **kwargs,
    )


def test_a_link_lives_a_week_after_the_appointment(point, psychologist, day):
    application = apply(point, specialist=psychologist, starts_at=f.at(day, "10:00"))
    assert link_valid_until(application.request) == f.at(day, "10:00") + dt.timedelta(days=7)
    assert request_for_token(manage_token(application.request)) == application.request


def test_moving_the_appointment_moves_the_end_of_the_link(point, psychologist, day):
    application = apply(point, specialist=psychologist, starts_at=f.at(day, "10:00"))
    later = f.at(day + dt.timedelta(days=1) if (day + dt.timedelta(days=1)).weekday() < 5 else day, "12:00")
    portal_reschedule(request=application.request, starts_at=later)
    assert link_valid_until(application.request) == later + dt.timedelta(days=7)


def test_a_link_without_an_appointment_lives_thirty_days(point):
    request = apply(point).request
    assert link_valid_until(request) == request.received_at + dt.timedelta(days=30)


def test_a_link_of_an_old_request_has_expired(point):
    request = apply(point).request
    long_ago = timezone.now() - dt.timedelta(days=31)
    type(request).objects.filter(pk=request.pk).update(received_at=long_ago)
    with mock.patch.object(signing.TimestampSigner, "timestamp", return_value=signing.b62_encode(int(long_ago.timestamp()))):
        token = manage_token(request)
    with pytest.raises(LinkExpired) as info:
        request_for_token(token)
    assert info.value.request == request


def test_nonsense_is_invalid(db):
    with pytest.raises(LinkInvalid):
        request_for_token("nonsense")
