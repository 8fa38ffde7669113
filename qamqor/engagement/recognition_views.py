"""The recognition pages (seed 003): the year's candidates ranked by recorded participation,
awards given and revoked by the managers, thank-you letters as PDF, the Honor Book of model
families with the families' consents, and the photo of a published entry."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qamqor.core.academic_year import academic_year_label, current_academic_year
from qamqor.core.access import manager_required
from qamqor.core.actions import run_and_report
from qamqor.core.forms import add_service_errors
from qamqor.core.scoping import scope_for, visible_to
from qamqor.engagement import recognition
from qamqor.engagement.letters import LETTER_LANGUAGES, award_letter_pdf
from qamqor.engagement.models import Award, HonorBookEntry
from qamqor.engagement.recognition_forms import AwardForm, HonorConsentForm, HonorEntryForm, YearForm
from qamqor.engagement.selectors import award_candidates
from qamqor.orgs.models import Organization


def _organization(request: HttpRequest) -> Organization:
    return Organization.objects.get(pk=request.organization_id)  # type: ignore[attr-defined]


def _year(request: HttpRequest) -> int:
    form = YearForm(request.GET)
    return form.cleaned_data["year"] if form.is_valid() else current_academic_year()


def get_award_for(request: HttpRequest, pk: int) -> Award:
    awards = visible_to(request.user, Award.objects.filter(organization_id=request.organization_id))  # type: ignore[attr-defined]
    return get_object_or_404(awards.select_related("organization"), pk=pk)


def get_entry_for(request: HttpRequest, pk: int) -> HonorBookEntry:
    entries = visible_to(request.user, HonorBookEntry.objects.filter(organization_id=request.organization_id))  # type: ignore[attr-defined]
    return get_object_or_404(entries.with_consent_flag().select_related("parent"), pk=pk)


# --- Candidates and awards


@manager_required
def recognition_page(request: HttpRequest) -> HttpResponse:
    """Qamqor proposes, people decide: the year's parents by participation, and its awards."""
    year = _year(request)
    candidates = award_candidates(organization_id=request.organization_id, academic_year=year)  # type: ignore[attr-defined]
    awards = (
        visible_to(request.user, Award.objects.filter(organization_id=request.organization_id, academic_year=year))  # type: ignore[attr-defined]
        .select_related("decided_by", "revoked_by")
        .order_by("revoked_at", "kind", "recipient_name", "pk")
    )
    return render(
        request,
        "engagement/staff/recognition.html",
        {
            "year": year,
            "year_label": academic_year_label(year),
            "year_form": YearForm(initial={"year": year}),
            "candidates": candidates,
            "awards": awards,
            "languages": LETTER_LANGUAGES,
        },
    )


@manager_required
def award_new(request: HttpRequest) -> HttpResponse:
    """The form behind a candidate's «Award» button (parent and year filled in), or empty for a
    group's award."""
    initial = {"academic_year": _year(request), "parent": request.GET.get("parent"), "kind": request.GET.get("kind")}
    form = AwardForm(request.POST or None, initial=initial, organization_id=request.organization_id)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            award = recognition.award_give(
                organization=_organization(request),
                academic_year=data["academic_year"],
                kind=data["kind"],
                parent=data["parent"],
                group_name=data["group_name"],
                reason=data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The award is given: %(award)s.") % {"award": award})
            return redirect(reverse("engagement:recognition") + f"?year={award.academic_year}")
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "engagement/staff/award_form.html", {"form": form}, status=status)


@require_POST
@manager_required
def award_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    award = get_award_for(request, pk)
    run_and_report(request, lambda: recognition.award_revoke(award=award, by=request.user), _("The award is revoked."))
    return redirect(reverse("engagement:recognition") + f"?year={award.academic_year}")


@manager_required
def award_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The thank-you letter for an award in force, in the language asked for (?lang=kk|ru)."""
    award = get_award_for(request, pk)
    if award.revoked_at is not None:
        raise Http404  # a revoked award has no letter to print
    language = request.GET.get("lang", "kk")
    if language not in LETTER_LANGUAGES:
        language = "kk"
    pdf = award_letter_pdf(award, language=language, day=timezone.localdate())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="thank-you-letter-{award.pk}-{language}.pdf"'
    add_never_cache_headers(response)
    return response


# --- The Honor Book


@manager_required
def honor_book(request: HttpRequest) -> HttpResponse:
    entries = (
        visible_to(request.user, HonorBookEntry.objects.filter(organization_id=request.organization_id))  # type: ignore[attr-defined]
        .with_consent_flag()
        .order_by("-academic_year", "family_name", "pk")
    )
    return render(request, "engagement/staff/honor_book.html", {"entries": entries})


@manager_required
def honor_entry_new(request: HttpRequest) -> HttpResponse:
    form = HonorEntryForm(
        request.POST or None,
        request.FILES or None,
        initial={"academic_year": current_academic_year(), "parent": request.GET.get("parent")},
        organization_id=request.organization_id,  # type: ignore[attr-defined]
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = recognition.honor_entry_create(organization=_organization(request), by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The entry is saved. Record the family's consent to publish it."))
            return redirect("engagement:honor_entry", pk=entry.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "engagement/staff/honor_entry_form.html", {"form": form}, status=status)


@manager_required
def honor_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """An entry, its consents, and the form that records the family's consent (publishing it)."""
    entry = get_entry_for(request, pk)
    form = HonorConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recognition.honor_consent_give(entry=entry, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The family's consent is recorded: the entry is on the public page."))
            return redirect("engagement:honor_entry", pk=entry.pk)
    consents = entry.consents.select_related("recorded_by")
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request, "engagement/staff/honor_entry.html", {"entry": entry, "form": form, "consents": consents}, status=status
    )


@require_POST
@manager_required
def honor_consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_entry_for(request, pk)
    run_and_report(
        request,
        lambda: recognition.honor_consent_withdraw(entry=entry),
        _("The consent is withdrawn: the entry is no longer on the public page."),
    )
    return redirect("engagement:honor_entry", pk=entry.pk)


@require_POST
@manager_required
def honor_entry_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_entry_for(request, pk)
    recognition.honor_entry_delete(entry=entry)
    messages.success(request, _("The entry and its photo are deleted."))
    return redirect("engagement:honor_book")


def honor_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """An entry's photo: to anyone while the family's consent is in force, otherwise only to the
    organisation's managers. Served through this view so that a withdrawn consent hides the
    photo at once (a plain media address would stay reachable)."""
    entry = HonorBookEntry.objects.published().filter(pk=pk).first()
    if entry is None and request.user.is_authenticated:
        entry = HonorBookEntry.objects.scoped(scope_for(request.user)).filter(pk=pk).first()
    if entry is None or not entry.photo:
        raise Http404
    try:
        handle = entry.photo.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = "image/png" if entry.photo.name.lower().endswith(".png") else "image/jpeg"
    response = FileResponse(handle, content_type=content_type)
    # Never kept by a cache: a withdrawal must take the photo off at once.
    add_never_cache_headers(response)
    return response
