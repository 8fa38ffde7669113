"""Joint-plan access (issue 6, item 6): which children's social records a psychologist or a
class teacher may read because a joint plan gives them those children.

The rule holds only while the organisation has turned it on (SocialSettings) and only in the
grant's academic year: when the year ends, the access ends with it, without anyone acting.
"""

from __future__ import annotations

import datetime as dt

from qamqor.core.academic_year import academic_year_of
from qamqor.core.scoping import Scope
from qamqor.social.models import Enrolment, JointAccess


def live_grants(*, scope: Scope, organization_id: int, today: dt.date):
    """This user's grants in the organisation that give access today."""
    return JointAccess.objects.filter(
        organization_id=organization_id,
        member_id__in=scope.membership_ids,
        academic_year=academic_year_of(today),
        organization__social_settings__joint_plan_access=True,
    )


def joint_child_ids(*, scope: Scope, organization_id: int, today: dt.date) -> frozenset[int]:
    """The children the user's live grants give (named children, and a class's children as of
    today), read in one query."""
    if organization_id not in scope.joint_social_org_ids:  # read with the roles (core/scoping.py)
        return frozenset()
    grants = live_grants(scope=scope, organization_id=organization_id, today=today)
    named = JointAccess.children.through.objects.filter(jointaccess__in=grants).values_list("child_id", flat=True)
    in_class = Enrolment.objects.filter(school_class__joint_access__in=grants).on(today).values_list("child_id", flat=True)
    return frozenset(named.order_by().union(in_class.order_by()))
