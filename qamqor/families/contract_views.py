"""The contract pages: the organisation's list, a contract with its files and status, drafting
from the parent's card, and the organisation's own templates. Managers write; the other staff
of the organisation read (the documentation set of the point); others get 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qamqor.audit.access import records_read
from qamqor.core.access import manager_required, staff_required
from qamqor.core.actions import run_and_report
from qamqor.core.forms import add_service_errors
from qamqor.core.scoping import visible_to
from qamqor.families import contracts
from qamqor.families.contract_forms import (
    ContractDraftForm,
    ContractEndForm,
    ContractFilterForm,
    ContractSignForm,
    ContractTemplateForm,
)
from qamqor.families.models import Contract, ContractTemplate
from qamqor.families.views import get_parent_for
from qamqor.orgs.models import Organization


def get_contract_for(request: HttpRequest, pk: int) -> Contract:
    """A contract of the current organisation the user may see; 404 otherwise."""
    mine = visible_to(request.user, Contract.objects.filter(organization_id=request.organization_id))  # type: ignore[attr-defined]
    return get_object_or_404(mine.select_related("parent", "child", "drafted_by"), pk=pk)


@staff_required
def contract_list(request: HttpRequest) -> HttpResponse:
    form = ContractFilterForm(request.GET)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    rows = visible_to(request.user, Contract.objects.filter(organization_id=request.organization_id))  # type: ignore[attr-defined]
    if status:
        rows = rows.filter(status=status)
    page = Paginator(rows.select_related("parent", "child"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "families/contract_list.html",
        {"page": page, "form": form, "query": f"status={status}" if status else ""},
    )


@staff_required
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contract = get_contract_for(request, pk)
    records_read(contract.parent, contract.child)  # the family's names are shown: the access log
    return render(
        request,
        "families/contract_detail.html",
        {
            "contract": contract,
            "sign_form": ContractSignForm(),
            "end_form": ContractEndForm(),
            "can_edit": request.scope.manages(request.organization_id),  # type: ignore[attr-defined]
        },
    )


def _file_response(field_file, *, content_type: str, filename: str) -> FileResponse:
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, content_type=content_type, as_attachment=True, filename=filename)


@staff_required
def contract_document(request: HttpRequest, pk: int) -> HttpResponse:
    contract = get_contract_for(request, pk)
    return _file_response(
        contract.document,
        content_type=contracts.DOCX_CONTENT_TYPE,
        filename=f"contract-{contract.number}-{contract.language}.docx",
    )


@staff_required
def contract_scan(request: HttpRequest, pk: int) -> HttpResponse:
    contract = get_contract_for(request, pk)
    extension = "." + contract.scan.name.rsplit(".", 1)[-1].lower() if contract.scan else ""
    return _file_response(
        contract.scan,
        content_type=contracts.SCAN_CONTENT_TYPES.get(extension, "application/octet-stream"),
        filename=f"contract-{contract.number}-signed{extension}",
    )


@manager_required
def contract_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Draft a contract for one of the parent's children (from the parent's card)."""
    parent = get_parent_for(request.user, pk)
    form = ContractDraftForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        try:
            contract = contracts.contract_draft(
                parent=parent, child=form.cleaned_data["child"], language=form.cleaned_data["language"], by=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Contract № %(number)s is drafted.") % {"number": contract.number})
            return redirect("families:contract_detail", pk=contract.pk)
    return render(
        request,
        "families/contract_form.html",
        {"form": form, "parent": parent, "title": _("New contract with %(name)s") % {"name": parent.full_name}},
    )


@manager_required
@require_POST
def contract_sign(request: HttpRequest, pk: int) -> HttpResponse:
    contract = get_contract_for(request, pk)
    form = ContractSignForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            contracts.contract_sign(
                contract=contract, scan=form.cleaned_data["scan"], signed_on=form.cleaned_data["signed_on"], by=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The contract is signed; its scan is kept."))
            return redirect("families:contract_detail", pk=contract.pk)
    records_read(contract.parent, contract.child)
    return render(
        request,
        "families/contract_detail.html",
        {"contract": contract, "sign_form": form, "end_form": ContractEndForm(), "can_edit": True},
        status=400,
    )


@manager_required
@require_POST
def contract_end(request: HttpRequest, pk: int) -> HttpResponse:
    contract = get_contract_for(request, pk)
    form = ContractEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        run_and_report(
            request,
            lambda: contracts.contract_end(contract=contract, ended_on=form.cleaned_data["ended_on"], by=request.user),
            _("The contract is ended."),
        )
    return redirect("families:contract_detail", pk=contract.pk)


@manager_required
def contract_templates(request: HttpRequest) -> HttpResponse:
    """The organisation's own templates (kk, ru), the fields they may use, and the upload."""
    organization = Organization.objects.get(pk=request.organization_id)  # type: ignore[attr-defined]
    form = ContractTemplateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            contracts.contract_template_upload(
                organization=organization,
                language=form.cleaned_data["language"],
                upload=form.cleaned_data["file"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The template is checked and saved: new contracts are made from it."))
            return redirect("families:contract_templates")
    own = {t.language: t for t in ContractTemplate.objects.filter(organization=organization).select_related("uploaded_by")}
    rows = [(code, name, own.get(code)) for code, name in Contract._meta.get_field("language").choices]
    return render(
        request,
        "families/contract_templates.html",
        {"form": form, "rows": rows, "fields": contracts.FIELDS.items()},
        status=400 if form.errors else 200,
    )


@manager_required
@require_POST
def contract_template_remove(request: HttpRequest, language: str) -> HttpResponse:
    organization = Organization.objects.get(pk=request.organization_id)  # type: ignore[attr-defined]
    run_and_report(
        request,
        lambda: contracts.contract_template_remove(organization=organization, language=language),
        _("The organisation's template is removed: new contracts are made from Qamqor's default template."),
    )
    return redirect("families:contract_templates")


@manager_required
def contract_template_file(request: HttpRequest, language: str) -> HttpResponse:
    """The template in use for `language` (the organisation's own, or the default), to edit in Word."""
    if language not in contracts.LANGUAGES:
        raise Http404
    data, own = contracts.template_bytes(request.organization_id, language)  # type: ignore[attr-defined]
    response = HttpResponse(data, content_type=contracts.DOCX_CONTENT_TYPE)
    kind = "own" if own else "default"
    response["Content-Disposition"] = f'attachment; filename="contract-template-{kind}-{language}.docx"'
    return response
