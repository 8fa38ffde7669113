"""Records for the project's access matrix (qamqor/core/tests/test_access_matrix.py): contracts
and the consultation point's documents, made on demand for one organisation inside the test's
transaction (rolled back after each page)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qamqor.core.testing import factories as f
from qamqor.families import contracts
from qamqor.orgs.models import PointDocument

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _contract(org):
    # A child of its own: a child has one contract in force at a time.
    child = f.ChildFactory(parent=org.parent)
    return contracts.contract_draft(parent=org.parent, child=child, language="kk")


def contract_pk(org) -> list:
    return [_contract(org).pk]


def signed_contract_pk(org) -> list:
    scan = SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")
    return [contracts.contract_sign(contract=_contract(org), scan=scan, signed_on=timezone.localdate()).pk]


def point_document_pk(org) -> list:
    document = PointDocument.objects.create(point=org.point, kind="regulation", file=SimpleUploadedFile("r.pdf", PDF))
    return [document.pk]
