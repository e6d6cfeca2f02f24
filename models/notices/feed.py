"""The notices of a family: new, changed and deleted marks (old → new, who, when), absences, homework and
period marks of each child since the account's "seen up to" moment.

Nothing is written when a teacher saves a mark: the notices are read from the audit log (models/audit.py),
so saving stays as fast as before and nothing changes silently. One call costs a fixed number of queries
whatever the number of marks or children (tests/notices pins it).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace

from sqlalchemy import Date, DateTime, Integer, Select, and_, bindparam, cast, func, or_, select, union_all
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import BindParameter

from models.access import Actor, children, per_actor, require_student
from models.audit import STUDENT_ENTITIES, AuditEvent, snapshot_value
from models.base import db, read
from models.family import family_rows
from models.i18n import N_, Text
from models.journal.rules import ATTENDANCE_CODES
from models.notices.announced import LABEL as ANNOUNCEMENT
from models.notices.announced import announcement_notices
from models.roster import on_roster
from models.tables.accounts import User
from models.tables.classes import Enrollment
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
# The most notices read per child (the newest): the navigation shows "99+" beyond COUNT_CAP.
COUNT_CAP = 99
LIMIT = COUNT_CAP + 1
# Homework of a lesson dated this long before the "seen" moment is no news any more.
HOMEWORK_WINDOW = dt.timedelta(days=31)

LABELS = {
    "mark.create": N_("Новая отметка"),
    "mark.update": N_("Отметка изменена"),
    "mark.delete": N_("Отметка удалена"),
    "mark.restore": N_("Отметка восстановлена"),
    "attendance.create": N_("Пропуск урока"),
    "attendance.update": N_("Посещаемость изменена"),
    "attendance.delete": N_("Пропуск снят"),
    "lesson.create": N_("Новое домашнее задание"),
    "lesson.update": N_("Домашнее задание изменено"),
    "period_mark.create": N_("Итоговая отметка"),
    "period_mark.update": N_("Итоговая отметка изменена"),
}


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
    notices: list[Notice] = field(default_factory=list)  # newest first, the newest SHOWN (or all, for a digest)
    total: int = 0  # how many there are, at most LIMIT: the navigation's count

    @property
    def count(self) -> int:
        return self.total

    @property
    def shown(self) -> list[Notice]:
        return self.notices[:SHOWN]


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


# The navigation's count runs on every family page. On PostgreSQL psycopg prepares it on a connection's sixth run,
# and with plan_cache_mode = auto the server keeps a generic plan only when the custom plans of the first runs
# cost no less; planned afresh it costs ~2.9 ms more a page (bench/README.md, session 14). So the moments are
# values the planner cannot see (a one-row subquery, an InitPlan: the same estimate in both plans, the indexes
# on student or class and moment still used, SQLite alike) and the fixed lists are written into the SQL text.
def _unknown(value):
    return select(value).scalar_subquery()


def _written(name: str, values) -> BindParameter:
    return bindparam(name, tuple(values), expanding=True, literal_execute=True)


def _child_events(index: int, limit: int = LIMIT) -> list[Select]:
    """What a child's family is told about, logged after a moment, newest first, at most ``limit`` rows each: two
    selects of (event id, moment, child id) with the child's parameters (``_params``). The child's marks,
    absences and period marks come by the audit row's student (an index on student and moment); homework by the
    class a lesson's event keeps (an index on class and moment: the events of the child's classes after the
    moment, nothing older), of lessons dated from HOMEWORK_WINDOW before the moment, on the child's roster (the
    roster rule, models/roster.py), when the homework is new or different. The navigation's count and the home
    page's list both read these, so they agree."""
    student = bindparam(f"student_{index}", type_=Integer)
    since = _unknown(bindparam(f"since_{index}", type_=DateTime(timezone=True)))
    child = cast(student, Integer).label("child")
    own = (
        select(AuditEvent.id, AuditEvent.at, child)
        .where(AuditEvent.student_id == student, AuditEvent.entity.in_(_written("entities", STUDENT_ENTITIES)))
        .where(AuditEvent.at > since)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    lesson, assignment = aliased(Lesson), aliased(TeachingAssignment)
    homework, before = snapshot_value(AuditEvent.new, "homework"), snapshot_value(AuditEvent.old, "homework")
    set_work = (
        select(AuditEvent.id, AuditEvent.at, child)
        .join(lesson, lesson.id == AuditEvent.entity_id)
        .join(assignment, assignment.id == lesson.assignment_id)
        .where(
            AuditEvent.class_id.in_(select(Enrollment.class_id).where(Enrollment.student_id == student)),
            AuditEvent.at > since,
            # a lesson's actions (no test of the entity: SQLite, without statistics, would then read every
            # lesson's event by the entity's index instead of the class's)
            AuditEvent.action.in_(_written("actions", ("lesson.create", "lesson.update"))),
            homework.is_not(None),
            homework != "",
            or_(before.is_(None), before != homework),
            lesson.date >= _unknown(bindparam(f"day_{index}", type_=Date)),
            on_roster(student, assignment.class_id, assignment.subgroup_id, lesson.date),  # checked on the hits
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    return [select(*q.subquery().c) for q in (own, set_work)]  # wrapped: a UNION member keeps its LIMIT


# The statements for a family of n children, built once per n (building them cost more than running them); the
# count's statement may carry another one-row count after the children's (``also``: the navigation's other badge).
@functools.cache
def _counts_for(n: int, also: Select | None = None):
    counts = [select(func.count()).select_from(q.subquery()) for i in range(n) for q in _child_events(i)]
    return union_all(*counts, *([] if also is None else [also]))


@functools.cache
def _events_for(n: int, limit: int):
    picked = union_all(*(q for i in range(n) for q in _child_events(i, limit))).subquery()
    return (
        select(
            AuditEvent.at,
            AuditEvent.action,
            AuditEvent.entity,
            AuditEvent.entity_id,
            AuditEvent.old,
            AuditEvent.new,
            Staff,
            User.login,
            picked.c.child,
        )
        .join(picked, picked.c.id == AuditEvent.id)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .outerjoin(Staff, Staff.id == User.staff_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )


def _params(starts) -> dict:
    params = {}
    for i, (student_id, since) in enumerate(starts):
        params |= {f"student_{i}": student_id, f"since_{i}": since, f"day_{i}": since.date() - HOMEWORK_WINDOW}
    return params


def _starts(actor: Actor, now: dt.datetime, since: dt.datetime | None, student_id: int | None):
    """The children the actor reads in the portal and, for each, the moment their notices start: (student, moment).
    One query."""
    query = _children_seen(actor)
    if student_id is not None:
        require_student(actor, student_id)
        query = query.where(Student.id == student_id)
    return [(student, _aware(since or seen or now - FIRST_VISIT_WINDOW)) for student, seen in db.session.execute(query)]


def _count_starts(actor: Actor, now: dt.datetime) -> list[tuple[int, dt.datetime]]:
    """(student id, moment) of each child for the navigation's count, from the rows its switcher shows
    (models/family.py: one query a transaction for both)."""
    seen = {child.id: child.seen_at for child in family_rows(actor)}  # a child with two open classes comes twice
    return [(child_id, _aware(moment or now - FIRST_VISIT_WINDOW)) for child_id, moment in seen.items()]


@per_actor
def _children_seen(actor: Actor) -> Select:
    """The actor's children with the account's "seen up to" moment of each."""
    return (
        children(actor)
        .add_columns(NoticeSeen.seen_at)
        .outerjoin(NoticeSeen, and_(NoticeSeen.student_id == Student.id, NoticeSeen.user_id == (actor.user_id or 0)))
    )


def unread_count(actor: Actor, now: dt.datetime) -> int:
    """How many notices the actor has not seen yet, over all their children, at most LIMIT per child (the
    portal navigation's badge on every page, shown as "99+" beyond COUNT_CAP). Two queries whatever the number
    of children, marks and changes."""
    return unread_count_and(actor, now)[0]


def unread_count_and(
    actor: Actor, now: dt.datetime, also: Select | None = None, params: dict | None = None
) -> tuple[int, int | None]:
    """``unread_count`` and, in the same round trip, another statement's count (``also``: one row, one integer, its
    own ``params``; None without it): the navigation shows both badges on every family page (portal/navigation.py).
    An account with no children to read runs ``also`` alone."""
    family = actor.user_id is not None and actor.has("parent", "student")
    starts = _count_starts(actor, now) if family else []
    if not starts and also is None:
        return 0, None
    totals, counted = _totals(starts, also, params)
    return sum(totals.values()), counted


def _totals(starts, also: Select | None = None, params: dict | None = None) -> tuple[dict[int, int], int | None]:
    """Each child's count of notices, at most LIMIT, by student id (``starts``: (student id, moment)), and
    ``also``'s count after them (None without it). One query."""
    statement = _counts_for(len(starts), also)  # a generic plan on PostgreSQL
    counts = read(statement, _params(starts) | (params or {})).scalars().all()
    counted = counts.pop() if also is not None else None
    per_child: dict[int, int] = defaultdict(int)
    for sid, count in zip([sid for sid, _s in starts for _q in range(2)], counts, strict=True):
        per_child[sid] += count
    return {sid: min(n, LIMIT) for sid, n in per_child.items()}, counted


def badge(count: int) -> str:
    """The navigation's count as shown: "99+" beyond COUNT_CAP, "" for none."""
    return f"{COUNT_CAP}+" if count > COUNT_CAP else (str(count) if count else "")


def family_notices(
    actor: Actor,
    now: dt.datetime,
    *,
    since: dt.datetime | None = None,
    student_id: int | None = None,
    limit: int = SHOWN,
) -> list[ChildNotices]:
    """The notices of each child the actor reads in the portal (a parent's own children, a student themself)
    since the account's "seen up to" moment (or ``since`` when given, for a digest): the newest ``limit`` of each
    and how many there are (at most LIMIT). Six queries at most, whatever the number of children and changes."""
    starts = _starts(actor, now, since, student_id)
    if not starts:
        return []
    by_id = [(student.id, start) for student, start in starts]
    totals, _none = _totals(by_id)
    rows = db.session.execute(_events_for(len(starts), limit), _params(by_id)).all()
    events = []
    for at, action, entity, entity_id, old, new, staff, login, sid in rows:
        event = SimpleNamespace(at=at, action=action, entity=entity, entity_id=entity_id)
        old = json.loads(old) if old else {}
        new = json.loads(new) if new else {}
        events.append((event, staff.short_name if staff is not None else (login or "—"), old, new, sid))
    lesson_ids = {
        (v.get("lesson_id") if e.entity != "lesson" else e.entity_id) for e, _w, o, n, _s in events for v in (o, n)
    }
    lessons = {  # id → (date, subject): plain rows
        lesson_id: (day, subject)
        for lesson_id, day, subject in db.session.execute(
            select(Lesson.id, Lesson.date, Subject.name)
            .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
            .join(Subject, Subject.id == TeachingAssignment.subject_id)
            .where(Lesson.id.in_(lesson_ids - {None}))
        )
    }
    finals = [n for e, _w, _o, n, _s in events if e.entity == "period_mark"]
    subject_ids = {n.get("subject_id") for n in finals} - {None}
    period_ids = {n.get("period_id") for n in finals} - {None}
    subjects, periods = {}, {}
    if finals:  # a period's name is the school's or the system's (a Text shown in the reader's language)
        subjects = dict(db.session.execute(select(Subject.id, Subject.name).where(Subject.id.in_(subject_ids))).all())
        periods = {p.id: p.name for p in db.session.scalars(select(Period).where(Period.id.in_(period_ids)))}
    result = {s.id: ChildNotices(s, start, total=totals.get(s.id, 0)) for s, start in starts}
    for event, who, old, new, sid in events:
        if event.entity == "lesson":
            day, subject = lessons.get(event.entity_id, (None, ""))
            notice = dict(
                subject=subject,
                day=day,
                old=old.get("homework") or "",
                new=new.get("homework") or "",
            )
        elif event.entity == "period_mark":
            period = periods.get(new.get("period_id"), "")
            subject = subjects.get(new.get("subject_id"), "")
            notice = dict(
                subject=Text(_SUBJECT_PERIOD, subject=subject, period=period) if period else subject, day=None
            )
            notice.update(old=old.get("value") or "", new=new.get("value") or "")
        else:
            day, subject = lessons.get((new or old).get("lesson_id"), (None, ""))
            notice = dict(subject=subject, day=day)
            notice.update(old=_value(event.entity, old), new=_value(event.entity, new))
            notice["comment"] = (new or old).get("comment") or ""
        child = result[sid]
        if len(child.notices) < limit:
            child.notices.append(
                Notice(_aware(event.at), sid, event.action, LABELS.get(event.action, event.action), who=who, **notice)
            )
    news = announcement_notices(actor, {sid: child.since for sid, child in result.items()}, now)
    for sid, at, title, body, who in news:  # announcements for the child's class, grade, school (R23)
        result[sid].notices.append(Notice(at, sid, "announcement.publish", ANNOUNCEMENT, title, None, "", body, who))
        result[sid].total += 1  # the home page counts them; the navigation's badge counts the journal's news only
    if news:
        for child in result.values():
            child.notices.sort(key=lambda n: n.at, reverse=True)
    return list(result.values())


def _value(entity: str, values: dict) -> str:
    if not values:
        return ""
    if entity == "mark":
        return str(values.get("mark") or "")
    code = ATTENDANCE_CODES.get(values.get("status"), "")
    return f"{code} {values['minutes_late']}′" if values.get("minutes_late") else code


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
    return family_notices(Actor.of(user), now, since=since, limit=LIMIT)
