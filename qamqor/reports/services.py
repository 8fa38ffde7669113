"""Writes of the reports app (the safety indicator) and the figures that reach into the
council and plans apps (seed 002: meetings held against planned, decisions done on time,
plan items done) and the national summary."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from qamqor.orgs.models import Region
from qamqor.reports.figures import Figures, extras_by_region
from qamqor.reports.models import RegionDayFigures, SafetyRecord

# Who records the safety indicator: the head of a kindergarten, the director of a school.
SAFETY_ROLES = frozenset({"head", "director"})


@transaction.atomic
def safety_record(
    *, organization_id: int, academic_year: int, half: int, offences: int, bullying: int, suicide: int, by
) -> SafetyRecord:
    """Record (or correct) one half-year's counts; a half-year that has not begun is refused."""
    from qamqor.reports.periods import half_bounds

    if half_bounds(academic_year, half)[0] > timezone.localdate():
        raise ValidationError(_("This half-year has not begun yet."), code="future")
    record, _created = SafetyRecord.objects.select_for_update().get_or_create(
        organization_id=organization_id, academic_year=academic_year, half=half, defaults={"recorded_by": by}
    )
    record.offences, record.bullying, record.suicide = offences, bullying, suicide
    record.recorded_by, record.recorded_at = by, timezone.now()
    record.full_clean()
    record.save()
    return record


@dataclass(frozen=True)
class CouncilFigures:
    meetings_planned: int
    meetings_held: int
    decisions_due: int
    decisions_on_time: int
    plan_items_due: int
    plan_items_done: int


def council_figures(*, organization_ids: list[int] | QuerySet, start: dt.date, end: dt.date) -> CouncilFigures:
    """Three aggregate queries over any number of organisations: planned meetings of the period
    and how many were held; decisions due in the period and how many were done by their
    deadline; plan items due in the period and how many were done."""
    from qamqor.council.models import Decision, Meeting
    from qamqor.plans.models import PlanItem

    meetings = Meeting.objects.filter(
        organization_id__in=organization_ids, kind=Meeting.Kind.PLANNED, date__gte=start, date__lte=end
    ).aggregate(planned=Count("id"), held=Count("id", filter=Q(status=Meeting.Status.HELD)))
    decisions = Decision.objects.filter(
        agenda_item__meeting__organization_id__in=organization_ids, deadline__gte=start, deadline__lte=end
    ).aggregate(due=Count("id"), on_time=Count("id", filter=Q(status=Decision.Status.DONE, done_on__lte=F("deadline"))))
    items = PlanItem.objects.filter(plan__organization_id__in=organization_ids, due_on__gte=start, due_on__lte=end).aggregate(
        due=Count("id"), done=Count("id", filter=Q(status=PlanItem.Status.DONE))
    )
    return CouncilFigures(
        meetings_planned=meetings["planned"],
        meetings_held=meetings["held"],
        decisions_due=decisions["due"],
        decisions_on_time=decisions["on_time"],
        plan_items_due=items["due"],
        plan_items_done=items["done"],
    )


@dataclass
class National:
    total: Figures
    regions: list[tuple[Region, Figures]]


NATIONAL_FIELDS = (
    "requests",
    "answered_by_phone",
    "waited",
    "wait_seconds",
    "appointments",
    "appointments_held",
    "no_shows",
    "feedback",
    "feedback_sum",
    "status_done",
)


def national_summary(*, start: dt.date, end: dt.date) -> National:
    """The country by region, from the regions' day rows (two queries, a few thousand rows
    read), with the participation and safety figures of seed 003 (extras_by_region)."""
    sums = {
        row.pop("region_id"): row
        for row in RegionDayFigures.objects.filter(day__gte=start, day__lte=end)
        .values("region_id")
        .order_by()
        .annotate(**{name: Sum(name) for name in NATIONAL_FIELDS})
    }
    extras = extras_by_region(start=start, end=end)
    total, regions = Figures(), []
    for region in Region.objects.order_by("kato"):
        figures = Figures()
        for name, value in sums.get(region.pk, {}).items():
            figures.counts[name] = value or 0
        if region.pk in extras:
            figures.add(extras[region.pk])
        total.add(figures)
        regions.append((region, figures))
    return National(total=total, regions=regions)


# --- Satisfaction surveys (item 4)

MAX_QUESTIONS = 30


def parse_questions(text: str) -> list[tuple[str, str, list[str]]]:
    """The staff's question list, one question a line: `* text` is a 1–5 scale, `text | answer |
    answer` a choice of one answer, any other line free text. Returns (kind, text, options)."""
    from qamqor.reports.models import QuestionKind

    questions = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("*"):
            kind, question, options = QuestionKind.SCALE, line[1:].strip(), []
        elif "|" in line:
            question, *options = [part.strip() for part in line.split("|")]
            options = [o for o in options if o]
            kind = QuestionKind.CHOICE
            if len(options) < 2:
                raise ValidationError(
                    _("Line %(n)s: give at least two answers to choose from, separated by |.") % {"n": number}, code="options"
                )
        else:
            kind, question, options = QuestionKind.TEXT, line, []
        if not question:
            raise ValidationError(_("Line %(n)s: the question is empty.") % {"n": number}, code="empty")
        if len(question) > 300 or any(len(o) > 200 for o in options):
            raise ValidationError(_("Line %(n)s is too long.") % {"n": number}, code="long")
        questions.append((kind, question, options))
    if not questions:
        raise ValidationError(_("Write at least one question."), code="none")
    if len(questions) > MAX_QUESTIONS:
        raise ValidationError(_("A short survey has at most %(n)s questions.") % {"n": MAX_QUESTIONS}, code="many")
    return questions


@transaction.atomic
def survey_create(
    *, organization_id: int, audience: str, by, title: str = "", questions: str = "", title_ru: str = "", questions_ru: str = ""
):
    """A survey in Kazakh (`title`, `questions`), Russian (`title_ru`, `questions_ru`) or both.
    Both languages must list the same questions: same number, same kinds, same number of
    answers to choose from (an answer is kept as its position, whatever the language).
    Errors name the field: "title", "questions" or "questions_ru"."""
    from qamqor.reports.models import Survey, SurveyQuestion

    title, title_ru = title.strip(), title_ru.strip()
    if not (title or title_ru):
        raise ValidationError({"title": _("Give the title in Kazakh or in Russian.")}, code="title")
    if not (questions.strip() or questions_ru.strip()):
        raise ValidationError({"questions": _("Write at least one question.")}, code="none")
    parsed: dict[str, list] = {}
    for language, text, name in (("kk", questions, "questions"), ("ru", questions_ru, "questions_ru")):
        if text.strip():
            try:
                parsed[language] = parse_questions(text)
            except ValidationError as error:
                raise ValidationError({name: error.messages}) from error
    if len(parsed) == 2:
        shape = lambda qs: [(kind, len(options)) for kind, _text, options in qs]  # noqa: E731
        if shape(parsed["kk"]) != shape(parsed["ru"]):
            raise ValidationError(
                {
                    "questions_ru": _(
                        "The Russian questions must be the same as the Kazakh ones: as many, in the same order, "
                        "of the same kinds and with as many answers to choose from."
                    )
                },
                code="mismatch",
            )
    survey = Survey(
        organization_id=organization_id, title_kk=title or None, title_ru=title_ru or None, audience=audience, created_by=by
    )
    survey.full_clean()
    survey.save()
    first = parsed.get("kk") or parsed["ru"]
    for position, (kind, _text, _options) in enumerate(first, start=1):
        values = {}
        for language in ("kk", "ru"):
            # A language not given stays empty (None), so the page falls back to the other one.
            _kind, text, options = parsed[language][position - 1] if language in parsed else (kind, None, None)
            values[f"text_{language}"], values[f"options_{language}"] = text, options
        question = SurveyQuestion(survey=survey, position=position, kind=kind, options_en=None, **values)
        question.full_clean()
        question.save()
    return survey


@transaction.atomic
def survey_set_open(*, survey, is_open: bool):
    survey.is_open = is_open
    survey.save(update_fields=["is_open"])
    return survey


@transaction.atomic
def survey_answer(*, survey, questions: list, data) -> object:
    """Record one anonymous response: every scale and choice question answered, free text
    optional. Nothing is saved unless every answer is valid; no person, address or time of day
    is kept (seed 003: the answers are the respondents', not about them)."""
    from qamqor.reports.models import QuestionKind, SurveyAnswer, SurveyResponse

    if not survey.is_open:
        raise ValidationError(_("This survey is closed."), code="closed")
    answers, errors = [], {}
    for question in questions:
        raw = (data.get(f"q{question.pk}") or "").strip()
        if question.kind == QuestionKind.TEXT:
            if len(raw) > 2000:
                errors[question.pk] = _("The answer is too long (at most 2000 characters).")
            elif raw:
                answers.append(SurveyAnswer(question=question, text=raw))
            continue
        limit = 5 if question.kind == QuestionKind.SCALE else len(question.options)
        low = 1 if question.kind == QuestionKind.SCALE else 0
        try:
            value = int(raw)
        except ValueError:
            errors[question.pk] = _("Choose an answer.")
            continue
        if not low <= value <= (limit if question.kind == QuestionKind.SCALE else limit - 1):
            errors[question.pk] = _("Choose an answer.")
            continue
        field = "scale" if question.kind == QuestionKind.SCALE else "choice"
        answers.append(SurveyAnswer(question=question, **{field: value}))
    if errors:
        raise ValidationError(errors)
    response = SurveyResponse.objects.create(survey=survey, organization_id=survey.organization_id)
    for answer in answers:
        answer.response = response
        answer.full_clean()
    SurveyAnswer.objects.bulk_create(answers)
    return response


def survey_results(*, survey) -> list[dict]:
    """Per question: the answers counted (scale: 1–5 and the average; choice: each answer; text:
    the last 200 texts). Three queries whatever the number of responses."""
    from django.db.models import Avg

    from qamqor.reports.charts import bars
    from qamqor.reports.models import QuestionKind, SurveyAnswer

    questions = list(survey.questions.all())
    counts: dict[tuple[int, str, int], int] = {}
    for row in (
        SurveyAnswer.objects.filter(question__survey=survey)
        .values("question_id", "scale", "choice")
        .order_by()
        .annotate(n=Count("id"))
    ):
        if row["scale"] is not None:
            counts[(row["question_id"], "scale", row["scale"])] = row["n"]
        elif row["choice"] is not None:
            counts[(row["question_id"], "choice", row["choice"])] = row["n"]
    averages = dict(
        SurveyAnswer.objects.filter(question__survey=survey, scale__isnull=False)
        .values_list("question_id")
        .order_by()
        .annotate(a=Avg("scale"))
    )
    texts: dict[int, list[str]] = {}
    for question_id, text in (
        SurveyAnswer.objects.filter(question__survey=survey)
        .exclude(text="")
        .order_by("-pk")
        .values_list("question_id", "text")[:200]
    ):
        texts.setdefault(question_id, []).append(text)
    out = []
    for q in questions:
        if q.kind == QuestionKind.SCALE:
            chart = bars([(str(v), counts.get((q.pk, "scale", v), 0)) for v in range(5, 0, -1)])
        elif q.kind == QuestionKind.CHOICE:
            chart = bars([(option, counts.get((q.pk, "choice", i), 0)) for i, option in enumerate(q.options)])
        else:
            chart = []
        average = averages.get(q.pk)
        out.append(
            {
                "question": q,
                "bars": chart,
                "average": None if average is None else round(float(average), 2),
                "texts": texts.get(q.pk, []),
            }
        )
    return out
