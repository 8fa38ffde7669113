"""The plans' and the centre report's DOCX open in LibreOffice with their Kazakh and Russian
text (issue 5, "Bars")."""

from __future__ import annotations

from django.utils import translation

from qamqor.core.testing.libreoffice import document_text
from qamqor.plans import centre_report, documents
from qamqor.plans.tests.world import import_seed_004
from qamqor.plans.views import plan_items


def test_a_plan_docx_opens_in_libreoffice_in_kazakh_and_russian(kindergarten):
    plan = import_seed_004(kindergarten)[2]
    with translation.override("kk"):
        text = " ".join(document_text(documents.plan_docx(plan, plan_items(plan))).split())
    for expected in ("сынып жетекшілермен бірлескен", "Атқарылатын іс-шаралар", "Жылына 2 рет", "Ай сайын"):
        assert expected in text, expected
    with translation.override("ru"):
        text = " ".join(document_text(documents.plan_docx(plan, plan_items(plan))).split())
    for expected in ("Мероприятия", "Сроки", "Ответственный", "2 раза в год", "Ежемесячно", "Социальный педагог"):
        assert expected in text, expected


def test_the_centre_report_docx_opens_in_libreoffice(kindergarten):
    with translation.override("ru"):
        report = centre_report.centre_report(organization=kindergarten, academic_year=2025, kind="half_year")
        text = " ".join(document_text(centre_report.report_docx(report)).split())
    assert "Полугодовая информация о работе центра педагогической поддержки родителей" in text
    assert "Проведено заседаний: 0" in text
