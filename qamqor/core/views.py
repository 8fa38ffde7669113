from __future__ import annotations

from base64 import b32encode
from binascii import unhexlify
from collections.abc import Callable
from urllib.parse import urlencode

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from qamqor.core.access import SESSION_KEY, current_organization_id
from qamqor.core.forms import LoginForm, SecondFactorCodeForm, add_service_errors
from qamqor.core.scoping import scope_for
from qamqor.core.second_factor import (
    VOLUNTARY_KEY,
    authenticator_of,
    is_verified,
    needs_second_factor,
    remaining_recovery_codes,
)
from qamqor.core.services import (
    authenticator_confirm,
    authenticator_key_is_valid,
    recovery_codes_replace,
    second_factor_verify,
)


def home(request: HttpRequest, anonymous_view: Callable[[HttpRequest], HttpResponse] | None = None) -> HttpResponse:
    """Send each person where their work is: the journal, "my day", or the admin.

    A visitor who is not logged in gets `anonymous_view` (the URLconf passes the public site's
    finder: core sits below the portal and does not import it), or the login page without one."""
    if not request.user.is_authenticated:
        if anonymous_view is not None:
            return anonymous_view(request)
        return redirect_to_login(request.get_full_path())
    scope = scope_for(request.user)
    org_id = current_organization_id(request, scope)
    if org_id is not None:
        return redirect("journal:list" if scope.manages(org_id) else "scheduling:my_day")
    if scope.district_ids or scope.region_ids:
        return redirect("reports:overview")
    if request.user.is_superuser:
        return redirect("admin:index")
    return render(request, "core/no_role.html", status=403)


@require_POST
@login_required
def switch_organization(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    try:
        org_id = int(request.POST.get("organization", ""))
    except ValueError:
        org_id = None
    if org_id in scope.staff_org_ids:
        request.session[SESSION_KEY] = org_id
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = "home"
    return redirect(target)


class LoginView(auth_views.LoginView):
    """Logs in and switches the interface to the person's own language."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        language = getattr(form.get_user(), "preferred_language", "")
        if language in dict(settings.LANGUAGES):
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax", max_age=365 * 24 * 3600)
        return response


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """The page django-axes shows when a username is locked from this address.

    Settings: AXES_LOCKOUT_CALLABLE.

    It names neither the username nor the address, in the visitor's language; 429 like axes' own."""
    from axes.helpers import get_cool_off, get_failure_limit

    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    context = {"failure_limit": get_failure_limit(request, credentials), "minutes": minutes}
    return render(request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


# ---------------------------------------------------------------------------------------------
# The second factor (qamqor/core/second_factor.py): verify, set up, recovery codes, the account

SETUP_KEY = "qamqor_second_factor_setup_key"  # the key being set up, until a code confirms it
NEW_CODES_KEY = "qamqor_second_factor_new_codes"  # recovery codes to show once, and where to go on


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


@login_required
def second_factor_verify_page(request: HttpRequest) -> HttpResponse:
    """After the password: a code from the authenticator app, or a recovery code (used up)."""
    next_url = _next_url(request)
    if is_verified(request):
        return redirect(next_url)
    if authenticator_of(request.user) is None:
        # Nothing to verify with: set one up if this person must have one, or go on.
        return redirect(_with_next("second_factor:setup", next_url) if needs_second_factor(request) else next_url)
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = second_factor_verify(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session.cycle_key()  # a new key for the session that now counts as verified
            django_otp.login(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(
                    request,
                    ngettext(
                        "You logged in with a recovery code. %(count)s code is left: make new ones on your account page.",
                        "You logged in with a recovery code. %(count)s codes are left: make new ones on your account page.",
                        left,
                    )
                    % {"count": left},
                )
            return redirect(next_url)
    return render(request, "registration/second_factor_verify.html", {"form": form, "next": next_url})


def _qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG (no data: URI, no script): CSP allows it as it is."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, border=4, dark="#000", light="#fff", title=_("QR code for the authenticator app")
    )


@login_required
def second_factor_setup_page(request: HttpRequest) -> HttpResponse:
    """Turn the second factor on: scan the QR code (or type the key), confirm with a code."""
    next_url = _next_url(request)
    if authenticator_of(request.user) is not None:
        return redirect("second_factor:account" if is_verified(request) else _with_next("second_factor:verify", next_url))
    key = request.session.get(SETUP_KEY, "")
    if not authenticator_key_is_valid(key):
        # Kept in the session, not the database, until a code shows the phone has it.
        key = request.session[SETUP_KEY] = random_hex(20)
    form = SecondFactorCodeForm(request.POST or None, recovery=False)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = authenticator_confirm(user=request.user, key=key, code=form.cleaned_data["code"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session.cycle_key()
            django_otp.login(request, device)
            request.session[VOLUNTARY_KEY] = True
            del request.session[SETUP_KEY]
            request.session[NEW_CODES_KEY] = {"codes": codes, "next": next_url}
            return redirect("second_factor:codes")
    device = TOTPDevice(user=request.user, key=key)
    secret = b32encode(unhexlify(key)).decode()
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": _qr_svg(device),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "required": scope_for(request.user).needs_second_factor,
    }
    return render(request, "registration/second_factor_setup.html", context)


@login_required
def second_factor_codes_page(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once (the session forgets them here): print or write them down."""
    shown = request.session.pop(NEW_CODES_KEY, None)
    if not shown:
        return redirect("second_factor:account")
    codes = [f"{code[:4]} {code[4:]}" for code in shown["codes"]]
    return render(request, "registration/second_factor_codes.html", {"codes": codes, "next": shown["next"]})


@login_required
def second_factor_account_page(request: HttpRequest) -> HttpResponse:
    """Whether the second factor is on, how many recovery codes are left, and new codes after a
    current code (so a session left open on a shared computer cannot print them)."""
    user = request.user
    has_authenticator = authenticator_of(user) is not None
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST":
        if not has_authenticator:
            return redirect("second_factor:setup")
        if form.is_valid():
            try:
                second_factor_verify(user=user, code=form.cleaned_data["code"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                codes = recovery_codes_replace(user=user)
                request.session[NEW_CODES_KEY] = {"codes": codes, "next": reverse("second_factor:account")}
                return redirect("second_factor:codes")
    context = {
        "form": form,
        "is_on": has_authenticator,
        "required": scope_for(user).needs_second_factor,
        "remaining": remaining_recovery_codes(user) if has_authenticator else 0,
    }
    return render(request, "registration/second_factor_account.html", context)
