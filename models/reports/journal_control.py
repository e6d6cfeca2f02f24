"""The coordinator's monthly control of how the journal is kept (R28, R29): per journal page (teaching
assignment) and per teacher, for one month up to today — lessons the timetable expects and those recorded,
topics recorded after the school's deadline, lessons without homework, marks entered after their deadline,
students of the page with no mark in the month and with a single one; lessons given (up to today) at which nobody
took attendance (no stamp, models/journal/attendance_taken.py, and no absence entered), each listed, and lessons
with fewer marks than the school expects (a setting: 4 in a class of 25, in proportion elsewhere); the programme
against the thematic plan (lessons given since the year began against the timetable's, the plan's hours against
the curriculum's, lessons without a line of the plan) and the control works held against the plan; substitutions
recorded by the substitute, and lessons given by another teacher without a substitution on record. The figures
behind the printable "справка" of the month; what they say is wrong, with the place to fix it, is
models/reports/control_findings.py.

Deadlines are the school's settings (models/deadlines.py); the timetable's expectations are
``models.school.timetable.expected_counts`` (what the journal grid's "+" columns count). Who used the system in the month comes
from ``models.accounts.activity.class_usage``. A fixed number of queries for the whole school, whatever its size
(15 with the reader's own lookups, pinned in tests/journal/test_journal_control.py): each check is one grouped
statement over all the pages — the lessons of the month and since the year began per page, the marks per page and
student and the lessons per page by their number of students marked, the plans' hours and control lines, the
substitutions — and the pages, rosters and teachers' names are plain rows."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Date,
    DateTime,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    union_all,
)

from models.access import Actor, can_control_journal, can_see_class_control, require
from models.accounts.activity import ClassUsage, class_usage, compile_usage
from models.base import db, read, short_name
from models.deadlines import LAST_JUNIOR_GRADE, DeadlineRules, marks_deadline_days, school_zone
from models.grading import percent
from models.i18n import N_, Text, _
from models.marks import marks_given
from models.roster import stay_on
from models.school.settings import all_settings
from models.school.timetable import effective_to, expected_counts_from, slots_query
from models.tables.classes import Enrollment, SchoolClass, Subgroup, SubgroupMember
from models.tables.curriculum import CurriculumItem, PlanItem, Subject, TeachingAssignment
from models.tables.journal import Attendance, Lesson, Mark, WorkKind
from models.tables.people import Staff
from models.tables.school import AcademicYear, Period, School
from models.tables.timetable import Substitution, TimetableEntry

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


def month_title(month: dt.date) -> Text:
    """ "ноябрь 2026": the control's month as its page, its справка and the справка's job name it."""
    return Text(_("%(month)s %(year)s"), month=Text(MONTHS[month.month - 1]), year=month.year)


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
    no_attendance: int = 0  # lessons of the month (up to today) at which nobody took attendance
    marks_expected: int = 0  # marks a lesson of the page should have (the setting, in proportion to the roster)
    few_marks: int = 0  # lessons of the month with fewer students marked than that
    no_plan_line: int = 0  # lessons of the month not linked to a line of the thematic plan (pages with a plan)
    planned_to_date: int = 0  # lessons the timetable expects from the year's start up to today
    given_to_date: int = 0  # lessons recorded in that time
    plan_hours: int = 0  # hours of the thematic plan
    curriculum_hours: int = 0  # hours a year the curriculum gives the subject in the grade (0: not in it)
    control_due: int = 0  # control works of the plan that the timetable's lessons up to today have reached
    control_held: int = 0  # lessons of a control kind of work from the year's start up to today
    substitutions: int = 0  # substitutions of the month on the page
    bad_substitutions: int = 0  # of them: no lesson recorded by the substitute, linked to the substitution
    unregistered: int = 0  # lessons recorded by another teacher than the page's with no substitution on record
    # A page's lessons counted in no_attendance, (lesson id, date) by date: where to take it; not summed.
    no_attendance_lessons: list[tuple[int, dt.date]] = field(default_factory=list)

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
    def behind(self) -> int:
        """Lessons the programme is behind the timetable since the year began."""
        return max(0, self.planned_to_date - self.given_to_date)

    @property
    def control_missing(self) -> int:
        return max(0, self.control_due - self.control_held)

    @property
    def problems(self) -> int:
        """Entries missing or late: what a remark to the teacher is about."""
        return (
            self.unrecorded
            + self.late_topics
            + self.late_marks
            + self.no_attendance
            + self.few_marks
            + self.bad_substitutions
            + self.unregistered
            + self.control_missing
        )

    def add(self, other: Figures) -> None:
        mine, theirs = self.__dict__, other.__dict__  # ~1,200 additions a school: no getattr/setattr per field
        for name in SUMMED:
            mine[name] += theirs[name]
        if other.marked:  # the first grade's students have no marks to count
            self.students += other.students
            self.without_marks += other.without_marks
            self.one_mark += other.one_mark


SUMMED = (
    "expected",
    "recorded",
    "late_topics",
    "no_homework",
    "marks",
    "late_marks",
    "no_attendance",
    "few_marks",
    "no_plan_line",
    "planned_to_date",
    "given_to_date",
    "plan_hours",
    "curriculum_hours",
    "control_due",
    "control_held",
    "substitutions",
    "bad_substitutions",
    "unregistered",
)


@dataclass(frozen=True)
class Page:
    """A journal page (teaching assignment) as the report names it."""

    id: int
    class_name: str
    subject: str
    subgroup: str | None
    class_id: int = 0

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
        return month_title(self.month)

    @property
    def previous(self) -> dt.date:
        return (self.month - dt.timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> dt.date:
        return (self.month + dt.timedelta(days=32)).replace(day=1)


MONTH_DAYS = 31
DEADLINES = ("topic", "plain", "junior", "senior")  # the topic's, an ordinary mark's, a control work's in the junior
# grades and in the others: days after the lesson (models/deadlines.py)
_DAYS = [bindparam(f"day{n}", type_=Date) for n in range(MONTH_DAYS)]
_MOMENT = DateTime(timezone=True)


def _day_ends() -> dict[str, ColumnElement]:
    """For each deadline, a SQL expression giving, for a lesson's date in the month, the first moment after its
    deadline day in the school's zone (as UTC): an entry made at or after it is late. A CASE over the month's
    dates (bound parameters ``day0``…``day30``, their moments ``topic0``…), so that the database counts late
    entries itself, whatever the time zone's rules on those days, with the same statement every day and month;
    ``_day_end_values`` gives the parameters."""
    return {
        deadline: case(
            {day: bindparam(f"{deadline}{n}", type_=_MOMENT) for n, day in enumerate(_DAYS)}, value=Lesson.date
        )
        for deadline in DEADLINES
    }


def _day_end_values(tz, first: dt.date, last: dt.date, deadlines: tuple[int, ...]) -> dict[str, object]:
    """The parameters of ``_day_ends``: the dates from ``first`` to ``last`` and, for each deadline (days after the
    lesson, in the order of DEADLINES), the moment its day ends; the slots after ``last`` hold the day before
    ``first``, never the date of a lesson of the month."""
    values: dict[str, object] = {}
    for n in range(MONTH_DAYS):
        day = first + dt.timedelta(days=n)
        if day > last:
            day = first - dt.timedelta(days=1)
        values[f"day{n}"] = day
        for deadline, offset in zip(DEADLINES, deadlines, strict=True):
            local = dt.datetime.combine(day + dt.timedelta(days=offset + 1), dt.time.min, tz)
            values[f"{deadline}{n}"] = local.astimezone(dt.UTC)
    return values


def _late(moment, ends):
    return func.sum(case((moment >= ends, 1), else_=0))


def journal_control(actor: Actor, month: dt.date, *, today: dt.date) -> JournalControl:
    require(can_control_journal(actor), _("Контроль ведения журнала доступен администрации школы."))
    return _control(db.session.get(School, actor.school_id), month, today)


def class_control(actor: Actor, class_id: int, month: dt.date, *, today: dt.date) -> JournalControl:
    """The control of one class's pages (every teacher's): its class teacher's view, the administration's too."""
    require(
        can_see_class_control(actor, class_id),
        _("Итоги контроля журнала класса видят его классный руководитель и администрация."),
    )
    return _control(db.session.get(School, actor.school_id), month, today, class_id=class_id)


def marks_expected(per_25: int, students: int) -> int:
    """Marks a lesson should have: ``per_25`` in a class of 25 students, in proportion (rounded up) elsewhere."""
    return -(-per_25 * students // 25) if per_25 > 0 and students > 0 else 0


class _Reads(NamedTuple):
    """The report's statements (see ``_reads``)."""

    pages: Select
    periods: Select
    slots: Select
    lessons: CompoundSelect
    untaken: Select
    marks: CompoundSelect
    plan_lines: Select
    substitutions: Select
    rosters: CompoundSelect


_SCHOOL, _FIRST, _LAST, _CLASS = (
    bindparam("school"),
    bindparam("first", type_=Date),
    bindparam("last", type_=Date),
    bindparam("class"),
)
_YEAR_START = bindparam("year_start", type_=Date)  # the first period's start: known once the periods are read


@functools.cache
def _reads(of_class: bool) -> _Reads:
    """The report's statements, the school's or one class's (bound ``class``), built once: the school, the month,
    the day and the deadlines are bound parameters (``_control`` gives them), so that neither building them (~10 ms
    of Python) nor compiling them (~45 ms) is repeated on another day or for another school, and a server compiles
    them before it forks its workers (``warm_up``)."""
    school_id, first, last = _SCHOOL, _FIRST, _LAST
    years = select(AcademicYear.id).where(
        AcademicYear.school_id == school_id, AcademicYear.starts_on <= last, AcademicYear.ends_on >= first
    )
    ids = select(TeachingAssignment.id).where(TeachingAssignment.year_id.in_(years))  # a subquery, not a long list
    classes = select(SchoolClass.id).where(SchoolClass.year_id.in_(years))
    if of_class:
        ids = ids.where(TeachingAssignment.class_id == _CLASS)
        classes = classes.where(SchoolClass.id == _CLASS)
    # plain rows (Core, models.base.read): hundreds of pages, no ORM per row
    pages = (
        select(
            TeachingAssignment.id,
            TeachingAssignment.teacher_id,
            TeachingAssignment.class_id,
            TeachingAssignment.subgroup_id,
            SchoolClass.grade,
            SchoolClass.letter,
            Subject.name.label("subject"),
            Subgroup.name.label("subgroup"),
            (CurriculumItem.hours_per_week * CurriculumItem.weeks).label("curriculum_hours"),
            Staff.last_name,
            Staff.first_name,
            Staff.middle_name,
        )
        .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
        .join(Staff, Staff.id == TeachingAssignment.teacher_id)
        .join(Subject, Subject.id == TeachingAssignment.subject_id)
        .outerjoin(Subgroup, Subgroup.id == TeachingAssignment.subgroup_id)
        .outerjoin(
            CurriculumItem,
            and_(
                CurriculumItem.year_id == TeachingAssignment.year_id,
                CurriculumItem.grade == SchoolClass.grade,
                CurriculumItem.subject_id == TeachingAssignment.subject_id,
            ),
        )
        .where(TeachingAssignment.id.in_(ids))
    )
    periods = select(Period.year_id, Period.scheme, Period.starts_on, Period.ends_on).where(
        Period.year_id.in_(years), Period.scheme != "year"
    )  # what the timetable's expected counts read of a period
    slots = (
        slots_query(ids)
        .join(AcademicYear, AcademicYear.id == TeachingAssignment.year_id)
        .where(TimetableEntry.valid_from <= last, effective_to() >= _YEAR_START)
    )

    ends = _day_ends()
    in_month = (Lesson.assignment_id.in_(ids), Lesson.date.between(first, last))
    taken = or_(Lesson.attendance_taken_at.is_not(None), exists().where(Attendance.lesson_id == Lesson.id))
    control_kinds = select(WorkKind.id).where(WorkKind.school_id == school_id, WorkKind.is_control)

    def count(condition):
        return func.sum(case((condition, 1), else_=0))

    lessons = union_all(  # per page: the month's lessons and their checks (True); the lessons since the year began
        select(  # and of them the control works (False). Two passes: the month's checks cost only the month's rows
            literal(True),
            Lesson.assignment_id,
            func.count(),
            count(Lesson.recorded_at >= ends["topic"]),
            count(or_(Lesson.homework.is_(None), Lesson.homework == "")),
            count(~taken),
            count(Lesson.plan_item_id.is_(None)),
            count(and_(Lesson.substitution_id.is_(None), Lesson.taught_by_id != TeachingAssignment.teacher_id)),
        )
        .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
        .where(*in_month)
        .group_by(Lesson.assignment_id),
        select(
            literal(False),
            Lesson.assignment_id,
            func.count(),
            count(Lesson.work_kind_id.in_(control_kinds)),
            *(literal(0) for _n in range(4)),
        )
        .where(Lesson.assignment_id.in_(ids), Lesson.date.between(_YEAR_START, last))
        .group_by(Lesson.assignment_id),
    )
    # the lessons of the month at which nobody took attendance, to be listed with their links
    untaken = (
        select(Lesson.assignment_id, Lesson.id, Lesson.date).where(*in_month, ~taken).order_by(Lesson.date, Lesson.id)
    )
    is_control = func.coalesce(WorkKind.is_control, False)
    due = case(
        (is_control & (SchoolClass.grade <= LAST_JUNIOR_GRADE), ends["junior"]),
        (is_control, ends["senior"]),
        else_=ends["plain"],
    )
    per = (  # the month's marks per lesson and student: how many, how many after their deadline
        select(
            Lesson.assignment_id,
            Mark.lesson_id,
            Mark.student_id,
            func.count().label("n"),
            _late(Mark.created_at, due).label("late"),
        )
        .select_from(Mark)
        .join(Lesson, Lesson.id == Mark.lesson_id)
        .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
        .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
        .outerjoin(WorkKind, WorkKind.id == func.coalesce(Mark.work_kind_id, Lesson.work_kind_id))
        .where(*in_month)
        .group_by(Lesson.assignment_id, Mark.lesson_id, Mark.student_id)
        .cte("per")
    )
    per_lesson = (  # students marked in each lesson
        select(per.c.assignment_id, func.count().label("marked"))
        .group_by(per.c.assignment_id, per.c.lesson_id)
        .subquery()
    )
    marks = union_all(  # per page and student (True): marks, late marks; per page and students marked (False): lessons
        select(literal(True), per.c.assignment_id, per.c.student_id, func.sum(per.c.n), func.sum(per.c.late)).group_by(
            per.c.assignment_id, per.c.student_id
        ),
        select(literal(False), per_lesson.c.assignment_id, per_lesson.c.marked, func.count(), literal(0)).group_by(
            per_lesson.c.assignment_id, per_lesson.c.marked
        ),
    )
    running = (  # each line of the plans with the hours of the lines before it (a running sum, one pass)
        select(
            PlanItem.assignment_id,
            PlanItem.hours,
            PlanItem.work_kind_id.in_(control_kinds).label("control"),
            (
                func.sum(PlanItem.hours).over(  # positions are unique in a plan: a ROWS frame, the cheaper one
                    partition_by=PlanItem.assignment_id, order_by=PlanItem.position, rows=(None, 0)
                )
                - PlanItem.hours
            ).label("before"),
        )
        .where(PlanItem.assignment_id.in_(ids))
        .subquery()
    )
    plan_lines = select(  # per page: the plan's hours and, of each control work of the plan, the hours before it
        running.c.assignment_id,
        func.sum(running.c.hours),
        func.aggregate_strings(case((running.c.control, cast(running.c.before, String))), " "),
    ).group_by(running.c.assignment_id)
    at_place = (  # per substitution of the month: 1 when a lesson at its place was recorded by the substitute
        select(
            TimetableEntry.assignment_id,
            func.max(
                case(
                    (
                        and_(
                            Lesson.substitution_id == Substitution.id, Lesson.taught_by_id == Substitution.substitute_id
                        ),
                        1,
                    ),
                    else_=0,
                )
            ).label("right"),
        )
        .select_from(Substitution)
        .join(TimetableEntry, TimetableEntry.id == Substitution.entry_id)
        .outerjoin(
            Lesson,
            and_(
                Lesson.assignment_id == TimetableEntry.assignment_id,
                Lesson.date == Substitution.date,
                or_(Lesson.bell_id == TimetableEntry.bell_id, Lesson.bell_id.is_(None)),
            ),
        )
        .where(TimetableEntry.assignment_id.in_(ids), Substitution.date.between(first, last))
        .group_by(TimetableEntry.assignment_id, Substitution.id)
        .subquery()
    )
    substitutions = select(  # per page: the month's substitutions, and those not recorded by the substitute
        at_place.c.assignment_id, func.count(), func.sum(1 - at_place.c.right)
    ).group_by(at_place.c.assignment_id)
    rosters = union_all(  # the classes' students (True) and the pages' subgroups' members (False) on the last day
        select(literal(True), Enrollment.class_id, Enrollment.student_id).where(
            Enrollment.class_id.in_(classes),  # the year's classes: an index scan, not the district's rows
            stay_on(Enrollment, last),
        ),
        select(literal(False), SubgroupMember.subgroup_id, SubgroupMember.student_id).where(
            SubgroupMember.subgroup_id.in_(
                select(TeachingAssignment.subgroup_id).where(TeachingAssignment.id.in_(ids))
            ),
            stay_on(SubgroupMember, last),
        ),
    )
    return _Reads(pages, periods, slots, lessons, untaken, marks, plan_lines, substitutions, rosters)


def _params(school_id: int, tz, first: dt.date, last: dt.date, deadlines, class_id: int | None) -> dict[str, object]:
    """The bound parameters of every statement of ``_reads``, the same names each time (SQLAlchemy keys its compiled
    statements by them too); ``year_start`` is set once the periods are read."""
    params = {"school": school_id, "first": first, "last": last, "class": class_id, "year_start": first}
    return params | _day_end_values(tz, first, last, deadlines)


def compile_statements() -> None:
    """Run every statement of the report, the usage one too, once for no school (they answer nothing): a server's
    master process does so before it forks its workers (app.warm_up), which then start with them compiled (~45 ms
    of Python each worker's first report took, after every restart of a worker)."""
    today = dt.date.today()
    params = _params(0, dt.UTC, today, today, (0,) * len(DEADLINES), 0)
    for of_class in (False, True):
        for statement in _reads(of_class):
            read(statement, params).all()
    compile_usage()


def _control(school: School, month: dt.date, today: dt.date, *, class_id: int | None = None) -> JournalControl:
    first = month.replace(day=1)
    last = min((first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1), today)
    settings = all_settings(school.id)
    rules = DeadlineRules.from_settings(settings)
    if last < first:  # a month still to come
        return JournalControl(school, first, first, [], Figures())
    # Deadlines (models/deadlines.py) as days after the lesson: the topic's, an ordinary mark's, a control
    # work's in the junior grades and in the others.
    deadlines = (rules.lesson_days,) + tuple(
        marks_deadline_days(grade, is_control, rules)
        for grade, is_control in ((LAST_JUNIOR_GRADE, False), (LAST_JUNIOR_GRADE, True), (LAST_JUNIOR_GRADE + 1, True))
    )
    statements = _reads(class_id is not None)
    params = _params(school.id, school_zone(school.timezone), first, last, deadlines, class_id)
    # each result fetched at once (.all()): iterating a result fetches its rows one by one (~0.4 µs a row more)
    pages = {p.id: p for p in read(statements.pages, params).all()}
    periods = read(statements.periods, params).all()
    params["year_start"] = year_start = min((p.starts_on for p in periods), default=first)
    slots = read(statements.slots, params).all()
    expected, to_date_expected = expected_counts_from(slots, periods, (first, year_start), last)
    lessons = read(statements.lessons, params).all()
    untaken = read(statements.untaken, params).all()
    marks = read(statements.marks, params).all()
    plan_lines = read(statements.plan_lines, params).all()
    substitutions = read(statements.substitutions, params).all()
    enrolled: dict[int, set[int]] = defaultdict(set)  # class → students on the last day
    members: dict[int, set[int]] = defaultdict(set)  # subgroup → its members on the last day
    rosters = {True: enrolled, False: members}
    for is_class, group_id, student_id in read(statements.rosters, params).all():
        rosters[bool(is_class)][group_id].add(student_id)

    figures: dict[int, Figures] = defaultdict(Figures)
    for assignment_id, n in expected.items():
        figures[assignment_id].expected += n
    for assignment_id, n in to_date_expected.items():
        figures[assignment_id].planned_to_date += n
    for of_month, assignment_id, n, *sums in lessons:
        f = figures[assignment_id]
        if not of_month:
            f.given_to_date, f.control_held = n, sums[0] or 0
            continue
        late_topics, no_homework, no_attendance, no_line, unregistered = (x or 0 for x in sums)
        f.recorded = n
        f.late_topics = late_topics
        f.no_homework = no_homework if marks_given(pages[assignment_id].grade) else 0
        f.no_attendance = no_attendance
        f.no_plan_line = no_line
        f.unregistered = unregistered
    for assignment_id, lesson_id, day in untaken:
        figures[assignment_id].no_attendance_lessons.append((lesson_id, day))
    by_marks: dict[int, list[tuple[int, int]]] = defaultdict(list)  # page → (students marked, lessons) with marks
    marked: dict[int, set[int]] = defaultdict(set)  # per page: students with a mark, with exactly one
    once: dict[int, set[int]] = defaultdict(set)
    for of_student, assignment_id, key, n, late_marks in marks:
        if not of_student:
            by_marks[assignment_id].append((key, int(n)))
            continue
        f = figures[assignment_id]
        f.marks += int(n)
        f.late_marks += int(late_marks or 0)
        marked[assignment_id].add(key)
        if n == 1:
            once[assignment_id].add(key)
    plan_hours: dict[int, int] = {}
    for assignment_id, hours, controls in plan_lines:
        plan_hours[assignment_id] = hours
        if controls:  # a control work is due when the timetable's lessons have reached its line
            planned = figures[assignment_id].planned_to_date
            figures[assignment_id].control_due = sum(int(before) < planned for before in controls.split())
    for assignment_id, n, bad in substitutions:
        f = figures[assignment_id]
        f.substitutions, f.bad_substitutions = n, bad or 0

    shown = [p for p in pages.values() if figures[p.id].expected or figures[p.id].recorded]
    per_25 = settings["control_marks_per_lesson"]
    teachers: dict[int, TeacherLine] = {}
    total = Figures()
    for p in sorted(shown, key=lambda p: (p.grade, p.letter, p.subject, p.subgroup or "")):
        f = figures[p.id]  # something was due on this page this month
        roster = enrolled.get(p.class_id, set())
        if p.subgroup_id:
            roster = roster & members.get(p.subgroup_id, set())
        f.students = len(roster)
        f.marked = marks_given(p.grade)
        f.plan_hours = int(plan_hours.get(p.id) or 0)
        f.curriculum_hours = int(p.curriculum_hours or 0)
        if f.marked:
            f.without_marks = len(roster - marked[p.id])
            f.one_mark = len(roster & once[p.id])
            f.marks_expected = marks_expected(per_25, f.students)
            with_marks = by_marks[p.id]
            unmarked = f.recorded - sum(n for _marked_n, n in with_marks)  # lessons without a mark
            f.few_marks = sum(n for marked_n, n in with_marks if marked_n < f.marks_expected) + (
                unmarked if f.marks_expected > 0 else 0
            )
        if not f.plan_hours:
            f.no_plan_line = 0  # no plan to link to: the finding is the missing plan
        line = teachers.get(p.teacher_id)
        if line is None:
            line = teachers[p.teacher_id] = TeacherLine(
                p.teacher_id, short_name(p.last_name, p.first_name, p.middle_name)
            )
        line.pages.append(PageLine(Page(p.id, f"{p.grade}{p.letter}", p.subject, p.subgroup, p.class_id), f))
        line.figures.add(f)
    for line in teachers.values():  # the school's total from the teachers' (58 additions, not one per page)
        total.add(line.figures)
    usage, usage_total = class_usage(school.id, first, last)
    return JournalControl(
        school, first, last, sorted(teachers.values(), key=lambda t: t.name), total, usage, usage_total
    )
