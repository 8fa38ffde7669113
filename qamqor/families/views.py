from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from qamqor.audit.access import records_read
from qamqor.core.access import manager_required
from qamqor.core.forms import add_service_errors
from qamqor.core.scoping import visible_to
from qamqor.families.forms import ChildForm, ParentForm
from qamqor.families.models import Parent
from qamqor.families.services import child_create, parent_create
from qamqor.orgs.models import Organization


def get_parent_for(user, pk: int) -> Parent:
    return get_object_or_404(visible_to(user, Parent.objects.all()), pk=pk)


@manager_required
def parent_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:100]
    # Parents who withdrew their consent are no longer looked up (their journal rows stay).
    parents = (
        visible_to(request.user, Parent.objects.filter(organization_id=request.organization_id).consenting())
        .search(q)
        .prefetch_related("children")
    )
    page = Paginator(parents, 50).get_page(request.GET.get("page"))
    return render(request, "families/parent_list.html", {"page": page, "q": q})


@manager_required
def parent_detail(request: HttpRequest, pk: int) -> HttpResponse:
    parent = get_parent_for(request.user, pk)
    children = list(parent.children.all())
    # The parent's card shows the children's too: each read goes to the access log (qamqor/audit).
    records_read(parent, *children)
    return render(
        request,
        "families/parent_detail.html",
        {
            "parent": parent,
            "children": children,
            "consents": parent.consents.select_related("recorded_by"),
            "requests": visible_to(request.user, parent.requests.all()).select_related("topic")[:50],
        },
    )


@manager_required
def parent_new(request: HttpRequest) -> HttpResponse:
    form = ParentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            parent = parent_create(
                organization=Organization.objects.get(pk=request.organization_id), recorded_by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The parent is saved."))
            return redirect("families:parent_detail", pk=parent.pk)
    return render(request, "families/form.html", {"form": form, "title": _("New parent")})


@manager_required
def child_new(request: HttpRequest, pk: int) -> HttpResponse:
    parent = get_parent_for(request.user, pk)
    form = ChildForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            child_create(
                parent=parent,
                full_name=d["full_name"],
                birth_date=d["birth_date"],
                sex=d["sex"],
                iin=d["iin"],
                consent_method=d["consent_method"],
                recorded_by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The child is saved."))
            return redirect("families:parent_detail", pk=parent.pk)
    return render(request, "families/form.html", {"form": form, "title": _("New child of %(name)s") % {"name": parent.full_name}})
