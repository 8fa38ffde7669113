"""The social pedagogue's records (seed 004): classes and groups with their children, the
children's social categories, housing inspection acts and support measures.

This is the most sensitive data in Qamqor (DESIGN.md, "Confidentiality"): every model below is
read through its QuerySet's `scoped(scope)`, which admits only the social pedagogue, the head
and the director of the record's organisation. Nobody else, not even an administrator or an
officer, gets a row; officers get counts (qamqor/social/suppression.py).

Dates are half-open: a category holds from `starts_on` up to, not including, `ends_on` (the
day it ended); a child is in a class from `enrolled_on` up to, not including, `left_on`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qamqor.core.academic_year import academic_year_label
from qamqor.core.scoping import Scope
from qamqor.families.models import Child
from qamqor.orgs.models import Membership, Organization

# Who reads and keeps the social records of an organisation (issue 6, item 6). The codes are
# role codes of qamqor/orgs/roles.py.
SOCIAL_ROLE_CODES = frozenset({"social_pedagogue", "head", "director"})


def social_org_ids(scope: Scope) -> frozenset[int]:
    """The organisations whose social records this user may read."""
    return frozenset(org for org, roles in scope.roles_by_org.items() if roles & SOCIAL_ROLE_CODES)


class Category(models.TextChoices):
    """The social categories of the social passport (GLOSSARY.md)."""

    ORPHAN = "orphan", _("Orphan")
    WITHOUT_PARENTAL_CARE = "without_parental_care", _("Left without parental care")
    SEMI_ORPHAN = "semi_orphan", _("Semi-orphan")
    LARGE_FAMILY = "large_family", _("Large family")
    LOW_INCOME = "low_income", _("Low-income family (targeted social assistance)")
    SINGLE_PARENT = "single_parent", _("Single-parent family")
    STEP_PARENT = "step_parent", _("Lives with a stepfather or stepmother")
    KANDAS = "kandas", _("Kandas")
    SPECIAL_NEEDS = "special_needs", _("Special educational needs")
    DISABILITY = "disability", _("Child with a disability")
    HOME_SCHOOLED = "home_schooled", _("Home-schooled")
    SCHOOL_RISK_REGISTER = "school_risk_register", _("On the school's risk register")
    POLICE_REGISTER = "police_register", _("On the police register")


class SocialQuerySet(models.QuerySet):
    def scoped(self, scope: Scope) -> SocialQuerySet:
        return self.filter(organization_id__in=social_org_ids(scope))


def _additional_data(organization_id: int | None, parent_id: int | None) -> dict[str, Any]:
    # What the audit log stores with every entry about these records (qamqor/audit/registration.py):
    # the head searches their organisation's log by organisation and family.
    return {"organization_id": organization_id, "parent_id": parent_id}


class SchoolClass(models.Model):
    """A school class or a kindergarten group in one academic year."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="social_classes", verbose_name=_("organisation")
    )
    academic_year = models.PositiveSmallIntegerField(_("academic year"), help_text=_("The year it starts: 2026 for 2026–2027."))
    name = models.CharField(_("class or group"), max_length=40)
    class_teacher = models.ForeignKey(
        Membership,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="social_classes",
        verbose_name=_("class teacher"),
    )

    objects = SocialQuerySet.as_manager()

    class Meta:
        ordering = ["-academic_year", "name"]
        verbose_name = _("class or group")
        verbose_name_plural = _("classes and groups")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "academic_year", "name"],
                name="social_class_name_unique",
                violation_error_message=_("This class already exists in this academic year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({academic_year_label(self.academic_year)})"

    def clean(self) -> None:
        self.name = " ".join((self.name or "").split())
        if self.class_teacher_id and self.organization_id and self.class_teacher.organization_id != self.organization_id:
            raise ValidationError({"class_teacher": _("The class teacher works in another organisation.")})

    def get_additional_data(self) -> dict[str, Any]:
        return _additional_data(self.organization_id, None)


class EnrolmentQuerySet(models.QuerySet):
    def scoped(self, scope: Scope) -> EnrolmentQuerySet:
        return self.filter(school_class__organization_id__in=social_org_ids(scope))

    def on(self, day: dt.date) -> EnrolmentQuerySet:
        return self.filter(Q(left_on__isnull=True) | Q(left_on__gt=day), enrolled_on__lte=day)


class Enrolment(models.Model):
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("class or group")
    )
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="social_enrolments", verbose_name=_("child"))
    enrolled_on = models.DateField(_("arrived on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["enrolled_on", "pk"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gt=models.F("enrolled_on")),
                name="social_enrolment_left_after_arrived",
                violation_error_message=_("A child leaves after the day they arrived."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.child} · {self.school_class}"

    def clean(self) -> None:
        if self.left_on and self.enrolled_on and self.left_on <= self.enrolled_on:
            raise ValidationError({"left_on": _("A child leaves after the day they arrived.")})
        if self.child_id and self.school_class_id and self.child.organization_id != self.school_class.organization_id:
            raise ValidationError({"child": _("The child belongs to another organisation.")})

    def get_additional_data(self) -> dict[str, Any]:
        return _additional_data(self.school_class.organization_id, self.child.parent_id)


class ChildRecord(models.Model):
    """What the three kinds of a child's social record share: the child and who recorded it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation"))
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+", verbose_name=_("child"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = SocialQuerySet.as_manager()

    class Meta:
        abstract = True

    def clean(self) -> None:
        if self.child_id and self.organization_id and self.child.organization_id != self.organization_id:
            raise ValidationError({"child": _("The child belongs to another organisation.")})

    def get_additional_data(self) -> dict[str, Any]:
        return _additional_data(self.organization_id, self.child.parent_id)


def _not_in_future(value: dt.date | None, field: str, errors: dict) -> None:
    if value and value > timezone.localdate():
        errors[field] = _("The date cannot be in the future.")


class CategoryRecordQuerySet(SocialQuerySet):
    def holding_on(self, day: dt.date) -> CategoryRecordQuerySet:
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=day), starts_on__lte=day)


class CategoryRecord(ChildRecord):
    """A child's social category, from a date, on the strength of a document (no scans)."""

    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("ended on"), null=True, blank=True)
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    document_date = models.DateField(_("document date"), null=True, blank=True)

    objects = CategoryRecordQuerySet.as_manager()

    class Meta:
        ordering = ["category", "starts_on", "pk"]
        verbose_name = _("social category")
        verbose_name_plural = _("social categories")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=models.F("starts_on")),
                name="social_category_ends_after_start",
                violation_error_message=_("A category ends after the day it started."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.child} · {self.get_category_display()}"

    def clean(self) -> None:
        super().clean()
        errors: dict = {}
        if self.ends_on and self.starts_on and self.ends_on <= self.starts_on:
            errors["ends_on"] = _("A category ends after the day it started.")
        _not_in_future(self.document_date, "document_date", errors)
        if self.child_id and self.category and self.starts_on and not errors:
            # Two records of one category for one child must not overlap: a passport counts the child once.
            overlapping = CategoryRecord.objects.filter(child_id=self.child_id, category=self.category).exclude(pk=self.pk)
            overlapping = overlapping.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=self.starts_on))
            if self.ends_on:
                overlapping = overlapping.filter(starts_on__lt=self.ends_on)
            if overlapping.exists():
                errors["category"] = _("The child already has this category for these dates.")
        if errors:
            raise ValidationError(errors)


class HousingAct(ChildRecord):
    """An act of a visit to a child's home (акт обследования жилищно-бытовых условий)."""

    visited_on = models.DateField(_("visit date"))
    visitors = models.CharField(_("who visited"), max_length=300)
    living_conditions = models.TextField(_("living conditions"))
    findings = models.TextField(_("findings"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)

    class Meta:
        ordering = ["-visited_on", "-pk"]
        verbose_name = _("housing inspection act")
        verbose_name_plural = _("housing inspection acts")

    def __str__(self) -> str:
        return f"{self.child} · {self.visited_on:%d.%m.%Y}"

    def clean(self) -> None:
        super().clean()
        errors: dict = {}
        _not_in_future(self.visited_on, "visited_on", errors)
        if errors:
            raise ValidationError(errors)


class SupportKind(models.TextChoices):
    FREE_MEALS = "free_meals", _("Free hot meals")
    TEXTBOOKS = "textbooks", _("Textbooks")
    MEKTEPKE_ZHOL = "mektepke_zhol", _("«Мектепке жол» campaign")
    QAMQORLYQ = "qamqorlyq", _("«Қамқорлық» campaign")
    NEW_YEAR_GIFT = "new_year_gift", _("New Year gift")
    SUMMER_CAMP = "summer_camp", _("Summer camp")
    MATERIAL_AID = "material_aid", _("Material aid")


class SupportMeasure(ChildRecord):
    """Support a child received: what, when and, for material aid, how much (tenge)."""

    kind = models.CharField(_("support"), max_length=20, choices=SupportKind.choices)
    given_on = models.DateField(_("date"))
    academic_year = models.PositiveSmallIntegerField(_("academic year"), editable=False)
    amount = models.DecimalField(
        _("amount, tenge"), max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-given_on", "-pk"]
        verbose_name = _("support measure")
        verbose_name_plural = _("support measures")

    def __str__(self) -> str:
        return f"{self.child} · {self.get_kind_display()}"

    def clean(self) -> None:
        super().clean()
        errors: dict = {}
        _not_in_future(self.given_on, "given_on", errors)
        if self.kind == SupportKind.MATERIAL_AID and self.amount is None:
            errors["amount"] = _("Material aid needs its amount.")
        if errors:
            raise ValidationError(errors)


# --- Joint-plan access (issue 6, item 6): the optional rule


class SocialSettings(models.Model):
    """An organisation's choices about its social records; the head edits them. Without a row,
    everything is off."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="social_settings", verbose_name=_("organisation")
    )
    joint_plan_access = models.BooleanField(
        _("joint-plan access"),
        default=False,
        help_text=_("A psychologist or class teacher may read the social records of the children a joint plan gives them."),
    )

    objects = SocialQuerySet.as_manager()

    class Meta:
        verbose_name = _("social records settings")
        verbose_name_plural = _("social records settings")

    def __str__(self) -> str:
        return str(self.organization)

    def get_additional_data(self) -> dict[str, Any]:
        return _additional_data(self.organization_id, None)


# Which joint plan gives which role access: a psychologist through the joint plan with the
# psychologist, a class teacher through the joint plan with the class teachers.
JOINT_PLAN_ROLES = {"joint_psychologist": "psychologist", "joint_class_teachers": "class_teacher"}


class JointAccess(models.Model):
    """What a joint plan gives a psychologist or a class teacher: read-only access to the social
    records of some children (a class teacher: the children of their class), for the plan's
    academic year only, and only while the organisation has joint-plan access turned on."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation"))
    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.CASCADE, related_name="social_joint_access", verbose_name=_("joint plan")
    )
    academic_year = models.PositiveSmallIntegerField(_("academic year"), editable=False)
    member = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="social_joint_access", verbose_name=_("staff member")
    )
    school_class = models.ForeignKey(
        SchoolClass,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="joint_access",
        verbose_name=_("class or group"),
    )
    children = models.ManyToManyField(Child, blank=True, related_name="+", verbose_name=_("children"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("granted by")
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)

    objects = SocialQuerySet.as_manager()

    class Meta:
        ordering = ["-academic_year", "pk"]
        verbose_name = _("joint-plan access")
        verbose_name_plural = _("joint-plan access")

    def __str__(self) -> str:
        return f"{self.member} · {self.plan}"

    def clean(self) -> None:
        errors: dict = {}
        plan, member = self.plan if self.plan_id else None, self.member if self.member_id else None
        if plan is not None:
            self.academic_year = plan.academic_year
            if plan.organization_id != self.organization_id:
                errors["plan"] = _("The plan belongs to another organisation.")
            elif plan.kind not in JOINT_PLAN_ROLES:
                errors["plan"] = _("Choose a joint plan with the psychologist or with the class teachers.")
        if member is not None and "plan" not in errors:
            if member.organization_id != self.organization_id:
                errors["member"] = _("This person works in another organisation.")
            elif plan is not None and member.role != JOINT_PLAN_ROLES[plan.kind]:
                errors["member"] = _("This joint plan is with another role.")
        if self.school_class_id:
            if self.school_class.organization_id != self.organization_id or (
                plan is not None and self.school_class.academic_year != plan.academic_year
            ):
                errors["school_class"] = _("Choose a class of the plan's academic year.")
            elif member is not None and self.school_class.class_teacher_id != member.pk:
                errors["school_class"] = _("A class teacher is given their own class only.")
        if errors:
            raise ValidationError(errors)

    def get_additional_data(self) -> dict[str, Any]:
        return _additional_data(self.organization_id, None)
