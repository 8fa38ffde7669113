"""The parent support centre (seed 002, АПҚО): a collegial body of the organisation's staff with a
chair and a secretary; its meetings, planned and unplanned, numbered per academic year; the
agenda of each meeting and, per item, what was heard, who spoke, the proposals and remarks and
the decisions, each with a responsible person and a deadline. Decisions stay open until done.

What staff type here (topics, decisions…) is single-language free text: they write in the
language they work in, so there is no modeltranslation."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qamqor.core.academic_year import academic_year_label, academic_year_of
from qamqor.core.scoping import Scope

# The regulation asks for at least three planned meetings a year (seed 002 §2.4, §3.0).
MIN_PLANNED_MEETINGS = 3


class MemberQuerySet(models.QuerySet):
    def scoped(self, scope: Scope) -> MemberQuerySet:
        # Every staff member of the organisation reads the centre's pages; managers edit them.
        return self.filter(organization_id__in=scope.staff_org_ids)

    def active(self) -> MemberQuerySet:
        return self.filter(is_active=True)


class Member(models.Model):
    """A staff member of the organisation on the centre (seed 002 §2.1), with their place in it."""

    class Position(models.TextChoices):
        CHAIR = "chair", _("Chair")
        SECRETARY = "secretary", _("Secretary")
        MEMBER = "member", _("Member")

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="council_members", verbose_name=_("organisation")
    )
    membership = models.ForeignKey(
        "orgs.Membership", on_delete=models.PROTECT, related_name="council_seats", verbose_name=_("staff member")
    )
    position = models.CharField(_("place on the centre"), max_length=20, choices=Position.choices, default=Position.MEMBER)
    is_active = models.BooleanField(_("active"), default=True)
    joined_on = models.DateField(_("member since"), default=timezone.localdate)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["organization", "position", "pk"]
        verbose_name = _("member of the centre")
        verbose_name_plural = _("members of the centre")
        constraints = [
            models.UniqueConstraint(fields=["organization", "membership"], name="council_member_unique"),
            # One chair and one secretary at a time.
            models.UniqueConstraint(
                fields=["organization", "position"],
                condition=Q(is_active=True) & Q(position__in=["chair", "secretary"]),
                name="council_one_chair_one_secretary",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return self.membership.person_name

    def clean(self) -> None:
        if self.membership_id and self.organization_id and self.membership.organization_id != self.organization_id:
            raise ValidationError({"membership": _("Choose a staff member of this organisation.")})


class MeetingQuerySet(models.QuerySet):
    def scoped(self, scope: Scope) -> MeetingQuerySet:
        return self.filter(organization_id__in=scope.staff_org_ids)

    def of_year(self, academic_year: int) -> MeetingQuerySet:
        return self.filter(academic_year=academic_year)


class Meeting(models.Model):
    """One meeting of the centre; its minutes are printed from it (seed 002 §2.5, §4.1)."""

    class Kind(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("meeting", "planned")
        UNPLANNED = "unplanned", pgettext_lazy("meeting", "unplanned")

    class Format(models.TextChoices):
        IN_PERSON = "in_person", pgettext_lazy("meeting", "in person")
        REMOTE = "remote", pgettext_lazy("meeting", "remote")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", pgettext_lazy("meeting", "scheduled")
        HELD = "held", pgettext_lazy("meeting", "held")
        CANCELLED = "cancelled", pgettext_lazy("meeting", "cancelled")

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="council_meetings", verbose_name=_("organisation")
    )
    academic_year = models.PositiveSmallIntegerField(_("academic year"), editable=False)
    # Numbered per organisation and academic year, from 1 (the minutes' «№»).
    number = models.PositiveIntegerField(_("number"), editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PLANNED)
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("time"), null=True, blank=True)
    format = models.CharField(pgettext_lazy("meeting", "format"), max_length=20, choices=Format.choices, default=Format.IN_PERSON)
    place = models.CharField(_("place or link"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    chair = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("chair"))
    secretary = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("secretary")
    )
    present = models.ManyToManyField(Member, blank=True, related_name="meetings_attended", verbose_name=_("members present"))
    invited = models.TextField(_("invited"), blank=True, help_text=_("People who are not members and took part, one per line."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-number"]
        verbose_name = _("meeting of the centre")
        verbose_name_plural = _("meetings of the centre")
        constraints = [
            models.UniqueConstraint(fields=["organization", "academic_year", "number"], name="council_meeting_number_unique"),
        ]

    def __str__(self) -> str:
        return _("Meeting No. %(number)s of %(date)s") % {"number": self.number, "date": self.date.strftime("%d.%m.%Y")}

    def get_absolute_url(self) -> str:
        return reverse("council:meeting", args=[self.pk])

    @property
    def year_label(self) -> str:
        return academic_year_label(self.academic_year)

    def clean(self) -> None:
        if self.date:
            year = academic_year_of(self.date)
            if self.pk and self.academic_year and year != self.academic_year:
                # The number belongs to its year; moving the meeting to another year would leave
                # a gap there and a duplicate here.
                raise ValidationError(
                    {"date": _("A meeting cannot move to another academic year; create a new meeting instead.")}
                )
        if self.format == self.Format.REMOTE and not self.place.strip():
            raise ValidationError({"place": _("A remote meeting needs a link or a note on how members join.")})


class AgendaItemQuerySet(models.QuerySet):
    def scoped(self, scope: Scope) -> AgendaItemQuerySet:
        return self.filter(meeting__organization_id__in=scope.staff_org_ids)


class AgendaItem(models.Model):
    """One question of the agenda and how it was discussed (Тыңдалды / Сөйледі / Шешім)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("meeting"))
    position = models.PositiveSmallIntegerField(_("No."))
    topic = models.TextField(_("question"))
    heard = models.TextField(_("heard"), blank=True, help_text=_("Who reported and what about."))
    spoke = models.TextField(_("spoke"), blank=True, help_text=_("Who spoke in the discussion and what they said."))
    proposals = models.TextField(_("proposals and remarks"), blank=True)

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "position", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [models.UniqueConstraint(fields=["meeting", "position"], name="council_agenda_position_unique")]

    def __str__(self) -> str:
        return f"{self.position}. {self.topic}"


class DecisionQuerySet(models.QuerySet):
    def scoped(self, scope: Scope) -> DecisionQuerySet:
        return self.filter(agenda_item__meeting__organization_id__in=scope.staff_org_ids)

    def open(self) -> DecisionQuerySet:
        return self.filter(status=Decision.Status.OPEN)

    def overdue(self, today: dt.date | None = None) -> DecisionQuerySet:
        return self.open().filter(deadline__lt=today or timezone.localdate())

    def before(self, meeting: Meeting) -> DecisionQuerySet:
        """Decisions taken at the organisation's meetings before `meeting`."""
        return self.filter(agenda_item__meeting__organization_id=meeting.organization_id).filter(
            Q(agenda_item__meeting__date__lt=meeting.date)
            | Q(agenda_item__meeting__date=meeting.date, agenda_item__meeting__number__lt=meeting.number)
        )

    def carried_to(self, meeting: Meeting) -> DecisionQuerySet:
        """Decisions of earlier meetings still open: the next meeting hears how they stand."""
        return self.open().before(meeting)

    def open_on(self, meeting: Meeting) -> DecisionQuerySet:
        """Decisions of earlier meetings that were still open on the day of `meeting`: what its
        minutes record, however they stand now."""
        return self.before(meeting).filter(Q(status=Decision.Status.OPEN) | Q(done_on__gte=meeting.date))


class Decision(models.Model):
    """What the centre resolved on an agenda item: who does it and by when (seed 002 §4.1)."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("decision", "open")
        DONE = "done", pgettext_lazy("decision", "done")

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("agenda item"))
    text = models.TextField(_("decision"))
    responsible = models.ForeignKey(
        "orgs.Membership", on_delete=models.PROTECT, related_name="council_decisions", verbose_name=_("responsible")
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    result_note = models.TextField(_("how it was done"), blank=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["agenda_item", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", done_on__isnull=True) | Q(status="done", done_on__isnull=False),
                name="council_decision_done_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def responsible_name(self) -> str:
        return self.responsible.person_name

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.status == self.Status.OPEN and self.deadline < (today or timezone.localdate())
