"""The retention period: families with no activity for longer than their organisation keeps
their data are anonymised (the journal's rows stay as numbered records), what nothing needs is
deleted, each run is recorded, and a dry run changes nothing."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from qamqor.audit.models import RetentionRun
from qamqor.audit.services import ANONYMISED, _months_before, families_past_retention, retention_apply
from qamqor.audit.tests.conftest import SECRETS, database_rows_holding
from qamqor.core.scoping import scope_for
from qamqor.core.testing import factories as f
from qamqor.families.models import Child, Consent, Parent
from qamqor.journal.models import Request, StatusChange
from qamqor.journal.services import request_intake
from qamqor.portal.models import Feedback, Question
from qamqor.reports.selectors import request_counts_by_organization
from qamqor.scheduling.models import Appointment

pytestmark = pytest.mark.django_db


@pytest.fixture
def region_officer_scope(district_officer):
    return scope_for(district_officer.user)


def later(months: int) -> dt.datetime:
    """A moment at least `months` calendar months from now: everything done today is that old then."""
    return timezone.now() + dt.timedelta(days=31 * months)


def journal_state(organization) -> list[tuple]:
    return list(
        Request.objects.filter(organization=organization)
        .order_by("pk")
        .values_list("academic_year", "number", "received_at", "channel", "topic_id", "status", "closed_at")
    )


def test_a_family_past_the_period_is_anonymised_and_nothing_personal_stays(family, kindergarten, region_officer_scope):
    year = family["held"].academic_year
    journal, counts = journal_state(kindergarten), request_counts_by_organization(region_officer_scope, year)
    assert database_rows_holding(*SECRETS)  # the test sees them before

    run = retention_apply(organization=kindergarten, now=later(37))

    assert database_rows_holding(*SECRETS) == []
    parent = Parent.objects.get(pk=family["parent"].pk)
    assert (parent.full_name, parent.phone, parent.email) == (ANONYMISED, "", "")
    assert parent.anonymised_at is not None
    child = Child.objects.get(pk=family["child"].pk)
    assert (child.full_name, child.iin, child.birth_date, child.sex) == (ANONYMISED, "", dt.date(2005, 1, 1), "m")
    # The journal: the same rows, numbers, dates, topics and statuses; the counts stay right.
    assert journal_state(kindergarten) == journal
    assert request_counts_by_organization(region_officer_scope, year) == counts
    held = Request.objects.get(pk=family["held"].pk)
    assert (held.question, held.recommendations, held.outcome) == (ANONYMISED, "", "")
    assert Feedback.objects.get(request=held).rating == 5
    assert Appointment.objects.filter(request=held, status="done").count() == 1
    assert not Parent.objects.consenting().filter(pk=parent.pk).exists()
    # The audit log still says who did what to which record, without the values.
    entries = LogEntry.objects.filter(additional_data__parent_id=parent.pk)
    assert entries.filter(action=LogEntry.Action.CREATE).count() >= 4
    assert run.counts == {
        "parents_anonymised": 1,
        "children_anonymised": 1,
        "requests_anonymised": 2,
        "feedback_anonymised": 1,
        "audit_entries_redacted": run.counts["audit_entries_redacted"],
    }
    assert run.counts["audit_entries_redacted"] > 0 and not run.dry_run and run.finished_at


def test_a_family_within_the_period_or_with_an_open_request_is_left(family, kindergarten, methodist):
    assert retention_apply(organization=kindergarten, now=later(35)).counts == {}
    assert Parent.objects.get(pk=family["parent"].pk).full_name == "Әбенова Мадина Серікқызы"
    request_intake(
        organization=kindergarten,
        channel="phone",
        parent=family["parent"],
        topic=f.topic("speech"),
        question="тағы",
        received_by=methodist.user,
        received_at=timezone.now() - dt.timedelta(days=1),
    )
    # Years later, the request is still open: the staff are still working with the family.
    assert not families_past_retention(kindergarten, later(100)).exists()


def test_the_organisations_own_period_counts(family, kindergarten):
    kindergarten.retention_months = 12
    kindergarten.save()
    run = retention_apply(organization=kindergarten, now=later(13))
    assert run.retention_months == 12 and run.counts["parents_anonymised"] == 1


@override_settings(QAMQOR_RETENTION_MONTHS=60)
def test_a_new_organisation_takes_the_period_from_the_setting():
    assert f.OrganizationFactory().retention_months == 60


def test_the_last_activity_is_the_latest_of_all_the_familys_records(family, kindergarten):
    # Feedback given later than everything else keeps the family for the period after it.
    Feedback.objects.filter(request=family["held"]).update(given_at=later(10))
    assert not families_past_retention(kindergarten, _months_before(later(37), 36)).exists()
    assert families_past_retention(kindergarten, _months_before(later(47), 36)).exists()


def test_what_nothing_needs_is_deleted(kindergarten, methodist):
    served = f.ParentFactory(organization=kindergarten, full_name="Жоқ Адам")
    never_served = f.ParentFactory(organization=kindergarten, full_name="Тіркелген Бірақ")
    f.ChildFactory(parent=never_served, full_name="Ешкімге Керексіз")
    spare_child = f.ChildFactory(parent=served, full_name="Аталмаған Бала")
    request_intake(
        organization=kindergarten, channel="phone", parent=served, topic=f.topic("speech"), question="?", received_by=None
    )
    Request.objects.filter(parent=served).update(status="done")
    run = retention_apply(organization=kindergarten, now=later(40))
    assert not Parent.objects.filter(pk=never_served.pk).exists()
    assert not Consent.objects.filter(parent_id=never_served.pk).exists()
    assert not Child.objects.filter(pk=spare_child.pk).exists()
    assert Parent.objects.get(pk=served.pk).full_name == ANONYMISED
    assert run.counts["parents_deleted"] == 1 and run.counts["children_deleted"] == 2
    assert database_rows_holding("Тіркелген Бірақ", "Ешкімге Керексіз", "Аталмаған Бала", "Жоқ Адам") == []


def test_a_dry_run_changes_nothing_but_records_itself(family, kindergarten):
    def snapshot():
        return [
            list(model.objects.order_by("pk").values())
            for model in (Parent, Child, Consent, Request, StatusChange, Appointment, Feedback, Question, LogEntry)
        ]

    before = snapshot()
    run = retention_apply(organization=kindergarten, dry_run=True, now=later(37))
    assert snapshot() == before
    assert run.dry_run and run.counts == {"parents_anonymised": 1, "requests_anonymised": 2}
    assert RetentionRun.objects.count() == 1


def test_a_second_run_finds_nothing_more(family, kindergarten):
    retention_apply(organization=kindergarten, now=later(37))
    state = [list(m.objects.order_by("pk").values()) for m in (Parent, Child, Request, LogEntry)]
    again = retention_apply(organization=kindergarten, now=later(37))
    assert again.counts == {}
    assert [list(m.objects.order_by("pk").values()) for m in (Parent, Child, Request, LogEntry)] == state


def test_questions_past_the_period_lose_their_contacts(kindergarten):
    question = Question.objects.create(
        organization=kindergarten, text="Қалай?", name="Сұраушы Ана", phone="+77015550077", email="ask@example.com"
    )
    run = retention_apply(organization=kindergarten, now=later(37))
    question.refresh_from_db()
    assert (question.text, question.name, question.phone, question.email) == ("Қалай?", "", "", "")
    assert run.counts["questions_anonymised"] == 1
    assert database_rows_holding("Сұраушы Ана", "7015550077", "ask@example.com") == []


def test_the_run_logs_counts_and_no_personal_data(family, kindergarten, caplog):
    with caplog.at_level(logging.INFO, logger="qamqor.audit.services"):
        retention_apply(organization=kindergarten, now=later(37))
    (line,) = [r.getMessage() for r in caplog.records if r.name == "qamqor.audit.services"]
    assert f"organisation={kindergarten.pk}" in line and "parents_anonymised=1" in line
    assert not any(secret in line for secret in SECRETS)


def test_months_before_keeps_the_day_or_takes_the_months_last():
    tz = timezone.get_current_timezone()
    assert _months_before(dt.datetime(2026, 3, 31, 12, tzinfo=tz), 1).date() == dt.date(2026, 2, 28)
    assert _months_before(dt.datetime(2026, 1, 15, 12, tzinfo=tz), 36).date() == dt.date(2023, 1, 15)


def test_the_command_runs_every_organisation_or_one(family, kindergarten, other_kindergarten, capsys):
    call_command("apply_retention", "--dry-run")
    assert RetentionRun.objects.filter(dry_run=True).count() == 2
    call_command("apply_retention", "--organization", str(kindergarten.pk))
    assert RetentionRun.objects.filter(dry_run=False).get().organization == kindergarten
    assert Parent.objects.get(pk=family["parent"].pk).anonymised_at is None  # nothing is 36 months old today
    with pytest.raises(CommandError):
        call_command("apply_retention", "--organization", "999999")


def test_the_audit_log_says_the_family_was_anonymised_and_why(family, kindergarten):
    retention_apply(organization=kindergarten, now=later(37))
    entry = LogEntry.objects.filter(additional_data__reason="retention").get()
    assert (entry.object_pk, entry.action, entry.object_repr) == (str(family["parent"].pk), LogEntry.Action.UPDATE, ANONYMISED)
    assert set(entry.changes) == {"full_name", "phone", "email"}


def test_another_apps_eraser_runs_with_the_family(family, kindergarten, monkeypatch):
    from qamqor.audit import services

    seen = []
    monkeypatch.setattr(services, "_other_records", {})
    services.family_eraser_register("registrations_anonymised", lambda parent: seen.append(parent.pk) or 2)
    run = retention_apply(organization=kindergarten, now=later(37))
    assert seen == [family["parent"].pk] and run.counts["registrations_anonymised"] == 2


def test_one_familys_entries_are_found_by_an_index_on_postgresql(family):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the index is created on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        query, params = LogEntry.objects.filter(additional_data__parent_id=family["parent"].pk).query.sql_with_params()
        cursor.execute("EXPLAIN " + query, params)
        plan = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "qamqor_logentry_parent_id" in plan
