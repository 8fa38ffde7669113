from __future__ import annotations

from django.http import HttpRequest

from qamqor.core.scoping import scope_for


def qamqor(request: HttpRequest) -> dict:
    """What the base template needs: the user's roles for the menu and, lazily, the names of
    their organisations (templates call the lambdas only where they are shown)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = getattr(request, "scope", None) or scope_for(user)
    org_id = getattr(request, "organization_id", None)

    def organizations():
        from qamqor.orgs.models import Organization

        return list(Organization.objects.filter(pk__in=scope.staff_org_ids).order_by("name"))

    def current_organization():
        return next((o for o in organizations() if o.pk == org_id), None)

    return {
        "is_manager": bool(org_id and scope.manages(org_id)),
        "is_officer": bool(scope.district_ids or scope.region_ids),
        "is_consultant": bool(org_id and scope.roles_in(org_id) - {"secretary", "director", "deputy"}),
        "my_organizations": organizations,
        "current_organization": current_organization,
        "current_organization_id": org_id,
    }
