"""The documentation set of a consultation point (seed 001 §7.1), as one list.

The regulation of the point, the order opening it, the perspective plan, the journal of
parents' pre-registration, the work schedule and the contracts with parents: for each, whether
it exists for the academic year, a short note, and where to open or print it. The regulation and
the opening order are files the organisation keeps (orgs.PointDocument, uploaded here); the rest
are Qamqor's own records, so "exists" means the records are there.

Reads are a fixed number of queries whatever the number of rows (counts, not lists).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from qamqor.core.academic_year import academic_year_bounds
from qamqor.families.contracts import scan_extension
from qamqor.families.models import Contract
from qamqor.journal.models import Request
from qamqor.orgs.models import ConsultationPoint, PointDocument
from qamqor.plans.models import Plan
from qamqor.plans.selectors import plans_of
from qamqor.scheduling.models import WorkingHours

DOCUMENT_MAX_MB = 20
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTENT_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".png": "image/png", ".docx": DOCX_CONTENT_TYPE}


@dataclass
class Link:
    label: str
    url: str


@dataclass
class Entry:
    key: str
    title: object
    exists: bool
    note: str = ""
    links: list[Link] = field(default_factory=list)
    documents: list[PointDocument] = field(default_factory=list)


TITLES = {
    "regulation": gettext_lazy("Regulation of the consultation point"),
    "opening_order": gettext_lazy("Order opening the consultation point"),
    "perspective_plan": gettext_lazy("Perspective plan of the consultation point"),
    "journal": gettext_lazy("Journal of parents' pre-registration for a consultation"),
    "schedule": gettext_lazy("Work schedule of the consultation point"),
    "contracts": gettext_lazy("Contracts between parents and the head"),
}


def _document_note(document: PointDocument) -> str:
    from django.utils import formats

    parts = []
    if document.number:
        parts.append(f"№ {document.number}")
    if document.date:
        parts.append(formats.date_format(document.date, "SHORT_DATE_FORMAT"))
    if document.title:
        parts.append(document.title)
    return " · ".join(parts)


def documentation_set(*, point: ConsultationPoint, academic_year: int) -> list[Entry]:
    organization_id = point.organization_id
    documents = list(PointDocument.objects.filter(point=point))  # newest first within a kind (Meta.ordering)
    entries: list[Entry] = []
    for kind in (PointDocument.Kind.REGULATION, PointDocument.Kind.OPENING_ORDER):
        mine = [d for d in documents if d.kind == kind]
        entry = Entry(key=kind, title=TITLES[kind], exists=bool(mine), documents=mine)
        if mine:
            entry.note = _document_note(mine[0])
            entry.links.append(Link(pgettext("action", "Open"), reverse("plans:documentation_file", args=[mine[0].pk])))
        entries.append(entry)

    plan = plans_of(organization_id=organization_id, academic_year=academic_year).filter(kind=Plan.Kind.PERSPECTIVE).first()
    entry = Entry(key="perspective_plan", title=TITLES["perspective_plan"], exists=plan is not None)
    if plan is not None:
        entry.note = str(plan)
        entry.links += [
            Link(pgettext("action", "Open"), reverse("plans:plan", args=[plan.pk])),
            Link(_("Print"), reverse("plans:print", args=[plan.pk])),
        ]
    else:
        entry.links.append(Link(_("Plans"), reverse("plans:list")))
    entries.append(entry)

    start, end = academic_year_bounds(academic_year)
    requests = Request.objects.filter(organization_id=organization_id, academic_year=academic_year).count()
    period = f"?date_from={start.isoformat()}&date_to={end.isoformat()}"
    entries.append(
        Entry(
            key="journal",
            title=TITLES["journal"],
            exists=bool(requests),
            note=ngettext("%(count)d request in the academic year", "%(count)d requests in the academic year", requests)
            % {"count": requests},
            links=[
                Link(_("Print"), reverse("journal:print") + period),
                Link("PDF", reverse("journal:export_pdf") + period),
            ],
        )
    )

    hours = WorkingHours.objects.filter(
        membership__organization_id=organization_id, membership__is_active=True, kind=WorkingHours.Kind.CONSULTATION
    ).aggregate(blocks=Count("pk"), people=Count("membership", distinct=True))
    entries.append(
        Entry(
            key="schedule",
            title=TITLES["schedule"],
            exists=bool(hours["blocks"]),
            note=ngettext(
                "%(count)d specialist with consultation hours", "%(count)d specialists with consultation hours", hours["people"]
            )
            % {"count": hours["people"]},
            links=[Link(_("Print"), reverse("scheduling:work_schedule_print"))],
        )
    )

    counts = Contract.objects.filter(organization_id=organization_id).aggregate(
        total=Count("pk"),
        signed=Count("pk", filter=Q(status=Contract.Status.SIGNED)),
        drafted=Count("pk", filter=Q(status=Contract.Status.DRAFTED)),
    )
    entries.append(
        Entry(
            key="contracts",
            title=TITLES["contracts"],
            exists=bool(counts["total"]),
            note=_("%(signed)d in force, %(drafted)d awaiting signature, %(total)d in all") % counts,
            links=[Link(pgettext("action", "Open"), reverse("families:contract_list"))],
        )
    )
    return entries


# --- The point's own documents (the regulation, the opening order, others)


def document_extension(data: bytes) -> str:
    """A kept document is a PDF, a scan (JPEG, PNG) or a Word document (DOCX), by its content."""
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" in archive.namelist():
                return ".docx"
    try:
        return scan_extension(data)
    except ValidationError:
        raise ValidationError(
            {
                "file": ValidationError(
                    _("The document must be a PDF, DOCX, JPEG or PNG file; this file is none of them."), code="format"
                )
            }
        ) from None


@transaction.atomic
def point_document_add(
    *, point: ConsultationPoint, kind: str, upload: UploadedFile, number: str = "", date=None, title: str = ""
) -> PointDocument:
    if upload.size is None or upload.size > DOCUMENT_MAX_MB * 1024 * 1024:
        raise ValidationError({"file": _("The file is too large: at most %(limit)d MB.") % {"limit": DOCUMENT_MAX_MB}})
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    upload.seek(0)
    data = upload.read()
    extension = document_extension(data)
    document = PointDocument(point=point, kind=kind, number=number.strip(), date=date, title=title.strip())
    document.file.save(f"document{extension}", ContentFile(data), save=False)
    document.full_clean()
    document.save()
    return document


@transaction.atomic
def point_document_delete(*, document: PointDocument) -> None:
    name, storage = document.file.name, document.file.storage
    document.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
