"""Substitutions (R12): a teacher's day with the candidates who are free to cover a lesson, recording and
cancelling a substitution, and the substitutions of a date range."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import or_, select

from models.access import Actor, can_manage_organisation, require, substitution_ids
from models.audit import AuditEvent
from models.base import db
from models.errors import Conflict, InvalidInput, NotFound
from models.i18n import N_, _
from models.school.timetable import (
    _d,
    _school_entry,
    entries_on,
    timetable_entries,
    valid_on,
)
from models.school.timetable_rights import require_planner
from models.tables.accounts import User, UserRole
from models.tables.classes import SchoolClass
from models.tables.curriculum import TeachingAssignment
from models.tables.journal import Lesson
from models.tables.people import Staff
from models.tables.school import Bell
from models.tables.timetable import Substitution, TimetableEntry

# --- substitutions ------------------------------------------------------------------------------------
BUSY_OWN = N_("свой урок: %(cls)s, %(subject)s (%(bell)s урок)")
BUSY_SUBSTITUTING = N_("замещает: %(cls)s, %(subject)s (%(bell)s урок)")


def _busy(school_id: int, day: dt.date) -> dict[int, list[tuple[Bell, int, str, dict]]]:
    """Who teaches when on a date: own timetabled lessons and lessons they substitute (two queries):
    staff id → [(bell, substituted entry id or 0, why, its params)]."""
    busy: dict[int, list[tuple[Bell, int, str, dict]]] = defaultdict(list)

    def what(entry):
        a = entry.assignment
        return {"cls": a.school_class.name, "subject": a.subject.name, "bell": entry.bell.number}

    for entry in db.session.scalars(timetable_entries().where(SchoolClass.school_id == school_id, valid_on(day))):
        busy[entry.assignment.teacher_id].append((entry.bell, 0, BUSY_OWN, what(entry)))
    subbed = (
        timetable_entries()
        .join(Substitution, Substitution.entry_id == TimetableEntry.id)
        .add_columns(Substitution.substitute_id)
        .where(SchoolClass.school_id == school_id, Substitution.date == day)
    )
    for entry, substitute_id in db.session.execute(subbed):
        busy[substitute_id].append((entry.bell, entry.id, BUSY_SUBSTITUTING, what(entry)))
    return busy


def _overlaps(a: Bell, b: Bell) -> bool:
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def teaching_staff(school_id: int, day: dt.date) -> list[Staff]:
    """Who can teach on a date: staff with a teaching load in the school or a teacher's account, not
    dismissed by then."""
    teaching = select(TeachingAssignment.teacher_id)
    with_role = (
        select(User.staff_id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role.in_(("teacher", "class_teacher")), User.staff_id.is_not(None))
    )
    return db.session.scalars(
        select(Staff)
        .where(
            Staff.school_id == school_id,
            or_(Staff.left_on.is_(None), Staff.left_on >= day),
            or_(Staff.id.in_(teaching), Staff.id.in_(with_role)),
        )
        .order_by(Staff.last_name, Staff.first_name, Staff.middle_name)
    ).all()


@dataclass
class Candidate:
    staff_id: int
    name: str
    busy: str | None = None  # why they cannot (a template; None: free)
    busy_params: dict = field(default_factory=dict)

    @property
    def busy_text(self) -> str | None:
        return self.busy % self.busy_params if self.busy else None


@dataclass
class DayLesson:
    entry: TimetableEntry
    substitution: Substitution | None
    substitute_name: str | None
    candidates: list[Candidate]

    @property
    def assignment(self) -> TeachingAssignment:
        return self.entry.assignment


@dataclass
class TeacherDay:
    teacher: Staff
    day: dt.date
    lessons: list[DayLesson]
    editable: bool


def teacher_day(actor: Actor, teacher_id: int, day: dt.date) -> TeacherDay:
    """The absent teacher's lessons on a date from the timetable, each with its substitution (if set)
    and the colleagues who are free at that bell."""
    require(actor.whole_school, _("Замены видит администрация школы."))
    teacher = (
        db.session.scalar(select(Staff).where(Staff.id == teacher_id, Staff.school_id == actor.school_id))
        if teacher_id
        else None
    )
    if teacher is None:
        raise NotFound(_("Учитель не найден."))
    entries = [
        e for e in entries_on(day, teacher_id=teacher.id) if e.assignment.school_class.school_id == actor.school_id
    ]
    subs = {
        s.entry_id: (s, staff)
        for s, staff in db.session.execute(
            select(Substitution, Staff)
            .join(Staff, Staff.id == Substitution.substitute_id)
            .where(Substitution.entry_id.in_([e.id for e in entries] or [0]), Substitution.date == day)
        ).all()
    }
    busy = _busy(actor.school_id, day)
    staff = [s for s in teaching_staff(actor.school_id, day) if s.id != teacher.id]
    lessons = []
    for entry in entries:
        sub, sub_staff = subs.get(entry.id, (None, None))
        candidates = []
        for person in staff:
            candidate = Candidate(person.id, person.short_name)
            for bell, substituted_entry, why, params in busy.get(person.id, []):
                if substituted_entry != entry.id and _overlaps(bell, entry.bell):  # (this very lesson: not busy)
                    candidate.busy, candidate.busy_params = why, params
                    break
            candidates.append(candidate)
        lessons.append(DayLesson(entry, sub, sub_staff.short_name if sub_staff else None, candidates))
    return TeacherDay(teacher, day, lessons, can_manage_organisation(actor))


def record_substitution(
    actor: Actor, *, entry_id: int, day: dt.date, substitute_id: int, reason: str | None = None
) -> Substitution:
    """On ``day`` ``substitute_id`` gives the timetabled lesson instead of its teacher. Refused when the
    substitute has their own lesson (or another substitution) at that time. Setting it again for the same
    lesson and date changes the substitute. A lesson already in the journal for that date is marked as
    substituted (the diary shows it)."""
    require_planner(actor)
    entry, cls, year = _school_entry(actor, entry_id)
    year.require_open()
    if day is None:
        raise InvalidInput(_("Укажите дату замены."))
    ends = entry.valid_to or year.ends_on
    if day.isoweekday() != entry.weekday or not entry.valid_from <= day <= ends:
        raise InvalidInput(_("%(date)s этого урока нет в расписании."), date=_d(day))
    assignment = db.session.get(TeachingAssignment, entry.assignment_id)
    substitute = (
        db.session.scalar(select(Staff).where(Staff.id == substitute_id, Staff.school_id == actor.school_id))
        if substitute_id
        else None
    )
    if substitute is None:
        raise InvalidInput(_("Выберите заменяющего учителя."))
    if substitute.id == assignment.teacher_id:
        raise InvalidInput(_("Учитель не может заменять сам себя."))
    if substitute.left_on is not None and substitute.left_on < day:
        raise InvalidInput(_("%(name)s уволен(а) %(date)s."), name=substitute.short_name, date=_d(substitute.left_on))
    reason = " ".join((reason or "").split()) or None
    if reason and len(reason) > 255:
        raise InvalidInput(_("Причина: не длиннее 255 символов."))
    existing = db.session.scalar(
        select(Substitution).where(Substitution.entry_id == entry.id, Substitution.date == day)
    )
    own = timetable_entries().where(
        SchoolClass.school_id == actor.school_id,
        valid_on(day),
        TeachingAssignment.teacher_id == substitute.id,
        Bell.starts_at < entry.bell.ends_at,
        Bell.ends_at > entry.bell.starts_at,
    )
    clash = db.session.scalars(own).first()
    if clash is not None:
        raise Conflict(
            _("%(name)s в это время ведёт свой урок: %(cls)s, %(subject)s (%(bell)s урок)."),
            name=substitute.short_name,
            cls=clash.assignment.school_class.name,
            subject=clash.assignment.subject.name,
            bell=clash.bell.number,
        )
    other = (
        timetable_entries()
        .join(Substitution, Substitution.entry_id == TimetableEntry.id)
        .where(
            SchoolClass.school_id == actor.school_id,
            Substitution.date == day,
            Substitution.substitute_id == substitute.id,
            Substitution.entry_id != entry.id,
            Bell.starts_at < entry.bell.ends_at,
            Bell.ends_at > entry.bell.starts_at,
        )
    )
    busy = db.session.scalars(other).first()
    if busy is not None:
        raise Conflict(
            _("%(name)s в это время уже замещает урок: %(cls)s, %(subject)s (%(bell)s урок)."),
            name=substitute.short_name,
            cls=busy.assignment.school_class.name,
            subject=busy.assignment.subject.name,
            bell=busy.bell.number,
        )
    if existing is not None:
        old = {"substitute_id": existing.substitute_id, "reason": existing.reason}
        if existing.substitute_id != substitute.id and _taught_by_substitute(existing):
            raise Conflict(_("Заменяющий учитель уже записал этот урок в журнал: заменить его нельзя."))
        existing.substitute_id, existing.reason = substitute.id, reason
        db.session.flush()
        AuditEvent.record(
            actor.user_id,
            "substitution.update",
            "substitution",
            existing.id,
            old=old,
            new={"substitute_id": substitute.id, "reason": reason},
        )
        sub = existing
    else:
        sub = Substitution(
            entry_id=entry.id,
            date=day,
            absent_teacher_id=assignment.teacher_id,
            substitute_id=substitute.id,
            reason=reason,
            created_by_id=actor.user_id,
        )
        db.session.add(sub)
        db.session.flush()
        AuditEvent.record(
            actor.user_id,
            "substitution.create",
            "substitution",
            sub.id,
            new={
                "entry_id": entry.id,
                "date": day,
                "absent_teacher_id": assignment.teacher_id,
                "substitute_id": substitute.id,
                "reason": reason,
            },
        )
    for lesson in db.session.scalars(
        select(Lesson).where(
            Lesson.assignment_id == entry.assignment_id,
            Lesson.date == day,
            Lesson.bell_id == entry.bell_id,
            Lesson.substitution_id.is_(None),
        )
    ):
        lesson.substitution_id = sub.id
    db.session.flush()
    return sub


def _taught_by_substitute(sub: Substitution) -> bool:
    return (
        db.session.scalar(
            select(Lesson.id).where(Lesson.substitution_id == sub.id, Lesson.taught_by_id == sub.substitute_id).limit(1)
        )
        is not None
    )


def cancel_substitution(actor: Actor, substitution_id: int) -> None:
    """Undo a substitution, unless the substitute has already written the lesson into the journal."""
    require_planner(actor)
    sub = (
        db.session.scalar(
            select(Substitution).where(Substitution.id == substitution_id, Substitution.id.in_(substitution_ids(actor)))
        )
        if substitution_id
        else None
    )
    if sub is None:
        raise NotFound(_("Замена не найдена."))
    if _taught_by_substitute(sub):
        raise Conflict(_("Заменяющий учитель уже записал этот урок в журнал: отменить замену нельзя."))
    for lesson in db.session.scalars(select(Lesson).where(Lesson.substitution_id == sub.id)):
        lesson.substitution_id = None
    AuditEvent.record(
        actor.user_id,
        "substitution.delete",
        "substitution",
        sub.id,
        old={
            "entry_id": sub.entry_id,
            "date": sub.date,
            "absent_teacher_id": sub.absent_teacher_id,
            "substitute_id": sub.substitute_id,
            "reason": sub.reason,
        },
    )
    db.session.flush()
    db.session.delete(sub)
    db.session.flush()


def substitution_for(assignment_id: int, day: dt.date, bell_id: int | None) -> Substitution | None:
    """The substitution of a lesson (for the journal: a lesson recorded by a substitute links to it)."""
    q = (
        select(Substitution)
        .join(TimetableEntry, TimetableEntry.id == Substitution.entry_id)
        .where(TimetableEntry.assignment_id == assignment_id, Substitution.date == day)
    )
    if bell_id is not None:
        q = q.where(TimetableEntry.bell_id == bell_id)
    return db.session.scalars(q.order_by(Substitution.id)).first()


@dataclass
class SubstitutionRow:
    substitution: Substitution
    entry: TimetableEntry
    absent: Staff
    substitute: Staff


def substitutions_between(actor: Actor, start: dt.date, end: dt.date) -> list[SubstitutionRow]:
    """Substitutions the actor may see between two dates, by date and bell (three queries)."""
    subs = db.session.scalars(
        select(Substitution).where(Substitution.id.in_(substitution_ids(actor)), Substitution.date.between(start, end))
    ).all()
    entries = {
        e.id: e
        for e in db.session.scalars(timetable_entries().where(TimetableEntry.id.in_({s.entry_id for s in subs})))
    }
    people = {
        p.id: p
        for p in db.session.scalars(
            select(Staff).where(Staff.id.in_({s.substitute_id for s in subs} | {s.absent_teacher_id for s in subs}))
        )
    }
    rows = [SubstitutionRow(s, entries[s.entry_id], people[s.absent_teacher_id], people[s.substitute_id]) for s in subs]
    return sorted(
        rows,
        key=lambda r: (
            r.substitution.date,
            r.entry.bell.starts_at,
            r.entry.assignment.school_class.grade,
            r.entry.assignment.school_class.letter,
        ),
    )
