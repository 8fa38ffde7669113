"""Every write of the recognition at the end of an academic year (seed 003): awards decided by
the organisation's managers, the Honor Book of model families, and the families' consents to
publish their page. Qamqor proposes candidates (selectors.award_candidates); people decide.

An Honor Book entry is on the public page only while the family's consent is in force; the
consent is withdrawn here and the entry leaves the page with the same write. A photo file is
removed from storage only once the transaction that deleted its entry has committed, so a
rolled-back deletion never leaves an entry without its photo."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qamqor.engagement.models import Award, HonorBookConsent, HonorBookEntry
from qamqor.engagement.photos import check_photo
from qamqor.families.models import Parent
from qamqor.orgs.models import Organization


def _same_organization(organization: Organization, parent: Parent | None) -> None:
    if parent is not None and (parent.organization_id != organization.pk or parent.anonymised_at is not None):
        raise ValidationError(
            {"parent": ValidationError(_("The parent is not on this organisation's register."), code="parent_org")}
        )


def photo_delete_on_commit(name: str) -> None:
    """Remove a stored photo once the deletion of its record is committed."""
    if not name:
        return
    storage = HonorBookEntry._meta.get_field("photo").storage
    transaction.on_commit(lambda: storage.delete(name))


# --- Awards


@transaction.atomic
def award_give(
    *,
    organization: Organization,
    academic_year: int,
    kind: str,
    reason: str,
    by,
    parent: Parent | None = None,
    group_name: str = "",
) -> Award:
    """Give an award for an academic year: to a parent of the register, or (a collective or a
    committee) to a group's parents named by the group."""
    group_kind = kind in Award.GROUP_KINDS
    _same_organization(organization, None if group_kind else parent)
    award = Award(
        organization=organization,
        academic_year=academic_year,
        kind=kind,
        parent=None if group_kind else parent,
        group_name=group_name.strip() if group_kind else "",
        reason=reason.strip(),
        decided_by=by,
    )
    award.recipient_name = award.group_name if group_kind else (parent.full_name if parent else "")
    award.full_clean(exclude=["recipient_name"] if not award.recipient_name else None)
    try:
        with transaction.atomic():
            award.save()
    except IntegrityError as exc:
        # The database's unique constraint: two managers clicking at once give it once.
        raise ValidationError(_("This award has already been given to them for this academic year."), code="duplicate") from exc
    return award


@transaction.atomic
def award_revoke(*, award: Award, by) -> Award:
    award = Award.objects.select_for_update().get(pk=award.pk)
    if award.revoked_at is not None:
        raise ValidationError(_("The award has already been revoked."), code="revoked")
    award.revoked_at, award.revoked_by = timezone.now(), by
    award.save(update_fields=["revoked_at", "revoked_by"])
    return award


# --- The Honor Book


@transaction.atomic
def honor_entry_create(
    *,
    organization: Organization,
    parent: Parent,
    academic_year: int,
    family_name: str,
    photo: UploadedFile,
    by,
    story_kk: str = "",
    story_ru: str = "",
) -> HonorBookEntry:
    """A new page, not yet published: the family's consent is recorded on its own."""
    _same_organization(organization, parent)
    extension = check_photo(photo)
    photo.name = f"photo{extension}"  # the stored name's extension comes from the check
    entry = HonorBookEntry(
        organization=organization,
        parent=parent,
        academic_year=academic_year,
        family_name=family_name.strip(),
        story_kk=story_kk.strip(),
        story_ru=story_ru.strip(),
        photo=photo,
        created_by=by,
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def honor_entry_delete(*, entry: HonorBookEntry) -> None:
    name = entry.photo.name
    HonorBookEntry.objects.filter(pk=entry.pk).delete()
    photo_delete_on_commit(name)


@transaction.atomic
def honor_consent_give(*, entry: HonorBookEntry, given_by: str, method: str, by) -> HonorBookConsent:
    """Record the family's consent: the entry is published from now on."""
    HonorBookEntry.objects.select_for_update().get(pk=entry.pk)  # one consent in force at a time
    if entry.consents.filter(withdrawn_at__isnull=True).exists():
        raise ValidationError(_("The family's consent is already recorded: the entry is published."), code="already")
    consent = HonorBookConsent(entry=entry, given_by=given_by.strip(), method=method, recorded_by=by)
    consent.full_clean()
    consent.save()
    return consent


@transaction.atomic
def honor_consent_withdraw(*, entry: HonorBookEntry) -> int:
    """The family withdrew its consent: the entry leaves the public page with this write."""
    in_force = list(entry.consents.select_for_update().filter(withdrawn_at__isnull=True))
    if not in_force:
        raise ValidationError(_("There is no consent in force to withdraw."), code="none")
    now = timezone.now()
    for consent in in_force:  # saved one by one: the audit log records each withdrawal
        consent.withdrawn_at = now
        consent.save(update_fields=["withdrawn_at"])
    return len(in_force)
