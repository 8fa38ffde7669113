from __future__ import annotations

from typing import NamedTuple

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from modeltranslation.utils import resolution_order

from qamqor.core.access import current_organization_id
from qamqor.core.scoping import scope_for
from qamqor.core.second_factor import is_verified, needs_second_factor


class OrganizationName(NamedTuple):
    pk: int
    name: str


def qamqor(request: HttpRequest) -> dict:
    """What the base template needs: the user's roles for the menu and the names of their
    organisations (built only where a template calls my_organizations)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = getattr(request, "scope", None) or scope_for(user)
    # Set by the staff decorators (core/access.py); a page behind login_required alone (the
    # audit log, the second factor's account page) shows the same menu for the same organisation.
    org_id = getattr(request, "organization_id", None) or current_organization_id(request, scope)

    def organizations() -> list[OrganizationName]:
        # The names came with the user's roles (scope_for): no query of their own.
        order = resolution_order(translation.get_language() or settings.LANGUAGE_CODE)
        named = [
            OrganizationName(pk, next((by_language[code] for code in order if code in by_language), ""))
            for pk, by_language in scope.organization_names.items()
        ]
        return sorted(named, key=lambda org: org.name)

    return {
        "is_manager": bool(org_id and scope.manages(org_id)),
        "is_officer": bool(scope.district_ids or scope.region_ids),
        "reads_audit": scope.reads_audit(org_id),
        "is_consultant": bool(org_id and scope.roles_in(org_id) - {"secretary", "director", "deputy"}),
        # The social service's restricted area (qamqor/social: SOCIAL_ROLE_CODES).
        "is_social": bool(org_id and scope.roles_in(org_id) & {"social_pedagogue", "head", "director"}),
        # Children's social records a joint plan gives a psychologist or class teacher (read with the roles).
        "reads_joint_social": bool(org_id and org_id in scope.joint_social_org_ids),
        "my_organizations": organizations,
        "current_organization_id": org_id,
        # Before the second factor is passed, the bar loads nothing by itself (the unread badge's
        # htmx call would be answered with a redirect to the verify page, taking the person off
        # the set-up page).
        "second_factor_pending": needs_second_factor(request) and not is_verified(request),
    }
