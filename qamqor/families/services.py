"""Every write to parents, children and consents."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
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
def consent_withdraw(*, parent: Parent) -> Parent:
    """The parent withdraws every consent of theirs in force (for themselves and their children).

    What only the consent let us keep is erased at once: the email and the children's IINs,
    which the request journal does not hold. The rest stays, as the journal's official record
    needs it (the rows point at the parent and the child), but leaves the staff's lists
    (`Parent.objects.consenting()`); nobody contacts the parent again unless they consent anew.
    Open requests and bookings belong to the journal: the caller cancels them in the same
    transaction (portal.services.portal_consent_withdraw)."""
    parent = Parent.objects.select_for_update().get(pk=parent.pk)
    in_force = Consent.objects.filter(parent=parent, withdrawn_at__isnull=True)
    if not in_force.filter(scope=Consent.Scope.PARENT).exists():
        raise ValidationError(_("Your consent is already withdrawn."), code="already_withdrawn")
    # One statement, one time for all: no signal listens to consents.
    in_force.update(withdrawn_at=timezone.now())
    if parent.email:
        parent.email = ""
        parent.save(update_fields=["email"])
    for child in Child.objects.filter(parent=parent).exclude(iin=""):
        child.iin = ""
        child.save(update_fields=["iin"])
    return parent


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
