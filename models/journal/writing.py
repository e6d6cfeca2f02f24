"""What every write on a journal page checks: the lesson and its context, the writer (only the
assignment's teacher, or the substitute on the day: models.access.can_edit_assignment), an open period
of an open year, the cell as it is now and the version the writer saw (a Conflict, never a silent
overwrite)."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from models.access import Actor, can_edit_assignment
from models.base import db
from models.deadlines import DeadlineRules, local_day, school_zone
from models.errors import AccessDenied, Conflict, InvalidInput, NotFound
from models.i18n import _
from models.journal.page import Cell, _cell_attendance, _cell_mark
from models.journal.rules import _d, canonical_mark, parse_mark
from models.marks import SPECIAL_MARKS, require_marks_given
from models.points import CRITERIA, lesson_scale, parse_points
from models.roster import is_on_roster
from models.school.settings import all_settings
from models.tables.classes import SchoolClass
from models.tables.curriculum import Subject, TeachingAssignment
from models.tables.journal import Attendance, AttendanceReason, Lesson, Mark, WorkKind
from models.tables.people import Student
from models.tables.school import AcademicYear, Period, School


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
    return _Context(
        assignment,
        assignment.school_class,
        assignment.subject,
        year,
        school_zone(school.timezone),
        school.grading_scheme,
    )


def _parse_value(text: str, lesson: Lesson, ctx: _Context) -> tuple[int | None, str | None, Decimal | None]:
    """(value, special, points) of what was typed in a cell of this lesson: a 5-point or special mark, or in
    a criteria-based school points out of the lesson's maximum (special marks such as н/а stay words)."""
    if ctx.criteria and canonical_mark(text) not in SPECIAL_MARKS:
        require_marks_given(ctx.cls.grade)
        return None, None, parse_points(text, lesson_scale(lesson.max_points))
    value, special = parse_mark(text, ctx.subject, ctx.cls.grade)
    return value, special, None


def _lesson_with_context(actor: Actor, lesson_id: int, assignment_id: int | None) -> tuple[Lesson, _Context]:
    row = (
        db.session.execute(
            select(Lesson, AcademicYear, School)
            .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
            .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
            .join(AcademicYear, AcademicYear.id == TeachingAssignment.year_id)
            .join(School, School.id == SchoolClass.school_id)
            .options(
                joinedload(Lesson.assignment).joinedload(TeachingAssignment.school_class),
                joinedload(Lesson.assignment).joinedload(TeachingAssignment.subject),
            )
            .where(Lesson.id == lesson_id, SchoolClass.school_id == actor.school_id)
        ).first()
        if lesson_id
        else None
    )
    if row is None:
        raise NotFound(_("Урок не найден."))
    lesson, year, school = row
    if assignment_id is not None and lesson.assignment_id != assignment_id:
        raise InvalidInput(_("Урок %(date)s относится к другой странице журнала."), date=_d(lesson.date))
    return lesson, _context(lesson.assignment, year, school)


def _require_writer(actor: Actor, ctx: _Context, day: dt.date) -> None:
    if not can_edit_assignment(actor, ctx.assignment, day):
        raise AccessDenied(
            _(
                "Писать в этот журнал может только учитель, который ведёт предмет, или учитель, "
                "замещающий урок, — в день замены (%(date)s нет замены)."
            ),
            date=_d(day),
        )


def _open_period(ctx: _Context, day: dt.date) -> Period:
    """The class's period containing the date; refused when there is none, or it is closed, or the year
    is archived."""
    ctx.year.require_open()
    period = db.session.scalar(
        select(Period).where(
            Period.year_id == ctx.cls.year_id,
            Period.scheme == ctx.cls.period_scheme,
            Period.starts_on <= day,
            Period.ends_on >= day,
        )
    )
    if period is None:
        raise InvalidInput(
            _("%(date)s не входит ни в один учебный период класса %(cls)s."), date=_d(day), cls=ctx.cls.name
        )
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


# --- cells ----------------------------------------------------------------------------------------------------
_UNCHANGED = object()


def _cell(lesson: Lesson, student_id: int, ctx: _Context) -> Cell:
    """The current content of one cell (three queries)."""
    rules = DeadlineRules.from_settings(all_settings(ctx.cls.school_id))
    cell = Cell(lesson.id, student_id)
    marks = db.session.scalars(
        select(Mark).where(Mark.lesson_id == lesson.id, Mark.student_id == student_id).order_by(Mark.slot)
    ).all()
    kind_ids = {lesson.work_kind_id} | {m.work_kind_id for m in marks if m.work_kind_id}
    kinds = {k.id: k for k in db.session.scalars(select(WorkKind).where(WorkKind.id.in_(kind_ids)))}
    cell.marks = [_cell_mark(m, lesson, kinds, ctx.cls.grade, rules, ctx.tz) for m in marks]
    row = db.session.execute(
        select(Attendance, AttendanceReason.name)
        .outerjoin(AttendanceReason, AttendanceReason.id == Attendance.reason_id)
        .where(Attendance.lesson_id == lesson.id, Attendance.student_id == student_id)
    ).first()
    if row is not None:
        cell.attendance = _cell_attendance(row[0], row[1])
    return cell


def _conflict(message: str, cell_text: str, lesson: Lesson, student_id: int, ctx: _Context, **params) -> Conflict:
    exc = Conflict(message, current=cell_text or _("пусто"), **params)
    exc.cell = _cell(lesson, student_id, ctx)
    return exc


def _cell_key(lesson_id: int, student_id: int) -> str:
    return f"{lesson_id}/{student_id}"


def writable_lesson(
    actor: Actor, lesson_id: int, assignment_id: int | None, now: dt.datetime, not_yet: str
) -> tuple[Lesson, _Context]:
    """A lesson whose cells the actor may write now: theirs (or a substitute's on the day), in an open period,
    held already (``not_yet``: the refusal for a lesson still to come, with its %(date)s)."""
    lesson, ctx = _lesson_with_context(actor, lesson_id, assignment_id)
    _require_writer(actor, ctx, lesson.date)
    _open_period(ctx, lesson.date)
    if lesson.date > _today(ctx, now):
        raise InvalidInput(not_yet, date=_d(lesson.date))
    return lesson, ctx


def _writable_cell(
    actor: Actor, lesson_id: int, student_id: int, assignment_id: int | None, now: dt.datetime
) -> tuple[Lesson, _Context]:
    lesson, ctx = writable_lesson(
        actor,
        lesson_id,
        assignment_id,
        now,
        _("Урок %(date)s ещё не прошёл: отметки и посещаемость ставятся после урока."),
    )
    student = (
        db.session.scalar(select(Student.id).where(Student.id == student_id, Student.school_id == ctx.cls.school_id))
        if student_id
        else None
    )
    if student is None or not is_on_roster(ctx.assignment, student_id, lesson.date):
        where = f"{ctx.cls.name}, {ctx.assignment.subgroup.name}" if ctx.assignment.subgroup else ctx.cls.name
        raise InvalidInput(
            _("Обучающийся не числится в %(where)s на %(date)s: запись в журнал невозможна."),
            where=where,
            date=_d(lesson.date),
        )
    return lesson, ctx


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
        raise _conflict(
            _("Клетку только что изменил другой пользователь: сейчас в ней «%(current)s». Проверьте и введите снова."),
            _cell(lesson, student_id, ctx).text,
            lesson,
            student_id,
            ctx,
        ) from None
