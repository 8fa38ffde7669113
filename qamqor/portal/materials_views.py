"""Materials for parents: browsing and reading them on the public site, and the back-office
pages where the organisation's staff write and publish them (seed 000, seed 001's closing note).

Kept apart from views.py (the booking pages) so each file stays about one thing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qamqor.core.access import roles_required
from qamqor.core.forms import add_service_errors
from qamqor.core.scoping import visible_to
from qamqor.journal.models import Topic
from qamqor.orgs.models import Organization
from qamqor.portal import selectors, services
from qamqor.portal.forms import MaterialFilterForm, MaterialForm
from qamqor.portal.models import MATERIAL_AUTHOR_ROLES, Material

MATERIALS_PER_PAGE = 20
STAFF_MATERIALS_PER_PAGE = 50


# --- The public site ---


def material_list(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Published materials of one point (/points/<pk>/materials/) or of every open point
    (/materials/), filtered by topic, child's age, kind, language and words."""
    point = selectors.open_point(pk) if pk is not None else None
    form = MaterialFilterForm(request.GET or None, topics=list(Topic.objects.filter(is_active=True)))
    materials = selectors.public_materials(organization_id=point.organization_id if point else None, **form.filters())
    if form.is_bound and not form.is_valid():
        materials = materials.none()
    page = Paginator(materials, MATERIALS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "portal/materials.html", {"point": point, "form": form, "page": page, "query": query.urlencode()})


def material_detail(request: HttpRequest, pk: int) -> HttpResponse:
    material = selectors.public_material(pk)
    return render(
        request, "portal/material_detail.html", {"material": material, "point": material.organization.consultation_point}
    )


def material_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The material's PDF (as a download) or video (to play on the page), served through this
    view so that a draft's file is reachable only by the staff who may see the draft."""
    material = Material.objects.public().filter(pk=pk).first()
    if material is None and request.user.is_authenticated:
        material = visible_to(request.user, Material.objects.filter(pk=pk)).first()
    if material is None or not material.file or not material.file_type:
        raise Http404
    try:
        handle = material.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    extension = material.file.name.rsplit(".", 1)[-1].lower()
    filename = f"{slugify(material.title, allow_unicode=True)[:80] or 'material'}.{extension}"
    response = FileResponse(handle, content_type=material.file_type, as_attachment=material.has_pdf, filename=filename)
    if not material.is_published:
        add_never_cache_headers(response)
    return response


# --- The back office ---


def get_material_for(user, pk: int) -> Material:
    """The material if this user writes materials in its organisation; 404 otherwise."""
    return get_object_or_404(visible_to(user, Material.objects.select_related("organization")), pk=pk)


@roles_required(MATERIAL_AUTHOR_ROLES)
def staff_material_list(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "")
    q = request.GET.get("q", "")[:100]
    materials = visible_to(request.user, Material.objects.filter(organization_id=request.organization_id))
    if show == "draft":
        materials = materials.filter(is_published=False)
    elif show == "published":
        materials = materials.filter(is_published=True)
    materials = materials.search(q).select_related("created_by").prefetch_related("topics").order_by("-updated_at", "-pk")
    page = Paginator(materials, STAFF_MATERIALS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "portal/staff/material_list.html", {"page": page, "show": show, "q": q})


@roles_required(MATERIAL_AUTHOR_ROLES)
def staff_material_new(request: HttpRequest) -> HttpResponse:
    form = MaterialForm(request.POST or None, request.FILES or None, initial={"language": "kk"})
    if request.method == "POST" and form.is_valid():
        try:
            material = services.material_create(
                organization=Organization.objects.get(pk=request.organization_id), by=request.user, **form.service_kwargs()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The material is saved as a draft. Publish it when it is ready."))
            return redirect("portal:staff_material", pk=material.pk)
    return render(request, "portal/staff/material_form.html", {"form": form, "material": None}, status=_status(form))


@roles_required(MATERIAL_AUTHOR_ROLES)
def staff_material_edit(request: HttpRequest, pk: int) -> HttpResponse:
    material = get_material_for(request.user, pk)
    form = MaterialForm(
        request.POST or None, request.FILES or None, initial=MaterialForm.initial_for(material), has_file=bool(material.file)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.material_update(material=material, by=request.user, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The material is saved."))
            return redirect("portal:staff_material", pk=material.pk)
    return render(request, "portal/staff/material_form.html", {"form": form, "material": material}, status=_status(form))


def _status(form) -> int:
    # A refused form answers 400, so a test (or a script) cannot take it for a success.
    return 400 if form.is_bound and form.errors else 200


@require_POST
@roles_required(MATERIAL_AUTHOR_ROLES)
def staff_material_publish(request: HttpRequest, pk: int) -> HttpResponse:
    material = get_material_for(request.user, pk)
    publish = request.POST.get("action") == "publish"
    try:
        if publish:
            services.material_publish(material=material, by=request.user)
        else:
            services.material_unpublish(material=material, by=request.user)
    except ValidationError as exc:
        messages.error(request, _("The material cannot be published yet: %(reasons)s") % {"reasons": " ".join(exc.messages)})
    else:
        messages.success(
            request, _("The material is published: parents see it.") if publish else _("The material is a draft again.")
        )
    return redirect("portal:staff_material", pk=material.pk)
