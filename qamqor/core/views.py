from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from qamqor.core.access import SESSION_KEY, current_organization_id
from qamqor.core.forms import LoginForm
from qamqor.core.scoping import scope_for


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
