"""Staff notifications: the point's methodist learns of a new online request at once, in the
back office and by email if they want it."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from qamqor.core.testing import factories as f
from qamqor.journal.services import request_intake
from qamqor.notify.models import Message, StaffNotification
from qamqor.notify.services import staff_notify_new_request, staff_preference_save
from qamqor.portal.services import portal_apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def apply(kindergarten, django_capture_on_commit_callbacks):
    def apply(phone: str = "+77017654321"):
        with django_capture_on_commit_callbacks(execute=True):
            return portal_apply(
                point=kindergarten.consultation_point,
                topic=f.topic("speech"),
                parent_full_name="Сейтқали Динара",
                phone=phone,
                question="Бала сөйлемейді",
                consent_given=True,
                client_address=f"10.9.9.{phone[-2:]}",
            ).request

    return apply


def test_a_new_online_request_reaches_the_methodist_at_once_and_by_email(methodist, head, apply, tasks):
    methodist.user.email = "gulnar@example.kz"
    methodist.user.save()
    request = apply()
    (notification,) = StaffNotification.objects.all()
    assert (notification.user, notification.request, notification.read_at) == (methodist.user, request, None)
    tasks()
    (letter,) = [m for m in mail.outbox if m.to == ["gulnar@example.kz"]]
    assert request.display_number in letter.subject
    assert f"/journal/{request.pk}/" in letter.body or str(request.pk) in letter.body


def test_without_a_methodist_the_head_is_told(head, apply):
    apply()
    assert list(StaffNotification.objects.values_list("user", flat=True)) == [head.user_id]


def test_a_request_taken_by_phone_makes_no_notification(methodist, parent):
    request = request_intake(
        organization=parent.organization,
        channel="phone",
        parent=parent,
        topic=f.topic("speech"),
        question="?",
        received_by=methodist.user,
    )
    assert staff_notify_new_request(request_id=request.pk) == []


def test_telling_twice_makes_nothing_new(methodist, apply):
    request = apply()
    assert staff_notify_new_request(request_id=request.pk) == []
    assert StaffNotification.objects.count() == 1


def test_a_methodist_who_turned_email_off_gets_the_line_only(methodist, apply):
    methodist.user.email = "gulnar@example.kz"
    methodist.user.save()
    staff_preference_save(user=methodist.user, by_email=False)
    apply()
    assert StaffNotification.objects.count() == 1
    assert not Message.objects.filter(kind=Message.Kind.NEW_REQUEST).exists()


def test_the_inbox_lists_ones_own_notifications_and_marks_them_read(client, methodist, apply, django_assert_num_queries):
    apply()
    apply(phone="+77017654322")
    client.force_login(methodist.user)
    assert client.get(reverse("notify:badge")).content.decode().strip().endswith("2</span>")
    response = client.get(reverse("notify:inbox"))
    assert response.content.decode().count("list-group-item-warning") == 2
    assert client.post(reverse("notify:inbox_read")).status_code == 302
    assert "badge" not in client.get(reverse("notify:badge")).content.decode()


def test_the_inbox_costs_the_same_queries_however_many_lines(client, methodist, apply, django_assert_num_queries):
    client.force_login(methodist.user)
    apply()
    client.get(reverse("notify:inbox"))  # the session, warmed
    # session, user, memberships (scope), the notifications with request, topic, parent, the preference
    with django_assert_num_queries(5) as few:
        client.get(reverse("notify:inbox"))
    for n in range(3):
        apply(phone=f"+7701765433{n}")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("notify:inbox"))


def test_the_preference_form_saves_the_choice(client, methodist):
    client.force_login(methodist.user)
    assert client.post(reverse("notify:preference"), {}).status_code == 302
    assert methodist.user.notify_preference.by_email is False


def test_another_member_of_staff_sees_not_the_methodists_notifications(client, methodist, psychologist, apply):
    apply()
    client.force_login(psychologist.user)
    assert "list-group-item-warning" not in client.get(reverse("notify:inbox")).content.decode()
