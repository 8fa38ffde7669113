"""Work plans by academic year (seeds 001 §7, 002 §4.1, 004): the consultation point's
perspective plan, the support centre's annual plan, the social pedagogue's annual plan, the
joint plans with the nurse, the class teachers and the psychologist, or any other named plan.

A plan is a table like the ones staff keep in Word (№, activity, period, responsible): its items
keep the number and the period as written, so a plan typed from paper prints back the same;
the period is also kept in a structured form, from which progress and overdue items are told.
What staff type (activities, notes…) is single-language free text, without modeltranslation."""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext, pgettext_lazy

from qamqor.core.academic_year import academic_year_bounds, academic_year_label
from qamqor.core.scoping import Scope
from qamqor.orgs.roles import Role

# The months of an academic year in its own order: September first, August last.
ACADEMIC_MONTHS = (9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8)


def month_name(month: int) -> str:
    """The month's name in the active language, as it starts a cell of a plan (nominative)."""
    names = {
        1: pgettext("month", "January"),
        2: pgettext("month", "February"),
        3: pgettext("month", "March"),
        4: pgettext("month", "April"),
        5: pgettext("month", "May"),
        6: pgettext("month", "June"),
        7: pgettext("month", "July"),
        8: pgettext("month", "August"),
        9: pgettext("month", "September"),
        10: pgettext("month", "October"),
        11: pgettext("month", "November"),
        12: pgettext("month", "December"),
    }
    return names[month]


class PlanQuerySet(models.QuerySet):
    def scoped(self, scope: Scope) -> PlanQuerySet:
        # Every staff member of the organisation reads its plans; managers edit them (views).
        return self.filter(organization_id__in=scope.staff_org_ids)

    def of_year(self, academic_year: int) -> PlanQuerySet:
        return self.filter(academic_year=academic_year)

    def with_progress(self, today: dt.date | None = None) -> PlanQuerySet:
        """Each plan with its counts of items, done items and overdue items in the same query."""
        status = PlanItem.Status
        return self.annotate(
            item_count=Count("items", distinct=True),
            done_count=Count("items", filter=Q(items__status=status.DONE), distinct=True),
            overdue_count=Count(
                "items",
                filter=Q(items__status__in=PlanItem.OPEN_STATUSES, items__due_on__lt=today or timezone.localdate()),
                distinct=True,
            ),
        )


class Plan(models.Model):
    """One plan of an organisation for one academic year."""

    class Kind(models.TextChoices):
        PERSPECTIVE = "perspective", _("Perspective plan of the consultation point")
        CENTRE_ANNUAL = "centre_annual", _("Annual plan of the parent support centre")
        SOCIAL_PEDAGOGUE = "social_pedagogue", _("Annual plan of the social pedagogue")
        JOINT_NURSE = "joint_nurse", _("Joint plan with the nurse")
        JOINT_CLASS_TEACHERS = "joint_class_teachers", _("Joint plan with the class teachers")
        JOINT_PSYCHOLOGIST = "joint_psychologist", _("Joint plan with the psychologist")
        OTHER = "other", _("Other plan")

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="plans", verbose_name=_("organisation")
    )
    # The year the academic year starts (2026 for 2026–2027), as in qamqor.core.academic_year.
    academic_year = models.PositiveSmallIntegerField(
        _("academic year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(
        _("title"), max_length=300, blank=True, help_text=_("As it heads the printed plan. Leave empty to use the kind's name.")
    )
    # Approval by reference to the minutes of the meeting that approved it (seed 002 §4.1: the
    # centre's annual plan is approved by a council).
    approved_at_meeting = models.ForeignKey(
        "council.Meeting",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approved_plans",
        verbose_name=_("approved at the meeting"),
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    approval_note = models.CharField(
        _("approved by"),
        max_length=300,
        blank=True,
        help_text=_("For a plan approved elsewhere, e.g. «the pedagogical council, minutes No. 1 of 28.08.2026»."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-academic_year", "kind", "pk"]
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        indexes = [models.Index(fields=["organization", "academic_year"])]

    def __str__(self) -> str:
        return self.title or str(self.get_kind_display())

    def get_absolute_url(self) -> str:
        return reverse("plans:plan", args=[self.pk])

    @property
    def shown_title(self) -> str:
        return str(self)

    @property
    def year_label(self) -> str:
        return academic_year_label(self.academic_year)

    @property
    def is_approved(self) -> bool:
        return bool(self.approved_at_meeting_id or self.approval_note)

    def clean(self) -> None:
        if self.kind == self.Kind.OTHER and not self.title.strip():
            raise ValidationError({"title": _("Give the plan a title.")})


class PlanItemQuerySet(models.QuerySet):
    def scoped(self, scope: Scope) -> PlanItemQuerySet:
        return self.filter(plan__organization_id__in=scope.staff_org_ids)

    def open(self) -> PlanItemQuerySet:
        return self.filter(status__in=PlanItem.OPEN_STATUSES)

    def overdue(self, today: dt.date | None = None) -> PlanItemQuerySet:
        return self.open().filter(due_on__lt=today or timezone.localdate())


class PlanItem(models.Model):
    """A row of a plan: №, activity, period, responsible; its status and result."""

    class Period(models.TextChoices):
        MONTHS = "months", _("in the given months")
        ALL_YEAR = "all_year", _("all year")
        MONTHLY = "monthly", _("monthly")
        QUARTERLY = "quarterly", _("every quarter")
        SYSTEMATIC = "systematic", _("systematically")
        TIMES_A_YEAR = "times_a_year", _("N times a year")
        DATE = "date", _("on a date")

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("plan item", "planned")
        IN_PROGRESS = "in_progress", pgettext_lazy("plan item", "in progress")
        DONE = "done", pgettext_lazy("plan item", "done")
        NOT_DONE = "not_done", pgettext_lazy("plan item", "not done")

    OPEN_STATUSES = (Status.PLANNED, Status.IN_PROGRESS)

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items", verbose_name=_("plan"))
    position = models.PositiveIntegerField(_("order"))
    # As written on the plan («1.», «10»); paper plans skip and repeat numbers, we keep them.
    number = models.CharField(_("No."), max_length=10, blank=True)
    # A heading the row sits under («Work with the class teachers»), as plans group their rows.
    section = models.CharField(_("section"), max_length=300, blank=True)
    activity = models.TextField(_("activity"))
    period = models.CharField(_("period"), max_length=20, choices=Period.choices)
    # For MONTHS: the month numbers, in the academic year's order, e.g. [9, 10].
    months = models.JSONField(_("months"), default=list, blank=True)
    times = models.PositiveSmallIntegerField(_("times"), null=True, blank=True, validators=[MinValueValidator(1)])
    date = models.DateField(_("date"), null=True, blank=True)
    period_text = models.CharField(
        _("period as written"),
        max_length=300,
        blank=True,
        help_text=_("Printed instead of the period above, e.g. when the rows of one item have different periods."),
    )
    # The last day the item is due, from its period: what makes it overdue. Stored so lists
    # filter and count in the database.
    due_on = models.DateField(_("due by"), editable=False)
    responsible_roles = models.JSONField(_("responsible roles"), default=list, blank=True)
    responsible_people = models.ManyToManyField(
        "orgs.Membership", blank=True, related_name="plan_items", verbose_name=_("responsible people")
    )
    responsible_text = models.CharField(
        _("other responsible"),
        max_length=300,
        blank=True,
        help_text=_("Others, as written, one per line (e.g. «Canteen staff»)."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    result_note = models.TextField(_("result"), blank=True)
    # What carried the item out.
    appointments = models.ManyToManyField(
        "scheduling.Appointment", blank=True, related_name="plan_items", verbose_name=_("sessions")
    )
    events = models.ManyToManyField("engagement.Event", blank=True, related_name="plan_items", verbose_name=_("events"))
    meetings = models.ManyToManyField(
        "council.Meeting", blank=True, related_name="plan_items", verbose_name=_("meetings of the centre")
    )

    objects = PlanItemQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "position", "pk"]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        indexes = [models.Index(fields=["plan", "status", "due_on"])]
        constraints = [models.UniqueConstraint(fields=["plan", "position"], name="plan_item_position_unique")]

    def __str__(self) -> str:
        return f"{self.number} {self.activity[:60]}".strip()

    # --- the period

    def month_dates(self, academic_year: int) -> list[tuple[dt.date, dt.date]]:
        """The first and last day of each month of the item in the plan's academic year."""
        spans = []
        for month in self.months or []:
            if not (isinstance(month, int) and 1 <= month <= 12):
                continue  # refused by clean(); the due date must not fail before that
            year = academic_year if month >= 9 else academic_year + 1
            spans.append((dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])))
        return spans

    def compute_due_on(self, academic_year: int) -> dt.date:
        """The last day of the period: the date, the last of the months, else the year's end."""
        if self.period == self.Period.DATE and self.date:
            return self.date
        spans = self.month_dates(academic_year) if self.period == self.Period.MONTHS else []
        if spans:
            return max(end for _start, end in spans)
        return academic_year_bounds(academic_year)[1]

    def period_label(self) -> str:
        """The period as printed, in the active language (or as written, when given)."""
        if self.period_text:
            return self.period_text
        if self.period == self.Period.MONTHS:
            ordered = sorted(self.months or [], key=ACADEMIC_MONTHS.index)
            # Two months in a row as a span («Қыркүйек – Қазан»), others listed («Маусым, шілде, тамыз»).
            if len(ordered) == 2 and ACADEMIC_MONTHS.index(ordered[1]) - ACADEMIC_MONTHS.index(ordered[0]) == 1:
                return f"{month_name(ordered[0])} – {month_name(ordered[1])}"
            return ", ".join(month_name(m) for m in ordered)
        if self.period == self.Period.TIMES_A_YEAR:
            return ngettext("%(count)d time a year", "%(count)d times a year", self.times or 1) % {"count": self.times or 1}
        if self.period == self.Period.DATE and self.date:
            return self.date.strftime("%d.%m.%Y")
        labels = {
            self.Period.ALL_YEAR: pgettext("plan period", "All year"),
            self.Period.MONTHLY: pgettext("plan period", "Monthly"),
            self.Period.QUARTERLY: pgettext("plan period", "Every quarter"),
            self.Period.SYSTEMATIC: pgettext("plan period", "Systematically"),
        }
        return labels.get(self.period, "")

    # --- the responsible

    def responsible_lines(self) -> list[str]:
        """Roles, people and others, one per line, in the active language. The people must be
        prefetched with their users (lists read them in one query)."""
        lines = [str(Role(code).label) for code in self.responsible_roles or [] if code in Role.values]
        lines.extend(membership.person_name for membership in self.responsible_people.all())
        lines.extend(line.strip() for line in self.responsible_text.splitlines() if line.strip())
        return lines

    # --- checks

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if not self.activity.strip():
            errors["activity"] = _("Describe the activity.")
        months = self.months or []
        if self.period == self.Period.MONTHS:
            if not months:
                errors["months"] = _("Choose one or several months.")
            elif not all(isinstance(m, int) and 1 <= m <= 12 for m in months) or len(set(months)) != len(months):
                errors["months"] = _("Months are numbers from 1 to 12, each once.")
        if self.period == self.Period.TIMES_A_YEAR and not self.times:
            errors["times"] = _("Say how many times a year.")
        if self.period == self.Period.DATE:
            if not self.date:
                errors["date"] = _("Give the date.")
            elif self.plan_id:
                start, end = academic_year_bounds(self.plan.academic_year)
                if not start <= self.date <= end:
                    errors["date"] = _("The date %(date)s is outside the academic year %(year)s (%(start)s – %(end)s).") % {
                        "date": self.date.strftime("%d.%m.%Y"),
                        "year": self.plan.year_label,
                        "start": start.strftime("%d.%m.%Y"),
                        "end": end.strftime("%d.%m.%Y"),
                    }
        unknown = [code for code in self.responsible_roles or [] if code not in Role.values]
        if unknown:
            errors["responsible_roles"] = _("Unknown role: %(role)s.") % {"role": ", ".join(map(str, unknown))}
        if errors:
            raise ValidationError(errors)
