"""PDFs drawn with ReportLab tables (reports/pdf.py): a long register is laid out one table a page with the
header on every page and nothing lost between pages; Cyrillic and Kazakh letters come out as text; user text
that looks like ReportLab's paragraph markup is printed as typed."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from reports.invite_register import RegisterRow, invite_register_pdf

NAMES = ("Әбілқасымова Гүлнұр Сәрсенбайқызы", "O'Brien <b>Том</b> & <font size=40>Co</font>", "Ёлкина Анна")


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_a_long_register_has_every_row_once_and_the_header_on_every_page(app):
    rows = [
        RegisterRow(i, f"{NAMES[i % 3]} {i}", "Родитель", "operator", "01.09.2026 09:00", "15.09.2026 09:00", "", "")
        for i in range(1, 131)
    ]
    with app.test_request_context():
        pages = _pages(invite_register_pdf("Школа № 1", rows, generated="05.12.2026 10:00"))
    assert len(pages) > 3
    assert all("Кому выдан" in text and "Действует до" in text for text in pages)
    assert "Журнал учёта выданных кодов" in pages[0] and "Ответственный" in pages[-1]
    text = "\n".join(pages)
    numbers = [int(n) for n in re.findall(r"^(\d+)$", text, flags=re.M)]
    assert numbers == list(range(1, 131))
    flat = " ".join(text.split())  # a long name wraps in its cell
    assert "Әбілқасымова Гүлнұр" in flat and "O'Brien <b>Том</b> & <font size=40>Co</font> 2" in flat


def test_an_empty_register_says_so(app):
    with app.test_request_context():
        pages = _pages(invite_register_pdf("Школа № 1", [], generated="05.12.2026 10:00"))
    assert len(pages) == 1 and "Коды не выдавались." in pages[0]


def test_the_register_in_kazakh(app):
    with app.test_request_context("/?lang=kk"):
        (text,) = _pages(invite_register_pdf("Мектеп", [], generated="05.12.2026 10:00"))
    assert "Кодтар берілмеген." in text and "Бет 1" in text
