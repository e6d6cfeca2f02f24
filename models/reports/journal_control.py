"""The coordinator's monthly control of how the journal is kept (R28, R29): per journal page (teaching
assignment) and per teacher, for one month up to today — lessons the timetable expects and those recorded,
topics recorded after the school's deadline, lessons without homework, marks entered after their deadline,
students of the page with no mark in the month and with a single one. The figures behind the printable
"справка" of the month.

Deadlines are the school's settings (models/deadlines.py); the timetable's expectations are
``models.school.timetable.expected_lessons`` (as the journal grid's "+" columns). Who used the system in the month comes
from ``models.accounts.activity.class_usage``. Fifteen queries for the whole school."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from models.access import Actor, can_control_journal, require
from models.accounts.activity import ClassUsage, class_usage
from models.base import db
from models.deadlines import DeadlineRules, lesson_deadline, marks_deadline, school_zone
from models.grading import percent
from models.i18n import N_, Text, _
from models.roster import stay_on
from models.school.settings import all_settings
from models.school.timetable import effective_to, expected_lessons, slots_query
from models.tables.classes import Enrollment, SubgroupMember
from models.tables.curriculum import TeachingAssignment
from models.tables.journal import Lesson, Mark, WorkKind
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
        names = ["expected", "recorded", "late_topics", "no_homework", "marks", "late_marks"]
        if other.marked:  # the first grade's students have no marks to count
            names += ["students", "without_marks", "one_mark"]
        for name in names:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class PageLine:
    assignment: TeachingAssignment
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
    assignments = db.session.scalars(
        select(TeachingAssignment)
        .options(
            joinedload(TeachingAssignment.school_class),
            joinedload(TeachingAssignment.subject),
            joinedload(TeachingAssignment.subgroup),
            joinedload(TeachingAssignment.teacher),
        )
        .where(TeachingAssignment.year_id.in_(years))
    ).all()
    by_id = {a.id: a for a in assignments}
    ids = select(TeachingAssignment.id).where(TeachingAssignment.year_id.in_(years))  # a subquery, not a long list
    slots = db.session.execute(
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
    kinds = {k.id: k for k in db.session.scalars(select(WorkKind).where(WorkKind.school_id == school.id))}
    rows = db.session.connection().execute  # plain rows (Core): thousands of them, no ORM per row
    lessons = rows(
        select(
            Lesson.id, Lesson.assignment_id, Lesson.date, Lesson.recorded_at, Lesson.homework, Lesson.work_kind_id
        ).where(Lesson.assignment_id.in_(ids), Lesson.date.between(first, last))
    ).all()
    lesson_of = {row.id: row for row in lessons}
    marks = rows(
        select(Mark.lesson_id, Mark.student_id, Mark.created_at, Mark.work_kind_id)
        .join(Lesson, Lesson.id == Mark.lesson_id)
        .where(Lesson.assignment_id.in_(ids), Lesson.date.between(first, last))
    ).all()
    on = last
    enrolled: dict[int, set[int]] = defaultdict(set)
    for class_id, student_id in db.session.execute(
        select(Enrollment.class_id, Enrollment.student_id).where(
            Enrollment.class_id.in_({a.class_id for a in assignments} or {0}), stay_on(Enrollment, on)
        )
    ):
        enrolled[class_id].add(student_id)
    members: dict[int, set[int]] = defaultdict(set)
    for group_id, student_id in db.session.execute(
        select(SubgroupMember.subgroup_id, SubgroupMember.student_id).where(
            SubgroupMember.subgroup_id.in_({a.subgroup_id for a in assignments if a.subgroup_id} or {0}),
            stay_on(SubgroupMember, on),
        )
    ):
        members[group_id].add(student_id)

    figures: dict[int, Figures] = defaultdict(Figures)
    for (assignment_id, _day), n in expected.items():
        figures[assignment_id].expected += n
    ends: dict[dt.date, dt.datetime] = {}  # a deadline day → the first moment after it in the school's zone

    def late(moment: dt.datetime | None, deadline: dt.date) -> bool:
        """Entered after the deadline day (a stored moment without a zone is UTC; none recorded: not late)."""
        if moment is None:
            return False
        if deadline not in ends:
            ends[deadline] = dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time.min, tz)
        return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)) >= ends[deadline]

    for row in lessons:
        f = figures[row.assignment_id]
        f.recorded += 1
        if late(row.recorded_at, lesson_deadline(row.date, rules)):
            f.late_topics += 1
        if not row.homework and by_id[row.assignment_id].school_class.gets_marks:
            f.no_homework += 1
    per_student: dict[int, Counter] = defaultdict(Counter)
    control = {k.id for k in kinds.values() if k.is_control}
    due: dict[tuple[int, bool], dt.date] = {}  # (lesson, a control work?) → its marks' deadline: ~4 marks a lesson
    for lesson_id, student_id, created_at, mark_kind_id in marks:
        row = lesson_of[lesson_id]
        f = figures[row.assignment_id]
        f.marks += 1
        key = (lesson_id, (mark_kind_id or row.work_kind_id) in control)
        if key not in due:
            due[key] = marks_deadline(row.date, by_id[row.assignment_id].school_class.grade, key[1], rules)
        if late(created_at, due[key]):
            f.late_marks += 1
        per_student[row.assignment_id][student_id] += 1

    teachers: dict[int, TeacherLine] = {}
    total = Figures()
    for a in sorted(
        assignments,
        key=lambda a: (
            a.school_class.grade,
            a.school_class.letter,
            a.subject.name,
            a.subgroup.name if a.subgroup else "",
        ),
    ):
        f = figures[a.id]
        if not (f.expected or f.recorded):
            continue  # nothing was due on this page this month
        roster = enrolled.get(a.class_id, set())
        if a.subgroup_id:
            roster = roster & members.get(a.subgroup_id, set())
        f.students = len(roster)
        f.marked = a.school_class.gets_marks
        if f.marked:
            counts = per_student.get(a.id, Counter())
            f.without_marks = sum(1 for sid in roster if counts[sid] == 0)
            f.one_mark = sum(1 for sid in roster if counts[sid] == 1)
        line = teachers.setdefault(a.teacher_id, TeacherLine(a.teacher_id, a.teacher.short_name))
        line.pages.append(PageLine(a, f))
        line.figures.add(f)
        total.add(f)
    usage, usage_total = class_usage(school.id, first, last)
    return JournalControl(
        school, first, last, sorted(teachers.values(), key=lambda t: t.name), total, usage, usage_total
    )
