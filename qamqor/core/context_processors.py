from __future__ import annotations

from django.http import HttpRequest

from qamqor.core.scoping import scope_for


def qamqor(request: HttpRequest) -> dict:
    """What the base template needs: the user's roles for the menu, nothing queried eagerly."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = getattr(request, "scope", None) or scope_for(user)
    org_id = getattr(request, "organization_id", None)
    roles = scope.roles_in(org_id) if org_id else frozenset()
    return {
        "is_manager": bool(org_id and scope.manages(org_id)),
        "current_roles": roles,
        "has_several_organizations": len(scope.staff_org_ids) > 1,
    }
