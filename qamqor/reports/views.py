"""The reports' pages: the managers' dashboard of their organisation, the officers' district and
region views, the national summary, the exports and the head's safety indicator.

Who sees what: an organisation's dashboard is its managers' (anyone else: 404, it names
specialists); a district's or region's figures are its officers' and the administrators'
(another area: 404; a person with no officer role at all: 403, as for every officers' page).
The officers' pages show counts only, never a name of a person.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from qamqor.core.academic_year import academic_year_label, current_academic_year
from qamqor.core.access import current_organization_id
from qamqor.core.db_router import reads_from_replica
from qamqor.core.scoping import Scope, scope_for
from qamqor.orgs.models import District, Organization, Region
from qamqor.reports import exports, services
from qamqor.reports.charts import bars
from qamqor.reports.figures import figures_as_of, kind_rows, organization_dashboard, rollup, suppressed, topic_rows
from qamqor.reports.forms import SafetyForm, SurveyForm
from qamqor.reports.models import SafetyRecord, Survey
from qamqor.reports.periods import half_bounds, period_from, presets
from qamqor.reports.selectors import request_counts_by_organization

SORT_KEYS = {
    "name": lambda row: row[0].name,
    "requests": lambda row: row[1].requests,
    "handled": lambda row: row[1].handled,
    "by_phone": lambda row: row[1].answered_by_phone,
    "appointments": lambda row: row[1].appointments,
    "no_shows": lambda row: row[1].no_shows,
    "feedback": lambda row: (row[1].feedback_average is not None, row[1].feedback_average or 0),
    "took_part": lambda row: (row[1].share_took_part is not None, row[1].share_took_part or 0),
}


EXPORT_LANGUAGES = (("kk", "қазақша"), ("ru", "русский"))


def _columns() -> list[tuple[str, str]]:
    return [
        ("name", _("Organisation")),
        ("requests", _("Requests")),
        ("handled", _("Handled")),
        ("by_phone", _("Answered by phone at once")),
        ("appointments", _("Appointments")),
        ("no_shows", _("No-shows")),
        ("feedback", _("Parents' feedback, average of 1–5")),
        ("took_part", _("Families that took part in events, %")),
    ]


def _suppressed_safety(figures) -> dict:
    """The sensitive counts as officers see them (1–4: "fewer than 5")."""
    return {name: suppressed(getattr(figures, name)) for name in ("offences", "bullying", "suicide")}


def _officer_scope(request: HttpRequest) -> Scope:
    """The scope of someone who may see officers' pages at all; 403 for everyone else."""
    scope = scope_for(request.user)
    if not (scope.district_ids or scope.region_ids or scope.is_superuser):
        raise PermissionDenied
    return scope


def get_district_for(request: HttpRequest, pk: int) -> District:
    """A district the officer oversees (theirs, or one of their region's); 404 otherwise."""
    scope = _officer_scope(request)
    district = get_object_or_404(District.objects.select_related("region"), pk=pk)
    if not (scope.is_superuser or district.pk in scope.district_ids or district.region_id in scope.region_ids):
        raise Http404
    return district


def get_region_for(request: HttpRequest, pk: int) -> Region:
    scope = _officer_scope(request)
    if not (scope.is_superuser or pk in scope.region_ids):
        raise Http404
    return get_object_or_404(Region, pk=pk)


def _manager_organization_id(request: HttpRequest) -> int:
    """The current organisation when the user manages it; 404 otherwise, officers included:
    the page names specialists, and an officer's answer must not differ for any organisation."""
    scope = scope_for(request.user)
    org_id = current_organization_id(request, scope)
    if org_id is None or not scope.manages(org_id):
        raise Http404
    request.scope, request.organization_id = scope, org_id  # type: ignore[attr-defined]
    return org_id


def _charts(figures) -> dict:
    from qamqor.journal.models import Channel, Status, choice_label

    return {
        "channels": bars([(choice_label(Channel, c), figures.counts[f"channel_{c}"]) for c in Channel.values]),
        "statuses": bars([(choice_label(Status, s), figures.counts[f"status_{s}"]) for s in Status.values]),
        "ratings": bars([(str(r), figures.counts[f"rating_{r}"]) for r in range(5, 0, -1)]),
        "answers": bars([(_("Answered by phone at once"), figures.answered_by_phone), (_("Appointments"), figures.appointments)]),
        "months": bars([(label, n) for label, n in _month_rows(figures)]),
    }


def _month_rows(figures) -> list[tuple[str, int]]:
    from django.utils import dateformat

    return [(dateformat.format(month, "M Y"), n) for month, n in sorted(figures.months.items())]


def _period_context(request: HttpRequest) -> dict:
    form, start, end = period_from(request.GET)
    return {"form": form, "start": start, "end": end, "presets": presets(), "status": 400 if form.errors else 200}


# --- The managers' dashboard (item 1)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    org_id = _manager_organization_id(request)
    context = _period_context(request)
    data = organization_dashboard(organization_id=org_id, start=context["start"], end=context["end"])
    organization = Organization.objects.get(pk=org_id)
    council = services.council_figures(organization_ids=[org_id], start=context["start"], end=context["end"])
    context.update(
        {
            "organization": organization,
            "figures": data.figures,
            "charts": _charts(data.figures),
            "topics": bars(data.topics),
            "specialists": bars(data.specialists),
            "kinds": bars(data.kinds_of_help),
            "council": council,
            "sensitive_exact": True,
            "export_languages": EXPORT_LANGUAGES,
            "records_safety": bool(request.scope.roles_in(org_id) & services.SAFETY_ROLES),  # type: ignore[attr-defined]
        }
    )
    return render(request, "reports/dashboard.html", context, status=context.pop("status"))


# --- Officers (item 2)


@login_required
@reads_from_replica  # counts only: a replica seconds behind is fine (qamqor/core/db_router.py)
def overview(request: HttpRequest) -> HttpResponse:
    """An officer's first page: their districts and regions, and figures per organisation."""
    scope = scope_for(request.user)
    if not (scope.district_ids or scope.region_ids):
        raise PermissionDenied
    year = current_academic_year()
    rows = request_counts_by_organization(scope, year)
    totals = {key: sum(r[key] for r in rows) for key in ("total", "handled", "open", "by_phone")}
    context = {
        "rows": rows,
        "totals": totals,
        "year": academic_year_label(year),
        "regions": Region.objects.filter(pk__in=scope.region_ids),
        "districts": District.objects.filter(pk__in=scope.district_ids),
    }
    return render(request, "reports/overview.html", context)


def _area_page(request: HttpRequest, *, title: str, organizations, level: str, area) -> HttpResponse:
    context = _period_context(request)
    result = rollup(organizations=organizations, area={f"{level}_id": area.pk}, start=context["start"], end=context["end"])
    sort = request.GET.get("sort", "name")
    key = SORT_KEYS.get(sort, SORT_KEYS["name"])
    ordered = sorted(result.by_organization, key=key, reverse=sort != "name" and request.GET.get("dir") != "asc")
    rows = [(org, figures, _suppressed_safety(figures)) for org, figures in ordered]
    compare_table = render_to_string(
        "reports/_compare.html",
        {
            "rows": [(org.name, org.district.name, figures, safe) for org, figures, safe in rows],
            "columns": _columns(),
            "sort": sort,
            "period_query": f"start={context['start']:%Y-%m-%d}&end={context['end']:%Y-%m-%d}",
        },
        using="jinja2",
    )
    council = services.council_figures(organization_ids=organizations.values("pk"), start=context["start"], end=context["end"])
    context.update(
        {
            "title": title,
            "level": level,
            "area": area,
            "figures": result.total,
            "charts": _charts(result.total),
            # summed from the pre-aggregated breakdowns: the same queries for 3 organisations or 3,000
            "topics": bars(topic_rows(result.total)),
            "kinds": bars(kind_rows(result.total)),
            "rows": rows,
            "sort": sort,
            "compare_table": mark_safe(compare_table),  # noqa: S308 (rendered by Jinja2 with autoescape on)
            "safety": _suppressed_safety(result.total),
            "export_url": reverse(f"reports:export_{level}", args=[area.pk]),
            "export_languages": EXPORT_LANGUAGES,
            "as_of": figures_as_of(),
            "council": council,
            "sensitive_exact": False,
        }
    )
    return render(request, "reports/area.html", context, status=context.pop("status"))


@login_required
@reads_from_replica
def district(request: HttpRequest, pk: int) -> HttpResponse:
    area = get_district_for(request, pk)
    return _area_page(
        request, title=area.name, organizations=Organization.objects.filter(district=area), level="district", area=area
    )


@login_required
@reads_from_replica
def region(request: HttpRequest, pk: int) -> HttpResponse:
    area = get_region_for(request, pk)
    return _area_page(
        request, title=area.name, organizations=Organization.objects.filter(district__region=area), level="region", area=area
    )


@login_required
@reads_from_replica
def national(request: HttpRequest) -> HttpResponse:
    """The country's summary: the administrators' (no national officer role exists yet)."""
    if not request.user.is_superuser:
        raise PermissionDenied
    context = _period_context(request)
    totals = services.national_summary(start=context["start"], end=context["end"])
    context.update(
        {
            "regions": [(region, figures, _suppressed_safety(figures)) for region, figures in totals.regions],
            "figures": totals.total,
            "safety": _suppressed_safety(totals.total),
            "as_of": figures_as_of(),
            "charts": _charts(totals.total),
        }
    )
    return render(request, "reports/national.html", context, status=context.pop("status"))


# --- Exports (item 6)


def _export(request: HttpRequest, *, name: str, build) -> HttpResponse:
    fmt = request.GET.get("format", "xlsx")
    language = request.GET.get("language", "kk")
    if fmt not in exports.FORMATS or language not in exports.LANGUAGES:
        raise Http404
    form, start, end = period_from(request.GET)
    if form.errors:
        raise Http404
    with translation.override(language):
        report = build(start, end)
        content, content_type = exports.render(report, fmt=fmt, language=language)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}-{start:%Y%m%d}-{end:%Y%m%d}-{language}.{fmt}"'
    return response


@login_required
def export_organization(request: HttpRequest) -> HttpResponse:
    org_id = _manager_organization_id(request)
    organization = Organization.objects.get(pk=org_id)
    return _export(
        request,
        name="report",
        build=lambda start, end: exports.organization_report(organization=organization, start=start, end=end),
    )


@login_required
def export_district(request: HttpRequest, pk: int) -> HttpResponse:
    area = get_district_for(request, pk)
    return _export(
        request,
        name="district-report",
        build=lambda start, end: exports.area_report(
            area=area, organizations=Organization.objects.filter(district=area), start=start, end=end
        ),
    )


@login_required
def export_region(request: HttpRequest, pk: int) -> HttpResponse:
    area = get_region_for(request, pk)
    return _export(
        request,
        name="region-report",
        build=lambda start, end: exports.area_report(
            area=area, organizations=Organization.objects.filter(district__region=area), start=start, end=end
        ),
    )


# --- The safety indicator (item 5)


@login_required
def safety(request: HttpRequest) -> HttpResponse:
    """The head (or a school's director) records the half-year's counts; the list shows the
    organisation's records. Others: 404, the figures are the head's to give."""
    scope = scope_for(request.user)
    org_id = current_organization_id(request, scope)
    if org_id is None or not scope.roles_in(org_id) & services.SAFETY_ROLES:
        raise Http404
    year = current_academic_year()
    form = SafetyForm(request.POST or None, initial={"academic_year": year, "half": 1})
    if request.method == "POST" and form.is_valid():
        try:
            services.safety_record(organization_id=org_id, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The safety figures are saved."))
            return redirect("reports:safety")
    records = SafetyRecord.objects.filter(organization_id=org_id)
    rows = [(r, academic_year_label(r.academic_year), half_bounds(r.academic_year, r.half)) for r in records]
    return render(request, "reports/safety.html", {"form": form, "rows": rows}, status=400 if form.errors else 200)


# --- Satisfaction surveys (item 4)


def get_survey_for(request: HttpRequest, pk: int) -> Survey:
    """A survey of the organisation the manager works in now; 404 otherwise."""
    org_id = _manager_organization_id(request)
    return get_object_or_404(Survey.objects.filter(organization_id=org_id), pk=pk)


@login_required
def surveys(request: HttpRequest) -> HttpResponse:
    org_id = _manager_organization_id(request)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(organization_id=org_id, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)  # the service's errors name their field
        else:
            messages.success(request, _("The survey is ready: share its link."))
            return redirect("reports:survey", pk=survey.pk)
    rows = Survey.objects.filter(organization_id=org_id).annotate(answered=Count("responses"))
    return render(request, "reports/surveys.html", {"form": form, "surveys": rows}, status=400 if form.errors else 200)


@login_required
def survey(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_survey_for(request, pk)
    if request.method == "POST":
        services.survey_set_open(survey=item, is_open=request.POST.get("open") == "1")
        messages.success(request, _("The survey is open for answers.") if item.is_open else _("The survey is closed."))
        return redirect("reports:survey", pk=item.pk)
    context = {
        "survey": item,
        "results": services.survey_results(survey=item),
        "responses": item.responses.count(),
        "link": request.build_absolute_uri(reverse("reports:survey_public", args=[item.token])),
    }
    return render(request, "reports/survey.html", context)


def survey_public(request: HttpRequest, code: str) -> HttpResponse:
    """The public form: anyone with the link answers once per visit; nothing identifies them."""
    item = get_object_or_404(Survey.objects.select_related("organization"), token=code)
    questions = list(item.questions.all())
    errors: dict = {}
    if request.method == "POST":
        try:
            services.survey_answer(survey=item, questions=questions, data=request.POST)
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
        else:
            return render(request, "reports/survey_thanks.html", {"survey": item})
    items = [(q, errors.get(q.pk, []), request.POST.get(f"q{q.pk}", "")) for q in questions]
    context = {"survey": item, "items": items, "errors": errors.get(None, []), "scale": ["1", "2", "3", "4", "5"]}
    return render(request, "reports/survey_public.html", context, status=400 if errors else 200)
