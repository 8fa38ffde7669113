"""Issue 9 item 3: a walk over every URL of the project.

Every URL pattern (but the admin's, tested in test_admin.py) must be in PAGES, which says how to
build a concrete address from a world of two organisations and what each role gets there:
- anything not marked public needs a login: an anonymous visitor is sent to the login page;
- each role (the personas of qamqor/conftest.py, a region officer and a superuser) gets the
  status the matrix says, on its own organisation's records;
- another organisation's ids answer what an id that does not exist answers: 404 to whoever may
  use the page (never 200, never 403), and the same refusal as for any id to a role that may
  not use the page at all, so no answer confirms that a record exists (DESIGN.md,
  "Confidentiality").
A new URL pattern fails the walk until it is added here.

The world is built once for the module inside a transaction rolled back at its end; each page
is asked inside a savepoint rolled back after it, so a POST (cancel, publish, delete) changes
nothing for the next page.
"""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django import forms as django_forms
from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

import qamqor
from qamqor.api.tests import world as api_world
from qamqor.core.testing import factories as f
from qamqor.council.tests import world as council_world
from qamqor.engagement.tests import world as engagement
from qamqor.families.tests import contract_world
from qamqor.journal.services import request_complete
from qamqor.orgs.models import Membership
from qamqor.plans.tests import world as plans_world
from qamqor.portal.links import feedback_token, manage_token
from qamqor.portal.services import portal_apply, question_ask
from qamqor.portal.tests import session_world as session_signup_world
from qamqor.portal.tests.materials import material, pdf
from qamqor.reports.tests import world as reports_world
from qamqor.scheduling.calendar import public_holidays
from qamqor.scheduling.tests import world as sessions_world
from qamqor.social.tests import world as social_world

QAMQOR_DIR = Path(qamqor.__file__).parent
MISSING_ID = 2_000_000_000  # no row has it

ANONYMOUS = "anonymous"
METHODIST, HEAD, PSYCHOLOGIST, SPEECH = "methodist", "head", "psychologist", "speech_therapist"
DISTRICT, REGION, SUPERUSER = "district_officer", "region_officer", "superuser"
SOCIAL = "social_pedagogue"  # the social service's restricted area (qamqor/social)
STAFF = (METHODIST, HEAD, PSYCHOLOGIST, SPEECH, SOCIAL)
ROLES = (*STAFF, DISTRICT, REGION, SUPERUSER)
MANAGERS = {METHODIST, HEAD}
OFFICERS = {DISTRICT, REGION}


# ---------------------------------------------------------------------------------------------
# The world: two organisations, each with a point, its people and its records


@dataclass
class Org:
    point: object
    request: object  # booked through the public site, routed to the psychologist
    done: object  # a consultation that took place (its feedback link works)
    parent: object
    child: object
    material: object  # published, with a PDF
    draft: object  # not published, with a PDF
    question: object
    users: dict = field(default_factory=dict)


def _working_day(after_days: int = 1) -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=after_days)
    while day.weekday() >= 5 or day in public_holidays(day.year):
        day += dt.timedelta(days=1)
    return day


def _organisation(tag: str) -> Org:
    point = f.ConsultationPointFactory()
    org = point.organization
    users = {
        METHODIST: f.staff(org, METHODIST, username=f"{tag}-methodist").user,
        HEAD: f.staff(org, HEAD, username=f"{tag}-head").user,
    }
    psychologist = f.staff(org, PSYCHOLOGIST, username=f"{tag}-psychologist")
    f.weekly_hours(psychologist, room=f.RoomFactory(organization=org), start="09:00", end="18:00")
    speech = f.staff(org, SPEECH, username=f"{tag}-speech")
    f.weekly_hours(speech, room=f.RoomFactory(organization=org))
    users[PSYCHOLOGIST], users[SPEECH] = psychologist.user, speech.user
    users[SOCIAL] = f.staff(org, SOCIAL, username=f"{tag}-social").user

    def apply(hhmm: str, n: int):
        return portal_apply(
            point=point,
            topic=f.topic("behaviour"),
            parent_full_name="Әбенова Мадина Серікқызы",
            phone=f"8 701 555 {len(tag)}{n} 3{n}",
            email="madina@example.com",
            language="kk",
            question="Бала түнде жиі оянады",
            consent_given=True,
            client_address=f"10.{ord(tag)}.0.{n}",
            specialist=psychologist,
            starts_at=f.at(_working_day(), hhmm),
        ).request

    booked = apply("10:00", 1)
    done = request_complete(request=apply("11:00", 2), recommendations="Ұйқы тәртібі", by=psychologist.user)
    parent = f.ParentFactory(organization=org)
    return Org(
        point=point,
        request=booked,
        done=done,
        parent=parent,
        child=f.ChildFactory(parent=parent),
        material=material(org, by=users[METHODIST], kind="memo", upload=pdf()),
        draft=material(org, by=users[METHODIST], kind="memo", upload=pdf(), published=False),
        question=question_ask(point=point, text="Бала сөйлемейді, не істеу керек?", client_address=f"10.{ord(tag)}.0.3"),
        users=users,
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            a, b = _organisation("a"), _organisation("b")
            # Made before any login: the psychologist a joint plan gives a child must pass the
            # second factor (qamqor/social, issue 6 item 6), which the test client's login completes.
            social_world.joint(a), social_world.joint(b)
            district = Membership.objects.create(
                user=f.UserFactory(username="district"), role=DISTRICT, district=a.point.organization.district
            )
            region = Membership.objects.create(
                user=f.UserFactory(username="region"), role=REGION, region=a.point.organization.district.region
            )
            a.users[DISTRICT], a.users[REGION] = district.user, region.user
            a.users[SUPERUSER] = f.UserFactory(username="root", is_superuser=True, is_staff=True)
            yield {"a": a, "b": b}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# ---------------------------------------------------------------------------------------------
# The matrix


def only(allowed: set[str] | tuple[str, ...], ok: int = 200, refused: int = 403, **others: int) -> dict[str, int]:
    """`ok` for the roles in `allowed`, `refused` for the rest; `others` name exceptions."""
    return {role: others.get(role, ok if role in allowed else refused) for role in ROLES}


def same(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


@dataclass(frozen=True)
class Page:
    args: Callable[[Org], list] = lambda org: []
    # What each role gets on its own organisation's page (see `only`).
    roles: dict[str, int] = field(default_factory=lambda: same(200))
    public: bool = False
    anonymous: int | None = None  # a public page's status for a visitor (the roles' otherwise)
    # ...and for a page that is not public but answers a visitor without a login redirect (the
    # REST API's 401), that status.
    method: str = "get"
    data: dict | None = None
    about_org: bool = False  # the args are an organisation's record: asked with the other's too
    query: str = ""


def token(org: Org) -> list:
    return [manage_token(org.request)]


def pk(attr: str) -> Callable[[Org], list]:
    return lambda org: [getattr(org, attr).pk]


def record(attr: str, roles: dict[str, int], **kw) -> Page:
    return Page(args=lambda org: [getattr(org, attr).pk], roles=roles, about_org=True, **kw)


HOME = {METHODIST: 302, HEAD: 302, PSYCHOLOGIST: 302, SPEECH: 302, SOCIAL: 302, DISTRICT: 302, REGION: 302, SUPERUSER: 302}
# The requests are routed to the psychologist: the speech therapist (and the social pedagogue) do not see them (404).
ROUTED = only({METHODIST, HEAD, PSYCHOLOGIST}, refused=403, **{SPEECH: 404, SOCIAL: 404})
ACTION_ROUTED = only({METHODIST, HEAD, PSYCHOLOGIST}, ok=302, **{SPEECH: 404, SOCIAL: 404})
# The social service (qamqor/social): the social pedagogue and the head (and a director); 404 to anyone else.
SOCIAL_AREA = {SOCIAL, HEAD}

PAGES: dict[str, Page] = {
    # --- core
    "home": Page(public=True, anonymous=200, roles=HOME),
    "login": Page(public=True, anonymous=200, roles=same(302)),  # a logged-in person is sent on
    "logout": Page(public=True, method="post", anonymous=302, roles=same(302)),
    "set_language": Page(public=True, method="post", data={"language": "ru", "next": "/"}, roles=same(302)),
    "switch_organization": Page(method="post", data={"organization": "0"}, roles=same(302)),
    # The second factor (qamqor/core/second_factor.py). Logged in through the test client, the head
    # and the superuser have an authenticator and are verified (qamqor/core/testing/second_factor.py):
    # the verify and set-up pages send them on; the others have none and may set one up.
    "second_factor:account": Page(),
    "second_factor:verify": Page(roles=same(302)),
    # (The psychologist too: a joint plan gives them a child's social records, social/tests/world.py.)
    "second_factor:setup": Page(roles=only(set(ROLES) - {HEAD, SOCIAL, PSYCHOLOGIST, SUPERUSER}, refused=302)),
    "second_factor:codes": Page(roles=same(302)),  # shown once, right after they were made
    # --- the journal
    "journal:list": Page(roles=only(STAFF)),
    "journal:print": Page(roles=only(STAFF)),
    "journal:export_pdf": Page(roles=only(STAFF)),
    "journal:export_xlsx": Page(roles=only(STAFF)),
    "journal:new": Page(roles=only(MANAGERS)),
    "journal:detail": record("request", ROUTED),
    "journal:schedule": record("request", only(MANAGERS)),
    "journal:slots": record("request", only(MANAGERS)),
    "journal:complete": record("request", ACTION_ROUTED, method="post", data={}),
    "journal:no_show": record("request", ACTION_ROUTED, method="post"),
    "journal:cancel": record("request", only(MANAGERS, ok=302), method="post"),
    # --- families
    "families:parent_list": Page(roles=only(MANAGERS)),
    "families:parent_new": Page(roles=only(MANAGERS)),
    "families:parent_detail": record("parent", only(MANAGERS)),
    "families:child_new": record("parent", only(MANAGERS)),
    # Contracts with parents (families/contract_views.py; records: families/tests/contract_world.py):
    # managers write, the other staff read
    "families:contract_new": record("parent", only(MANAGERS)),
    "families:contract_list": Page(roles=only(STAFF)),
    "families:contract_detail": Page(args=contract_world.contract_pk, roles=only(STAFF), about_org=True),
    "families:contract_document": Page(args=contract_world.contract_pk, roles=only(STAFF), about_org=True),
    "families:contract_scan": Page(args=contract_world.signed_contract_pk, roles=only(STAFF), about_org=True),
    "families:contract_sign": Page(  # no scan sent: the form again
        args=contract_world.contract_pk, roles=only(MANAGERS, ok=400), about_org=True, method="post"
    ),
    "families:contract_end": Page(args=contract_world.contract_pk, roles=only(MANAGERS, ok=302), about_org=True, method="post"),
    "families:contract_templates": Page(roles=only(MANAGERS)),
    "families:contract_template_file": Page(args=lambda org: ["kk"], roles=only(MANAGERS)),
    "families:contract_template_remove": Page(args=lambda org: ["kk"], roles=only(MANAGERS, ok=302), method="post"),
    # The documentation set of the point (plans/documentation_views.py): staff read, managers keep files
    "plans:documentation": Page(roles=only(STAFF)),
    "plans:documentation_file": Page(args=contract_world.point_document_pk, roles=only(STAFF), about_org=True),
    "plans:documentation_file_delete": Page(
        args=contract_world.point_document_pk, roles=only(MANAGERS, ok=302), about_org=True, method="post"
    ),
    # --- scheduling
    "scheduling:my_day": Page(roles=only(STAFF)),
    "scheduling:work_schedule": Page(roles=only(STAFF)),
    "scheduling:work_schedule_print": Page(roles=only(STAFF)),
    # sessions of the forms of work (records made per test: scheduling/tests/world.py), led by the
    # psychologist: the speech therapist does not see them (404); managers add and remove people
    "scheduling:sessions": Page(roles=only(STAFF)),
    "scheduling:session_new": Page(roles=only(MANAGERS)),
    "scheduling:session": Page(args=sessions_world.session_pk, roles=ROUTED, about_org=True),
    "scheduling:participant_status": Page(
        args=sessions_world.participant_pk, roles=ACTION_ROUTED, about_org=True, method="post", data={"status": "attended"}
    ),
    "scheduling:session_public": Page(
        args=sessions_world.session_pk, roles=only(MANAGERS, ok=302), about_org=True, method="post", data={"public": "1"}
    ),
    "scheduling:participant_remove": Page(
        args=sessions_world.participant_pk, roles=only(MANAGERS, ok=302), about_org=True, method="post"
    ),
    # --- officers' figures and the audit log
    "reports:overview": Page(roles=only(OFFICERS)),
    # reports (issue 7): the managers' dashboard and the head's safety figures name their own
    # organisation's people: 404 to everyone else; the area pages are officers' and administrators'
    # (403 to staff, 404 for an area not theirs: a district officer asking for the region).
    "reports:dashboard": Page(roles=only(MANAGERS, refused=404)),
    "reports:export_organization": Page(roles=only(MANAGERS, refused=404)),
    "reports:safety": Page(roles=only({HEAD}, refused=404)),
    "reports:district": Page(args=lambda org: [org.point.organization.district_id], roles=only(OFFICERS | {SUPERUSER})),
    "reports:export_district": Page(args=lambda org: [org.point.organization.district_id], roles=only(OFFICERS | {SUPERUSER})),
    "reports:region": Page(
        args=lambda org: [org.point.organization.district.region_id], roles=only({REGION, SUPERUSER}, **{DISTRICT: 404})
    ),
    "reports:export_region": Page(
        args=lambda org: [org.point.organization.district.region_id], roles=only({REGION, SUPERUSER}, **{DISTRICT: 404})
    ),
    "reports:national": Page(roles=only({SUPERUSER})),
    "reports:surveys": Page(roles=only(MANAGERS, refused=404)),
    "reports:survey": Page(args=reports_world.survey_pk, roles=only(MANAGERS, refused=404), about_org=True),
    "reports:survey_public": Page(public=True, args=reports_world.survey_token),
    "audit:log": Page(roles=only({HEAD, SUPERUSER})),
    "audit:privacy": Page(roles=only({HEAD, SUPERUSER})),
    # --- the parents' site
    "portal:finder": Page(public=True),
    "portal:point": Page(public=True, args=pk("point")),
    "portal:apply": Page(public=True, args=pk("point")),
    "portal:point_materials": Page(public=True, args=pk("point")),
    "portal:questions": Page(public=True, args=pk("point")),
    "portal:ask": Page(public=True, args=pk("point")),
    "portal:asked": Page(public=True, args=pk("point")),
    "portal:materials": Page(public=True),
    "portal:material": Page(public=True, args=pk("material")),
    "portal:material_file": Page(public=True, args=pk("material")),
    # Behind a private link: the token is the key, whoever holds it (a forged one: 404).
    "portal:manage": Page(public=True, args=token),
    "portal:confirmation": Page(public=True, args=token),
    "portal:calendar": Page(public=True, args=token),
    "portal:cancel": Page(public=True, args=token),
    "portal:reschedule": Page(public=True, args=token, method="post"),  # no time chosen: the form again
    "portal:my_data": Page(public=True, args=token),
    "portal:my_data_download": Page(public=True, args=token),
    "portal:withdraw": Page(public=True, args=token),
    "portal:erase": Page(public=True, args=token),
    "portal:feedback": Page(public=True, args=lambda org: [feedback_token(org.done)]),
    # Group sessions open to sign-up (portal/session_views.py; records: portal/tests/session_world.py)
    "portal:point_sessions": Page(public=True, args=pk("point")),
    "portal:session": Page(public=True, args=session_signup_world.session_args),
    "portal:my_session": Page(public=True, args=session_signup_world.sign_up_link),
    "portal:my_session_cancel": Page(public=True, args=session_signup_world.sign_up_link, method="post", roles=same(302)),
    # --- the back office of materials and questions
    "portal:staff_materials": Page(roles=only(STAFF)),
    "portal:staff_material_new": Page(roles=only(STAFF)),
    "portal:staff_material": record("material", only(STAFF)),
    "portal:staff_material_publish": record("material", only(STAFF, ok=302), method="post", data={"action": "unpublish"}),
    "portal:staff_questions": Page(roles=only(STAFF)),
    "portal:staff_question": record("question", only(STAFF)),
    "portal:staff_question_publish": record("question", only(STAFF, ok=302), method="post", data={"action": "publish"}),
    "portal:staff_question_delete": record("question", only(STAFF, ok=302), method="post"),
    # --- events, registrations, attendance, ideas (the records are made per test: engagement/tests/world.py)
    "engagement:events": Page(roles=only(MANAGERS)),
    "engagement:event_new": Page(roles=only(MANAGERS)),
    "engagement:event": Page(args=engagement.event_pk, roles=only(MANAGERS), about_org=True),
    "engagement:event_edit": Page(args=engagement.event_pk, roles=only(MANAGERS), about_org=True),
    "engagement:event_cancel": Page(args=engagement.event_pk, roles=only(MANAGERS, ok=302), about_org=True, method="post"),
    "engagement:event_held": Page(args=engagement.event_pk, roles=only(MANAGERS, ok=302), about_org=True, method="post"),
    "engagement:attendance": Page(args=engagement.event_pk, roles=only(STAFF), about_org=True),
    "engagement:registration_cancel": Page(
        args=engagement.registration_pk, roles=only(MANAGERS, ok=302), about_org=True, method="post"
    ),
    "engagement:attended": Page(
        args=engagement.registration_pk, roles=only(STAFF, ok=302), about_org=True, method="post", data={"attended": "1"}
    ),
    "engagement:ideas": Page(roles=only(MANAGERS)),
    "engagement:idea": Page(args=engagement.idea_pk, roles=only(MANAGERS), about_org=True),
    "engagement:participation": Page(roles=only(MANAGERS)),
    # Recognition (engagement/recognition_views.py): managers decide; a published photo is public.
    "engagement:recognition": Page(roles=only(MANAGERS)),
    "engagement:award_new": Page(roles=only(MANAGERS)),
    "engagement:award_revoke": Page(args=engagement.award_pk, roles=only(MANAGERS, ok=302), about_org=True, method="post"),
    "engagement:award_letter": Page(args=engagement.award_pk, roles=only(MANAGERS), about_org=True),
    "engagement:honor_book": Page(roles=only(MANAGERS)),
    "engagement:honor_entry_new": Page(roles=only(MANAGERS)),
    "engagement:honor_entry": Page(args=engagement.honor_entry_pk, roles=only(MANAGERS), about_org=True),
    "engagement:honor_consent_withdraw": Page(
        args=engagement.honor_entry_pk, roles=only(MANAGERS, ok=302), about_org=True, method="post"
    ),
    "engagement:honor_entry_delete": Page(
        args=engagement.honor_entry_pk, roles=only(MANAGERS, ok=302), about_org=True, method="post"
    ),
    "engagement:honor_photo": Page(public=True, args=engagement.honor_entry_pk),
    "engagement:public_events": Page(public=True, args=engagement.organization_pk),
    "engagement:public_event": Page(public=True, args=engagement.public_event),
    "engagement:idea_new": Page(public=True, args=engagement.organization_pk),
    "engagement:my_registration": Page(public=True, args=engagement.registration_link),
    "engagement:my_registration_cancel": Page(public=True, args=engagement.registration_link, method="post", roles=same(302)),
    # Office hours with the administration (engagement/reception_views.py): the managers' list, the
    # public booking page and the parent's private link.
    "engagement:reception_visits": Page(roles=only(MANAGERS)),
    "engagement:reception_visit_status": Page(
        args=engagement.reception_visit_pk,
        roles=only(MANAGERS, ok=302),
        about_org=True,
        method="post",
        data={"status": "cancelled"},
    ),
    "engagement:reception": Page(public=True, args=engagement.organization_pk),
    "engagement:my_reception": Page(public=True, args=engagement.reception_link),
    "engagement:my_reception_cancel": Page(public=True, args=engagement.reception_link, method="post", roles=same(302)),
    # --- plans and the parent support centre (qamqor/plans, qamqor/council): staff read, managers edit
    "plans:list": Page(roles=only(STAFF)),
    "plans:new": Page(roles=only(MANAGERS)),
    "plans:plan": Page(args=plans_world.plan_pk, roles=only(STAFF), about_org=True),
    "plans:edit": Page(args=plans_world.plan_pk, roles=only(MANAGERS), about_org=True),
    "plans:delete": Page(args=plans_world.plan_pk, roles=only(MANAGERS, ok=302), about_org=True, method="post"),
    "plans:approve": Page(args=plans_world.plan_pk, roles=only(MANAGERS, ok=302), about_org=True, method="post"),
    "plans:item_new": Page(args=plans_world.plan_pk, roles=only(MANAGERS), about_org=True),
    "plans:print": Page(args=plans_world.plan_pk, roles=only(STAFF), about_org=True),
    "plans:pdf": Page(args=plans_world.plan_pk, roles=only(STAFF), about_org=True),
    "plans:docx": Page(args=plans_world.plan_pk, roles=only(STAFF), about_org=True),
    "plans:item_edit": Page(args=plans_world.item_pk, roles=only(MANAGERS), about_org=True),
    "plans:item_status": Page(
        args=plans_world.item_pk, roles=only(MANAGERS, ok=302), about_org=True, method="post", data={"status": "done"}
    ),
    "plans:item_delete": Page(args=plans_world.item_pk, roles=only(MANAGERS, ok=302), about_org=True, method="post"),
    "plans:centre_report": Page(roles=only(STAFF), query="?kind=half_year"),
    "plans:centre_report_pdf": Page(roles=only(STAFF)),
    "plans:centre_report_docx": Page(roles=only(STAFF)),
    "council:home": Page(roles=only(STAFF)),
    "council:member_new": Page(roles=only(MANAGERS)),
    "council:member_position": Page(
        args=council_world.member_pk, roles=only(MANAGERS, ok=302), about_org=True, method="post", data={"position": "chair"}
    ),
    "council:member_remove": Page(args=council_world.member_pk, roles=only(MANAGERS, ok=302), about_org=True, method="post"),
    "council:meeting_new": Page(roles=only(MANAGERS)),
    "council:meeting": Page(args=council_world.meeting_pk, roles=only(STAFF), about_org=True),
    "council:meeting_edit": Page(args=council_world.meeting_pk, roles=only(MANAGERS), about_org=True),
    "council:meeting_status": Page(
        args=council_world.meeting_pk, roles=only(MANAGERS, ok=302), about_org=True, method="post", data={"status": "held"}
    ),
    "council:meeting_attendance": Page(
        args=council_world.meeting_pk, roles=only(MANAGERS, ok=302), about_org=True, method="post"
    ),
    "council:agenda_new": Page(args=council_world.meeting_pk, roles=only(MANAGERS), about_org=True),
    "council:minutes": Page(args=council_world.meeting_pk, roles=only(STAFF), about_org=True),
    "council:minutes_pdf": Page(args=council_world.meeting_pk, roles=only(STAFF), about_org=True),
    "council:minutes_docx": Page(args=council_world.meeting_pk, roles=only(STAFF), about_org=True),
    "council:agenda_edit": Page(args=council_world.agenda_item_pk, roles=only(MANAGERS), about_org=True),
    "council:agenda_delete": Page(args=council_world.agenda_item_pk, roles=only(MANAGERS, ok=302), about_org=True, method="post"),
    "council:decision_new": Page(args=council_world.agenda_item_pk, roles=only(MANAGERS), about_org=True),
    "council:decision_done": Page(args=council_world.decision_pk, roles=only(MANAGERS, ok=302), about_org=True, method="post"),
    "council:decision_reopen": Page(args=council_world.decision_pk, roles=only(MANAGERS, ok=302), about_org=True, method="post"),
    "council:decision_delete": Page(args=council_world.decision_pk, roles=only(MANAGERS, ok=302), about_org=True, method="post"),
    # --- notify: the organisation's messages and reminder times (managers), each one's notifications
    "notify:messages": Page(roles=only(MANAGERS)),
    "notify:reminder_settings": Page(
        roles=only(MANAGERS, ok=302), method="post", data={"first_hours": "24", "second_hours": "2"}
    ),
    "notify:inbox": Page(roles=only(STAFF)),
    "notify:badge": Page(roles=only(STAFF)),
    "notify:inbox_read": Page(roles=only(STAFF, ok=302), method="post"),
    "notify:preference": Page(roles=only(STAFF, ok=302), method="post", data={"by_email": "on"}),
    # Telegram is off in the tests (no bot token): its linking pages answer 404 (notify/tests/test_telegram.py)
    "notify:telegram_staff": Page(roles=only(STAFF, ok=404), method="post"),
    "notify:telegram_parent": Page(public=True, args=token, roles=same(404)),
    # Telegram's webhook (notify/webhook.py): off in the tests (polling, no bot token), so 404 to
    # everyone; with the bot in webhook mode only the secret header opens it (test_telegram_webhook.py).
    "notify:telegram_webhook": Page(public=True, method="post", anonymous=404, roles=same(404)),
    # --- social: the social pedagogue's restricted area (records: social/tests/world.py). Everyone
    # but the social pedagogue and the head gets 404; an empty form answers 400, an empty action 302.
    "social:home": Page(args=social_world.none, roles=only(SOCIAL_AREA, refused=404)),
    "social:class_new": Page(roles=only(SOCIAL_AREA, refused=404)),
    "social:class_import": Page(roles=only(SOCIAL_AREA, refused=404)),
    "social:class_detail": Page(args=social_world.class_pk, roles=only(SOCIAL_AREA, refused=404), about_org=True),
    "social:class_edit": Page(args=social_world.class_pk, roles=only(SOCIAL_AREA, refused=404), about_org=True),
    "social:children": Page(args=social_world.none, roles=only(SOCIAL_AREA, refused=404), query="?q=а"),
    "social:child": Page(args=social_world.child_pk, roles=only(SOCIAL_AREA, refused=404), about_org=True),
    **{
        f"social:{name}": Page(
            args=social_world.child_pk, roles=only(SOCIAL_AREA, ok=400, refused=404), about_org=True, method="post"
        )
        for name in ("category_new", "act_new", "support_new", "enrol")
    },
    "social:act_print": Page(args=social_world.act_pk, roles=only(SOCIAL_AREA, refused=404), about_org=True),
    "social:category_end": Page(
        args=social_world.category_pk, roles=only(SOCIAL_AREA, ok=302, refused=404), about_org=True, method="post"
    ),
    "social:leave": Page(
        args=social_world.enrolment_pk, roles=only(SOCIAL_AREA, ok=302, refused=404), about_org=True, method="post"
    ),
    **{
        f"social:{name}": Page(args=social_world.none, roles=only(SOCIAL_AREA, refused=404))
        for name in ("passport", "passport_print", "passport_pdf", "passport_xlsx", "movement", "due", "support")
    },
    # Figures only, no names: the organisation's staff and the officers (small counts hidden).
    "social:counts": Page(args=social_world.none, roles=only({*STAFF, *OFFICERS}, refused=404)),
    "social:counts_xlsx": Page(args=social_world.none, roles=only({*STAFF, *OFFICERS}, refused=404)),
    # Joint-plan access (social, issue 6 item 6): the head's switch; the grants (the social area);
    # and the read-only pages of the psychologist whom the joint plan gives the child (404 to all else).
    "social:settings": Page(roles=only({HEAD}, refused=404)),
    "social:grants": Page(args=social_world.joint_none, roles=only(SOCIAL_AREA, refused=404)),
    "social:grant_end": Page(
        args=social_world.grant_pk, roles=only(SOCIAL_AREA, ok=302, refused=404), about_org=True, method="post"
    ),
    "social:shared": Page(args=social_world.joint_none, roles=only({PSYCHOLOGIST}, refused=404)),
    "social:shared_xlsx": Page(args=social_world.joint_none, roles=only({PSYCHOLOGIST}, refused=404)),
    "social:shared_child": Page(args=social_world.joint_child_pk, roles=only({PSYCHOLOGIST}, refused=404), about_org=True),
    # --- the REST API v1 (qamqor/api). It knows tokens only, never the session: a signed-in person
    # is a caller without a token like anyone. Its public reads answer everybody; the journal
    # answers 401 in JSON (no login redirect) without a token. Tokens of two organisations are
    # walked over each other's ids in qamqor/api/tests/test_requests.py.
    "api:organizations": Page(public=True),
    "api:organization": Page(public=True, args=lambda org: [org.point.organization_id]),
    "api:points": Page(public=True),
    "api:point": Page(public=True, args=pk("point")),
    "api:specialists": Page(public=True, args=pk("point")),
    "api:free_slots": Page(public=True, args=pk("point")),
    "api:topics": Page(public=True),
    "api:events": Page(public=True),
    "api:event": Page(public=True, args=engagement.public_event),
    "api:materials": Page(public=True),
    "api:material": Page(public=True, args=pk("material")),
    "api:bookings": Page(public=True, method="post", roles=same(400)),  # no Idempotency-Key: refused
    "api:requests": Page(anonymous=401, roles=same(401)),
    "api:request": Page(args=pk("request"), anonymous=401, roles=same(401)),
    "api:schema": Page(public=True),
    "api:docs": Page(public=True),
    "api:not_found": Page(public=True, roles=same(404)),
    # The organisation's tokens for the API, in the back office (qamqor/api/token_views.py): its
    # managers list, issue and revoke them; another organisation's token answers 404.
    "api_tokens:list": Page(roles=only(MANAGERS)),
    "api_tokens:revoke": Page(args=api_world.token_pk, roles=only(MANAGERS, ok=302), about_org=True, method="post"),
}
TOKEN_PAGES = {name for name, page in PAGES.items() if page.args is token} | {"portal:feedback"}


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for p in patterns:
        if isinstance(p, URLResolver):
            route = prefix + str(p.pattern)
            if route.startswith("admin/"):
                continue  # the admin has its own tests (test_admin.py)
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, route, ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), (namespace + p.name) if p.name else None, p


def project_patterns() -> list[tuple[str, str | None, URLPattern]]:
    return list(_walk(get_resolver().url_patterns))


def test_every_url_pattern_is_in_the_matrix():
    found = project_patterns()
    unnamed = [route for route, name, _ in found if name is None]
    assert not unnamed, f"URL patterns without a name cannot be in the matrix: {unnamed}"
    names = [name for _, name, _ in found]
    assert len(names) == len(set(names)), "two URL patterns share a name"
    unknown = sorted(set(names) - set(PAGES))
    assert not unknown, f"new URL patterns: add them to PAGES in {Path(__file__).name}: {unknown}"
    stale = sorted(set(PAGES) - set(names))
    assert not stale, f"PAGES names patterns that are gone: {stale}"


# The only views allowed to go without CSRF, each with its reason, and the files that hold them.
CSRF_EXEMPT = {
    # Telegram's servers POST the bot's updates: they hold no CSRF token, and the view needs none,
    # since it reads no cookie or session and is authenticated by the secret header that
    # setWebhook gave Telegram, compared in constant time (qamqor/notify/webhook.py).
    "notify:telegram_webhook",
}
CSRF_EXEMPT_FILES = {"notify/webhook.py"}


def test_no_view_is_exempt_from_csrf():
    # DRF exempts its views and checks CSRF itself for session logins; the REST API takes no
    # session, only a token in a header, and JSON bodies only (settings.REST_FRAMEWORK), which no
    # cross-site form can send: no call rides on a browser's cookie.
    exempt = [
        name
        for _, name, p in project_patterns()
        if getattr(p.callback, "csrf_exempt", False) and not (name or "").startswith("api:") and name not in CSRF_EXEMPT
    ]
    assert not exempt


# ---------------------------------------------------------------------------------------------
# Asking


def _ask(client: Client, name: str, page: Page, args: list) -> tuple[int, str]:
    """The status (and where a redirect goes) of one page, with every change undone after."""
    url = reverse(name, args=args) + page.query
    with transaction.atomic():
        if page.method == "post":
            response = client.post(url, page.data or {})
        else:
            response = client.get(url)
        transaction.set_rollback(True)
    return response.status_code, response.get("Location", "")


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_anonymous_visitors_reach_only_the_public_site(db, world):
    a = world["a"]
    login = resolve_url(settings.LOGIN_URL)
    client = _client()
    wrong = []
    for name, page in PAGES.items():
        status, location = _ask(client, name, page, page.args(a))
        if page.public:
            expected = page.anonymous if page.anonymous is not None else page.roles[METHODIST]
            if status != expected:
                wrong.append(f"{name}: {status}, expected {expected}")
        elif page.anonymous is not None:  # the REST API: a JSON 401, not a login redirect
            if status != page.anonymous:
                wrong.append(f"{name}: {status}, expected {page.anonymous}")
        elif status != 302 or not location.startswith(login):
            wrong.append(f"{name}: {status} {location!r}, expected a redirect to {login}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("name", sorted(TOKEN_PAGES))
def test_private_link_pages_refuse_a_forged_token(client, db, world, name):
    page = PAGES[name]
    forged = token(world["a"])[0][:-3] + "AAA"
    for args in ([forged], ["nothing"]):
        status, _ = _ask(client, name, page, args)
        assert status == 404, (name, args, status)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_what_the_matrix_says(db, world, role):
    a = world["a"]
    client = _client(a.users[role])
    wrong = []
    for name, page in PAGES.items():
        status, location = _ask(client, name, page, page.args(a))
        if name == "logout":
            client.force_login(a.users[role])
        if status != page.roles[role]:
            wrong.append(f"{name}: {status} {location}, expected {page.roles[role]}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_another_organisations_ids_answer_as_ids_that_do_not_exist(db, world, role):
    a, b = world["a"], world["b"]
    client = _client(a.users[role])
    wrong = []
    for name, page in PAGES.items():
        if not page.about_org:
            continue
        own = page.roles[role]
        theirs, _ = _ask(client, name, page, page.args(b))
        missing, _ = _ask(client, name, page, [MISSING_ID])
        # Whoever may use the page gets 404; a role refused the page is refused whatever the id.
        expected = 403 if own == 403 else 404
        if theirs != expected or missing != expected:
            wrong.append(f"{name}: another organisation's id {theirs}, a missing id {missing}, expected {expected}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


def test_the_other_organisations_staff_see_none_of_the_first_ones_records(db, world):
    """The same walk from the other side: b's staff on a's records."""
    a, b = world["a"], world["b"]
    wrong = []
    for role in STAFF:
        client = _client(b.users[role])
        for name, page in PAGES.items():
            if page.about_org:
                status, _ = _ask(client, name, page, page.args(a))
                if status not in (403, 404) or (status == 403 and page.roles[role] != 403):
                    wrong.append(f"{role} of b on {name} of a: {status}")
    assert not wrong, "\n".join(wrong)


def test_a_drafts_file_is_its_organisations_staff_only(db, world):
    a, b = world["a"], world["b"]
    url = reverse("portal:material_file", args=[a.draft.pk])
    assert _client().get(url).status_code == 404
    for role in STAFF:
        assert _client(a.users[role]).get(url).status_code == 200, role
        assert _client(b.users[role]).get(url).status_code == 404, role
    for role in (DISTRICT, REGION, SUPERUSER):
        assert _client(a.users[role]).get(url).status_code == 404, role


def test_switching_to_another_organisation_is_ignored(db, world):
    a, b = world["a"], world["b"]
    client = _client(a.users[METHODIST])
    client.post(reverse("switch_organization"), {"organization": b.point.organization_id})
    assert client.session.get("qamqor_organization_id") is None
    assert client.get(reverse("journal:detail", args=[b.request.pk])).status_code == 404


def test_a_district_officer_sees_figures_of_their_district_only(db, world):
    a, b = world["a"], world["b"]
    html = _client(a.users[DISTRICT]).get(reverse("reports:overview")).content.decode()
    assert a.point.organization.name in html
    assert b.point.organization.name not in html
    assert a.parent.full_name not in html and a.request.parent.full_name not in html  # figures only


# ---------------------------------------------------------------------------------------------
# Forms name their fields; CSRF is on


def _import_all_forms_modules() -> None:
    for module in pkgutil.walk_packages([str(QAMQOR_DIR)], prefix="qamqor."):
        if module.name.rsplit(".", 1)[-1] in {"forms", "admin"} or ".forms." in module.name:
            importlib.import_module(module.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_model_forms_name_their_fields():
    _import_all_forms_modules()
    ours = [c for c in _subclasses(django_forms.ModelForm) if c.__module__.startswith("qamqor.")]
    assert ours, "no ModelForm found: the scan is broken"
    wrong = [
        f"{c.__module__}.{c.__qualname__}"
        for c in ours
        if c._meta.model is not None and (c._meta.fields in (None, "__all__") or c._meta.exclude is not None)
    ]
    assert not wrong, f"name the fields explicitly (no '__all__', no exclude): {wrong}"


def test_no_forms_module_uses_all_fields_or_exclude():
    wrong = []
    for path in QAMQOR_DIR.rglob("forms.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name == "Meta":
                for stmt in node.body:
                    targets = [t.id for t in getattr(stmt, "targets", []) if isinstance(t, ast.Name)]
                    value = getattr(stmt, "value", None)
                    if "exclude" in targets or (
                        "fields" in targets and isinstance(value, ast.Constant) and value.value == "__all__"
                    ):
                        wrong.append(f"{path.relative_to(QAMQOR_DIR)}:{stmt.lineno}")
    assert not wrong


def test_csrf_is_on():
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE
    this = Path(__file__).resolve()
    used = [
        str(path.relative_to(QAMQOR_DIR))
        for path in QAMQOR_DIR.rglob("*.py")
        if path.resolve() != this and "csrf_exempt" in path.read_text(encoding="utf-8")
    ]
    used = [name for name in used if name not in CSRF_EXEMPT_FILES]
    assert not used, f"csrf_exempt in {used}"


@pytest.mark.parametrize("name", ["login", "portal:ask", "portal:reschedule", "switch_organization"])
def test_a_post_without_the_csrf_token_is_refused(db, world, name):
    page = PAGES[name]
    client = Client(enforce_csrf_checks=True)
    if not page.public:
        client.force_login(world["a"].users[METHODIST])
    response = client.post(reverse(name, args=page.args(world["a"])), {"text": "x"})
    assert response.status_code == 403
