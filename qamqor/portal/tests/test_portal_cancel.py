import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from qamqor.portal.services import portal_cancel
from qamqor.scheduling.models import Appointment


def test_cancel_frees_the_time(application):
    request = portal_cancel(request=application.request)
    assert request.status == "cancelled"
    assert Appointment.objects.get().status == "cancelled"


def test_a_consultation_that_has_begun_cannot_be_cancelled_online(application):
    Appointment.objects.update(starts_at=application.appointment.starts_at - dt.timedelta(days=3))
    with pytest.raises(ValidationError):
        portal_cancel(request=application.request)
    assert Appointment.objects.get().status == "booked"
