"""The plans' and the centre reports' PDFs (and the annual report's Kazakh DOCX) open in LibreOffice
with their Kazakh and Russian text (issue 5, "Bars"); the plans' DOCX and the Russian report DOCX
are opened in test_documents_libreoffice.py. All the files go through LibreOffice at once: one
start for the PDFs and one for the DOCX."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from qamqor.core.testing.libreoffice import documents_text, flat
from qamqor.plans import centre_report, documents
from qamqor.plans.tests.test_centre_report import year_of_work  # noqa: F401 - the fixture
from qamqor.plans.tests.world import import_seed_004
from qamqor.plans.views import plan_items

pytestmark = pytest.mark.libreoffice

SEED_TITLE = "Әлеуметтік педагог пен сынып жетекшілермен бірлескен жылдық жұмыс жоспары"
SEED_ITEM = "Жетім және ата-анасының қамқорлығынсыз қалған балалармен"

EXPECTED = {
    "plan-kk.pdf": [SEED_TITLE, SEED_ITEM, "№8 «Думан» балабақшасы", "Атқарылатын іс-шаралар", "Мерзімі", "Жауапты",
                    "Ай сайын", "Әлеуметтік педагог", "2026–2027 оқу жылы"],
    "plan-ru.pdf": [SEED_TITLE, SEED_ITEM, "Детский сад №8 «Думан»", "Мероприятия", "Сроки", "Ответственный",
                    "Ежемесячно", "Социальный педагог", "2026–2027 учебный год"],
    "half_year-kk.pdf": ["Ата-аналарды педагогикалық қолдау орталығының жұмысы туралы жартыжылдық ақпарат",
                         "01.09.2025 – 31.12.2025", "Өткізілген отырыстар: 2 (жоспарлы: 1, жоспардан тыс: 1)",
                         "Сұрақ 11", "Сауалнама", "120 ата-ана", "Орталық төрағасы: ____________ Қасымова Жанар"],
    "annual-ru.pdf": ["Годовой отчёт о работе центра педагогической поддержки родителей", "01.09.2025 – 31.08.2026",
                      "Проведено заседаний: 3 (плановых: 2, внеплановых: 1)", "Шешім 11", "(просрочено)", "Кеңес беру",
                      "Систематически", "Председатель центра: ____________ Қасымова Жанар"],
    "annual-kk.docx": ["Ата-аналарды педагогикалық қолдау орталығының жұмысы туралы жылдық есеп",
                       "Өткізілген отырыстар: 3 (жоспарлы: 2, жоспардан тыс: 1)", "Шешім 03", "(мерзімі өткен)",
                       "Сәуір", "Орталық төрағасы: ____________ Қасымова Жанар"],
}  # fmt: skip


def _report(organization, kind: str):
    return centre_report.centre_report(organization=organization, academic_year=2025, kind=kind, today=dt.date(2026, 6, 1))


def test_plans_and_centre_reports_open_in_libreoffice_in_kazakh_and_russian(year_of_work):  # noqa: F811
    plan = import_seed_004(year_of_work)[2]
    files = {}
    for language in ("kk", "ru"):
        with translation.override(language):
            files[f"plan-{language}.pdf"] = documents.plan_pdf(plan, plan_items(plan))
    with translation.override("kk"):
        files["half_year-kk.pdf"] = centre_report.report_pdf(_report(year_of_work, "half_year"))
        files["annual-kk.docx"] = centre_report.report_docx(_report(year_of_work, "annual"))
    with translation.override("ru"):
        files["annual-ru.pdf"] = centre_report.report_pdf(_report(year_of_work, "annual"))

    texts = {name: flat(text) for name, text in documents_text(files).items()}

    for name, expected in EXPECTED.items():
        for line in expected:
            assert line in texts[name], (name, line)
    assert "Семинар" not in texts["half_year-kk.pdf"]  # April's seminar is not in the half-year
