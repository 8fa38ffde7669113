"""Issue 6, item 6, the optional rule: a psychologist or class teacher reads (read-only) the
social records of the children a joint plan gives them, only while the organisation has turned
joint-plan access on and only in the plan's academic year; every read is logged; 404 otherwise."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from qamqor.core.academic_year import current_academic_year
from qamqor.core.testing import factories as f
from qamqor.plans.tests.world import plan
from qamqor.social import services
from qamqor.social.models import JointAccess
from qamqor.social.tests.factories import category, pupil, school_class

D = dt.date


class Joint:
    def __init__(self, org):
        self.org = org
        self.year = current_academic_year()
        self.teacher = f.staff(org, "class_teacher")
        self.psychologist = f.staff(org, "psychologist")
        self.school_class = school_class(org, "5А", self.year, teacher=self.teacher)
        self.in_class = pupil(org, "Әлиева Ару", in_class=self.school_class)
        self.named = pupil(org, "Бекова Дана")
        self.outside = pupil(org, "Сейітов Нұр")
        for child in (self.in_class, self.named, self.outside):
            category(child, "orphan", D(2020, 1, 1))
            services.housing_act_create(
                child=child, visited_on=timezone.localdate(), visitors="Қасымова Ж.", living_conditions="Екі бөлмелі пәтер"
            )
            services.support_give(child=child, kind="free_meals", given_on=timezone.localdate())
        self.psy_plan = plan(org, kind="joint_psychologist", items=0)
        self.teachers_plan = plan(org, kind="joint_class_teachers", items=0)
        self.psy_grant = services.joint_access_grant(
            organization=org, plan=self.psy_plan, member=self.psychologist, children=[self.named]
        )
        self.teacher_grant = services.joint_access_grant(
            organization=org, plan=self.teachers_plan, member=self.teacher, school_class=self.school_class
        )

    def switch(self, on: bool) -> None:
        services.social_settings_save(organization=self.org, joint_plan_access=on)


@pytest.fixture
def joint(kindergarten):
    return Joint(kindergarten)


def accesses():
    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS)


def status(client, user, name, *args, **query) -> int:
    client.force_login(user)
    return client.get(reverse(name, args=args), query).status_code


# --- The switch


def test_the_switch_is_off_by_default_and_only_the_head_turns_it(client, kindergarten, head, social_pedagogue, joint):
    assert status(client, head.user, "social:settings") == 200
    for member in (social_pedagogue, joint.psychologist, joint.teacher):
        assert status(client, member.user, "social:settings") == 404
    assert status(client, joint.psychologist.user, "social:shared") == 404  # off by default
    client.force_login(head.user)
    assert client.post(reverse("social:settings"), {"joint_plan_access": "on"}).status_code == 302
    assert kindergarten.social_settings.joint_plan_access is True
    assert status(client, joint.psychologist.user, "social:shared") == 200
    client.force_login(head.user)
    client.post(reverse("social:settings"), {})
    kindergarten.social_settings.refresh_from_db()
    assert kindergarten.social_settings.joint_plan_access is False


# --- The permission matrix of the rule


@pytest.mark.parametrize("on", [False, True])
def test_who_reads_which_child(client, joint, on):
    joint.switch(on)
    ok = 200 if on else 404
    expected = {
        (joint.psychologist, joint.named): ok,
        (joint.psychologist, joint.in_class): 404,
        (joint.psychologist, joint.outside): 404,
        (joint.teacher, joint.in_class): ok,
        (joint.teacher, joint.named): 404,
        (joint.teacher, joint.outside): 404,
    }
    for (member, child), code in expected.items():
        assert status(client, member.user, "social:shared_child", child.pk) == code, (member.role, child.full_name)
    for member in (joint.psychologist, joint.teacher):
        assert status(client, member.user, "social:shared") == ok
        assert status(client, member.user, "social:shared_xlsx") == ok
        # The rule gives reading only: the social pedagogue's own pages stay closed.
        assert status(client, member.user, "social:child", joint.named.pk) == 404
        assert client.post(reverse("social:category_new", args=[joint.named.pk]), {}).status_code == 404


def test_another_psychologist_and_another_organisation_get_nothing(client, joint, other_kindergarten):
    joint.switch(True)
    colleague = f.staff(joint.org, "psychologist")
    assert status(client, colleague.user, "social:shared") == 404
    assert status(client, colleague.user, "social:shared_child", joint.named.pk) == 404
    stranger = f.staff(other_kindergarten, "psychologist")
    services.social_settings_save(organization=other_kindergarten, joint_plan_access=True)
    assert status(client, stranger.user, "social:shared_child", joint.named.pk) == 404
    # A child of another organisation is not reached through this organisation's grant either.
    foreign = pupil(other_kindergarten, "Басқа Бала")
    assert status(client, joint.psychologist.user, "social:shared_child", foreign.pk) == 404


def test_the_access_ends_with_the_academic_year(client, joint):
    joint.switch(True)
    last_year = plan(joint.org, kind="joint_psychologist", items=0, year=joint.year - 1)
    late = f.staff(joint.org, "psychologist")
    services.joint_access_grant(organization=joint.org, plan=last_year, member=late, children=[joint.outside])
    assert status(client, late.user, "social:shared") == 404
    assert status(client, late.user, "social:shared_child", joint.outside.pk) == 404


def test_a_class_teacher_loses_a_child_who_left_the_class(client, joint):
    joint.switch(True)
    enrolment = joint.in_class.social_enrolments.get()
    services.enrolment_end(enrolment=enrolment, left_on=timezone.localdate())
    assert status(client, joint.teacher.user, "social:shared_child", joint.in_class.pk) == 404


def test_withdrawn_access_gives_nothing(client, joint, social_pedagogue):
    joint.switch(True)
    client.force_login(social_pedagogue.user)
    assert client.post(reverse("social:grant_end", args=[joint.psy_grant.pk])).status_code == 302
    assert status(client, joint.psychologist.user, "social:shared_child", joint.named.pk) == 404


# --- The access log


def test_every_read_is_logged(client, joint):
    joint.switch(True)
    user = joint.psychologist.user
    for name, args in (("social:shared", []), ("social:shared_child", [joint.named.pk]), ("social:shared_xlsx", [])):
        last = accesses().order_by("-pk").values_list("pk", flat=True).first() or 0
        assert status(client, user, name, *args) == 200
        written = accesses().filter(pk__gt=last)
        assert {e.actor_id for e in written} == {user.pk}, name
        assert str(joint.named.pk) in {e.object_pk for e in written if e.content_type.model == "child"}
    last = accesses().order_by("-pk").values_list("pk", flat=True).first()
    status(client, user, "social:shared_child", joint.named.pk)
    models = sorted(e.content_type.model for e in accesses().filter(pk__gt=last))
    assert models == ["categoryrecord", "child", "housingact", "supportmeasure"]


def test_a_refused_read_logs_nothing(client, joint):
    before = accesses().count()
    assert status(client, joint.psychologist.user, "social:shared_child", joint.named.pk) == 404
    assert accesses().count() == before


# --- Exports: named lists for their children only


def test_the_named_list_holds_only_the_given_children(client, joint):
    joint.switch(True)
    client.force_login(joint.teacher.user)
    response = client.get(reverse("social:shared_xlsx"), {"lang": "ru"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = {row[0] for row in sheet.iter_rows(min_row=5, values_only=True)}
    assert names == {"Әлиева Ару"}
    # Elsewhere the class teacher still gets counts only, as before.
    response = client.get(reverse("social:counts"))
    assert response.status_code == 200 and "Әлиева" not in response.content.decode()


# --- Query counts


def test_the_shared_list_does_not_grow_in_queries(client, joint):
    joint.switch(True)
    client.force_login(joint.teacher.user)
    client.get(reverse("social:shared"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("social:shared")).status_code == 200
    for n in range(5):
        child = pupil(joint.org, f"Бала {n}", in_class=joint.school_class)
        category(child, "large_family", D(2021, 1, 1))
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("social:shared")).status_code == 200
    assert len(many) == len(few)


# --- Giving access


def test_the_social_pedagogue_gives_access(client, joint, social_pedagogue):
    client.force_login(social_pedagogue.user)
    assert client.get(reverse("social:grants")).status_code == 200
    response = client.post(
        reverse("social:grants"),
        {"plan": joint.psy_plan.pk, "member": joint.psychologist.pk, "children": [joint.outside.pk]},
    )
    assert response.status_code == 302
    assert JointAccess.objects.filter(member=joint.psychologist).count() == 2


@pytest.mark.parametrize(
    "case, message",
    [
        ("wrong_kind", "Choose a joint plan with the psychologist or with the class teachers."),
        ("wrong_role", "This joint plan is with another role."),
        ("not_their_class", "A class teacher is given their own class only."),
        ("nothing", "Choose the children, or the class teacher's class."),
    ],
)
def test_bad_grants_are_refused(joint, case, message):
    kwargs = {"organization": joint.org, "plan": joint.psy_plan, "member": joint.psychologist, "children": [joint.named]}
    if case == "wrong_kind":
        kwargs["plan"] = plan(joint.org, kind="centre_annual", items=0)
    elif case == "wrong_role":
        kwargs["member"] = joint.teacher
    elif case == "not_their_class":
        other = school_class(joint.org, "6Б", joint.year)
        kwargs.update(plan=joint.teachers_plan, member=joint.teacher, school_class=other, children=[])
    else:
        kwargs["children"] = []
    before = JointAccess.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.joint_access_grant(**kwargs)
    assert message in str(exc.value)
    assert JointAccess.objects.count() == before


def test_the_grant_form_shows_the_message(client, joint, social_pedagogue):
    client.force_login(social_pedagogue.user)
    response = client.post(reverse("social:grants"), {"plan": joint.psy_plan.pk, "member": joint.psychologist.pk})
    assert response.status_code == 400
    assert "Choose the children, or the class teacher&#x27;s class." in response.content.decode()
    assert status(client, joint.psychologist.user, "social:grants") == 404


# --- The second factor and the menu


def _scope(member):
    from django.contrib.auth import get_user_model

    from qamqor.core.scoping import scope_for

    return scope_for(get_user_model().objects.get(pk=member.user_id))


def test_a_member_given_children_must_pass_the_second_factor(joint, django_assert_num_queries):
    assert not _scope(joint.psychologist).needs_second_factor  # the switch is off
    joint.switch(True)
    with django_assert_num_queries(2):  # the user, then the roles with the grants: no query of their own
        scope = _scope(joint.psychologist)
    assert scope.needs_second_factor and scope.joint_social_org_ids == {joint.org.pk}
    assert _scope(joint.teacher).needs_second_factor
    assert not _scope(f.staff(joint.org, "psychologist")).needs_second_factor  # given nothing
    last_year = plan(joint.org, kind="joint_psychologist", items=0, year=joint.year - 1)
    late = f.staff(joint.org, "psychologist")
    services.joint_access_grant(organization=joint.org, plan=last_year, member=late, children=[joint.outside])
    assert not _scope(late).needs_second_factor  # the year is over


@pytest.mark.without_second_factor
def test_the_second_factor_is_asked_before_the_shared_pages(client, joint):
    joint.switch(True)
    client.force_login(joint.psychologist.user)
    response = client.get(reverse("social:shared"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/second-factor/")


def test_the_menu_shows_the_shared_children(client, joint):
    client.force_login(joint.psychologist.user)
    assert reverse("social:shared") not in client.get(reverse("social:counts")).content.decode()
    joint.switch(True)
    client.force_login(joint.psychologist.user)
    assert reverse("social:shared") in client.get(reverse("social:counts")).content.decode()


def test_the_grants_page_does_not_grow_in_queries(client, joint, social_pedagogue):
    client.force_login(social_pedagogue.user)
    client.get(reverse("social:grants"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("social:grants")).status_code == 200
    for _n in range(3):
        member = f.staff(joint.org, "psychologist")
        services.joint_access_grant(organization=joint.org, plan=joint.psy_plan, member=member, children=[joint.named])
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("social:grants")).status_code == 200
    assert len(many) == len(few)
