"""The coverage of the program (R2): per line of the thematic plan the hours planned against the
lessons given, up to a date."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import case, func, select

from models.base import db
from models.tables.classes import SchoolClass
from models.tables.curriculum import PlanItem, TeachingAssignment
from models.tables.journal import Lesson
from models.tables.school import Period
from models.tables.timetable import TimetableEntry


# --- coverage of the program -----------------------------------------------------------------------------
@dataclass
class Coverage:
    planned: int  # lessons the timetable puts in the window
    given: int  # lessons entered in the journal in the window

    @property
    def percent(self) -> Decimal | None:
        if not self.planned:
            return None
        return (Decimal(self.given) * 100 / self.planned).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def behind(self) -> int:
        return max(self.planned - self.given, 0)


@dataclass
class CoverageReport:
    """Lessons given vs planned for one assignment: the year to date, and the period (the one containing
    today, or the one asked for) to date and in full; how much of the thematic plan the lessons cover."""

    assignment_id: int
    today: dt.date
    period: Period | None
    year_to_date: Coverage
    period_to_date: Coverage | None
    period_total: Coverage | None
    plan_hours: int
    plan_hours_covered: int  # hours of the plan's lines that linked lessons have taken (at most each line's hours)
    lessons_without_line: int
    from_timetable: bool  # planned from the timetable; False: hours a week × weeks (no timetable yet)

    @property
    def plan_percent(self) -> Decimal | None:
        if not self.plan_hours:
            return None
        return (Decimal(self.plan_hours_covered) * 100 / self.plan_hours).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


def _study_days(periods: list[Period], start: dt.date, end: dt.date) -> list[dt.date]:
    days = []
    for p in periods:
        day, last = max(p.starts_on, start), min(p.ends_on, end)
        while day <= last:
            days.append(day)
            day += dt.timedelta(days=1)
    return days


def _planned(entries: list[TimetableEntry], hours_per_week: Decimal, days: list[dt.date]) -> int:
    if entries:
        return sum(
            1
            for day in days
            for e in entries
            if e.weekday == day.isoweekday() and e.valid_from <= day and (e.valid_to is None or day <= e.valid_to)
        )
    weekdays = sum(1 for day in days if day.weekday() < 5)
    return int((Decimal(weekdays) / 5 * hours_per_week).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def coverage(assignment_ids: list[int], *, today: dt.date, period_id: int | None = None) -> dict[int, CoverageReport]:
    """Coverage reports of many assignments at once (the coordinator's reports use the same function): a
    fixed number of queries, whatever their number. Planned lessons are the timetable's lessons on the
    study days of the class's periods (holidays between periods excluded); given lessons are those entered."""
    if not assignment_ids:
        return {}
    rows = db.session.execute(
        select(TeachingAssignment, SchoolClass)
        .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
        .where(TeachingAssignment.id.in_(assignment_ids))
    ).all()
    years = {a.year_id for a, _c in rows}
    periods: dict[tuple[int, str], list[Period]] = defaultdict(list)
    by_id: dict[int, Period] = {}
    for p in db.session.scalars(select(Period).where(Period.year_id.in_(years)).order_by(Period.starts_on)):
        periods[(p.year_id, p.scheme)].append(p)
        by_id[p.id] = p
    entries: dict[int, list[TimetableEntry]] = defaultdict(list)
    for e in db.session.scalars(select(TimetableEntry).where(TimetableEntry.assignment_id.in_(assignment_ids))):
        entries[e.assignment_id].append(e)
    lesson_dates: dict[int, list[dt.date]] = defaultdict(list)
    without_line: dict[int, int] = defaultdict(int)
    for assignment_id, date, has_line in db.session.execute(
        select(Lesson.assignment_id, Lesson.date, Lesson.plan_item_id.is_not(None)).where(
            Lesson.assignment_id.in_(assignment_ids), Lesson.date <= today
        )
    ):
        lesson_dates[assignment_id].append(date)
        if not has_line:
            without_line[assignment_id] += 1
    per_line = (
        select(Lesson.plan_item_id.label("item_id"), func.count().label("n"))
        .where(Lesson.assignment_id.in_(assignment_ids), Lesson.plan_item_id.is_not(None))
        .group_by(Lesson.plan_item_id)
        .subquery()
    )
    plan = {
        a_id: (int(hours or 0), int(covered or 0))
        for a_id, hours, covered in db.session.execute(
            select(
                PlanItem.assignment_id,
                func.sum(PlanItem.hours),
                func.sum(
                    case(
                        (per_line.c.n.is_(None), 0), (per_line.c.n < PlanItem.hours, per_line.c.n), else_=PlanItem.hours
                    )
                ),
            )
            .outerjoin(per_line, per_line.c.item_id == PlanItem.id)
            .where(PlanItem.assignment_id.in_(assignment_ids))
            .group_by(PlanItem.assignment_id)
        )
    }

    reports = {}
    for a, cls in rows:
        terms = periods.get((a.year_id, cls.period_scheme), [])
        hours = Decimal(a.hours_per_week)
        mine = entries.get(a.id, [])
        dates = lesson_dates.get(a.id, [])
        year_start = terms[0].starts_on if terms else None
        year_days = _study_days(terms, year_start, today) if terms else []
        year_cov = Coverage(_planned(mine, hours, year_days), len(dates))
        period = by_id.get(period_id) if period_id is not None else None
        if period is not None and (period.year_id != a.year_id or period.scheme != cls.period_scheme):
            period = None
        if period is None and period_id is None:
            period = next((p for p in terms if p.starts_on <= today <= p.ends_on), None) or next(
                (p for p in reversed(terms) if p.ends_on < today), None
            )
        period_to_date = period_total = None
        if period is not None:
            to_date_days = _study_days([period], period.starts_on, min(today, period.ends_on))
            given = sum(1 for d in dates if period.starts_on <= d <= period.ends_on)
            period_to_date = Coverage(_planned(mine, hours, to_date_days), given)
            period_total = Coverage(
                _planned(mine, hours, _study_days([period], period.starts_on, period.ends_on)), given
            )
        plan_hours, covered = plan.get(a.id, (0, 0))
        reports[a.id] = CoverageReport(
            a.id,
            today,
            period,
            year_cov,
            period_to_date,
            period_total,
            plan_hours,
            covered,
            without_line.get(a.id, 0),
            bool(mine),
        )
    return reports
