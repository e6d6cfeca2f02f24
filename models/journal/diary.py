"""The diary of one student for one week: lessons with topic, homework, marks, absences (R20); the lessons the
timetable still expects (today, later this week, or not recorded yet) appear by their bell without a topic."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from models.access import Actor, require_student
from models.attachments import FileLink, file_links
from models.base import db
from models.i18n import N_
from models.roster import covers, on_roster, stay_during
from models.school.timetable import Slot, bell_order, effective_to, expected_days, fill_slots, timetable_entries
from models.tables.classes import Enrollment, SchoolClass, SubgroupMember
from models.tables.curriculum import TeachingAssignment
from models.tables.journal import Attachment, Attendance, Lesson, Mark
from models.tables.people import Student
from models.tables.school import Bell, Period
from models.tables.timetable import Substitution, TimetableEntry

WEEKDAYS = (
    N_("Понедельник"),
    N_("Вторник"),
    N_("Среда"),
    N_("Четверг"),
    N_("Пятница"),
    N_("Суббота"),
    N_("Воскресенье"),
)


@dataclass
class DiaryLesson:
    bell: str
    subject: str
    topic: str
    homework: str | None
    marks: list[str]
    absence: str | None
    substituted: bool
    files: list[FileLink] = field(default_factory=list)  # homework files
    planned: bool = False  # from the timetable, not recorded in the journal (yet)
    order: tuple = ()  # the bell's place in the day (shift, start, number)
    lesson_id: int | None = None  # a recorded lesson (its marks' history opens from it)


@dataclass
class DiaryDay:
    date: dt.date
    name: str
    lessons: list[DiaryLesson] = field(default_factory=list)


@dataclass
class DiaryWeek:
    student: Student
    class_name: str | None
    monday: dt.date
    days: list[DiaryDay]

    @property
    def previous(self) -> dt.date:
        return self.monday - dt.timedelta(days=7)

    @property
    def next(self) -> dt.date:
        return self.monday + dt.timedelta(days=7)


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def diary_week(actor: Actor, student_id: int, day: dt.date) -> DiaryWeek:
    """Checks access first: a parent gets their own children only, a student themself (R17)."""
    require_student(actor, student_id)
    student = db.session.get(Student, student_id)
    monday = monday_of(day)
    sunday = monday + dt.timedelta(days=6)
    enrollments = db.session.scalars(
        select(Enrollment)
        .options(joinedload(Enrollment.school_class))
        .where(Enrollment.student_id == student_id, stay_during(Enrollment, monday, sunday))
        .order_by(Enrollment.starts_on)
    ).all()
    class_ids = [e.class_id for e in enrollments]
    memberships = db.session.scalars(
        select(SubgroupMember).where(
            SubgroupMember.student_id == student_id, stay_during(SubgroupMember, monday, sunday)
        )
    ).all()
    # Each lesson on a date the student was in its class (and subgroup) that day: the roster rule.
    lessons = db.session.scalars(
        select(Lesson)
        .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
        .options(joinedload(Lesson.assignment).joinedload(TeachingAssignment.subject))
        .where(
            TeachingAssignment.class_id.in_(class_ids) if class_ids else False,
            Lesson.date.between(monday, sunday),
            on_roster(student_id, TeachingAssignment.class_id, TeachingAssignment.subgroup_id, Lesson.date),
        )
        .order_by(Lesson.date, Lesson.bell_id)
    ).all()
    lesson_ids = [lesson.id for lesson in lessons]
    marks: dict[int, list[str]] = defaultdict(list)
    absences: dict[int, str] = {}
    bells: dict[int, str] = {}
    files: dict[int, list[FileLink]] = {}
    if lesson_ids:
        files = file_links(Attachment.lesson_id, lesson_ids)  # the lessons already follow the roster rule
        for mark in db.session.scalars(
            select(Mark).where(Mark.lesson_id.in_(lesson_ids), Mark.student_id == student_id).order_by(Mark.slot)
        ):
            marks[mark.lesson_id].append(mark.display)
        for att in db.session.scalars(
            select(Attendance).where(Attendance.lesson_id.in_(lesson_ids), Attendance.student_id == student_id)
        ):
            absences[att.lesson_id] = str(att)
        bell_ids = {lesson.bell_id for lesson in lessons if lesson.bell_id}
        bells = {b.id: b for b in db.session.scalars(select(Bell).where(Bell.id.in_(bell_ids)))}
    days = [DiaryDay(monday + dt.timedelta(days=i), WEEKDAYS[i]) for i in range(6)]
    for lesson in lessons:
        if lesson.date.weekday() < 6:
            bell = bells.get(lesson.bell_id)
            days[lesson.date.weekday()].lessons.append(
                DiaryLesson(
                    bell=str(bell.number) if bell else "",
                    subject=lesson.assignment.subject.name,
                    topic=lesson.topic,
                    homework=lesson.homework,
                    marks=marks.get(lesson.id, []),
                    absence=absences.get(lesson.id),
                    substituted=lesson.substitution_id is not None,
                    files=files.get(lesson.id, []),
                    order=bell_order(bell),
                    lesson_id=lesson.id,
                )
            )
    _add_planned(days, enrollments, memberships, lessons)
    for d in days:
        d.lessons.sort(key=lambda item: item.order)
    current = next((e for e in reversed(enrollments)), None)
    return DiaryWeek(
        student=student, class_name=current.school_class.name if current else None, monday=monday, days=days
    )


def _add_planned(
    days: list[DiaryDay], enrollments: list[Enrollment], memberships: list[SubgroupMember], lessons
) -> None:
    """The timetable's lessons of the week that are not recorded, on the days the student is in the class (and
    the subgroup) and inside one of its periods (not in the holidays). Three queries."""
    if not enrollments:
        return
    monday, saturday = days[0].date, days[-1].date
    entries = (
        db.session.scalars(
            timetable_entries().where(
                TeachingAssignment.class_id.in_([e.class_id for e in enrollments]),
                or_(
                    TeachingAssignment.subgroup_id.is_(None),
                    TeachingAssignment.subgroup_id.in_({m.subgroup_id for m in memberships}),
                ),
                TimetableEntry.valid_from <= saturday,
                effective_to() >= monday,
                TimetableEntry.weekday <= 6,
            )
        )
        .unique()
        .all()
    )
    if not entries:
        return
    periods = db.session.scalars(
        select(Period).where(
            Period.year_id.in_({e.school_class.year_id for e in enrollments}),
            Period.scheme != "year",
            Period.starts_on <= saturday,
            Period.ends_on >= monday,
        )
    ).all()
    substituted = set(
        db.session.execute(
            select(Substitution.entry_id, Substitution.date).where(
                Substitution.entry_id.in_([e.id for e in entries]), Substitution.date.between(monday, saturday)
            )
        ).all()
    )
    recorded = defaultdict(list)
    for lesson in lessons:
        recorded[(lesson.assignment_id, lesson.date)].append(lesson)
    by_id = {entry.id: entry for entry in entries}
    expected: dict[tuple[int, dt.date], list[TimetableEntry]] = defaultdict(list)
    for slot, on in expected_days([Slot.of(e) for e in entries], periods, monday, saturday):
        entry = by_id[slot.entry_id]
        subgroup_id = entry.assignment.subgroup_id
        if any(e.class_id == entry.assignment.class_id and covers(e, on) for e in enrollments) and (
            subgroup_id is None or any(m.subgroup_id == subgroup_id and covers(m, on) for m in memberships)
        ):
            expected[(entry.assignment_id, on)].append(entry)  # the student is in the class (and subgroup) that day
    for (assignment_id, on), slots in expected.items():
        slots.sort(key=lambda entry: bell_order(entry.bell))
        for entry, lesson in fill_slots(slots, recorded[(assignment_id, on)]):
            if lesson is None:
                days[on.weekday()].lessons.append(
                    DiaryLesson(
                        bell=str(entry.bell.number),
                        subject=entry.assignment.subject.name,
                        topic="",
                        homework=None,
                        marks=[],
                        absence=None,
                        substituted=(entry.id, on) in substituted,
                        planned=True,
                        order=bell_order(entry.bell),
                    )
                )


def family_overview(actor: Actor) -> list[tuple[Student, str | None]]:
    """The children (or the student themself) with their current class, for the portal home page."""
    from models.access import children

    students = db.session.scalars(children(actor)).all()
    if not students:
        return []
    current = dict(
        db.session.execute(
            select(Enrollment.student_id, SchoolClass)
            .join(SchoolClass, SchoolClass.id == Enrollment.class_id)
            .where(Enrollment.student_id.in_([s.id for s in students]), Enrollment.ends_on.is_(None))
        ).all()
    )
    return [(s, current[s.id].name if s.id in current else None) for s in students]
