"""The contract pages (families/contract_views.py): who may do what, messages, query counts."""

from __future__ import annotations

import io

import docx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qamqor.core.testing import factories as f
from qamqor.families import contracts
from qamqor.families.models import Contract, ContractTemplate
from qamqor.families.services import consent_withdraw
from qamqor.families.tests.test_contracts import PDF, template_with, upload


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_manager_drafts_a_contract_from_the_parents_card(client, methodist, parent, child):
    client.force_login(methodist.user)
    card = client.get(reverse("families:parent_detail", args=[parent.pk])).content.decode()
    assert reverse("families:contract_new", args=[parent.pk]) in card
    response = client.post(reverse("families:contract_new", args=[parent.pk]), {"child": child.pk, "language": "ru"})
    contract = Contract.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("families:contract_detail", args=[contract.pk])
    document = client.get(reverse("families:contract_document", args=[contract.pk]))
    assert document["Content-Type"] == contracts.DOCX_CONTENT_TYPE
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(b"".join(document.streaming_content))).paragraphs)
    assert "ДОГОВОР № 1" in text and child.full_name in text
    card = client.get(reverse("families:parent_detail", args=[parent.pk])).content.decode()
    assert reverse("families:contract_detail", args=[contract.pk]) in card


def test_drafting_without_consent_shows_the_reason_and_saves_nothing(client, methodist, parent, child):
    consent_withdraw(parent=parent)
    client.force_login(methodist.user)
    response = client.post(reverse("families:contract_new", args=[parent.pk]), {"child": child.pk, "language": "kk"})
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].non_field_errors().as_data()] == ["no_consent"]
    assert not Contract.objects.exists()


def test_signing_with_a_scan_and_ending(client, methodist, parent, child):
    contract = contracts.contract_draft(parent=parent, child=child, language="kk")
    client.force_login(methodist.user)
    today = timezone.localdate().isoformat()
    response = client.post(
        reverse("families:contract_sign", args=[contract.pk]), {"signed_on": today, "scan": upload(b"not a scan", "scan.pdf")}
    )
    assert response.status_code == 400
    assert "scan" in response.context["sign_form"].errors
    response = client.post(
        reverse("families:contract_sign", args=[contract.pk]), {"signed_on": today, "scan": upload(PDF, "scan.pdf")}
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.status == Contract.Status.SIGNED
    scan = client.get(reverse("families:contract_scan", args=[contract.pk]))
    assert scan["Content-Type"] == "application/pdf" and b"".join(scan.streaming_content) == PDF
    client.post(reverse("families:contract_end", args=[contract.pk]), {"ended_on": today})
    contract.refresh_from_db()
    assert contract.status == Contract.Status.ENDED
    response = client.post(reverse("families:contract_end", args=[contract.pk]), {"ended_on": today}, follow=True)
    assert [m.level_tag for m in response.context["messages"]][-1] == "error"  # ended stays ended


def test_template_upload_names_the_wrong_field(client, methodist):
    client.force_login(methodist.user)
    data = template_with("{{ parent_name }} {{ child_surname }}", "{{ consent_text }}")
    response = client.post(reverse("families:contract_templates"), {"language": "kk", "file": upload(data)})
    assert response.status_code == 400
    assert "child_surname" in response.content.decode()
    assert not ContractTemplate.objects.exists()
    good = template_with("{{ parent_name }}", "{{ consent_text }}")
    response = client.post(reverse("families:contract_templates"), {"language": "kk", "file": upload(good)})
    assert response.status_code == 302
    assert ContractTemplate.objects.filter(language="kk").exists()
    own = client.get(reverse("families:contract_template_file", args=["kk"]))
    assert own.content == good
    client.post(reverse("families:contract_template_remove", args=["kk"]))
    assert not ContractTemplate.objects.exists()
    default = client.get(reverse("families:contract_template_file", args=["ru"]))
    assert default.content == contracts.default_template_path("ru").read_bytes()


def test_other_staff_read_but_do_not_write(client, psychologist, parent, child):
    contract = contracts.contract_draft(parent=parent, child=child, language="kk")
    client.force_login(psychologist.user)
    assert client.get(reverse("families:contract_list")).status_code == 200
    page = client.get(reverse("families:contract_detail", args=[contract.pk]))
    assert page.status_code == 200 and "contract_sign" not in page.content.decode()
    assert reverse("families:contract_sign", args=[contract.pk]) not in page.content.decode()
    assert client.get(reverse("families:contract_document", args=[contract.pk])).status_code == 200
    assert client.post(reverse("families:contract_end", args=[contract.pk]), {"ended_on": "2026-01-01"}).status_code == 403
    assert client.get(reverse("families:contract_new", args=[parent.pk])).status_code == 403
    assert client.get(reverse("families:contract_templates")).status_code == 403


def test_another_organisations_contract_is_404(client, methodist, other_kindergarten):
    stranger = f.ChildFactory(parent=f.ParentFactory(organization=other_kindergarten))
    contract = contracts.contract_draft(parent=stranger.parent, child=stranger, language="kk")
    client.force_login(methodist.user)
    for name in ("contract_detail", "contract_document", "contract_scan"):
        assert client.get(reverse(f"families:{name}", args=[contract.pk])).status_code == 404
    assert client.post(reverse("families:contract_end", args=[contract.pk]), {"ended_on": "2026-01-01"}).status_code == 404
    assert client.get(reverse("families:contract_new", args=[stranger.parent.pk])).status_code == 404
    assert stranger.full_name not in client.get(reverse("families:contract_list")).content.decode()


def test_officers_see_no_contracts(client, district_officer):
    client.force_login(district_officer.user)
    assert client.get(reverse("families:contract_list")).status_code == 403


def test_contract_list_queries_do_not_grow_with_rows(client, methodist, kindergarten):
    def add(n):
        for _ in range(n):
            child = f.ChildFactory(parent=f.ParentFactory(organization=kindergarten))
            contracts.contract_draft(parent=child.parent, child=child, language="kk")

    client.force_login(methodist.user)
    add(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("families:contract_list")).status_code == 200
    add(5)
    with CaptureQueriesContext(connection) as many:
        html = client.get(reverse("families:contract_list")).content.decode()
    assert len(many) == len(few)
    assert "№ 7" in html
    # filtered by status
    assert "№ 7" not in client.get(reverse("families:contract_list"), {"status": "signed"}).content.decode()
