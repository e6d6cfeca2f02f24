"""A student's marks by subject (R20): for one period every subject's marks with their weighted average
(or percent, in the criteria scheme) and the period mark once the teacher has set it; and the year's
summary — period, year, exam and final marks per subject. Any year the student was enrolled in.

Read by the family in the portal; access is ``models.access.visible_student`` as for the diary. A fixed
number of queries whatever the number of subjects and marks. The family's browser keeps the marks page and
revalidates it by ``models.reports.marks_stamp``: a table the card comes to read must be read by the stamp too
(tests/portal/test_marks_cache.py lists the changes that must give the full page)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Date, bindparam, or_, select

from models.access import Actor, visible_student
from models.base import db
from models.errors import NotFound
from models.finals.forecast import Forecast, forecast
from models.finals.proposals import FINAL_KINDS, MARK_INPUT_COLUMNS, MarkChip, mark_kind, mark_pair, rules_for
from models.finals.sheet import SheetTab, default_period, sheet_periods
from models.grading import scheme_for
from models.i18n import Text, _
from models.school.settings import all_settings
from models.tables.classes import Enrollment, SchoolClass, SubgroupMember
from models.tables.curriculum import Subject, TeachingAssignment
from models.tables.finals import PeriodMark
from models.tables.journal import Lesson, Mark, WorkKind
from models.tables.people import Student
from models.tables.school import AcademicYear, Period, School


@dataclass
class SubjectMarks:
    subject: Subject
    marks: list[MarkChip] = field(default_factory=list)
    average: Decimal | None = None  # weighted, 5-point scheme
    percent: Decimal | None = None  # weighted, criteria scheme
    period_mark: str = ""  # the mark the teacher set for the period, "" while not set
    forecast: Forecast | None = None  # a term's: where the marks lead and what the next mark up needs (R27)


@dataclass
class ReportCard:
    student: Student
    school_class: SchoolClass
    year: AcademicYear
    years: list[AcademicYear]  # every year the student was enrolled in, latest first
    periods: list[Period]  # the class's periods and the year
    period: Period
    subjects: list[SubjectMarks]
    columns: list[SheetTab]  # of the year's summary: the periods, the year, exam and final marks once given
    summary: dict[int, dict[tuple[int, str], str]]  # subject id → (period id, kind) → mark


# The page's statements, built once with bound parameters (building them cost more than running them).
_STUDENT = bindparam("student")
_ENROLMENTS = (
    select(Enrollment, SchoolClass, AcademicYear)
    .join(SchoolClass, SchoolClass.id == Enrollment.class_id)
    .join(AcademicYear, AcademicYear.id == SchoolClass.year_id)
    .where(Enrollment.student_id == _STUDENT)
    .order_by(AcademicYear.starts_on.desc(), Enrollment.starts_on.desc())
)
# The years of the student's stays in the same order, plain rows (the marks page's stamp picks its year by them).
STUDENT_YEARS = _ENROLMENTS.with_only_columns(
    AcademicYear.id, AcademicYear.starts_on, AcademicYear.ends_on, SchoolClass.school_id
)
_SUBJECTS = (
    select(Subject)
    .join(TeachingAssignment, TeachingAssignment.subject_id == Subject.id)
    .where(
        TeachingAssignment.class_id.in_(bindparam("classes", expanding=True)),
        or_(
            TeachingAssignment.subgroup_id.is_(None),
            TeachingAssignment.subgroup_id.in_(
                select(SubgroupMember.subgroup_id).where(SubgroupMember.student_id == _STUDENT)
            ),
        ),
    )
)
_KINDS = select(WorkKind).where(WorkKind.school_id == bindparam("school"))
# Plain rows with what models.finals.proposals.mark_pair reads of a mark: no ORM object a mark.
_MARKS = (
    select(
        Mark.lesson_id,
        *MARK_INPUT_COLUMNS,
        Mark.comment,
        Lesson.date,
        Lesson.work_kind_id.label("lesson_kind_id"),
        TeachingAssignment.subject_id,
    )
    .join(Lesson, Lesson.id == Mark.lesson_id)
    .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
    .where(
        Mark.student_id == _STUDENT,
        TeachingAssignment.year_id == bindparam("year"),
        Lesson.date >= bindparam("starts", type_=Date),
        Lesson.date <= bindparam("ends", type_=Date),
    )
    .order_by(Lesson.date, Lesson.bell_id, Lesson.id, Mark.slot)
)
_PERIOD_MARKS = (
    select(PeriodMark, Subject)
    .join(Subject, Subject.id == PeriodMark.subject_id)
    .where(PeriodMark.student_id == _STUDENT, PeriodMark.period_id.in_(bindparam("periods", expanding=True)))
)


def card_year(years: list, today: dt.date, year_id: int | None):
    """The year the card shows, of the student's years (latest first; objects or rows with ``id``, ``starts_on``
    and ``ends_on``): the one asked for (None when the student was not enrolled in it), else the one running
    today, else the latest begun, else the earliest."""
    if year_id is not None:
        return next((y for y in years if y.id == year_id), None)
    return next((y for y in years if y.starts_on <= today <= y.ends_on), None) or next(
        (y for y in years if y.starts_on <= today), years[-1]
    )


def report_card(
    actor: Actor,
    student_id: int,
    *,
    today: dt.date,
    year_id: int | None = None,
    period_id: int | None = None,
    steps_for: int | None = None,
) -> ReportCard:
    """``steps_for``: the subject whose forecast also says what the next mark up needs (its page); the others
    say where they are heading."""
    student = visible_student(actor, student_id)
    enrolments = db.session.execute(_ENROLMENTS, {"student": student_id}).all()
    if not enrolments:
        raise NotFound(_("Обучающийся не зачислен ни в один класс."))
    years = list({y.id: y for _e, _c, y in enrolments}.values())
    year = card_year(years, today, year_id)
    if year is None:
        raise NotFound(_("Обучающийся не учился в этом учебном году."))
    in_year = [(e, c) for e, c, y in enrolments if y.id == year.id]
    cls = in_year[0][1]  # the latest class of the year
    periods = sheet_periods(cls)
    if period_id is not None:
        period = next((p for p in periods if p.id == period_id), None)
        if period is None:
            raise NotFound(_("Этот период не относится к классу."))
    else:
        period = default_period(periods, today)
        if period is None:
            raise NotFound(_("Для учебного года не заданы периоды."))

    school = db.session.get(School, student.school_id)
    class_ids = [c.id for _e, c in in_year]
    subjects = {s.id: s for s in db.session.scalars(_SUBJECTS, {"student": student_id, "classes": class_ids})}
    kinds = {k.id: k for k in db.session.scalars(_KINDS, {"school": school.id})}
    pairs = defaultdict(list)
    rows = db.session.execute(
        _MARKS, {"student": student_id, "year": year.id, "starts": period.starts_on, "ends": period.ends_on}
    ).all()
    for mark in rows:
        pairs[mark.subject_id].append(mark_pair(mark, mark.date, mark.lesson_kind_id, kinds))

    summary: dict[int, dict[tuple[int, str], str]] = defaultdict(dict)
    period_marks = db.session.execute(_PERIOD_MARKS, {"student": student_id, "periods": [p.id for p in periods]}).all()
    for pm, subject in period_marks:
        subjects.setdefault(subject.id, subject)
        summary[subject.id][(pm.period_id, pm.kind)] = str(pm)

    if missing := set(pairs) - set(subjects):  # marks of a journal page the student is no longer on (rare)
        subjects |= {s.id: s for s in db.session.scalars(select(Subject).where(Subject.id.in_(missing)))}
    scheme = scheme_for(school.grading_scheme)
    rules = rules_for(all_settings(school.id), cls.grade)
    kind = mark_kind(period)
    lines = []
    for subject in sorted(subjects.values(), key=lambda s: s.name):
        line = SubjectMarks(
            subject,
            [chip for chip, _i in pairs[subject.id]],
            period_mark=summary[subject.id].get((period.id, kind), ""),
        )
        if pairs[subject.id]:
            inputs = [inp for _c, inp in pairs[subject.id]]
            proposal = scheme.propose(inputs, rules)
            line.average, line.percent = proposal.average, proposal.percent
            if kind == "period":
                line.forecast = forecast(
                    scheme.code, inputs, rules, pass_fail=subject.is_pass_fail, steps=subject.id == steps_for
                )
        lines.append(line)

    columns = [SheetTab(p, mark_kind(p), p.name) for p in periods]
    year_period = next((p for p in periods if p.scheme == "year"), None)
    given = {k for marks in summary.values() for _p, k in marks}
    if year_period is not None:
        columns += [SheetTab(year_period, k, Text(label)) for k, label in FINAL_KINDS.items() if k in given]
    return ReportCard(
        student=student,
        school_class=cls,
        year=year,
        years=years,
        periods=periods,
        period=period,
        subjects=lines,
        columns=columns,
        summary=summary,
    )


def subject_marks(card: ReportCard, subject_id: int | None) -> SubjectMarks | None:
    """One subject's line of the card (the family's subject page), None when the student has no such subject."""
    return next((line for line in card.subjects if line.subject.id == subject_id), None)
