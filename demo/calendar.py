"""The school year: periods, holidays and the days on which lessons are given."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

D = dt.date


def year_start(today: dt.date) -> dt.date:
    """Sep 1 of the academic year that ``today`` belongs to (from August on: the year starting now)."""
    return D(today.year if today.month >= 8 else today.year - 1, 9, 1)


@dataclass
class PeriodDef:
    scheme: str
    number: int
    name: str
    starts_on: dt.date
    ends_on: dt.date


class SchoolCalendar:
    def __init__(self, start: dt.date, weeks: int | None, today: dt.date | None = None):
        """``weeks`` of lessons from Sep 1; None: every school day before ``today`` (the journal is filled
        up to yesterday, today's lessons are left to the teacher), at least the first week."""
        y = start.year
        self.start = start
        self.year_name = f"{y}/{y + 1}"
        self.year_ends_on = D(y + 1, 8, 31)
        self.quarters = [
            PeriodDef("quarter", 1, "1 четверть", D(y, 9, 1), D(y, 10, 24)),
            PeriodDef("quarter", 2, "2 четверть", D(y, 11, 5), D(y, 12, 28)),
            PeriodDef("quarter", 3, "3 четверть", D(y + 1, 1, 12), D(y + 1, 3, 20)),
            PeriodDef("quarter", 4, "4 четверть", D(y + 1, 4, 1), D(y + 1, 5, 26)),
        ]
        self.halves = [
            PeriodDef("half_year", 1, "1 полугодие", D(y, 9, 1), D(y, 12, 28)),
            PeriodDef("half_year", 2, "2 полугодие", D(y + 1, 1, 12), D(y + 1, 5, 26)),
        ]
        self.whole = PeriodDef("year", 1, "Учебный год", D(y, 9, 1), D(y + 1, 5, 26))
        self.holidays = {D(y, 11, 4), D(y + 1, 2, 23), D(y + 1, 3, 8), D(y + 1, 5, 1), D(y + 1, 5, 9)}
        # First graders have an extra week of holidays in February (the week of the third Monday).
        feb = D(y + 1, 2, 1)
        third_monday = feb + dt.timedelta(days=(7 - feb.weekday()) % 7 + 14)
        self.grade1_break = {third_monday + dt.timedelta(days=i) for i in range(5)}

        study: list[dt.date] = []
        for q in self.quarters:
            day = q.starts_on
            while day <= q.ends_on:
                if day.weekday() < 5 and day not in self.holidays:
                    study.append(day)
                day += dt.timedelta(days=1)
        self.study_days = study
        if weeks is None:
            first_week = study[0].isocalendar()[:2] if study else None
            self.lesson_days = [d for d in study if d < (today or start) or d.isocalendar()[:2] == first_week]
        else:
            seen: list[tuple[int, int]] = []
            chosen = []
            for d in study:
                week = d.isocalendar()[:2]
                if week not in seen:
                    if len(seen) == weeks:
                        break
                    seen.append(week)
                chosen.append(d)
            self.lesson_days = chosen
        # Periods whose marks the demo sets (as the teachers would have): only when the journal is filled up to
        # today, the terms that have ended by then.
        self.ended_terms = [
            p for p in (*self.quarters, *self.halves) if weeks is None and today is not None and p.ends_on < today
        ]
        q1 = [d for d in self.lesson_days if d <= self.quarters[0].ends_on] or self.lesson_days
        # Movement examples happen inside the first quarter, within the generated lessons.
        self.movement_days = q1

    @property
    def periods(self) -> list[PeriodDef]:
        return [*self.quarters, *self.halves, self.whole]
