"""What a user may see: the one scoping function every queryset passes through.

`visible_to(user, queryset)` asks the queryset's own `scoped(scope)` method, so each model
states its rule next to its fields, and every view gets it the same way. What is not visible
answers 404, never 403: another organisation's ids are not confirmed to exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from django.conf import settings
from django.db.models import QuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

Q = TypeVar("Q", bound=QuerySet)

# Role codes are repeated here (not imported from orgs) so core stays at the bottom of the
# dependency order; orgs.roles asserts they agree.
MANAGER_ROLE_CODES = frozenset({"head", "director", "deputy", "methodist"})
# Who reads an organisation's audit log (qamqor/audit): its head; a system administrator reads all.
AUDIT_ROLE_CODES = frozenset({"head", "director"})
# Who must sign in with a second factor (issue 9, item 2): staff who read social records (the
# head and the social pedagogue, DESIGN.md "Confidentiality"), the director, who holds the head's
# powers in a school; and, whatever their roles, administrators (`Scope.needs_second_factor`).
SECOND_FACTOR_ROLE_CODES = frozenset({"head", "director", "social_pedagogue"})


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    is_superuser: bool = False
    is_staff: bool = False  # may open the Django admin
    # organisation id -> the role codes the user holds there
    roles_by_org: dict[int, frozenset[str]] = field(default_factory=dict)
    membership_ids: frozenset[int] = frozenset()
    district_ids: frozenset[int] = frozenset()
    region_ids: frozenset[int] = frozenset()
    # organisation id -> its name by language code, for the organisation switcher
    organization_names: dict[int, dict[str, str]] = field(default_factory=dict)
    # The organisations where a joint plan gives this user children's social records to read
    # (qamqor/social, issue 6 item 6): granted for the current academic year, with the rule on.
    joint_social_org_ids: frozenset[int] = frozenset()

    @property
    def staff_org_ids(self) -> frozenset[int]:
        return frozenset(self.roles_by_org)

    @property
    def manager_org_ids(self) -> frozenset[int]:
        return frozenset(org for org, roles in self.roles_by_org.items() if roles & MANAGER_ROLE_CODES)

    def roles_in(self, organization_id: int) -> frozenset[str]:
        return self.roles_by_org.get(organization_id, frozenset())

    def manages(self, organization_id: int) -> bool:
        return bool(self.roles_in(organization_id) & MANAGER_ROLE_CODES)

    def reads_audit(self, organization_id: int | None) -> bool:
        return self.is_superuser or bool(organization_id and self.roles_in(organization_id) & AUDIT_ROLE_CODES)

    @property
    def needs_second_factor(self) -> bool:
        """Must this user pass a second factor (qamqor/core/second_factor.py) before any page?
        Administrators, and anyone holding a SECOND_FACTOR_ROLE_CODES role in any organisation.
        Others may turn it on for themselves; then it is asked of them too. A psychologist or class
        teacher who reads social records through a joint plan is asked it too, as the social
        pedagogue is."""
        return (
            self.is_superuser
            or self.is_staff
            or bool(self.joint_social_org_ids)
            or any(roles & SECOND_FACTOR_ROLE_CODES for roles in self.roles_by_org.values())
        )

    def journal_visibility(self, organization_id: int) -> str:
        """What part of an organisation's journal this user sees, as a short text: all of it
        (a manager), or the requests routed to their memberships. Two users with the same text
        see the same rows, so it is part of the journal's cache key."""
        if self.manages(organization_id):
            return "all"
        return "routed-" + "-".join(map(str, sorted(self.membership_ids)))


EMPTY_SCOPE = Scope(user_id=None)


def scope_for(user: AbstractBaseUser | AnonymousUser) -> Scope:
    """The user's roles, read once per request and kept on the user object."""
    if not user.is_authenticated:
        return EMPTY_SCOPE
    cached = getattr(user, "_qamqor_scope", None)
    if cached is not None:
        return cached
    from qamqor.core.academic_year import current_academic_year
    from qamqor.orgs.models import Membership  # core sits below orgs; imported lazily on purpose

    roles: dict[int, set[str]] = {}
    names: dict[int, dict[str, str]] = {}
    membership_ids, districts, regions, joint_orgs = set(), set(), set(), set()
    name_columns = [f"organization__name_{code}" for code, _name in settings.LANGUAGES]
    this_year = current_academic_year()
    # The social service's joint-plan grants and its switch come in the same query, by relation
    # name (core does not import the social app): a LEFT JOIN, one row per grant, usually none.
    for m in Membership.objects.filter(user_id=user.pk, is_active=True).values_list(
        "id",
        "role",
        "organization_id",
        "district_id",
        "region_id",
        "social_joint_access__academic_year",
        "organization__social_settings__joint_plan_access",
        *name_columns,
    ):
        membership_id, role, org_id, district_id, region_id, grant_year, joint_on, *org_names = m
        membership_ids.add(membership_id)
        if org_id and joint_on and grant_year == this_year:
            joint_orgs.add(org_id)
        if org_id:
            roles.setdefault(org_id, set()).add(role)
            names[org_id] = {code: name for (code, _name), name in zip(settings.LANGUAGES, org_names) if name}
        if district_id:
            districts.add(district_id)
        if region_id:
            regions.add(region_id)
    scope = Scope(
        user_id=user.pk,
        is_superuser=user.is_superuser,
        is_staff=user.is_staff,
        roles_by_org={org: frozenset(r) for org, r in roles.items()},
        membership_ids=frozenset(membership_ids),
        district_ids=frozenset(districts),
        region_ids=frozenset(regions),
        organization_names=names,
        joint_social_org_ids=frozenset(joint_orgs),
    )
    user._qamqor_scope = scope  # type: ignore[union-attr]
    return scope


def visible_to(user: AbstractBaseUser | AnonymousUser, queryset: Q) -> Q:
    """The rows of `queryset` this user may see, by the model's own `scoped()` rule."""
    return queryset.scoped(scope_for(user))  # type: ignore[attr-defined]
