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


# --- issue 17: what closes a table (a legend, a signature line) is never alone on a page ----------------------
LEGEND = "Условные обозначения: н — отсутствовал(а)."


def _legend_story(rows: int, keep: bool):
    from reports.pdf import ends_with, grid_table, para

    table = grid_table([["№", "Имя"], *[[str(i), f"Строка {i}"] for i in range(1, rows + 1)]], [40, 300], 10)
    legend = para(LEGEND, 10)
    return [ends_with(table, legend)] if keep else [table, legend]


def _alone(pages: list[str], marker: str) -> bool:
    """A page that holds the marker and no numbered row of the table."""
    return any(marker in text and not re.search(r"^\d+\s", text, flags=re.M) for text in pages)


def test_the_legend_is_never_alone_on_a_page(app):
    from reports.pdf import build_pdf

    spilled = []
    with app.test_request_context():
        for rows in range(25, 45):
            if _alone(_pages(build_pdf(_legend_story(rows, keep=False))), LEGEND):
                spilled.append(rows)
            pages = _pages(build_pdf(_legend_story(rows, keep=True)))
            assert not _alone(pages, LEGEND), rows
            (holder,) = [text for text in pages if LEGEND in text]
            assert f"Строка {rows}" in holder  # with the table's last row
            numbers = [int(n) for n in re.findall(r"^(\d+)\s", "\n".join(pages), flags=re.M)]
            assert numbers == list(range(1, rows + 1))  # nothing lost or printed twice in the split
    assert spilled  # the range holds a table that fills its page so that the legend used to spill over


def test_the_register_signature_stays_with_the_last_rows(app):
    with app.test_request_context():
        for count in range(20, 40):
            rows = [
                RegisterRow(i, f"Ёлкина Анна {i}", "Родитель", "operator", "01.09.2026", "15.09.2026", "", "")
                for i in range(1, count + 1)
            ]
            pages = _pages(invite_register_pdf("Школа № 1", rows, generated="05.12.2026 10:00"))
            assert not _alone(pages, "Ответственный"), count
            assert "Кому выдан" in pages[-1]  # the header goes with the rows that moved


def test_a_paragraph_breaks_its_lines_once_a_width(app, monkeypatch):
    """A table measures, splits and draws each cell at its column's width: the lines are broken once a width."""
    from reportlab.platypus import Paragraph

    from reports.pdf import para

    broken = []
    original = Paragraph.breakLines
    monkeypatch.setattr(Paragraph, "breakLines", lambda self, widths: broken.append(widths) or original(self, widths))
    cell = para("Посещаемость не отмечена на уроках 02.11, 05.11, 09.11, 12.11, 16.11 и 19.11", 8)
    narrow = cell.wrap(60, 1000)
    assert cell.wrap(60, 500) == narrow and len(broken) == 1
    wide = cell.wrap(300, 1000)
    assert wide[1] < narrow[1] and len(broken) == 2
    assert cell.wrap(60, 1000) == narrow and len(broken) == 3  # back to the narrow width: measured again


def test_a_table_of_paragraphs_over_many_pages_keeps_every_row(app):
    """The справка's findings: one long table of wrapping cells, split by ReportLab page after page."""
    from reports.pdf import build_pdf, grid_table, para

    lines = [
        [para(f"Учитель {i}", 8), para(f"{NAMES[i % 3]}: урок {i} без отметки посещаемости", 8)] for i in range(400)
    ]
    with app.test_request_context():
        pages = _pages(build_pdf(lambda width, _h: [grid_table([["Кто", "Что"], *lines], [width / 3, width / 3], 8)]))
    assert len(pages) > 5 and all("Кто" in text for text in pages)
    numbers = [int(n) for n in re.findall(r"^Учитель (\d+)$", "\n".join(pages), flags=re.M)]
    assert numbers == list(range(400))
