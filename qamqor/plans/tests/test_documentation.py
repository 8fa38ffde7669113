"""The documentation set of a consultation point (plans/documentation.py and its page)."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qamqor.core.academic_year import current_academic_year
from qamqor.core.testing import factories as f
from qamqor.families import contracts
from qamqor.orgs.models import PointDocument
from qamqor.plans.models import Plan

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
KEYS = ("regulation", "opening_order", "perspective_plan", "journal", "schedule", "contracts")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def states(html: str) -> dict[str, str]:
    """key -> "exists" or "missing", read from the rows of the page's table."""
    return dict(re.findall(r'data-key="(\w+)" class="doc-(exists|missing)"', html))


def test_a_new_point_shows_everything_missing(client, methodist):
    client.force_login(methodist.user)
    response = client.get(reverse("plans:documentation"))
    assert response.status_code == 200
    assert states(response.content.decode()) == dict.fromkeys(KEYS, "missing")


def test_existing_documents_are_shown_with_their_links(client, methodist, kindergarten, psychologist, parent, child):
    # psychologist: consultation hours (the work schedule); parent/child: a contract
    client.force_login(methodist.user)
    for kind in ("regulation", "opening_order"):
        response = client.post(
            reverse("plans:documentation"),
            {"kind": kind, "number": "12", "date": "2026-09-01", "file": SimpleUploadedFile("order.pdf", PDF)},
        )
        assert response.status_code == 302
    plan = Plan.objects.create(organization=kindergarten, academic_year=current_academic_year(), kind=Plan.Kind.PERSPECTIVE)
    _request(kindergarten, parent)  # one request in the journal
    contract = contracts.contract_draft(parent=parent, child=child, language="kk")
    html = client.get(reverse("plans:documentation")).content.decode()
    assert states(html) == dict.fromkeys(KEYS, "exists")
    regulation = PointDocument.objects.get(kind="regulation")
    assert reverse("plans:documentation_file", args=[regulation.pk]) in html
    assert reverse("plans:print", args=[plan.pk]) in html
    assert reverse("journal:print") in html
    assert reverse("scheduling:work_schedule_print") in html
    assert reverse("families:contract_list") in html
    assert contract.number == 1
    file = client.get(reverse("plans:documentation_file", args=[regulation.pk]))
    assert file["Content-Type"] == "application/pdf" and b"".join(file.streaming_content) == PDF


def _request(organization, parent):
    from qamqor.journal.services import request_intake

    methodist = f.staff(organization, "methodist")
    return request_intake(
        organization=organization, channel="phone", parent=parent, topic=f.topic(), question="Сөйлеу", received_by=methodist.user
    )


def test_another_years_plan_does_not_count(client, methodist, kindergarten):
    Plan.objects.create(organization=kindergarten, academic_year=current_academic_year() - 1, kind=Plan.Kind.PERSPECTIVE)
    client.force_login(methodist.user)
    assert states(client.get(reverse("plans:documentation")).content.decode())["perspective_plan"] == "missing"
    last_year = client.get(reverse("plans:documentation"), {"year": current_academic_year() - 1}).content.decode()
    assert states(last_year)["perspective_plan"] == "exists"


def test_a_document_that_is_not_what_it_says_is_refused(client, methodist):
    client.force_login(methodist.user)
    response = client.post(
        reverse("plans:documentation"), {"kind": "regulation", "file": SimpleUploadedFile("order.pdf", b"MZ not a pdf")}
    )
    assert response.status_code == 400
    assert "file" in response.context["form"].errors
    assert not PointDocument.objects.exists()


def test_staff_read_managers_write_other_organisations_404(client, methodist, psychologist, kindergarten, other_kindergarten):
    client.force_login(methodist.user)
    client.post(reverse("plans:documentation"), {"kind": "regulation", "file": SimpleUploadedFile("r.pdf", PDF)})
    document = PointDocument.objects.get()
    stranger = PointDocument.objects.create(
        point=other_kindergarten.consultation_point, kind="regulation", file=SimpleUploadedFile("x.pdf", PDF)
    )
    assert client.get(reverse("plans:documentation_file", args=[stranger.pk])).status_code == 404
    assert client.post(reverse("plans:documentation_file_delete", args=[stranger.pk])).status_code == 404

    client.force_login(psychologist.user)
    page = client.get(reverse("plans:documentation"))
    assert page.status_code == 200
    assert reverse("plans:documentation_file_delete", args=[document.pk]) not in page.content.decode()
    assert client.get(reverse("plans:documentation_file", args=[document.pk])).status_code == 200
    assert client.post(reverse("plans:documentation_file_delete", args=[document.pk])).status_code == 403
    upload = {"kind": "other", "file": SimpleUploadedFile("o.pdf", PDF)}
    assert client.post(reverse("plans:documentation"), upload).status_code == 404
    assert PointDocument.objects.count() == 2

    client.force_login(methodist.user)
    client.post(reverse("plans:documentation_file_delete", args=[document.pk]))
    assert not PointDocument.objects.filter(pk=document.pk).exists()


def test_officers_are_refused(client, district_officer):
    client.force_login(district_officer.user)
    assert client.get(reverse("plans:documentation")).status_code == 403


def test_the_page_makes_the_same_queries_whatever_the_rows(client, methodist, kindergarten):
    client.force_login(methodist.user)

    def add(n):
        for _ in range(n):
            child = f.ChildFactory(parent=f.ParentFactory(organization=kindergarten))
            contracts.contract_draft(parent=child.parent, child=child, language="kk")
            PointDocument.objects.create(
                point=kindergarten.consultation_point, kind="other", file=SimpleUploadedFile("o.pdf", PDF)
            )

    add(1)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("plans:documentation"))
    add(4)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("plans:documentation"))
    assert len(many) == len(few)
