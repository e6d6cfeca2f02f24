"""When journal entries are due, pure (R28). Late entries are accepted and flagged for the control reports.

Defaults follow the regulations (homework by the day of the lesson; marks the same day; tests within
1 day in grades 1–5 and 3 days in 6–11; period marks a day after the period) and are school settings.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class DeadlineRules:
    marks_days: int = 0
    test_marks_days_1_5: int = 1
    test_marks_days_6_11: int = 3
    lesson_days: int = 0
    period_mark_days: int = 1

    @classmethod
    def from_settings(cls, values: dict) -> DeadlineRules:
        return cls(
            values["marks_deadline_days"],
            values["test_marks_deadline_days_1_5"],
            values["test_marks_deadline_days_6_11"],
            values["lesson_deadline_days"],
            values["period_mark_deadline_days"],
        )


LAST_JUNIOR_GRADE = 5  # control works: grades 1-5 and 6-11 have their own deadlines


def marks_deadline_days(grade: int, is_control: bool, rules: DeadlineRules) -> int:
    """Days after the lesson by which its marks are due."""
    if is_control:
        days = rules.test_marks_days_1_5 if grade <= LAST_JUNIOR_GRADE else rules.test_marks_days_6_11
        return max(days, rules.marks_days)
    return rules.marks_days


def marks_deadline(lesson_date: dt.date, grade: int, is_control: bool, rules: DeadlineRules) -> dt.date:
    return lesson_date + dt.timedelta(days=marks_deadline_days(grade, is_control, rules))


def lesson_deadline(lesson_date: dt.date, rules: DeadlineRules) -> dt.date:
    """Topic of the lesson."""
    return lesson_date + dt.timedelta(days=rules.lesson_days)


def homework_deadline(lesson_date: dt.date) -> dt.date:
    """Homework must be in the diary by the day of the lesson it is set at."""
    return lesson_date


def period_mark_deadline(period_end: dt.date, rules: DeadlineRules) -> dt.date:
    return period_end + dt.timedelta(days=rules.period_mark_days)


def is_late(entered_on: dt.date, deadline: dt.date) -> bool:
    return entered_on > deadline


def entered_late(entered: dt.date | None, deadline: dt.date) -> bool:
    """Late flags: an entry without a recorded time (an old import) is not flagged."""
    return entered is not None and is_late(entered, deadline)


# A new school's zone (the operator changes it in the school settings): SCHOOL_TIMEZONE, else Moscow.
DEFAULT_ZONE = os.environ.get("SCHOOL_TIMEZONE") or "Europe/Moscow"


def school_zone(name: str | None) -> ZoneInfo:
    """The school's time zone (its calendar day decides what is late), DEFAULT_ZONE when unset or unknown."""
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (KeyError, ValueError):  # a bad zone name in the school's row or the environment
        return ZoneInfo("Europe/Moscow")


def local_moment(moment: dt.datetime | None, tz: ZoneInfo) -> dt.datetime | None:
    """A stored moment on the school's wall clock (SQLite hands UTC times back without a zone)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(tz)


def local_day(moment: dt.datetime | None, tz: ZoneInfo) -> dt.date | None:
    """The school's calendar day of a stored moment."""
    return None if moment is None else local_moment(moment, tz).date()
