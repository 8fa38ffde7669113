import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qamqor.core.testing import factories as f
from qamqor.journal.models import Request, Status
from qamqor.journal.services import request_intake, request_schedule


def make_requests(parent, methodist, count):
    return [
        request_intake(
            organization=parent.organization,
            parent=parent,
            channel="phone",
            topic=f.topic("speech"),
            question=f"Сұрақ {i}",
            received_by=methodist.user,
            answer="Жауап",
            recommendations="Ойындар: әғқңөұүһі ӘҒҚҢӨҰҮҺІ",
            call_minutes=5,
        )
        for i in range(count)
    ]


@pytest.fixture
def methodist_client(client, methodist):
    client.force_login(methodist.user)
    return client


def test_journal_lists_requests_in_constant_queries(
    methodist_client, parent, methodist, psychologist, django_assert_num_queries, django_capture_on_commit_callbacks
):
    make_requests(parent, methodist, 3)
    monday = f.next_working_monday()

    def schedule(hhmm):
        open_one = request_intake(
            organization=parent.organization, parent=parent, channel="phone", topic=f.topic(), question="?", received_by=None
        )
        request_schedule(request=open_one, specialists=[psychologist], starts_at=f.at(monday, hhmm), by=methodist.user)

    schedule("09:00")
    url = reverse("journal:list")
    # Rendered: session, user, memberships (scope), journal version, count, page of requests with
    # parent/child/topic/receiver names, booked specialists' names, routed specialists' names,
    # specialists for the filter (the organisations' names came with the memberships).
    with django_assert_num_queries(9):
        response = methodist_client.get(url)
    assert response.status_code == 200
    # Cached: session, user, memberships, journal version.
    with django_assert_num_queries(4):
        cached = methodist_client.get(url)
    def main(r):  # the page outside <main> holds CSRF tokens, new in every response
        return r.content.split(b"<main")[1]

    assert main(cached) == main(response)
    with django_capture_on_commit_callbacks(execute=True):  # the commit gives the journal a new version
        make_requests(parent, methodist, 20)
        for hhmm in ("10:00", "11:00", "12:00"):
            schedule(hhmm)
    with django_assert_num_queries(9):
        response = methodist_client.get(url)
    assert "Сейтқали Динара Ерланқызы" in response.content.decode()


def test_another_organisations_request_answers_404(methodist_client, other_kindergarten):
    other_parent = f.ParentFactory(organization=other_kindergarten)
    foreign = request_intake(
        organization=other_kindergarten, parent=other_parent, channel="phone", topic=f.topic(), question="?", received_by=None
    )
    assert methodist_client.get(reverse("journal:detail", args=[foreign.pk])).status_code == 404
    assert methodist_client.post(reverse("journal:cancel", args=[foreign.pk])).status_code == 404
    assert other_parent.full_name not in methodist_client.get(reverse("journal:list")).content.decode()


def test_specialist_sees_only_requests_routed_to_them(client, parent, methodist, psychologist, speech_therapist):
    mine, theirs = make_requests(parent, methodist, 2)[0], None
    mine = request_intake(
        organization=parent.organization, parent=parent, channel="phone", topic=f.topic(), question="мен", received_by=None
    )
    theirs = request_intake(
        organization=parent.organization, parent=parent, channel="phone", topic=f.topic(), question="ол", received_by=None
    )
    request_schedule(
        request=mine, specialists=[psychologist], starts_at=f.at(f.next_working_monday(), "10:00"), by=methodist.user
    )
    client.force_login(psychologist.user)
    assert client.get(reverse("journal:detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("journal:detail", args=[theirs.pk])).status_code == 404
    # a specialist does not take intake
    assert client.get(reverse("journal:new")).status_code == 403


def test_officer_sees_no_journal(client, district_officer, parent, methodist):
    make_requests(parent, methodist, 1)
    client.force_login(district_officer.user)
    assert client.get(reverse("journal:list")).status_code == 403
    assert client.get(reverse("journal:detail", args=[Request.objects.get().pk])).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("journal:list"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_intake_of_a_new_parent_and_child(methodist_client):
    response = methodist_client.post(
        reverse("journal:new"),
        {
            "channel": "walk_in",
            "topic": f.topic("behaviour").pk,
            "question": "Бала ашуланшақ",
            "parent_full_name": "Әбенова Гүлжан",
            "parent_phone": "8 701 555 12 34",
            "parent_language": "kk",
            "consent_method": "paper",
            "child_full_name": "Әбенов Нұрсұлтан",
            "child_birth_date": "2005-07-12",
            "child_sex": "m",
            "child_iin": "050712500121",
            "child_consent": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    request = Request.objects.get()
    assert request.number == 1
    assert request.parent.phone == "+77015551234"
    assert request.child.iin == "050712500121"
    assert set(request.parent.consents.values_list("scope", flat=True)) == {"parent", "child"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"parent_phone": "12345"}, "parent_phone"),
        ({"child_iin": "050712500122"}, "child_iin"),
        ({"child_birth_date": "2005-07-13"}, "child_iin"),
        ({"child_consent": ""}, "child_consent"),
        ({"consent_method": ""}, "consent_method"),
        ({"question": ""}, "question"),
        ({"child_birth_date": "2099-01-01"}, "child_birth_date"),
        ({"answered_now": "on", "answer": "Жауап", "call_minutes": "40", "channel": "phone"}, "call_minutes"),
    ],
)
def test_bad_intake_changes_nothing_and_says_why_in_kazakh(methodist_client, changes, field):
    data = {
        "channel": "walk_in",
        "topic": f.topic("behaviour").pk,
        "question": "Сұрақ",
        "parent_full_name": "Әбенова Гүлжан",
        "parent_phone": "87015551234",
        "parent_language": "kk",
        "consent_method": "paper",
        "child_full_name": "Әбенов Нұрсұлтан",
        "child_birth_date": "2005-07-12",
        "child_sex": "m",
        "child_iin": "050712500121",
        "child_consent": "on",
    }
    data.update(changes)
    response = methodist_client.post(reverse("journal:new"), data, HTTP_ACCEPT_LANGUAGE="kk")
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Request.objects.count() == 0
    from qamqor.families.models import Parent

    assert Parent.objects.count() == 0


def test_schedule_page_books_and_reports_a_clash(methodist_client, parent, methodist, psychologist):
    first, second = (
        request_intake(
            organization=parent.organization,
            parent=parent,
            channel="phone",
            topic=f.topic("behaviour"),
            question=q,
            received_by=None,
        )
        for q in ("a", "b")
    )
    monday = f.next_working_monday()
    page = methodist_client.get(reverse("journal:schedule", args=[first.pk]))
    assert page.status_code == 200
    slots = methodist_client.get(
        reverse("journal:slots", args=[first.pk]), {"specialists": psychologist.pk, "start": monday.isoformat()}
    )
    assert f"{monday:%Y-%m-%d} 09:00" in slots.content.decode()
    data = {"specialists": [psychologist.pk], "starts_at": f"{monday:%Y-%m-%d} 10:00"}
    assert methodist_client.post(reverse("journal:schedule", args=[first.pk]), data).status_code == 302
    clash = methodist_client.post(reverse("journal:schedule", args=[second.pk]), data)
    assert clash.status_code == 200
    assert clash.context["form"].non_field_errors()
    second.refresh_from_db()
    assert second.status == Status.NEW


def test_exports_have_the_official_columns_in_kk_and_ru(methodist_client, parent, methodist):
    make_requests(parent, methodist, 2)
    xlsx = methodist_client.get(reverse("journal:export_xlsx"), {"lang": "ru"})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    header = [c.value for c in sheet[4]]
    assert header[3] == "ФИО родителя"
    assert sheet.cell(row=5, column=4).value == "Сейтқали Динара Ерланқызы"
    xlsx_kk = methodist_client.get(reverse("journal:export_xlsx"), {"lang": "kk"})
    assert load_workbook(io.BytesIO(xlsx_kk.content)).active.cell(row=4, column=4).value == "Ата-ананың Т.А.Ә."
    printed = methodist_client.get(reverse("journal:print"), {"lang": "kk"})
    assert "Ұсынымдар" in printed.content.decode()


def test_pdf_export_renders_kazakh_letters(methodist_client, parent, methodist):
    from pypdf import PdfReader

    make_requests(parent, methodist, 2)
    response = methodist_client.get(reverse("journal:export_pdf"), {"lang": "kk"})
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    for letter in "әғқңөұүһіӘҒҚҢӨҰҮҺІ":
        assert letter in text, letter
    assert "Сейтқали" in text and "Ерланқызы" in text


def test_journal_filter_rejects_a_backwards_period(methodist_client):
    response = methodist_client.get(reverse("journal:list"), {"date_from": "2026-11-20", "date_to": "2026-11-01"})
    assert response.status_code == 200
    html = response.content.decode()
    # The message in Kazakh under the field, the field marked, and no rows for a period that cannot be.
    assert "Кезеңнің соңы басынан ерте болып тұр." in html
    assert 'name="date_to" id="id_date_to" class="form-control is-invalid" value="2026-11-01"' in html


def test_route_without_booking_then_reschedule_keeps_the_specialists(
    methodist_client, parent, methodist, psychologist, speech_therapist
):
    item = request_intake(
        organization=parent.organization, parent=parent, channel="phone", topic=f.topic("speech"), question="?", received_by=None
    )
    url = reverse("journal:schedule", args=[item.pk])
    response = methodist_client.post(url, {"specialists": [psychologist.pk, speech_therapist.pk], "route_only": "1"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.ROUTED
    page = methodist_client.get(url)
    assert set(page.context["form"].initial["specialists"]) == {psychologist, speech_therapist}


def test_no_show_says_what_happened(methodist_client, parent, methodist, psychologist):
    item = request_intake(
        organization=parent.organization, parent=parent, channel="phone", topic=f.topic(), question="?", received_by=None
    )
    request_schedule(
        request=item, specialists=[psychologist], starts_at=f.at(f.next_working_monday(), "10:00"), by=methodist.user
    )
    response = methodist_client.post(reverse("journal:no_show", args=[item.pk]), follow=True)
    assert len(list(response.context["messages"])) == 1
