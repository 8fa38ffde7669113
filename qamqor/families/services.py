"""Every write to parents, children and consents."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qamqor.core.validators import normalize_phone
from qamqor.families.models import Child, Consent, Parent
from qamqor.orgs.models import Organization


@transaction.atomic
def parent_create(
    *,
    organization: Organization,
    full_name: str,
    phone: str,
    email: str = "",
    language: str = Parent.Language.KK,
    consent_method: str,
    recorded_by=None,
) -> Parent:
    """A parent, with their consent to process their contact details and requests: we keep
    nobody's data without it."""
    parent = Parent(
        organization=organization,
        full_name=" ".join(full_name.split()),
        phone=normalize_phone(phone),
        email=email.strip(),
        language=language,
    )
    parent.full_clean()
    parent.save()
    consent_record(parent=parent, scope=Consent.Scope.PARENT, method=consent_method, recorded_by=recorded_by)
    return parent


@transaction.atomic
def consent_record(*, parent: Parent, scope: str, method: str, recorded_by=None) -> Consent:
    consent = Consent(parent=parent, scope=scope, method=method, recorded_by=recorded_by)
    consent.full_clean()
    consent.save()
    return consent


@transaction.atomic
def child_create(
    *,
    parent: Parent,
    full_name: str,
    birth_date: dt.date,
    sex: str,
    iin: str = "",
    consent_method: str | None = None,
    recorded_by=None,
) -> Child:
    """A child of a parent. The parent's consent to process the child's data must be on
    record first; `consent_method` records it now (paper or online)."""
    if consent_method:
        consent_record(parent=parent, scope=Consent.Scope.CHILD, method=consent_method, recorded_by=recorded_by)
    elif not Consent.objects.filter(parent=parent, scope=Consent.Scope.CHILD, withdrawn_at__isnull=True).exists():
        raise ValidationError(
            _("Record the parent's consent to process the child's data before adding the child."), code="no_consent"
        )
    child = Child(
        organization_id=parent.organization_id,
        parent=parent,
        full_name=" ".join(full_name.split()),
        birth_date=birth_date,
        sex=sex,
        iin=iin.strip(),
    )
    child.full_clean()
    child.save()
    return child
