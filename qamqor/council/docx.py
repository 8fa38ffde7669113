"""DOCX documents made with docxtpl from templates we build ourselves with python-docx.

Each template is built in code (never a third party's file), once per process and language, and
rendered with docxtpl: the same path an organisation's own template would take later. Line
breaks in values become line breaks in Word (docxtpl turns "\\n" into <w:br/>)."""

from __future__ import annotations

import io
from collections.abc import Callable

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def new_document():
    from docx import Document

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    return document


def paragraph(document: DocxDocument, text: str, *, bold: bool = False, center: bool = False, size: int | None = None):
    p = document.add_paragraph()
    run = p.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return p


def loop_table(document: DocxDocument, *, headers: list[str], loop: str, cells: list[str]):
    """A table whose middle rows repeat for each element of a list: docxtpl's `{%tr for %}`."""
    table = document.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    table.rows[1].cells[0].text = "{%tr for " + loop + " %}"
    for cell, text in zip(table.rows[2].cells, cells):
        cell.text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"
    return table


def render(build: Callable[[], DocxDocument], context: dict) -> bytes:
    from docxtpl import DocxTemplate

    source = io.BytesIO()
    build().save(source)
    source.seek(0)
    template = DocxTemplate(source)
    # autoescape: staff type «<», «&» in their texts; Word's XML must stay valid.
    template.render(context, autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()
