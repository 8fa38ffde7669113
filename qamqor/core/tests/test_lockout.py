"""Lockout after repeated wrong passwords, per username and address (django-axes), and strong passwords."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from qamqor.core.models import User
from qamqor.core.testing import factories as f

RIGHT = "correct horse battery"  # the factories' password
HERE, ELSEWHERE = "10.0.0.1", "10.0.0.2"


def _post(client, username, password, address=HERE):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="kk"
    )


def _fail(client, username, times, address=HERE):
    """Wrong passwords: the form answers 200 ("wrong password") until the fifth, which locks (429)."""
    statuses = [_post(client, username, "wrong password", address).status_code for _ in range(times)]
    assert statuses == [200] * min(times, 4) + [429] * max(0, times - 4)


def test_the_settings_are_what_the_readme_says():
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_RESET_ON_SUCCESS is True
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"


def test_five_wrong_passwords_lock_that_username_from_that_address(client, kindergarten):
    f.staff(kindergarten, "methodist", username="kaz")
    _fail(client, "kaz", 4)
    assert _post(client, "kaz", RIGHT).status_code == 302  # four are not enough
    client.logout()
    _fail(client, "kaz", 5)
    response = _post(client, "kaz", RIGHT)  # even the right password
    assert response.status_code == 429
    page = response.content.decode()
    assert "Кіру әрекеттері тым көп" in page and "15 минуттан кейін" in page
    assert "kaz" not in page and HERE not in page
    assert "_auth_user_id" not in client.session


def test_the_lockout_page_speaks_russian_and_english(client, kindergarten):
    f.staff(kindergarten, "methodist", username="rus")
    _fail(client, "rus", 5)
    for language, text in [("ru", "Слишком много попыток входа"), ("en", "Too many login attempts")]:
        response = client.post(
            reverse("login"), {"username": "rus", "password": RIGHT}, REMOTE_ADDR=HERE, HTTP_ACCEPT_LANGUAGE=language
        )
        assert response.status_code == 429
        assert text in response.content.decode()


def test_another_address_or_another_username_is_not_locked(client, kindergarten):
    f.staff(kindergarten, "methodist", username="kaz")
    f.staff(kindergarten, "psychologist", username="other")
    _fail(client, "kaz", 5)
    assert _post(client, "kaz", RIGHT, ELSEWHERE).status_code == 302
    client.logout()
    assert _post(client, "other", RIGHT).status_code == 302


def test_the_lock_ends_after_the_cool_off(client, kindergarten):
    f.staff(kindergarten, "methodist", username="kaz")
    _fail(client, "kaz", 5)
    assert _post(client, "kaz", RIGHT).status_code == 429
    # Move the clock: the attempts happened 15 minutes and a second ago.
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=15, seconds=1))
    assert _post(client, "kaz", RIGHT).status_code == 302


def test_a_success_resets_the_counter(client, kindergarten):
    f.staff(kindergarten, "methodist", username="kaz")
    _fail(client, "kaz", 4)
    assert _post(client, "kaz", RIGHT).status_code == 302
    client.logout()
    assert not AccessAttempt.objects.exists()
    _fail(client, "kaz", 4)  # four more: eight in all, but only four since the success
    assert _post(client, "kaz", RIGHT).status_code == 302


def test_the_test_clients_login_still_works(client, kindergarten):
    member = f.staff(kindergarten, "methodist", username="kaz")
    assert client.login(username="kaz", password=RIGHT)
    client.logout()
    client.force_login(member.user)
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize(
    ("password", "kk", "ru"),
    [
        ("short-pw1", "Құпия сөз тым қысқа. Ол кемінде 12 таңбадан тұруы керек.", "как минимум 12 символов"),
        ("password1234", "Бұл құпия сөз тым кең тараған.", "слишком широко распространён"),
        ("12345678901234", "Құпия сөз тек цифрлардан тұрады.", "только из цифр"),
        ("aigerim-nurlanova", "Құпия сөз мына мәліметке тым ұқсас:", "слишком похож"),
    ],
)
def test_weak_passwords_are_refused_in_kazakh_and_russian(password, kk, ru):
    user = User(username="aigerim-nurlanova", first_name="Aigerim")
    for language, text in [("kk", kk), ("ru", ru)]:
        with translation.override(language), pytest.raises(ValidationError) as refused:
            password_validation.validate_password(password, user)
        assert any(text in message for message in refused.value.messages), refused.value.messages


def test_the_password_rules_are_explained_in_kazakh():
    with translation.override("kk"):
        help_text = " ".join(password_validation.password_validators_help_texts())
    assert "кемінде 12 таңба" in help_text and "Your password" not in help_text


def test_the_demo_password_passes_the_rules():
    password_validation.validate_password("qamqor-demo-2026", User(username="demo-head"))
