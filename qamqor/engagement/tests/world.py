"""Records for the project's access matrix (qamqor/core/tests/test_access_matrix.py): made on
demand for one organisation, inside the test's transaction (rolled back after each test)."""

from __future__ import annotations

from qamqor.core.testing.factories import ParentFactory
from qamqor.engagement import services
from qamqor.engagement.links import registration_token
from qamqor.engagement.tests.factories import event
from qamqor.engagement.tests.recognition_world import award, honor_entry


def event_pk(org) -> list:
    return [event(org.point.organization, capacity=5).pk]


def _registration(org):
    made = event(org.point.organization, capacity=5)
    return services.registration_create(event=made, full_name="Әбенова Мадина", phone="+77015559999", client_address="10.9.9.9")


def registration_pk(org) -> list:
    return [_registration(org).pk]


def registration_link(org) -> list:
    return [registration_token(_registration(org))]


def idea_pk(org) -> list:
    idea = services.idea_submit(organization=org.point.organization, text="Әкелер клубын ашу", client_address="10.9.9.8")
    return [idea.pk]


def organization_pk(org) -> list:
    return [org.point.organization_id]


def public_event(org) -> list:
    return [event(org.point.organization).pk]


def award_pk(org) -> list:
    # A parent of their own: the same award goes to a parent once a year.
    return [award(org.point.organization, ParentFactory(organization=org.point.organization)).pk]


def honor_entry_pk(org) -> list:
    return [honor_entry(org.point.organization, org.parent).pk]


def _reception_visit(org):
    from qamqor.core.testing import factories as f
    from qamqor.engagement.reception import reception_book
    from qamqor.scheduling.services import free_slots

    organization = org.point.organization
    deputy = f.staff(organization, "deputy")
    f.weekly_hours(deputy, start="15:00", end="17:00", kind="reception")
    slot = free_slots(specialists=[deputy], start=f.next_working_monday(), days=7, kind="reception")[0]
    return reception_book(
        organization=organization,
        host=deputy,
        starts_at=slot.starts_at,
        full_name="Әбенова Мадина",
        phone="+77015559999",
        topic="Тамақтану",
        client_address="10.9.9.7",
    )


def reception_visit_pk(org) -> list:
    return [_reception_visit(org).pk]


def reception_link(org) -> list:
    from qamqor.engagement.links import reception_token

    return [reception_token(_reception_visit(org))]
