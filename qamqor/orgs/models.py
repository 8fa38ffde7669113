from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qamqor.core.validators import validate_phone
from qamqor.orgs.roles import Role

kato_validator = RegexValidator(r"^\d{9}$", _("A KATO code is 9 digits."))
bin_validator = RegexValidator(r"^\d{12}$", _("A BIN is 12 digits."))


class Region(models.Model):
    """An oblast or a city of republican significance; the 20 arrive with the migrations."""

    kato = models.CharField(_("KATO code"), max_length=9, unique=True, validators=[kato_validator])
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["kato"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="districts", verbose_name=_("region"))
    kato = models.CharField(_("KATO code"), max_length=9, unique=True, validators=[kato_validator])
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["region__kato", "kato"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return self.name


def default_retention_months() -> int:
    """The period a new organisation starts with (QAMQOR_RETENTION_MONTHS, 36 by default: see
    settings.py for why); read when the organisation is created, so changing the setting
    later does not change the period an organisation already has."""
    return settings.QAMQOR_RETENTION_MONTHS


class Organization(models.Model):
    class Kind(models.TextChoices):
        KINDERGARTEN = "kindergarten", _("Preschool organisation")
        SCHOOL = "school", _("School")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="organizations", verbose_name=_("district"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.KINDERGARTEN)
    name = models.CharField(_("name"), max_length=300)
    bin = models.CharField(_("BIN"), max_length=12, blank=True, validators=[bin_validator])
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    retention_months = models.PositiveSmallIntegerField(
        _("keep a family's data, months"),
        default=default_retention_months,
        validators=[MinValueValidator(1), MaxValueValidator(1200)],
        help_text=_(
            "After this many months without any activity of a family (a request, a consultation, feedback), "
            "their personal data are anonymised; the journal keeps its numbered rows without them."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["bin"], condition=~Q(bin=""), name="organization_bin_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class ConsultationPoint(models.Model):
    """The consultation point (seed 001) of a preschool organisation; at most one each."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="consultation_point", verbose_name=_("organisation")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    whatsapp = models.CharField(_("WhatsApp"), max_length=20, blank=True, validators=[validate_phone])
    telegram = models.CharField(_("Telegram"), max_length=64, blank=True)
    slot_minutes = models.PositiveSmallIntegerField(_("length of a consultation, minutes"), default=30)
    is_open = models.BooleanField(
        _("open"), default=True, help_text=_("A point may be closed when there is no demand (seed 000).")
    )
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    online_booking = models.BooleanField(
        _("online booking"),
        default=True,
        help_text=_(
            "Parents choose a free time on the public site. Switched off, the site takes applications only "
            "and the methodist agrees a time with each parent."
        ),
    )

    class Meta:
        verbose_name = _("consultation point")
        verbose_name_plural = _("consultation points")

    def __str__(self) -> str:
        return str(self.organization)


class Room(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="rooms", verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="room_name_unique")]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet):
    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True)

    def in_organization(self, organization: Organization) -> MembershipQuerySet:
        return self.filter(organization=organization)

    def with_roles(self, roles) -> MembershipQuerySet:
        return self.filter(role__in=list(roles))

    def consultants(self, organization_id: int, roles=None) -> MembershipQuerySet:
        """Active people who consult parents at the organisation (optionally only `roles`),
        with their names, in alphabetical order."""
        from qamqor.orgs.roles import CONSULTING_ROLES

        return (
            self.active()
            .filter(organization_id=organization_id)
            .with_roles(CONSULTING_ROLES if roles is None else roles)
            .select_related("user")
            .order_by("user__full_name")
        )


class Membership(models.Model):
    """A role a person holds: in an organisation, or as an officer of a district or region."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("district"))
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("region"))
    is_active = models.BooleanField(_("active"), default=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            # Exactly one place per role: an organisation for staff, a district or a region for officers.
            models.CheckConstraint(
                condition=(
                    Q(role="district_officer", district__isnull=False, organization__isnull=True, region__isnull=True)
                    | Q(role="region_officer", region__isnull=False, organization__isnull=True, district__isnull=True)
                    | (
                        ~Q(role__in=["district_officer", "region_officer"])
                        & Q(organization__isnull=False, district__isnull=True, region__isnull=True)
                    )
                ),
                name="membership_place_matches_role",
            ),
            models.UniqueConstraint(fields=["user", "role", "organization"], name="membership_unique_org_role"),
        ]

    def __str__(self) -> str:
        place = self.organization or self.district or self.region
        return f"{self.person_name} · {self.get_role_display()} · {place}"

    @property
    def person_name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


def point_document_path(instance: PointDocument, filename: str) -> str:
    """Under MEDIA_ROOT, by organisation, under a random name; the extension is the checked one."""
    import uuid
    from pathlib import Path

    return f"point_documents/{instance.point.organization_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class PointDocument(models.Model):
    """A document of a consultation point's documentation set (seed 001 §7.1) kept as a file:
    the regulation of the point, the order opening it, or another one."""

    class Kind(models.TextChoices):
        REGULATION = "regulation", _("Regulation of the consultation point")
        OPENING_ORDER = "opening_order", _("Order opening the consultation point")
        OTHER = "other", _("Other document")

    point = models.ForeignKey(
        ConsultationPoint, on_delete=models.CASCADE, related_name="documents", verbose_name=_("consultation point")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300, blank=True)
    number = models.CharField(_("number"), max_length=50, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=point_document_path, max_length=200)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "-date", "-pk"]
        verbose_name = _("document of the consultation point")
        verbose_name_plural = _("documents of the consultation point")

    def __str__(self) -> str:
        return self.title or self.get_kind_display()
