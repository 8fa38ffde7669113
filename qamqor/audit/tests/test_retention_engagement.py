"""Retention and erasure reach the family-engagement app's personal data (qamqor/engagement/privacy.py):
event sign-ups keep their event, status and attendance (the participation figures of past
periods stay), and lose the name and the phone; ideas lose their author's name."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qamqor.audit.services import family_anonymise, retention_apply
from qamqor.audit.tests.conftest import database_rows_holding
from qamqor.audit.tests.test_retention import later
from qamqor.engagement import services
from qamqor.engagement.models import Event, Idea, Registration
from qamqor.engagement.selectors import participation
from qamqor.engagement.tests.factories import event


@pytest.fixture
def sign_ups(family, kindergarten):
    """The family came to a held event (linked to the parent by the phone) and signed up for a
    coming one; a stranger, on nobody's register, signed up too."""
    past = event(kindergarten)
    came = services.registration_create(event=past, full_name="Әбенова Мадина", phone="+77015551234", by=None)
    stranger = services.registration_create(event=past, full_name="Бөтен Әже", phone="+77019998877", by=None)
    on = timezone.now() - dt.timedelta(days=3)  # then it took place (recorded after the fact)
    Event.objects.filter(pk=past.pk).update(starts_at=on, ends_at=on + dt.timedelta(hours=1), status=Event.Status.HELD)
    services.registration_set_attended(registration=came, attended=True)
    coming = event(kindergarten, days=400)  # still ahead when the retention runs below
    services.registration_create(event=coming, full_name="Мадина Ә.", phone="+77015551234", by=None)
    return {"came": came, "stranger": stranger, "past": past}


def test_a_familys_erasure_anonymises_its_sign_ups_and_keeps_the_figures(family, kindergarten, sign_ups):
    day = timezone.localdate()
    figures = participation(organization_id=kindergarten.pk, start=day - dt.timedelta(days=10), end=day)
    assert sign_ups["came"].parent_id == family["parent"].pk

    counts = family_anonymise(parent=family["parent"], reason="erasure")

    assert counts["registrations_anonymised"] == 2
    assert database_rows_holding("Әбенова Мадина", "Мадина Ә.", "7015551234") == []
    came = Registration.objects.get(pk=sign_ups["came"].pk)
    assert (came.attended, came.parent_id, came.status) == (True, family["parent"].pk, "registered")
    assert participation(organization_id=kindergarten.pk, start=day - dt.timedelta(days=10), end=day) == figures
    assert Registration.objects.get(pk=sign_ups["stranger"].pk).phone == "+77019998877"  # not this family's


def test_retention_clears_old_sign_ups_and_idea_names_and_a_dry_run_only_counts(kindergarten, sign_ups):
    Idea.objects.create(organization=kindergarten, text="Ертегі кеші", name="Бөтен Әже")

    dry = retention_apply(organization=kindergarten, dry_run=True, now=later(37))
    assert dry.counts["registrations_anonymised"] == 2  # the held event's; the coming one is not over
    assert dry.counts["idea_names_erased"] == 1
    assert Registration.objects.filter(full_name="Бөтен Әже").exists()

    run = retention_apply(organization=kindergarten, now=later(37))
    # The held event's two sign-ups (the family's and the stranger's) are old; the family itself
    # stays, signed up for the coming event, and so does that sign-up.
    assert "parents_anonymised" not in run.counts
    assert Registration.objects.filter(event__ends_at__gt=timezone.now() + dt.timedelta(days=300), phone="+77015551234").exists()
    assert run.counts["registrations_anonymised"] == 2 and run.counts["idea_names_erased"] == 1
    assert database_rows_holding("Бөтен Әже", "7019998877") == []
    assert Idea.objects.get().text == "Ертегі кеші"  # the idea itself stays, without its author
    again = retention_apply(organization=kindergarten, now=later(37))
    assert "registrations_anonymised" not in again.counts and "idea_names_erased" not in again.counts


def test_the_heads_page_names_the_engagement_counts(kindergarten, sign_ups, head, client):
    from django.urls import reverse

    retention_apply(organization=kindergarten, now=later(37))
    client.force_login(head.user)
    page = client.get(reverse("audit:privacy")).content.decode()
    assert "іс-шараға тіркелулер иесіздендірілді" in page  # the app's own label, not its key
    assert "registrations_anonymised" not in page


def test_a_recent_sign_up_or_award_keeps_the_family_out_of_retention(family, kindergarten, head):
    from qamqor.audit.services import _months_before, families_past_retention
    from qamqor.engagement.models import Award
    from qamqor.engagement.recognition import award_give

    cutoff = _months_before(later(37), kindergarten.retention_months)
    assert families_past_retention(kindergarten, cutoff).filter(pk=family["parent"].pk).exists()

    coming = event(kindergarten, days=400)  # the family signed up for an event still ahead then
    registration = services.registration_create(event=coming, full_name="Әбенова Мадина", phone="+77015551234", by=None)
    assert not families_past_retention(kindergarten, cutoff).filter(pk=family["parent"].pk).exists()

    services.registration_cancel(registration=registration)
    Registration.objects.filter(pk=registration.pk).delete()
    assert families_past_retention(kindergarten, cutoff).filter(pk=family["parent"].pk).exists()
    award = award_give(
        organization=kindergarten,
        academic_year=2026,
        kind=Award.Kind.MOST_ACTIVE_PARENT,
        parent=family["parent"],
        reason="Белсенді",
        by=head.user,
    )
    Award.objects.filter(pk=award.pk).update(decided_at=later(36))  # decided long after the consultation
    assert not families_past_retention(kindergarten, cutoff).filter(pk=family["parent"].pk).exists()


def test_my_data_shows_and_exports_the_familys_sign_ups_and_awards(family, kindergarten, sign_ups, head, client):
    """The right of access covers the engagement app's records (engagement/privacy.py registers
    them with portal.selectors.parent_data)."""
    import json

    from django.urls import reverse

    from qamqor.engagement.models import Award
    from qamqor.engagement.recognition import award_give
    from qamqor.portal.links import manage_token

    award_give(
        organization=kindergarten,
        academic_year=2026,
        kind=Award.Kind.FRIENDLY_FAMILY,
        parent=family["parent"],
        reason="Тату отбасы",
        by=head.user,
    )
    token = manage_token(family["held"])
    page = client.get(reverse("portal:my_data", args=[token])).text
    assert page.count("Ата-аналар жиналысы") == 2  # both sign-ups: the held event and the coming one
    assert "Бөтен Әже" not in page  # the stranger's sign-up for the same event is not theirs
    data = json.loads(client.get(reverse("portal:my_data_download", args=[token])).content)
    assert {r["full_name"] for r in data["event_registrations"]} == {"Әбенова Мадина", "Мадина Ә."}
    assert [r["attended"] for r in data["event_registrations"]] == [True, False]
    assert data["recognition"][0]["kind"] == "friendly_family" and data["recognition"][0]["reason"] == "Тату отбасы"


def test_my_data_shows_and_exports_the_familys_visits_to_the_administration(family, kindergarten, head, client):
    import json

    from django.urls import reverse

    from qamqor.core.testing import factories as f
    from qamqor.engagement.reception import reception_book
    from qamqor.portal.links import manage_token
    from qamqor.scheduling.services import free_slots

    f.weekly_hours(head, start="15:00", end="17:00", kind="reception")
    slots = free_slots(specialists=[head], start=f.next_working_monday(), days=7, kind="reception")
    for n, phone in enumerate((family["parent"].phone, "+77019990000")):
        reception_book(
            organization=kindergarten,
            host=head,
            starts_at=slots[n].starts_at,
            full_name="Әбенова Мадина" if n == 0 else "Бөтен Әже",
            phone=phone,
            topic="Тамақтану",
            client_address=f"10.8.0.{n}",
        )
    token = manage_token(family["held"])
    page = client.get(reverse("portal:my_data", args=[token])).text
    assert head.person_name in page
    data = json.loads(client.get(reverse("portal:my_data_download", args=[token])).content)
    assert [v["full_name"] for v in data["reception_visits"]] == ["Әбенова Мадина"]
