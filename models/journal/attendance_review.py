"""The class teacher's weekly attendance review (R4, S1 4.2г, S3 4.2): every absence and late arrival of
the week in their class, in all subjects, with its reason from the school's dictionary to confirm or
correct; totals per student (lessons missed, excused, unexcused, not yet explained, late).

Only the class teacher of that class (or the operator) confirms; the administration reads. A closed
period is read-only. Every confirmation is audited and versioned (a row changed meanwhile by the
subject teacher is refused with a conflict, never overwritten). The caller commits.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from models.access import Actor, can_confirm_attendance, can_review_attendance, require, taught_class_ids
from models.audit import AuditEvent
from models.base import db
from models.errors import Conflict, InvalidInput, JournalError, NotFound, PeriodClosed
from models.i18n import N_, Text, _
from models.school_time import WeekNavigation
from models.tables.accounts import User
from models.tables.classes import SchoolClass
from models.tables.curriculum import TeachingAssignment
from models.tables.journal import Attendance, AttendanceReason, Lesson
from models.tables.people import Staff, Student
from models.tables.school import AcademicYear, Bell, Period

STATUS_LABELS = {"absent": N_("н"), "late": N_("опоздание")}


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@dataclass
class AbsenceLine:
    attendance: Attendance
    date: dt.date
    bell: str
    subject: str
    student: Student
    reason: AttendanceReason | None
    confirmed_by: str | None
    locked: bool  # in a closed period

    @property
    def confirmed(self) -> bool:
        return self.attendance.confirmed_at is not None

    @property
    def status_label(self) -> Text:
        if self.attendance.status == "late":
            minutes = self.attendance.minutes_late
            return Text(_("опоздание %(minutes)s мин"), minutes=minutes) if minutes else Text(STATUS_LABELS["late"])
        return Text(STATUS_LABELS["absent"])


@dataclass
class StudentTotals:
    student: Student
    missed: int = 0  # lessons missed (absent)
    excused: int = 0
    unexcused: int = 0
    unexplained: int = 0  # no reason yet
    late: int = 0
    unconfirmed: int = 0

    def count(self, att: Attendance) -> None:
        """One absence or late arrival (``absence_kind``)."""
        kind = absence_kind(att)
        if kind is None:
            self.late += 1
        else:
            self.missed += 1
            setattr(self, kind, getattr(self, kind) + 1)
        if att.confirmed_at is None:
            self.unconfirmed += 1


def absence_kind(att: Attendance) -> str | None:
    """A lesson missed with a good reason ("excused": the school's dictionary says which reasons are), without
    one ("unexcused"), or not explained yet ("unexplained"); None for a late arrival."""
    return kind_of_absence(att.status, att.reason is not None, att.reason is not None and att.reason.is_excused)


def kind_of_absence(status: str, has_reason: bool, is_excused: bool | None) -> str | None:
    """``absence_kind`` from plain columns (a report that counts absences in SQL)."""
    if status == "late":
        return None
    if not has_reason:
        return "unexplained"
    return "excused" if is_excused else "unexcused"


@dataclass
class WholeDay:
    date: dt.date
    student: Student
    lines: list[AbsenceLine]

    @property
    def key(self) -> str:
        return f"{self.student.id}-{self.date.isoformat()}"

    @property
    def reason_id(self) -> int | None:
        """The reason the lines already share, if they all have the same one."""
        ids = {line.attendance.reason_id for line in self.lines}
        return ids.pop() if len(ids) == 1 else None


@dataclass
class WeekReview(WeekNavigation):
    school_class: SchoolClass
    monday: dt.date
    lines: list[AbsenceLine]
    totals: list[StudentTotals]
    reasons: list[AttendanceReason]
    can_confirm: bool

    @property
    def unconfirmed(self) -> int:
        return sum(1 for line in self.lines if not line.confirmed)

    def whole_days(self) -> list[WholeDay]:
        """A student absent from two or more lessons of a day with something still to confirm: one reason for the
        whole day in one step (a day at the doctor is not five selects and five clicks)."""
        days: dict[tuple[dt.date, int], list[AbsenceLine]] = defaultdict(list)
        for line in self.lines:
            if line.attendance.status == "absent" and not line.locked:
                days[(line.date, line.student.id)].append(line)
        return [
            WholeDay(day, lines[0].student, lines)
            for (day, _student), lines in sorted(days.items(), key=lambda kv: (kv[0][0], kv[1][0].student.short_name))
            if len(lines) > 1 and any(not line.confirmed for line in lines)
        ]

    def by_day(self) -> list[tuple[dt.date, list[AbsenceLine]]]:
        days: dict[dt.date, list[AbsenceLine]] = defaultdict(list)
        for line in self.lines:
            days[line.date].append(line)
        return sorted(days.items())


def reviewable_classes(actor: Actor) -> list[SchoolClass]:
    """Classes whose weekly attendance the actor may open: their own as class teacher; the whole school
    (newest year) for the administration."""
    q = (
        select(SchoolClass)
        .join(AcademicYear, AcademicYear.id == SchoolClass.year_id)
        .where(SchoolClass.school_id == actor.school_id)
    )
    if not (actor.whole_school or actor.has("operator")):
        q = q.where(SchoolClass.id.in_(taught_class_ids(actor)))
    else:
        newest = (
            select(AcademicYear.id)
            .where(AcademicYear.school_id == actor.school_id)
            .order_by(AcademicYear.starts_on.desc())
            .limit(1)
            .scalar_subquery()
        )
        q = q.where(or_(SchoolClass.year_id == newest, SchoolClass.id.in_(taught_class_ids(actor))))
    return list(db.session.scalars(q.order_by(AcademicYear.starts_on.desc(), SchoolClass.grade, SchoolClass.letter)))


def _class(actor: Actor, class_id: int) -> SchoolClass:
    cls = db.session.scalar(
        select(SchoolClass).where(SchoolClass.id == class_id, SchoolClass.school_id == actor.school_id)
    )
    if cls is None:
        raise NotFound(_("Класс не найден."))
    require(
        can_review_attendance(actor, class_id),
        _("Посещаемость класса подтверждает классный руководитель этого класса."),
    )
    return cls


def _closed_ranges(cls: SchoolClass) -> list[tuple[dt.date, dt.date, str]]:
    return [
        (p.starts_on, p.ends_on, p.name)
        for p in db.session.scalars(
            select(Period).where(
                Period.year_id == cls.year_id, Period.scheme == cls.period_scheme, Period.closed_at.is_not(None)
            )
        )
    ]


def week_review(actor: Actor, class_id: int, day: dt.date) -> WeekReview:
    """Every absence and late arrival at the class's lessons (whole class and subgroups, all subjects) in
    the week containing ``day``. A fixed number of queries."""
    cls = _class(actor, class_id)
    monday = monday_of(day)
    sunday = monday + dt.timedelta(days=6)
    rows = db.session.execute(
        select(Attendance, Lesson.date, Bell.number, TeachingAssignment, Student)
        .join(Lesson, Lesson.id == Attendance.lesson_id)
        .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
        .join(Student, Student.id == Attendance.student_id)
        .outerjoin(Bell, Bell.id == Lesson.bell_id)
        .options(joinedload(TeachingAssignment.subject), joinedload(Attendance.reason))
        .where(TeachingAssignment.class_id == cls.id, Lesson.date >= monday, Lesson.date <= sunday)
        .order_by(Lesson.date, Bell.number, Student.last_name, Student.first_name, Student.id)
    ).all()
    confirmers = {a.confirmed_by_id for a, *_rest in rows if a.confirmed_by_id}
    names = {}
    if confirmers:
        for user_id, login, staff in db.session.execute(
            select(User.id, User.login, Staff)
            .outerjoin(Staff, Staff.id == User.staff_id)
            .where(User.id.in_(confirmers))
        ):
            names[user_id] = staff.short_name if staff is not None else login
    closed = _closed_ranges(cls)
    lines = []
    totals: dict[int, StudentTotals] = {}
    for att, date, bell, assignment, student in rows:
        lines.append(
            AbsenceLine(
                att,
                date,
                str(bell) if bell is not None else "",
                assignment.subject.name,
                student,
                att.reason,
                names.get(att.confirmed_by_id),
                any(s <= date <= e for s, e, _n in closed),
            )
        )
        totals.setdefault(student.id, StudentTotals(student)).count(att)
    reasons = list(
        db.session.scalars(
            select(AttendanceReason)
            .where(AttendanceReason.school_id == cls.school_id)
            .order_by(AttendanceReason.is_excused.desc(), AttendanceReason.name)
        )
    )
    return WeekReview(
        cls,
        monday,
        lines,
        sorted(totals.values(), key=lambda t: (t.student.last_name, t.student.first_name, t.student.id)),
        reasons,
        can_confirm_attendance(actor, cls.id),
    )


# --- confirming ---------------------------------------------------------------------------------------
@dataclass
class Confirmation:
    attendance_id: int
    reason_id: int | None
    version: int | str | None = None


@dataclass
class ConfirmResult:
    saved: int = 0
    unchanged: int = 0
    errors: dict[int, JournalError] = field(default_factory=dict)  # attendance id → why it was refused


def _int(value, message: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidInput(message) from None


def _confirm(
    actor: Actor,
    att: Attendance,
    cls: SchoolClass,
    date: dt.date,
    reasons: dict[int, AttendanceReason],
    closed,
    entry: Confirmation,
    now: dt.datetime,
) -> bool:
    reason_id = _int(entry.reason_id, _("Неверные данные формы."))
    version = _int(entry.version, _("Неверные данные формы."))
    if reason_id is None:
        raise InvalidInput(_("Выберите причину."))
    if reason_id not in reasons:
        raise InvalidInput(_("Выберите причину из справочника школы."))
    for start, end, name in closed:
        if start <= date <= end:
            raise PeriodClosed(_("Период «%(name)s» закрыт: изменять его нельзя."), name=name)
    if version is not None and version != att.version:
        current = reasons.get(att.reason_id)
        raise Conflict(
            _("Запись изменили, пока вы её смотрели (сейчас: %(reason)s). Обновите страницу."),
            reason=current.name if current else _("причина не указана"),
        )
    if att.reason_id == reason_id and att.confirmed_at is not None:
        return False
    old = {
        "reason_id": att.reason_id,
        "confirmed_by_id": att.confirmed_by_id,
        "confirmed_at": att.confirmed_at,
        "version": att.version,
    }
    att.reason_id = reason_id
    att.confirmed_by_id = actor.user_id
    att.confirmed_at = now
    try:
        with db.session.begin_nested():
            db.session.flush()
    except StaleDataError:
        raise Conflict(_("Запись изменили, пока вы её смотрели. Обновите страницу.")) from None
    AuditEvent.record(
        actor.user_id,
        "attendance.confirm",
        "attendance",
        att.id,
        old=old,
        new={
            "reason_id": reason_id,
            "confirmed_by_id": actor.user_id,
            "confirmed_at": now,
            "version": att.version,
            "student_id": att.student_id,
            "lesson_id": att.lesson_id,
        },
    )
    return True


def confirm_week(actor: Actor, class_id: int, entries: list[Confirmation], *, now: dt.datetime) -> ConfirmResult:
    """Confirm (or correct) the reasons of absences of one class: each row on its own; a row without a
    chosen reason is left as it is. Only the class teacher of the class or the operator."""
    cls = _class(actor, class_id)
    require(
        can_confirm_attendance(actor, cls.id), _("Причины пропусков подтверждает классный руководитель этого класса.")
    )
    ids = [e.attendance_id for e in entries]
    found = (
        {
            att.id: (att, date)
            for att, date in db.session.execute(
                select(Attendance, Lesson.date)
                .join(Lesson, Lesson.id == Attendance.lesson_id)
                .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
                .where(Attendance.id.in_(ids), TeachingAssignment.class_id == cls.id)
            )
        }
        if ids
        else {}
    )
    reasons = {
        r.id: r for r in db.session.scalars(select(AttendanceReason).where(AttendanceReason.school_id == cls.school_id))
    }
    closed = _closed_ranges(cls)
    result = ConfirmResult()
    for entry in entries:
        if entry.reason_id in (None, ""):
            continue
        pair = found.get(entry.attendance_id)
        if pair is None:
            result.errors[entry.attendance_id] = NotFound(_("Запись о пропуске не найдена в этом классе."))
            continue
        att, date = pair
        try:
            changed = _confirm(actor, att, cls, date, reasons, closed, entry, now)
        except (InvalidInput, Conflict, PeriodClosed) as exc:
            result.errors[entry.attendance_id] = exc
            continue
        if changed:
            result.saved += 1
        else:
            result.unchanged += 1
    return result


def confirm_reason(actor: Actor, attendance_id: int, reason_id: int, *, version=None, now: dt.datetime) -> Attendance:
    """One absence: set its reason and confirm it (raises the row's error)."""
    class_id = db.session.scalar(
        select(TeachingAssignment.class_id)
        .join(Lesson, Lesson.assignment_id == TeachingAssignment.id)
        .join(Attendance, Attendance.lesson_id == Lesson.id)
        .where(Attendance.id == attendance_id)
    )
    if class_id is None:
        raise NotFound(_("Запись о пропуске не найдена."))
    result = confirm_week(actor, class_id, [Confirmation(attendance_id, reason_id, version)], now=now)
    if attendance_id in result.errors:
        raise result.errors[attendance_id]
    return db.session.get(Attendance, attendance_id)
