"""The LibreOffice helper's reading of a PDF imported by Draw (qamqor/core/testing/libreoffice.py):
the text of every text box in order, LibreOffice's space and tab elements kept as spaces, and the
empty boxes (table lines, rules) left out. No LibreOffice needed: the XML is written here."""

from __future__ import annotations

from qamqor.core.testing.libreoffice import drawing_text, flat

FODG = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">
 <office:body><office:drawing>
  <draw:page draw:name="page1">
   <draw:frame><draw:text-box><text:p><text:span>ХАТТАМА /</text:span><text:s/>ПРОТОКОЛ № 1</text:p></draw:text-box></draw:frame>
   <draw:custom-shape><text:p/></draw:custom-shape>
   <draw:frame><draw:text-box><text:p>Күні<text:tab/>Дата<text:s text:c="3"/>05.10.2026</text:p></draw:text-box></draw:frame>
  </draw:page>
  <draw:page draw:name="page2">
   <draw:frame><draw:text-box><text:p>Шешім / <text:span>Решили</text:span></text:p></draw:text-box></draw:frame>
  </draw:page>
 </office:drawing></office:body>
</office:document>
"""


def test_the_text_boxes_are_read_in_order_with_their_spaces(tmp_path):
    path = tmp_path / "document.fodg"
    path.write_text(FODG, encoding="utf-8")

    text = drawing_text(path)

    assert text.splitlines() == ["ХАТТАМА / ПРОТОКОЛ № 1", "Күні Дата   05.10.2026", "Шешім / Решили"]
    assert flat(text) == "ХАТТАМА / ПРОТОКОЛ № 1 Күні Дата 05.10.2026 Шешім / Решили"
