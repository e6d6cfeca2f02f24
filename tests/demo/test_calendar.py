"""The demo school's calendar: which days get lessons when the scale names no number of weeks (the demo
started on any day of the year is filled up to yesterday)."""

from __future__ import annotations

import datetime as dt

import pytest

from demo.calendar import SchoolCalendar, year_start

D = dt.date


@pytest.mark.parametrize(
    "today,first,last",
    [
        (D(2026, 12, 5), D(2026, 9, 1), D(2026, 12, 4)),  # a Saturday: up to Friday
        (D(2026, 11, 9), D(2026, 9, 1), D(2026, 11, 6)),  # the autumn holidays are skipped
        (D(2026, 9, 2), D(2026, 9, 1), D(2026, 9, 4)),  # the first days of the year: at least the first week
        (D(2026, 8, 20), D(2026, 9, 1), D(2026, 9, 4)),  # before the year: the first week
        (D(2027, 7, 1), D(2026, 9, 1), D(2027, 5, 26)),  # summer: the whole year
    ],
)
def test_lessons_up_to_yesterday(today, first, last):
    calendar = SchoolCalendar(year_start(today), None, today)
    assert (calendar.lesson_days[0], calendar.lesson_days[-1]) == (first, last)
    assert D(2026, 11, 4) not in calendar.lesson_days  # a public holiday


def test_a_number_of_weeks_ignores_today():
    calendar = SchoolCalendar(D(2026, 9, 1), 2, D(2027, 3, 1))
    assert calendar.lesson_days[-1] == D(2026, 9, 11)
