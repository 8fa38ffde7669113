"""Make Qamqor's default contract templates (contract_kk.docx, contract_ru.docx) with python-docx.

Run after changing the texts below:  .venv/bin/python qamqor/families/contract_templates/make.py
The fields in {{ }} are those of qamqor/families/contracts.py (FIELDS); docxtpl fills them.
Each field is written as one run, so Word's splitting of runs never breaks a placeholder.
The texts are ours, written after seed 000 (appendix 1) and seed 001 (§3, §5, §7).
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

HERE = Path(__file__).parent

TEXTS = {
    "kk": {
        "title": "КЕЛІСІМ-ШАРТ № {{ contract_number }}",
        "subtitle": "консультациялық пункттің қызметтерін көрсету туралы",
        "date": "{{ contract_date }}",
        "preamble": (
            "{{ organization_name }} (бұдан әрі – Ұйым), меңгерушісі {{ head_name }} атынан, бір тараптан, "
            "және ата-ана (заңды өкіл) {{ parent_name }} (бұдан әрі – Ата-ана), екінші тараптан, "
            "{{ child_birth_date }} туған бала {{ child_name }} (бұдан әрі – Бала) мүддесінде осы "
            "келісім-шартты төмендегілер туралы жасасты."
        ),
        "sections": [
            (
                "1. Келісім-шарттың мәні",
                [
                    "1.1. Ұйым өзінің консультациялық пункті арқылы Ата-анаға Баланы тәрбиелеу және дамыту "
                    "мәселелері бойынша әдістемелік, психологиялық-педагогикалық, диагностикалық және "
                    "консультациялық көмек көрсетеді.",
                    "1.2. Көмек тегін көрсетіледі.",
                ],
            ),
            (
                "2. Ұйымның міндеттері",
                [
                    "2.1. Консультацияларды консультациялық пункттің жұмыс кестесіне сәйкес, алдын ала жазылу бойынша өткізу.",
                    "2.2. Ата-ананың сұрағы бойынша ең құзыретті маманның кеңесін ұсыну.",
                    "2.3. Бала мен отбасы туралы мәліметтердің құпиялылығын сақтау.",
                ],
            ),
            (
                "3. Ата-ананың міндеттері",
                [
                    "3.1. Консультацияға келісілген уақытта келу немесе келе алмайтыны туралы алдын ала хабарлау.",
                    "3.2. Баламен жеке жұмыс тек Ата-ананың қатысуымен жүргізіледі.",
                    "3.3. Мамандардың ұсынымдарын орындауға жәрдемдесу.",
                ],
            ),
            (
                "4. Келісім-шарттың қолданылу мерзімі",
                [
                    "4.1. Келісім-шарт қол қойылған күнінен бастап күшіне енеді және тараптардың бірінің "
                    "бастамасымен бұзылғанға дейін немесе Бала мектепке дейінгі ұйымға қабылданғанға дейін әрекет етеді.",
                    "4.2. Келісім-шарт екі данада жасалады, әр тарапқа бір данадан.",
                ],
            ),
            ("5. Дербес деректерді өңдеуге келісім", ["{{ consent_text }}"]),
        ],
        "signatures": "6. Тараптардың деректемелері мен қолдары",
        "org_line": (
            "Ұйым: {{ organization_name }}, {{ organization_address }}, БСН {{ organization_bin }}, тел. {{ organization_phone }}"
        ),
        "org_sign": "Меңгеруші ____________ {{ head_name }}",
        "parent_line": "Ата-ана: {{ parent_name }}, тел. {{ parent_phone }}",
        "parent_sign": "Қолы ____________ {{ parent_name }}",
    },
    "ru": {
        "title": "ДОГОВОР № {{ contract_number }}",
        "subtitle": "об оказании услуг консультационного пункта",
        "date": "{{ contract_date }}",
        "preamble": (
            "{{ organization_name }} (далее – Организация) в лице заведующего {{ head_name }}, с одной "
            "стороны, и родитель (законный представитель) {{ parent_name }} (далее – Родитель), с другой "
            "стороны, в интересах ребёнка {{ child_name }}, {{ child_birth_date }} года рождения "
            "(далее – Ребёнок), заключили настоящий договор о нижеследующем."
        ),
        "sections": [
            (
                "1. Предмет договора",
                [
                    "1.1. Организация через свой консультационный пункт оказывает Родителю методическую, "
                    "психолого-педагогическую, диагностическую и консультативную помощь по вопросам "
                    "воспитания и развития Ребёнка.",
                    "1.2. Помощь оказывается бесплатно.",
                ],
            ),
            (
                "2. Обязанности Организации",
                [
                    "2.1. Проводить консультации по графику работы консультационного пункта, по предварительной записи.",
                    "2.2. Предоставлять Родителю консультацию наиболее компетентного по его вопросу специалиста.",
                    "2.3. Соблюдать конфиденциальность сведений о Ребёнке и семье.",
                ],
            ),
            (
                "3. Обязанности Родителя",
                [
                    "3.1. Приходить на консультацию в согласованное время или заранее предупреждать о неявке.",
                    "3.2. Индивидуальная работа с Ребёнком проводится только в присутствии Родителя.",
                    "3.3. Содействовать выполнению рекомендаций специалистов.",
                ],
            ),
            (
                "4. Срок действия договора",
                [
                    "4.1. Договор вступает в силу со дня подписания и действует до его расторжения по "
                    "инициативе одной из сторон или до зачисления Ребёнка в дошкольную организацию.",
                    "4.2. Договор составлен в двух экземплярах, по одному для каждой стороны.",
                ],
            ),
            ("5. Согласие на обработку персональных данных", ["{{ consent_text }}"]),
        ],
        "signatures": "6. Реквизиты и подписи сторон",
        "org_line": (
            "Организация: {{ organization_name }}, {{ organization_address }}, БИН {{ organization_bin }}, "
            "тел. {{ organization_phone }}"
        ),
        "org_sign": "Заведующий ____________ {{ head_name }}",
        "parent_line": "Родитель: {{ parent_name }}, тел. {{ parent_phone }}",
        "parent_sign": "Подпись ____________ {{ parent_name }}",
    },
}


def _paragraph(document, text: str, *, bold: bool = False, align=None, size: int | None = None):
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    return paragraph


def make(language: str) -> Path:
    t = TEXTS[language]
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    _paragraph(document, t["title"], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=14)
    _paragraph(document, t["subtitle"], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, t["date"], align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, t["preamble"], align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    for heading, paragraphs in t["sections"]:
        _paragraph(document, heading, bold=True)
        for text in paragraphs:
            _paragraph(document, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _paragraph(document, t["signatures"], bold=True)
    for key in ("org_line", "org_sign", "parent_line", "parent_sign"):
        _paragraph(document, t[key])
    path = HERE / f"contract_{language}.docx"
    document.save(path)
    return path


if __name__ == "__main__":
    for code in TEXTS:
        print(make(code))
