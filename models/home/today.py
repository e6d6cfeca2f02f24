"""The teacher's day on the staff panel's home page: today's lessons from the timetable (own ones, the ones
they substitute, and their own that someone else substitutes), each with whether it is recorded in the
journal yet; and the timetabled lessons of the last days still missing from their journal pages — the
"+" columns of the grid (models.journal.page.journal_page) gathered over all their pages. Recorded lessons fill
the timetable's slots as in the grid (``models.school.timetable.fill_slots``).

Seven queries whatever the load (one says which classes learn at a distance today)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from models.access import Actor
from models.base import db
from models.school.distance import DistanceNote, distance_days
from models.school.timetable import Slot, effective_to, expected_lessons, fill_slots, timetable_entries, valid_on
from models.tables.curriculum import TeachingAssignment
from models.tables.journal import Lesson
from models.tables.people import Staff
from models.tables.school import Bell, Period
from models.tables.timetable import Substitution, TimetableEntry

LOOK_BACK_DAYS = 14  # how far back unrecorded lessons are listed


@dataclass
class TodayLesson:
    entry: TimetableEntry
    lesson: Lesson | None  # recorded in the journal (None: not yet)
    substitute_for: str | None = None  # the actor substitutes this colleague
    substituted_by: str | None = None  # a colleague substitutes the actor
    distance: DistanceNote | None = None  # today is a day of distance learning for the lesson's class

    @property
    def assignment(self) -> TeachingAssignment:
        return self.entry.assignment

    @property
    def bell(self) -> Bell:
        return self.entry.bell


@dataclass
class Unrecorded:
    assignment: TeachingAssignment
    dates: list[dt.date] = field(default_factory=list)


@dataclass
class TeacherDay:
    day: dt.date
    lessons: list[TodayLesson]
    unrecorded: list[Unrecorded]

    @property
    def unrecorded_total(self) -> int:
        return sum(len(u.dates) for u in self.unrecorded)


def teacher_day(actor: Actor, today: dt.date) -> TeacherDay | None:
    """None for whoever does not teach (no staff card or no teacher role)."""
    if actor.staff_id is None or not actor.has("teacher", "class_teacher"):
        return None
    staff_id = actor.staff_id
    absent, substitute = aliased(Staff), aliased(Staff)
    subs = db.session.execute(
        select(Substitution, absent, substitute)
        .join(absent, absent.id == Substitution.absent_teacher_id)
        .join(substitute, substitute.id == Substitution.substitute_id)
        .where(
            Substitution.date == today,
            or_(Substitution.substitute_id == staff_id, Substitution.absent_teacher_id == staff_id),
        )
    ).all()
    mine_by_other = {s.entry_id: who.short_name for s, _a, who in subs if s.absent_teacher_id == staff_id}
    i_substitute = {s.entry_id: whom.short_name for s, whom, _w in subs if s.substitute_id == staff_id}
    entries = (
        db.session.scalars(
            timetable_entries()
            .where(
                valid_on(today),
                or_(TeachingAssignment.teacher_id == staff_id, TimetableEntry.id.in_(list(i_substitute) or [0])),
            )
            .order_by(Bell.shift, Bell.starts_at, Bell.number)
        )
        .unique()
        .all()
    )
    recorded = db.session.scalars(
        select(Lesson).where(Lesson.assignment_id.in_({e.assignment_id for e in entries} or {0}), Lesson.date == today)
    ).all()
    by_page: dict[int, list[TimetableEntry]] = defaultdict(list)  # in bell order
    for entry in entries:
        by_page[entry.assignment_id].append(entry)
    filled = {
        entry.id: lesson
        for page, slots in by_page.items()
        for entry, lesson in fill_slots(slots, [x for x in recorded if x.assignment_id == page])
    }
    distance = distance_days({e.assignment.class_id for e in entries}, today, today)
    lessons = [
        TodayLesson(
            entry,
            filled[entry.id],
            substitute_for=i_substitute.get(entry.id),
            substituted_by=mine_by_other.get(entry.id),
            distance=distance.get((entry.assignment.class_id, today)),
        )
        for entry in entries
    ]
    return TeacherDay(today, lessons, _unrecorded(staff_id, today))


def _unrecorded(staff_id: int, today: dt.date) -> list[Unrecorded]:
    """Timetabled lessons of the actor's own pages from LOOK_BACK_DAYS ago to yesterday, inside a period of
    the class, with fewer lessons recorded that day than the timetable expects."""
    first, last = today - dt.timedelta(days=LOOK_BACK_DAYS), today - dt.timedelta(days=1)
    entries = (
        db.session.scalars(
            timetable_entries().where(
                TeachingAssignment.teacher_id == staff_id, TimetableEntry.valid_from <= last, effective_to() >= first
            )
        )
        .unique()
        .all()
    )
    if not entries:
        return []
    assignments = {e.assignment_id: e.assignment for e in entries}
    periods = db.session.scalars(
        select(Period).where(
            Period.year_id.in_({a.year_id for a in assignments.values()}),
            Period.scheme != "year",
            Period.starts_on <= last,
            Period.ends_on >= first,
        )
    ).all()
    given = Counter(
        db.session.execute(
            select(Lesson.assignment_id, Lesson.date).where(
                Lesson.assignment_id.in_(list(assignments)), Lesson.date.between(first, last)
            )
        ).all()
    )
    expected = expected_lessons([Slot.of(e) for e in entries], periods, first, last)
    missing: dict[int, list[dt.date]] = defaultdict(list)
    for (assignment_id, day), n in sorted(expected.items(), key=lambda kv: kv[0][1]):
        missing[assignment_id] += [day] * max(0, n - given[(assignment_id, day)])
    lines = [Unrecorded(assignments[aid], dates) for aid, dates in missing.items() if dates]
    return sorted(
        lines,
        key=lambda u: (u.assignment.school_class.grade, u.assignment.school_class.letter, u.assignment.subject.name),
    )
