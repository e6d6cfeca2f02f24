import datetime as dt

import pytest

from models.deadlines import (
    DeadlineRules,
    homework_deadline,
    is_late,
    lesson_deadline,
    marks_deadline,
    period_mark_deadline,
)
from models.school.settings import SETTINGS

MON = dt.date(2026, 9, 7)
DEFAULT = DeadlineRules()


@pytest.mark.parametrize(
    "grade,control,rules,due",
    [
        (5, False, DEFAULT, MON),  # ordinary marks: the same day
        (3, True, DEFAULT, MON + dt.timedelta(days=1)),  # tests in grades 1–5: one day
        (5, True, DEFAULT, MON + dt.timedelta(days=1)),
        (6, True, DEFAULT, MON + dt.timedelta(days=3)),  # tests in grades 6–11: three days
        (11, True, DEFAULT, MON + dt.timedelta(days=3)),
        (7, False, DeadlineRules(marks_days=2), MON + dt.timedelta(days=2)),  # a school that allows 2 days
        (7, True, DeadlineRules(marks_days=7, test_marks_days_6_11=3), MON + dt.timedelta(days=7)),  # weekly
    ],
)
def test_marks_deadline(grade, control, rules, due):
    assert marks_deadline(MON, grade, control, rules) == due


@pytest.mark.parametrize(
    "entered,deadline,late",
    [
        (MON, MON, False),
        (MON + dt.timedelta(days=1), MON, True),
        (MON - dt.timedelta(days=1), MON, False),
    ],
)
def test_is_late(entered, deadline, late):
    assert is_late(entered, deadline) is late


def test_lesson_homework_and_period_deadlines():
    assert lesson_deadline(MON, DEFAULT) == MON
    assert lesson_deadline(MON, DeadlineRules(lesson_days=1)) == MON + dt.timedelta(days=1)
    assert homework_deadline(MON) == MON
    assert period_mark_deadline(dt.date(2026, 10, 25), DEFAULT) == dt.date(2026, 10, 26)


def test_rules_read_from_school_settings_defaults():
    values = {s.key: s.default for s in SETTINGS}
    assert DeadlineRules.from_settings(values) == DEFAULT
