"""Plans of the organisation by academic year: every staff member reads them, managers edit."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qamqor.core.academic_year import academic_year_label, current_academic_year
from qamqor.core.access import manager_required, staff_required
from qamqor.core.actions import run_and_report, run_form_and_report
from qamqor.core.scoping import visible_to
from qamqor.orgs.models import Membership, Organization
from qamqor.plans import centre_report, documents, services
from qamqor.plans.forms import ApproveForm, PlanForm, PlanItemForm
from qamqor.plans.models import Plan, PlanItem


def get_plan_for(request: HttpRequest, pk: int) -> Plan:
    """A plan of the organisation the user works in now; 404 otherwise."""
    plans = visible_to(request.user, Plan.objects.filter(organization_id=request.organization_id))  # type: ignore[attr-defined]
    return get_object_or_404(plans.select_related("organization", "approved_at_meeting"), pk=pk)


def get_item_for(request: HttpRequest, pk: int) -> PlanItem:
    items = visible_to(request.user, PlanItem.objects.filter(plan__organization_id=request.organization_id))  # type: ignore[attr-defined]
    return get_object_or_404(items.select_related("plan", "plan__organization"), pk=pk)


def _year_of(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return current_academic_year()
    return year if 2000 <= year <= 2100 else current_academic_year()


def plan_items(plan: Plan) -> list[PlanItem]:
    """The plan's rows with their responsible people and links, in a fixed number of queries."""
    people = Prefetch("responsible_people", queryset=Membership.objects.select_related("user"))
    return list(plan.items.prefetch_related(people, "events", "meetings", "appointments").order_by("position", "pk"))


@staff_required
def plan_list(request: HttpRequest) -> HttpResponse:
    year = _year_of(request)
    plans = (
        visible_to(request.user, Plan.objects.filter(organization_id=request.organization_id))  # type: ignore[attr-defined]
        .of_year(year)
        .with_progress()
        .select_related("approved_at_meeting")
        .order_by("kind", "pk")
    )
    return render(
        request,
        "plans/plan_list.html",
        {
            "plans": plans,
            "year": year,
            "year_label": academic_year_label(year),
            "previous_year": year - 1,
            "next_year": year + 1,
            "can_edit": request.scope.manages(request.organization_id),  # type: ignore[attr-defined]
        },
    )


@manager_required
def plan_new(request: HttpRequest) -> HttpResponse:
    form = PlanForm(request.POST or None, initial={"academic_year": _year_of(request)})

    def create() -> Plan:
        organization = Organization.objects.get(pk=request.organization_id)  # type: ignore[attr-defined]
        return services.plan_create(organization=organization, by=request.user, **form.cleaned_data)

    return run_form_and_report(
        request,
        form,
        create,
        _("The plan is saved. Add its items."),
        then=Plan.get_absolute_url,
        template="plans/plan_form.html",
        context={"plan": None},
    )


@manager_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request, pk)
    form = PlanForm(request.POST or None, instance=plan)
    return run_form_and_report(
        request,
        form,
        lambda: services.plan_update(plan=plan, **form.cleaned_data),
        _("The plan is saved."),
        then=Plan.get_absolute_url,
        template="plans/plan_form.html",
        context={"plan": plan},
    )


@staff_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request, pk)
    items = plan_items(plan)
    today = timezone.localdate()
    overdue = [i for i in items if i.status in PlanItem.OPEN_STATUSES and i.due_on < today]
    done = sum(1 for i in items if i.status == PlanItem.Status.DONE)
    can_edit = request.scope.manages(request.organization_id)  # type: ignore[attr-defined]
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "items": items,
            "overdue_ids": {i.pk for i in overdue},
            "overdue": overdue,
            "done": done,
            "percent": round(100 * done / len(items)) if items else 0,
            "today": today,
            "can_edit": can_edit,
            "approve_form": ApproveForm(plan=plan) if can_edit else None,
            "statuses": PlanItem.Status.choices,
        },
    )


@require_POST
@manager_required
def plan_delete(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request, pk)
    year = plan.academic_year
    services.plan_delete(plan=plan)
    messages.success(request, _("The plan is deleted."))
    return redirect(f"{reverse('plans:list')}?year={year}")


@require_POST
@manager_required
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request, pk)
    form = ApproveForm(request.POST, plan=plan)
    if form.is_valid():
        run_and_report(
            request,
            lambda: services.plan_approve(plan=plan, meeting=form.cleaned_data["meeting"]),
            _("The plan is approved by the minutes of the meeting."),
        )
    else:
        messages.error(request, _("Choose a meeting that was held."))
    return redirect(plan.get_absolute_url())


def _item_form_page(request: HttpRequest, plan: Plan, item: PlanItem | None) -> HttpResponse:
    form = PlanItemForm(request.POST or None, instance=item, plan=plan)

    def save() -> PlanItem:
        if item is None:
            return services.plan_item_create(plan=plan, **form.service_kwargs())
        return services.plan_item_update(item=item, **form.service_kwargs())

    return run_form_and_report(
        request,
        form,
        save,
        _("The item is saved."),
        then=plan.get_absolute_url(),
        template="plans/item_form.html",
        context={"plan": plan, "item": item},
    )


@manager_required
def item_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_form_page(request, get_plan_for(request, pk), None)


@manager_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request, pk)
    return _item_form_page(request, item.plan, item)


@require_POST
@manager_required
def item_status(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request, pk)
    run_and_report(
        request,
        lambda: services.plan_item_set_status(item=item, status=request.POST.get("status", "")),
        _("The item's status is saved."),
    )
    return redirect(item.plan.get_absolute_url())


@require_POST
@manager_required
def item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request, pk)
    services.plan_item_delete(item=item)
    messages.success(request, _("The item is deleted."))
    return redirect(item.plan.get_absolute_url())


# --- Printing


@staff_required
def plan_print(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request, pk)
    return render(request, "plans/plan_print.html", documents.plan_context(plan, plan_items(plan)))


@staff_required
def plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request, pk)
    response = HttpResponse(documents.plan_pdf(plan, plan_items(plan)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="plan-{plan.pk}.pdf"'
    return response


@staff_required
def plan_docx(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request, pk)
    response = HttpResponse(documents.plan_docx(plan, plan_items(plan)), content_type=documents.DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}.docx"'
    return response


# --- The centre's half-year information and annual report (seed 002 §3.2.1)


def _report_of(request: HttpRequest) -> centre_report.CentreReport:
    kind = request.GET.get("kind")
    organization = get_object_or_404(Organization, pk=request.organization_id)  # type: ignore[attr-defined]
    return centre_report.centre_report(
        organization=organization,
        academic_year=_year_of(request),
        kind=kind if kind in (centre_report.HALF_YEAR, centre_report.ANNUAL) else centre_report.ANNUAL,
    )


@staff_required
def report_print(request: HttpRequest) -> HttpResponse:
    report = _report_of(request)
    query = request.GET.urlencode()
    return render(
        request,
        "plans/centre_report.html",
        {
            "report": report,
            **centre_report.summary_lines(report),
            "pdf_url": f"{reverse('plans:centre_report_pdf')}?{query}",
            "docx_url": f"{reverse('plans:centre_report_docx')}?{query}",
        },
    )


@staff_required
def report_pdf(request: HttpRequest) -> HttpResponse:
    report = _report_of(request)
    response = HttpResponse(centre_report.report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="centre-{report.kind}.pdf"'
    return response


@staff_required
def report_docx(request: HttpRequest) -> HttpResponse:
    report = _report_of(request)
    response = HttpResponse(centre_report.report_docx(report), content_type=documents.DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="centre-{report.kind}.docx"'
    return response
