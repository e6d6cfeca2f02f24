"""Remarks of the administration to a teacher about their journal (R29): the coordinator (or the director)
writes one — about a journal page or the teacher's journal as a whole — with a date to fix it by; the teacher
sees their open remarks on their home page and reports each fixed with a note; the author's side accepts
the fix. Every step is audited; nothing is deleted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from models.access import Actor, can_control_journal, can_write_remarks, require
from models.audit import AuditEvent
from models.base import db
from models.errors import InvalidInput, NotFound
from models.i18n import _
from models.school_time import school_today
from models.tables.classes import SchoolClass
from models.tables.control import Remark
from models.tables.curriculum import Subject, TeachingAssignment
from models.tables.people import Staff

MAX_TEXT = 2000


@dataclass
class RemarkLine:
    remark: Remark
    teacher: str
    page: str | None  # "5А · Математика" when about one journal page

    @property
    def state(self) -> str:
        r = self.remark
        return "accepted" if r.accepted_at else "fixed" if r.fixed_at else "open"

    def overdue(self, today: dt.date) -> bool:
        return self.state == "open" and self.remark.due_on is not None and today > self.remark.due_on


def _text(value: str | None, label: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(_("%(label)s: напишите текст."), label=label)
    if len(text) > MAX_TEXT:
        raise InvalidInput(_("%(label)s: не длиннее %(n)s символов."), label=label, n=MAX_TEXT)
    return text


def _snapshot(r: Remark) -> dict:
    return {
        "teacher_id": r.teacher_id,
        "assignment_id": r.assignment_id,
        "text": r.text,
        "due_on": r.due_on,
        "fixed_at": r.fixed_at,
        "fix_note": r.fix_note,
        "accepted_at": r.accepted_at,
    }


def add_remark(
    actor: Actor,
    *,
    teacher_id: int | None,
    assignment_id: int | None,
    text: str | None,
    due_on: dt.date | None,
    now: dt.datetime,
) -> Remark:
    require(can_write_remarks(actor), _("Замечания учителям пишет заместитель директора по УВР или директор."))
    teacher = (
        db.session.scalar(select(Staff).where(Staff.id == teacher_id, Staff.school_id == actor.school_id))
        if teacher_id
        else None
    )
    if teacher is None:
        raise InvalidInput(_("Выберите учителя."))
    if assignment_id is not None:
        own = db.session.scalar(
            select(TeachingAssignment.id)
            .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
            .where(
                TeachingAssignment.id == assignment_id,
                TeachingAssignment.teacher_id == teacher.id,
                SchoolClass.school_id == actor.school_id,
            )
        )
        if own is None:
            raise InvalidInput(_("Эта страница журнала не относится к выбранному учителю."))
    body = _text(text, _("Замечание"))
    if due_on is not None and due_on < school_today(actor, now):
        raise InvalidInput(_("Срок исправления не может быть в прошлом."))
    remark = Remark(
        school_id=actor.school_id,
        teacher_id=teacher.id,
        assignment_id=assignment_id,
        author_id=actor.user_id,
        text=body,
        due_on=due_on,
        created_at=now,
    )
    db.session.add(remark)
    db.session.flush()
    AuditEvent.record(actor.user_id, "remark.create", "remark", remark.id, new=_snapshot(remark))
    return remark


def _school_remark(actor: Actor, remark_id: int) -> Remark:
    remark = db.session.scalar(select(Remark).where(Remark.id == remark_id, Remark.school_id == actor.school_id))
    if remark is None:
        raise NotFound(_("Замечание не найдено."))
    return remark


def fix_remark(actor: Actor, remark_id: int, note: str | None, *, now: dt.datetime) -> Remark:
    """The teacher reports the remark fixed (again, with a new note, while it is not accepted)."""
    remark = _school_remark(actor, remark_id)
    require(
        actor.staff_id is not None and remark.teacher_id == actor.staff_id,
        _("Отметить замечание исправленным может только учитель, которому оно адресовано."),
    )
    if remark.accepted_at is not None:
        raise InvalidInput(_("Замечание уже снято."))
    old = _snapshot(remark)
    remark.fix_note = _text(note, _("Что исправлено"))
    remark.fixed_at = now
    db.session.flush()
    AuditEvent.record(actor.user_id, "remark.fix", "remark", remark.id, old=old, new=_snapshot(remark))
    return remark


def accept_remark(actor: Actor, remark_id: int, *, now: dt.datetime) -> Remark:
    require(can_write_remarks(actor), _("Снимать замечания может заместитель директора по УВР или директор."))
    remark = _school_remark(actor, remark_id)
    if remark.fixed_at is None:
        raise InvalidInput(_("Учитель ещё не отметил замечание исправленным."))
    if remark.accepted_at is not None:
        return remark
    old = _snapshot(remark)
    remark.accepted_at = now
    db.session.flush()
    AuditEvent.record(actor.user_id, "remark.accept", "remark", remark.id, old=old, new=_snapshot(remark))
    return remark


def _lines(where) -> list[RemarkLine]:
    teacher = aliased(Staff)
    rows = db.session.execute(
        select(Remark, teacher, SchoolClass, Subject)
        .join(teacher, teacher.id == Remark.teacher_id)
        .outerjoin(TeachingAssignment, TeachingAssignment.id == Remark.assignment_id)
        .outerjoin(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
        .outerjoin(Subject, Subject.id == TeachingAssignment.subject_id)
        .where(where)
        .order_by(Remark.created_at.desc(), Remark.id.desc())
    ).all()
    return [
        RemarkLine(r, t.short_name, f"{c.name} · {subject.name}" if c is not None else None)
        for r, t, c, subject in rows
    ]


def remarks_between(actor: Actor, first: dt.date, last: dt.date) -> list[RemarkLine]:
    """The school's remarks written in a period, and those still open from before (the administration)."""
    require(can_control_journal(actor), _("Замечания видит администрация школы."))
    start = dt.datetime.combine(first, dt.time.min, dt.UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, dt.UTC)
    return _lines(
        and_(
            Remark.school_id == actor.school_id,
            Remark.created_at < end,
            or_(Remark.created_at >= start, Remark.accepted_at.is_(None)),
        )
    )


def my_remarks(actor: Actor) -> list[RemarkLine]:
    """A teacher's remarks not yet accepted (open, or reported fixed)."""
    if actor.staff_id is None:
        return []
    return _lines(and_(Remark.teacher_id == actor.staff_id, Remark.accepted_at.is_(None)))
