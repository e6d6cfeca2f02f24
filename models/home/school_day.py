"""The administration's home page: what needs attention today — substitutions of the day, the period to close
and the marks still missing in it, the remarks to teachers still open (and overdue). Each line leads to the
page where it is dealt with. For the coordinator, the director and the operator; a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from models.access import Actor
from models.base import db
from models.finals.closing import PeriodStatus, missing_count, period_to_close, year_periods
from models.tables.classes import SchoolClass
from models.tables.control import Remark
from models.tables.curriculum import TeachingAssignment
from models.tables.timetable import Substitution, TimetableEntry


@dataclass
class SchoolDay:
    day: dt.date
    substitutions: int
    period: PeriodStatus | None  # the period to close (ended and not closed), else the running one
    missing: int  # marks of that period still missing
    open_remarks: int
    overdue_remarks: int


def school_day(actor: Actor, today: dt.date) -> SchoolDay | None:
    """None for whoever does not see the whole school."""
    if not actor.whole_school or actor.school_id is None:
        return None
    substitutions = db.session.scalar(
        select(func.count())
        .select_from(Substitution)
        .join(TimetableEntry, TimetableEntry.id == Substitution.entry_id)
        .join(TeachingAssignment, TeachingAssignment.id == TimetableEntry.assignment_id)
        .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
        .where(SchoolClass.school_id == actor.school_id, Substitution.date == today)
    )
    _year, periods = year_periods(actor, today)
    period = period_to_close(periods)
    missing = missing_count(period.period) if period is not None else 0
    open_ = (
        select(func.count()).select_from(Remark).where(Remark.school_id == actor.school_id, Remark.fixed_at.is_(None))
    )
    return SchoolDay(
        today,
        substitutions,
        period,
        missing,
        db.session.scalar(open_),
        db.session.scalar(open_.where(Remark.due_on < today)),
    )
