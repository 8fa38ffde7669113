"""Decorators that admit staff to back-office pages and tell each view where it works."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from qamqor.core.scoping import Scope, scope_for

SESSION_KEY = "qamqor_organization_id"


def current_organization_id(request: HttpRequest, scope: Scope) -> int | None:
    """The organisation the user works in now: chosen in the session, or their first one."""
    if not scope.staff_org_ids:
        return None
    wanted = request.session.get(SESSION_KEY)
    return wanted if wanted in scope.staff_org_ids else min(scope.staff_org_ids)


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A logged-in person with a role in an organisation; sets request.scope and
    request.organization_id for the view."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        scope = scope_for(request.user)
        org_id = current_organization_id(request, scope)
        if org_id is None:
            raise PermissionDenied
        request.scope = scope  # type: ignore[attr-defined]
        request.organization_id = org_id  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


def manager_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Staff who run the journal (head, director, deputy, methodist) in the current organisation."""

    @staff_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.scope.manages(request.organization_id):  # type: ignore[attr-defined]
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def roles_required(roles: Iterable[str]) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Staff holding one of `roles` (role codes) in the current organisation; like
    staff_required, it sets request.scope and request.organization_id."""
    wanted = frozenset(roles)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @staff_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.scope.roles_in(request.organization_id) & wanted:  # type: ignore[attr-defined]
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
