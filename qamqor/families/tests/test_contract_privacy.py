"""Contracts in the family's erasure and in retention (families/contract_privacy.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qamqor.audit.services import family_anonymise, retention_apply
from qamqor.core.testing import factories as f
from qamqor.families import contracts
from qamqor.families.models import Child, Contract, Parent
from qamqor.families.tests.test_contracts import PDF


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def signed(parent, child) -> Contract:
    contract = contracts.contract_draft(parent=parent, child=child, language="kk")
    scan = SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")
    return contracts.contract_sign(contract=contract, scan=scan, signed_on=timezone.localdate())


def test_erasure_keeps_the_numbered_row_and_deletes_the_files(parent, child, django_capture_on_commit_callbacks):
    contract = signed(parent, child)
    storage, names = contract.document.storage, [contract.document.name, contract.scan.name]
    assert all(storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        counts = family_anonymise(parent=parent, reason="erasure")
    assert counts["contracts_anonymised"] == 1
    contract.refresh_from_db()
    assert (contract.number, contract.status) == (1, Contract.Status.SIGNED)
    assert contract.parent is None and contract.child is None and contract.anonymised_at
    assert not contract.document and not contract.scan
    assert not any(storage.exists(name) for name in names)
    # Nothing else named the family: it is deleted, the contract row stays.
    assert not Parent.objects.filter(pk=parent.pk).exists() and not Child.objects.filter(pk=child.pk).exists()


def test_retention_leaves_a_family_with_a_contract_in_force(kindergarten):
    parent = f.ParentFactory(organization=kindergarten)
    in_force = signed(parent, f.ChildFactory(parent=parent))
    other = f.ParentFactory(organization=kindergarten)
    ended = contracts.contract_end(contract=signed(other, f.ChildFactory(parent=other)), ended_on=timezone.localdate())
    later = timezone.now() + dt.timedelta(days=31 * (kindergarten.retention_months + 2))
    run = retention_apply(organization=kindergarten, now=later)
    assert run.counts.get("contracts_anonymised") == 1
    in_force.refresh_from_db()
    ended.refresh_from_db()
    assert in_force.parent_id == parent.pk
    assert ended.parent_id is None and not ended.scan
