"""The journal page printed like the paper journal (models/reports/journal_print.py, GET .../print.pdf): recorded
lessons in blocks that fit the sheet, each cell's marks and absences, students off the roster marked, the
period mark after the last block, the topics page; the same access as the screen; a real PDF in Cyrillic."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from models import PeriodMark, db
from models.access import Actor
from models.reports.journal_print import COLUMNS_PER_BLOCK, journal_print
from reports.journal_print import journal_print_pdf

NOW = dt.datetime(2026, 10, 20, 9, 0, tzinfo=dt.UTC)


def test_blocks_cells_and_the_period_mark(jw, world):
    db.session.add(
        PeriodMark(student_id=world.anna.id, subject_id=world.maths.id, period_id=world.q1.id, kind="period", value=5)
    )
    db.session.commit()
    p = journal_print(Actor.of(world.users["teacher"]), world.a_maths_5a.id, world.q1.id, now=NOW)
    assert [c.date for c in p.lessons] == [dt.date(2026, 9, 7)]
    (block,) = p.blocks
    assert block.last and [c.date for c in block.columns] == [dt.date(2026, 9, 7)]
    cells = {name: cells for _n, _sid, name, cells in block.rows}
    assert cells[next(s.name for s in p.page.students if s.id == world.anna.id)] == ["5"]
    assert p.period_marks == {world.anna.id: "5"}


def test_many_lessons_are_split_into_blocks(grow, world):
    assignment = grow("П", 3, COLUMNS_PER_BLOCK + 5)
    p = journal_print(Actor.of(world.users["teacher"]), assignment.id, world.q1.id, now=NOW)
    assert [len(b.columns) for b in p.blocks] == [COLUMNS_PER_BLOCK, 5]
    assert [b.last for b in p.blocks] == [False, True]
    assert p.blocks[0].rows[0][3][0] == "н" and p.blocks[0].rows[1][3][0] == "4"


def test_the_pdf(client, login_as, jw, world):
    login_as("teacher")
    response = client.get(f"/admin/journal/{world.a_maths_5a.id}/print.pdf?period={world.q1.id}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Классный журнал" in text and "Математика" in text and "Натуральные числа" in text
    assert "07.09" in text
    login_as("secretary")  # does not read journal pages
    assert client.get(f"/admin/journal/{world.a_maths_5a.id}/print.pdf").status_code == 403
    login_as("parent")
    assert client.get(f"/admin/journal/{world.a_maths_5a.id}/print.pdf").status_code == 403


def test_the_grid_links_to_the_printout(client, login_as, world):
    login_as("teacher")
    html = client.get(f"/admin/journal/{world.a_maths_5a.id}?period={world.q1.id}").get_data(as_text=True)
    assert f"/admin/journal/{world.a_maths_5a.id}/print.pdf?period={world.q1.id}" in html


def test_user_text_is_printed_as_text(client, login_as, world, lesson_of):
    lesson_of(world.a_maths_5a, dt.date(2026, 9, 9), topic='<img src="http://example.invalid/x.png"> <b>Дроби</b>')
    login_as("teacher")
    response = client.get(f"/admin/journal/{world.a_maths_5a.id}/print.pdf?period={world.q1.id}")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert '<img src="http://example.invalid/x.png"> <b>Дроби</b>' in text


# --- issue 17: the legend never alone on a page, lessons recorded ahead apart ---------------------------------
LEGEND = "н — отсутствовал(а), оп — опоздал(а)"


def _page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


@pytest.mark.parametrize("students", [30, 31, 32])
def test_the_legend_stays_with_the_last_rows(app, grow, world, students):
    """By hand: landscape A4 with 1.5 cm margins and the frame's 6 pt padding leaves 595.28 − 85.04 − 12 =
    498.24 pt; the heading takes 16.8 + 4 and the subtitle 12 + 8, so 457.44 pt are left. The header row is
    23.2 pt (the period's name wraps in its 34 pt column), a student's row 13.6, the table's space after 6, the
    legend 9.6. 30 students: 431.2 + 6 + 9.6 = 446.8 fits. 31: 444.8 + 15.6 = 460.4 does not, though the table
    alone does — before the fix the legend went alone to page 2. 32: the table itself (458.4) runs over."""
    assignment = grow("Л", students, 3)
    p = journal_print(Actor.of(world.users["teacher"]), assignment.id, world.q1.id, now=NOW)
    marks_pages = [t for t in _page_texts(journal_print_pdf(p)) if "Что пройдено на уроке" not in t]
    last_student = f"Ученик Л{students - 1:02d}"
    holder = [t for t in marks_pages if LEGEND in t]
    assert len(holder) == 1
    assert last_student.replace(" ", "") in holder[0].replace(" ", "")


def test_a_lesson_recorded_ahead_is_planned_not_given(app, jw, world, lesson_of):
    """Printed on 20.10.2026: the lesson of 07.09 is given; one recorded for 22.10 is listed apart as planned
    and has no column in the grid."""
    lesson_of(world.a_maths_5a, dt.date(2026, 10, 22), topic="Будущая тема про дроби")
    p = journal_print(Actor.of(world.users["teacher"]), world.a_maths_5a.id, world.q1.id, now=NOW)
    assert [c.date for c in p.lessons] == [dt.date(2026, 9, 7)]
    assert [c.date for c in p.planned] == [dt.date(2026, 10, 22)]
    assert [c.date for b in p.blocks for c in b.columns] == [dt.date(2026, 9, 7)]
    text = "\n".join(_page_texts(journal_print_pdf(p)))
    given, planned = text.split("Запланировано (уроки после 20.10.2026, ещё не проведены)")
    assert "Натуральные числа" in given.split("Что пройдено на уроке")[1]
    assert "Будущая тема про дроби" not in given and "Будущая тема про дроби" in planned
    assert "22.10.2026" in planned and "Записей: 1." in planned
