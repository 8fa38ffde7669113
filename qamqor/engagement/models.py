"""Events for families (seed 003, «Үндестік»), registrations with a waiting list, attendance,
parents' ideas (the seed's crowdsourcing), and the recognition of parents at the end of an
academic year: awards and the Honor Book of model families with the family's consent."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from qamqor.core.scoping import Scope
from qamqor.core.validators import format_phone, validate_phone


class EventQuerySet(models.QuerySet):
    def scoped(self, scope: Scope) -> EventQuerySet:
        # Every staff member of the organisation sees its events (they mark attendance);
        # what each may change is decided by the views (managers only, but attendance).
        return self.filter(organization_id__in=scope.staff_org_ids)

    def starting_between(self, start: dt.datetime, end: dt.datetime) -> EventQuerySet:
        return self.filter(starts_at__gte=start, starts_at__lt=end)

    def upcoming(self, now: dt.datetime | None = None) -> EventQuerySet:
        """Planned events that have not started yet, the soonest first."""
        return self.filter(status=Event.Status.PLANNED, starts_at__gt=now or timezone.now()).order_by("starts_at", "pk")

    def with_counts(self) -> EventQuerySet:
        """Each event with its numbers of places taken, people waiting and people who came, in
        the same query (a list page must not ask once per row)."""
        status = Registration.Status
        return self.annotate(
            registered_count=Count("registrations", filter=Q(registrations__status=status.REGISTERED)),
            waiting_count=Count("registrations", filter=Q(registrations__status=status.WAITING)),
            attended_count=Count("registrations", filter=Q(registrations__attended=True)),
        )


class Event(models.Model):
    """A collective or group event for families: a parent meeting, a quest, an open day."""

    class Kind(models.TextChoices):
        # The seed's own list of collective and group forms (003, «Үндестік»).
        PARENT_MEETING = "parent_meeting", _("Parent meeting")
        PARENT_LECTURE = "parent_lecture", _("Parent lecture")
        CONFERENCE = "conference", _("Parents' conference")
        QA_EVENING = "qa_evening", _("Question-and-answer evening")
        DIALOG_CLUB = "dialog_club", _("«Dialog» club (TEDx format)")
        OPEN_DAY = "open_day", _("Open day")
        COFFEE_MORNING = "coffee_morning", _("Coffee morning")
        TEAM_BUILDING = "team_building", _("Team building")
        FAMILY_CLUB = "family_club", _("Family club")
        QUEST = "quest", _("Quest")
        JOINT_THEATRE = "joint_theatre", _("Joint theatre")
        CREATIVE_WORKSHOP = "creative_workshop", _("Creative workshop")
        CAREER_DAY = "career_day", _("Career day («A day at my parents' work»)")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        CANCELLED = "cancelled", _("cancelled")
        HELD = "held", _("held")

    class Organizer(models.TextChoices):
        STAFF = "staff", _("the organisation's staff")
        PARENTS = "parents", _("parents")

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="events", verbose_name=_("organisation")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    is_online = models.BooleanField(_("online"), default=False)
    meeting_url = models.URLField(_("meeting link"), blank=True)
    # Structured groups and classes arrive with issue 6; until then the group is named in words.
    audience = models.CharField(
        _("group or class"),
        max_length=100,
        blank=True,
        help_text=_("Leave empty when the whole organisation is invited."),
    )
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("One place is one family. Leave empty for no limit."),
    )
    waiting_list = models.BooleanField(
        _("keep a waiting list"), default=True, help_text=_("When the places are taken, new sign-ups wait in order.")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    organizer = models.CharField(_("organised by"), max_length=20, choices=Organizer.choices, default=Organizer.STAFF)
    parent_organizers = models.ManyToManyField(
        "families.Parent", blank=True, related_name="organized_events", verbose_name=_("parents who organise it")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["organization", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__isnull=True) | Q(capacity__gte=1), name="event_capacity_positive"),
            models.CheckConstraint(condition=Q(is_online=False) | ~Q(meeting_url=""), name="event_online_has_link"),
        ]

    def __str__(self) -> str:
        return self.title or self.get_kind_display()

    @property
    def shown_title(self) -> str:
        return str(self)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not (self.title_kk or self.title_ru):  # type: ignore[attr-defined]
            errors["title_kk"] = _("Give the title in Kazakh or in Russian.")
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The event must end after it starts.")
        if self.is_online and not self.meeting_url:
            errors["meeting_url"] = _("An online event needs a meeting link.")
        if not self.is_online and not self.place.strip():
            errors["place"] = _("Say where the event takes place, or make it online with a link.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_past(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def free_places(self) -> int | None:
        """Places still free (None: no limit). Uses the count `with_counts()` read along, if any."""
        if self.capacity is None:
            return None
        taken = getattr(self, "registered_count", None)
        if taken is None:
            taken = self.registrations.holding_places().count()
        return max(self.capacity - taken, 0)


class RegistrationQuerySet(models.QuerySet):
    def holding_places(self) -> RegistrationQuerySet:
        return self.filter(status=Registration.Status.REGISTERED)

    def waiting_in_order(self) -> RegistrationQuerySet:
        return self.filter(status=Registration.Status.WAITING).order_by("registered_at", "pk")

    def present(self) -> RegistrationQuerySet:
        """Everyone who could be at the event: those with a place, those waiting, walk-ins."""
        return self.exclude(status=Registration.Status.CANCELLED)


class Registration(models.Model):
    """One family's sign-up for an event: one registration is one place.

    The family is known by the phone number given, as on the rest of the public site; when the
    organisation already has a parent with that number, the registration points at them (the
    participation figures count families through it)."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("registered")
        WAITING = "waiting", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")
        # Came without signing up: recorded at the door, holds no place booked in advance.
        WALK_IN = "walk_in", _("came without registration")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event"))
    parent = models.ForeignKey(
        "families.Parent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
        verbose_name=_("parent"),
    )
    full_name = models.CharField(_("full name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("registered by"),
        help_text=_("Empty when the parent signed up on the site."),
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    attended = models.BooleanField(_("came"), default=False)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["registered_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        indexes = [models.Index(fields=["event", "status", "registered_at"])]
        constraints = [
            # One phone, one place (or one turn on the waiting list) per event; the service
            # says so clearly, the database makes sure of it.
            models.UniqueConstraint(
                fields=["event", "phone"],
                condition=~Q(status="cancelled") & ~Q(phone=""),
                name="registration_one_per_phone",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone) if self.phone else ""


class IdeaQuerySet(models.QuerySet):
    def scoped(self, scope: Scope) -> IdeaQuerySet:
        return self.filter(organization_id__in=scope.manager_org_ids)

    def public(self) -> IdeaQuerySet:
        """What the organisation's public page shows: ideas taken up, the latest first."""
        return self.filter(status__in=Idea.PUBLIC_STATUSES).order_by("-submitted_at", "-pk")


class Idea(models.Model):
    """A parent's proposal to the organisation (seed 003: crowdsourcing of ideas)."""

    class Status(models.TextChoices):
        # With a context of their own: "new" and "done" of a request read differently in kk/ru.
        NEW = "new", pgettext_lazy("idea status", "new")
        ACCEPTED = "accepted", pgettext_lazy("idea status", "accepted")
        IN_PROGRESS = "in_progress", pgettext_lazy("idea status", "in progress")
        DONE = "done", pgettext_lazy("idea status", "done")
        DECLINED = "declined", pgettext_lazy("idea status", "declined")

    PUBLIC_STATUSES = (Status.ACCEPTED, Status.IN_PROGRESS, Status.DONE)

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="ideas", verbose_name=_("organisation")
    )
    text = models.TextField(_("idea"), max_length=2000)
    name = models.CharField(_("parent's name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=2, default="kk")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    staff_note = models.TextField(_("note of the organisation"), max_length=2000, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    decided_at = models.DateTimeField(_("status set"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("status set by"),
    )

    objects = IdeaQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("parents' idea")
        verbose_name_plural = _("parents' ideas")
        indexes = [models.Index(fields=["organization", "status", "submitted_at"])]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC_STATUSES


# --- Recognition at the end of an academic year (seed 003: encouragement of parents)


class AwardQuerySet(models.QuerySet):
    def scoped(self, scope: Scope) -> AwardQuerySet:
        return self.filter(organization_id__in=scope.manager_org_ids)

    def in_force(self) -> AwardQuerySet:
        return self.filter(revoked_at__isnull=True)


class Award(models.Model):
    """An award of the organisation for an academic year, decided by its people (Qamqor only
    proposes candidates). The seed's contests name a parent, a family or a group's parents."""

    class Kind(models.TextChoices):
        # The seed's own words (003, «Үндестік»: encouragement of teachers and parents).
        BEST_COLLECTIVE = "best_collective", _("Best parent collective")
        BEST_COMMITTEE = "best_committee", _("Best parent committee")
        MOST_ACTIVE_PARENT = "most_active_parent", _("Most active parent")
        FRIENDLY_FAMILY = "friendly_family", _("«Friendly family» title")

    # A collective or a committee is a group's parents: named by the group until issue 6 brings
    # classes; the other awards go to a parent (a family) on the organisation's register.
    GROUP_KINDS = (Kind.BEST_COLLECTIVE, Kind.BEST_COMMITTEE)

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="awards", verbose_name=_("organisation")
    )
    academic_year = models.PositiveSmallIntegerField(_("academic year"), help_text=_("The year it started: 2026 for 2026–2027."))
    kind = models.CharField(_("award"), max_length=30, choices=Kind.choices)
    parent = models.ForeignKey(
        "families.Parent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="awards",
        verbose_name=_("parent"),
    )
    group_name = models.CharField(_("group or class"), max_length=100, blank=True)
    # The name as decided, kept for the letter: a parent's record may change its spelling later.
    recipient_name = models.CharField(_("recipient"), max_length=200)
    reason = models.TextField(_("reason"), max_length=1000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("revoked by")
    )

    objects = AwardQuerySet.as_manager()

    class Meta:
        ordering = ["-academic_year", "kind", "recipient_name", "pk"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        indexes = [models.Index(fields=["organization", "academic_year"])]
        constraints = [
            # The same award to the same parent (or group) once a year; a revoked one may be given again.
            models.UniqueConstraint(
                fields=["organization", "academic_year", "kind", "parent"],
                condition=Q(revoked_at__isnull=True, parent__isnull=False),
                name="award_once_per_parent",
                violation_error_message=_("This award has already been given to them for this academic year."),
                violation_error_code="duplicate",
            ),
            models.UniqueConstraint(
                fields=["organization", "academic_year", "kind", "group_name"],
                condition=Q(revoked_at__isnull=True) & ~Q(group_name=""),
                name="award_once_per_group",
                violation_error_message=_("This award has already been given to them for this academic year."),
                violation_error_code="duplicate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.recipient_name}"

    @property
    def is_for_group(self) -> bool:
        return self.kind in self.GROUP_KINDS

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.is_for_group and not self.group_name.strip():
            errors["group_name"] = _("Name the group or class whose parents receive this award.")
        if not self.is_for_group and not self.parent_id and not self.pk:
            errors["parent"] = _("Choose the parent who receives this award.")
        if not self.reason.strip():
            errors["reason"] = _("Say what the award is for.")
        if errors:
            raise ValidationError(errors)


def honor_photo_path(instance: HonorBookEntry, filename: str) -> str:
    """Under MEDIA_ROOT, by organisation, under a random name (never the family's file name,
    which may hold their names); the extension is the checked one (engagement/photos.py)."""
    return f"honor_book/{instance.organization_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class HonorBookEntryQuerySet(models.QuerySet):
    def scoped(self, scope: Scope) -> HonorBookEntryQuerySet:
        return self.filter(organization_id__in=scope.manager_org_ids)

    def published(self) -> HonorBookEntryQuerySet:
        """Only entries whose family's consent is in force: withdrawing it unpublishes at once."""
        return self.filter(Exists(HonorBookConsent.objects.filter(entry=OuterRef("pk"), withdrawn_at__isnull=True)))

    def with_consent_flag(self) -> HonorBookEntryQuerySet:
        return self.annotate(has_consent=Exists(HonorBookConsent.objects.filter(entry=OuterRef("pk"), withdrawn_at__isnull=True)))


class HonorBookEntry(models.Model):
    """A page of the Honor Book of model families (seed 003): a photo and the family's story."""

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="honor_book", verbose_name=_("organisation")
    )
    parent = models.ForeignKey(
        "families.Parent", on_delete=models.CASCADE, related_name="honor_book_entries", verbose_name=_("family (parent)")
    )
    academic_year = models.PositiveSmallIntegerField(_("academic year"))
    family_name = models.CharField(
        _("family's name as published"), max_length=200, help_text=_("For example: the Serikovs' family.")
    )
    story_kk = models.TextField(_("story in Kazakh"), max_length=4000, blank=True)
    story_ru = models.TextField(_("story in Russian"), max_length=4000, blank=True)
    photo = models.FileField(_("photo"), upload_to=honor_photo_path, max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = HonorBookEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-academic_year", "family_name", "pk"]
        verbose_name = _("Honor Book entry")
        verbose_name_plural = _("Honor Book of model families")

    def __str__(self) -> str:
        return self.family_name

    def clean(self) -> None:
        if not (self.story_kk.strip() or self.story_ru.strip()):
            raise ValidationError({"story_kk": _("Tell the family's story in Kazakh or in Russian.")})

    @property
    def story(self) -> str:
        """The story in the page's language, else in the other one."""
        first, second = (
            (self.story_ru, self.story_kk) if (get_language() or "").startswith("ru") else (self.story_kk, self.story_ru)
        )
        return first or second


class HonorBookConsent(models.Model):
    """The family's consent to publish its Honor Book entry: who gave it, when and how.
    Withdrawn, it unpublishes the entry at once; a new consent may be recorded later."""

    class Method(models.TextChoices):
        PAPER = "paper", _("on paper")
        IN_PERSON = "in_person", _("in person")
        ONLINE = "online", _("online")

    entry = models.ForeignKey(HonorBookEntry, on_delete=models.CASCADE, related_name="consents", verbose_name=_("entry"))
    given_by = models.CharField(_("given by"), max_length=200, help_text=_("The family member who gave the consent."))
    method = models.CharField(_("how given"), max_length=10, choices=Method.choices)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["-given_at", "-pk"]
        verbose_name = _("consent to publish")
        verbose_name_plural = _("consents to publish")
        constraints = [
            models.UniqueConstraint(fields=["entry"], condition=Q(withdrawn_at__isnull=True), name="honor_consent_one_in_force")
        ]

    def __str__(self) -> str:
        return f"{self.entry} · {self.given_by}"


# --- Office hours with the administration (seed 003: «Director's hour», «administrative reception»)


class ReceptionVisitQuerySet(models.QuerySet):
    def scoped(self, scope: Scope) -> ReceptionVisitQuerySet:
        # The administration's visitors are the managers' business.
        return self.filter(organization_id__in=scope.manager_org_ids)


class ReceptionVisit(models.Model):
    """A parent's visit booked in the office hours of the head, the director or a deputy.

    The host's time is an Appointment booked in their reception hours (WorkingHours of kind
    "reception"), so the host is never in a consultation and a visit at once."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("booked")
        CANCELLED = "cancelled", _("cancelled")
        HELD = "held", _("held")
        NO_SHOW = "no_show", _("no-show")

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="reception_visits", verbose_name=_("organisation")
    )
    appointment = models.OneToOneField(
        "scheduling.Appointment", on_delete=models.PROTECT, related_name="reception_visit", verbose_name=_("appointment")
    )
    host = models.ForeignKey(
        "orgs.Membership", on_delete=models.PROTECT, related_name="reception_visits", verbose_name=_("receives")
    )
    full_name = models.CharField(_("full name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    topic = models.CharField(_("topic"), max_length=500)
    language = models.CharField(_("language"), max_length=2, default="kk")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.BOOKED)
    booked_at = models.DateTimeField(_("booked"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    objects = ReceptionVisitQuerySet.as_manager()

    class Meta:
        ordering = ["booked_at", "pk"]
        verbose_name = _("visit to the administration")
        verbose_name_plural = _("visits to the administration")

    def __str__(self) -> str:
        return self.full_name

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone) if self.phone else ""
