"""Thank-you letters (seed 003: «алғыс хат») for an award, as a one-page PDF in Kazakh or in
Russian, made with WeasyPrint the way the journal's PDF is (qamqor/journal/exports.py): the same
fonts (DejaVu Sans carries every Kazakh letter), a stylesheet read from the static files."""

from __future__ import annotations

import datetime as dt

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import dateformat, translation

from qamqor.core.academic_year import academic_year_label
from qamqor.engagement.models import Award
from qamqor.orgs.models import Membership
from qamqor.orgs.roles import Role

LETTER_LANGUAGES = ("kk", "ru")


def letter_date(day: dt.date, language: str) -> str:
    """The date as documents write it: «2027 жылғы 25 мамыр», «25 мая 2027 г.»."""
    with translation.override(language):
        if language == "kk":
            return f"{day.year} жылғы {dateformat.format(day, 'j E')}"
        return f"{dateformat.format(day, 'j E Y')} г."


def head_name(organization_id: int) -> str:
    """Who signs: the head (a kindergarten) or the director (a school); empty when none is on
    record, and the letter keeps a blank line for the name."""
    membership = (
        Membership.objects.active()
        .filter(organization_id=organization_id, role__in=[Role.HEAD, Role.DIRECTOR])
        .select_related("user")
        .order_by("role", "pk")
        .first()
    )
    return membership.person_name if membership else ""


def award_letter_pdf(award: Award, *, language: str, day: dt.date) -> bytes:
    from weasyprint import CSS, HTML  # imported here: loading Pango is slow and only PDFs need it

    with translation.override(language):
        html = render_to_string(
            "engagement/letters/award_letter.html",
            {
                "award": award,
                "organization_name": award.organization.name,  # in the letter's language (modeltranslation)
                "kind": award.get_kind_display(),
                "year": academic_year_label(award.academic_year),
                "date": letter_date(day, language),
                "head": head_name(award.organization_id),
                "language": language,
            },
        )
    stylesheet = CSS(filename=finders.find("engagement/award-letter.css"))
    return HTML(string=html).write_pdf(stylesheets=[stylesheet])
