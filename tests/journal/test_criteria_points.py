"""Criteria-based schools (Kazakhstan, R3): the journal's cells hold ФО/СОР/СОЧ points out of the lesson's
maximum, typed in the grid, the plain form and the lesson page; the period proposal adds them up
(models/points.py, models/journal/page.py, models/grading.py CriteriaScheme)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import AuditEvent, Mark, WorkKind, db
from models.errors import InvalidInput
from models.finals.sheet import finals_sheet
from models.journal.cells import save_cell, set_mark
from models.journal.lessons import save_lesson
from models.journal.page import journal_page
from models.journal.rules import parse_cell_text
from models.points import parse_max_points, parse_points, points_text

from .conftest import MONDAY, NOW, WEDNESDAY

D = dt.date


@pytest.fixture()
def kz(jw, db_session):
    """The world's school grades by criteria; kinds СОР (out of the lesson's maximum) and СОЧ."""
    jw.school.grading_scheme = "criteria"
    jw.sor = WorkKind(school_id=jw.school.id, code="sor", name="СОР", criteria_kind="sor", is_control=True)
    jw.soch = WorkKind(school_id=jw.school.id, code="soch", name="СОЧ", criteria_kind="soch", is_control=True)
    db_session.add_all([jw.sor, jw.soch])
    db_session.commit()
    return jw


def _marks(lesson_id, student_id):
    return [
        (m.slot, m.points, m.max_points, m.value)
        for m in db.session.scalars(
            select(Mark).where(Mark.lesson_id == lesson_id, Mark.student_id == student_id).order_by(Mark.slot)
        )
    ]


# --- typing points (pure) -----------------------------------------------------------------------------------
POINTS = [
    # (typed, out of, stored or None when refused)
    ("18", "20", "18"),
    ("0", "20", "0"),
    ("20", "20", "20"),
    ("7,5", "10", "7.5"),
    ("7.50", "10", "7.5"),
    (" 9 ", "10", "9"),
    ("18/20", "20", "18"),
    ("18/25", "20", None),
    ("21", "20", None),
    ("-1", "10", None),
    ("1e3", "10", None),
    ("7.555", "10", None),
    ("пять", "10", None),
    ("", "10", None),
    ("<b>", "10", None),
]


@pytest.mark.parametrize("typed,out_of,stored", POINTS)
def test_points_are_a_number_within_the_maximum(typed, out_of, stored):
    if stored is None:
        with pytest.raises(InvalidInput):
            parse_points(typed, Decimal(out_of))
    else:
        assert points_text(parse_points(typed, Decimal(out_of))) == stored


@pytest.mark.parametrize(
    "typed,stored",
    [
        ("", None),
        ("20", Decimal(20)),
        ("12,5", Decimal("12.5")),
        ("0", "refused"),
        ("101", "refused"),
        ("двадцать", "refused"),
    ],
)
def test_the_maximum_of_a_work(typed, stored):
    if stored == "refused":
        with pytest.raises(InvalidInput):
            parse_max_points(typed)
    else:
        assert parse_max_points(typed) == stored


@pytest.mark.parametrize(
    "text,expected",
    [
        ("18", (None, None, ["18"])),
        ("н 6", ("absent", None, ["6"])),
        ("7,5", (None, None, ["7.5"])),
        ("18/20", (None, None, ["18/20"])),
        ("оп5 9", ("late", 5, ["9"])),
        ("н/а", (None, None, ["н/а"])),
    ],
)
def test_a_cell_typed_as_text_under_criteria(text, expected):
    assert parse_cell_text(text, criteria=True) == expected


def test_two_results_in_one_cell_are_refused_under_criteria():
    with pytest.raises(InvalidInput, match="один результат"):
        parse_cell_text("18 20", criteria=True)
    assert parse_cell_text("5/4") == (None, None, ["5", "4"])  # the 5-point grid is unchanged


# --- lessons and marks ----------------------------------------------------------------------------------------
def test_a_summative_lesson_needs_its_maximum(kz, actor_of):
    teacher = actor_of("teacher")
    with pytest.raises(InvalidInput, match="максимальный балл"):
        save_lesson(teacher, kz.a_maths_5a.id, date=WEDNESDAY, topic="СОР 1", work_kind_id=kz.sor.id, now=NOW)
    lesson = save_lesson(
        teacher, kz.a_maths_5a.id, date=WEDNESDAY, topic="СОР 1", work_kind_id=kz.sor.id, max_points="20", now=NOW
    )
    assert lesson.max_points == Decimal(20)
    formative = save_lesson(
        teacher, kz.a_maths_5a.id, date=D(2026, 9, 14), topic="Дроби", work_kind_id=kz.regular.id, now=NOW
    )
    assert formative.max_points is None  # out of the formative scale (10)
    audit = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "lesson.create", AuditEvent.entity_id == lesson.id)
    ).one()
    assert json.loads(audit.new)["max_points"] == "20"


def test_a_five_point_school_ignores_the_maximum(jw, actor_of):
    lesson = save_lesson(
        actor_of("teacher"),
        jw.a_maths_5a.id,
        date=WEDNESDAY,
        topic="Урок",
        work_kind_id=jw.regular.id,
        max_points="20",
        now=NOW,
    )
    assert lesson.max_points is None


def test_points_are_stored_out_of_the_lessons_maximum(kz, actor_of):
    teacher = actor_of("teacher")
    sor = save_lesson(
        teacher, kz.a_maths_5a.id, date=WEDNESDAY, topic="СОР 1", work_kind_id=kz.sor.id, max_points="20", now=NOW
    )
    cell = set_mark(teacher, sor.id, kz.anna.id, 1, "18", None, now=NOW)
    assert [m.shown for m in cell.marks] == ["18"] and cell.text == "18"
    assert _marks(sor.id, kz.anna.id) == [(1, Decimal(18), Decimal(20), None)]
    with pytest.raises(InvalidInput, match="больше максимума"):
        set_mark(teacher, sor.id, kz.vera.id, 1, "21", None, now=NOW)
    with pytest.raises(InvalidInput, match="один результат"):
        set_mark(teacher, sor.id, kz.anna.id, 2, "3", None, now=NOW)
    # a formative lesson: out of 10; special marks stay words
    cell = set_mark(teacher, kz.lesson_5a.id, kz.vera.id, 1, "7,5", None, now=NOW)
    assert _marks(kz.lesson_5a.id, kz.vera.id) == [(1, Decimal("7.5"), Decimal(10), None)]
    cell = set_mark(teacher, kz.lesson_5a.id, kz.vera.id, 1, "н/а", cell.marks[0].version, now=NOW)
    assert cell.text == "н/а"
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "mark.create").order_by(AuditEvent.id.desc())
    ).first()
    assert json.loads(event.new)["mark"] == "7.5/10"


def test_the_maximum_is_fixed_once_points_are_given(kz, actor_of):
    teacher = actor_of("teacher")
    sor = save_lesson(
        teacher, kz.a_maths_5a.id, date=WEDNESDAY, topic="СОР 1", work_kind_id=kz.sor.id, max_points="20", now=NOW
    )
    set_mark(teacher, sor.id, kz.anna.id, 1, "18", None, now=NOW)
    with pytest.raises(InvalidInput, match="изменить нельзя"):
        save_lesson(
            teacher,
            kz.a_maths_5a.id,
            lesson_id=sor.id,
            date=WEDNESDAY,
            topic="СОР 1",
            work_kind_id=kz.sor.id,
            max_points="15",
            now=NOW,
        )
    same = save_lesson(
        teacher,
        kz.a_maths_5a.id,
        lesson_id=sor.id,
        date=WEDNESDAY,
        topic="СОР 1 (дроби)",
        work_kind_id=kz.sor.id,
        max_points="20,0",
        now=NOW,
    )
    assert same.topic == "СОР 1 (дроби)" and same.max_points == Decimal(20)


def test_the_plain_grid_form_saves_points(kz, actor_of):
    teacher = actor_of("teacher")
    sor = save_lesson(
        teacher, kz.a_maths_5a.id, date=WEDNESDAY, topic="СОР 1", work_kind_id=kz.sor.id, max_points="20", now=NOW
    )
    cell = save_cell(teacher, sor.id, kz.anna.id, "н 17,5", None, now=NOW, assignment_id=kz.a_maths_5a.id)
    assert cell.text == "н 17.5"
    again = save_cell(teacher, sor.id, kz.anna.id, "н 17.5", cell.state(), now=NOW, assignment_id=kz.a_maths_5a.id)
    assert [m.version for m in again.marks] == [m.version for m in cell.marks]  # nothing rewritten
    with pytest.raises(InvalidInput, match="из 20 баллов"):
        save_cell(teacher, sor.id, kz.vera.id, "18/25", None, now=NOW, assignment_id=kz.a_maths_5a.id)
    assert _marks(sor.id, kz.vera.id) == []


def test_the_page_shows_criteria_columns(kz, actor_of):
    teacher = actor_of("teacher")
    save_lesson(
        teacher, kz.a_maths_5a.id, date=WEDNESDAY, topic="СОР 1", work_kind_id=kz.sor.id, max_points="20", now=NOW
    )
    page = journal_page(teacher, kz.a_maths_5a.id, now=NOW)
    assert page.criteria and page.slots == (1,)
    heads = {c.date: (c.criteria_code, c.scale_text) for c in page.columns if c.lesson is not None}
    assert heads[WEDNESDAY] == ("СОР", "20") and heads[MONDAY] == ("ФО", "10")
    five = journal_page(teacher, kz.a_english_g1.id, now=NOW)
    assert five.criteria  # the whole school grades by criteria


def test_the_period_proposal_adds_up_the_points(kz, actor_of):
    teacher = actor_of("teacher")
    sor = save_lesson(
        teacher, kz.a_maths_5a.id, date=WEDNESDAY, topic="СОР 1", work_kind_id=kz.sor.id, max_points="20", now=NOW
    )
    set_mark(teacher, sor.id, kz.anna.id, 1, "18", None, now=NOW)  # 90 %
    anna_fo = db.session.scalar(select(Mark).where(Mark.lesson_id == kz.lesson_5a.id, Mark.student_id == kz.anna.id))
    set_mark(teacher, kz.lesson_5a.id, kz.anna.id, 1, "8", anna_fo.version if anna_fo else None, now=NOW)  # 80 %
    sheet = finals_sheet(teacher, kz.a_maths_5a.id, kz.q1.id, today=D(2026, 10, 26))
    row = next(r for r in sheet.rows if r.student.id == kz.anna.id)
    # no СОЧ: ФО 50 % and СОР 50 % → 0.5·80 + 0.5·90 = 85 % → 5
    assert row.proposal.percent == Decimal("85.00") and row.proposal.value == 5


def test_grid_view_and_keystroke_under_criteria(client, kz, login_as, actor_of):
    sor = save_lesson(
        actor_of("teacher"),
        kz.a_maths_5a.id,
        date=WEDNESDAY,
        topic="СОР 1",
        work_kind_id=kz.sor.id,
        max_points="20",
        now=NOW,
    )
    db.session.commit()
    login_as("teacher")
    html = client.get(f"/admin/journal/{kz.a_maths_5a.id}?period={kz.q1.id}").get_data(as_text=True)
    assert 'data-criteria="1"' in html and "СОР&nbsp;/20" in html
    response = client.post(
        "/admin/journal/cell",
        json={
            "op": "mark",
            "assignment_id": kz.a_maths_5a.id,
            "lesson_id": sor.id,
            "student_id": kz.vera.id,
            "slot": 1,
            "value": "19.5",
            "version": None,
        },
    )
    assert response.status_code == 200 and response.json["text"] == "19.5", response.json
    response = client.post(
        "/admin/journal/cell",
        json={
            "op": "mark",
            "assignment_id": kz.a_maths_5a.id,
            "lesson_id": sor.id,
            "student_id": kz.anna.id,
            "slot": 1,
            "value": "25",
            "version": None,
        },
    )
    assert response.status_code == 400 and "больше максимума" in response.json["error"]
    html = client.get(f"/admin/journal/{kz.a_maths_5a.id}/lesson?lesson={sor.id}").get_data(as_text=True)
    assert 'id="max_points"' in html and 'value="20"' in html and "Баллы (из 20)" in html
