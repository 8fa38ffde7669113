"""Contracts with parents (seed 000, appendix 1; seed 001 §7): every write, and the DOCX.

A contract is drafted for a parent and their child from a DOCX template (docxtpl) in Kazakh or
Russian: the organisation's own, or Qamqor's default (families/contract_templates/, made by
make.py there). Numbers are consecutive per organisation, without gaps or duplicates: drafting
locks the organisation's ContractCounter row, as intake locks the journal's. The consent to data
processing is its own section: every template must place `{{ consent_text }}`, and a contract
is refused while the parent's consent (for themselves and for the child) is not in force.

An organisation's template is rendered against a test context before it is kept: a template
that does not render, or names a field Qamqor does not fill, is refused with the field named.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qamqor.families.models import Child, Consent, Contract, ContractCounter, ContractTemplate, Parent
from qamqor.orgs.models import Membership, Organization
from qamqor.orgs.roles import Role

LANGUAGES = ("kk", "ru")
DEFAULT_TEMPLATES_DIR = Path(__file__).parent / "contract_templates"
MEGABYTE = 1024 * 1024
SCAN_MAX_MB = 20
TEMPLATE_MAX_MB = 5
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The fields a template may use, with what each holds (shown on the templates page).
FIELDS: dict[str, object] = {
    "contract_number": gettext_lazy("the contract's number"),
    "contract_date": gettext_lazy("the date the contract was drafted"),
    "organization_name": gettext_lazy("the organisation's name"),
    "organization_address": gettext_lazy("the organisation's address"),
    "organization_bin": gettext_lazy("the organisation's BIN"),
    "organization_phone": gettext_lazy("the organisation's phone"),
    "head_name": gettext_lazy("the head's (director's) name"),
    "parent_name": gettext_lazy("the parent's full name"),
    "parent_phone": gettext_lazy("the parent's phone"),
    "parent_email": gettext_lazy("the parent's email"),
    "child_name": gettext_lazy("the child's full name"),
    "child_birth_date": gettext_lazy("the child's birth date"),
    "consent_text": gettext_lazy("the consent to data processing (required)"),
}
REQUIRED_FIELDS = ("consent_text",)

# The consent section's text, in the contract's language (Law of the Republic of Kazakhstan of
# 21 May 2013 № 94-V «On personal data and their protection»). Fixed texts, not gettext: a
# contract in Russian says the same whatever the staff member's interface language.
CONSENT_TEXTS = {
    "kk": (
        "Мен, {parent_name}, «Дербес деректер және оларды қорғау туралы» Қазақстан Республикасының "
        "2013 жылғы 21 мамырдағы № 94-V Заңына сәйкес {organization_name} ұйымына өзімнің және балам "
        "{child_name} дербес деректерін (тегі, аты, әкесінің аты, туған күні, байланыс телефоны, "
        "электрондық поштасы, өтініштер мен консультациялардың мазмұны) консультациялық пункттің "
        "қызметін көрсету мақсатында жинауға, өңдеуге және сақтауға келісім беремін. Деректер менің "
        "келісімімсіз үшінші тұлғаларға берілмейді. Осы келісімді жазбаша өтініш беру арқылы кері "
        "қайтарып алуға құқылымын."
    ),
    "ru": (
        "Я, {parent_name}, в соответствии с Законом Республики Казахстан от 21 мая 2013 года № 94-V "
        "«О персональных данных и их защите» даю согласие организации {organization_name} на сбор, "
        "обработку и хранение моих персональных данных и персональных данных моего ребёнка "
        "{child_name} (фамилия, имя, отчество, дата рождения, контактный телефон, электронная почта, "
        "содержание обращений и консультаций) в целях оказания услуг консультационного пункта. "
        "Данные не передаются третьим лицам без моего согласия. Я вправе отозвать это согласие, "
        "подав письменное заявление."
    ),
}

# A sample of every field, for rendering an uploaded template before it is kept.
TEST_CONTEXT = {
    "contract_number": 1,
    "contract_date": "2026 жылғы 1 қыркүйек",
    "organization_name": "№1 «Балбөбек» бөбекжай-бақшасы",
    "organization_address": "Астана қ., Бейбітшілік к-сі, 1",
    "organization_bin": "123456789012",
    "organization_phone": "+7 717 212 3456",
    "head_name": "Сейітова Гүлнар Маратқызы",
    "parent_name": "Нұрланова Динара Серікқызы",
    "parent_phone": "+7 701 123 4567",
    "parent_email": "dinara@example.com",
    "child_name": "Нұрланов Әли",
    "child_birth_date": "14.03.2024",
    "consent_text": CONSENT_TEXTS["kk"],
}


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


# --- Dates and names as documents write them


def document_date(day: dt.date, language: str) -> str:
    """«2026 жылғы 1 желтоқсан», «1 декабря 2026 г.»."""
    with translation.override(language):
        if language == "kk":
            return f"{day.year} жылғы {dateformat.format(day, 'j E')}"
        return f"{dateformat.format(day, 'j E Y')} г."


def head_name(organization_id: int) -> str:
    """Who signs for the organisation: the head (a kindergarten) or the director (a school)."""
    membership = (
        Membership.objects.active()
        .filter(organization_id=organization_id, role__in=[Role.HEAD, Role.DIRECTOR])
        .select_related("user")
        .order_by("role", "pk")
        .first()
    )
    return membership.person_name if membership else ""


def contract_context(
    *, organization: Organization, parent: Parent, child: Child, number: int, day: dt.date, language: str
) -> dict:
    """The values of every field (FIELDS) for one contract, in the contract's language."""
    with translation.override(language):
        organization_name = getattr(organization, f"name_{language}", None) or organization.name
    from qamqor.core.validators import format_phone

    context = {
        "contract_number": number,
        "contract_date": document_date(day, language),
        "organization_name": organization_name,
        "organization_address": organization.address,
        "organization_bin": organization.bin,
        "organization_phone": format_phone(organization.phone),
        "head_name": head_name(organization.pk),
        "parent_name": parent.full_name,
        "parent_phone": parent.phone_display,
        "parent_email": parent.email,
        "child_name": child.full_name,
        "child_birth_date": child.birth_date.strftime("%d.%m.%Y"),
    }
    context["consent_text"] = CONSENT_TEXTS[language].format(**context)
    return context


# --- Rendering


def _jinja_env():
    from jinja2 import Environment, StrictUndefined

    # Strict: a name the context lacks is an error, never a silently empty place in a contract.
    return Environment(undefined=StrictUndefined, autoescape=True)


def default_template_path(language: str) -> Path:
    return DEFAULT_TEMPLATES_DIR / f"contract_{language}.docx"


def render_docx(template_bytes: bytes, context: dict) -> bytes:
    """The DOCX made from a template and a context (jinja2 errors go through)."""
    from docxtpl import DocxTemplate

    template = DocxTemplate(io.BytesIO(template_bytes))
    # autoescape: a name with "&" or "<" stays text and keeps the document's XML valid.
    template.render(context, jinja_env=_jinja_env(), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def _undefined_name(message: str) -> str:
    """The field a jinja2 UndefinedError is about: "'x' is undefined" or "... has no attribute 'x'"."""
    found = re.findall(r"'([^']+)'", message)
    return found[-1] if found else message


def contract_template_check(data: bytes) -> None:
    """Refuse a template that is not a DOCX, does not render, names a field Qamqor does not
    fill, or leaves out the consent section; the message names what is wrong."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import TemplateError

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise _error("file", _("This file is not a DOCX document. Save the template in Word as .docx."), "not_docx")
    try:
        template = DocxTemplate(io.BytesIO(data))
        used = template.get_undeclared_template_variables(_jinja_env())
    except TemplateSyntaxError as exc:
        raise _error(
            "file",
            _("The template does not render: %(error)s. Check the fields in {{ }} and {%% %%}.") % {"error": exc.message},
            "syntax",
        ) from exc
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise _error("file", _("This file is not a DOCX document. Save the template in Word as .docx."), "not_docx") from exc
    unknown = sorted(set(used) - set(FIELDS))
    if unknown:
        raise _error(
            "file",
            _("The template uses unknown fields: %(fields)s. Use only the fields listed on this page.")
            % {"fields": ", ".join(unknown)},
            "unknown_field",
        )
    missing = [name for name in REQUIRED_FIELDS if name not in used]
    if missing:
        raise _error(
            "file",
            _("The template has no consent to data processing: put {{ %(field)s }} where its section goes.")
            % {"field": missing[0]},
            "no_consent",
        )
    try:
        render_docx(data, TEST_CONTEXT)
    except UndefinedError as exc:
        raise _error(
            "file",
            _("The template uses an unknown field: %(field)s.") % {"field": _undefined_name(exc.message or "")},
            "unknown_field",
        ) from exc
    except TemplateError as exc:
        raise _error("file", _("The template does not render: %(error)s.") % {"error": exc.message or exc}, "render") from exc
    except Exception as exc:  # a broken document (docxtpl, lxml): still a refusal, never a 500
        raise _error("file", _("The template does not render: %(error)s.") % {"error": exc}, "render") from exc


def template_bytes(organization_id: int, language: str) -> tuple[bytes, bool]:
    """The template a new contract is made from, and whether it is the organisation's own."""
    own = ContractTemplate.objects.filter(organization_id=organization_id, language=language).first()
    if own is not None:
        with own.file.open("rb") as handle:
            return handle.read(), True
    return default_template_path(language).read_bytes(), False


# --- Uploaded files


def _read_upload(upload: UploadedFile, limit_mb: int, field: str) -> bytes:
    if upload.size is None or upload.size > limit_mb * MEGABYTE:
        raise _error(field, _("The file is too large: at most %(limit)d MB.") % {"limit": limit_mb}, "too_large")
    if upload.size == 0:
        raise _error(field, _("The file is empty."), "empty")
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def scan_extension(data: bytes) -> str:
    """The checked extension of a signed scan (.pdf, .jpg or .png), by its content, never its
    name; ValidationError at the field "scan" otherwise."""
    if data.startswith(b"%PDF-"):
        return ".pdf"
    if data.startswith(b"\xff\xd8\xff") or data.startswith(b"\x89PNG\r\n\x1a\n"):
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(io.BytesIO(data)) as image:
                found = image.format
                image.verify()  # a truncated or forged image fails here
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            found = None
        if found == "JPEG":
            return ".jpg"
        if found == "PNG":
            return ".png"
    raise _error("scan", _("The scan must be a PDF, JPEG or PNG file; this file is none of them."), "not_scan")


SCAN_CONTENT_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".png": "image/png"}


# --- Services


def _next_number(organization: Organization) -> int:
    """The next contract number, with the counter row locked until our transaction ends."""
    ContractCounter.objects.bulk_create([ContractCounter(organization=organization)], ignore_conflicts=True)
    counter = ContractCounter.objects.select_for_update().get(organization=organization)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _check_consent(parent: Parent) -> None:
    consents = Consent.objects.filter(parent=parent, withdrawn_at__isnull=True)
    scopes = set(consents.values_list("scope", flat=True))
    if Consent.Scope.PARENT not in scopes or Consent.Scope.CHILD not in scopes:
        raise ValidationError(
            _(
                "The parent has not given consent to process their and the child's data (or withdrew it). "
                "Record the consent on the parent's card before drafting a contract."
            ),
            code="no_consent",
        )


@transaction.atomic
def contract_draft(*, parent: Parent, child: Child, language: str, by=None, day: dt.date | None = None) -> Contract:
    """A new contract under the organisation's next number, its DOCX made and kept."""
    if language not in LANGUAGES:
        raise _error("language", _("A contract is drafted in Kazakh or in Russian."), "language")
    parent = Parent.objects.select_for_update().get(pk=parent.pk)
    if child.parent_id != parent.pk:
        raise _error("child", _("This child is not the parent's child."), "wrong_child")
    if parent.anonymised_at is not None:
        raise ValidationError(_("The family's data were erased: no contract can be drafted."), code="anonymised")
    _check_consent(parent)
    current = Contract.objects.filter(child=child, status__in=[Contract.Status.DRAFTED, Contract.Status.SIGNED]).first()
    if current is not None:
        raise _error(
            "child",
            _("The child already has contract № %(number)s (%(status)s): end it before drafting another.")
            % {"number": current.number, "status": current.get_status_display()},
            "already",
        )
    organization = Organization.objects.get(pk=parent.organization_id)
    day = day or timezone.localdate()
    number = _next_number(organization)
    contract = Contract(organization=organization, number=number, parent=parent, child=child, language=language, drafted_by=by)
    contract.full_clean()
    data, own = template_bytes(organization.pk, language)
    context = contract_context(organization=organization, parent=parent, child=child, number=number, day=day, language=language)
    try:
        document = render_docx(data, context)
    except Exception as exc:  # the organisation's template was checked, but refuse clearly anyway
        raise ValidationError(
            _("The organisation's contract template does not render (%(error)s). Upload a corrected template.") % {"error": exc},
            code="template",
        ) from exc
    contract.document.save(f"contract-{number}.docx", ContentFile(document), save=False)
    contract.save()
    return contract


def _delete_on_commit(field_file) -> None:
    name, storage = field_file.name, field_file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def _locked(contract: Contract) -> Contract:
    return Contract.objects.select_for_update().get(pk=contract.pk)


def _check_transition(contract: Contract, to_status: str) -> None:
    if to_status not in contract.allowed_next():
        raise ValidationError(
            _("A contract that is %(current)s cannot become %(new)s.")
            % {"current": contract.get_status_display(), "new": Contract.Status(to_status).label},
            code="bad_transition",
        )


@transaction.atomic
def contract_sign(*, contract: Contract, scan: UploadedFile, signed_on: dt.date, by=None) -> Contract:
    """The contract is signed: its signed scan (PDF, JPEG or PNG, checked by content) is kept."""
    contract = _locked(contract)
    _check_transition(contract, Contract.Status.SIGNED)
    if signed_on > timezone.localdate():
        raise _error("signed_on", _("The date of signing cannot be in the future."), "future")
    if signed_on < timezone.localtime(contract.drafted_at).date():
        raise _error("signed_on", _("The contract cannot be signed before it was drafted."), "before_draft")
    data = _read_upload(scan, SCAN_MAX_MB, "scan")
    extension = scan_extension(data)
    contract.scan.save(f"signed{extension}", ContentFile(data), save=False)
    contract.status = Contract.Status.SIGNED
    contract.signed_on = signed_on
    contract.full_clean()
    contract.save()
    return contract


@transaction.atomic
def contract_end(*, contract: Contract, ended_on: dt.date, by=None) -> Contract:
    """The contract ends (or a draft that will not be signed is closed; its number stays used)."""
    contract = _locked(contract)
    _check_transition(contract, Contract.Status.ENDED)
    if ended_on > timezone.localdate():
        raise _error("ended_on", _("The end date cannot be in the future."), "future")
    if contract.signed_on and ended_on < contract.signed_on:
        raise _error("ended_on", _("The contract cannot end before it was signed."), "before_signed")
    contract.status = Contract.Status.ENDED
    contract.ended_on = ended_on
    contract.full_clean()
    contract.save()
    return contract


@transaction.atomic
def contract_template_upload(*, organization: Organization, language: str, upload: UploadedFile, by=None) -> ContractTemplate:
    """The organisation's own template in `language`, kept only if it renders (see the module)."""
    if language not in LANGUAGES:
        raise _error("language", _("A contract is drafted in Kazakh or in Russian."), "language")
    if Path(upload.name or "").suffix.lower() != ".docx":
        raise _error("file", _("This file is not a DOCX document. Save the template in Word as .docx."), "not_docx")
    data = _read_upload(upload, TEMPLATE_MAX_MB, "file")
    contract_template_check(data)
    old = ContractTemplate.objects.select_for_update().filter(organization=organization, language=language).first()
    if old is not None:
        _delete_on_commit(old.file)
        old.delete()
    template = ContractTemplate(organization=organization, language=language, uploaded_by=by)
    template.file.save("template.docx", ContentFile(data), save=False)
    template.full_clean()
    template.save()
    return template


@transaction.atomic
def contract_template_remove(*, organization: Organization, language: str) -> None:
    """Back to Qamqor's default template in `language`."""
    old = ContractTemplate.objects.select_for_update().filter(organization=organization, language=language).first()
    if old is None:
        raise ValidationError(_("The organisation has no template of its own in this language."), code="none")
    _delete_on_commit(old.file)
    old.delete()
