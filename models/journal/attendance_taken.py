"""Whether attendance was taken at a lesson (issue 16, the monthly control): a lesson where everyone was present
has no attendance rows, and neither has one where the teacher never looked. The lesson carries a stamp, set the
first time attendance is saved for it — an absence or a late arrival entered, changed or removed
(models/journal/cells.py), or the teacher's explicit "все присутствуют" — and read by the control
(models/reports/journal_control.py).

The stamp is written with a plain UPDATE, not through the ORM's unit of work: the lesson's version (its topic and
homework, which a lesson form holds open) stays as it is, so taking attendance never makes the lesson form stale.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from models.access import Actor
from models.audit import AuditEvent
from models.base import db
from models.i18n import _
from models.journal.writing import writable_lesson
from models.tables.accounts import User
from models.tables.journal import Lesson
from models.tables.people import Staff


def stamp_attendance(lesson: Lesson, user_id: int | None, now: dt.datetime) -> bool:
    """Mark attendance taken at the lesson, unless it already is (the first stamp stays). True when stamped now."""
    if lesson.attendance_taken_at is not None:
        return False
    done = db.session.execute(
        update(Lesson)
        .where(Lesson.id == lesson.id, Lesson.attendance_taken_at.is_(None))
        .values(attendance_taken_at=now, attendance_taken_by_id=user_id)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.expire(lesson, ["attendance_taken_at", "attendance_taken_by_id"])
    return bool(done)


def take_attendance_all_present(actor: Actor, assignment_id: int, lesson_id: int, *, now: dt.datetime) -> bool:
    """The teacher's "все присутствуют": attendance taken at the lesson with nobody absent or late beyond what
    is already entered. Whoever may write the lesson's cells may do it, from the lesson's day on. False when the
    lesson was already stamped (a second click, another tab): nothing changes."""
    lesson, ctx = writable_lesson(
        actor,
        lesson_id,
        assignment_id,
        now,
        _("Урок %(date)s ещё не прошёл: посещаемость отмечается в день урока и позже."),
    )
    if not stamp_attendance(lesson, actor.user_id, now):
        return False
    AuditEvent.record(
        actor.user_id, "attendance.taken", "lesson", lesson.id, new={"all_present": True}, class_id=ctx.cls.id
    )
    return True


def taken_by(lesson: Lesson) -> str | None:
    """Who took attendance at the lesson, as the lesson page names them: the staff member's short name, or the
    login of an account without one; None when nobody did (or the account is gone)."""
    if lesson.attendance_taken_by_id is None:
        return None
    row = db.session.execute(
        select(User.login, Staff)
        .outerjoin(Staff, Staff.id == User.staff_id)
        .where(User.id == lesson.attendance_taken_by_id)
    ).first()
    if row is None:
        return None
    login, staff = row
    return staff.short_name if staff is not None else login
