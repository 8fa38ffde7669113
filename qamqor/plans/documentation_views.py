"""The documentation set page of the current organisation's consultation point (seed 001 §7.1):
the staff read it, managers add and remove the point's own documents (regulation, opening
order, others); another organisation's documents answer 404."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qamqor.core.academic_year import academic_year_label, current_academic_year
from qamqor.core.access import manager_required, staff_required
from qamqor.core.actions import run_and_report
from qamqor.core.forms import BootstrapMixin, DateInput, add_service_errors
from qamqor.orgs.models import ConsultationPoint, PointDocument
from qamqor.plans import documentation


class PointDocumentForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Document"), choices=PointDocument.Kind.choices)
    number = forms.CharField(label=gettext_lazy("Number"), max_length=50, required=False)
    date = forms.DateField(label=gettext_lazy("Date"), required=False, widget=DateInput())
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300, required=False)
    file = forms.FileField(label=gettext_lazy("File (PDF, DOCX, JPEG or PNG)"))


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100)


def _point(request: HttpRequest) -> ConsultationPoint | None:
    return ConsultationPoint.objects.filter(organization_id=request.organization_id).first()  # type: ignore[attr-defined]


def get_document_for(request: HttpRequest, pk: int) -> PointDocument:
    """A document of the current organisation's point: staff of another one get 404."""
    return get_object_or_404(PointDocument.objects.filter(point__organization_id=request.organization_id), pk=pk)  # type: ignore[attr-defined]


@staff_required
def documentation_page(request: HttpRequest) -> HttpResponse:
    year_form = YearForm(request.GET)
    year = year_form.cleaned_data["year"] if year_form.is_valid() else current_academic_year()
    point = _point(request)
    is_manager = request.scope.manages(request.organization_id)  # type: ignore[attr-defined]
    form = PointDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not is_manager or point is None:
            raise Http404
        if form.is_valid():
            d = form.cleaned_data
            try:
                documentation.point_document_add(
                    point=point, kind=d["kind"], upload=d["file"], number=d["number"], date=d["date"], title=d["title"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The document is saved."))
                return redirect("plans:documentation")
    entries = documentation.documentation_set(point=point, academic_year=year) if point else []
    others = [d for d in point.documents.all() if d.kind == PointDocument.Kind.OTHER] if point else []
    return render(
        request,
        "plans/documentation.html",
        {
            "point": point,
            "entries": entries,
            "others": others,
            "year": year,
            "year_label": academic_year_label(year),
            "years": [year - 1, year, year + 1],
            "form": form,
            "can_edit": is_manager,
        },
        status=400 if form.errors else 200,
    )


@staff_required
def documentation_file(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_document_for(request, pk)
    extension = "." + document.file.name.rsplit(".", 1)[-1].lower()
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle,
        content_type=documentation.CONTENT_TYPES.get(extension, "application/octet-stream"),
        as_attachment=extension == ".docx",
        filename=f"{document.kind}{extension}",
    )


@manager_required
@require_POST
def documentation_file_delete(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_document_for(request, pk)
    run_and_report(request, lambda: documentation.point_document_delete(document=document), _("The document is deleted."))
    return redirect("plans:documentation")
