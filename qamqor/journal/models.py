from __future__ import annotations

import datetime as dt
import functools
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from qamqor.core.academic_year import academic_year_label
from qamqor.core.periods import within_days
from qamqor.core.scoping import Scope
from qamqor.families.models import Child, Parent
from qamqor.orgs.models import Membership, Organization
from qamqor.orgs.roles import Role


def _role_codes_default() -> list[str]:
    return []


class Topic(models.Model):
    """A topic of the bilingual catalogue (seed 000's sample topics to start with) and the
    specialist roles that know it: the editable topic-to-roles map used for routing."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    roles = models.JSONField(
        _("specialist roles"), default=_role_codes_default, blank=True, help_text=_("Role codes suggested for this topic.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        known = set(Role.values)
        unknown = [r for r in self.roles or [] if r not in known]
        if unknown:
            raise ValidationError({"roles": _("Unknown roles: %(roles)s") % {"roles": ", ".join(unknown)}})


class Channel(models.TextChoices):
    PHONE = "phone", _("phone")
    WRITTEN = "written", _("written application")
    IN_PERSON = "in_person", _("in person (pre-registered)")
    WALK_IN = "walk_in", _("in person (walk-in)")
    ONLINE = "online", _("online form")
    TELEGRAM = "telegram", _("Telegram")
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("email")


class Status(models.TextChoices):
    NEW = "new", _("new")
    ROUTED = "routed", _("routed")
    SCHEDULED = "scheduled", _("scheduled")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")
    NO_SHOW = "no_show", _("no-show")


# Which status may follow which; anything else is refused by the services.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.ROUTED, Status.DONE, Status.CANCELLED}),
    # A routed request may be done without a booking: the specialist consulted by phone.
    Status.ROUTED: frozenset({Status.SCHEDULED, Status.DONE, Status.CANCELLED, Status.ROUTED}),
    Status.SCHEDULED: frozenset({Status.DONE, Status.NO_SHOW, Status.CANCELLED, Status.ROUTED, Status.SCHEDULED}),
    Status.NO_SHOW: frozenset({Status.ROUTED, Status.SCHEDULED, Status.CANCELLED}),
    Status.DONE: frozenset(),
    Status.CANCELLED: frozenset(),
}
OPEN_STATUSES = frozenset({Status.NEW, Status.ROUTED, Status.SCHEDULED, Status.NO_SHOW})


@functools.lru_cache(maxsize=64)
def _labels(choices: type[models.TextChoices], language: str | None) -> dict[str, str]:
    """Translated labels of a choices class for one language, built once: a journal page
    shows them on every row, and get_FOO_display() translates every label on every call."""
    return {value: str(label) for value, label in choices.choices}


def choice_label(choices: type[models.TextChoices], value: str) -> str:
    return _labels(choices, get_language()).get(value, value)


class JournalCounter(models.Model):
    """The last number given in an organisation's journal for an academic year. Intake locks
    this row, so numbers are consecutive without gaps or duplicates under concurrency."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    academic_year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("journal counter")
        verbose_name_plural = _("journal counters")
        constraints = [models.UniqueConstraint(fields=["organization", "academic_year"], name="journal_counter_unique")]

    def __str__(self) -> str:
        return f"{self.organization_id}/{self.academic_year}: {self.last_number}"


class RequestQuerySet(models.QuerySet):
    def scoped(self, scope: Scope) -> RequestQuerySet:
        # The methodist, head and deputy run the whole journal; a specialist sees the requests
        # routed to them; officers see no personal data at all.
        return self.filter(
            Q(organization_id__in=scope.manager_org_ids)
            | Q(
                organization_id__in=scope.staff_org_ids,
                pk__in=Request.specialists.through.objects.filter(membership_id__in=scope.membership_ids).values("request_id"),
            )
        )

    def in_organization(self, organization: Organization | int) -> RequestQuerySet:
        return self.filter(organization=organization)

    def received_between(self, start: dt.date | None, end: dt.date | None) -> RequestQuerySet:
        return within_days(self, "received_at", start, end)

    def open(self) -> RequestQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class Request(models.Model):
    """One parent's request (өтініш / обращение) in the consultation point's journal."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="requests", verbose_name=_("organisation")
    )
    academic_year = models.PositiveSmallIntegerField(_("academic year"))
    number = models.PositiveIntegerField(_("number"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    parent = models.ForeignKey(Parent, on_delete=models.PROTECT, related_name="requests", verbose_name=_("parent"))
    child = models.ForeignKey(
        Child, null=True, blank=True, on_delete=models.PROTECT, related_name="requests", verbose_name=_("child")
    )
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="requests", verbose_name=_("topic"))
    question = models.TextField(_("question"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("received by"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW)
    specialists = models.ManyToManyField(Membership, blank=True, related_name="routed_requests", verbose_name=_("routed to"))
    answer = models.TextField(_("answer"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    answered_by_phone = models.BooleanField(_("answered by phone at once"), default=False)
    call_minutes = models.PositiveSmallIntegerField(_("call length, minutes"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("closed by")
    )

    objects = RequestQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-number"]
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        constraints = [
            models.UniqueConstraint(fields=["organization", "academic_year", "number"], name="request_number_unique"),
        ]
        indexes = [
            models.Index(fields=["organization", "received_at"]),
            models.Index(fields=["organization", "status"]),
        ]

    def __str__(self) -> str:
        return f"№ {self.display_number}"

    @property
    def display_number(self) -> str:
        return f"{self.number}/{academic_year_label(self.academic_year)}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def allowed_next(self) -> frozenset[str]:
        return TRANSITIONS[self.status]


class StatusChange(models.Model):
    """Who moved a request to which status, and when: kept for every change."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("request"))
    from_status = models.CharField(_("from"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Status.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, verbose_name=_("by"))
    changed_at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.request} {self.from_status} → {self.to_status}"


def new_journal_version() -> int:
    return secrets.randbits(62)


class JournalVersion(models.Model):
    """A number that changes with every change an organisation's journal page could show.

    The rendered journal is cached under a key that holds this number, so a change makes the
    old entries unreachable instead of having to find and delete them. It changes as soon as the
    change commits (qamqor/journal/signals.py); a rolled-back change leaves it. It is random,
    not a counter: after a database restore or a test's rollback an old number never comes back
    with other data behind it. An organisation without a row is never cached."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, primary_key=True, related_name="+")
    version = models.PositiveBigIntegerField(default=new_journal_version)

    class Meta:
        verbose_name = _("journal version")
        verbose_name_plural = _("journal versions")

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.version}"
