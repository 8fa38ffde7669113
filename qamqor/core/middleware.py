"""Two rules that hold for every request: how long a staff session lives, and which pages no
browser or proxy may keep a copy of."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

LOGIN_AT = "qamqor_login_at"
SEEN_AT = "qamqor_seen_at"
# The idle timer is moved on at most once a minute: a session write on every click of the
# journal would cost a database UPDATE per page. So "30 idle minutes" means 29 to 30.
REFRESH_SECONDS = 60

# Private-link pages of the public site: the token in the address is the parent's key, and the
# page shows their name, their child, their consultation. Routes as written in the URLconfs.
PRIVATE_ROUTE_PREFIXES = ("my/", "feedback/")


@receiver(user_logged_in, dispatch_uid="qamqor-staff-session-start")
def _start_staff_session(sender, request, user, **kwargs) -> None:
    """Login has just given the session a new key (django.contrib.auth.login cycles it)."""
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now
    request.session.set_expiry(settings.QAMQOR_STAFF_IDLE_SECONDS)


class StaffSessionMiddleware:
    """A signed-in session ends after QAMQOR_STAFF_IDLE_SECONDS without a request (30 minutes)
    and QAMQOR_STAFF_SESSION_MAX_SECONDS after the login (12 hours), whatever happens between.

    The login time and the last refresh are kept in the session. The session's own expiry (the
    cookie's max-age and the stored row's expiry date) is set to the idle limit and is renewed
    only when the refresh time is written, at most once a minute (REFRESH_SECONDS): the journal
    is read many times a minute, and a session save on every request would be a write per page.
    An expired session is flushed and the request goes on as anonymous, so the view sends the
    person to the login page as for anyone else.

    Deactivated users: Django's ModelBackend refuses an inactive user when it loads the session's
    user, so their next request is anonymous, and this flushes the session that still names them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self._check(request)
        elif SESSION_KEY in request.session:
            # The session names a user who may no longer sign in (deactivated or deleted):
            # Django already treats the request as anonymous; end the session itself too.
            request.session.flush()
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session = request.session
        now = int(time.time())
        login_at = session.get(LOGIN_AT)
        seen_at = session.get(SEEN_AT)
        if login_at is None or seen_at is None:
            # A session from before this rule (or a login that bypassed the signal): start now.
            session[LOGIN_AT] = session[SEEN_AT] = now
            session.set_expiry(settings.QAMQOR_STAFF_IDLE_SECONDS)
            return
        if now - login_at >= settings.QAMQOR_STAFF_SESSION_MAX_SECONDS or now - seen_at >= settings.QAMQOR_STAFF_IDLE_SECONDS:
            logout(request)  # flushes the session (a new, empty key) and sets AnonymousUser
            return
        if now - seen_at >= REFRESH_SECONDS:
            session[SEEN_AT] = now
            session.set_expiry(settings.QAMQOR_STAFF_IDLE_SECONDS)


def has_personal_data(request: HttpRequest) -> bool:
    """The rule for Cache-Control: no-store, in one place.

    - Everything a signed-in person gets: the back office shows children, parents and requests
      on nearly every page, and even the public pages carry the person's name in the bar.
    - Calls to the REST API made with a token (qamqor/api; the API ignores staff logins, and
      its public reads are the same for everyone).
    - The parent's private-link pages (/my/<token>/…, /feedback/<token>/), whoever opens them.

    Everything else (the finder, a point's page, materials, questions, the login page's own
    rules aside) is the same for every visitor and stays cacheable.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    # A call to the REST API with a token (DRF puts it on the request): the organisation's data.
    if getattr(request, "auth", None) is not None:
        return True
    match = getattr(request, "resolver_match", None)
    return match is not None and match.route.startswith(PRIVATE_ROUTE_PREFIXES)


class NoStoreForPersonalDataMiddleware:
    """Cache-Control: no-store (with private, no-cache, max-age=0) on every response that
    `has_personal_data` says carries personal data, so that no browser cache, shared computer or
    proxy keeps a copy of it. Errors included: a 404 under /my/ still came from a private link."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if has_personal_data(request):
            add_never_cache_headers(response)
        return response
