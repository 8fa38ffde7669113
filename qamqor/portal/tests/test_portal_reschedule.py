import pytest
from django.core.exceptions import ValidationError

from qamqor.core.testing import factories as f
from qamqor.journal.services import request_complete
from qamqor.portal.services import portal_cancel, portal_reschedule
from qamqor.scheduling.models import Appointment


def test_reschedule_frees_the_old_time_and_books_the_new_one(application, psychologist, day):
    new = portal_reschedule(request=application.request, starts_at=f.at(day, "11:00"))
    assert new.starts_at == f.at(day, "11:00")
    assert [link.membership for link in new.specialist_links.all()] == [psychologist]
    assert Appointment.objects.get(pk=application.appointment.pk).status == "cancelled"


def test_reschedule_to_the_same_time_is_refused(application, day):
    with pytest.raises(ValidationError) as info:
        portal_reschedule(request=application.request, starts_at=f.at(day, "10:00"))
    assert info.value.error_dict["slot"][0].code == "same_time"


def test_a_closed_request_cannot_be_moved_or_cancelled(application, psychologist, day):
    request_complete(request=application.request, recommendations="Ұйқы режимі", by=None)
    with pytest.raises(ValidationError):
        portal_reschedule(request=application.request, starts_at=f.at(day, "11:00"))
    with pytest.raises(ValidationError):
        portal_cancel(request=application.request)


def test_moving_is_refused_when_the_point_stops_online_booking(application, point, day):
    point.online_booking = False
    point.save()
    with pytest.raises(ValidationError):
        portal_reschedule(request=application.request, starts_at=f.at(day, "11:00"))
    assert Appointment.objects.get().starts_at == f.at(day, "10:00")
