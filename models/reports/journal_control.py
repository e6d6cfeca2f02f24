"""The coordinator's monthly control of how the journal is kept (R28, R29): per journal page (teaching
assignment) and per teacher, for one month up to today — lessons the timetable expects and those recorded,
topics recorded after the school's deadline, lessons without homework, marks entered after their deadline,
students of the page with no mark in the month and with a single one. The figures behind the printable
"справка" of the month.

Deadlines are the school's settings (models/deadlines.py); the timetable's expectations are
``models.school.timetable.expected_lessons`` (as the journal grid's "+" columns). Who used the system in the month comes
from ``models.accounts.activity.class_usage``. Sixteen queries for the whole school, whatever its size: the
database counts the lessons and marks (late ones included) per page and student."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import DateTime, case, func, literal, or_, select

from models.access import Actor, can_control_journal, require
from models.accounts.activity import ClassUsage, class_usage
from models.base import db
from models.deadlines import LAST_JUNIOR_GRADE, DeadlineRules, marks_deadline_days, school_zone
from models.grading import percent
from models.i18n import N_, Text, _
from models.marks import marks_given
from models.roster import stay_on
from models.school.settings import all_settings
from models.school.timetable import effective_to, expected_lessons, slots_query
from models.tables.classes import Enrollment, SchoolClass, Subgroup, SubgroupMember
from models.tables.curriculum import Subject, TeachingAssignment
from models.tables.journal import Lesson, Mark, WorkKind
from models.tables.people import Staff
from models.tables.school import AcademicYear, Period, School
from models.tables.timetable import TimetableEntry

MONTHS = (
    N_("январь"),
    N_("февраль"),
    N_("март"),
    N_("апрель"),
    N_("май"),
    N_("июнь"),
    N_("июль"),
    N_("август"),
    N_("сентябрь"),
    N_("октябрь"),
    N_("ноябрь"),
    N_("декабрь"),
)


@dataclass
class Figures:
    expected: int = 0  # lessons the timetable expects up to today
    recorded: int = 0  # lessons recorded (in the month, up to today)
    late_topics: int = 0
    no_homework: int = 0
    marks: int = 0
    late_marks: int = 0
    students: int = 0  # on the page's roster at the end of the month (or today)
    without_marks: int = 0
    one_mark: int = 0
    marked: bool = True  # False for the first grade: no mark figures

    @property
    def unrecorded(self) -> int:
        return max(0, self.expected - self.recorded)

    @property
    def without_marks_pct(self) -> Decimal | None:
        return percent(self.without_marks, self.students) if self.marked else None

    @property
    def one_mark_pct(self) -> Decimal | None:
        return percent(self.one_mark, self.students) if self.marked else None

    @property
    def problems(self) -> int:
        """Entries missing or late: what a remark to the teacher is about."""
        return self.unrecorded + self.late_topics + self.late_marks

    def add(self, other: Figures) -> None:
        self.expected += other.expected
        self.recorded += other.recorded
        self.late_topics += other.late_topics
        self.no_homework += other.no_homework
        self.marks += other.marks
        self.late_marks += other.late_marks
        if other.marked:  # the first grade's students have no marks to count
            self.students += other.students
            self.without_marks += other.without_marks
            self.one_mark += other.one_mark


@dataclass(frozen=True)
class Page:
    """A journal page (teaching assignment) as the report names it."""

    id: int
    class_name: str
    subject: str
    subgroup: str | None

    @property
    def title(self) -> str:
        return f"{self.class_name} · {self.subject}" + (f" ({self.subgroup})" if self.subgroup else "")


@dataclass
class PageLine:
    assignment: Page
    figures: Figures


@dataclass
class TeacherLine:
    teacher_id: int
    name: str
    pages: list[PageLine] = field(default_factory=list)
    figures: Figures = field(default_factory=Figures)


@dataclass
class JournalControl:
    school: School
    month: dt.date  # its first day
    last: dt.date  # the month's last day, or today within the current month
    teachers: list[TeacherLine]
    total: Figures
    usage: list[ClassUsage] = field(default_factory=list)  # who used the system, per class
    usage_total: ClassUsage | None = None

    @property
    def first(self) -> dt.date:
        return self.month

    @property
    def month_name(self) -> Text:
        return Text(_("%(month)s %(year)s"), month=Text(MONTHS[self.month.month - 1]), year=self.month.year)

    @property
    def previous(self) -> dt.date:
        return (self.month - dt.timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> dt.date:
        return (self.month + dt.timedelta(days=32)).replace(day=1)


def _day_ends(tz, first: dt.date, last: dt.date, offsets) -> dict[int, object]:
    """For each deadline offset (days after the lesson), a SQL expression giving, for a lesson's date in
    [first, last], the first moment after its deadline day in the school's zone (as UTC): an entry made at or
    after it is late. A CASE over the month's dates (at most 31), so that the database counts late entries
    itself, whatever the time zone's rules on those days."""
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    moment = DateTime(timezone=True)

    def end(day: dt.date, offset: int) -> dt.datetime:
        local = dt.datetime.combine(day + dt.timedelta(days=offset + 1), dt.time.min, tz)
        return local.astimezone(dt.UTC)

    return {
        offset: case({day: literal(end(day, offset), moment) for day in days}, value=Lesson.date)
        for offset in set(offsets)
    }


def _late(moment, ends):
    return func.sum(case((moment >= ends, 1), else_=0))


def journal_control(actor: Actor, month: dt.date, *, today: dt.date) -> JournalControl:
    require(can_control_journal(actor), _("Контроль ведения журнала доступен администрации школы."))
    school = db.session.get(School, actor.school_id)
    tz = school_zone(school.timezone)
    first = month.replace(day=1)
    last = min((first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1), today)
    rules = DeadlineRules.from_settings(all_settings(school.id))
    if last < first:  # a month still to come
        return JournalControl(school, first, first, [], Figures())
    years = select(AcademicYear.id).where(
        AcademicYear.school_id == school.id, AcademicYear.starts_on <= last, AcademicYear.ends_on >= first
    )
    ids = select(TeachingAssignment.id).where(TeachingAssignment.year_id.in_(years))  # a subquery, not a long list
    rows = db.session.connection().execute  # plain rows (Core): hundreds of pages, no ORM per row
    pages = {
        p.id: p
        for p in rows(
            select(
                TeachingAssignment.id,
                TeachingAssignment.teacher_id,
                TeachingAssignment.class_id,
                TeachingAssignment.subgroup_id,
                SchoolClass.grade,
                SchoolClass.letter,
                Subject.name.label("subject"),
                Subgroup.name.label("subgroup"),
            )
            .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
            .join(Subject, Subject.id == TeachingAssignment.subject_id)
            .outerjoin(Subgroup, Subgroup.id == TeachingAssignment.subgroup_id)
            .where(TeachingAssignment.id.in_(ids))
        )
    }
    slots = rows(
        slots_query(ids)
        .join(AcademicYear, AcademicYear.id == TeachingAssignment.year_id)
        .where(TimetableEntry.valid_from <= last, effective_to() >= first)
    ).all()
    periods = db.session.scalars(
        select(Period).where(
            Period.year_id.in_(years), Period.scheme != "year", Period.starts_on <= last, Period.ends_on >= first
        )
    ).all()
    expected = expected_lessons(slots, periods, first, last)

    # Deadlines (models/deadlines.py) as days after the lesson: the topic's, an ordinary mark's, a control
    # work's in the junior grades and in the others.
    topic_days = rules.lesson_days
    plain, control_junior, control_senior = (
        marks_deadline_days(grade, is_control, rules)
        for grade, is_control in ((LAST_JUNIOR_GRADE, False), (LAST_JUNIOR_GRADE, True), (LAST_JUNIOR_GRADE + 1, True))
    )
    ends = _day_ends(tz, first, last, (topic_days, plain, control_junior, control_senior))
    in_month = (Lesson.assignment_id.in_(ids), Lesson.date.between(first, last))
    lessons = rows(
        select(
            Lesson.assignment_id,
            func.count(),
            _late(Lesson.recorded_at, ends[topic_days]),
            func.sum(case((or_(Lesson.homework.is_(None), Lesson.homework == ""), 1), else_=0)),
        )
        .where(*in_month)
        .group_by(Lesson.assignment_id)
    ).all()
    is_control = func.coalesce(WorkKind.is_control, False)
    due = case(
        (is_control & (SchoolClass.grade <= LAST_JUNIOR_GRADE), ends[control_junior]),
        (is_control, ends[control_senior]),
        else_=ends[plain],
    )
    marks = rows(  # per page and student: the marks of the month and how many came after their deadline
        select(Lesson.assignment_id, Mark.student_id, func.count(), _late(Mark.created_at, due))
        .select_from(Mark)
        .join(Lesson, Lesson.id == Mark.lesson_id)
        .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
        .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
        .outerjoin(WorkKind, WorkKind.id == func.coalesce(Mark.work_kind_id, Lesson.work_kind_id))
        .where(*in_month)
        .group_by(Lesson.assignment_id, Mark.student_id)
    ).all()
    on = last
    enrolled: dict[int, set[int]] = defaultdict(set)
    for class_id, student_id in rows(
        select(Enrollment.class_id, Enrollment.student_id).where(
            Enrollment.class_id.in_(select(TeachingAssignment.class_id).where(TeachingAssignment.id.in_(ids))),
            stay_on(Enrollment, on),
        )
    ):
        enrolled[class_id].add(student_id)
    members: dict[int, set[int]] = defaultdict(set)
    for group_id, student_id in rows(
        select(SubgroupMember.subgroup_id, SubgroupMember.student_id).where(
            SubgroupMember.subgroup_id.in_(
                select(TeachingAssignment.subgroup_id).where(TeachingAssignment.id.in_(ids))
            ),
            stay_on(SubgroupMember, on),
        )
    ):
        members[group_id].add(student_id)

    figures: dict[int, Figures] = defaultdict(Figures)
    for (assignment_id, _day), n in expected.items():
        figures[assignment_id].expected += n
    for assignment_id, recorded, late_topics, no_homework in lessons:
        f = figures[assignment_id]
        f.recorded, f.late_topics = recorded, late_topics or 0
        f.no_homework = (no_homework or 0) if marks_given(pages[assignment_id].grade) else 0
    marked: dict[int, set[int]] = defaultdict(set)  # per page: students with a mark, with exactly one
    once: dict[int, set[int]] = defaultdict(set)
    for assignment_id, student_id, n, late_marks in marks:
        f = figures[assignment_id]
        f.marks += n
        f.late_marks += late_marks or 0
        marked[assignment_id].add(student_id)
        if n == 1:
            once[assignment_id].add(student_id)

    shown = [p for p in pages.values() if figures[p.id].expected or figures[p.id].recorded]
    names = {
        s.id: s.short_name
        for s in db.session.scalars(select(Staff).where(Staff.id.in_({p.teacher_id for p in shown} or {0})))
    }
    teachers: dict[int, TeacherLine] = {}
    total = Figures()
    for p in sorted(shown, key=lambda p: (p.grade, p.letter, p.subject, p.subgroup or "")):
        f = figures[p.id]  # something was due on this page this month
        roster = enrolled.get(p.class_id, set())
        if p.subgroup_id:
            roster = roster & members.get(p.subgroup_id, set())
        f.students = len(roster)
        f.marked = marks_given(p.grade)
        if f.marked:
            f.without_marks = len(roster - marked[p.id])
            f.one_mark = len(roster & once[p.id])
        line = teachers.setdefault(p.teacher_id, TeacherLine(p.teacher_id, names.get(p.teacher_id, "")))
        line.pages.append(PageLine(Page(p.id, f"{p.grade}{p.letter}", p.subject, p.subgroup), f))
        line.figures.add(f)
        total.add(f)
    usage, usage_total = class_usage(school.id, first, last)
    return JournalControl(
        school, first, last, sorted(teachers.values(), key=lambda t: t.name), total, usage, usage_total
    )
