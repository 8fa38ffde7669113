"""Issue 9 item 2: the second factor (qamqor/core/second_factor.py).

These tests opt out of the test client's automatic second factor (the `without_second_factor`
marker, qamqor/core/testing/second_factor.py) to see the real gate.
"""

from __future__ import annotations

import datetime as dt
from base64 import b32encode
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from qamqor.core.scoping import scope_for
from qamqor.core.second_factor import OPEN_VIEWS
from qamqor.core.services import RECOVERY_CODE_COUNT, recovery_codes_replace
from qamqor.core.testing import factories as f
from qamqor.core.testing.second_factor import authenticator_for, current_code, pass_second_factor
from qamqor.core.tests.test_access_matrix import HEAD, PAGES, _ask, world  # noqa: F401 (world is a fixture)

manual = pytest.mark.without_second_factor
PASSWORD = "correct horse battery"  # qamqor/core/testing/factories.py
VERIFY, SETUP = reverse("second_factor:verify"), reverse("second_factor:setup")
CODES, ACCOUNT = reverse("second_factor:codes"), reverse("second_factor:account")
JOURNAL = reverse("journal:list")


def _unthrottle(device) -> None:
    """As if the wait after a wrong code were over (django-otp: 1 s after the first)."""
    device.refresh_from_db()
    device.throttling_failure_timestamp = timezone.now() - dt.timedelta(hours=1)
    device.save()


def _next_of(location: str) -> str:
    return parse_qs(urlsplit(location).query).get("next", [""])[0]


def _setup_key(client: Client) -> TOTPDevice:
    """An unsaved device with the key the set-up page put in the session (what the phone scans)."""
    return TOTPDevice(key=client.session["qamqor_second_factor_setup_key"])


# ---------------------------------------------------------------------------------------------
# Who needs it


def test_who_needs_a_second_factor(kindergarten, head, methodist, psychologist, district_officer):
    needs = {
        role: scope_for(f.staff(kindergarten, role).user).needs_second_factor
        for role in ("director", "social_pedagogue", "deputy", "nurse", "secretary")
    }
    assert needs == {"director": True, "social_pedagogue": True, "deputy": False, "nurse": False, "secretary": False}
    assert scope_for(head.user).needs_second_factor
    assert not scope_for(methodist.user).needs_second_factor
    assert not scope_for(psychologist.user).needs_second_factor
    assert not scope_for(district_officer.user).needs_second_factor
    assert scope_for(f.UserFactory(is_superuser=True)).needs_second_factor
    assert scope_for(f.UserFactory(is_staff=True)).needs_second_factor  # may open the admin


@manual
def test_a_methodist_needs_none(client, methodist):
    client.force_login(methodist.user)
    assert client.get(JOURNAL).status_code == 200
    assert not TOTPDevice.objects.exists()


# ---------------------------------------------------------------------------------------------
# The gate


@manual
def test_an_unverified_head_reaches_nothing_but_the_second_factor(db, world):  # noqa: F811 (the fixture)
    """Every page of the access-matrix walk, public ones and the admin included, sends a head who
    has given the password but not the code to the verify page; only OPEN_VIEWS answer."""
    head = world["a"].users[HEAD]
    authenticator_for(head)
    client = Client()
    client.force_login(head)
    wrong = []
    for name, page in PAGES.items():
        if name in OPEN_VIEWS:
            continue
        status, location = _ask(client, name, page, page.args(world["a"]))
        if status != 302 or not location.startswith(VERIFY):
            wrong.append(f"{name}: {status} {location}")
    for url in ("/admin/", "/admin/core/user/", "/accounts/login/"):
        response = client.get(url)
        if response.status_code != 302 or not response["Location"].startswith(VERIFY):
            wrong.append(f"{url}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
    # A page asked for by GET is where the verify page sends them on.
    assert _next_of(client.get(JOURNAL)["Location"]) == JOURNAL


@manual
def test_the_open_pages_answer_an_unverified_head(client, head):
    authenticator_for(head.user)
    client.force_login(head.user)
    assert client.get(VERIFY).status_code == 200
    assert client.get(SETUP)["Location"].startswith(VERIFY)  # has one already
    assert client.get(CODES)["Location"] == ACCOUNT  # nothing to show; the account page then sends to verify
    assert client.post(reverse("set_language"), {"language": "ru", "next": VERIFY})["Location"] == VERIFY
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(JOURNAL)["Location"].startswith(reverse("login"))


@manual
def test_an_htmx_request_gets_a_whole_page_redirect(client, head):
    authenticator_for(head.user)
    client.force_login(head.user)
    response = client.get(JOURNAL, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == VERIFY


@manual
def test_a_head_without_an_authenticator_is_sent_to_set_one_up(client, head):
    client.force_login(head.user)
    response = client.get(JOURNAL)
    assert response.status_code == 302 and response["Location"].startswith(SETUP)
    assert client.get("/admin/")["Location"].startswith(SETUP)


def test_the_test_client_passes_the_second_factor_unless_told_not_to(client, head):
    """The shim of qamqor/core/testing/second_factor.py: no marker, so the head is verified."""
    client.force_login(head.user)
    assert client.get(JOURNAL).status_code == 200
    assert TOTPDevice.objects.get(user=head.user).confirmed


# ---------------------------------------------------------------------------------------------
# Verify


@manual
def test_a_wrong_code_changes_nothing_and_says_it_was_refused(client, head):
    device = authenticator_for(head.user)
    client.force_login(head.user)
    wrong = f"{(int(current_code(device)) + 500_000) % 1_000_000:06d}"
    response = client.post(VERIFY, {"code": wrong, "next": JOURNAL}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "This code was refused" in response.content.decode()
    assert client.get(JOURNAL)["Location"].startswith(VERIFY)
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


@manual
def test_the_right_code_opens_the_page_asked_for(client, head):
    device = authenticator_for(head.user)
    client.force_login(head.user)
    key_before = client.cookies[settings.SESSION_COOKIE_NAME].value
    code = current_code(device)
    response = client.post(VERIFY, {"code": code, "next": JOURNAL})
    assert response.status_code == 302 and response["Location"] == JOURNAL
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != key_before  # a new session key
    assert client.get(JOURNAL).status_code == 200
    # The same code a second time (a replay) is refused.
    other = Client()
    other.force_login(head.user)
    assert other.post(VERIFY, {"code": code}).status_code == 200


@manual
def test_while_throttled_even_the_right_code_waits(client, head):
    device = authenticator_for(head.user)
    client.force_login(head.user)
    for _ in range(3):
        _unthrottle(device)
        client.post(VERIFY, {"code": "000000" if current_code(device) != "000000" else "111111"})
    response = client.post(VERIFY, {"code": current_code(device)}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Too many wrong codes: the next code is checked after" in response.content.decode()  # about 4 s
    assert client.get(JOURNAL).status_code == 302
    _unthrottle(device)
    assert client.post(VERIFY, {"code": current_code(device)}).status_code == 302
    assert client.get(JOURNAL).status_code == 200


@manual
def test_a_recovery_code_works_once(client, head):
    authenticator_for(head.user)
    codes = recovery_codes_replace(user=head.user)
    client.force_login(head.user)
    response = client.post(VERIFY, {"code": codes[0].upper()[:4] + " " + codes[0][4:], "next": JOURNAL})
    assert response["Location"] == JOURNAL
    assert client.get(JOURNAL).status_code == 200
    assert StaticToken.objects.filter(device__user=head.user).count() == RECOVERY_CODE_COUNT - 1

    again = Client()
    again.force_login(head.user)
    assert again.post(VERIFY, {"code": codes[0]}).status_code == 200
    assert again.get(JOURNAL)["Location"].startswith(VERIFY)
    _unthrottle(StaticDevice.objects.get(user=head.user))
    assert again.post(VERIFY, {"code": codes[1]}).status_code == 302


@manual
def test_the_verify_page_never_sends_to_another_site(client, head):
    device = authenticator_for(head.user)
    client.force_login(head.user)
    response = client.post(VERIFY, {"code": current_code(device), "next": "https://evil.example.com/"})
    assert response["Location"] == reverse("home")


@manual
def test_the_login_form_leads_to_the_verify_page(client, head):
    authenticator_for(head.user)
    response = client.post(reverse("login"), {"username": "head", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0].startswith(VERIFY)
    assert response.status_code == 200


# ---------------------------------------------------------------------------------------------
# Set-up


@manual
def test_set_up_shows_a_qr_code_and_the_key_and_confirms_only_with_a_right_code(client, head):
    client.force_login(head.user)
    page = client.get(SETUP, {"next": JOURNAL}, HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "<script" not in html.split("<main", 1)[1].split("</main>")[0]
    phone = _setup_key(client)
    secret = b32encode(phone.bin_key).decode()
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in html
    assert client.get(SETUP).status_code == 200 and _setup_key(client).key == phone.key  # the same key on reload

    wrong = f"{(int(current_code(phone)) + 1) % 1_000_000:06d}"
    response = client.post(SETUP, {"code": wrong, "next": JOURNAL}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "This code was refused" in response.content.decode()
    assert not TOTPDevice.objects.exists() and not StaticDevice.objects.exists()
    assert client.get(JOURNAL)["Location"].startswith(SETUP)

    response = client.post(SETUP, {"code": current_code(phone), "next": JOURNAL})
    assert response["Location"] == CODES
    device = TOTPDevice.objects.get(user=head.user)
    assert device.confirmed and device.key == phone.key

    shown = client.get(CODES)
    codes = shown.context["codes"]
    assert len(codes) == RECOVERY_CODE_COUNT == len(set(codes))
    assert shown.context["next"] == JOURNAL
    assert client.get(CODES)["Location"] == ACCOUNT  # shown once
    assert client.get(JOURNAL).status_code == 200  # the set-up verified the session
    assert client.get(SETUP)["Location"] == ACCOUNT


@manual
def test_a_methodist_may_turn_it_on_and_is_then_asked_for_it(client, methodist):
    client.force_login(methodist.user)
    assert "off" in client.get(ACCOUNT, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.get(SETUP)
    client.post(SETUP, {"code": current_code(_setup_key(client))})

    later = Client()
    later.force_login(methodist.user)
    assert later.get(JOURNAL)["Location"].startswith(VERIFY)
    # An administrator removes the authenticator (a lost phone): nothing is asked any more.
    TOTPDevice.objects.filter(user=methodist.user).delete()
    assert later.get(JOURNAL).status_code == 200


@manual
def test_after_an_administrators_reset_the_head_sets_up_again(client, head):
    authenticator_for(head.user)
    TOTPDevice.objects.filter(user=head.user).delete()  # the admin's "delete" of the device
    client.force_login(head.user)
    assert client.get(JOURNAL)["Location"].startswith(SETUP)


# ---------------------------------------------------------------------------------------------
# The account page


@manual
def test_the_account_page_says_how_many_codes_are_left_and_makes_new_ones(client, head):
    device = authenticator_for(head.user)
    old = recovery_codes_replace(user=head.user)
    client.force_login(head.user)
    assert client.get(ACCOUNT)["Location"].startswith(VERIFY)  # not before the code
    client.post(VERIFY, {"code": old[0]})

    with translation.override("en"):
        page = client.get(ACCOUNT, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The second factor is on" in page and f"You have {RECOVERY_CODE_COUNT - 1} unused recovery codes." in page

    refused = client.post(ACCOUNT, {"code": "000000" if current_code(device) != "000000" else "111111"})
    assert refused.status_code == 200 and set(StaticToken.objects.values_list("token", flat=True)) == set(old[1:])

    _unthrottle(device)
    response = client.post(ACCOUNT, {"code": current_code(device)})
    assert response["Location"] == CODES
    new = [code.replace(" ", "") for code in client.get(CODES).context["codes"]]
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)
    assert not set(new) & set(old)


@manual
def test_a_verified_session_stays_verified_until_logout(client, head):
    client.force_login(head.user)
    pass_second_factor(client, head.user)
    assert client.get(JOURNAL).status_code == 200
    client.post(reverse("logout"))
    client.force_login(head.user)
    assert client.get(JOURNAL)["Location"].startswith(VERIFY)
