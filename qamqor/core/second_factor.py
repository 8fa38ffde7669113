"""The second factor (issue 9, item 2): who must pass it, and the gate that keeps them out of
everything else until they have.

After the password, a person who needs a second factor (`needs_second_factor`) reaches only the
verify and set-up pages of `/accounts/second-factor/…`, the logout, the language switch and static files, until
this session has been verified by one of their django-otp devices (`request.user.is_verified()`,
set by django_otp's OTPMiddleware, which runs first). With a confirmed authenticator they are
sent to the verify page (a 6-digit code or a recovery code); without one, to the set-up page.

Who needs it: the roles and administrators of `Scope.needs_second_factor` (qamqor/core/scoping.py),
and anyone who has turned it on for themselves: whether they have a device is read once at login
and kept in the session (`VOLUNTARY_KEY`), so the pages of those who have none cost no query.

The devices are django-otp's own: a `TOTPDevice` (the authenticator app) and a `StaticDevice`
holding the recovery codes, each code usable once. Both throttle wrong codes (settings
OTP_*_THROTTLE_FACTOR). Writes are in qamqor/core/services.py, the pages in qamqor/core/views.py.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from qamqor.core.scoping import scope_for

# True when the user had a confirmed device at login: they turned the second factor on, so it is
# asked of them even if their roles do not need it.
VOLUNTARY_KEY = "qamqor_second_factor_on"
NAMESPACE = "second_factor"
# What an unverified person may still open: the second factor's verify and set-up pages (and the
# recovery codes the set-up shows), the logout and the language switch. Static files are served
# by WhiteNoise before any view; the account page waits until the session is verified.
OPEN_VIEWS = frozenset({f"{NAMESPACE}:verify", f"{NAMESPACE}:setup", f"{NAMESPACE}:codes", "logout", "set_language"})


@receiver(user_logged_in, dispatch_uid="qamqor-second-factor-at-login")
def _remember_whether_turned_on(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    request.session[VOLUNTARY_KEY] = user_has_device(user, confirmed=True)


def needs_second_factor(request: HttpRequest) -> bool:
    """Must this signed-in person pass a second factor before using the site?"""
    user = request.user
    if scope_for(user).needs_second_factor:
        return True
    if VOLUNTARY_KEY not in request.session:
        # A session from before the second factor existed: read it once.
        request.session[VOLUNTARY_KEY] = user_has_device(user, confirmed=True)
    return bool(request.session[VOLUNTARY_KEY])


def is_verified(request: HttpRequest) -> bool:
    verified = getattr(request.user, "is_verified", None)
    return bool(verified and verified())


def authenticator_of(user) -> TOTPDevice | None:
    """The person's confirmed authenticator (one per person: a new one replaces the old)."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("-pk").first()


def recovery_device_of(user) -> StaticDevice | None:
    return StaticDevice.objects.devices_for_user(user, confirmed=True).order_by("-pk").first()


def remaining_recovery_codes(user) -> int:
    device = recovery_device_of(user)
    return device.token_set.count() if device is not None else 0


def pending_url(request: HttpRequest, *, has_authenticator: bool) -> str:
    """Where an unverified person goes: the verify page, or the set-up page without an
    authenticator, with the page they asked for as `next` (GET only: a POST is not replayed)."""
    url = reverse(f"{NAMESPACE}:{'verify' if has_authenticator else 'setup'}")
    if request.method == "GET" and not getattr(request, "htmx", False):
        url += "?" + urlencode({"next": request.get_full_path()})
    return url


class SecondFactorMiddleware:
    """Sends a person who needs a second factor and has not passed it in this session to the
    verify (or set-up) page from every page but OPEN_VIEWS and the second factor's own, the
    Django admin included. An htmx request gets an HX-Redirect, so the whole page goes there
    instead of the verify form landing inside a table.

    Settings: after django_otp.middleware.OTPMiddleware (it sets request.user.is_verified) and
    after StaffSessionMiddleware (an expired session is anonymous first)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if not request.user.is_authenticated or is_verified(request):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_VIEWS:
            return None
        if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return None
        if not needs_second_factor(request):
            return None
        has_authenticator = authenticator_of(request.user) is not None
        if not has_authenticator and not scope_for(request.user).needs_second_factor:
            # Turned on by choice, and the authenticator was since removed (an administrator
            # reset it): nothing is asked of them any more.
            request.session[VOLUNTARY_KEY] = False
            return None
        url = pending_url(request, has_authenticator=has_authenticator)
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return redirect(url)
