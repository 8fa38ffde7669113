"""The admin: every registered model's pages open for the system administrator, and lists
cost the same number of queries however many rows they show."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from qamqor.audit.models import DataRequest, RetentionRun
from qamqor.core.models import User
from qamqor.core.services import recovery_codes_replace
from qamqor.core.testing import factories as f
from qamqor.council.models import Meeting
from qamqor.families.models import Contract
from qamqor.journal.models import JournalCounter, Request, Topic
from qamqor.journal.services import request_complete, request_intake, request_schedule
from qamqor.notify.models import Message as NotifyMessage
from qamqor.orgs.models import Membership
from qamqor.portal.models import Feedback
from qamqor.portal.services import (
    material_create,
    material_publish,
    portal_feedback_give,
    question_answer,
    question_ask,
    question_publish,
)
from qamqor.scheduling.models import Appointment, ClosedDay

# A Monday that is no holiday; booking in the past is allowed for test data.
CONSULTATION = dt.datetime(2025, 11, 17, 10, 0)

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
# Written only by the journal and booking services (numbers without gaps, no double booking),
# and the parents' feedback, their own word given once through their link; the audit log, written
# by the application only (qamqor/audit).
# django-axes' records of logins and failures are written by axes only.
NO_ADD = {Request, JournalCounter, Appointment, Feedback, LogEntry, AccessAttempt, AccessLog, AccessFailureLog}
# What was done with personal data (retention runs, parents' data requests): written by the services only.
NO_ADD |= {RetentionRun, DataRequest}
# Background tasks' results: written by the workers only (django-tasks-db).
NO_ADD |= {DBTaskResult}
# The delivery log of reminders and messages: written by the notify services and workers only.
NO_ADD |= {NotifyMessage}
# Contracts with parents: numbered, drafted, signed and ended by their services only (families/contracts.py).
NO_ADD |= {Contract}
# Meetings of the parent support centre: numbered per academic year by their service only (council/services.py).
NO_ADD |= {Meeting}


@task()
def background_job() -> None:
    """A task for build_world() to enqueue: the task results' admin pages (django-tasks-db)."""


def label(model) -> str:
    return model._meta.label_lower


def build_world(n: int) -> None:
    """One kindergarten with a row of every registered model, made the way the system makes them."""
    organization = f.ConsultationPointFactory().organization
    room = f.RoomFactory(organization=organization)
    methodist = f.staff(organization, "methodist")
    background_job.enqueue()
    psychologist = f.staff(organization, "psychologist")
    f.weekly_hours(psychologist, room=room)
    Membership.objects.create(user=f.UserFactory(), role="district_officer", district=organization.district)
    ClosedDay.objects.create(organization=organization, date=dt.date(2025, 12, 31), note="Жаңа жыл алдында")
    parent = f.ParentFactory(organization=organization)
    child = f.ChildFactory(parent=parent)
    request = request_intake(
        organization=organization,
        channel="phone",
        parent=parent,
        child=child,
        topic=f.topic("speech"),
        question="Бала сөйлемей жүр",
        received_by=methodist.user,
    )
    request_schedule(
        request=request,
        specialists=[psychologist],
        starts_at=timezone.make_aware(CONSULTATION),
        by=methodist.user,
        allow_past=True,
    )
    request_complete(request=request, recommendations="Күнделікті артикуляциялық жаттығулар", by=psychologist.user)
    portal_feedback_give(request=request, rating=5, comment="Рақмет!")
    material = material_create(
        organization=organization,
        by=methodist.user,
        kind="consultation",
        language="kk",
        title_kk="Баланың сөйлеуін дамыту",
        body_kk="Күнде бірге кітап оқыңыз.",
        topics=[f.topic("speech")],
    )
    material_publish(material=material, by=methodist.user)
    question = question_ask(
        point=organization.consultation_point, text="Бала түнде оянады", client_address=f"10.0.0.{n}", may_publish=True
    )
    question_answer(question=question, answer="Күн тәртібін сақтаңыз.", by=psychologist.user)
    question_publish(question=question, by=psychologist.user)
    # An event with a registration, and a parents' idea (qamqor/engagement).
    from qamqor.engagement.services import idea_submit, registration_create
    from qamqor.engagement.tests.factories import event

    registration_create(event=event(organization, capacity=5), full_name="Серікова 1", phone=parent.phone, by=methodist.user)
    idea_submit(organization=organization, text="Әкелер клубын ашу", client_address=f"10.0.2.{n}")
    # An award and an Honor Book entry published with the family's consent (engagement/recognition.py).
    from qamqor.engagement.tests.recognition_world import award, honor_entry

    award(organization, parent, by=methodist.user)
    honor_entry(organization, parent, by=methodist.user)
    # A contract with the parent (families/contracts.py).
    from qamqor.families.contracts import contract_draft

    contract_draft(parent=parent, child=child, language="kk", by=methodist.user)
    # Reminder times and a message in the delivery log (qamqor/notify): the feedback link by SMS.
    from qamqor.notify.services import feedback_plan, reminder_settings_save

    reminder_settings_save(organization_id=organization.pk, first_hours=24, second_hours=2)
    feedback_plan(request_id=request.pk)
    # A parent's download of their data and a retention run, recorded (qamqor/audit).
    from qamqor.audit.services import data_request_export_record, retention_apply

    data_request_export_record(parent=parent, counts={"requests": 1})
    retention_apply(organization=organization, dry_run=True)
    # A class of the social service (qamqor/social); its children's records are not in the admin.
    from qamqor.social.services import class_create

    class_create(organization=organization, academic_year=2025, name=f"5А-{n}")
    # The parent support centre's member and meeting, and a plan approved at it (qamqor/council, qamqor/plans).
    from qamqor.council.services import meeting_create, meeting_set_status, member_add
    from qamqor.plans.services import plan_approve, plan_create, plan_item_create

    member_add(organization=organization, membership=methodist, position="secretary")
    meeting = meeting_set_status(meeting=meeting_create(organization=organization, date=dt.date(2025, 9, 20)), status="held")
    plan = plan_create(organization=organization, academic_year=2025, kind="centre_annual")
    plan_item_create(plan=plan, activity="Ата-аналарға сауалнама", period="months", months=[10])
    plan_approve(plan=plan, meeting=meeting)
    # An integration token (qamqor/api).
    from qamqor.api.services import api_token_issue

    api_token_issue(organization=organization, name=f"Аудан порталы {n}", roles=["methodist"], by=methodist.user)
    Group.objects.create(name=f"Methodists {n}")
    # A methodist who turned the second factor on: an authenticator and recovery codes (django-otp).
    TOTPDevice.objects.create(user=methodist.user, name="Authenticator", confirmed=True)
    recovery_codes_replace(user=methodist.user)
    # A wrong password (axes counts it) and a login (axes logs it); axes writes its failure log
    # only with AXES_ENABLE_ACCESS_FAILURE_LOG, which is off, so that row is made by hand.
    login_request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=f"10.0.1.{n}")
    assert authenticate(login_request, username=methodist.user.username, password="wrong password") is None
    AccessLog.objects.create(username=methodist.user.username, ip_address=f"10.0.1.{n}", user_agent="test", path_info="/")
    AccessFailureLog.objects.create(
        username=methodist.user.username, ip_address=f"10.0.1.{n}", user_agent="test", path_info="/accounts/login/"
    )


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(username="root", email="root@example.kz", password="x", full_name="Әкімші Ерлан")


@pytest.fixture
def sysadmin_client(client, superuser):
    client.force_login(superuser)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the messages asserted below are the English ones
    return client


@pytest.fixture
def world(db):
    build_world(1)


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=[label(m) for m, _a in REGISTERED])
def test_changelist_and_add_page_open(sysadmin_client, superuser, world, model, model_admin):
    request = RequestFactory().get("/")
    request.user = superuser

    assert sysadmin_client.get(admin_url(model, "changelist")).status_code == 200
    assert sysadmin_client.get(admin_url(model, "changelist"), {"q": "Серікова 1"}).status_code == 200
    add = sysadmin_client.get(admin_url(model, "add"))
    assert add.status_code == (200 if model_admin.has_add_permission(request) else 403)


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=[label(m) for m, _a in REGISTERED])
def test_change_page_opens(sysadmin_client, world, model, model_admin):
    obj = model._default_manager.first()
    assert obj is not None, f"build_world() makes no {label(model)}; add one so its admin page is tested"

    response = sysadmin_client.get(admin_url(model, "change", obj.pk))

    assert response.status_code == 200


def test_only_the_journal_and_bookings_are_closed_to_adding(superuser):
    request = RequestFactory().get("/")
    request.user = superuser
    closed = {model for model, model_admin in REGISTERED if not model_admin.has_add_permission(request)}
    assert closed == NO_ADD


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=[label(m) for m, _a in REGISTERED])
def test_changelist_queries_do_not_grow_with_rows(sysadmin_client, world, model, model_admin):
    url = admin_url(model, "changelist")
    sysadmin_client.get(url)  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as one_world:
        sysadmin_client.get(url)
    build_world(2)
    with CaptureQueriesContext(connection) as two_worlds:
        response = sysadmin_client.get(url)

    assert response.status_code == 200
    assert len(two_worlds) == len(one_world), "\n".join(q["sql"] for q in two_worlds.captured_queries)


def test_parent_search_finds_a_phone_however_it_is_typed(sysadmin_client, db):
    parent = f.ParentFactory(full_name="Сейтқали Динара", phone="+77011234567")
    f.ParentFactory(full_name="Басқа Ата-ана", phone="+77019999999")

    response = sysadmin_client.get(admin_url(type(parent), "changelist"), {"q": "8 (701) 123-45-67"})

    assert list(response.context["cl"].result_list) == [parent]


def test_request_search_by_parent_name_or_number(sysadmin_client, world):
    request = Request.objects.get()

    by_name = sysadmin_client.get(admin_url(Request, "changelist"), {"q": request.parent.full_name.split()[0]})
    by_number = sysadmin_client.get(admin_url(Request, "changelist"), {"q": str(request.number)})

    assert list(by_name.context["cl"].result_list) == [request]
    assert list(by_number.context["cl"].result_list) == [request]


def test_parent_phone_is_stored_in_one_format(sysadmin_client, db):
    organization = f.OrganizationFactory()
    data = {
        "organization": organization.pk,
        "full_name": "Сейтқали Динара",
        "phone": "8 701 123 45 67",
        "email": "",
        "language": "kk",
        "created_at_0": "2026-01-10",
        "created_at_1": "10:00:00",
        "consents-TOTAL_FORMS": "0",
        "consents-INITIAL_FORMS": "0",
    }

    response = sysadmin_client.post(admin_url(f.ParentFactory._meta.model, "add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert f.ParentFactory._meta.model.objects.get(full_name="Сейтқали Динара").phone == "+77011234567"


def test_a_role_without_its_place_is_explained(sysadmin_client, db):
    person = f.UserFactory()
    data = {"user": person.pk, "role": "region_officer", "organization": "", "district": "", "region": "", "is_active": "on"}

    response = sysadmin_client.post(admin_url(Membership, "add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["region"] == ["This role needs a place here."]
    assert not Membership.objects.filter(user=person).exists()


def test_autocomplete_finds_parents_for_a_child(sysadmin_client, db):
    parent = f.ParentFactory(full_name="Сейтқали Динара")

    response = sysadmin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "families", "model_name": "child", "field_name": "parent", "term": "Сейтқали"},
    )

    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(parent.pk)]


def test_sysadmin_creates_a_person_with_a_full_name_and_language(sysadmin_client):
    data = {
        "username": "gulnar",
        "full_name": "Ахметова Гүлнар Серікқызы",
        "email": "gulnar@example.kz",
        "preferred_language": "ru",
        "usable_password": "true",
        "password1": "a long enough passphrase 2026",
        "password2": "a long enough passphrase 2026",
    }

    response = sysadmin_client.post(admin_url(User, "add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    person = User.objects.get(username="gulnar")
    assert (person.full_name, person.preferred_language) == ("Ахметова Гүлнар Серікқызы", "ru")
    assert person.check_password("a long enough passphrase 2026")


def test_topic_roles_are_ticked_from_the_known_roles(sysadmin_client, db):
    topic = f.topic("speech")
    data = {
        "code": topic.code,
        "name_kk": topic.name_kk,
        "name_ru": topic.name_ru,
        "name_en": topic.name_en,
        "roles": ["speech_therapist", "defectologist"],
        "is_active": "on",
        "position": topic.position,
    }

    response = sysadmin_client.post(admin_url(Topic, "change", topic.pk), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    topic.refresh_from_db()
    assert topic.roles == ["speech_therapist", "defectologist"]


# The API's name is the same in every language.
NAMED_ALIKE_IN_EVERY_LANGUAGE = {"api"}


def test_the_admin_index_names_every_app_in_kazakh(sysadmin_client):
    sysadmin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "kk"

    response = sysadmin_client.get(reverse("admin:index"))

    shown = {app["app_label"]: str(app["name"]) for app in response.context["app_list"]}
    with override("en"):
        english = {label: str(apps.get_app_config(label).verbose_name) for label in shown}
    untranslated = {label: name for label, name in shown.items() if name == english[label]}
    assert untranslated.keys() == NAMED_ALIKE_IN_EVERY_LANGUAGE
    # Other projects' apps, under the names qamqor/core/third_party_apps.py gives them.
    assert {shown[label] for label in ("auth", "django_tasks_database", "axes", "auditlog", "otp_totp", "otp_static")} == {
        "Топтар мен рұқсаттар",
        "Фондық тапсырмалар",
        "Кіру әрекеттері мен бұғаттаулар",
        "Дербес деректердің өзгерістері мен қаралу журналы",
        "Екінші фактор: аутентификатор қолданбалары",
        "Екінші фактор: қалпына келтіру кодтары",
    }
