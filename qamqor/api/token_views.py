"""The organisation's API tokens in the back office: its managers (head, director, deputy,
methodist) list them, issue one (shown once, on the page that answers the form) and revoke one.
The system administrator still has the admin for every organisation's tokens."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from qamqor.api.forms import ApiTokenIssueForm
from qamqor.api.models import ApiToken
from qamqor.api.services import api_token_issue, api_token_revoke, api_token_roles_givable
from qamqor.core.access import manager_required
from qamqor.core.actions import run_and_report
from qamqor.core.forms import add_service_errors
from qamqor.core.scoping import visible_to
from qamqor.orgs.models import Organization


def _tokens(request: HttpRequest):
    """The current organisation's tokens, through the scoping rule (ApiTokenQuerySet.scoped)."""
    return visible_to(request.user, ApiToken.objects.filter(organization_id=request.organization_id))  # type: ignore[attr-defined]


def get_token_for(request: HttpRequest, pk: int) -> ApiToken:
    """The token, if it is the current organisation's and this user manages it; 404 otherwise."""
    return get_object_or_404(_tokens(request).select_related("created_by", "revoked_by"), pk=pk)


@manager_required
def token_list(request: HttpRequest) -> HttpResponse:
    """The list, and the form that issues a token. The raw token is on the answer to the form
    only: it is not kept anywhere (not even in the session) to be shown again."""
    held = set(request.scope.roles_in(request.organization_id))  # type: ignore[attr-defined]
    givable = api_token_roles_givable(by=request.user, held=held)
    form = ApiTokenIssueForm(request.POST if request.method == "POST" else None, givable=givable)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = api_token_issue(
                organization=Organization.objects.get(pk=request.organization_id),  # type: ignore[attr-defined]
                name=form.cleaned_data["name"],
                roles=form.cleaned_data["roles"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form = ApiTokenIssueForm(givable=givable)
    # The tokens in force first (NULLs first on every database), each group newest first.
    tokens = (
        _tokens(request)
        .select_related("created_by", "revoked_by")
        .order_by(F("revoked_at").desc(nulls_first=True), "-created_at", "-pk")
    )
    status = 400 if form.is_bound and form.errors else 200
    response = render(request, "api/tokens.html", {"form": form, "tokens": tokens, "issued": issued}, status=status)
    # The raw token must stay in no cache, whoever is signed in (the middleware's rule aside).
    add_never_cache_headers(response)
    return response


@manager_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what revoking means, and the button; POST: revoke it (the token stops working at once)."""
    token = get_token_for(request, pk)
    if request.method == "POST":
        run_and_report(
            request,
            lambda: api_token_revoke(token=token, by=request.user),
            _("The token «%(name)s» is revoked: it no longer opens the API.") % {"name": token.name},
        )
        return redirect("api_tokens:list")
    if not token.is_active:
        messages.info(request, _("The token «%(name)s» was revoked already.") % {"name": token.name})
        return redirect("api_tokens:list")
    return render(request, "api/token_revoke.html", {"token": token})
