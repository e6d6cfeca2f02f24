"""The diary of one student for one week: lessons with topic, homework, marks, absences (R20); the lessons the
timetable still expects (today, later this week, or not recorded yet) appear by their bell without a topic."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import (
    Date,
    Select,
    String,
    bindparam,
    cast,
    column,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    text,
    union_all,
)

from models.access import Actor, may_see_student, per_actor, student_checked, visible_student
from models.attachments import FileLink, file_links
from models.base import db, read, short_name, stamp
from models.family import family_rows
from models.i18n import N_
from models.marks import mark_text
from models.roster import covers, on_roster, stay_during
from models.school.distance import DistanceNote, distance_days
from models.school.timetable import Slot, bell_order, effective_to, expected_days, fill_slots
from models.school_time import WeekNavigation
from models.tables.classes import Enrollment, SchoolClass, SubgroupMember
from models.tables.curriculum import Subject, TeachingAssignment
from models.tables.journal import Attachment, Attendance, Lesson, Mark
from models.tables.people import Student
from models.tables.school import AcademicYear, Bell, Period
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
    distance: bool = False  # on a day of distance learning (models/school/distance.py)
    link: str | None = None  # the distance lesson's link and materials, from its teacher
    materials: str | None = None
    comments: list[str] = field(default_factory=list)  # the teacher's comments on the marks


@dataclass
class DiaryDay:
    date: dt.date
    name: str
    lessons: list[DiaryLesson] = field(default_factory=list)
    distance: DistanceNote | None = None  # the day is one of distance learning for the student's class


@dataclass
class DiaryWeek(WeekNavigation):
    student: Student
    class_name: str | None
    monday: dt.date
    days: list[DiaryDay]

    @property
    def distance_days(self) -> list[DiaryDay]:
        """The week's days of distance learning: the page shows their lessons first, with the links."""
        return [d for d in self.days if d.distance is not None]


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


# The week's statements, built once (bound parameters; ``expanding`` ones take lists): building an ORM
# statement per request cost more than running it on SQLite.
_MONDAY, _SUNDAY = bindparam("monday", type_=Date), bindparam("sunday", type_=Date)
_STUDENT = bindparam("student")
# The student's stays that touch the week, in classes (with the class's year and name) and in subgroups: one
# round trip of plain rows, in the order they began.
_STAYS = union_all(
    select(
        literal(True).label("in_class"),
        Enrollment.class_id.label("group_id"),
        Enrollment.starts_on,
        Enrollment.ends_on,
        SchoolClass.year_id,
        SchoolClass.grade,
        SchoolClass.letter,
    )
    .join(SchoolClass, SchoolClass.id == Enrollment.class_id)
    .where(Enrollment.student_id == _STUDENT, stay_during(Enrollment, _MONDAY, _SUNDAY)),
    select(
        literal(False),
        SubgroupMember.subgroup_id,
        SubgroupMember.starts_on,
        SubgroupMember.ends_on,
        null(),
        null(),
        null(),
    ).where(SubgroupMember.student_id == _STUDENT, stay_during(SubgroupMember, _MONDAY, _SUNDAY)),
).order_by(literal_column("starts_on"))


@dataclass(frozen=True, slots=True)
class ClassStay:
    """The student in a class for a time (an enrolment), as the week reads it: ``covers`` and ``stays_cover`` take
    it as they take an Enrollment."""

    class_id: int
    starts_on: dt.date
    ends_on: dt.date | None
    year_id: int
    class_name: str


@dataclass(frozen=True, slots=True)
class GroupStay:
    """The student in a subgroup for a time (a SubgroupMember, as the week reads it)."""

    subgroup_id: int
    starts_on: dt.date
    ends_on: dt.date | None


def _stays(week: dict) -> tuple[list[ClassStay], list[GroupStay]]:
    classes, groups = [], []
    for in_class, group_id, starts_on, ends_on, year_id, grade, letter in db.session.execute(_STAYS, week):
        if in_class:
            classes.append(ClassStay(group_id, starts_on, ends_on, year_id, f"{grade}{letter}"))
        else:
            groups.append(GroupStay(group_id, starts_on, ends_on))
    return classes, groups


# Each lesson on a date the student was in its class (and subgroup) that day: the roster rule; with its subject
# and bell. Plain rows (a Row has the attributes fill_slots and bell_order read): no ORM objects to build.
_BELL = (Bell.shift, Bell.starts_at, Bell.number)
_LESSONS = (
    select(
        Lesson.id,
        Lesson.assignment_id,
        Lesson.date,
        Lesson.bell_id,
        Lesson.topic,
        Lesson.homework,
        Lesson.substitution_id,
        Lesson.distance_url,
        Lesson.distance_materials,
        Subject.name.label("subject"),
        *_BELL,
    )
    .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
    .join(Subject, Subject.id == TeachingAssignment.subject_id)
    .outerjoin(Bell, Bell.id == Lesson.bell_id)
    .where(
        TeachingAssignment.class_id.in_(bindparam("classes", expanding=True)),
        Lesson.date.between(_MONDAY, _SUNDAY),
        on_roster(_STUDENT, TeachingAssignment.class_id, TeachingAssignment.subgroup_id, Lesson.date),
    )
    .order_by(Lesson.date, Lesson.bell_id)
)
# The student's marks (slot order) and attendance on those lessons, in one round trip.
_CELLS = union_all(
    select(
        Mark.lesson_id,
        Mark.slot,
        Mark.value,
        Mark.special,
        Mark.points,
        Mark.max_points,
        null().label("status"),
        Mark.comment,
    ).where(Mark.lesson_id.in_(bindparam("lessons", expanding=True)), Mark.student_id == _STUDENT),
    select(Attendance.lesson_id, literal(0), null(), null(), null(), null(), Attendance.status, null()).where(
        Attendance.lesson_id.in_(bindparam("lessons", expanding=True)), Attendance.student_id == _STUDENT
    ),
).order_by(literal_column("slot"))


def diary_week(actor: Actor, student_id: int, day: dt.date) -> DiaryWeek:
    """Checks access first: a parent gets their own children only, a student themself (R17)."""
    student = visible_student(actor, student_id)
    monday = monday_of(day)
    week = {"student": student_id, "monday": monday, "sunday": monday + dt.timedelta(days=6)}
    enrollments, memberships = _stays(week)
    class_ids = [e.class_id for e in enrollments]
    lessons = db.session.execute(_LESSONS, week | {"classes": class_ids}).all() if class_ids else []
    marks: dict[int, list[str]] = defaultdict(list)
    comments: dict[int, list[str]] = defaultdict(list)
    absences: dict[int, str] = {}
    files: dict[int, list[FileLink]] = {}
    if lessons:
        files = file_links(Attachment.lesson_id, [lesson.id for lesson in lessons])  # they follow the roster rule
        for lesson_id, _slot, value, special, points, max_points, status, comment in db.session.execute(
            _CELLS, week | {"lessons": [lesson.id for lesson in lessons]}
        ):
            if status is None:
                marks[lesson_id].append(mark_text(value, special, points, max_points))
                if comment:
                    comments[lesson_id].append(comment)
            else:
                absences[lesson_id] = Attendance.code_of(status)
    days = [DiaryDay(monday + dt.timedelta(days=i), WEEKDAYS[i]) for i in range(6)]
    for lesson in lessons:
        if lesson.date.weekday() < 6:
            bell = lesson if lesson.bell_id is not None else None  # the row carries the bell's columns
            days[lesson.date.weekday()].lessons.append(
                DiaryLesson(
                    bell=str(bell.number) if bell else "",
                    subject=lesson.subject,
                    topic=lesson.topic,
                    homework=lesson.homework,
                    marks=marks.get(lesson.id, []),
                    absence=absences.get(lesson.id),
                    substituted=lesson.substitution_id is not None,
                    files=files.get(lesson.id, []),
                    order=bell_order(bell),
                    lesson_id=lesson.id,
                    link=lesson.distance_url,
                    materials=lesson.distance_materials,
                    comments=comments.get(lesson.id, []),
                )
            )
    _add_planned(days, enrollments, memberships, lessons)
    _mark_distance(days, enrollments)
    for d in days:
        d.lessons.sort(key=lambda item: item.order)
    current = next((e for e in reversed(enrollments)), None)
    return DiaryWeek(student=student, class_name=current.class_name if current else None, monday=monday, days=days)


# What the week page shows can change through these rows only: the week's lessons of the student's classes
# (topic, homework: their version), the student's marks and attendance on them (version), their homework files,
# the student's stays in classes and subgroups, the classes' timetable and its substitutions, the week's days
# switched to distance learning (any class: a cheap superset) and the parents' signatures under the week. One round trip of
# aggregates (count, sum of ids, sum of versions): an insert, a delete or an edit of any of them changes it.
WEEK_STAMP = (
    text("""WITH
  classes AS (SELECT class_id FROM enrollments WHERE student_id = :student AND starts_on <= :sunday
              AND (ends_on IS NULL OR ends_on >= :monday)),
  week AS (SELECT l.id, l.version FROM lessons l JOIN teaching_assignments ta ON ta.id = l.assignment_id
           WHERE ta.class_id IN (SELECT class_id FROM classes) AND l.date BETWEEN :monday AND :sunday),
  entries AS (SELECT te.id, te.weekday, te.bell_id, te.valid_to FROM timetable_entries te
              JOIN teaching_assignments ta ON ta.id = te.assignment_id
              WHERE ta.class_id IN (SELECT class_id FROM classes) AND te.valid_from <= :sunday)
SELECT * FROM
  (SELECT count(*) AS l_n, sum(id + version * 7) AS l_s FROM week) AS l,
  (SELECT count(*) AS m_n, sum(id + version * 7 + slot) AS m_s FROM marks
   WHERE student_id = :student AND lesson_id IN (SELECT id FROM week)) AS m,
  (SELECT count(*) AS a_n, sum(id + version * 7) AS a_s FROM attendance
   WHERE student_id = :student AND lesson_id IN (SELECT id FROM week)) AS a,
  (SELECT count(*) AS f_n, sum(id) AS f_s FROM attachments WHERE lesson_id IN (SELECT id FROM week)) AS f,
  (SELECT count(*) AS e_n, sum(id + class_id) AS e_s, max(starts_on) AS e_from, max(ends_on) AS e_to,
          count(ends_on) AS e_ended FROM enrollments WHERE student_id = :student) AS e,
  (SELECT count(*) AS g_n, sum(id + subgroup_id) AS g_s, max(ends_on) AS g_to, count(ends_on) AS g_ended
   FROM subgroup_members WHERE student_id = :student) AS g,
  (SELECT count(*) AS t_n, sum(id + weekday + bell_id * 8) AS t_s, max(valid_to) AS t_to,
          count(valid_to) AS t_ended FROM entries) AS t,
  (SELECT count(*) AS x_n, sum(id) AS x_s FROM substitutions
   WHERE entry_id IN (SELECT id FROM entries) AND date BETWEEN :monday AND :sunday) AS x,
  (SELECT count(*) AS d_n, sum(id) AS d_s FROM cancelled_days WHERE date BETWEEN :monday AND :sunday) AS d,
  (SELECT count(*) AS k_n, sum(id) AS k_s FROM diary_acknowledgements
   WHERE student_id = :student AND week_start = :monday) AS k
""")
    .bindparams(bindparam("monday", type_=Date), bindparam("sunday", type_=Date))
    .columns(
        *map(
            column,
            "l_n l_s m_n m_s a_n a_s f_n f_s e_n e_s e_from e_to e_ended g_n g_s g_to g_ended t_n t_s t_to t_ended "
            "x_n x_s d_n d_s k_n k_s".split(),
        )
    )
)


@per_actor
def _checked_week_stamp(actor: Actor) -> Select:
    """WEEK_STAMP's row only when the actor may see the student (``member``): the access check in the same round
    trip (PostgreSQL tests it once, before the aggregates)."""
    week = WEEK_STAMP.subquery("week_stamp")
    return select(*week.c).where(may_see_student(actor))


def diary_week_stamp(actor: Actor, student_id: int, day: dt.date) -> str:
    """A validator of diary_week(actor, student_id, day): it changes whenever the rows the week is built from
    change (WEEK_STAMP); names of subjects, bells and periods are not in it (the caller adds the day). Checks
    access first, as diary_week does, in its one statement."""
    monday = monday_of(day)
    week = {"student": student_id, "member": student_id, "monday": monday, "sunday": monday + dt.timedelta(days=6)}
    row = read(_checked_week_stamp(actor), week).first()
    student_checked(actor, student_id, row is not None)
    return stamp(row, student_id, monday.isoformat())


_SATURDAY = bindparam("saturday", type_=Date)
# The classes' timetable in the week: a Slot's fields first, then what a planned lesson shows (bell, subject).
_ENTRIES = (
    select(
        TimetableEntry.id,
        TimetableEntry.assignment_id,
        TimetableEntry.weekday,
        TimetableEntry.valid_from,
        TimetableEntry.valid_to,
        TeachingAssignment.year_id,
        SchoolClass.period_scheme,
        TeachingAssignment.class_id,
        TeachingAssignment.subgroup_id,
        Subject.name.label("subject"),
        TimetableEntry.bell_id,
        *_BELL,
        # the days of the week a substitution replaces the entry's lesson ("2026-12-01 2026-12-03"; NULL: none)
        select(func.aggregate_strings(cast(Substitution.date, String), " "))
        .where(Substitution.entry_id == TimetableEntry.id, Substitution.date.between(_MONDAY, _SATURDAY))
        .scalar_subquery()
        .label("substituted"),
    )
    .join(TeachingAssignment, TeachingAssignment.id == TimetableEntry.assignment_id)
    .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
    .join(AcademicYear, AcademicYear.id == TeachingAssignment.year_id)
    .join(Subject, Subject.id == TeachingAssignment.subject_id)
    .join(Bell, Bell.id == TimetableEntry.bell_id)
    .where(
        TeachingAssignment.class_id.in_(bindparam("classes", expanding=True)),
        or_(
            TeachingAssignment.subgroup_id.is_(None),
            TeachingAssignment.subgroup_id.in_(bindparam("subgroups", expanding=True)),
        ),
        TimetableEntry.valid_from <= _SATURDAY,
        effective_to() >= _MONDAY,
        TimetableEntry.weekday <= 6,
    )
)
_PERIODS = select(Period).where(
    Period.year_id.in_(bindparam("years", expanding=True)),
    Period.scheme != "year",
    Period.starts_on <= _SATURDAY,
    Period.ends_on >= _MONDAY,
)


def _add_planned(days: list[DiaryDay], enrollments: list[ClassStay], memberships: list[GroupStay], lessons) -> None:
    """The timetable's lessons of the week that are not recorded, on the days the student is in the class (and
    the subgroup) and inside one of its periods (not in the holidays). Two queries (the timetable with its
    substitutions, the periods)."""
    if not enrollments:
        return
    monday, saturday = days[0].date, days[-1].date
    week = {
        "monday": monday,
        "saturday": saturday,
        "classes": [e.class_id for e in enrollments],
        "subgroups": sorted({m.subgroup_id for m in memberships}),
    }
    entries = db.session.execute(_ENTRIES, week).all()
    if not entries:
        return
    periods = db.session.scalars(_PERIODS, week | {"years": sorted({e.year_id for e in enrollments})}).all()
    substituted = {
        (e.id, dt.date.fromisoformat(day)) for e in entries if e.substituted for day in e.substituted.split()
    }
    recorded = defaultdict(list)
    for lesson in lessons:
        recorded[(lesson.assignment_id, lesson.date)].append(lesson)
    by_id = {entry.id: entry for entry in entries}
    expected: dict[tuple[int, dt.date], list] = defaultdict(list)
    for slot, on in expected_days([Slot(*e[:7]) for e in entries], periods, monday, saturday):
        entry = by_id[slot.entry_id]
        subgroup_id = entry.subgroup_id
        if any(e.class_id == entry.class_id and covers(e, on) for e in enrollments) and (
            subgroup_id is None or any(m.subgroup_id == subgroup_id and covers(m, on) for m in memberships)
        ):
            expected[(entry.assignment_id, on)].append(entry)  # the student is in the class (and subgroup) that day
    for (assignment_id, on), slots in expected.items():
        slots.sort(key=bell_order)  # an entry's row carries its bell's columns
        for entry, lesson in fill_slots(slots, recorded[(assignment_id, on)]):
            if lesson is None:
                days[on.weekday()].lessons.append(
                    DiaryLesson(
                        bell=str(entry.number),
                        subject=entry.subject,
                        topic="",
                        homework=None,
                        marks=[],
                        absence=None,
                        substituted=(entry.id, on) in substituted,
                        planned=True,
                        order=bell_order(entry),
                    )
                )


def _mark_distance(days: list[DiaryDay], enrollments: list[ClassStay]) -> None:
    """The days switched to distance learning for the class the student is in that day, and their lessons.
    One query."""
    if not enrollments:
        return
    notes = distance_days({e.class_id for e in enrollments}, days[0].date, days[-1].date)
    if not notes:
        return
    for d in days:
        for e in enrollments:
            if covers(e, d.date) and (e.class_id, d.date) in notes:
                d.distance = notes[(e.class_id, d.date)]
                break
        for lesson in d.lessons:
            lesson.distance = d.distance is not None


@dataclass(frozen=True, slots=True)
class FamilyChild:
    """A child in the portal's child switcher: enough to name and link them."""

    id: int
    short_name: str


def family_overview(actor: Actor) -> list[tuple[FamilyChild, str | None]]:
    """The children (or the student themself) with their current class, for the portal's child switcher: the rows
    of models.family.family_rows, read once a transaction with the navigation's count."""
    found: dict[int, tuple[FamilyChild, str | None]] = {}
    for student_id, last, first, middle, grade, letter, _seen in family_rows(actor):
        if student_id not in found or grade is not None:  # each child once, with their open enrolment's class
            class_name = f"{grade}{letter}" if grade is not None else None
            found[student_id] = (FamilyChild(student_id, short_name(last, first, middle)), class_name)
    return list(found.values())
