"""The numbers behind the charts (issue 16, item 6; drawn by reports/charts.py ``column_chart``): the distribution
of period marks per class, качество знаний by class and over the year's periods (from ``period_results``, the
same figures as the results page's tables), and attendance by week (lessons missed with and without a good
reason, and not explained yet). The bound class journal draws the same charts for its class."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from models.access import Actor, results_class_ids
from models.base import db
from models.i18n import N_, Text, _
from models.journal.attendance_review import kind_of_absence
from models.reports.results import Standings, standing
from models.tables.curriculum import TeachingAssignment
from models.tables.journal import Attendance, AttendanceReason, Lesson

if TYPE_CHECKING:
    from models.reports.bound_journal import BoundJournal
    from models.reports.results import PeriodResults

MARKS = (5, 4, 3, 2)  # the columns of a distribution; other marks (н/а, зачёт) are in the tables
ABSENCE_KINDS = {
    "excused": N_("по уважительной причине"),
    "unexcused": N_("без уважительной причины"),
    "unexplained": N_("причина не указана"),
}


@dataclass
class Series:
    name: object  # a Text or a name as typed
    values: list[float]


@dataclass
class Chart:
    key: str
    title: object
    categories: list[object]
    series: list[Series]
    percent: bool = False
    stacked: bool = False

    @property
    def top(self) -> float:
        """The highest column (stacked: the highest sum)."""
        if not self.series:
            return 0
        columns = zip(*(s.values for s in self.series), strict=True)
        return max((sum(c) if self.stacked else max(c) for c in columns), default=0)


def mark_distribution(title, categories: list[object], counts: list[Counter]) -> Chart:
    """How many «5», «4», «3», «2» each category (a class, a period) has among its period marks."""
    series = [Series(Text(_("«%(mark)s»"), mark=m), [c.get(m, 0) for c in counts]) for m in MARKS]
    return Chart("marks", title, categories, series, stacked=True)


def absences(class_ids: Select | list[int], start: dt.date, end: dt.date) -> Iterable[tuple[Attendance, dt.date]]:
    """Every absence and late arrival at the classes' lessons between ``start`` and ``end``, with the lesson's day."""
    return db.session.execute(
        select(Attendance, Lesson.date)
        .join(Lesson, Lesson.id == Attendance.lesson_id)
        .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
        .options(joinedload(Attendance.reason))
        .where(TeachingAssignment.class_id.in_(class_ids), Lesson.date.between(start, end))
    ).all()


def attendance_by_week(class_ids: Select | list[int], start: dt.date, end: dt.date) -> Chart:
    """Lessons missed per school week (Monday to Sunday) from ``start`` to ``end``, by kind of reason."""
    weeks: dict[dt.date, Counter] = defaultdict(Counter)
    monday = start - dt.timedelta(days=start.weekday())
    while monday <= end:
        weeks[monday] = Counter()
        monday += dt.timedelta(days=7)
    counted = db.session.execute(
        select(
            Lesson.date, Attendance.status, Attendance.reason_id.is_not(None), AttendanceReason.is_excused, func.count()
        )
        .join(Lesson, Lesson.id == Attendance.lesson_id)
        .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
        .outerjoin(AttendanceReason, AttendanceReason.id == Attendance.reason_id)
        .where(TeachingAssignment.class_id.in_(class_ids), Lesson.date.between(start, end))
        .group_by(Lesson.date, Attendance.status, Attendance.reason_id.is_not(None), AttendanceReason.is_excused)
    )  # counted by the database: a school's quarter is ~10^4 absences
    for day, status, has_reason, is_excused, count in counted:
        kind = kind_of_absence(status, bool(has_reason), is_excused)
        if kind:
            weeks[day - dt.timedelta(days=day.weekday())][kind] += count
    ordered = sorted(weeks)
    return Chart(
        "attendance",
        Text(_("Пропущено уроков по неделям")),
        [d.strftime("%d.%m") for d in ordered],
        [Series(Text(label), [weeks[d][kind] for d in ordered]) for kind, label in ABSENCE_KINDS.items()],
        stacked=True,
    )


def _percent(value) -> float:
    return float(value) if value is not None else 0.0


def results_charts(actor: Actor, r: PeriodResults, *, today: dt.date) -> list[Chart]:
    """The results page's charts for its period: marks per class, quality by class, quality of the school over
    the year's periods of the same kind, attendance by week of the classes the actor reads."""
    from models.reports.results import period_results

    names = [line.school_class.name for line in r.classes]
    over_year = []
    for p in r.periods:
        if p.scheme == r.period.scheme and p.starts_on <= today:
            other = r if p.id == r.period.id else period_results(actor, p.id, today=today)
            over_year.append((p.name, other.school.quality))
    return [
        mark_distribution(
            Text(_("Отметки за период по классам")), names, [Counter(line.marks.counts) for line in r.classes]
        ),
        Chart(
            "quality",
            Text(_("Качество знаний по классам, %")),
            names,
            [Series(Text(_("Качество знаний")), [_percent(line.standings.quality) for line in r.classes])],
            percent=True,
        ),
        Chart(
            "quality-year",
            Text(_("Качество знаний по периодам года, %")),
            [name for name, _q in over_year],
            [Series(Text(_("Качество знаний")), [_percent(q) for _n, q in over_year])],
            percent=True,
        ),
        attendance_by_week(
            [line.school_class.id for line in r.classes] if r.classes else results_class_ids(actor),
            r.period.starts_on,
            min(r.period.ends_on, today),
        ),
    ]


def _quality(values: Iterable[list[int | str]]) -> float:
    """качество знаний by students (as the results page counts it): % of the graded with only 4s and 5s."""
    return _percent(Standings(Counter(standing(v) for v in values)).quality)


def class_charts(b: BoundJournal) -> list[Chart]:
    """The bound journal's charts for its class: its period marks per period of the volume, its quality of
    knowledge over those periods (and the year), attendance by week."""
    tables = [t for t in b.marks if t.kind == "period"]
    students = [line.student.id for line in b.roster]
    return [
        mark_distribution(
            Text(_("Отметки за период")),
            [t.title for t in tables],
            [Counter(v for v in t.values().values() for v in v if isinstance(v, int)) for t in tables],
        ),
        Chart(
            "quality-year",
            Text(_("Качество знаний по периодам года, %")),
            [t.title for t in b.marks],
            [
                Series(
                    Text(_("Качество знаний")), [_quality(t.values().get(sid, []) for sid in students) for t in b.marks]
                )
            ],
            percent=True,
        ),
        attendance_by_week([b.school_class.id], b.starts_on, min(b.ends_on, b.today)),
    ]
