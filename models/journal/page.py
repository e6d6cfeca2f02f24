"""The teacher's journal page and the operations on it (R1–R5, R12, R28).

``journal_page`` loads one teaching assignment for one period as the paper journal's grid: students
down (everyone on the roster at any time in the period, with the dates of their stay), lesson dates
across (the lessons given plus the dates the timetable still expects, up to today), and per cell the
marks (up to three slots), the attendance and their versions. It runs a fixed number of queries
whatever the number of students and lessons.

Operations validate, change, audit (who, when, old, new) and flush; the caller commits:
``save_lesson``, ``delete_lesson``, ``set_mark``, ``set_attendance`` and ``save_cell`` (a cell typed as
text, for plain form posts). Every write names the version the writer saw: a different version, or a
cell somebody filled meanwhile when the writer saw it empty, is a Conflict carrying the current value,
never a silent overwrite. ``cell_history`` reads a cell's trail back from the audit log.

Rules come from the domain and the school's settings: no marks in the first grade (R5); a closed
period and an archived year are read-only; only the assignment's teacher, or the substitute on the day
of the substitution, writes (models.access.can_edit_assignment); entries after the deadline are accepted
and flagged late (models.deadlines), computed from the recorded times, not stored.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from models.access import Actor, JournalWriteRight, assignment_ids, can_edit_assignment, journal_write_right
from models.tables.accounts import User
from models.attachments import FileLink, file_links
from models.audit import AuditEvent
from models.base import db
from models.tables.classes import Enrollment, SchoolClass, Subgroup, SubgroupMember
from models.tables.curriculum import PlanItem, Subject, TeachingAssignment
from models.deadlines import (
    DeadlineRules,
    entered_late,
    homework_deadline,
    lesson_deadline,
    local_day,
    marks_deadline,
    school_zone,
)
from models.errors import AccessDenied, Conflict, InvalidInput, NotFound, PeriodClosed
from models.i18n import N_, Joined, Text, _
from models.tables.journal import Attachment, Attendance, AttendanceReason, Lesson, Mark, WorkKind
from models.parsing import is_digits, parse_int
from models.tables.people import Staff, Student
from models.marks import EXEMPT, FAIL, FIVE_POINT, NOT_ATTESTED, PASS, SPECIAL_MARKS, marks_given, require_marks_given
from models.marks import mark_text, mark_weight, special_mark, work_kind_of
from models.points import CRITERIA, is_number, lesson_scale, parse_max_points, parse_points, points_text
from models.roster import is_on_roster, stay_during
from models.tables.school import AcademicYear, Bell, Period, School
from models.school.settings import all_settings
from models.tables.timetable import Substitution, TimetableEntry
from models.school.timetable import bell_order, fill_slots

SLOTS = (1, 2, 3)
SCHOOL_DAYS = (1, 2, 3, 4, 5, 6)  # ISO weekdays on which lessons may be given: Monday to Saturday
MAX_TOPIC = 500
MAX_HOMEWORK = 2000
MAX_COMMENT = 500
MAX_MINUTES_LATE = 90
ATTENDANCE_CODES = {"absent": "н", "late": "оп"}
ATTENDANCE_LABELS = {"absent": N_("отсутствовал(а)"), "late": N_("опоздал(а)")}
# Keys and words a teacher types for attendance (Russian and Latin keyboard layouts).
_STATUS_WORDS = {"": None, "absent": "absent", "н": "absent", "n": "absent",
                 "late": "late", "оп": "late", "о": "late", "o": "late", "l": "late"}
# The abbreviations teachers in Kazakhstan use (the same in Kazakh and Russian).
CRITERIA_CODES = {"fo": "ФО", "sor": "СОР", "soch": "СОЧ"}
WEEKDAY_SHORT = (N_("Пн"), N_("Вт"), N_("Ср"), N_("Чт"), N_("Пт"), N_("Сб"), N_("Вс"))


def _d(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


# --- marks as the teacher types them ---------------------------------------------------------------------
def allowed_marks(subject: Subject, grade: int) -> tuple[str, ...]:
    """What may be put in a cell of this subject and grade: nothing in the first grade (R5); pass/fail on
    pass/fail subjects; the 5-point scale elsewhere; "осв" (exempt) in PE; "н/а" wherever marks are."""
    if not marks_given(grade):
        return ()
    if subject.is_pass_fail:
        return (PASS, FAIL, NOT_ATTESTED)
    if subject.is_physical_education:
        return (*FIVE_POINT, NOT_ATTESTED, EXEMPT, PASS, FAIL)
    return (*FIVE_POINT, NOT_ATTESTED)


def canonical_mark(text: str, *, points: bool = True) -> str:
    """A typed mark in its stored spelling ("N/A" → "н/а", "осв." → "осв", and as ``points`` "7,50" → "7.5");
    unknown text is returned as is. A 5-point mark is not respelled: "05" and "5.0" are not the mark 5."""
    word = " ".join((text or "").split()).lower()
    if points and is_number(word):
        return points_text(Decimal(word.replace(",", ".")))
    return special_mark(word) or word


def parse_mark(text: str, subject: Subject, grade: int) -> tuple[int | None, str | None]:
    """(value, special) of a typed mark, or InvalidInput with a message naming what is allowed."""
    word = canonical_mark(text, points=False)
    require_marks_given(grade)
    allowed = allowed_marks(subject, grade)
    if word not in allowed:
        raise InvalidInput(_("«%(value)s» — не отметка по предмету «%(subject)s». Допустимо: %(allowed)s."),
                           value=(text or "").strip()[:20], subject=subject.name, allowed=", ".join(allowed))
    return (int(word), None) if is_digits(word) else (None, word)


def parse_status(text: str | None) -> str | None:
    word = " ".join((text or "").split()).lower()
    if word not in _STATUS_WORDS:
        raise InvalidInput(_("Посещаемость: «н» — отсутствовал(а), «оп» — опоздал(а), пусто — был(а) на уроке."))
    return _STATUS_WORDS[word]


_LATE_TOKEN = re.compile(r"^(?:оп|о|op|o|l)(\d{1,2})?$", re.ASCII)


def parse_cell_text(text: str, *, criteria: bool = False) -> tuple[str | None, int | None, list[str]]:
    """A cell typed as text, as in the plain (script-free) grid: "н", "оп", "оп10" (late 10 minutes),
    "5", "5/4", "н 5", "н/а". Returns (attendance status, minutes late, marks in order).
    ``criteria``: points, one result per cell ("18", "7,5", "18/20", "н 6"; see models.points)."""
    raw = (text or "").strip().lower()
    raw = raw.replace("н/а", "\x00").replace("n/a", "\x00")
    status, minutes, marks = None, None, []
    for token in (t for t in re.split(r"[\s;]+" if criteria else r"[\s/,;]+", raw) if t):
        if token == "\x00":
            marks.append(NOT_ATTESTED)
            continue
        late = _LATE_TOKEN.match(token)
        word_status = _STATUS_WORDS.get(token) if token in ("н", "n") else ("late" if late else None)
        if word_status is not None:
            if status is not None:
                raise InvalidInput(_("В клетке может быть только одна отметка посещаемости («н» или «оп»)."))
            status = word_status
            if late and late.group(1):
                minutes = int(late.group(1))
            continue
        marks.append(canonical_mark(token, points=criteria))
    if len(marks) > len(SLOTS):
        raise InvalidInput(_("В одной клетке не больше %(n)s отметок."), n=len(SLOTS))
    if criteria and len(marks) > 1:
        raise InvalidInput(_ONE_RESULT)
    return status, minutes, marks


_ONE_RESULT = _("При критериальном оценивании в клетке один результат: баллы за работу урока.")


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
        """"н 5/4": the cell as typed in the plain grid."""
        parts = [self.attendance.code] if self.attendance else []
        if self.marks:
            parts.append("/".join(m.shown for m in self.marks))
        return " ".join(parts)

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
        return {"a": [a.status, a.minutes_late, a.version] if a else None,
                "m": [[m.slot, m.shown, m.version, m.work_kind_id, m.comment] for m in self.marks]}


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


@dataclass(frozen=True)
class GridCell:
    kind: str  # "in": typed into; "ro": shown; "void": no lesson recorded; "out": the student is not on the roster
    key: str = ""  # "<lesson id>-<student id>"
    column: str = ""
    text: str = ""
    state: str | None = None  # Cell.state() as JSON, posted back with a change
    late: bool = False
    absent: bool = False


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
    plan_items: list[PlanItem]
    bells: list[Bell]
    mark_choices: tuple[str, ...]
    read_only: tuple[str, dict] | None  # why the page is read-only: (message marked for translation, params)
    write: JournalWriteRight  # who may write on which day: the view and the template read it, never re-derive it
    criteria: bool = False  # the school grades by criteria: cells hold points (models.points)
    files: dict[int, list[FileLink]] = field(default_factory=dict)  # homework files of each lesson

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

    def cell(self, lesson_id: int, student_id: int) -> Cell:
        return self.cells.get((lesson_id, student_id)) or Cell(lesson_id, student_id)

    def rows(self) -> list[GridRow]:
        """The grid ready to print: per student, per column, what the cell shows (computed here once,
        so that the template of a 30 × 45 grid only prints)."""
        out = []
        for student in self.students:
            cells = []
            for col in self.columns:
                lesson = col.lesson
                if lesson is None:
                    cells.append(_VOID)
                    continue
                if not student.on(col.date):
                    cells.append(_OUT)
                    continue
                cell = self.cells.get((lesson.id, student.id))
                cells.append(GridCell(
                    "in" if col.cells_writable else "ro", f"{lesson.id}-{student.id}", col.key,
                    cell.text if cell else "",
                    json.dumps(cell.state(), ensure_ascii=False, separators=(",", ":")) if cell else None,
                    bool(cell and cell.late), bool(cell and cell.attendance)))
            out.append(GridRow(student, cells))
        return out


    def column_for(self, lesson_id: int) -> JournalColumn | None:
        return next((c for c in self.columns if c.lesson is not None and c.lesson.id == lesson_id), None)

    def default_work_kind(self) -> WorkKind | None:
        return default_work_kind(self.work_kinds)


def default_work_kind(kinds: list[WorkKind]) -> WorkKind | None:
    return next((k for k in kinds if k.code == "regular"), None) or next(
        (k for k in kinds if not k.is_control), None) or (kinds[0] if kinds else None)


def _assignment_row(actor: Actor, assignment_id: int):
    """(assignment, year, school) with class, subject, subgroup and teacher, and whether the actor sees it."""
    visible = TeachingAssignment.id.in_(assignment_ids(actor))
    row = db.session.execute(
        select(TeachingAssignment, AcademicYear, School, visible)
        .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
        .join(AcademicYear, AcademicYear.id == TeachingAssignment.year_id)
        .join(School, School.id == SchoolClass.school_id)
        .options(joinedload(TeachingAssignment.school_class), joinedload(TeachingAssignment.subject),
                 joinedload(TeachingAssignment.subgroup), joinedload(TeachingAssignment.teacher))
        .where(TeachingAssignment.id == assignment_id, SchoolClass.school_id == actor.school_id)).first()
    if row is None:
        raise NotFound(_("Страница журнала не найдена."))
    assignment, year, school, allowed = row
    if not allowed:
        raise AccessDenied(_("Эта страница журнала вам недоступна."))
    return assignment, year, school


def _class_periods(cls: SchoolClass) -> list[Period]:
    return db.session.scalars(select(Period).where(Period.year_id == cls.year_id, Period.scheme == cls.period_scheme)
                              .order_by(Period.starts_on)).all()


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


def _roster(assignment: TeachingAssignment, start: dt.date, end: dt.date) -> list[RosterStudent]:
    """Students in the class (and the subgroup) at any time between start and end, with their stays.
    One query, two for a subgroup."""
    overlapping = lambda model: stay_during(model, start, end)  # noqa: E731
    stays: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    students: dict[int, Student] = {}
    for enrollment_start, enrollment_end, student in db.session.execute(
            select(Enrollment.starts_on, Enrollment.ends_on, Student)
            .join(Student, Student.id == Enrollment.student_id)
            .where(Enrollment.class_id == assignment.class_id, overlapping(Enrollment))):
        stays[student.id].append((max(enrollment_start, start), min(enrollment_end or end, end)))
        students[student.id] = student
    if assignment.subgroup_id is not None:
        members: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
        for student_id, member_start, member_end in db.session.execute(
                select(SubgroupMember.student_id, SubgroupMember.starts_on, SubgroupMember.ends_on)
                .where(SubgroupMember.subgroup_id == assignment.subgroup_id, overlapping(SubgroupMember))):
            members[student_id].append((max(member_start, start), min(member_end or end, end)))
        stays = {sid: _intersect(sorted(stays[sid]), sorted(members[sid])) for sid in stays if sid in members}
        stays = {sid: s for sid, s in stays.items() if s}
    ordered = sorted((students[sid] for sid in stays), key=lambda s: (s.last_name, s.first_name, s.middle_name or "",
                                                                     s.id))
    return [RosterStudent(s.id, i, f"{s.last_name} {s.first_name}", sorted(stays[s.id]))
            for i, s in enumerate(ordered, start=1)]




def _cell_mark(mark: Mark, lesson: Lesson, kinds: dict[int, WorkKind], grade: int, rules: DeadlineRules,
               tz: ZoneInfo) -> CellMark:
    own = kinds.get(mark.work_kind_id) if mark.work_kind_id else None
    kind = work_kind_of(own, kinds.get(lesson.work_kind_id))
    due = marks_deadline(lesson.date, grade, bool(kind and kind.is_control), rules)
    shown = mark_text(mark.value, mark.special, mark.points, mark.max_points, compact=True)
    return CellMark(mark.id, mark.slot, shown, mark.version, mark.comment, mark.work_kind_id,
                    own.name if own else None, mark_weight(mark.weight, kind),
                    entered_late(local_day(mark.created_at, tz), due))


def _cell_attendance(att: Attendance, reason: str | None) -> CellAttendance:
    return CellAttendance(att.id, att.status, att.minutes_late, reason, att.version)


def journal_page(actor: Actor, assignment_id: int, period_id: int | None = None, *,
                 now: dt.datetime, day: dt.date | None = None) -> JournalPage:
    """The grid of one teaching assignment for one period: ``period_id``, else the period containing
    ``day``, else the current one. A fixed number of queries: none per student, lesson or cell."""
    assignment, year, school = _assignment_row(actor, assignment_id)
    tz = school_zone(school.timezone)
    today = local_day(now, tz)
    cls = assignment.school_class
    periods = _class_periods(cls)
    if period_id is None:
        period = next((p for p in periods if day is not None and p.starts_on <= day <= p.ends_on), None) \
            or current_period(periods, today)
    else:
        period = next((p for p in periods if p.id == period_id), None)
    if period is None:
        raise NotFound(_("Период не найден: у класса %(cls)s нет такого периода."), cls=cls.name)
    start, end = period.starts_on, period.ends_on
    read_only = _read_only(year, period)
    rules = DeadlineRules.from_settings(all_settings(cls.school_id))
    criteria = school.grading_scheme == CRITERIA

    students = _roster(assignment, start, end)
    lessons = db.session.scalars(select(Lesson).where(Lesson.assignment_id == assignment.id,
                                                      Lesson.date.between(start, end))).all()
    entries = db.session.scalars(select(TimetableEntry).where(
        TimetableEntry.assignment_id == assignment.id, TimetableEntry.valid_from <= end,
        or_(TimetableEntry.valid_to.is_(None), TimetableEntry.valid_to >= start))).all()
    substitutions = db.session.execute(
        select(Substitution.date, Substitution.substitute_id, TimetableEntry.bell_id)
        .join(TimetableEntry, TimetableEntry.id == Substitution.entry_id)
        .where(TimetableEntry.assignment_id == assignment.id, Substitution.date.between(start, end))).all()
    # By the ids of the lessons just loaded: an index lookup whatever the planner's statistics say (a join
    # to lessons made PostgreSQL scan all marks of a freshly loaded district without ANALYZE).
    lesson_ids = [lesson.id for lesson in lessons]
    marks = db.session.scalars(select(Mark).where(Mark.lesson_id.in_(lesson_ids)).order_by(Mark.slot)).all()
    attendance = db.session.execute(
        select(Attendance, AttendanceReason.name)
        .outerjoin(AttendanceReason, AttendanceReason.id == Attendance.reason_id)
        .where(Attendance.lesson_id.in_(lesson_ids))).all()
    kinds = db.session.scalars(select(WorkKind).where(WorkKind.school_id == cls.school_id).order_by(WorkKind.id)).all()
    plan_items = db.session.scalars(select(PlanItem).where(PlanItem.assignment_id == assignment.id)
                                    .order_by(PlanItem.position)).all()
    bells = db.session.scalars(select(Bell).where(Bell.school_id == cls.school_id)
                               .order_by(Bell.shift, Bell.number)).all()

    kind_by_id = {k.id: k for k in kinds}
    bell_by_id = {b.id: b for b in bells}
    write = journal_write_right(actor, assignment, [(d, who) for d, who, _b in substitutions],
                                read_only=read_only is not None)
    is_teacher, sub_dates, writable = write.own, write.substitute_dates, write.on
    substituted = {(d, b) for d, _w, b in substitutions}

    # Columns: lessons given, and the timetable's dates still without a lesson (up to today).
    by_date: dict[dt.date, list[Lesson]] = defaultdict(list)
    for lesson in lessons:
        by_date[lesson.date].append(lesson)
    placeholders: list[tuple[dt.date, int]] = []
    day = start
    last = min(end, today)
    while day <= last:
        expected_bells = sorted((e.bell_id for e in entries if e.weekday == day.isoweekday() and e.valid_from <= day
                                 and (e.valid_to or year.ends_on) >= day),
                                key=lambda b: bell_order(bell_by_id.get(b)))
        placeholders += [(day, bell_id) for bell_id, lesson in
                         fill_slots(expected_bells, by_date.get(day, ()), bell=lambda b: b) if lesson is None]
        day += dt.timedelta(days=1)

    columns = []
    for lesson in lessons:
        bell = bell_by_id.get(lesson.bell_id)
        kind = kind_by_id.get(lesson.work_kind_id)
        can = writable(lesson.date)
        columns.append(JournalColumn(
            key=f"l{lesson.id}", date=lesson.date, bell_id=lesson.bell_id, bell_number=bell.number if bell else None,
            lesson=lesson, expected=False, work_kind=kind, writable=can, cells_writable=can and lesson.date <= today,
            substituted=lesson.substitution_id is not None or (lesson.date, lesson.bell_id) in substituted,
            substitute_here=lesson.date in sub_dates and not is_teacher,
            late_topic=entered_late(local_day(lesson.recorded_at, tz), lesson_deadline(lesson.date, rules)),
            late_homework=bool(lesson.homework) and entered_late(local_day(lesson.homework_recorded_at, tz),
                                                           homework_deadline(lesson.date)),
            marks_due=marks_deadline(lesson.date, cls.grade, bool(kind and kind.is_control), rules),
            scale=lesson_scale(lesson.max_points) if criteria else None))
    for day, bell_id in placeholders:
        bell = bell_by_id.get(bell_id)
        columns.append(JournalColumn(
            key=f"d{day.isoformat()}-{bell_id}", date=day, bell_id=bell_id, bell_number=bell.number if bell else None,
            lesson=None, expected=True, writable=writable(day), substituted=(day, bell_id) in substituted,
            substitute_here=day in sub_dates and not is_teacher,
            overdue=entered_late(today, lesson_deadline(day, rules))))
    columns.sort(key=lambda c: (c.date, bell_order(bell_by_id.get(c.bell_id)), c.lesson.id if c.lesson else 0))

    lesson_by_id = {lesson.id: lesson for lesson in lessons}
    cells: dict[tuple[int, int], Cell] = {}
    for mark in marks:
        cell = cells.setdefault((mark.lesson_id, mark.student_id), Cell(mark.lesson_id, mark.student_id))
        cell.marks.append(_cell_mark(mark, lesson_by_id[mark.lesson_id], kind_by_id, cls.grade, rules, tz))
    for att, reason in attendance:
        cell = cells.setdefault((att.lesson_id, att.student_id), Cell(att.lesson_id, att.student_id))
        cell.attendance = _cell_attendance(att, reason)

    return JournalPage(
        assignment=assignment, school_class=cls, subject=assignment.subject, subgroup=assignment.subgroup,
        teacher=assignment.teacher, year=year, period=period, periods=periods, today=today, students=students,
        columns=columns, cells=cells, work_kinds=kinds, plan_items=plan_items, bells=bells,
        mark_choices=allowed_marks(assignment.subject, cls.grade), read_only=read_only,
        write=write, criteria=criteria,
        files=file_links(Attachment.lesson_id, list(lesson_by_id)))


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
    years = db.session.scalars(select(AcademicYear).where(AcademicYear.school_id == actor.school_id)
                               .order_by(AcademicYear.starts_on.desc())).all()
    year = next((y for y in years if y.id == year_id), None) if year_id else \
        next((y for y in years if y.starts_on <= today <= y.ends_on), None) or (years[0] if years else None)
    if year is None:
        return PageList(None, years, [])
    assignments = db.session.scalars(
        select(TeachingAssignment)
        .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
        .join(Subject, Subject.id == TeachingAssignment.subject_id)
        .options(joinedload(TeachingAssignment.school_class), joinedload(TeachingAssignment.subject),
                 joinedload(TeachingAssignment.subgroup), joinedload(TeachingAssignment.teacher))
        .where(TeachingAssignment.year_id == year.id, TeachingAssignment.id.in_(assignment_ids(actor)))
        .order_by(SchoolClass.grade, SchoolClass.letter, Subject.name, TeachingAssignment.subgroup_id,
                  TeachingAssignment.id)).all()
    periods = db.session.scalars(select(Period).where(Period.year_id == year.id).order_by(Period.starts_on)).all()
    subs: dict[int, list[dt.date]] = defaultdict(list)
    if actor.staff_id is not None:
        for assignment_id, day in db.session.execute(
                select(TimetableEntry.assignment_id, Substitution.date)
                .join(Substitution, Substitution.entry_id == TimetableEntry.id)
                .where(Substitution.substitute_id == actor.staff_id,
                       Substitution.date.between(year.starts_on, year.ends_on))
                .order_by(Substitution.date)):
            subs[assignment_id].append(day)
    by_scheme: dict[str, list[Period]] = defaultdict(list)
    for p in periods:
        by_scheme[p.scheme].append(p)
    lines = [PageLine(a, current_period(by_scheme.get(a.school_class.period_scheme, []), today),
                      a.teacher_id == actor.staff_id, subs.get(a.id, []))
             for a in assignments]
    return PageList(year, years, lines)


# --- writing: common checks ------------------------------------------------------------------------------------
@dataclass
class _Context:
    assignment: TeachingAssignment
    cls: SchoolClass
    subject: Subject
    year: AcademicYear
    tz: ZoneInfo
    scheme: str  # the school's grading scheme: five_point or criteria

    @property
    def criteria(self) -> bool:
        return self.scheme == CRITERIA


def _context(assignment: TeachingAssignment, year: AcademicYear, school: School) -> _Context:
    return _Context(assignment, assignment.school_class, assignment.subject, year, school_zone(school.timezone),
                    school.grading_scheme)


def _parse_value(text: str, lesson: Lesson, ctx: _Context) -> tuple[int | None, str | None, Decimal | None]:
    """(value, special, points) of what was typed in a cell of this lesson: a 5-point or special mark, or in
    a criteria-based school points out of the lesson's maximum (special marks such as н/а stay words)."""
    if ctx.criteria and canonical_mark(text) not in SPECIAL_MARKS:
        require_marks_given(ctx.cls.grade)
        return None, None, parse_points(text, lesson_scale(lesson.max_points))
    value, special = parse_mark(text, ctx.subject, ctx.cls.grade)
    return value, special, None


def _lesson_with_context(actor: Actor, lesson_id: int, assignment_id: int | None) -> tuple[Lesson, _Context]:
    row = db.session.execute(
        select(Lesson, AcademicYear, School)
        .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
        .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
        .join(AcademicYear, AcademicYear.id == TeachingAssignment.year_id)
        .join(School, School.id == SchoolClass.school_id)
        .options(joinedload(Lesson.assignment).joinedload(TeachingAssignment.school_class),
                 joinedload(Lesson.assignment).joinedload(TeachingAssignment.subject))
        .where(Lesson.id == lesson_id, SchoolClass.school_id == actor.school_id)).first() if lesson_id else None
    if row is None:
        raise NotFound(_("Урок не найден."))
    lesson, year, school = row
    if assignment_id is not None and lesson.assignment_id != assignment_id:
        raise InvalidInput(_("Урок %(date)s относится к другой странице журнала."), date=_d(lesson.date))
    return lesson, _context(lesson.assignment, year, school)


def _require_writer(actor: Actor, ctx: _Context, day: dt.date) -> None:
    if not can_edit_assignment(actor, ctx.assignment, day):
        raise AccessDenied(_("Писать в этот журнал может только учитель, который ведёт предмет, или учитель, "
                             "замещающий урок, — в день замены (%(date)s нет замены)."), date=_d(day))


def _open_period(ctx: _Context, day: dt.date) -> Period:
    """The class's period containing the date; refused when there is none, or it is closed, or the year
    is archived."""
    ctx.year.require_open()
    period = db.session.scalar(select(Period).where(
        Period.year_id == ctx.cls.year_id, Period.scheme == ctx.cls.period_scheme, Period.starts_on <= day,
        Period.ends_on >= day))
    if period is None:
        raise InvalidInput(_("%(date)s не входит ни в один учебный период класса %(cls)s."), date=_d(day),
                           cls=ctx.cls.name)
    period.require_open()
    return period


def _today(ctx: _Context, now: dt.datetime) -> dt.date:
    return local_day(now, ctx.tz)


# --- lessons --------------------------------------------------------------------------------------------------
def _clean_text(value: str | None, limit: int, label: str) -> str | None:
    text = "\n".join(" ".join(line.split()) for line in (value or "").strip().splitlines()).strip()
    if len(text) > limit:
        raise InvalidInput(_("%(label)s: не длиннее %(n)s символов."), label=label, n=limit)
    return text or None


def _lesson_snapshot(lesson: Lesson) -> dict:
    return {"date": lesson.date, "bell_id": lesson.bell_id, "topic": lesson.topic, "work_kind_id": lesson.work_kind_id,
            "homework": lesson.homework, "plan_item_id": lesson.plan_item_id,
            "max_points": points_text(lesson.max_points) or None}


def _lesson_substitution(assignment_id: int, day: dt.date, bell_id: int | None) -> int | None:
    q = (select(Substitution.id).join(TimetableEntry, TimetableEntry.id == Substitution.entry_id)
         .where(TimetableEntry.assignment_id == assignment_id, Substitution.date == day))
    if bell_id is not None:
        q = q.where(TimetableEntry.bell_id == bell_id)
    return db.session.scalars(q.order_by(Substitution.id)).first()


def save_lesson(actor: Actor, assignment_id: int, *, date: dt.date | None, topic: str | None, work_kind_id: int | None,
                homework: str | None = None, plan_item_id: int | None = None, bell_id: int | None = None,
                lesson_id: int | None = None, expected_version: int | None = None, max_points: str | None = None,
                now: dt.datetime) -> Lesson:
    """Record a lesson (``lesson_id`` None) or change one. The topic is mandatory (R2); the kind of work
    comes from the school's list; the plan line must be one of this assignment's; the date is a school day
    of an open period (an extra or moved lesson may be on any such day, not only the timetabled ones).
    In a criteria-based school ``max_points`` (as typed) is the work's maximum: required for СОР and СОЧ,
    optional for formative work (FORMATIVE_SCALE otherwise), fixed once points are given."""
    assignment, year, school = _assignment_row(actor, assignment_id)
    ctx = _context(assignment, year, school)
    lesson = None
    if lesson_id is not None:
        lesson = db.session.scalar(select(Lesson).where(Lesson.id == lesson_id))
        if lesson is None or lesson.assignment_id != assignment.id:
            raise NotFound(_("Урок не найден."))
    if date is None:
        raise InvalidInput(_("Укажите дату урока."))
    _require_writer(actor, ctx, date)
    if lesson is not None and lesson.date != date:
        _require_writer(actor, ctx, lesson.date)
        _open_period(ctx, lesson.date)
    _open_period(ctx, date)
    if date.isoweekday() not in SCHOOL_DAYS:
        raise InvalidInput(_("%(date)s — воскресенье: уроков в этот день нет."), date=_d(date))
    clean_topic = _clean_text(topic, MAX_TOPIC, _("Тема урока"))
    if not clean_topic:
        raise InvalidInput(_("Укажите тему урока: в журнале не бывает урока без темы."))
    clean_homework = _clean_text(homework, MAX_HOMEWORK, _("Домашнее задание"))
    kind = db.session.scalar(select(WorkKind).where(WorkKind.id == work_kind_id,
                                                    WorkKind.school_id == ctx.cls.school_id)) if work_kind_id else None
    if kind is None:
        raise InvalidInput(_("Выберите вид работы из списка школы."))
    new_max = _lesson_max(ctx, kind, max_points, lesson)
    if plan_item_id is not None and db.session.scalar(select(PlanItem.id).where(
            PlanItem.id == plan_item_id, PlanItem.assignment_id == assignment.id)) is None:
        raise InvalidInput(_("Строка тематического плана не относится к этой странице журнала."))
    if bell_id is not None and db.session.scalar(select(Bell.id).where(
            Bell.id == bell_id, Bell.school_id == ctx.cls.school_id)) is None:
        raise InvalidInput(_("Выберите урок по расписанию звонков школы."))
    if lesson is not None and expected_version is not None and lesson.version != expected_version:
        raise Conflict(_("Урок уже изменил другой пользователь: сейчас тема «%(topic)s». Проверьте и сохраните снова."),
                       topic=lesson.topic)
    if bell_id is not None:
        clash = db.session.scalar(select(Lesson).where(Lesson.assignment_id == assignment.id, Lesson.date == date,
                                                       Lesson.bell_id == bell_id, Lesson.id != (lesson_id or 0)))
        if clash is not None:
            raise Conflict(_("На %(date)s этот урок уже записан: «%(topic)s»."), date=_d(date), topic=clash.topic)
    if lesson is not None and lesson.date != date:
        moved = db.session.scalars(
            select(Mark.student_id).where(Mark.lesson_id == lesson.id)
            .union(select(Attendance.student_id).where(Attendance.lesson_id == lesson.id))).all()
        for student_id in moved:
            if not is_on_roster(assignment, student_id, date):
                raise InvalidInput(_("Перенести урок на %(date)s нельзя: не все, у кого есть отметки за урок, "
                                     "учатся в классе в этот день."), date=_d(date))

    old = _lesson_snapshot(lesson) if lesson is not None else None
    if lesson is None:
        lesson = Lesson(assignment_id=assignment.id, taught_by_id=actor.staff_id, recorded_at=now)
        db.session.add(lesson)
    lesson.date, lesson.bell_id, lesson.topic, lesson.work_kind_id = date, bell_id, clean_topic, kind.id
    lesson.plan_item_id = plan_item_id
    lesson.max_points = new_max
    if clean_homework and lesson.homework_recorded_at is None:
        lesson.homework_recorded_at = now
    lesson.homework = clean_homework
    if old is None or old["date"] != date or old["bell_id"] != bell_id:
        lesson.substitution_id = _lesson_substitution(assignment.id, date, bell_id)
    new = _lesson_snapshot(lesson)
    if old == new:
        return lesson
    try:
        with db.session.begin_nested():
            db.session.flush()
    except StaleDataError:
        raise Conflict(_("Урок уже изменил другой пользователь. Обновите страницу и сохраните снова.")) from None
    except IntegrityError:
        raise Conflict(_("На %(date)s этот урок уже записан. Обновите страницу."), date=_d(date)) from None
    AuditEvent.record(actor.user_id, "lesson.create" if old is None else "lesson.update", "lesson", lesson.id,
                      old=old, new=new)
    return lesson


def _lesson_max(ctx: _Context, kind: WorkKind, raw: str | None, lesson: Lesson | None) -> Decimal | None:
    if not ctx.criteria:
        return None
    new_max = parse_max_points(raw)
    if new_max is None and kind.criteria_kind in ("sor", "soch"):
        raise InvalidInput(_("Укажите максимальный балл работы «%(kind)s»."), kind=kind.name)
    old_max = lesson.max_points if lesson is not None else None
    if lesson is not None and lesson_scale(new_max) != lesson_scale(old_max) and db.session.scalar(
            select(Mark.id).where(Mark.lesson_id == lesson.id, Mark.points.is_not(None)).limit(1)) is not None:
        raise InvalidInput(_("За работу уже выставлены баллы из %(max)s: максимальный балл изменить нельзя."),
                           max=points_text(lesson_scale(old_max)))
    return new_max


def delete_lesson(actor: Actor, assignment_id: int, lesson_id: int, *, expected_version: int | None,
                  now: dt.datetime) -> None:
    """Remove a lesson recorded by mistake: only while it has no marks, attendance or files."""
    lesson, ctx = _lesson_with_context(actor, lesson_id, assignment_id)
    _require_writer(actor, ctx, lesson.date)
    _open_period(ctx, lesson.date)
    if expected_version is not None and lesson.version != expected_version:
        raise Conflict(_("Урок уже изменил другой пользователь: сейчас тема «%(topic)s»."), topic=lesson.topic)
    used = db.session.scalar(select(func.count()).select_from(union_all(
        select(Mark.id).where(Mark.lesson_id == lesson.id),
        select(Attendance.id).where(Attendance.lesson_id == lesson.id),
        select(Attachment.id).where(Attachment.lesson_id == lesson.id)).subquery()))
    if used:
        raise InvalidInput(_("У урока есть отметки, посещаемость или файлы: удалить его нельзя. Исправьте тему или дату."))
    old = _lesson_snapshot(lesson)
    db.session.delete(lesson)
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict(_("Урок уже изменил другой пользователь. Обновите страницу.")) from None
    AuditEvent.record(actor.user_id, "lesson.delete", "lesson", lesson_id, old=old)


# --- cells ----------------------------------------------------------------------------------------------------
_UNCHANGED = object()


def _cell(lesson: Lesson, student_id: int, ctx: _Context) -> Cell:
    """The current content of one cell (three queries)."""
    rules = DeadlineRules.from_settings(all_settings(ctx.cls.school_id))
    cell = Cell(lesson.id, student_id)
    marks = db.session.scalars(select(Mark).where(Mark.lesson_id == lesson.id, Mark.student_id == student_id)
                               .order_by(Mark.slot)).all()
    kind_ids = {lesson.work_kind_id} | {m.work_kind_id for m in marks if m.work_kind_id}
    kinds = {k.id: k for k in db.session.scalars(select(WorkKind).where(WorkKind.id.in_(kind_ids)))}
    cell.marks = [_cell_mark(m, lesson, kinds, ctx.cls.grade, rules, ctx.tz) for m in marks]
    row = db.session.execute(select(Attendance, AttendanceReason.name)
                             .outerjoin(AttendanceReason, AttendanceReason.id == Attendance.reason_id)
                             .where(Attendance.lesson_id == lesson.id, Attendance.student_id == student_id)).first()
    if row is not None:
        cell.attendance = _cell_attendance(row[0], row[1])
    return cell


def _conflict(message: str, cell_text: str, lesson: Lesson, student_id: int, ctx: _Context, **params) -> Conflict:
    exc = Conflict(message, current=cell_text or _("пусто"), **params)
    exc.cell = _cell(lesson, student_id, ctx)
    return exc


def _cell_key(lesson_id: int, student_id: int) -> str:
    return f"{lesson_id}/{student_id}"


def _mark_snapshot(mark: Mark) -> dict:
    return {"cell": _cell_key(mark.lesson_id, mark.student_id), "lesson_id": mark.lesson_id,
            "student_id": mark.student_id, "slot": mark.slot, "mark": mark.display, "comment": mark.comment,
            "work_kind_id": mark.work_kind_id}


def _writable_cell(actor: Actor, lesson_id: int, student_id: int, assignment_id: int | None,
                   now: dt.datetime) -> tuple[Lesson, _Context]:
    lesson, ctx = _lesson_with_context(actor, lesson_id, assignment_id)
    _require_writer(actor, ctx, lesson.date)
    _open_period(ctx, lesson.date)
    if lesson.date > _today(ctx, now):
        raise InvalidInput(_("Урок %(date)s ещё не прошёл: отметки и посещаемость ставятся после урока."),
                           date=_d(lesson.date))
    student = db.session.scalar(select(Student.id).where(Student.id == student_id,
                                                         Student.school_id == ctx.cls.school_id)) if student_id else None
    if student is None or not is_on_roster(ctx.assignment, student_id, lesson.date):
        where = f"{ctx.cls.name}, {ctx.assignment.subgroup.name}" if ctx.assignment.subgroup else ctx.cls.name
        raise InvalidInput(_("Обучающийся не числится в %(where)s на %(date)s: запись в журнал невозможна."),
                           where=where, date=_d(lesson.date))
    return lesson, ctx


def set_mark(actor: Actor, lesson_id: int, student_id: int, slot: int, value: str | None,
             expected_version: int | None, comment=_UNCHANGED, work_kind_id=_UNCHANGED, *, now: dt.datetime,
             assignment_id: int | None = None) -> Cell:
    """Put, change or delete (``value`` '') the mark in one slot (1–3) of a cell.

    ``expected_version`` is the version the writer saw; None means "I saw the slot empty". ``comment`` and
    ``work_kind_id`` stay as they are unless given (None or '' clears them). ``assignment_id`` is the
    journal page the writer has open (a lesson of another page is refused). Returns the cell as it is now."""
    lesson, ctx = _writable_cell(actor, lesson_id, student_id, assignment_id, now)
    require_marks_given(ctx.cls.grade)
    if slot not in SLOTS:
        raise InvalidInput(_("В одной клетке не больше %(n)s отметок."), n=len(SLOTS))
    text = (value or "").strip()
    if ctx.criteria and slot != SLOTS[0] and text:
        raise InvalidInput(_ONE_RESULT)
    parsed = _parse_value(text, lesson, ctx) if text else None
    new_comment = _UNCHANGED if comment is _UNCHANGED else _clean_text(comment, MAX_COMMENT, _("Комментарий"))
    new_kind = _UNCHANGED
    if work_kind_id is not _UNCHANGED:
        new_kind = work_kind_id or None
        if new_kind is not None and db.session.scalar(select(WorkKind.id).where(
                WorkKind.id == new_kind, WorkKind.school_id == ctx.cls.school_id)) is None:
            raise InvalidInput(_("Выберите вид работы из списка школы."))

    mark = db.session.scalar(select(Mark).where(Mark.lesson_id == lesson.id, Mark.student_id == student_id,
                                                Mark.slot == slot))
    if mark is None and expected_version is not None:
        cell = _cell(lesson, student_id, ctx)
        raise _conflict(_("Эту отметку уже удалил другой пользователь: сейчас в клетке «%(current)s». "
                          "Проверьте и введите снова."), cell.text, lesson, student_id, ctx)
    if mark is not None and expected_version is None:
        raise _conflict(_("Клетку уже заполнили: сейчас в ней «%(current)s». Проверьте и введите снова."),
                        _cell(lesson, student_id, ctx).text, lesson, student_id, ctx)
    if mark is not None and mark.version != expected_version:
        raise _conflict(_("Отметку уже изменил другой пользователь: сейчас в клетке «%(current)s». "
                          "Проверьте и введите снова."), _cell(lesson, student_id, ctx).text, lesson, student_id, ctx)

    if parsed is None:  # delete
        if mark is None:
            return _cell(lesson, student_id, ctx)
        old, mark_id = _mark_snapshot(mark), mark.id
        with _cell_change(lesson, student_id, ctx):
            db.session.delete(mark)
        AuditEvent.record(actor.user_id, "mark.delete", "mark", mark_id, old=old)
        return _cell(lesson, student_id, ctx)

    old = _mark_snapshot(mark) if mark is not None else None
    with _cell_change(lesson, student_id, ctx):
        if mark is None:
            mark = Mark(lesson_id=lesson.id, student_id=student_id, slot=slot, author_id=actor.user_id, created_at=now)
            db.session.add(mark)
        mark.value, mark.special, mark.points = parsed
        mark.max_points = lesson_scale(lesson.max_points) if mark.points is not None else None
        if new_comment is not _UNCHANGED:
            mark.comment = new_comment
        if new_kind is not _UNCHANGED:
            mark.work_kind_id = new_kind
        new = _mark_snapshot(mark)
        if old == new:
            return _cell(lesson, student_id, ctx)
        mark.updated_at = now
    AuditEvent.record(actor.user_id, "mark.create" if old is None else "mark.update", "mark", mark.id, old=old, new=new)
    return _cell(lesson, student_id, ctx)


@contextlib.contextmanager
def _cell_change(lesson: Lesson, student_id: int, ctx: _Context):
    """One cell's change inside a savepoint begun before anything of it is pending (Session.begin_nested
    flushes what is pending first, outside the savepoint, where a failure would doom the whole transaction).
    A concurrent writer (a stale version, a row inserted meanwhile) is a Conflict showing the cell as it is."""
    try:
        with db.session.begin_nested():
            yield
            db.session.flush()
    except (StaleDataError, IntegrityError):
        db.session.expire_all()
        raise _conflict(_("Клетку только что изменил другой пользователь: сейчас в ней «%(current)s». "
                          "Проверьте и введите снова."), _cell(lesson, student_id, ctx).text, lesson, student_id,
                        ctx) from None


def _attendance_snapshot(att: Attendance) -> dict:
    return {"cell": _cell_key(att.lesson_id, att.student_id), "lesson_id": att.lesson_id,
            "student_id": att.student_id, "status": att.status, "minutes_late": att.minutes_late,
            "reason_id": att.reason_id}


def set_attendance(actor: Actor, lesson_id: int, student_id: int, status: str | None, expected_version: int | None,
                   minutes_late=_UNCHANGED, *, now: dt.datetime, assignment_id: int | None = None) -> Cell:
    """Mark a student absent ("н"), late ("оп", with minutes when known) or present (status '' deletes
    the record). Versions work as in set_mark. First-grade classes keep attendance too."""
    lesson, ctx = _writable_cell(actor, lesson_id, student_id, assignment_id, now)
    new_status = parse_status(status)
    minutes = _UNCHANGED
    if minutes_late is not _UNCHANGED:
        minutes = None
        if minutes_late not in (None, ""):
            minutes = parse_int(str(minutes_late), -1)
            if not 1 <= minutes <= MAX_MINUTES_LATE:
                raise InvalidInput(_("Опоздание — от 1 до %(n)s минут."), n=MAX_MINUTES_LATE)
    att = db.session.scalar(select(Attendance).where(Attendance.lesson_id == lesson.id,
                                                     Attendance.student_id == student_id))
    if att is None and expected_version is not None:
        raise _conflict(_("Отметку посещаемости уже удалил другой пользователь: сейчас в клетке «%(current)s». "
                          "Проверьте и введите снова."), _cell(lesson, student_id, ctx).text, lesson, student_id, ctx)
    if att is not None and (expected_version is None or att.version != expected_version):
        raise _conflict(_("Посещаемость уже отметил другой пользователь: сейчас в клетке «%(current)s». "
                          "Проверьте и введите снова."), _cell(lesson, student_id, ctx).text, lesson, student_id, ctx)
    if new_status is None:
        if att is None:
            return _cell(lesson, student_id, ctx)
        old, att_id = _attendance_snapshot(att), att.id
        with _cell_change(lesson, student_id, ctx):
            db.session.delete(att)
        AuditEvent.record(actor.user_id, "attendance.delete", "attendance", att_id, old=old)
        return _cell(lesson, student_id, ctx)
    old = _attendance_snapshot(att) if att is not None else None
    with _cell_change(lesson, student_id, ctx):
        if att is None:
            att = Attendance(lesson_id=lesson.id, student_id=student_id, recorded_by_id=actor.user_id, recorded_at=now)
            db.session.add(att)
        att.status = new_status
        if new_status != "late":
            att.minutes_late = None
        elif minutes is not _UNCHANGED:
            att.minutes_late = minutes
        new = _attendance_snapshot(att)
        if old == new:
            return _cell(lesson, student_id, ctx)
    AuditEvent.record(actor.user_id, "attendance.create" if old is None else "attendance.update", "attendance",
                      att.id, old=old, new=new)
    return _cell(lesson, student_id, ctx)


def _seen(state: dict | None) -> tuple[list | None, list[list]]:
    """The attendance and marks (sorted by slot) of a posted cell state; bad input counts as empty."""
    if not isinstance(state, dict):
        return None, []
    a = state.get("a")
    marks = [m for m in (state.get("m") or []) if isinstance(m, list) and len(m) >= 3 and m[0] in SLOTS]
    return (a if isinstance(a, list) and len(a) == 3 else None), sorted(marks, key=lambda m: m[0])


def parse_state(raw: str | None) -> dict | None:
    if not raw:
        return None
    try:
        state = json.loads(raw)
    except ValueError:
        raise InvalidInput(_("Страница устарела: обновите её и повторите.")) from None
    return state if isinstance(state, dict) else None


def _signature(state: dict | None) -> tuple:
    """What identifies a cell's content: the attendance and every mark with their versions."""
    seen_a, seen_m = _seen(state)
    return ((seen_a[0], seen_a[2]) if seen_a else None, tuple((m[0], m[2]) for m in seen_m))


def save_cell(actor: Actor, lesson_id: int, student_id: int, text: str, seen: dict | None, *, now: dt.datetime,
              assignment_id: int | None = None) -> Cell:
    """A cell typed as text in the plain grid ("н 5/4"), against what the writer saw (``Cell.state()``):
    when anything in the cell changed since (another tab, another teacher), nothing is written and the
    Conflict carries the current value. Otherwise only what differs is written."""
    lesson, ctx = _writable_cell(actor, lesson_id, student_id, assignment_id, now)
    status, minutes, tokens = parse_cell_text(text, criteria=ctx.criteria)
    for token in tokens:  # all or nothing: check every mark before writing anything
        _parse_value(token, lesson, ctx)
    if status == "late" and minutes is not None and not 1 <= minutes <= MAX_MINUTES_LATE:
        raise InvalidInput(_("Опоздание — от 1 до %(n)s минут."), n=MAX_MINUTES_LATE)
    seen_a, seen_m = _seen(seen)
    current = _cell(lesson, student_id, ctx)
    if _signature(current.state()) != _signature(seen):
        raise _conflict(_("Клетку уже изменил другой пользователь: сейчас в ней «%(current)s». "
                          "Проверьте и введите снова."), current.text, lesson, student_id, ctx)
    cell = None
    seen_status = seen_a[0] if seen_a else None
    if status != seen_status or (status == "late" and minutes is not None and minutes != seen_a[1]):
        cell = set_attendance(actor, lesson_id, student_id, status or "", seen_a[2] if seen_a else None,
                              minutes if status == "late" and minutes is not None else _UNCHANGED,
                              now=now, assignment_id=assignment_id)
    used = {m[0] for m in seen_m}
    for i, token in enumerate(tokens):
        if i < len(seen_m):
            slot, shown, version = seen_m[i][0], seen_m[i][1], seen_m[i][2]
            if canonical_mark(token) != shown:
                cell = set_mark(actor, lesson_id, student_id, slot, token, version, now=now,
                                assignment_id=assignment_id)
        else:
            slot = next(s for s in SLOTS if s not in used)
            used.add(slot)
            cell = set_mark(actor, lesson_id, student_id, slot, token, None, now=now, assignment_id=assignment_id)
    for slot, _shown, version, *_rest in seen_m[len(tokens):]:
        cell = set_mark(actor, lesson_id, student_id, slot, "", version, now=now, assignment_id=assignment_id)
    return cell if cell is not None else _cell(lesson, student_id, ctx)


def state_text(state: dict | None) -> str:
    """The text of a cell as it was seen (see Cell.state())."""
    seen_a, seen_m = _seen(state)
    parts = [ATTENDANCE_CODES.get(seen_a[0], "")] if seen_a else []
    if seen_m:
        parts.append("/".join(str(m[1]) for m in seen_m))
    return " ".join(p for p in parts if p)


def save_cell_parts(actor: Actor, lesson_id: int, student_id: int, seen: dict | None, *,
                    status: str | None, minutes_late: str | int | None, marks: dict[int, tuple[str, int | None, str]],
                    now: dt.datetime, assignment_id: int | None = None) -> Cell | None:
    """The detailed form of a cell (the lesson page): attendance with minutes, and per slot the mark, its
    kind of work and comment. Writes what differs from what was seen, with the versions seen; returns
    the cell, or None when nothing differed."""
    seen_a, seen_m = _seen(seen)
    by_slot = {m[0]: m for m in seen_m}
    cell = None
    status = parse_status(status)
    minutes = parse_int(str(minutes_late or ""), None if not minutes_late else -1, low=0)
    seen_status = seen_a[0] if seen_a else None
    seen_minutes = seen_a[1] if seen_a else None
    if status != seen_status or (status == "late" and minutes != seen_minutes):
        cell = set_attendance(actor, lesson_id, student_id, status or "", seen_a[2] if seen_a else None,
                              minutes if status == "late" else _UNCHANGED, now=now, assignment_id=assignment_id)
    for slot in SLOTS:
        value, kind_id, comment = marks.get(slot, ("", None, ""))
        value = canonical_mark(value)
        comment = _clean_text(comment, MAX_COMMENT, _("Комментарий"))
        old = by_slot.get(slot)
        if old is None and not value:
            continue
        if old is not None and value == old[1] and (kind_id or None) == (old[3] if len(old) > 3 else None) \
                and comment == (old[4] if len(old) > 4 else None):
            continue
        cell = set_mark(actor, lesson_id, student_id, slot, value, old[2] if old else None, comment, kind_id,
                        now=now, assignment_id=assignment_id)
    return cell


def read_cell(actor: Actor, lesson_id: int, student_id: int) -> Cell:
    """The current content of a cell, for anyone who may open the page."""
    lesson, ctx = _lesson_with_context(actor, lesson_id, None)
    _assignment_row(actor, lesson.assignment_id)  # access
    return _cell(lesson, student_id, ctx)


# --- history -------------------------------------------------------------------------------------------------------
ACTION_LABELS = {
    "mark.create": N_("поставлена отметка"), "mark.update": N_("изменена отметка"), "mark.delete": N_("удалена отметка"),
    "attendance.create": N_("отмечена посещаемость"), "attendance.update": N_("изменена посещаемость"),
    "attendance.delete": N_("снята отметка посещаемости"),
    "lesson.create": N_("записан урок"), "lesson.update": N_("изменён урок"), "lesson.delete": N_("удалён урок"),
}


@dataclass
class HistoryLine:
    at: dt.datetime  # in the school's time zone
    who: str
    action: str
    label: str
    old: str
    new: str


@dataclass
class CellHistory:
    lesson: Lesson
    student: Student
    assignment: TeachingAssignment
    lines: list[HistoryLine]
    cell: Cell


def _describe(entity: str, values: dict | None, kinds: dict[int, str]) -> str:
    """A version of a cell or lesson as one line (Russian; Text/Joined, so it is shown translated)."""
    if not values:
        return ""
    if entity == "mark":
        text = f"{values.get('mark', '')}"
        if values.get("slot", 1) != 1:
            text += f" (№ {values['slot']})"
        if values.get("work_kind_id"):
            text += f"; {kinds.get(values['work_kind_id'], '')}"
        if values.get("comment"):
            text += f"; «{values['comment']}»"
        return text
    if entity == "attendance":
        code = ATTENDANCE_CODES.get(values.get("status"), "")
        if values.get("minutes_late"):
            return Text(_("%(code)s %(minutes)s мин"), code=code, minutes=values["minutes_late"])
        return code
    day = values.get("date", "")
    if isinstance(day, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", day):
        day = f"{day[8:10]}.{day[5:7]}.{day[0:4]}"
    parts = [day, f"«{values.get('topic', '')}»"]
    if values.get("work_kind_id"):
        parts.append(kinds.get(values["work_kind_id"], ""))
    if values.get("homework"):
        parts.append(Text(_("д/з: %(homework)s"), homework=values["homework"]))
    return Joined("; ", (p for p in parts if p))


def cell_history(actor: Actor, lesson_id: int, student_id: int) -> CellHistory:
    """Every change of the cell's marks and attendance (and of the lesson itself), oldest first, from the
    audit log: who, when, old and new."""
    lesson, ctx = _lesson_with_context(actor, lesson_id, None)
    _assignment_row(actor, lesson.assignment_id)  # may the actor open this page?
    student = db.session.scalar(select(Student).where(Student.id == student_id,
                                                      Student.school_id == ctx.cls.school_id)) if student_id else None
    if student is None:
        raise NotFound(_("Обучающийся не найден."))
    pattern = f'%"cell": "{_cell_key(lesson.id, student_id)}"%'
    rows = db.session.execute(
        select(AuditEvent, User.login, Staff)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .outerjoin(Staff, Staff.id == User.staff_id)
        .where(or_((AuditEvent.entity.in_(("mark", "attendance"))
                    & (AuditEvent.new.like(pattern) | AuditEvent.old.like(pattern))),
                   (AuditEvent.entity == "lesson") & (AuditEvent.entity_id == lesson.id)))
        .order_by(AuditEvent.at, AuditEvent.id)).all()
    kinds = dict(db.session.execute(select(WorkKind.id, WorkKind.name).where(WorkKind.school_id == ctx.cls.school_id)).all())
    lines = []
    for event, login, staff in rows:
        old = json.loads(event.old) if event.old else None
        new = json.loads(event.new) if event.new else None
        at = event.at if event.at.tzinfo else event.at.replace(tzinfo=dt.timezone.utc)
        who = f"{staff.short_name} ({login})" if staff is not None else (login or "—")
        lines.append(HistoryLine(at.astimezone(ctx.tz), who, event.action, ACTION_LABELS.get(event.action, event.action),
                                 _describe(event.entity, old, kinds), _describe(event.entity, new, kinds)))
    return CellHistory(lesson, student, ctx.assignment, lines, _cell(lesson, student_id, ctx))
