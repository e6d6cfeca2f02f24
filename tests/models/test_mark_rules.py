"""Each rule about marks decided once (models/marks.py, models/tables/people.py) and read the same by every door:
the journal grid, the finals sheets and marks page (mark_pair), the diary (Mark.display), the criteria
proposal, the staff form and the import."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from models import db
from models.deadlines import DeadlineRules
from models.errors import InvalidInput
from models.finals.proposals import mark_pair
from models.finals.saving import parse_value
from models.grading import CriteriaScheme, GradingRules, MarkInput
from models.journal.page import _cell_mark
from models.journal.rules import canonical_mark
from models.marks import (
    SPECIAL_MARKS,
    SPECIAL_SPELLINGS,
    mark_text,
    mark_weight,
    marks_given,
    require_marks_given,
    special_mark,
    work_kind_of,
)
from models.tables.classes import SchoolClass
from models.tables.journal import Lesson, Mark, WorkKind
from models.tables.people import STUDENT_AGES, age_on, check_birth_date

DAY = dt.date(2026, 10, 5)


# --- 1. first grade is taught without marks ---------------------------------------------------------------------
@pytest.mark.parametrize("grade,given", [(0, False), (1, False), (2, True), (5, True), (11, True), (12, True)])
def test_marks_are_given_from_the_second_grade(grade, given):
    assert marks_given(grade) is given
    if given:
        require_marks_given(grade)
    else:
        with pytest.raises(InvalidInput, match="первом классе"):
            require_marks_given(grade)


def test_the_class_answers_the_same_in_python_and_in_sql(world):
    classes = db.session.scalars(select(SchoolClass)).all()
    for grade in (1, 2):
        world_cls = classes[0]
        world_cls.grade = grade
        db.session.flush()
        in_sql = db.session.scalar(select(SchoolClass.gets_marks).where(SchoolClass.id == world_cls.id))
        assert bool(in_sql) is world_cls.gets_marks is marks_given(grade)


# --- 2. a mark's kind of work and weight ------------------------------------------------------------------------
TEST = WorkKind(id=1, code="test", name="Контрольная", weight=D("2"), is_control=True, criteria_kind="sor")
ORAL = WorkKind(id=2, code="oral", name="Ответ", weight=D("1"), is_control=False, criteria_kind=None)
KINDS = {1: TEST, 2: ORAL}


@pytest.mark.parametrize(
    "own_weight,own_kind,lesson_kind,weight,kind",
    [
        (None, None, 2, D("1"), ORAL),  # the lesson's kind
        (None, 1, 2, D("2"), TEST),  # the mark's own kind overrides the lesson's
        (D("1.5"), 1, 2, D("1.5"), TEST),  # the mark's own weight overrides its kind's
        (D("3"), None, 2, D("3"), ORAL),
        (None, None, None, D("1"), None),  # nothing: 1
    ],
)
def test_weight_and_kind_are_resolved_once_and_every_door_agrees(own_weight, own_kind, lesson_kind, weight, kind):
    assert work_kind_of(KINDS.get(own_kind), KINDS.get(lesson_kind)) is kind
    assert mark_weight(own_weight, kind) == weight
    mark = Mark(
        id=1,
        slot=1,
        value=4,
        weight=own_weight,
        work_kind_id=own_kind,
        version=1,
        created_at=dt.datetime(2026, 10, 5, 8, tzinfo=dt.UTC),
    )
    lesson = Lesson(id=1, date=DAY, work_kind_id=lesson_kind)
    grid = _cell_mark(mark, lesson, KINDS, 5, DeadlineRules(), ZoneInfo("UTC"))
    chip, graded = mark_pair(mark, DAY, lesson_kind, KINDS)
    assert grid.weight == chip.weight == graded.weight == weight
    assert chip.is_control is graded.is_control is bool(kind and kind.is_control)
    assert graded.criteria_kind == (kind.criteria_kind if kind else None)


# --- 3. how a mark is shown -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value,special,points,max_points,full,compact",
    [
        (5, None, None, None, "5", "5"),
        (None, "н/а", None, None, "н/а", "н/а"),
        (None, "осв", None, None, "осв", "осв"),
        (None, None, D("18.00"), D("20.00"), "18/20", "18"),  # as the database returns Numeric(6, 2)
        (None, None, D("7.50"), D("10"), "7.5/10", "7.5"),
        (None, None, D("0"), D("25"), "0/25", "0"),
    ],
)
def test_one_display_rule_for_every_page(value, special, points, max_points, full, compact):
    assert mark_text(value, special, points, max_points) == full
    assert mark_text(value, special, points, max_points, compact=True) == compact
    mark = Mark(
        id=1,
        slot=1,
        value=value,
        special=special,
        points=points,
        max_points=max_points,
        version=1,
        created_at=dt.datetime(2026, 10, 5, 8, tzinfo=dt.UTC),
    )
    assert mark.display == str(mark) == full  # the diary, the history
    assert mark_pair(mark, DAY, 2, KINDS)[0].shown == full  # the finals sheet, the marks page
    lesson = Lesson(id=1, date=DAY, work_kind_id=2)
    assert _cell_mark(mark, lesson, KINDS, 5, DeadlineRules(), ZoneInfo("UTC")).shown == compact  # the grid, PDF
    assert canonical_mark(compact) == compact  # what the grid shows is what it reads back


def test_a_criteria_proposal_shows_points_by_the_same_rule():
    proposal = CriteriaScheme().propose(
        [
            MarkInput(points=D("18.00"), max_points=D("20.00"), criteria_kind="sor"),
            MarkInput(points=D("7.50"), criteria_kind="fo"),
        ],
        GradingRules(),
    )
    assert [c.shown for c in proposal.contributions] == ["7.5/10", "18/20"]


# --- 4. special marks' spellings ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "typed,stored",
    [
        ("н/а", "н/а"),
        ("Н/А", "н/а"),
        ("на", "н/а"),
        ("н\\а", "н/а"),
        ("н.а.", "н/а"),
        ("N/A", "н/а"),
        ("зач", "зач"),
        ("Зачёт", "зач"),
        ("зачет", "зач"),
        ("зач.", "зач"),
        ("незач", "незач"),
        ("незачёт", "незач"),
        (" НЕЗАЧ. ", "незач"),
        ("осв", "осв"),
        ("осв.", "осв"),
    ],
)
def test_one_spelling_table_for_the_journal_and_the_finals(typed, stored):
    assert special_mark(typed) == canonical_mark(typed) == parse_value(typed) == stored


def test_every_spelling_means_a_stored_special_mark():
    assert set(SPECIAL_SPELLINGS.values()) == set(SPECIAL_MARKS)
    assert special_mark("5") is None and special_mark("пять") is None


# --- 5. a birth date ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "born,today,ok",
    [
        (dt.date(2015, 3, 14), DAY, True),
        (dt.date(2023, 10, 5), DAY, True),  # 3 today
        (dt.date(2023, 10, 6), DAY, False),  # 3 tomorrow
        (dt.date(2001, 10, 6), DAY, True),  # 25, 26 tomorrow
        (dt.date(2000, 10, 5), DAY, False),  # 26 today
        (dt.date(2030, 1, 1), DAY, False),  # not born yet
        (dt.date(1950, 1, 1), DAY, False),
        (dt.date(2020, 2, 29), dt.date(2023, 2, 28), False),  # 2 until 1 March
        (dt.date(2020, 2, 29), dt.date(2023, 3, 1), True),
    ],
)
def test_one_birth_date_rule(born, today, ok):
    low, high = STUDENT_AGES
    assert (low <= age_on(born, today) <= high) is ok
    if ok:
        check_birth_date(born, today)
    else:
        with pytest.raises(InvalidInput) as exc:
            check_birth_date(born, today)
        assert "такой даты рождения быть не может" in exc.value.message
        assert f"от {low} до {high} лет" in exc.value.message


@pytest.mark.parametrize("years_old,ok", [(2, False), (3, True), (10, True), (25, True), (26, False)])
def test_the_staff_form_and_the_import_use_the_birth_date_rule(app, years_old, ok):
    from wtforms import ValidationError

    from admin_views.forms import today
    from admin_views.rosters import birth_date_in_range
    from models.school.imports.students import check_birth_date as import_rule

    assert import_rule is check_birth_date
    day = today()
    born = (
        day.replace(year=day.year - years_old)
        if (day.month, day.day) != (2, 29)
        else dt.date(day.year - years_old, 3, 1)
    )

    class Field:
        data = born

    with app.test_request_context():
        if ok:
            birth_date_in_range(None, Field)
        else:
            with pytest.raises(ValidationError, match="возраст обучающегося"):
                birth_date_in_range(None, Field)
