"""In a phone-sized Chromium (qamqor/core/testing/browser.py): a parent finds a group session on
the consultation point's page, signs up with their child, sees the place behind the private link
(with the online session's link, shown nowhere else) and gives it back."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from qamqor.core.testing import factories as f
from qamqor.core.testing.browser import assert_heading_order, assert_labelled_fields, save_screenshot
from qamqor.scheduling.models import Participant
from qamqor.scheduling.sessions import session_schedule

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keep the migrations' regions and topics


def test_a_parent_signs_up_for_an_online_session_on_a_phone(page, kindergarten, psychologist):
    session = session_schedule(
        organization=kindergarten,
        format="online_play",
        specialists=[psychologist],
        starts_at=f.at(f.next_working_monday(), "10:00"),
        booked_by=None,
        capacity=3,
        meeting_url="https://meet.example.kz/duman-8",
        public_sign_up=True,
    )
    point = kindergarten.consultation_point
    with translation.override("kk"):
        open_sessions = gettext("Sessions open to sign-up")
        details = gettext("Details and sign-up")
        consent = gettext("I agree to the processing of my and my child's personal data as written above.")
        sign_up = gettext("Sign up")
        cancel = gettext("Cancel my place")
        cancelled = gettext("Your place is cancelled.")
    page.goto(reverse("portal:point", args=[point.pk]))
    page.get_by_role("link", name=open_sessions).click()
    page.wait_for_url(f"**{reverse('portal:point_sessions', args=[point.pk])}")
    assert "meet.example.kz" not in page.content()
    assert_heading_order(page)
    page.get_by_role("link", name=details).click()
    page.locator("#id_parent_full_name").fill("Сейтқали Динара")
    page.locator("#id_phone").fill("8 701 123 45 67")
    page.locator("#id_child_full_name").fill("Сейтқали Әлихан")
    page.locator("#id_child_birth_date").fill("2021-03-14")
    page.locator("#id_child_sex").select_option("m")
    page.get_by_label(consent).check()
    assert_labelled_fields(page)
    button = page.get_by_role("button", name=sign_up, exact=True)
    box = button.bounding_box()
    assert box["height"] >= 44  # a finger's target on a 390 px screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    save_screenshot(page, "portal-session-sign-up-kk")
    button.click()
    page.wait_for_url("**/my/sessions/**")
    assert page.get_by_role("link", name="https://meet.example.kz/duman-8").is_visible()
    participant = Participant.objects.get(appointment=session)
    assert participant.is_active and participant.child.full_name == "Сейтқали Әлихан"
    assert participant.parent.phone == "+77011234567"
    save_screenshot(page, "portal-my-session-kk")
    page.get_by_role("button", name=cancel).click()
    page.get_by_text(cancelled, exact=True).wait_for()
    participant.refresh_from_db()
    assert not participant.is_active
    assert page.get_by_role("link", name="https://meet.example.kz/duman-8").count() == 0
