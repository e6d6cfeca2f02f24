"""The teacher's journal page and the operations on it (R1–R5, R12, R28).

``journal_page`` loads one teaching assignment for one period as the paper journal's grid: students
down (everyone on the roster at any time in the period, with the dates of their stay), lesson dates
across (the lessons given plus the dates the timetable still expects, up to today), and per cell the
marks (up to three slots), the attendance and their versions. It runs a fixed number of queries
whatever the number of students and lessons.

The operations on the page live next to it: lessons in ``models.journal.lessons``, marks and attendance
in ``models.journal.cells`` (the checks every write shares in ``models.journal.writing``), a cell's trail
in ``models.journal.history``, what a cell may hold in ``models.journal.rules``.

Rules come from the domain and the school's settings: no marks in the first grade (R5); a closed
period and an archived year are read-only; only the assignment's teacher, or the substitute on the day
of the substitution, writes (models.access.can_edit_assignment); entries after the deadline are accepted
and flagged late (models.deadlines), computed from the recorded times, not stored.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Select, bindparam, or_, select
from sqlalchemy.orm import joinedload

from models.access import Actor, JournalWriteRight, assignment_ids, journal_write_right, per_actor
from models.attachments import FileLink, file_links
from models.base import db
from models.deadlines import (
    DeadlineRules,
    entered_late,
    homework_deadline,
    lesson_deadline,
    local_day,
    marks_deadline,
    school_zone,
)
from models.errors import AccessDenied, NotFound, PeriodClosed
from models.i18n import Joined, _
from models.journal.rules import ATTENDANCE_CODES, CRITERIA_CODES, SLOTS, WEEKDAY_SHORT, allowed_marks
from models.marks import mark_text, mark_weight, work_kind_of
from models.points import CRITERIA, lesson_scale, points_text
from models.roster import stay_during
from models.school.settings import all_settings
from models.school.timetable import bell_order, fill_slots
from models.tables.classes import Enrollment, SchoolClass, Subgroup, SubgroupMember
from models.tables.curriculum import PlanItem, Subject, TeachingAssignment
from models.tables.journal import Attachment, Attendance, AttendanceReason, Lesson, Mark, WorkKind
from models.tables.people import Staff, Student
from models.tables.school import AcademicYear, Bell, Period, School
from models.tables.timetable import Substitution, TimetableEntry


# --- the page ------------------------------------------------------------------------------------------------
@dataclass
class RosterStudent:
    id: int
    number: int
    name: str
    stays: list[tuple[dt.date, dt.date]]  # on this page's roster, clipped to the period

    def on(self, day: dt.date) -> bool:
        return any(start <= day <= end for start, end in self.stays)

    @property
    def joined(self) -> dt.date | None:
        return self.stays[0][0] if self.stays else None

    @property
    def left(self) -> dt.date | None:
        return self.stays[-1][1] if self.stays else None


@dataclass
class CellMark:
    id: int
    slot: int
    shown: str
    version: int
    comment: str | None
    work_kind_id: int | None  # the mark's own kind of work (None: the lesson's)
    kind_name: str | None
    weight: Decimal
    late: bool


@dataclass
class CellAttendance:
    id: int
    status: str
    minutes_late: int | None
    reason: str | None
    version: int

    @property
    def code(self) -> str:
        return ATTENDANCE_CODES[self.status]


@dataclass
class Cell:
    lesson_id: int
    student_id: int
    marks: list[CellMark] = field(default_factory=list)
    attendance: CellAttendance | None = None

    @property
    def text(self) -> str:
        """ "н 5/4": the cell as typed in the plain grid."""
        parts = [self.attendance.code] if self.attendance else []
        if self.marks:
            parts.append("/".join(m.shown for m in self.marks))
        return Joined(" ", parts) if self.attendance else " ".join(parts)  # the code in the reader's language

    @property
    def late(self) -> bool:
        return any(m.late for m in self.marks)

    @property
    def empty(self) -> bool:
        return not self.marks and self.attendance is None

    def mark_in(self, slot: int) -> CellMark | None:
        return next((m for m in self.marks if m.slot == slot), None)

    def state(self) -> dict:
        """What the writer saw: posted back with a change so that the domain can detect conflicts."""
        a = self.attendance
        return {
            "a": [a.status, a.minutes_late, a.version] if a else None,
            "m": [[m.slot, m.shown, m.version, m.work_kind_id, m.comment] for m in self.marks],
        }


@dataclass
class JournalColumn:
    key: str
    date: dt.date
    bell_id: int | None
    bell_number: int | None
    lesson: Lesson | None  # None: the timetable expects a lesson on this date that is not recorded yet
    expected: bool
    work_kind: WorkKind | None = None
    writable: bool = False  # the actor may record or edit this lesson
    cells_writable: bool = False  # … and enter marks and attendance in its cells (the lesson has been given)
    substituted: bool = False
    substitute_here: bool = False  # the actor substitutes this lesson
    late_topic: bool = False
    late_homework: bool = False
    overdue: bool = False  # expected, not recorded, and past the deadline for recording it
    marks_due: dt.date | None = None
    scale: Decimal | None = None  # criteria-based school: what this lesson's points are out of
    attendance_missing: bool = False  # the lesson has been given and nobody took attendance at it

    @property
    def criteria_code(self) -> str:
        """ФО, СОР or СОЧ over a criteria-based lesson's column ('' elsewhere)."""
        if self.scale is None or self.lesson is None:
            return ""
        return CRITERIA_CODES.get(self.work_kind.criteria_kind if self.work_kind else None, CRITERIA_CODES["fo"])

    @property
    def scale_text(self) -> str:
        return points_text(self.scale)

    @property
    def weekday(self) -> str:
        return WEEKDAY_SHORT[self.date.weekday()]


class GridCell(NamedTuple):  # a tuple: a grid makes ~1,200 of them a request
    kind: str  # "in": typed into; "ro": shown; "soon": a lesson still to come (written from its day on);
    # "void": no lesson recorded; "out": the student is not on the roster
    key: str = ""  # "<lesson id>-<student id>"
    column: str = ""
    text: str = ""
    state: str | None = None  # Cell.state() as JSON, posted back with a change
    late: bool = False
    absent: bool = False


_STATE_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # one encoder, not one a cell
_VOID, _OUT = GridCell("void"), GridCell("out")


@dataclass
class GridRow:
    student: RosterStudent
    cells: list[GridCell]


@dataclass
class JournalPage:
    assignment: TeachingAssignment
    school_class: SchoolClass
    subject: Subject
    subgroup: Subgroup | None
    teacher: Staff
    year: AcademicYear
    period: Period
    periods: list[Period]
    today: dt.date
    students: list[RosterStudent]
    columns: list[JournalColumn]
    cells: dict[tuple[int, int], Cell]
    work_kinds: list[WorkKind]
    bells: list[Bell]
    mark_choices: tuple[str, ...]
    read_only: tuple[str, dict] | None  # why the page is read-only: (message marked for translation, params)
    write: JournalWriteRight  # who may write on which day: the view and the template read it, never re-derive it
    criteria: bool = False  # the school grades by criteria: cells hold points (models.points)
    files: dict[int, list[FileLink]] = field(default_factory=dict)  # homework files of each lesson
    next_slot: tuple[dt.date, int] | None = None  # today's or the next timetabled lesson not yet recorded

    @property
    def read_only_reason(self) -> str | None:
        """The reason in Russian (the web layer translates ``read_only``)."""
        return self.read_only[0] % self.read_only[1] if self.read_only else None

    @property
    def no_marks(self) -> bool:
        return not self.mark_choices

    @property
    def slots(self) -> tuple[int, ...]:
        """Marks a cell may hold: up to three on the 5-point scale, one result under criteria."""
        return SLOTS[:1] if self.criteria else SLOTS

    @property
    def is_teacher(self) -> bool:
        return self.write.own

    @property
    def substitute_dates(self) -> list[dt.date]:
        return list(self.write.substitute_dates)

    @property
    def can_write(self) -> bool:
        return self.write.anywhere

    @property
    def lessons_given(self) -> int:
        return sum(1 for c in self.columns if c.lesson is not None)

    @property
    def lessons_missing(self) -> int:
        return sum(1 for c in self.columns if c.lesson is None)

    @property
    def now_key(self) -> str | None:
        """The column the grid opens at: today's first lesson, else the last one before today, else the first."""
        today = [c for c in self.columns if c.date == self.today]
        if today:
            return today[0].key
        before = [c for c in self.columns if c.date < self.today]
        return (before[-1] if before else self.columns[0]).key if self.columns else None

    def cell(self, lesson_id: int, student_id: int) -> Cell:
        return self.cells.get((lesson_id, student_id)) or Cell(lesson_id, student_id)

    def rows(self) -> list[GridRow]:
        """The grid ready to print: per student, per column, what the cell shows (computed here once,
        so that the template of a 30 × 45 grid only prints). What a column contributes to its cells is taken once
        per column, not once per cell."""
        columns = [
            (None, None, None, None)
            if c.lesson is None
            else (
                c.lesson.id,
                c.date,
                c.key,
                "in" if c.cells_writable else ("soon" if c.writable and c.date > self.today else "ro"),
            )
            for c in self.columns
        ]
        cells = self.cells
        out = []
        for student in self.students:
            student_id, on = student.id, student.on
            row = []
            for lesson_id, day, key, kind in columns:
                if lesson_id is None:
                    row.append(_VOID)
                elif not on(day):
                    row.append(_OUT)
                elif (cell := cells.get((lesson_id, student_id))) is None:
                    row.append(GridCell(kind, f"{lesson_id}-{student_id}", key))
                else:
                    state = _STATE_JSON(cell.state())
                    row.append(
                        GridCell(
                            kind, f"{lesson_id}-{student_id}", key, cell.text, state, cell.late, bool(cell.attendance)
                        )
                    )
            out.append(GridRow(student, row))
        return out

    def column_for(self, lesson_id: int) -> JournalColumn | None:
        return next((c for c in self.columns if c.lesson is not None and c.lesson.id == lesson_id), None)

    def default_work_kind(self) -> WorkKind | None:
        return default_work_kind(self.work_kinds)

    def plan_items(self) -> list[PlanItem]:
        """The lines of the page's thematic plan, in order: the lesson form links a lesson to one (the grid does
        not show them, so the page does not read them). One query."""
        return db.session.scalars(_PLAN, {"assignment": self.assignment.id}).all()


def default_work_kind(kinds: list[WorkKind]) -> WorkKind | None:
    return (
        next((k for k in kinds if k.code == "regular"), None)
        or next((k for k in kinds if not k.is_control), None)
        or (kinds[0] if kinds else None)
    )


# The page's statements, built once (bound parameters; ``expanding`` ones take lists): building them per request
# cost more than running several of them on SQLite.
_ASSIGNMENT, _SCHOOL = bindparam("assignment"), bindparam("school")
_START, _END = bindparam("start", type_=Date), bindparam("end", type_=Date)
_LESSON_IDS = bindparam("lessons", expanding=True)


@per_actor
def _assignment_statement(actor: Actor) -> Select:
    """(assignment, year, school) with class, subject, subgroup and teacher, and whether the actor sees it."""
    # Asked of this one page (an index lookup), not "is it among all the pages the actor may open" (a scan of the
    # school's whole teaching load in a district-size database).
    visible = assignment_ids(actor).where(TeachingAssignment.id == _ASSIGNMENT).correlate(None).exists()
    return (
        select(TeachingAssignment, AcademicYear, School, visible)
        .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
        .join(AcademicYear, AcademicYear.id == TeachingAssignment.year_id)
        .join(School, School.id == SchoolClass.school_id)
        .options(
            joinedload(TeachingAssignment.school_class),
            joinedload(TeachingAssignment.subject),
            joinedload(TeachingAssignment.subgroup),
            joinedload(TeachingAssignment.teacher),
        )
        .where(TeachingAssignment.id == _ASSIGNMENT, SchoolClass.school_id == actor.school_id)
    )


def _assignment_row(actor: Actor, assignment_id: int):
    """(assignment, year, school) with class, subject, subgroup and teacher, if the actor may open the page."""
    row = db.session.execute(_assignment_statement(actor), {"assignment": assignment_id}).first()
    if row is None:
        raise NotFound(_("Страница журнала не найдена."))
    assignment, year, school, allowed = row
    if not allowed:
        raise AccessDenied(_("Эта страница журнала вам недоступна."))
    return assignment, year, school


_CLASS_PERIODS = (
    select(Period)
    .where(Period.year_id == bindparam("year"), Period.scheme == bindparam("scheme"))
    .order_by(Period.starts_on)
)


def _class_periods(cls: SchoolClass) -> list[Period]:
    return db.session.scalars(_CLASS_PERIODS, {"year": cls.year_id, "scheme": cls.period_scheme}).all()


def current_period(periods: list[Period], today: dt.date) -> Period | None:
    """The period containing today, else the last one begun, else the first."""
    for p in periods:
        if p.starts_on <= today <= p.ends_on:
            return p
    begun = [p for p in periods if p.starts_on <= today]
    return begun[-1] if begun else (periods[0] if periods else None)


def _read_only(year: AcademicYear, period: Period) -> tuple[str, dict] | None:
    """Why the page is read-only: the refusal a change would get (the year's and the period's own rule)."""
    try:
        year.require_open()
        period.require_open()
    except PeriodClosed as refused:
        return refused.template, refused.params
    return None


def _intersect(a: list[tuple[dt.date, dt.date]], b: list[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    out = []
    for s1, e1 in a:
        for s2, e2 in b:
            start, end = max(s1, s2), min(e1, e2)
            if start <= end:
                out.append((start, end))
    return sorted(out)


_ENROLLED = (
    select(
        Enrollment.starts_on, Enrollment.ends_on, Student.id, Student.last_name, Student.first_name, Student.middle_name
    )
    .join(Student, Student.id == Enrollment.student_id)
    .where(Enrollment.class_id == bindparam("class"), stay_during(Enrollment, _START, _END))
)
_MEMBERS = select(SubgroupMember.student_id, SubgroupMember.starts_on, SubgroupMember.ends_on).where(
    SubgroupMember.subgroup_id == bindparam("subgroup"), stay_during(SubgroupMember, _START, _END)
)


def _roster(assignment: TeachingAssignment, start: dt.date, end: dt.date) -> list[RosterStudent]:
    """Students in the class (and the subgroup) at any time between start and end, with their stays.
    One query, two for a subgroup."""
    period = {"start": start, "end": end}
    stays: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    names: dict[int, tuple[str, str, str]] = {}
    for enrollment_start, enrollment_end, student_id, last, first, middle in db.session.execute(
        _ENROLLED, period | {"class": assignment.class_id}
    ):
        stays[student_id].append((max(enrollment_start, start), min(enrollment_end or end, end)))
        names[student_id] = (last, first, middle or "")
    if assignment.subgroup_id is not None:
        members: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
        for student_id, member_start, member_end in db.session.execute(
            _MEMBERS, period | {"subgroup": assignment.subgroup_id}
        ):
            members[student_id].append((max(member_start, start), min(member_end or end, end)))
        stays = {sid: _intersect(sorted(stays[sid]), sorted(members[sid])) for sid in stays if sid in members}
        stays = {sid: s for sid, s in stays.items() if s}
    ordered = sorted(stays, key=lambda sid: (*names[sid], sid))
    return [
        RosterStudent(sid, i, f"{names[sid][0]} {names[sid][1]}", sorted(stays[sid]))
        for i, sid in enumerate(ordered, start=1)
    ]


_MARK_COLUMNS = (
    Mark.id,
    Mark.lesson_id,
    Mark.student_id,
    Mark.slot,
    Mark.value,
    Mark.special,
    Mark.points,
    Mark.max_points,
    Mark.version,
    Mark.comment,
    Mark.work_kind_id,
    Mark.weight,
    Mark.created_at,
)
_ATTENDANCE_COLUMNS = (
    Attendance.id,
    Attendance.lesson_id,
    Attendance.student_id,
    Attendance.status,
    Attendance.minutes_late,
    Attendance.version,
)


_LESSONS = select(Lesson).where(Lesson.assignment_id == _ASSIGNMENT, Lesson.date.between(_START, _END))
_ENTRIES = select(TimetableEntry).where(
    TimetableEntry.assignment_id == _ASSIGNMENT,
    TimetableEntry.valid_from <= _END,
    or_(TimetableEntry.valid_to.is_(None), TimetableEntry.valid_to >= _START),
)
_SUBSTITUTIONS = (
    select(Substitution.date, Substitution.substitute_id, TimetableEntry.bell_id)
    .join(TimetableEntry, TimetableEntry.id == Substitution.entry_id)
    .where(TimetableEntry.assignment_id == _ASSIGNMENT, Substitution.date.between(_START, _END))
)
# By the ids of the lessons just loaded: an index lookup whatever the planner's statistics say (a join to lessons
# made PostgreSQL scan all marks of a freshly loaded district without ANALYZE). Plain rows, not ORM objects: a
# quarter's page holds hundreds of marks and absences, only read here.
_MARKS = select(*_MARK_COLUMNS).where(Mark.lesson_id.in_(_LESSON_IDS)).order_by(Mark.slot)
_ATTENDANCE = (
    select(*_ATTENDANCE_COLUMNS, AttendanceReason.name)
    .outerjoin(AttendanceReason, AttendanceReason.id == Attendance.reason_id)
    .where(Attendance.lesson_id.in_(_LESSON_IDS))
)
_KINDS = select(WorkKind).where(WorkKind.school_id == _SCHOOL).order_by(WorkKind.id)
_PLAN = select(PlanItem).where(PlanItem.assignment_id == _ASSIGNMENT).order_by(PlanItem.position)
_BELLS = select(Bell).where(Bell.school_id == _SCHOOL).order_by(Bell.shift, Bell.number)


def _cell_mark(
    mark: Mark,
    lesson: Lesson,
    kinds: dict[int, WorkKind],
    grade: int,
    rules: DeadlineRules,
    tz: ZoneInfo,
    known: dict | None = None,
) -> CellMark:
    """A mark as its cell shows it. ``known``: the kinds of work and deadline already found for a lesson and a
    mark's own kind (the marks of a lesson mostly share them)."""
    key = (lesson.id, mark.work_kind_id)
    found = known.get(key) if known is not None else None
    if found is None:
        own = kinds.get(mark.work_kind_id) if mark.work_kind_id else None
        kind = work_kind_of(own, kinds.get(lesson.work_kind_id))
        due = marks_deadline(lesson.date, grade, bool(kind and kind.is_control), rules)
        found = own.title if own else None, kind, due
        if known is not None:
            known[key] = found
    own_title, kind, due = found
    shown = mark_text(mark.value, mark.special, mark.points, mark.max_points, compact=True)
    return CellMark(
        mark.id,
        mark.slot,
        shown,
        mark.version,
        mark.comment,
        mark.work_kind_id,
        own_title,
        mark_weight(mark.weight, kind),
        entered_late(local_day(mark.created_at, tz), due),
    )


def _cell_attendance(att: Attendance, reason: str | None) -> CellAttendance:
    return CellAttendance(att.id, att.status, att.minutes_late, reason, att.version)


def journal_page(
    actor: Actor, assignment_id: int, period_id: int | None = None, *, now: dt.datetime, day: dt.date | None = None
) -> JournalPage:
    """The grid of one teaching assignment for one period: ``period_id``, else the period containing
    ``day``, else the current one. A fixed number of queries: none per student, lesson or cell."""
    assignment, year, school = _assignment_row(actor, assignment_id)
    tz = school_zone(school.timezone)
    today = local_day(now, tz)
    cls = assignment.school_class
    periods = _class_periods(cls)
    if period_id is None:
        period = next(
            (p for p in periods if day is not None and p.starts_on <= day <= p.ends_on), None
        ) or current_period(periods, today)
    else:
        period = next((p for p in periods if p.id == period_id), None)
    if period is None:
        raise NotFound(_("Период не найден: у класса %(cls)s нет такого периода."), cls=cls.name)
    start, end = period.starts_on, period.ends_on
    read_only = _read_only(year, period)
    rules = DeadlineRules.from_settings(all_settings(cls.school_id))
    criteria = school.grading_scheme == CRITERIA

    students = _roster(assignment, start, end)
    bound = {"assignment": assignment.id, "school": cls.school_id, "start": start, "end": end}
    lessons = db.session.scalars(_LESSONS, bound).all()
    entries = db.session.scalars(_ENTRIES, bound).all()
    substitutions = db.session.execute(_SUBSTITUTIONS, bound).all()
    lesson_ids = [lesson.id for lesson in lessons]
    marks = db.session.execute(_MARKS, {"lessons": lesson_ids}).all()
    attendance = db.session.execute(_ATTENDANCE, {"lessons": lesson_ids}).all()
    kinds = db.session.scalars(_KINDS, bound).all()
    bells = db.session.scalars(_BELLS, bound).all()

    kind_by_id = {k.id: k for k in kinds}
    bell_by_id = {b.id: b for b in bells}
    write = journal_write_right(
        actor, assignment, [(d, who) for d, who, _b in substitutions], read_only=read_only is not None
    )
    is_teacher, sub_dates, writable = write.own, write.substitute_dates, write.on
    substituted = {(d, b) for d, _w, b in substitutions}

    # Columns: lessons given, and the timetable's dates still without a lesson (up to today).
    by_date: dict[dt.date, list[Lesson]] = defaultdict(list)
    for lesson in lessons:
        by_date[lesson.date].append(lesson)

    def unrecorded(day: dt.date) -> list[tuple[dt.date, int]]:
        """The timetable's lessons of the day that no recorded lesson fills."""
        expected_bells = sorted(
            (
                e.bell_id
                for e in entries
                if e.weekday == day.isoweekday() and e.valid_from <= day and (e.valid_to or year.ends_on) >= day
            ),
            key=lambda b: bell_order(bell_by_id.get(b)),
        )
        return [
            (day, bell_id)
            for bell_id, lesson in fill_slots(expected_bells, by_date.get(day, ()), bell=lambda b: b)
            if lesson is None
        ]

    placeholders: list[tuple[dt.date, int]] = []
    day = start
    last = min(end, today)
    while day <= last:
        placeholders += unrecorded(day)
        day += dt.timedelta(days=1)
    # "Добавить урок" offers today's timetabled lesson, else the next one of the period (not a Sunday's today).
    next_slot = next((slot for slot in placeholders if slot[0] == today), None)
    day = max(start, today + dt.timedelta(days=1))
    while next_slot is None and day <= end and entries:
        next_slot = next(iter(unrecorded(day)), None)
        day += dt.timedelta(days=1)

    columns = []
    for lesson in lessons:
        bell = bell_by_id.get(lesson.bell_id)
        kind = kind_by_id.get(lesson.work_kind_id)
        can = writable(lesson.date)
        columns.append(
            JournalColumn(
                key=f"l{lesson.id}",
                date=lesson.date,
                bell_id=lesson.bell_id,
                bell_number=bell.number if bell else None,
                lesson=lesson,
                expected=False,
                work_kind=kind,
                writable=can,
                cells_writable=can and lesson.date <= today,
                substituted=lesson.substitution_id is not None or (lesson.date, lesson.bell_id) in substituted,
                substitute_here=lesson.date in sub_dates and not is_teacher,
                late_topic=entered_late(local_day(lesson.recorded_at, tz), lesson_deadline(lesson.date, rules)),
                late_homework=bool(lesson.homework)
                and entered_late(local_day(lesson.homework_recorded_at, tz), homework_deadline(lesson.date)),
                marks_due=marks_deadline(lesson.date, cls.grade, bool(kind and kind.is_control), rules),
                scale=lesson_scale(lesson.max_points) if criteria else None,
                attendance_missing=lesson.attendance_taken_at is None and lesson.date <= today,
            )
        )
    for day, bell_id in placeholders:
        bell = bell_by_id.get(bell_id)
        columns.append(
            JournalColumn(
                key=f"d{day.isoformat()}-{bell_id}",
                date=day,
                bell_id=bell_id,
                bell_number=bell.number if bell else None,
                lesson=None,
                expected=True,
                writable=writable(day),
                substituted=(day, bell_id) in substituted,
                substitute_here=day in sub_dates and not is_teacher,
                overdue=entered_late(today, lesson_deadline(day, rules)),
            )
        )
    columns.sort(key=lambda c: (c.date, bell_order(bell_by_id.get(c.bell_id)), c.lesson.id if c.lesson else 0))

    lesson_by_id = {lesson.id: lesson for lesson in lessons}
    cells: dict[tuple[int, int], Cell] = {}
    known: dict = {}
    for mark in marks:
        cell = cells.setdefault((mark.lesson_id, mark.student_id), Cell(mark.lesson_id, mark.student_id))
        cell.marks.append(_cell_mark(mark, lesson_by_id[mark.lesson_id], kind_by_id, cls.grade, rules, tz, known))
    for att in attendance:
        cell = cells.setdefault((att.lesson_id, att.student_id), Cell(att.lesson_id, att.student_id))
        cell.attendance = _cell_attendance(att, att.name)

    return JournalPage(
        assignment=assignment,
        school_class=cls,
        subject=assignment.subject,
        subgroup=assignment.subgroup,
        teacher=assignment.teacher,
        year=year,
        period=period,
        periods=periods,
        today=today,
        students=students,
        columns=columns,
        cells=cells,
        work_kinds=kinds,
        bells=bells,
        mark_choices=allowed_marks(assignment.subject, cls.grade),
        read_only=read_only,
        write=write,
        criteria=criteria,
        files=file_links(Attachment.lesson_id, list(lesson_by_id)),
        next_slot=next_slot,
    )


# --- the list of journal pages ---------------------------------------------------------------------------------
@dataclass
class PageLine:
    assignment: TeachingAssignment
    period: Period | None
    own: bool  # the actor teaches it
    substitute_dates: list[dt.date]


@dataclass
class PageList:
    year: AcademicYear | None
    years: list[AcademicYear]
    lines: list[PageLine]


def journal_pages(actor: Actor, *, today: dt.date, year_id: int | None = None) -> PageList:
    """The journal pages the actor may open in a year (the current one by default): own teaching load,
    what they substitute, their class's pages, or the whole school's. Four queries."""
    years = db.session.scalars(
        select(AcademicYear).where(AcademicYear.school_id == actor.school_id).order_by(AcademicYear.starts_on.desc())
    ).all()
    year = (
        next((y for y in years if y.id == year_id), None)
        if year_id
        else next((y for y in years if y.starts_on <= today <= y.ends_on), None) or (years[0] if years else None)
    )
    if year is None:
        return PageList(None, years, [])
    assignments = db.session.scalars(
        select(TeachingAssignment)
        .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
        .join(Subject, Subject.id == TeachingAssignment.subject_id)
        .options(
            joinedload(TeachingAssignment.school_class),
            joinedload(TeachingAssignment.subject),
            joinedload(TeachingAssignment.subgroup),
            joinedload(TeachingAssignment.teacher),
        )
        .where(TeachingAssignment.year_id == year.id, TeachingAssignment.id.in_(assignment_ids(actor)))
        .order_by(
            SchoolClass.grade, SchoolClass.letter, Subject.name, TeachingAssignment.subgroup_id, TeachingAssignment.id
        )
    ).all()
    periods = db.session.scalars(select(Period).where(Period.year_id == year.id).order_by(Period.starts_on)).all()
    subs: dict[int, list[dt.date]] = defaultdict(list)
    if actor.staff_id is not None:
        for assignment_id, day in db.session.execute(
            select(TimetableEntry.assignment_id, Substitution.date)
            .join(Substitution, Substitution.entry_id == TimetableEntry.id)
            .where(
                Substitution.substitute_id == actor.staff_id, Substitution.date.between(year.starts_on, year.ends_on)
            )
            .order_by(Substitution.date)
        ):
            subs[assignment_id].append(day)
    by_scheme: dict[str, list[Period]] = defaultdict(list)
    for p in periods:
        by_scheme[p.scheme].append(p)
    lines = [
        PageLine(
            a,
            current_period(by_scheme.get(a.school_class.period_scheme, []), today),
            a.teacher_id == actor.staff_id,
            subs.get(a.id, []),
        )
        for a in assignments
    ]
    return PageList(year, years, lines)
