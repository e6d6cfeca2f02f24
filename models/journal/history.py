"""A journal cell's trail read back from the audit log: who put which mark or absence, when, and what
it replaced."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from sqlalchemy import or_, select

from models.access import Actor
from models.audit import AuditEvent
from models.base import db
from models.errors import NotFound
from models.i18n import N_, Joined, Text, _
from models.journal.page import Cell, _assignment_row
from models.journal.rules import ATTENDANCE_CODES
from models.journal.writing import _cell, _cell_key, _lesson_with_context
from models.tables.accounts import User
from models.tables.curriculum import TeachingAssignment
from models.tables.journal import Lesson, WorkKind
from models.tables.people import Staff, Student

# --- history -------------------------------------------------------------------------------------------------------
ACTION_LABELS = {
    "mark.create": N_("поставлена отметка"),
    "mark.update": N_("изменена отметка"),
    "mark.delete": N_("удалена отметка"),
    "attendance.create": N_("отмечена посещаемость"),
    "attendance.update": N_("изменена посещаемость"),
    "attendance.delete": N_("снята отметка посещаемости"),
    "lesson.create": N_("записан урок"),
    "lesson.update": N_("изменён урок"),
    "lesson.delete": N_("удалён урок"),
    "lesson.remove": N_("урок удалён в корзину"),
    "lesson.restore": N_("урок восстановлен из корзины"),
    "mark.restore": N_("восстановлена отметка"),
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
        parts = [f"{values.get('mark', '')}" + (f" (№ {values['slot']})" if values.get("slot", 1) != 1 else "")]
        if values.get("work_kind_id"):
            parts.append(kinds.get(values["work_kind_id"], ""))
        if values.get("comment"):
            parts.append(f"«{values['comment']}»")
        return Joined("; ", parts)  # a kind of work the system named, in the reader's language
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
    student = (
        db.session.scalar(select(Student).where(Student.id == student_id, Student.school_id == ctx.cls.school_id))
        if student_id
        else None
    )
    if student is None:
        raise NotFound(_("Обучающийся не найден."))
    pattern = f'%"cell": "{_cell_key(lesson.id, student_id)}"%'
    rows = db.session.execute(
        select(AuditEvent, User.login, Staff)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .outerjoin(Staff, Staff.id == User.staff_id)
        .where(
            or_(
                (
                    (AuditEvent.student_id == student_id)  # the index: the student's rows, then the cell's
                    & AuditEvent.entity.in_(("mark", "attendance"))
                    & (AuditEvent.new.like(pattern) | AuditEvent.old.like(pattern))
                ),
                (AuditEvent.entity == "lesson") & (AuditEvent.entity_id == lesson.id),
            )
        )
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    kinds = {k.id: k.title for k in db.session.scalars(select(WorkKind).where(WorkKind.school_id == ctx.cls.school_id))}
    lines = []
    for event, login, staff in rows:
        old = json.loads(event.old) if event.old else None
        new = json.loads(event.new) if event.new else None
        at = event.at if event.at.tzinfo else event.at.replace(tzinfo=dt.UTC)
        who = f"{staff.short_name} ({login})" if staff is not None else (login or "—")
        lines.append(
            HistoryLine(
                at.astimezone(ctx.tz),
                who,
                event.action,
                ACTION_LABELS.get(event.action, event.action),
                _describe(event.entity, old, kinds),
                _describe(event.entity, new, kinds),
            )
        )
    return CellHistory(lesson, student, ctx.assignment, lines, _cell(lesson, student_id, ctx))
