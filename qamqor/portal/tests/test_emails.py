from smtplib import SMTPException
from unittest import mock

import pytest
from django.core import mail

from qamqor.core.testing import factories as f
from qamqor.portal.emails import Letter, parent_letter_send
from qamqor.portal.services import portal_apply


@pytest.fixture
def application(point, psychologist, day):
    return portal_apply(
        point=point,
        topic=f.topic("behaviour"),
        parent_full_name="Әбенова Мадина",
        phone="+77015551234",
        email="madina@example.com",
        question="?",
        consent_given=True,
        client_address="10.0.0.1",
        specialist=psychologist,
        starts_at=f.at(day, "10:00"),
    )


def send(application, kind=Letter.BOOKED):
    return parent_letter_send(
        kind=kind, request=application.request, appointment=application.appointment, manage_url="https://qamqor.kz/my/t/"
    )


def test_the_letter_is_in_kazakh_for_a_kazakh_speaking_parent(application):
    assert send(application)
    letter = mail.outbox[0]
    assert "Кеңеске жазылдыңыз" in letter.subject
    assert "Сәлеметсіз бе, Әбенова Мадина!" in letter.body
    assert "10:00" in letter.body
    assert "Психолог кабинеті" in letter.body
    assert "https://qamqor.kz/my/t/" in letter.body
    assert letter.attachments[0][0] == "consultation.ics"


def test_the_letter_is_in_russian_for_a_russian_speaking_parent(application):
    application.request.parent.language = "ru"
    application.request.parent.save()
    send(application)
    assert "Здравствуйте, Әбенова Мадина!" in mail.outbox[0].body
    assert "Консультация назначена" in mail.outbox[0].subject


def test_a_cancellation_letter_has_no_calendar_file(application):
    send(application, Letter.CANCELLED)
    assert mail.outbox[0].attachments == []
    assert "болдырылмады" in mail.outbox[0].subject


def test_a_failing_mail_server_does_not_break_anything(application, caplog):
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=SMTPException("down")):
        assert send(application) is False
    assert "could not send" in caplog.text


def test_no_email_no_letter(application):
    application.request.parent.email = ""
    assert send(application) is False
    assert mail.outbox == []
