"""A mark's history told to the family: every change of the child's marks on one lesson, oldest first, from
the audit log (who, when, old → new, the comment)."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from models.access import Actor, require_student
from models.audit import AuditEvent
from models.base import db
from models.errors import NotFound
from models.i18n import _
from models.notices.feed import LABELS, Notice, _aware, _value
from models.roster import lesson_covers
from models.tables.accounts import User
from models.tables.classes import Enrollment, SubgroupMember
from models.tables.curriculum import TeachingAssignment
from models.tables.journal import Lesson
from models.tables.people import Staff


def mark_trail(actor: Actor, student_id: int, lesson_id: int) -> tuple[Lesson, list[Notice]]:
    """Only a lesson of the child's own (roster rule), or NotFound: another class's lesson leaks nothing."""
    require_student(actor, student_id)
    lesson = db.session.scalar(
        select(Lesson)
        .options(joinedload(Lesson.assignment).joinedload(TeachingAssignment.subject))
        .where(Lesson.id == lesson_id)
    )
    stays = db.session.scalars(select(Enrollment).where(Enrollment.student_id == student_id)).all()
    members = db.session.scalars(select(SubgroupMember).where(SubgroupMember.student_id == student_id)).all()
    if lesson is None or not lesson_covers(lesson, stays, members):
        raise NotFound(_("Урок не найден."))
    pattern = f'%"cell": "{lesson.id}/{student_id}"%'
    rows = db.session.execute(
        select(AuditEvent, Staff, User.login)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .outerjoin(Staff, Staff.id == User.staff_id)
        .where(
            AuditEvent.student_id == student_id,  # the index: the child's rows, then the lesson's cell among them
            AuditEvent.entity == "mark",
            AuditEvent.new.like(pattern) | AuditEvent.old.like(pattern),
        )
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    trail = []
    for event, staff, login in rows:
        old = json.loads(event.old) if event.old else {}
        new = json.loads(event.new) if event.new else {}
        trail.append(
            Notice(
                _aware(event.at),
                student_id,
                event.action,
                LABELS.get(event.action, event.action),
                subject=lesson.assignment.subject.name,
                day=lesson.date,
                old=_value("mark", old),
                new=_value("mark", new),
                who=staff.short_name if staff is not None else (login or "—"),
                comment=(new or old).get("comment") or "",
            )
        )
    return lesson, trail
