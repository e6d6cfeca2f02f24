"""The family's home page (R20, R21): for each child the latest marks, the homework of today and tomorrow
(on the day it is due, and on the lesson that set it) and what is new since the last visit."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from models.access import Actor
from models.base import db
from models.marks import mark_text
from models.notices.feed import ChildNotices, family_notices
from models.roster import covers, lesson_covers, stays_cover
from models.school.distance import DistanceNote, distance_days
from models.tables.classes import Enrollment, SubgroupMember
from models.tables.curriculum import Subject, TeachingAssignment
from models.tables.journal import Lesson, Mark
from models.tables.school import Bell
from models.tables.timetable import TimetableEntry

LATEST = 5  # marks shown per child
HOMEWORK_LOOKBACK = dt.timedelta(days=21)  # homework set longer ago than this is not "for tomorrow" any more


@dataclass
class LatestMark:
    id: int
    lesson_id: int
    day: dt.date
    subject: str
    text: str
    comment: str | None


@dataclass
class Homework:
    subject: str
    text: str
    set_on: dt.date  # the lesson that set it
    due: dt.date  # the next lesson of the subject


@dataclass
class DistanceLesson:
    subject: str
    topic: str
    link: str | None
    materials: str | None
    order: tuple = ()


@dataclass
class ChildHome:
    notices: ChildNotices
    class_name: str | None
    marks: list[LatestMark] = field(default_factory=list)
    homework: dict[dt.date, list[Homework]] = field(default_factory=dict)  # today, tomorrow
    distance: DistanceNote | None = None  # today is a day of distance learning for the child's class
    distance_lessons: list[DistanceLesson] = field(default_factory=list)  # today's, recorded, with links

    @property
    def student(self):
        return self.notices.student


def family_home(actor: Actor, today: dt.date, now: dt.datetime) -> list[ChildHome]:
    """Fixed number of queries whatever the number of children and marks (tests/notices pins it)."""
    notices = family_notices(actor, now)
    if not notices:
        return []
    ids = [child.student.id for child in notices]
    stays = defaultdict(list)
    for e in db.session.scalars(
        select(Enrollment).options(joinedload(Enrollment.school_class)).where(Enrollment.student_id.in_(ids))
    ):
        stays[e.student_id].append(e)
    members = defaultdict(list)
    for m in db.session.scalars(select(SubgroupMember).where(SubgroupMember.student_id.in_(ids))):
        members[m.student_id].append(m)
    homes = {}
    for child in notices:
        current = [
            e for e in stays[child.student.id] if e.starts_on <= today and (e.ends_on is None or e.ends_on >= today)
        ]
        homes[child.student.id] = ChildHome(child, current[-1].school_class.name if current else None)
    _latest_marks(homes, ids)
    _homework(homes, stays, members, today)
    _distance_today(homes, stays, members, today)
    return list(homes.values())


def _distance_today(homes, stays, members, today: dt.date) -> None:
    """Today's distance learning of each child (shown first on the page): the switch of their class and today's
    recorded lessons with their links and materials. One query, two on a distance day."""
    current = {sid: [e for e in es if covers(e, today)] for sid, es in stays.items()}
    notes = distance_days({e.class_id for es in current.values() for e in es}, today, today)
    if not notes:
        return
    lessons = db.session.execute(
        select(Lesson, Bell.shift, Bell.starts_at, Bell.number)
        .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
        .outerjoin(Bell, Bell.id == Lesson.bell_id)
        .options(joinedload(Lesson.assignment).joinedload(TeachingAssignment.subject))
        .where(TeachingAssignment.class_id.in_({class_id for class_id, _day in notes}), Lesson.date == today)
    ).all()
    for sid, home in homes.items():
        note = next((notes[(e.class_id, today)] for e in current.get(sid, []) if (e.class_id, today) in notes), None)
        if note is None:
            continue
        home.distance = note
        home.distance_lessons = sorted(
            (
                DistanceLesson(
                    lesson.assignment.subject.name,
                    lesson.topic,
                    lesson.distance_url,
                    lesson.distance_materials,
                    (shift or 0, starts_at or dt.time(0), number or 0),
                )
                for lesson, shift, starts_at, number in lessons
                if lesson_covers(lesson, stays[sid], members[sid])
            ),
            key=lambda item: item.order,
        )


def _latest_marks(homes: dict[int, ChildHome], ids: list[int]) -> None:
    """The newest marks of each child: one query (a window over the children's marks)."""
    rank = (
        func.row_number()
        .over(partition_by=Mark.student_id, order_by=(Lesson.date.desc(), Mark.id.desc()))
        .label("rank")
    )
    inner = (
        select(Mark.id.label("mark_id"), rank)
        .join(Lesson, Lesson.id == Mark.lesson_id)
        .where(Mark.student_id.in_(ids))
        .subquery()
    )
    rows = db.session.execute(  # plain rows: no ORM objects to build
        select(
            Mark.id,
            Mark.student_id,
            Mark.lesson_id,
            Lesson.date,
            Subject.name,
            Mark.value,
            Mark.special,
            Mark.points,
            Mark.max_points,
            Mark.comment,
        )
        .join(inner, inner.c.mark_id == Mark.id)
        .join(Lesson, Lesson.id == Mark.lesson_id)
        .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
        .join(Subject, Subject.id == TeachingAssignment.subject_id)
        .where(inner.c.rank <= LATEST)
        .order_by(Mark.student_id, inner.c.rank)
    ).all()
    for mark_id, student_id, lesson_id, day, subject, value, special, points, max_points, comment in rows:
        text = mark_text(value, special, points, max_points)
        homes[student_id].marks.append(LatestMark(mark_id, lesson_id, day, subject, text, comment))


def _homework(homes, stays, members, today: dt.date) -> None:
    """Homework due today and tomorrow: the latest homework of each of the child's subjects that the timetable
    puts on that day; homework set today is also listed under today, on the lesson that set it. Two queries."""
    days = (today, today + dt.timedelta(days=1))
    class_ids = {e.class_id for es in stays.values() for e in es}
    if not class_ids:
        return
    lessons = db.session.execute(  # plain rows: no ORM objects to build
        select(
            Lesson.assignment_id,
            Lesson.date,
            Lesson.homework,
            Subject.name,
            TeachingAssignment.class_id,
            TeachingAssignment.subgroup_id,
        )
        .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
        .join(Subject, Subject.id == TeachingAssignment.subject_id)
        .where(
            TeachingAssignment.class_id.in_(class_ids),
            Lesson.date.between(today - HOMEWORK_LOOKBACK, days[-1]),
            Lesson.homework.is_not(None),
            Lesson.homework != "",
        )
        .order_by(Lesson.date, Lesson.id)
    ).all()
    on_day = set(
        db.session.execute(
            select(TimetableEntry.assignment_id, TimetableEntry.weekday)
            .join(TeachingAssignment, TeachingAssignment.id == TimetableEntry.assignment_id)
            .where(
                TeachingAssignment.class_id.in_(class_ids),
                TimetableEntry.valid_from <= days[-1],
                (TimetableEntry.valid_to.is_(None)) | (TimetableEntry.valid_to >= today),
            )
        ).all()
    )
    for sid, home in homes.items():
        own = [row for row in lessons if stays_cover(row.class_id, row.subgroup_id, row.date, stays[sid], members[sid])]
        for day in days:
            items = []
            latest = {}
            for row in own:
                if row.date < day:
                    latest[row.assignment_id] = row
                if row.date == day == today:  # set today: shown on the lesson that set it
                    items.append(Homework(row.name, row.homework, row.date, row.date))
            for assignment_id, row in latest.items():
                if (assignment_id, day.isoweekday()) in on_day:
                    items.append(Homework(row.name, row.homework, row.date, day))
            home.homework[day] = sorted(items, key=lambda h: (h.subject, h.set_on))
