"""The social pedagogue's pages (issue 6): restricted to the social pedagogue, the head and the
director of the organisation; everyone else gets 404, as for a page that does not exist.

Every page, print, PDF or XLSX that shows a child's social record writes what it showed to the
access log (qamqor/audit/access.py), in one insert. The counts pages show figures only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qamqor.audit.access import records_read
from qamqor.core.academic_year import academic_year_label, current_academic_year
from qamqor.core.access import current_organization_id
from qamqor.core.actions import run_and_report, run_form_and_report
from qamqor.core.forms import add_service_errors
from qamqor.core.scoping import scope_for, visible_to
from qamqor.families.models import Child
from qamqor.orgs.models import Organization
from qamqor.social import exports, services
from qamqor.social.forms import (
    CategoryForm,
    ClassForm,
    CountsForm,
    EndForm,
    EnrolForm,
    HousingActForm,
    ImportConfirmForm,
    ImportForm,
    JointAccessForm,
    LeaveForm,
    PassportForm,
    SocialSettingsForm,
    SupportForm,
    default_enrolment_day,
    year_choices,
)
from qamqor.social.imports import ImportRow, class_list_check, class_list_import, read_class_list
from qamqor.social.joint import joint_child_ids
from qamqor.social.models import (
    SOCIAL_ROLE_CODES,
    CategoryRecord,
    Enrolment,
    HousingAct,
    JointAccess,
    SchoolClass,
    SocialSettings,
    SupportKind,
    SupportMeasure,
)
from qamqor.social.passport import category_counts, inspections_due, movement, passport
from qamqor.social.suppression import suppress_small

IMPORT_SESSION_KEY = "qamqor_social_import"
CHILDREN_SHOWN = 50


def social_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The social pedagogue, the head or the director of the current organisation; anyone else
    gets 404 (the area is not even confirmed to exist). Sets request.scope and organization_id."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        scope = scope_for(request.user)
        org_id = current_organization_id(request, scope)
        if org_id is None or not scope.roles_in(org_id) & SOCIAL_ROLE_CODES:
            raise Http404
        request.scope = scope  # type: ignore[attr-defined]
        request.organization_id = org_id  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


# --- Fetching with permission (404 for what the user may not see)


def _classes(request: HttpRequest):
    return visible_to(request.user, SchoolClass.objects.filter(organization_id=request.organization_id))  # type: ignore[attr-defined]


def get_class_for(request: HttpRequest, pk: int) -> SchoolClass:
    return get_object_or_404(_classes(request).select_related("class_teacher__user"), pk=pk)


def get_child_for(request: HttpRequest, pk: int) -> Child:
    # The children of the organisation whose social records the user keeps (the Child model's own
    # scope admits the journal's managers, not the social pedagogue).
    from qamqor.social.models import social_org_ids

    org_id = request.organization_id  # type: ignore[attr-defined]
    if org_id not in social_org_ids(request.scope):  # type: ignore[attr-defined]
        raise Http404
    return get_object_or_404(Child.objects.filter(organization_id=org_id).select_related("parent"), pk=pk)


def _organization(request: HttpRequest) -> Organization:
    return Organization.objects.get(pk=request.organization_id)  # type: ignore[attr-defined]


def _parse_date(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return default


# --- Home: the classes of a year


@social_required
def home(request: HttpRequest) -> HttpResponse:
    years = year_choices()
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = current_academic_year()
    today = timezone.localdate()
    classes = (
        _classes(request)
        .filter(academic_year=year)
        .select_related("class_teacher__user")
        .annotate(
            pupils=Count(
                "enrolments",
                filter=Q(enrolments__enrolled_on__lte=today)
                & (Q(enrolments__left_on__isnull=True) | Q(enrolments__left_on__gt=today)),
            )
        )
        .order_by("name")
    )
    return render(
        request,
        "social/home.html",
        {"classes": classes, "year": year, "years": years, "year_label": academic_year_label(year)},
    )


def _class_form_page(request: HttpRequest, school_class: SchoolClass | None) -> HttpResponse:
    initial = {"name": school_class.name, "class_teacher": school_class.class_teacher} if school_class else None
    form = ClassForm(
        request.POST or None,
        initial=initial,
        organization_id=request.organization_id,  # type: ignore[attr-defined]
        editing=school_class is not None,
    )

    def save() -> SchoolClass:
        data = form.cleaned_data
        if school_class is None:
            return services.class_create(
                organization=_organization(request),
                academic_year=data["academic_year"],
                name=data["name"],
                class_teacher=data["class_teacher"],
            )
        return services.class_update(school_class=school_class, name=data["name"], class_teacher=data["class_teacher"])

    return run_form_and_report(
        request,
        form,
        save,
        _("The class is saved."),
        then=lambda saved: _url("social:class_detail", saved.pk),
        template="social/class_form.html",
        context={"school_class": school_class},
    )


@social_required
def class_new(request: HttpRequest) -> HttpResponse:
    return _class_form_page(request, None)


@social_required
def class_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _class_form_page(request, get_class_for(request, pk))


@social_required
def class_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The class as of a day: its children and their categories (the class's social passport
    is one click away)."""
    school_class = get_class_for(request, pk)
    day = _parse_date(request.GET.get("on"), timezone.localdate())
    enrolments = list(school_class.enrolments.on(day).select_related("child").order_by("child__full_name", "pk"))
    categories = _category_names(CategoryRecord.objects.filter(child_id__in=[e.child_id for e in enrolments]).holding_on(day))
    rows = [(e, categories.get(e.child_id, [])) for e in enrolments]
    records_read(*(e.child for e in enrolments))
    return render(request, "social/class_detail.html", {"school_class": school_class, "rows": rows, "day": day})


def _category_names(records) -> dict[int, list[str]]:
    """The names of the categories of each child, by the child's id."""
    categories: dict[int, list[str]] = {}
    for record in records:
        categories.setdefault(record.child_id, []).append(record.get_category_display())
    return categories


# --- Import of class lists


def _import_rows(request: HttpRequest) -> tuple[dict | None, list[ImportRow]]:
    stored = request.session.get(IMPORT_SESSION_KEY)
    if not stored or stored.get("organization_id") != request.organization_id:  # type: ignore[attr-defined]
        return None, []
    return stored, [ImportRow(**row) for row in stored["rows"]]


@social_required
def class_import(request: HttpRequest) -> HttpResponse:
    """Upload a class list: a dry run shows every row's problem; the import happens only from a
    clean preview, on a second button."""
    form = ImportForm(request.POST or None, request.FILES or None)
    confirm = ImportConfirmForm(request.POST or None) if request.POST.get("confirm") else ImportConfirmForm()
    stored, rows = _import_rows(request)
    organization = _organization(request)
    if request.method == "POST" and request.POST.get("confirm"):
        if stored is None:
            messages.error(request, _("Upload the file again: the preview has expired."))
            return redirect("social:class_import")
        confirm.is_valid()
        try:
            counts = class_list_import(
                organization=organization,
                academic_year=stored["academic_year"],
                rows=rows,
                enrolled_on=dt.date.fromisoformat(stored["enrolled_on"]),
                consent_on_file=bool(confirm.cleaned_data.get("consent_on_file")),
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(confirm, exc)
            rows = class_list_check(organization=organization, academic_year=stored["academic_year"], rows=rows)
        else:
            del request.session[IMPORT_SESSION_KEY]
            messages.success(
                request,
                _("Imported: %(enrolled)s enrolled, %(new)s of them newly added; %(already)s were already in their class.")
                % {"enrolled": counts["enrol"] + counts["new_child"], "new": counts["new_child"], "already": counts["already"]},
            )
            return redirect(f"{_url('social:home')}?year={stored['academic_year']}")
    elif request.method == "POST":
        stored, rows = None, []
        if form.is_valid():
            year = form.cleaned_data["academic_year"]
            try:
                rows = read_class_list(form.cleaned_data["file"])
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                rows = class_list_check(organization=organization, academic_year=year, rows=rows)
                enrolled_on = form.cleaned_data["enrolled_on"] or default_enrolment_day(year)
                stored = {
                    "organization_id": organization.pk,
                    "academic_year": year,
                    "enrolled_on": enrolled_on.isoformat(),
                    "rows": [r.as_dict() for r in rows],
                }
                request.session[IMPORT_SESSION_KEY] = stored
    elif stored is not None:
        rows = class_list_check(organization=organization, academic_year=stored["academic_year"], rows=rows)
    problems = sum(1 for r in rows if r.problems)
    status = 400 if (form.is_bound and form.errors) or confirm.errors else 200
    return render(
        request,
        "social/class_import.html",
        {
            "form": form,
            "confirm": confirm,
            "rows": rows,
            "stored": stored,
            "problems": problems,
            "has_new": any(r.action == "new_child" for r in rows),
            "year_label": academic_year_label(stored["academic_year"]) if stored else "",
        },
        status=status,
    )


def _url(name: str, *args) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


# --- A child's social record


@social_required
def children(request: HttpRequest) -> HttpResponse:
    """Find a child of the organisation by name or IIN (names only: no record is shown here)."""
    text = request.GET.get("q", "").strip()
    found = Child.objects.none()
    if text:
        query = Q(full_name__icontains=text) | (Q(iin__startswith=text) if text.isdigit() else Q(pk__in=[]))
        found = Child.objects.filter(
            query, organization_id=request.organization_id
        ).order_by(
            "full_name", "pk"
        )[  # type: ignore[attr-defined]
            :CHILDREN_SHOWN
        ]
    return render(request, "social/children.html", {"q": text, "children": found, "limit": CHILDREN_SHOWN})


def _child_page(request: HttpRequest, child: Child, forms: dict | None = None, status: int = 200) -> HttpResponse:
    records = list(CategoryRecord.objects.filter(child=child).select_related("recorded_by").order_by("-starts_on", "pk"))
    acts = list(HousingAct.objects.filter(child=child).select_related("recorded_by"))
    support = list(SupportMeasure.objects.filter(child=child))
    enrolments = list(Enrolment.objects.filter(child=child).select_related("school_class").order_by("-enrolled_on"))
    records_read(child, *records, *acts, *support)
    today = timezone.localdate()
    org_id = request.organization_id  # type: ignore[attr-defined]
    forms = forms or {}
    context = {
        "child": child,
        "records": records,
        "acts": acts,
        "support": support,
        "enrolments": enrolments,
        "today": today,
        "category_form": forms.get("category") or CategoryForm(initial={"starts_on": today}),
        "act_form": forms.get("act") or HousingActForm(initial={"visited_on": today, "visitors": request.user.get_full_name()}),
        "support_form": forms.get("support") or SupportForm(initial={"given_on": today}),
        "enrol_form": forms.get("enrol") or EnrolForm(organization_id=org_id, initial={"enrolled_on": today}),
        "end_form": EndForm(initial={"ends_on": today}),
        "leave_form": LeaveForm(initial={"left_on": today}),
    }
    return render(request, "social/child.html", context, status=status)


@social_required
def child(request: HttpRequest, pk: int) -> HttpResponse:
    return _child_page(request, get_child_for(request, pk))


def _child_form_action(
    request: HttpRequest, pk: int, key: str, form_class, save: Callable[[Child, dict], object], done: str
) -> HttpResponse:
    child = get_child_for(request, pk)
    kwargs = {"organization_id": request.organization_id} if form_class is EnrolForm else {}  # type: ignore[attr-defined]
    form = form_class(request.POST, **kwargs)
    if form.is_valid():
        try:
            save(child, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("social:child", pk=child.pk)
    return _child_page(request, child, {key: form}, status=400)


@require_POST
@social_required
def category_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _child_form_action(
        request,
        pk,
        "category",
        CategoryForm,
        lambda child, data: services.category_record(child=child, by=request.user, **data),
        _("The category is recorded."),
    )


@require_POST
@social_required
def act_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _child_form_action(
        request,
        pk,
        "act",
        HousingActForm,
        lambda child, data: services.housing_act_create(child=child, by=request.user, **data),
        _("The housing inspection act is saved."),
    )


@require_POST
@social_required
def support_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _child_form_action(
        request,
        pk,
        "support",
        SupportForm,
        lambda child, data: services.support_give(child=child, by=request.user, **data),
        _("The support is recorded."),
    )


@require_POST
@social_required
def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    return _child_form_action(
        request,
        pk,
        "enrol",
        EnrolForm,
        lambda child, data: services.enrolment_create(child=child, **data),
        _("The child is enrolled."),
    )


@social_required
def act_print(request: HttpRequest, pk: int) -> HttpResponse:
    """A housing inspection act on paper, in Kazakh or Russian, to be signed by those who visited."""
    acts = visible_to(request.user, HousingAct.objects.filter(organization_id=request.organization_id))  # type: ignore[attr-defined]
    act = get_object_or_404(acts.select_related("child__parent", "organization"), pk=pk)
    lang = _export_language(request)
    records_read(act)
    with translation.override(lang):
        enrolment = Enrolment.objects.filter(child=act.child).on(act.visited_on).select_related("school_class").first()
        return render(
            request,
            "social/act_print.html",
            {
                "act": act,
                "organization_name": act.organization.name,
                "school_class": enrolment.school_class.name if enrolment else "",
                "date": exports.letter_date(act.visited_on, lang if lang in ("kk", "ru") else "ru"),
            },
        )


@require_POST
@social_required
def category_end(request: HttpRequest, pk: int) -> HttpResponse:
    records = visible_to(request.user, CategoryRecord.objects.filter(organization_id=request.organization_id))  # type: ignore[attr-defined]
    record = get_object_or_404(records, pk=pk)
    form = EndForm(request.POST)
    if form.is_valid():
        run_and_report(
            request,
            lambda: services.category_end(record=record, ends_on=form.cleaned_data["ends_on"]),
            _("The category is ended."),
        )
    else:
        messages.error(request, _("Enter the date the category ended."))
    return redirect("social:child", pk=record.child_id)


@require_POST
@social_required
def leave(request: HttpRequest, pk: int) -> HttpResponse:
    enrolments = visible_to(request.user, Enrolment.objects.filter(school_class__organization_id=request.organization_id))  # type: ignore[attr-defined]
    enrolment = get_object_or_404(enrolments.select_related("school_class"), pk=pk)
    form = LeaveForm(request.POST)
    if form.is_valid():
        run_and_report(
            request,
            lambda: services.enrolment_end(enrolment=enrolment, left_on=form.cleaned_data["left_on"]),
            _("The child's leaving is recorded."),
        )
    else:
        messages.error(request, _("Enter the date the child left."))
    return redirect("social:child", pk=enrolment.child_id)


# --- The social passport, the movement report, inspections due, support


def _passport_of(request: HttpRequest):
    form = PassportForm(request.GET or None, organization_id=request.organization_id)  # type: ignore[attr-defined]
    day, school_class = timezone.localdate(), None
    if form.is_valid():
        day = form.cleaned_data["on"] or day
        school_class = form.cleaned_data["school_class"]
    return form, passport(organization=_organization(request), day=day, school_class=school_class)


def _log_passport(result) -> None:
    records_read(*(entry.record for category in result.categories for entry in category.entries))


@social_required
def passport_page(request: HttpRequest) -> HttpResponse:
    form, result = _passport_of(request)
    _log_passport(result)
    query = request.GET.urlencode()
    return render(request, "social/passport.html", {"form": form, "passport": result, "query": query})


def _export_language(request: HttpRequest) -> str:
    lang = request.GET.get("lang", "")
    return lang if lang in ("kk", "ru", "en") else (translation.get_language() or "kk")


@social_required
def passport_print(request: HttpRequest) -> HttpResponse:
    with translation.override(_export_language(request)):
        _form, result = _passport_of(request)
        _log_passport(result)
        return render(request, "social/passport_print.html", exports.passport_context(result))


@social_required
def passport_pdf(request: HttpRequest) -> HttpResponse:
    lang = _export_language(request)
    with translation.override(lang):
        _form, result = _passport_of(request)
        data = exports.passport_pdf(result)
    _log_passport(result)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="social-passport-{result.day:%Y%m%d}-{lang}.pdf"'
    return response


@social_required
def passport_xlsx(request: HttpRequest) -> HttpResponse:
    lang = _export_language(request)
    with translation.override(lang):
        _form, result = _passport_of(request)
        data = exports.passport_xlsx(result)
    _log_passport(result)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="social-passport-{result.day:%Y%m%d}-{lang}.xlsx"'
    return response


def _month_of(request: HttpRequest) -> dt.date:
    try:
        year, month = map(int, request.GET.get("month", "").split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


@social_required
def movement_page(request: HttpRequest) -> HttpResponse:
    month = _month_of(request)
    school_class = None
    if request.GET.get("class"):
        try:
            school_class = get_class_for(request, int(request.GET["class"]))
        except ValueError as exc:
            raise Http404 from exc
    result = movement(organization=_organization(request), month=month, school_class=school_class)
    records_read(*result.arrived, *result.left, *result.began, *result.ended)
    previous_month = (month - dt.timedelta(days=1)).replace(day=1)
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "social/movement.html",
        {
            "movement": result,
            "school_class": school_class,
            "classes": _classes(request).filter(academic_year__gte=current_academic_year() - 1),
            "previous_month": previous_month,
            "next_month": next_month,
        },
    )


@social_required
def due(request: HttpRequest) -> HttpResponse:
    rows = inspections_due(organization=_organization(request), today=timezone.localdate())
    records_read(*(row.child for row in rows))
    return render(
        request,
        "social/due.html",
        {"rows": rows, "overdue": sum(1 for r in rows if r.overdue), "soon": sum(1 for r in rows if r.due_soon)},
    )


@social_required
def support_list(request: HttpRequest) -> HttpResponse:
    """Who received what, per campaign (kind of support) and academic year."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = current_academic_year()
    kind = request.GET.get("kind", "")
    measures = visible_to(
        request.user, SupportMeasure.objects.filter(organization_id=request.organization_id, academic_year=year)
    )  # type: ignore[attr-defined]
    totals = {
        row["kind"]: row
        for row in measures.values("kind").annotate(n=Count("pk"), children=Count("child", distinct=True)).order_by()
    }
    amounts = dict(measures.values("kind").annotate(total=Sum("amount")).order_by().values_list("kind", "total"))
    summary = [
        (code, label, totals.get(code, {}).get("n", 0), totals.get(code, {}).get("children", 0), amounts.get(code))
        for code, label in SupportKind.choices
    ]
    rows = []
    if kind in SupportKind.values:
        rows = list(measures.filter(kind=kind).select_related("child").order_by("-given_on", "child__full_name", "pk"))
        records_read(*rows)
    return render(
        request,
        "social/support.html",
        {
            "summary": summary,
            "rows": rows,
            "kind": kind,
            "kind_label": SupportKind(kind).label if kind in SupportKind.values else "",
            "year": year,
            "years": year_choices(),
        },
    )


# --- Counts only: for officers and the organisation's other staff


def _counts_organizations(request: HttpRequest) -> tuple[list[Organization], bool]:
    """The organisations whose counts the user sees, and whether small counts are hidden.
    The social roles see their organisation's exact counts (they see the names anyway); other
    staff of the organisation and the officers see small counts as "fewer than 5"."""
    scope = scope_for(request.user)
    if scope.district_ids or scope.region_ids:
        organizations = Organization.objects.filter(
            Q(district_id__in=scope.district_ids) | Q(district__region_id__in=scope.region_ids)
        ).order_by("name")
        return list(organizations), True
    org_id = current_organization_id(request, scope)
    if org_id is None:
        raise Http404
    return [Organization.objects.get(pk=org_id)], not scope.roles_in(org_id) & SOCIAL_ROLE_CODES


def _counts_table(request: HttpRequest):
    form = CountsForm(request.GET or None)
    day = (form.cleaned_data["on"] if form.is_valid() else None) or timezone.localdate()
    organizations, hidden = _counts_organizations(request)
    counts = category_counts(organization_ids=[o.pk for o in organizations], day=day)
    show = suppress_small if hidden else (lambda n: n)
    table = [
        (o, [show(counts[o.pk]["total"])] + [show(counts[o.pk][code]) for code in exports.category_codes()])
        for o in organizations
    ]
    return form, day, table, hidden


@login_required
def counts(request: HttpRequest) -> HttpResponse:
    form, day, table, hidden = _counts_table(request)
    return render(
        request,
        "social/counts.html",
        {"form": form, "day": day, "table": table, "hidden": hidden, "columns": exports.counts_columns()},
    )


@login_required
def counts_xlsx(request: HttpRequest) -> HttpResponse:
    lang = _export_language(request)
    with translation.override(lang):
        _form, day, table, hidden = _counts_table(request)
        data = exports.counts_xlsx(day=day, table=table, hidden=hidden)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="social-counts-{day:%Y%m%d}-{lang}.xlsx"'
    return response


# --- Joint-plan access (issue 6, item 6): the head's switch, the grants, and what a granted
# psychologist or class teacher reads (read-only, logged like every other read)

HEAD_ROLE_CODES = frozenset({"head", "director"})


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    """The head turns joint-plan access on or off for the organisation (off unless turned on)."""
    scope = scope_for(request.user)
    org_id = current_organization_id(request, scope)
    if org_id is None or not scope.roles_in(org_id) & HEAD_ROLE_CODES:
        raise Http404
    current = SocialSettings.objects.filter(organization_id=org_id).first()
    form = SocialSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"joint_plan_access": bool(current and current.joint_plan_access)},
    )
    if request.method == "POST" and form.is_valid():
        services.social_settings_save(
            organization=Organization.objects.get(pk=org_id), joint_plan_access=form.cleaned_data["joint_plan_access"]
        )
        messages.success(request, _("The settings are saved."))
        return redirect("social:settings")
    return render(request, "social/settings.html", {"form": form})


@social_required
def grants(request: HttpRequest) -> HttpResponse:
    """Who reads which children's social records through a joint plan; give a new one."""
    org_id = request.organization_id  # type: ignore[attr-defined]
    form = JointAccessForm(request.POST or None, organization_id=org_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.joint_access_grant(organization=_organization(request), by=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The access is given."))
            return redirect("social:grants")
    rows = list(
        visible_to(request.user, JointAccess.objects.filter(organization_id=org_id))
        .select_related("plan", "member__user", "school_class")
        .annotate(named=Count("children"))
        .order_by("-academic_year", "pk")
    )
    switch = SocialSettings.objects.filter(organization_id=org_id, joint_plan_access=True).exists()
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "social/grants.html",
        {
            "form": form,
            "rows": rows,
            "switch": switch,
            "year": current_academic_year(),
            "is_head": bool(request.scope.roles_in(org_id) & HEAD_ROLE_CODES),  # type: ignore[attr-defined]
        },
        status=status,
    )


@require_POST
@social_required
def grant_end(request: HttpRequest, pk: int) -> HttpResponse:
    rows = visible_to(request.user, JointAccess.objects.filter(organization_id=request.organization_id))  # type: ignore[attr-defined]
    grant = get_object_or_404(rows, pk=pk)
    run_and_report(request, lambda: services.joint_access_end(grant=grant), _("The access is withdrawn."))
    return redirect("social:grants")


def _joint_children(request: HttpRequest) -> frozenset[int]:
    """The children whose records the user reads through a joint plan; 404 unless a joint plan
    gives them some this academic year with the organisation's switch on (Scope reads that with
    the roles)."""
    scope = scope_for(request.user)
    org_id = current_organization_id(request, scope)
    if org_id is None or org_id not in scope.joint_social_org_ids:
        raise Http404
    ids = joint_child_ids(scope=scope, organization_id=org_id, today=timezone.localdate())
    request.organization_id = org_id  # type: ignore[attr-defined]
    return ids


def _shared_list(request: HttpRequest, today: dt.date) -> tuple[list[Child], list[CategoryRecord]]:
    """The children a joint plan gives this user, by name, and their categories held `today`:
    what the page and the XLSX of the list show (and log as read)."""
    ids = _joint_children(request)
    found = list(Child.objects.filter(pk__in=ids).order_by("full_name", "pk"))
    records = list(
        CategoryRecord.objects.filter(child_id__in=ids, organization_id=request.organization_id)
        .holding_on(today)
        .select_related("child")
    )  # type: ignore[attr-defined]
    return found, records


@login_required
def shared(request: HttpRequest) -> HttpResponse:
    """The children a joint plan gives this psychologist or class teacher, with their current
    categories."""
    found, records = _shared_list(request, timezone.localdate())
    categories = _category_names(records)
    records_read(*found, *records)
    return render(request, "social/shared.html", {"rows": [(c, categories.get(c.pk, [])) for c in found]})


@login_required
def shared_child(request: HttpRequest, pk: int) -> HttpResponse:
    """One given child's social record, read-only."""
    ids = _joint_children(request)
    if pk not in ids:
        raise Http404
    child = get_object_or_404(Child.objects.filter(organization_id=request.organization_id).select_related("parent"), pk=pk)  # type: ignore[attr-defined]
    org_filter = {"child": child, "organization_id": request.organization_id}  # type: ignore[attr-defined]
    records = list(CategoryRecord.objects.filter(**org_filter).order_by("-starts_on", "pk"))
    acts = list(HousingAct.objects.filter(**org_filter))
    support = list(SupportMeasure.objects.filter(**org_filter))
    records_read(child, *records, *acts, *support)
    return render(request, "social/shared_child.html", {"child": child, "records": records, "acts": acts, "support": support})


@login_required
def shared_xlsx(request: HttpRequest) -> HttpResponse:
    """The named list of the given children and their categories today (for them only)."""
    today = timezone.localdate()
    found, records = _shared_list(request, today)
    lang = _export_language(request)
    with translation.override(lang):
        data = exports.shared_xlsx(children=found, records=records, day=today)
    records_read(*found, *records)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="social-children-{today:%Y%m%d}-{lang}.xlsx"'
    return response
