"""The bound class journal (R32, issue 16): the whole journal of one class for a period (a quarter, or a
half-year where the class has half-years) or for the year, as the legal paper copy — a title page; per subject
(and subgroup) the marks and topics pages exactly as the single page prints them (``journal_print``, the same
builder and the same access as the screen); the attendance summary (lessons missed per student with and
without a good reason); the period marks of every subject; the class teacher's pages (the roster with dates
of birth and the families' contacts, the movement of students during the volume).

Who may order it: ``models.access.can_print_class_journal`` (the administration any class, a class teacher
their own). A fixed number of queries per subject and period; none per student or lesson."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from models.access import Actor, bound_journal_class_ids, can_print_class_journal, require
from models.base import db
from models.errors import InvalidInput, NotFound
from models.finals.proposals import mark_kind
from models.i18n import Text, _
from models.journal.attendance_review import StudentTotals
from models.parsing import parse_id
from models.reports.charts import absences
from models.reports.journal_print import JournalPrint, journal_print
from models.school.movement import REASON_IN_LABELS, REASON_OUT_LABELS, RosterLine, class_roster
from models.school_time import school_today
from models.tables.classes import Enrollment, SchoolClass
from models.tables.curriculum import Subject, TeachingAssignment
from models.tables.finals import PeriodMark
from models.tables.people import Staff, Student
from models.tables.school import AcademicYear, Period, School, period_title


@dataclass
class MarksTable:
    """Students down, subjects across: the marks of one period (or the year marks)."""

    title: object  # the period's name (a Text for the system's names)
    kind: str  # "period" or "year"
    subjects: list[Subject]
    marks: dict[tuple[int, int], str]  # (student id, subject id) → the mark as printed

    def mark(self, student_id: int, subject_id: int) -> str:
        return self.marks.get((student_id, subject_id), "")

    def values(self) -> dict[int, list[int | str]]:
        """Student id → the marks as the grading rules read them (numbers, or the special marks' codes)."""
        out: dict[int, list[int | str]] = {}
        for (student_id, _subject), shown in self.marks.items():
            out.setdefault(student_id, []).append(int(shown) if shown.isdigit() else shown)
        return out


@dataclass
class Movement:
    date: dt.date
    student: Student
    arrived: bool  # True: came into the class; False: left it
    reason: str  # a message marked for translation (models.school.movement labels)
    order_no: str | None
    note: str | None


@dataclass
class BoundJournal:
    school: School
    school_class: SchoolClass
    year: AcademicYear
    class_teacher: Staff | None
    periods: list[Period]  # the volume's periods: one, or every period of the class's year
    whole_year: bool
    starts_on: dt.date
    ends_on: dt.date
    today: dt.date
    pages: list[JournalPrint]  # per subject (and subgroup), per period in order
    roster: list[RosterLine]
    attendance: list[StudentTotals]  # one per student of the roster, in its order
    marks: list[MarksTable]
    movement: list[Movement] = field(default_factory=list)

    @property
    def subjects(self) -> list[Subject]:
        return _subjects(self.pages)


def _subjects(pages: list[JournalPrint]) -> list[Subject]:
    """The subjects of the pages, once each, in the pages' order."""
    return list({p.page.subject.id: p.page.subject for p in pages}.values())


def volume_choices(cls: SchoolClass) -> list[Period]:
    """The periods a volume may be ordered for (the class's own scheme); the year is the other choice."""
    return list(
        db.session.scalars(
            select(Period)
            .where(Period.year_id == cls.year_id, Period.scheme == cls.period_scheme)
            .order_by(Period.starts_on)
        )
    )


def printable_class(actor: Actor, class_id: int) -> SchoolClass:
    cls = db.session.scalar(
        select(SchoolClass)
        .options(joinedload(SchoolClass.class_teacher))
        .where(SchoolClass.id == class_id, SchoolClass.school_id == actor.school_id)
    )
    if cls is None:
        raise NotFound(_("Класс не найден."))
    require(can_print_class_journal(actor, class_id), _("Журнал этого класса вам недоступен."))
    return cls


def volume_period(cls: SchoolClass, period_id: int | None) -> list[Period]:
    """The periods of a volume: the one chosen (``None``: the whole year)."""
    periods = volume_choices(cls)
    if period_id is None:
        if not periods:
            raise NotFound(_("У класса %(cls)s нет периодов в этом году."), cls=cls.name)
        return periods
    chosen = [p for p in periods if p.id == period_id]
    if not chosen:
        raise NotFound(_("Период не найден: у класса %(cls)s нет такого периода."), cls=cls.name)
    return chosen


def _assignments(cls: SchoolClass) -> list[TeachingAssignment]:
    return list(
        db.session.scalars(
            select(TeachingAssignment)
            .join(Subject, Subject.id == TeachingAssignment.subject_id)
            .options(joinedload(TeachingAssignment.subgroup))
            .where(TeachingAssignment.class_id == cls.id, TeachingAssignment.year_id == cls.year_id)
            .order_by(Subject.name, TeachingAssignment.subgroup_id.is_not(None), TeachingAssignment.id)
        )
    )


def _marks_table(title, period: Period, subjects: list[Subject], student_ids: list[int]) -> MarksTable:
    kind = mark_kind(period)
    rows = db.session.scalars(
        select(PeriodMark).where(
            PeriodMark.period_id == period.id,
            PeriodMark.kind == kind,
            PeriodMark.student_id.in_(student_ids or [0]),
            PeriodMark.subject_id.in_([s.id for s in subjects] or [0]),
        )
    )
    return MarksTable(title, kind, subjects, {(m.student_id, m.subject_id): str(m) for m in rows})


def _attendance(cls: SchoolClass, roster: list[RosterLine], start: dt.date, end: dt.date) -> list[StudentTotals]:
    totals = {line.student.id: StudentTotals(line.student) for line in roster}
    for att, _day in absences([cls.id], start, end):
        if att.student_id in totals:
            totals[att.student_id].count(att)
    return list(totals.values())


def _movement(cls: SchoolClass, year: AcademicYear, start: dt.date, end: dt.date) -> list[Movement]:
    """Who came into the class and who left it between ``start`` and ``end`` (the year's first day and its
    last are not movement: the class is made and ends then)."""
    out = []
    for e in db.session.scalars(
        select(Enrollment)
        .options(joinedload(Enrollment.student))
        .where(
            Enrollment.class_id == cls.id,
            ((Enrollment.starts_on > year.starts_on) & Enrollment.starts_on.between(start, end))
            | ((Enrollment.ends_on < year.ends_on) & Enrollment.ends_on.between(start, end)),
        )
    ):
        if e.starts_on > year.starts_on and start <= e.starts_on <= end:
            out.append(
                Movement(e.starts_on, e.student, True, REASON_IN_LABELS.get(e.reason_in, e.reason_in), e.order_in, None)
            )
        if e.ends_on is not None and e.ends_on < year.ends_on and start <= e.ends_on <= end:
            reason = REASON_OUT_LABELS.get(e.reason_out, e.reason_out or "")
            out.append(Movement(e.ends_on, e.student, False, reason, e.order_out, e.note))
    return sorted(out, key=lambda m: (m.date, m.student.last_name, m.student.first_name, m.student.id))


def bound_journal(actor: Actor, class_id: int, period_id: int | None, *, now: dt.datetime) -> BoundJournal:
    """The volume of the class for the period ``period_id`` (``None``: the whole year)."""
    cls = printable_class(actor, class_id)
    periods = volume_period(cls, period_id)
    year = db.session.get(AcademicYear, cls.year_id)
    school = db.session.get(School, cls.school_id)
    start, end = periods[0].starts_on, periods[-1].ends_on
    pages = [journal_print(actor, a.id, p.id, now=now) for a in _assignments(cls) for p in periods]
    today = school_today(actor, now)
    roster = class_roster(actor, cls.id, start, end)
    student_ids = [line.student.id for line in roster]
    subjects = _subjects(pages)
    marks = [_marks_table(p.name, p, subjects, student_ids) for p in periods]
    if period_id is None:
        year_period = db.session.scalar(select(Period).where(Period.year_id == year.id, Period.scheme == "year"))
        if year_period is not None:
            marks.append(_marks_table(Text(_("Год")), year_period, subjects, student_ids))
    return BoundJournal(
        school=school,
        school_class=cls,
        year=year,
        class_teacher=cls.class_teacher,
        periods=periods,
        whole_year=period_id is None,
        starts_on=start,
        ends_on=end,
        today=today,
        pages=pages,
        roster=roster,
        attendance=_attendance(cls, roster, start, end),
        marks=marks,
        movement=_movement(cls, year, start, end),
    )


def year_volume_classes(actor: Actor, year_id: int) -> list[SchoolClass]:
    """The classes of a year whose whole-year volume the actor may print (those with periods of their scheme):
    what archiving the year prints (archive_files.py)."""
    classes = db.session.scalars(
        select(SchoolClass)
        .where(
            SchoolClass.year_id == year_id,
            SchoolClass.school_id == actor.school_id,
            SchoolClass.id.in_(bound_journal_class_ids(actor)),
        )
        .order_by(SchoolClass.grade, SchoolClass.letter)
    )
    return [cls for cls in classes if volume_choices(cls)]


# --- ordering a volume (the staff page; the work runs as a background job, tasks.py) ----------------------------
YEAR = "year"  # the choice "the whole year" next to the periods' ids


def printable_classes(actor: Actor) -> list[tuple[SchoolClass, AcademicYear]]:
    """The classes whose journal the actor may print with their years, newest year first."""
    return [
        (cls, year)
        for cls, year in db.session.execute(
            select(SchoolClass, AcademicYear)
            .join(AcademicYear, AcademicYear.id == SchoolClass.year_id)
            .where(SchoolClass.id.in_(bound_journal_class_ids(actor)))
            .order_by(AcademicYear.starts_on.desc(), SchoolClass.grade, SchoolClass.letter)
        )
    ]


def volume_params(actor: Actor, class_id: int | None, period: str | None) -> dict:
    """The job's parameters for a volume asked for on the page: the class the actor may print and one of its
    periods (or ``YEAR``); anything else is refused with a message."""
    if class_id is None:
        raise NotFound(_("Класс не найден."))
    cls = printable_class(actor, class_id)
    period_id = None if period == YEAR else parse_id(period)
    if period != YEAR and period_id is None:
        raise InvalidInput(_("Выберите период или весь учебный год."))
    (period, *_rest) = volume_period(cls, period_id)
    return {
        "class_id": cls.id,
        "period_id": period_id,
        "class_name": cls.name,  # for the list of jobs (volume_title)
        "period": None if period_id is None else [period.scheme, period.number, period.custom_name],
    }


def volume_title(params: dict):
    """What the list of jobs names a volume by: "5А, 1 четверть" or "5А, весь учебный год" (a Text)."""
    period = params.get("period")
    if period is None:
        return Text(_("%(name)s, весь учебный год"), name=params.get("class_name", ""))
    scheme, number, custom = period
    return Text(
        _("%(name)s, %(period)s"), name=params.get("class_name", ""), period=custom or period_title(scheme, number)
    )
