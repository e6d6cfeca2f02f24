"""Results of a period (R30): from the period (or year) marks set in the journal, per class the students by
standing — отличники, хорошисты, с одной «3», троечники, неуспевающие, not graded yet — with успеваемость and
качество знаний counted by students; per class, subject and teacher the marks' успеваемость, качество, СОУ and
average (``models.grading.result_stats``); the marks still missing (``models.finals.closing.missing_students``, as
closing the period counts them); the school's totals.

The class of a student is the one they are enrolled in on the period's last day (today while it runs).
A fixed number of queries for the whole school."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from models.access import Actor, can_view_results, require, results_class_ids
from models.base import db
from models.finals.closing import missing_students, school_period, year_periods
from models.finals.proposals import mark_kind, reference_day
from models.grading import ResultStats, percent, result_stats, student_standing
from models.i18n import N_, _
from models.roster import stay_on
from models.tables.classes import Enrollment, SchoolClass
from models.tables.curriculum import Subject, TeachingAssignment
from models.tables.finals import PeriodMark
from models.tables.school import AcademicYear, Period

# A student's standing over the period's marks (mutually exclusive, in this order of display).
STANDINGS = {
    "excellent": N_("отличники"),
    "good": N_("хорошисты"),
    "one_three": N_("с одной «3»"),
    "satisfactory": N_("троечники"),
    "failing": N_("неуспевающие"),
    "not_graded": N_("без отметок"),
}


def standing(marks: list[int | str]) -> str:
    """``student_standing`` with the reserve split off the satisfactory: exactly one 3, the rest 4 and 5."""
    result = student_standing(marks)
    if (
        result == "satisfactory"
        and sum(1 for m in marks if m == 3) == 1
        and all(m >= 3 for m in marks if isinstance(m, int))
    ):
        return "one_three"
    return result


@dataclass
class Standings:
    counts: Counter = field(default_factory=Counter)

    @property
    def students(self) -> int:
        return sum(self.counts.values())

    @property
    def graded(self) -> int:
        return self.students - self.counts["not_graded"]

    @property
    def success(self) -> Decimal | None:
        """успеваемость by students: % of the graded students with no 2 and no н/а."""
        return percent(self.graded - self.counts["failing"], self.graded)

    @property
    def quality(self) -> Decimal | None:
        """качество знаний by students: % of the graded students with only 4s and 5s."""
        return percent(self.counts["excellent"] + self.counts["good"], self.graded)


@dataclass
class ClassLine:
    school_class: SchoolClass
    standings: Standings
    marks: ResultStats
    missing: int


@dataclass
class GroupLine:
    """A subject or a teacher over all the classes of the report."""

    name: str
    marks: ResultStats
    classes: list[str] = field(default_factory=list)
    missing: int = 0


@dataclass
class PeriodResults:
    year: AcademicYear
    periods: list[Period]  # of the year, for the selector
    period: Period
    on: dt.date
    classes: list[ClassLine]
    subjects: list[GroupLine]
    teachers: list[GroupLine]
    school: Standings
    school_marks: ResultStats
    missing: int

    @property
    def standing_keys(self) -> list[str]:
        return list(STANDINGS)


def _value(pm: PeriodMark) -> int | str:
    return pm.value if pm.value is not None else pm.special


def period_results(actor: Actor, period_id: int | None, *, today: dt.date) -> PeriodResults | None:
    """None when the school has no year with periods yet."""
    require(can_view_results(actor), _("Итоги периода видят администрация школы и классные руководители."))
    year, statuses = year_periods(actor, today)
    if year is None or not statuses:
        return None
    if period_id is None:
        # the period that ended last (its results are complete), else the one running, else the first
        terms = [s.period for s in statuses if s.period.scheme != "year"] or [s.period for s in statuses]
        ended = [p for p in terms if p.ends_on < today]
        running = [p for p in terms if p.starts_on <= today <= p.ends_on]
        period = (
            max(ended, key=lambda p: p.ends_on)
            if ended
            else min(running, key=lambda p: p.ends_on)
            if running
            else terms[0]
        )
    else:
        period = school_period(actor, period_id)
        if period.year_id != year.id:  # an earlier year: its own periods in the selector
            year = period.year
            statuses = [s for s in year_periods(actor, period.ends_on)[1]]
    kind = mark_kind(period)
    on = reference_day(period, today)
    classes_q = select(SchoolClass).where(
        SchoolClass.year_id == period.year_id, SchoolClass.gets_marks, SchoolClass.id.in_(results_class_ids(actor))
    )
    if kind == "period":
        classes_q = classes_q.where(SchoolClass.period_scheme == period.scheme)
    classes = db.session.scalars(classes_q.order_by(SchoolClass.grade, SchoolClass.letter)).all()
    class_of = dict(
        db.session.execute(
            select(Enrollment.student_id, Enrollment.class_id).where(
                Enrollment.class_id.in_([c.id for c in classes] or [0]), stay_on(Enrollment, on)
            )
        ).all()
    )
    marks = db.session.scalars(
        select(PeriodMark).where(
            PeriodMark.period_id == period.id, PeriodMark.kind == kind, PeriodMark.student_id.in_(list(class_of) or [0])
        )
    ).all()
    subjects = {
        s.id: s
        for s in db.session.scalars(select(Subject).where(Subject.id.in_({pm.subject_id for pm in marks} or {0})))
    }
    assignments = {
        a.id: a
        for a in db.session.scalars(
            select(TeachingAssignment)
            .options(joinedload(TeachingAssignment.teacher))
            .where(TeachingAssignment.id.in_({pm.assignment_id for pm in marks if pm.assignment_id} or {0}))
        )
    }
    shown = {c.id for c in classes}
    period_assignments, lacking = missing_students(period)  # of the classes graded for this period

    by_student: dict[int, list] = defaultdict(list)
    by_class: dict[int, list] = defaultdict(list)
    by_subject: dict[int, list] = defaultdict(list)
    by_teacher: dict[int, list] = defaultdict(list)
    teacher_classes: dict[int, set] = defaultdict(set)
    for pm in marks:
        value = _value(pm)
        class_id = class_of[pm.student_id]
        by_student[pm.student_id].append(value)
        by_class[class_id].append(value)
        by_subject[pm.subject_id].append(value)
        a = assignments.get(pm.assignment_id)
        if a is not None:
            by_teacher[a.teacher_id].append(value)
            teacher_classes[a.teacher_id].add(class_id)
    missing_by_class = Counter()
    missing_by_subject = Counter()
    for a in period_assignments:
        if a.id in lacking and a.class_id in shown:
            missing_by_class[a.class_id] += len(lacking[a.id])
            missing_by_subject[a.subject_id] += len(lacking[a.id])
            subjects.setdefault(a.subject_id, a.subject)
    students_of: dict[int, list[int]] = defaultdict(list)
    for sid, cid in class_of.items():
        students_of[cid].append(sid)

    place = {c.id: i for i, c in enumerate(classes)}
    school = Standings()
    lines = []
    for cls in classes:
        standings = Standings(Counter(standing(by_student.get(sid, [])) for sid in students_of[cls.id]))
        school.counts.update(standings.counts)
        lines.append(ClassLine(cls, standings, result_stats(by_class.get(cls.id, [])), missing_by_class[cls.id]))
    subject_lines = [
        GroupLine(s.name, result_stats(by_subject.get(s.id, [])), missing=missing_by_subject[s.id])
        for s in sorted(subjects.values(), key=lambda s: s.name)
    ]
    staff = {a.teacher_id: a.teacher for a in assignments.values()}
    teacher_lines = [
        GroupLine(
            staff[tid].short_name,
            result_stats(values),
            [classes[place[c]].name for c in sorted(teacher_classes[tid], key=place.get)],
        )
        for tid, values in sorted(by_teacher.items(), key=lambda kv: staff[kv[0]].short_name)
    ]
    return PeriodResults(
        year=year,
        periods=[s.period for s in statuses],
        period=period,
        on=on,
        classes=lines,
        subjects=subject_lines,
        teachers=teacher_lines,
        school=school,
        school_marks=result_stats(_value(pm) for pm in marks),
        missing=sum(missing_by_class.values()),
    )
