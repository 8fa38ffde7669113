"""The test client's login passes the second factor too, unless the test asks it not to.

Tests log people in with `client.force_login(user)` or `client.login(username=…, password=…)`.
A head, a director, a social pedagogue or an administrator (`Scope.needs_second_factor`), or
anyone who has turned the second factor on, would then be sent to the verify page by every
request (qamqor/core/second_factor.py). So, installed from the project's conftest.py, the test
client's login goes on to complete the second factor the real way, as the verify page does after
a right code: the user's confirmed TOTPDevice (one named "test client" is made if they have
none) is recorded on the session with `django_otp.login()`. The pages then see
`request.user.is_verified()` exactly as in production, through django_otp's OTPMiddleware.

Opting out, to test the second factor itself:

    @pytest.mark.without_second_factor          # a test; or pytestmark = … for a module
    def test_an_unverified_head_is_sent_to_verify(client, head):
        client.force_login(head.user)           # the password step only
        ...
        pass_second_factor(client, head.user)   # and, where a test wants it, the second step

The marker is read before the test's fixtures are set up (conftest.py's pytest_runtest_setup),
so it covers logins made in fixtures too. Only the synchronous login is wrapped; the async
`alogin`/`aforce_login` are not used by the suite.

Browser tests log in through the real form: `browser_pass_second_factor(page, user)` types the
current code of the user's authenticator into the verify page (see its docstring).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.test.client import ClientMixin

MARKER = "without_second_factor"
TEST_DEVICE_NAME = "test client"
_completing = True


def complete_at_login(on: bool) -> None:
    """Whether the test client's logins complete the second factor (conftest.py sets it per test)."""
    global _completing
    _completing = on


def _fresh(user):
    # A copy: the test's own user object must not keep the roles read here (scope_for caches them).
    return type(user)._default_manager.get(pk=user.pk)


def _needs(user) -> bool:
    from django_otp import user_has_device

    from qamqor.core.scoping import scope_for

    return scope_for(_fresh(user)).needs_second_factor or user_has_device(user, confirmed=True)


def authenticator_for(user):
    """The user's confirmed authenticator, made (named TEST_DEVICE_NAME) if they have none."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TEST_DEVICE_NAME, confirmed=True)


def pass_second_factor(client: ClientMixin, user, device=None) -> None:
    """Record `device` (by default the user's authenticator) on the client's session as having
    verified this login, with django_otp.login() like the verify page."""
    import django_otp

    session = client.session
    request = HttpRequest()
    request.session = session
    request.user = _fresh(user)
    django_otp.login(request, device or authenticator_for(user))
    session.save()


def current_code(device, steps_ahead: int = 0) -> str:
    """The 6-digit code `device` (a TOTPDevice) accepts now; `steps_ahead=1` gives the next one,
    which it also accepts (tolerance 1) and which a test needs after a code was used up."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def browser_pass_second_factor(page, user) -> None:
    """In a Playwright page sent to the verify page after the password, type the code of the
    user's authenticator and wait to leave the page. For browser tests that log in as a head or
    an administrator: call `authenticator_for(user)` before sending the login form, or a person
    without one is sent to the set-up page instead (which is what a test of the set-up wants)."""
    code = current_code(authenticator_for(user), steps_ahead=1)
    page.wait_for_url("**/accounts/second-factor/verify/**")
    page.locator("input[name=code]").fill(code)
    with page.expect_navigation():
        page.locator("main form button").click()


def let_test_client_pass_second_factor() -> None:
    if getattr(ClientMixin._login, "_qamqor_second_factor", False):
        return
    login = ClientMixin._login

    def login_and_pass(self, user, backend=None):
        login(self, user, backend)
        if _completing and _needs(user):
            pass_second_factor(self, user)

    login_and_pass._qamqor_second_factor = True
    ClientMixin._login = login_and_pass


BROWSER_PASSWORD = "Qamqor-browser-2026"  # noqa: S105 (a test user's)


def browser_log_in(page, user, *, language: str, password: str = BROWSER_PASSWORD) -> None:
    """Log `user` in through the login form of a Playwright page, in `language`, with the code of
    an authenticator made for them: what a browser test of a manager's page starts with."""
    user.set_password(password)
    user.preferred_language = language
    user.save()
    authenticator_for(user)
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(user.get_username())
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("main form button").click()
    browser_pass_second_factor(page, user)
