from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qamqor.core.scoping import Scope
from qamqor.core.validators import format_phone, validate_iin, validate_iin_matches, validate_phone
from qamqor.orgs.models import Organization


class Sex(models.TextChoices):
    MALE = "m", _("boy")
    FEMALE = "f", _("girl")


class ParentQuerySet(models.QuerySet):
    def scoped(self, scope: Scope) -> ParentQuerySet:
        # The methodist, head and deputy keep the families' register; a specialist meets a family
        # only through the requests routed to them; officers see none (aggregates only).
        return self.filter(organization_id__in=scope.manager_org_ids)

    def search(self, text: str) -> ParentQuerySet:
        text = text.strip()
        if not text:
            return self
        digits = "".join(ch for ch in text if ch.isdigit())
        query = Q(full_name__icontains=text)
        if len(digits) >= 4:
            query |= Q(phone__contains=digits[-10:])
        return self.filter(query)

    def consenting(self) -> ParentQuerySet:
        """Parents whose consent to process their data is in force: the only ones the staff's
        lists (the families register, the intake form) offer. A parent who withdrew it stays in
        the journal's rows, an official record, but is no longer looked up or contacted."""
        return self.filter(
            Exists(Consent.objects.filter(parent=OuterRef("pk"), scope=Consent.Scope.PARENT, withdrawn_at__isnull=True))
        )


class Parent(models.Model):
    """A parent or other legal representative served by one organisation."""

    class Language(models.TextChoices):
        KK = "kk", "Қазақша"
        RU = "ru", "Русский"

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="parents", verbose_name=_("organisation")
    )
    full_name = models.CharField(_("full name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20, validators=[validate_phone])
    email = models.EmailField(_("email"), blank=True)
    language = models.CharField(_("preferred language"), max_length=2, choices=Language.choices, default=Language.KK)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Set when the family's personal data were anonymised (retention or the parent's erasure,
    # qamqor/audit/services.py); the row stays for the journal's numbered records.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)

    objects = ParentQuerySet.as_manager()

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("parent")
        verbose_name_plural = _("parents")
        # (organisation, phone): the parent an application finds or makes; phone alone: the site's
        # limit of future bookings per phone, counted across organisations (portal.services).
        indexes = [models.Index(fields=["organization", "phone"]), models.Index(fields=["phone"], name="families_parent_phone")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone)

    def has_consent(self, scope: str) -> bool:
        return any(c.scope == scope and c.withdrawn_at is None for c in self.consents.all())

    @property
    def consent_withdrawn_at(self) -> dt.datetime | None:
        """When the parent withdrew their consent, while none of theirs is in force; else None."""
        given = [c for c in self.consents.all() if c.scope == Consent.Scope.PARENT]
        if not given or any(c.withdrawn_at is None for c in given):
            return None
        return max(c.withdrawn_at for c in given)


class Consent(models.Model):
    """A parent's consent to data processing: when, how and for what (law on personal data)."""

    class Method(models.TextChoices):
        PAPER = "paper", _("on paper")
        ONLINE = "online", _("online")

    class Scope(models.TextChoices):
        PARENT = "parent", _("the parent's contact details and requests")
        CHILD = "child", _("the child's data")

    parent = models.ForeignKey(Parent, on_delete=models.CASCADE, related_name="consents", verbose_name=_("parent"))
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    method = models.CharField(_("how given"), max_length=10, choices=Method.choices)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    text_version = models.CharField(_("text version"), max_length=20, default="2026-1")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("recorded by")
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["-given_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.parent} · {self.get_scope_display()}"


class ChildQuerySet(models.QuerySet):
    def scoped(self, scope: Scope) -> ChildQuerySet:
        return self.filter(organization_id__in=scope.manager_org_ids)

    def consenting(self) -> ChildQuerySet:
        """Children whose parent's consent to process the child's data is in force."""
        return self.filter(
            Exists(Consent.objects.filter(parent=OuterRef("parent"), scope=Consent.Scope.CHILD, withdrawn_at__isnull=True))
        )


class Child(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="children", verbose_name=_("organisation")
    )
    parent = models.ForeignKey(Parent, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent"))
    full_name = models.CharField(_("full name"), max_length=200)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    iin = models.CharField(_("IIN"), max_length=12, blank=True, validators=[validate_iin])
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("child")
        verbose_name_plural = _("children")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "iin"],
                condition=~Q(iin=""),
                name="child_iin_unique_in_org",
                violation_error_message=_("A child with this IIN is already registered in this organisation."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        if self.birth_date and self.birth_date > timezone.localdate():
            raise ValidationError({"birth_date": _("The birth date cannot be in the future.")})
        if self.iin and self.birth_date and self.sex:
            try:
                validate_iin(self.iin)
            except ValidationError:
                return  # the field validator reports the format error itself
            validate_iin_matches(self.iin, birth_date=self.birth_date, sex=self.sex)
        if self.parent_id and self.organization_id and self.parent.organization_id != self.organization_id:
            raise ValidationError({"parent": _("The parent belongs to another organisation.")})


# --- Contracts with parents (seed 000, appendix 1; seed 001 §7): services in families/contracts.py


def contract_file_path(instance: models.Model, filename: str) -> str:
    """Under MEDIA_ROOT, by organisation, under a random name (never the family's file name,
    which may hold their names); the extension is the checked one (families/contracts.py)."""
    import uuid
    from pathlib import Path

    return f"contracts/{instance.organization_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class ContractCounter(models.Model):
    """The last contract number an organisation gave. Drafting locks this row, so numbers are
    consecutive without gaps or duplicates under concurrency (as the journal's JournalCounter)."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="+")
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("contract counter")
        verbose_name_plural = _("contract counters")

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.last_number}"


class ContractTemplateQuerySet(models.QuerySet):
    def scoped(self, scope: Scope) -> ContractTemplateQuerySet:
        return self.filter(organization_id__in=scope.staff_org_ids)


class ContractTemplate(models.Model):
    """An organisation's own DOCX template of the contract in one language (docxtpl); without
    one, Qamqor's default template of that language is used."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="contract_templates", verbose_name=_("organisation")
    )
    language = models.CharField(_("language"), max_length=2, choices=Parent.Language.choices)
    file = models.FileField(_("file"), upload_to=contract_file_path, max_length=200)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    objects = ContractTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("contract template")
        verbose_name_plural = _("contract templates")
        constraints = [models.UniqueConstraint(fields=["organization", "language"], name="contract_template_one_per_language")]

    def __str__(self) -> str:
        return f"{self.organization} · {self.language}"


class ContractQuerySet(models.QuerySet):
    def scoped(self, scope: Scope) -> ContractQuerySet:
        # Managers keep the contracts; the other staff of the organisation read them (the
        # documentation set of the consultation point, seed 001 §7.1); officers see none.
        return self.filter(organization_id__in=scope.staff_org_ids)

    def in_force(self) -> ContractQuerySet:
        return self.filter(status=Contract.Status.SIGNED)


class Contract(models.Model):
    """A contract between the organisation and a parent about their child (seed 000, appendix 1),
    with the consent to data processing as its own section."""

    class Status(models.TextChoices):
        DRAFTED = "drafted", _("drafted")
        SIGNED = "signed", _("signed")
        ENDED = "ended", _("ended")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("organisation")
    )
    number = models.PositiveIntegerField(_("number"))
    # Emptied when the family's data are erased (families/contract_privacy.py); the numbered row stays.
    parent = models.ForeignKey(
        Parent, null=True, blank=True, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("parent")
    )
    child = models.ForeignKey(
        Child, null=True, blank=True, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("child")
    )
    language = models.CharField(_("language"), max_length=2, choices=Parent.Language.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFTED)
    document = models.FileField(_("contract (DOCX)"), upload_to=contract_file_path, max_length=200, blank=True)
    scan = models.FileField(_("signed scan"), upload_to=contract_file_path, max_length=200, blank=True)
    drafted_at = models.DateTimeField(_("drafted at"), default=timezone.now)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("drafted by")
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)

    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [models.UniqueConstraint(fields=["organization", "number"], name="contract_number_unique")]

    def __str__(self) -> str:
        return f"№ {self.number}"

    def allowed_next(self) -> tuple[str, ...]:
        return {
            self.Status.DRAFTED: (self.Status.SIGNED, self.Status.ENDED),
            self.Status.SIGNED: (self.Status.ENDED,),
        }.get(self.status, ())
