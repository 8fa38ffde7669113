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
        indexes = [models.Index(fields=["organization", "phone"])]

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
