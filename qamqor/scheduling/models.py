from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qamqor.core.periods import within_days
from qamqor.core.scoping import Scope
from qamqor.families.models import Child, Parent
from qamqor.orgs.models import Membership, Organization, Room
from qamqor.scheduling.formats import FORMAT_CHOICES, FORMATS, INDIVIDUAL_CONSULTATION, Format


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WorkingHoursQuerySet(models.QuerySet):
    def scoped(self, scope: Scope) -> WorkingHoursQuerySet:
        return self.filter(membership__organization_id__in=scope.staff_org_ids)


class WorkingHours(models.Model):
    """One weekly block of a specialist's consultation hours (the point's work schedule), or of
    the administration's office hours (seed 003: «Director's hour», «administrative reception»).
    The two kinds never mix: a booking of one kind is offered and accepted only in its blocks."""

    class Kind(models.TextChoices):
        CONSULTATION = "consultation", _("consultation hours")
        RECEPTION = "reception", _("office hours of the administration")

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="working_hours", verbose_name=_("specialist")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("to"))
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("room"))
    kind = models.CharField(
        _("kind of hours"),
        max_length=12,
        choices=Kind.choices,
        default=Kind.CONSULTATION,
        help_text=_("Office hours of the administration are booked by parents on the reception page."),
    )

    objects = WorkingHoursQuerySet.as_manager()

    class Meta:
        ordering = ["membership", "weekday", "starts"]
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        constraints = [models.CheckConstraint(condition=Q(ends__gt=models.F("starts")), name="working_hours_end_after_start")]

    def __str__(self) -> str:
        return f"{self.membership} · {self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"

    def clean(self) -> None:
        if self.starts and self.ends and self.ends <= self.starts:
            raise ValidationError({"ends": _("The end must be later than the start.")})
        if self.room_id and self.membership_id and self.room.organization_id != self.membership.organization_id:
            raise ValidationError({"room": _("The room belongs to another organisation.")})


class ClosedDayQuerySet(models.QuerySet):
    def scoped(self, scope: Scope) -> ClosedDayQuerySet:
        return self.filter(organization_id__in=scope.staff_org_ids)


class ClosedDay(models.Model):
    """An organisation's own exception to the calendar: a closed day, or a working day moved
    by decree (a Saturday worked as a given weekday). Public holidays come from holidays.KZ."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="closed_days", verbose_name=_("organisation")
    )
    date = models.DateField(_("date"))
    is_closed = models.BooleanField(_("closed"), default=True)
    works_as = models.PositiveSmallIntegerField(
        _("works as"),
        choices=Weekday.choices,
        null=True,
        blank=True,
        help_text=_("For a transferred working day: whose weekday's hours apply."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ClosedDayQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        verbose_name = _("closed or transferred day")
        verbose_name_plural = _("closed and transferred days")
        constraints = [models.UniqueConstraint(fields=["organization", "date"], name="closed_day_unique")]

    def __str__(self) -> str:
        return f"{self.organization} · {self.date}"

    def clean(self) -> None:
        if not self.is_closed and self.works_as is None:
            raise ValidationError({"works_as": _("Say whose weekday's hours a transferred working day follows.")})


class AppointmentQuerySet(models.QuerySet):
    def scoped(self, scope: Scope) -> AppointmentQuerySet:
        # Managers see every appointment of their organisation; a specialist sees their own.
        return self.filter(
            Q(organization_id__in=scope.manager_org_ids)
            | Q(organization_id__in=scope.staff_org_ids, specialist_links__membership_id__in=scope.membership_ids)
        ).distinct()

    def active(self) -> AppointmentQuerySet:
        return self.exclude(status=Appointment.Status.CANCELLED)

    def overlapping(self, starts_at: dt.datetime, ends_at: dt.datetime) -> AppointmentQuerySet:
        return self.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)

    def for_specialist(self, membership: Membership) -> AppointmentQuerySet:
        return self.filter(specialist_links__membership=membership)

    def on_day(self, day: dt.date) -> AppointmentQuerySet:
        return within_days(self, "starts_at", day, day)

    def upcoming(self) -> AppointmentQuerySet:
        return self.filter(starts_at__gte=timezone.now())

    def sessions(self) -> AppointmentQuerySet:
        """Sessions scheduled for participants (session_schedule sets their places)."""
        return self.filter(capacity__isnull=False)

    def open_to_sign_up(self) -> AppointmentQuerySet:
        """Sessions parents may sign up for on the public site now: opened by staff, not
        cancelled, not started."""
        return self.sessions().active().filter(public_sign_up=True, starts_at__gt=timezone.now())

    def with_places_taken(self) -> AppointmentQuerySet:
        # A subquery, not a Count over a join: scoped() may join the specialists already.
        taken = (
            Participant.objects.filter(appointment=models.OuterRef("pk"), is_active=True)
            .order_by()
            .values("appointment")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(places_taken=Coalesce(models.Subquery(taken), 0))


class Appointment(models.Model):
    """A booked consultation: one time, one or several specialists, a room, maybe a child.

    The database refuses overlaps (PostgreSQL exclusion constraints, see migration 0002):
    a specialist, a room or a child is never in two active appointments at once.
    """

    class Status(models.TextChoices):
        BOOKED = "booked", _("booked")
        DONE = "done", _("held")
        NO_SHOW = "no_show", _("no-show")
        CANCELLED = "cancelled", _("cancelled")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("organisation")
    )
    request = models.ForeignKey(
        "journal.Request", null=True, blank=True, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("request")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("room"))
    child = models.ForeignKey(
        Child, null=True, blank=True, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("child")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.BOOKED)
    is_online = models.BooleanField(_("online"), default=False)
    meeting_url = models.URLField(_("meeting link"), blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("booked by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    specialists = models.ManyToManyField(Membership, through="AppointmentSpecialist", related_name="appointments")
    # A form of work (seed 001 §6, formats.py). A consultation booked for one family keeps the
    # default; a session scheduled for participants has its places set.
    format = models.CharField(_("format"), max_length=32, choices=FORMAT_CHOICES, default=INDIVIDUAL_CONSULTATION)
    capacity = models.PositiveSmallIntegerField(_("places"), null=True, blank=True)
    # A session parents may sign up for themselves on the public site (portal/session_signup.py);
    # otherwise only staff add its participants.
    public_sign_up = models.BooleanField(_("open to sign-up on the site"), default=False)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="appointment_end_after_start")]
        indexes = [
            models.Index(fields=["organization", "starts_at"]),
            # Is the room free? (starts_at < end AND ends_at > start, for a time to come): by
            # ends_at the search skips the room's past, which is most of its rows.
            models.Index(fields=["room", "ends_at"]),
        ]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.starts_at):%d.%m.%Y %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED

    @property
    def rules(self) -> Format:
        return FORMATS[self.format]

    @property
    def is_session(self) -> bool:
        return self.capacity is not None

    @property
    def places_left(self) -> int | None:
        """The places still free, on a session read with_places_taken(); None otherwise."""
        taken = getattr(self, "places_taken", None)
        if self.capacity is None or taken is None:
            return None
        return max(self.capacity - taken, 0)


class AppointmentSpecialist(models.Model):
    """A specialist in an appointment. The person and the time are copied here so one
    exclusion constraint can keep a person out of two overlapping appointments, even across
    the organisations where they work."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="specialist_links")
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="appointment_links", verbose_name=_("specialist")
    )
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("specialist in an appointment")
        verbose_name_plural = _("specialists in appointments")
        constraints = [models.UniqueConstraint(fields=["appointment", "membership"], name="appointment_specialist_unique")]
        indexes = [
            models.Index(fields=["person", "starts_at"]),
            # Is the person free, and when are they busy? By ends_at, as for the room above.
            models.Index(fields=["person", "ends_at"]),
        ]

    def __str__(self) -> str:
        return str(self.membership)


class ParticipantQuerySet(models.QuerySet):
    def active(self) -> ParticipantQuerySet:
        return self.filter(is_active=True)

    def waiting_in_order(self) -> ParticipantQuerySet:
        """The waiting list, first come first served: the order a place is given in."""
        return self.filter(status=Participant.Status.WAITING).order_by("added_at", "pk")


class Participant(models.Model):
    """A child and/or a parent taking part in a session.

    The session's time is copied here, as for AppointmentSpecialist, so one exclusion
    constraint keeps a child out of two overlapping sessions (migration 0004); the services
    also check the child's one-family appointments."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("registered")
        ATTENDED = "attended", _("came")
        ABSENT = "absent", _("did not come")
        REMOVED = "removed", _("removed")
        # On the waiting list of a full session: holds no place (is_active is False) until
        # a place frees and sessions.participant_remove() gives it, in the order of arrival.
        WAITING = "waiting", _("on the waiting list")

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="participants", verbose_name=_("session"))
    # Both empty only after the family's data were erased (scheduling/privacy.py): the row
    # stays so the session's attendance stays counted.
    child = models.ForeignKey(
        Child, null=True, blank=True, on_delete=models.PROTECT, related_name="session_participations", verbose_name=_("child")
    )
    parent = models.ForeignKey(
        Parent, null=True, blank=True, on_delete=models.PROTECT, related_name="session_participations", verbose_name=_("parent")
    )
    parent_present = models.BooleanField(_("the parent attends"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    is_active = models.BooleanField(default=True)  # holds a place: not removed, session not cancelled
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("added by")
    )
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name = _("session participant")
        verbose_name_plural = _("session participants")
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "child"],
                condition=Q(is_active=True, child__isnull=False),
                name="participant_child_once_per_session",
            ),
            models.UniqueConstraint(
                fields=["appointment", "parent"],
                condition=Q(is_active=True, child__isnull=True, parent__isnull=False),
                name="participant_parent_once_per_session",
            ),
        ]
        indexes = [models.Index(fields=["child", "ends_at"])]  # is the child free? (as for rooms)

    def __str__(self) -> str:
        return f"{self.appointment} · {self.get_status_display()}"

    @property
    def waiting_number(self) -> int | None:
        """The place on the session's waiting list (1 is next), or None when not waiting."""
        if self.status != self.Status.WAITING:
            return None
        ahead = (
            Participant.objects.waiting_in_order()
            .filter(appointment_id=self.appointment_id)
            .filter(Q(added_at__lt=self.added_at) | Q(added_at=self.added_at, pk__lt=self.pk))
        )
        return ahead.count() + 1

    @property
    def family_parent_id(self) -> int | None:
        """The family the row is about, for the audit log."""
        if self.parent_id:
            return self.parent_id
        return self.child.parent_id if self.child_id else None
