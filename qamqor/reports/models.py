"""Pre-aggregated figures (issue 7, item 3) and the head's safety indicator (seed 003, criterion 4).

`OrganizationDayFigures` holds, per organisation and local day, the counts every dashboard above
an organisation reads: a region of thousands of organisations sums a few hundred thousand small
rows instead of scanning millions of requests (DESIGN.md, "Growing past one machine"). The rows
are rebuilt from the records by `qamqor/reports/figures.py`, never edited by hand.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qamqor.orgs.models import District, Organization, Region

# The journal's channels and statuses, copied as columns so a roll-up is one SUM per column.
# figures.py asserts these agree with qamqor/journal/models.py.
CHANNELS = ("phone", "written", "in_person", "walk_in", "online", "telegram", "whatsapp", "email")
STATUSES = ("new", "routed", "scheduled", "done", "cancelled", "no_show")


def _count(label: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(label, default=0)


class OrganizationFigures(models.Model):
    """The counts of one organisation's period, the same columns for a day and for a month, so
    a month row is the sum of its day rows column by column (figures.py)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation"))
    # Copied from the organisation so a district's or region's rows are one index range, no join.
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+", verbose_name=_("district"))
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", verbose_name=_("region"))
    requests = _count(_("requests"))
    answered_by_phone = _count(_("answered by phone at once"))
    waited = _count(_("requests with a held consultation"))
    wait_seconds = models.PositiveBigIntegerField(_("seconds from request to consultation, in all"), default=0)
    appointments = _count(_("appointments"))
    appointments_held = _count(_("appointments held"))
    no_shows = _count(_("no-shows"))
    feedback = _count(_("feedback"))
    feedback_sum = _count(_("sum of ratings"))
    rating_1 = _count("1")
    rating_2 = _count("2")
    rating_3 = _count("3")
    rating_4 = _count("4")
    rating_5 = _count("5")
    channel_phone = _count(_("by phone"))
    channel_written = _count(_("written"))
    channel_in_person = _count(_("in person"))
    channel_walk_in = _count(_("walk-in"))
    channel_online = _count(_("online"))
    channel_telegram = _count("Telegram")
    channel_whatsapp = _count("WhatsApp")
    channel_email = _count(_("email"))
    status_new = _count(_("new"))
    status_routed = _count(_("routed"))
    status_scheduled = _count(_("scheduled"))
    status_done = _count(_("done"))
    status_cancelled = _count(_("cancelled"))
    status_no_show = _count(_("no-show"))

    class Meta:
        abstract = True


class OrganizationDayFigures(OrganizationFigures):
    """One organisation's counts for one local day (Asia/Almaty).

    Requests count on the day they were received, with the status they have now; appointments
    on the day they start; feedback on the day it was given. The time to consultation counts on
    the request's day: from its receipt to the start of its first held consultation."""

    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("day figures of an organisation")
        verbose_name_plural = _("day figures of organisations")
        constraints = [models.UniqueConstraint(fields=["organization", "day"], name="org_day_figures_unique")]
        indexes = [models.Index(fields=["region", "day"]), models.Index(fields=["district", "day"])]

    def __str__(self) -> str:
        return f"{self.organization_id} · {self.day}"


class OrganizationMonthFigures(OrganizationFigures):
    """The day rows of one organisation summed over a calendar month: a region's year is 500
    organisations times 12 rows instead of times 365. Rebuilt from the day rows (figures.py);
    a period's whole months are read here, its partial months at the edges from the days."""

    month = models.DateField(_("month"))  # its first day

    class Meta:
        verbose_name = _("month figures of an organisation")
        verbose_name_plural = _("month figures of organisations")
        constraints = [models.UniqueConstraint(fields=["organization", "month"], name="org_month_figures_unique")]
        indexes = [models.Index(fields=["region", "month"]), models.Index(fields=["district", "month"])]

    def __str__(self) -> str:
        return f"{self.organization_id} · {self.month}"


class Dimension(models.TextChoices):
    TOPIC = "topic", _("topic")
    KIND = "kind", _("kind of help")


class Breakdown(models.Model):
    """A count of one organisation's period by topic (requests, on the day received) or by kind of
    help (appointments not cancelled, on their day, by format): the breakdowns of the district
    and region views, summed from these rows as the other figures are (figures.py)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation"))
    # Copied from the organisation so a district's or region's rows are one index range, no join.
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+", verbose_name=_("district"))
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", verbose_name=_("region"))
    dimension = models.CharField(_("breakdown by"), max_length=5, choices=Dimension.choices)
    key = models.CharField(_("topic or kind of help"), max_length=64)  # the topic's id or the format's code
    n = _count(_("count"))

    class Meta:
        abstract = True


class OrganizationDayBreakdown(Breakdown):
    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("day breakdown of an organisation")
        verbose_name_plural = _("day breakdowns of organisations")
        indexes = [
            models.Index(fields=["region", "day"], name="day_breakdown_region"),
            models.Index(fields=["district", "day"], name="day_breakdown_district"),
            models.Index(fields=["organization", "day"], name="day_breakdown_org"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} · {self.day} · {self.dimension} {self.key}"


class OrganizationMonthBreakdown(Breakdown):
    month = models.DateField(_("month"))  # its first day

    class Meta:
        verbose_name = _("month breakdown of an organisation")
        verbose_name_plural = _("month breakdowns of organisations")
        indexes = [
            models.Index(fields=["region", "month"], name="month_breakdown_region"),
            models.Index(fields=["district", "month"], name="month_breakdown_district"),
            models.Index(fields=["organization", "month"], name="month_breakdown_org"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} · {self.month} · {self.dimension} {self.key}"


class RegionDayFigures(models.Model):
    """The day figures summed per region: the national summary reads 20 rows a day, not 10,000.
    Rebuilt from OrganizationDayFigures whenever those are (figures.py)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", verbose_name=_("region"))
    day = models.DateField(_("day"))
    organizations = _count(_("organisations with activity"))
    requests = _count(_("requests"))
    answered_by_phone = _count(_("answered by phone at once"))
    waited = _count(_("requests with a held consultation"))
    wait_seconds = models.PositiveBigIntegerField(_("seconds from request to consultation, in all"), default=0)
    appointments = _count(_("appointments"))
    appointments_held = _count(_("appointments held"))
    no_shows = _count(_("no-shows"))
    feedback = _count(_("feedback"))
    feedback_sum = _count(_("sum of ratings"))
    status_done = _count(_("done"))

    class Meta:
        verbose_name = _("day figures of a region")
        verbose_name_plural = _("day figures of regions")
        constraints = [models.UniqueConstraint(fields=["day", "region"], name="region_day_figures_unique")]

    def __str__(self) -> str:
        return f"{self.region_id} · {self.day}"


class FiguresState(models.Model):
    """When the figures were last brought up to date: shown as "figures as of <time>"."""

    key = models.CharField(max_length=20, primary_key=True, default="all")
    refreshed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("state of the figures")
        verbose_name_plural = _("state of the figures")

    def __str__(self) -> str:
        return f"{self.key}: {self.refreshed_at}"


class Half(models.IntegerChoices):
    FIRST = 1, _("first half-year (September–February)")
    SECOND = 2, _("second half-year (March–August)")


class SafetyRecord(models.Model):
    """Seed 003, criterion 4: how many offences, bullying cases and suicide cases among the
    organisation's pupils the head knows of, for a half-year. Counts only, never names."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation"))
    academic_year = models.PositiveSmallIntegerField(
        _("academic year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    half = models.PositiveSmallIntegerField(_("half-year"), choices=Half.choices)
    offences = models.PositiveIntegerField(_("offences"), default=0, validators=[MaxValueValidator(100_000)])
    bullying = models.PositiveIntegerField(_("bullying cases"), default=0, validators=[MaxValueValidator(100_000)])
    suicide = models.PositiveIntegerField(_("suicide cases"), default=0, validators=[MaxValueValidator(100_000)])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["-academic_year", "-half"]
        verbose_name = _("safety indicator")
        verbose_name_plural = _("safety indicators")
        constraints = [models.UniqueConstraint(fields=["organization", "academic_year", "half"], name="safety_record_unique")]

    def __str__(self) -> str:
        return f"{self.organization_id} · {self.academic_year}/{self.half}"


# --- Satisfaction surveys (seed 003, criterion 1): answers are anonymous by construction: no
# user, no address, no time finer than the day is stored with them.


class Audience(models.TextChoices):
    PARENTS = "parents", _("parents")
    PUPILS = "pupils", _("pupils")
    TEACHERS = "teachers", _("teachers")


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("scale from 1 to 5")
    CHOICE = "choice", _("one of several answers")
    TEXT = "text", _("free text")


def new_survey_token() -> str:
    import secrets

    return secrets.token_urlsafe(16)


class Survey(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation"))
    title = models.CharField(_("title"), max_length=200)
    audience = models.CharField(_("for whom"), max_length=10, choices=Audience.choices)
    token = models.CharField(max_length=40, unique=True, default=new_survey_token, editable=False)
    is_open = models.BooleanField(_("open for answers"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self) -> str:
        return self.title


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("survey"))
    position = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=300)
    options = models.JSONField(_("answers to choose from"), default=list, blank=True)

    class Meta:
        ordering = ["survey", "position"]
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")

    def __str__(self) -> str:
        return self.text


class SurveyResponse(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses", verbose_name=_("survey"))
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")  # copied: the reports count by it
    answered_on = models.DateField(_("answered on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        indexes = [models.Index(fields=["organization", "answered_on"])]

    def __str__(self) -> str:
        return f"{self.survey_id} · {self.answered_on}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    scale = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)])
    choice = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True, max_length=2000)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scale__isnull=True) | models.Q(scale__gte=1, scale__lte=5), name="survey_scale_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.response_id} · {self.question_id}"
