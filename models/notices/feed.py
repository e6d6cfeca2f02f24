"""The notices of a family: new, changed and deleted marks (old → new, who, when), absences, homework and
period marks of each child since the account's "seen up to" moment.

Nothing is written when a teacher saves a mark: the notices are read from the audit log (models/audit.py),
so saving stays as fast as before and nothing changes silently. One call costs a fixed number of queries
whatever the number of marks or children (tests/notices pins it).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from models.access import Actor, children, require_student
from models.audit import AuditEvent
from models.base import db
from models.i18n import N_, Text
from models.journal.rules import ATTENDANCE_CODES
from models.roster import covers
from models.tables.accounts import User
from models.tables.classes import Enrollment, SubgroupMember
from models.tables.curriculum import Subject, TeachingAssignment
from models.tables.journal import Lesson
from models.tables.notices import NoticeSeen
from models.tables.people import Staff, Student
from models.tables.school import Period

_SUBJECT_PERIOD = "%(subject)s (%(period)s)"  # a subject and its period; the period's name is translated

# A child never looked at shows the changes of this many days back.
FIRST_VISIT_WINDOW = dt.timedelta(days=14)
# The most notices one child shows at once (the newest); the count still says how many there are.
SHOWN = 50

LABELS = {
    "mark.create": N_("Новая отметка"),
    "mark.update": N_("Отметка изменена"),
    "mark.delete": N_("Отметка удалена"),
    "attendance.create": N_("Пропуск урока"),
    "attendance.update": N_("Посещаемость изменена"),
    "attendance.delete": N_("Пропуск снят"),
    "lesson.create": N_("Новое домашнее задание"),
    "lesson.update": N_("Домашнее задание изменено"),
    "period_mark.create": N_("Итоговая отметка"),
    "period_mark.update": N_("Итоговая отметка изменена"),
}
_STUDENT_ENTITIES = ("mark", "attendance", "period_mark")


@dataclass
class Notice:
    at: dt.datetime  # UTC; shown with the |moment filter
    student_id: int
    action: str  # the audit action, e.g. "mark.update"
    label: str  # Russian, marked for translation (show with _())
    subject: str
    day: dt.date | None  # the lesson's date (marks, absences, homework)
    old: str  # the value before ("" when created)
    new: str  # the value after ("" when deleted)
    who: str  # the teacher who made the change
    comment: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.old) and bool(self.new)


@dataclass
class ChildNotices:
    student: Student
    since: dt.datetime
    notices: list[Notice] = field(default_factory=list)  # newest first

    @property
    def count(self) -> int:
        return len(self.notices)

    @property
    def shown(self) -> list[Notice]:
        return self.notices[:SHOWN]


def _student_like(student_ids: list[int]):
    """Audit rows whose snapshot (JSON with sorted keys) names one of the students."""
    patterns = [f'%"student_id": {sid}{end}%' for sid in student_ids for end in (",", "}")]
    return or_(*(column.like(p) for p in patterns for column in (AuditEvent.new, AuditEvent.old)))


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def family_notices(
    actor: Actor, now: dt.datetime, *, since: dt.datetime | None = None, student_id: int | None = None
) -> list[ChildNotices]:
    """The notices of each child the actor reads in the portal (a parent's own children, a student themself)
    since the account's "seen up to" moment (or ``since`` when given, for a digest). Nine queries at most."""
    query = children(actor)
    if student_id is not None:
        require_student(actor, student_id)
        query = query.where(Student.id == student_id)
    students = db.session.scalars(query).all()
    if not students:
        return []
    ids = [s.id for s in students]
    seen = dict(
        db.session.execute(
            select(NoticeSeen.student_id, NoticeSeen.seen_at).where(
                NoticeSeen.user_id == actor.user_id, NoticeSeen.student_id.in_(ids)
            )
        ).all()
    )
    start = {sid: _aware(since or seen.get(sid) or now - FIRST_VISIT_WINDOW) for sid in ids}
    enrollments = defaultdict(list)
    for e in db.session.scalars(select(Enrollment).where(Enrollment.student_id.in_(ids))):
        enrollments[e.student_id].append(e)
    memberships = defaultdict(list)
    for m in db.session.scalars(select(SubgroupMember).where(SubgroupMember.student_id.in_(ids))):
        memberships[m.student_id].append(m)
    class_ids = {e.class_id for stays in enrollments.values() for e in stays}
    class_lessons = (
        select(Lesson.id)
        .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
        .where(TeachingAssignment.class_id.in_(class_ids))
    )
    rows = db.session.execute(
        select(AuditEvent, Staff, User.login)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .outerjoin(Staff, Staff.id == User.staff_id)
        .where(
            AuditEvent.at > min(start.values()),
            or_(
                and_(AuditEvent.entity.in_(_STUDENT_ENTITIES), _student_like(ids)),
                and_(
                    AuditEvent.action.in_(("lesson.create", "lesson.update")),
                    AuditEvent.entity_id.in_(class_lessons),
                ),
            ),
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    ).all()
    events = []
    for event, staff, login in rows:
        old = json.loads(event.old) if event.old else {}
        new = json.loads(event.new) if event.new else {}
        events.append((event, staff.short_name if staff is not None else (login or "—"), old, new))
    lesson_ids = {
        (v.get("lesson_id") if e.entity != "lesson" else e.entity_id) for e, _w, o, n in events for v in (o, n)
    }
    lessons = {
        lesson.id: lesson
        for lesson in db.session.scalars(
            select(Lesson)
            .options(joinedload(Lesson.assignment).joinedload(TeachingAssignment.subject))
            .where(Lesson.id.in_(lesson_ids - {None}))
        )
    }
    subject_ids = {n.get("subject_id") for e, _w, _o, n in events if e.entity == "period_mark"} - {None}
    period_ids = {n.get("period_id") for e, _w, _o, n in events if e.entity == "period_mark"} - {None}
    subjects = dict(db.session.execute(select(Subject.id, Subject.name).where(Subject.id.in_(subject_ids))).all())
    periods = {p.id: p.name for p in db.session.scalars(select(Period).where(Period.id.in_(period_ids)))}

    result = {s.id: ChildNotices(s, start[s.id]) for s in students}
    for event, who, old, new in events:
        at = _aware(event.at)
        if event.entity == "lesson":
            lesson = lessons.get(event.entity_id)
            if lesson is None or (new.get("homework") or "") == (old.get("homework") or "") or not new.get("homework"):
                continue
            targets = [sid for sid in ids if _on_roster(lesson, enrollments[sid], memberships[sid])]
            notice = dict(subject=lesson.assignment.subject.name, day=lesson.date, old=old.get("homework") or "")
            notice["new"] = new["homework"]
        else:
            sid = (new or old).get("student_id")
            if sid not in result:
                continue
            targets = [sid]
            if event.entity == "period_mark":
                period = periods.get(new.get("period_id"), "")
                subject = subjects.get(new.get("subject_id"), "")
                notice = dict(
                    subject=Text(_SUBJECT_PERIOD, subject=subject, period=period) if period else subject, day=None
                )
                notice.update(old=old.get("value") or "", new=new.get("value") or "")
            else:
                lesson = lessons.get((new or old).get("lesson_id"))
                if lesson is None or not _on_roster(lesson, enrollments[sid], memberships[sid]):
                    continue
                notice = dict(subject=lesson.assignment.subject.name, day=lesson.date)
                notice.update(old=_value(event.entity, old), new=_value(event.entity, new))
                notice["comment"] = (new or old).get("comment") or ""
        for sid in targets:
            if at > result[sid].since:
                result[sid].notices.append(
                    Notice(at, sid, event.action, LABELS.get(event.action, event.action), who=who, **notice)
                )
    return [result[s.id] for s in students]


def _value(entity: str, values: dict) -> str:
    if not values:
        return ""
    if entity == "mark":
        return str(values.get("mark") or "")
    code = ATTENDANCE_CODES.get(values.get("status"), "")
    return f"{code} {values['minutes_late']}′" if values.get("minutes_late") else code


def _on_roster(lesson: Lesson, enrollments: list[Enrollment], memberships: list[SubgroupMember]) -> bool:
    """The roster rule (models/roster.py) on the loaded stays: in the lesson's class, and its subgroup, that day."""
    assignment = lesson.assignment
    return any(e.class_id == assignment.class_id and covers(e, lesson.date) for e in enrollments) and (
        assignment.subgroup_id is None
        or any(m.subgroup_id == assignment.subgroup_id and covers(m, lesson.date) for m in memberships)
    )


def unread_count(actor: Actor, now: dt.datetime) -> int:
    """How many notices the actor has not seen yet, over all their children (the portal navigation's badge)."""
    return sum(child.count for child in family_notices(actor, now))


def mark_seen(actor: Actor, student_id: int | None, now: dt.datetime) -> None:
    """Everything about the child (or about every child, when ``student_id`` is None) up to ``now`` is seen."""
    if student_id is not None:
        require_student(actor, student_id)
        ids = [student_id]
    else:
        ids = list(db.session.scalars(children(actor).with_only_columns(Student.id)))
    rows = {
        r.student_id: r
        for r in db.session.scalars(
            select(NoticeSeen).where(NoticeSeen.user_id == actor.user_id, NoticeSeen.student_id.in_(ids))
        )
    }
    for sid in ids:
        row = rows.get(sid) or NoticeSeen(user_id=actor.user_id, student_id=sid)
        row.seen_at = now
        db.session.add(row)
    db.session.flush()


def unsent_notices(user: User, since: dt.datetime, now: dt.datetime) -> list[ChildNotices]:
    """The hook for an e-mail digest job: the account's notices logged after ``since`` (the last digest),
    whatever the account has seen on the site."""
    return family_notices(Actor.of(user), now, since=since)
