from django.conf import settings
from django.urls import reverse

from qamqor.core.testing import factories as f


def test_login_switches_to_the_persons_language(client, kindergarten):
    member = f.staff(kindergarten, "methodist", username="rus")
    member.user.preferred_language = "ru"
    member.user.save()
    response = client.post(reverse("login"), {"username": "rus", "password": "correct horse battery"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"


def test_wrong_password_is_refused_in_kazakh(client, kindergarten):
    f.staff(kindergarten, "methodist", username="kaz")
    response = client.post(reverse("login"), {"username": "kaz", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="kk")
    assert response.status_code == 200
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert response.context["form"].errors
