"""The social service's pages: who reaches them (everyone else 404), what they show, and the
access log entry every read of a child's social record writes (issue 6, item 6 and bar 1)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from openpyxl import load_workbook

from qamqor.core.testing import factories as f
from qamqor.orgs.models import Membership
from qamqor.social.models import CategoryRecord, Enrolment, HousingAct, SupportMeasure
from qamqor.social.tests.factories import category, iin_for, pupil, school_class
from qamqor.social.tests.test_import import xlsx

D = dt.date


class World:
    def __init__(self, org):
        from django.utils import timezone

        from qamqor.core.academic_year import current_academic_year
        from qamqor.social import services

        self.year = current_academic_year()
        self.school_class = school_class(org, "5А", self.year)
        self.child = pupil(org, "Әлиева Ару", in_class=self.school_class)
        self.record = category(self.child, "orphan", D(2020, 1, 1))
        services.housing_act_create(
            child=self.child, visited_on=timezone.localdate(), visitors="Қасымова Ж.", living_conditions="Екі бөлмелі пәтер"
        )
        services.support_give(child=self.child, kind="free_meals", given_on=timezone.localdate())
        self.enrolment = Enrolment.objects.get(child=self.child)


@pytest.fixture
def world(kindergarten):
    return World(kindergarten)


def read_pages(w: World) -> list[tuple[str, list, dict]]:
    """Every page, print and export that shows a child's social record."""
    return [
        ("social:class_detail", [w.school_class.pk], {}),
        ("social:child", [w.child.pk], {}),
        ("social:act_print", [HousingAct.objects.get(child=w.child).pk], {"lang": "kk"}),
        ("social:passport", [], {}),
        ("social:passport", [], {"school_class": w.school_class.pk}),
        ("social:passport_print", [], {"lang": "ru"}),
        ("social:passport_pdf", [], {"lang": "kk"}),
        ("social:passport_xlsx", [], {}),
        ("social:movement", [], {"month": f"{w.year}-09"}),
        ("social:due", [], {}),
        ("social:support", [], {"kind": "free_meals"}),
    ]


def accesses():
    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS)


@pytest.mark.parametrize("role", ["social_pedagogue", "head", "director"])
def test_the_social_roles_read_and_every_read_is_logged(client, kindergarten, world, role):
    user = f.staff(kindergarten, role).user
    client.force_login(user)
    for name, args, query in read_pages(world):
        last = accesses().order_by("-pk").values_list("pk", flat=True).first() or 0
        response = client.get(reverse(name, args=args), query)
        assert response.status_code == 200, name
        written = accesses().filter(pk__gt=last)
        assert written.exists(), f"{name} wrote no access entry"
        assert {e.actor_id for e in written} == {user.pk}


def test_the_child_page_logs_the_child_and_each_record(client, social_pedagogue, world):
    client.force_login(social_pedagogue.user)
    client.get(reverse("social:child", args=[world.child.pk]))
    logged = {(e.content_type.model, e.object_pk) for e in accesses().filter(actor=social_pedagogue.user)}
    assert ("child", str(world.child.pk)) in logged
    assert ("categoryrecord", str(world.record.pk)) in logged
    assert ("housingact", str(HousingAct.objects.get().pk)) in logged
    assert ("supportmeasure", str(SupportMeasure.objects.get().pk)) in logged
    entry = accesses().filter(actor=social_pedagogue.user, content_type__model="categoryrecord").get()
    assert entry.additional_data == {"organization_id": world.child.organization_id, "parent_id": world.child.parent_id}


RESTRICTED = [
    ("social:home", []),
    ("social:children", []),
    ("social:class_new", []),
    ("social:class_import", []),
    ("social:passport", []),
    ("social:passport_pdf", []),
    ("social:passport_xlsx", []),
    ("social:movement", []),
    ("social:due", []),
    ("social:support", []),
]


@pytest.mark.parametrize("role", ["methodist", "psychologist", "class_teacher", "nurse", "deputy"])
def test_other_staff_get_404_and_nothing_is_logged(client, kindergarten, world, role):
    client.force_login(f.staff(kindergarten, role).user)
    pages = RESTRICTED + [(name, args) for name, args, _ in read_pages(world)]
    for name, args in pages:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert client.post(reverse("social:category_new", args=[world.child.pk]), {}).status_code == 404
    assert not accesses().exists()


def test_officers_and_administrators_get_404(client, kindergarten, world, district_officer):
    admin = f.UserFactory(is_superuser=True, is_staff=True)
    for user in (district_officer.user, admin):
        client.force_login(user)
        for name, args, _ in read_pages(world):
            assert client.get(reverse(name, args=args)).status_code == 404, name


def test_another_organisations_records_are_404(client, other_kindergarten, world):
    client.force_login(f.staff(other_kindergarten, "social_pedagogue").user)
    assert client.get(reverse("social:child", args=[world.child.pk])).status_code == 404
    assert client.get(reverse("social:class_detail", args=[world.school_class.pk])).status_code == 404
    assert client.post(reverse("social:category_end", args=[world.record.pk]), {"ends_on": "2025-01-01"}).status_code == 404
    assert client.post(reverse("social:leave", args=[world.enrolment.pk]), {"left_on": "2025-12-01"}).status_code == 404
    assert world.child.full_name not in client.get(reverse("social:passport")).content.decode()


def test_the_menu_shows_the_service_to_the_social_roles_only(client, kindergarten, social_pedagogue, methodist):
    client.force_login(social_pedagogue.user)
    assert reverse("social:home") in client.get(reverse("social:children")).content.decode()
    client.force_login(methodist.user)
    assert reverse("social:home") not in client.get(reverse("families:parent_list")).content.decode()


def test_recording_a_category_and_a_clear_refusal(client, social_pedagogue, world):
    client.force_login(social_pedagogue.user)
    url = reverse("social:category_new", args=[world.child.pk])
    response = client.post(url, {"category": "large_family", "starts_on": "2025-09-01", "document_number": "№ 7"})
    assert response.status_code == 302
    assert CategoryRecord.objects.filter(child=world.child, category="large_family", recorded_by=social_pedagogue.user).exists()
    response = client.post(url, {"category": "orphan", "starts_on": "2025-09-01"})  # already an orphan
    assert response.status_code == 400
    assert response.context["category_form"].errors
    response = client.post(url, {"category": "large_family", "starts_on": "2025-09-01", "ends_on": "2025-08-01"})
    assert response.status_code == 400
    assert CategoryRecord.objects.filter(child=world.child).count() == 2


def test_acts_support_and_leaving(client, social_pedagogue, world):
    client.force_login(social_pedagogue.user)
    response = client.post(
        reverse("social:act_new", args=[world.child.pk]),
        {"visited_on": "2025-10-01", "visitors": "Қасымова", "living_conditions": "Жақсы", "findings": "", "recommendations": ""},
    )
    assert response.status_code == 302 and HousingAct.objects.count() == 2
    response = client.post(
        reverse("social:support_new", args=[world.child.pk]), {"kind": "material_aid", "given_on": "2025-10-01"}
    )
    assert response.status_code == 400 and SupportMeasure.objects.count() == 1
    left_on = world.enrolment.enrolled_on + dt.timedelta(days=30)
    response = client.post(reverse("social:leave", args=[world.enrolment.pk]), {"left_on": left_on.isoformat()})
    world.enrolment.refresh_from_db()
    assert world.enrolment.left_on == left_on
    response = client.post(reverse("social:category_end", args=[world.record.pk]), {"ends_on": "2024-01-01"})
    world.record.refresh_from_db()
    assert world.record.ends_on == D(2024, 1, 1)


def test_a_class_is_created_and_named_once(client, social_pedagogue, kindergarten):
    client.force_login(social_pedagogue.user)
    teacher = f.staff(kindergarten, "class_teacher")
    data = {"academic_year": "2025", "name": "7Ә", "class_teacher": teacher.pk}
    assert client.post(reverse("social:class_new"), data).status_code == 302
    response = client.post(reverse("social:class_new"), data)
    assert response.status_code == 400 and response.context["form"].errors


def test_the_passport_page_in_constant_queries(client, social_pedagogue, world, django_assert_num_queries):
    client.force_login(social_pedagogue.user)
    url = reverse("social:passport")
    client.get(url)

    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    few = queries()
    for n in range(6):
        category(pupil(world.child.organization, f"Қосымша {n}", in_class=world.school_class), "orphan", D(2024, 1, 1))
    assert queries() == few


def test_the_passport_exports(client, social_pedagogue, world):
    client.force_login(social_pedagogue.user)
    pdf = client.get(reverse("social:passport_pdf"), {"lang": "ru"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    data = client.get(reverse("social:passport_xlsx"), {"school_class": world.school_class.pk}).content
    workbook = load_workbook(io.BytesIO(data))
    names = [row[2] for row in workbook.worksheets[1].iter_rows(min_row=2, values_only=True)]
    assert names == ["Әлиева Ару"]
    html = client.get(reverse("social:passport_print"), {"lang": "kk"}).content.decode()
    assert "Әлиева Ару" in html


def test_the_import_page_previews_then_imports(client, social_pedagogue, kindergarten, world):
    client.force_login(social_pedagogue.user)
    url = reverse("social:class_import")
    born = D(2015, 3, 3)
    bad = [[iin_for(born, "m", 1), "9Ж", "Бала", "Ана", "+7 701 222 33 44"]]
    response = client.post(url, {"academic_year": world.year, "file": xlsx(bad)})
    assert "There is no class «9Ж»" in response.content.decode()
    assert client.post(url, {"confirm": "1"}).status_code == 400
    good = [[iin_for(born, "m", 1), "5А", "Жаңа Бала", "Жаңа Ана", "+7 701 222 33 44"]]
    response = client.post(url, {"academic_year": world.year, "file": xlsx(good)})
    assert response.status_code == 200 and response.context["problems"] == 0
    assert client.post(url, {"confirm": "1"}).status_code == 400  # the consents are not confirmed
    assert client.post(url, {"confirm": "1", "consent_on_file": "on"}).status_code == 302
    assert Enrolment.objects.filter(child__full_name="Жаңа Бала", school_class=world.school_class).exists()


def test_counts_only_for_other_staff_and_officers(client, kindergarten, world, methodist, district_officer, social_pedagogue):
    url = reverse("social:counts")
    client.force_login(social_pedagogue.user)
    assert client.get(url).context["table"][0][1][1] == 1  # the social pedagogue sees the exact count
    for user in (methodist.user, district_officer.user):
        client.force_login(user)
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200
        assert world.child.full_name not in html
        organization, values = response.context["table"][0]
        assert organization == kindergarten
        assert str(values[0]) == "fewer than 5" and str(values[1]) == "fewer than 5"  # 1 pupil, 1 orphan
        assert values[2] == 0
        data = client.get(reverse("social:counts_xlsx"), {"lang": "en"}).content
        rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
        assert any(row[0] == kindergarten.name and row[1] == "fewer than 5" for row in rows)
        assert not any(world.child.full_name in str(cell) for row in rows for cell in row)


def test_an_officer_sees_only_their_districts_organisations(client, kindergarten, other_kindergarten, district_officer):
    client.force_login(district_officer.user)
    table = client.get(reverse("social:counts")).context["table"]
    assert [o for o, _ in table] == [kindergarten]


def test_a_region_officer_sees_the_regions_organisations(client, kindergarten):
    officer = Membership.objects.create(user=f.UserFactory(), role="region_officer", region=kindergarten.district.region)
    client.force_login(officer.user)
    assert kindergarten in [o for o, _ in client.get(reverse("social:counts")).context["table"]]


def test_counts_need_a_role(client, db):
    client.force_login(f.UserFactory())
    assert client.get(reverse("social:counts")).status_code == 404


@pytest.mark.parametrize(
    ("language", "heading", "category_label"), [("kk", "Әлеуметтік паспорт", "Жетім"), ("ru", "Социальный паспорт", "Сирота")]
)
def test_the_pages_and_the_print_speak_kazakh_and_russian(client, social_pedagogue, world, language, heading, category_label):
    client.force_login(social_pedagogue.user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    html = client.get(reverse("social:passport")).content.decode()
    assert heading in html and category_label in html
    printed = client.get(reverse("social:passport_print"), {"lang": language}).content.decode()
    assert category_label in printed


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("social:home", {}),
        ("social:class_detail", {}),
        ("social:passport", {}),
        ("social:passport_xlsx", {}),
        ("social:movement", {}),
        ("social:due", {}),
        ("social:support", {"kind": "free_meals"}),
        ("social:counts", {}),
    ],
)
def test_list_pages_cost_the_same_queries_for_more_children(client, social_pedagogue, world, name, query):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from qamqor.social import services

    client.force_login(social_pedagogue.user)
    args = [world.school_class.pk] if name == "social:class_detail" else []
    url = reverse(name, args=args)
    query = {"month": f"{world.year}-09", **query} if name == "social:movement" else query

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, query).status_code == 200
        return len(ctx)

    client.get(url, query)  # warm the caches (content types, the session)
    few = queries()
    for n in range(4):
        child = pupil(world.child.organization, f"Қосымша {n}", in_class=world.school_class)
        category(child, "orphan", D(2020, 1, 1))
        services.support_give(child=child, kind="free_meals", given_on=timezone.localdate())
    assert queries() == few


def test_the_head_reads_the_access_entries_in_the_audit_log(client, head, social_pedagogue, world):
    client.force_login(social_pedagogue.user)
    client.get(reverse("social:child", args=[world.child.pk]))
    client.force_login(head.user)
    assert client.get(reverse("audit:log")).status_code == 200


def test_finding_a_child_by_name_or_iin_in_the_organisation_only(client, social_pedagogue, world, other_kindergarten):
    born = D(2015, 3, 3)
    found = pupil(world.child.organization, "Іздеулі Бала", iin=iin_for(born, "m", 7), birth_date=born)
    pupil(other_kindergarten, "Іздеулі Бөтен")
    client.force_login(social_pedagogue.user)
    html = client.get(reverse("social:children"), {"q": "Іздеулі"}).content.decode()
    assert "Іздеулі Бала" in html and "Іздеулі Бөтен" not in html
    html = client.get(reverse("social:children"), {"q": found.iin[:8]}).content.decode()
    assert "Іздеулі Бала" in html
