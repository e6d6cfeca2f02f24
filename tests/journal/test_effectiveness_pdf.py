"""The journal-keeping effectiveness on paper (issue 16, item 5): the PDF carries the formula with the school's
weights, what each share measures, and per teacher the shares and the score the page shows — the numbers worked
out by hand below, Cyrillic names intact, a name that looks like HTML printed as typed."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from models.reports.effectiveness import Effectiveness, RemarksDue, TeacherScore, score, shares_of
from models.reports.journal_control import Figures, JournalControl
from reports.journal_control import effectiveness_pdf

PAYLOAD = '<img src="file:///etc/passwd">'
WEIGHTS = (D(30), D(20), D(20), D(20), D(10))


def _text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def _line(teacher_id: int, name: str, figures: Figures, remarks: RemarksDue) -> TeacherScore:
    shares = shares_of(figures, remarks)
    return TeacherScore(teacher_id, name, figures, remarks, shares, score(shares, WEIGHTS))


@pytest.fixture()
def month(app):
    """Two teachers in November 2026:
    - Жанна Әбілқызы: 10 lessons expected, 8 recorded, 2 late; 20 marks, 5 late; 2 without homework; 25 students,
      5 without marks; remarks 1 of 2 in time → T = 6/10 = 60, M = 15/20 = 75, H = 6/8 = 75, S = 20/25 = 80,
      R = 1/2 = 50; (30·60 + 20·75 + 20·75 + 20·80 + 10·50) / 100 = (1800 + 1500 + 1500 + 1600 + 500) / 100 = 69;
    - the payload: 4 lessons of 4 in time, 10 marks, 1 late, none without homework, 10 students all marked, no
      remarks → T = 100, M = 9/10 = 90, H = 100, S = 100, R = 100; (3000 + 1800 + 2000 + 2000 + 1000) / 100 = 98."""
    first = Figures(expected=10, recorded=8, late_topics=2, marks=20, late_marks=5, no_homework=2, students=25)
    first.without_marks = 5
    second = Figures(expected=4, recorded=4, marks=10, late_marks=1, students=10)
    lines = [
        _line(2, PAYLOAD, second, RemarksDue()),
        _line(1, "Әбілқызы Ж.", first, RemarksDue(2, 1)),
    ]
    school = SimpleNamespace(name="Школа-гимназия № 7")
    control = JournalControl(school, dt.date(2026, 11, 1), dt.date(2026, 11, 30), [], Figures())
    with app.test_request_context():
        yield Effectiveness(control, WEIGHTS, lines)


def test_the_hand_worked_scores(month):
    assert [str(line.score) for line in month.teachers] == ["98.0", "69.0"]
    assert [str(s) for s in month.teachers[1].shares] == ["60.0", "75.0", "75.0", "80.0", "50.0"]


def test_the_pdf_carries_the_formula_names_and_numbers(month):
    flat = _text(effectiveness_pdf(month))
    assert "Эффективность ведения журнала" in flat and "Школа-гимназия № 7" in flat
    assert "Итог = (30·T + 20·M + 20·H + 20·S + 10·R) / 100" in flat
    assert "01.11.2026" in flat and "30.11.2026" in flat
    assert "T — темы уроков, записанные в срок" in flat
    assert "Әбілқызы Ж. 60 75 75 80 50 69" in flat  # the shares and the score, decimal comma, no trailing zero
    assert f"{PAYLOAD} 100 90 100 100 100 98" in flat  # printed as typed, nothing fetched


def test_an_empty_month(app):
    school = SimpleNamespace(name="Школа")
    control = JournalControl(school, dt.date(2026, 12, 1), dt.date(2026, 12, 1), [], Figures())
    with app.test_request_context():
        flat = _text(effectiveness_pdf(Effectiveness(control, WEIGHTS, [])))
    assert "В этом месяце по расписанию уроков не было." in flat and "/ 100" in flat


def test_the_pdf_from_the_page(client, login_as, jw, world):
    login_as("coordinator")
    html = client.get("/admin/effectiveness/?month=2026-09").get_data(as_text=True)
    assert 'id="effectiveness-pdf"' in html and 'href="/admin/effectiveness/effectiveness.pdf?month=2026-09"' in html
    response = client.get("/admin/effectiveness/effectiveness.pdf?month=2026-09")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    flat = _text(response.data)
    assert "(30·T + 20·M + 20·H + 20·S + 10·R) / 100" in flat and world.s_teacher.short_name in flat
    login_as("teacher")
    assert client.get("/admin/effectiveness/effectiveness.pdf?month=2026-09").status_code == 403
