"""A class's timetable week as a grid (R12): bells down, weekdays across, and how much of the
teaching load is placed."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from models.access import (
    ADMINISTRATION,
    TIMETABLE_FULL,
    TIMETABLE_LOAD,
    Actor,
    can_view_class_timetable,
    can_view_own_week,
    class_ids,
)
from models.base import db
from models.errors import AccessDenied
from models.i18n import _
from models.school.teaching_load import assignment_label
from models.school.timetable import (
    SCHOOL_DAYS,
    _school_class,
    effective_to,
    monday_of,
    timetable_entries,
)
from models.school.timetable_load import exceeds
from models.school.timetable_rights import Correction, class_corrections, timetable_right
from models.school_time import WeekNavigation
from models.tables.classes import SchoolClass
from models.tables.curriculum import TeachingAssignment
from models.tables.people import Staff
from models.tables.school import AcademicYear, Bell
from models.tables.timetable import Substitution, TimetableEntry


# --- the week grid of a class ---------------------------------------------------------------------------
@dataclass
class GridLesson:
    entry_id: int
    assignment_id: int
    subject: str
    teacher: str
    group: str | None
    room: str | None
    valid_from: dt.date
    valid_to: dt.date | None
    substitute: str | None = None
    substitution_reason: str | None = None
    teacher_id: int | None = None
    move_to: list[tuple[int, Bell]] = field(default_factory=list)  # free times of the week it may be moved to


@dataclass
class GridCell:
    weekday: int
    date: dt.date
    bell: Bell
    lessons: list[GridLesson] = field(default_factory=list)
    upcoming: list[GridLesson] = field(default_factory=list)  # placed from a later date (pending changes)

    @property
    def groups_only(self) -> bool:
        """Only subgroups here: another subgroup's lesson may still be added."""
        return bool(self.lessons) and all(lesson.group for lesson in self.lessons)


@dataclass
class GridRow:
    bell: Bell
    cells: list[GridCell]


@dataclass
class LoadPlaced:
    assignment_id: int
    label: str
    hours: Decimal
    placed: int

    @property
    def short(self) -> bool:
        return self.placed < self.hours

    @property
    def over(self) -> bool:
        return exceeds(self.placed, self.hours)


def _week_days(monday: dt.date) -> list[tuple[int, dt.date]]:
    return [(wd, monday + dt.timedelta(days=wd - 1)) for wd in SCHOOL_DAYS]


def _substitutes(entry_ids: list[int], monday: dt.date) -> dict[tuple[int, dt.date], tuple[Substitution, Staff]]:
    """The substitutions of these entries in the week of ``monday``, with the substitute, by (entry, date)."""
    rows = db.session.execute(
        select(Substitution, Staff)
        .join(Staff, Staff.id == Substitution.substitute_id)
        .where(
            Substitution.entry_id.in_(entry_ids or [0]),
            Substitution.date.between(monday, monday + dt.timedelta(days=5)),
        )
    ).all()
    return {(s.entry_id, s.date): (s, staff) for s, staff in rows}


@dataclass
class ClassWeek(WeekNavigation):
    school_class: SchoolClass
    year: AcademicYear
    monday: dt.date
    days: list[tuple[int, dt.date]]
    rows: list[GridRow]
    options: list[tuple[int, str]]  # the class's teaching load, for the select of each cell
    load: list[LoadPlaced]
    editable: bool
    right: str | None = None  # models.access.class_timetable_right: what the reader may change
    corrections: list[Correction] = field(default_factory=list)

    @property
    def can_place(self) -> bool:
        """Place, replace and remove lessons (the operator; a class teacher as the school allows)."""
        return self.editable and self.right in (TIMETABLE_FULL, TIMETABLE_LOAD)

    @property
    def can_move(self) -> bool:
        return self.editable and self.right is not None

    @property
    def free_slots(self) -> list[tuple[int, Bell]]:
        """(weekday, bell) of the cells where nothing stands this week: where a lesson may be moved."""
        return [(cell.weekday, row.bell) for row in self.rows for cell in row.cells if not cell.lessons]


def visible_classes(actor: Actor) -> list[tuple[SchoolClass, AcademicYear]]:
    """Classes whose timetable the actor may read (the whole school for the administration), with their
    year, newest year first."""
    return db.session.execute(
        select(SchoolClass, AcademicYear)
        .join(AcademicYear, AcademicYear.id == SchoolClass.year_id)
        .where(SchoolClass.id.in_(class_ids(actor)), SchoolClass.school_id == actor.school_id)
        .order_by(AcademicYear.starts_on.desc(), SchoolClass.grade, SchoolClass.letter)
    ).all()


def class_week(actor: Actor, class_id: int, day: dt.date) -> ClassWeek:
    """The class's timetable for the week of ``day`` (Monday–Saturday × the bells of its shift), with the
    substitutions of those dates. A fixed number of queries however full the grid is."""
    cls = _school_class(actor, class_id)
    if not can_view_class_timetable(actor, cls.id):
        raise AccessDenied(_("Нет доступа к расписанию этого класса."))
    year = db.session.get(AcademicYear, cls.year_id)
    monday = monday_of(day)
    days = _week_days(monday)
    bells = db.session.scalars(
        select(Bell).where(Bell.school_id == actor.school_id, Bell.shift == cls.shift).order_by(Bell.number)
    ).all()
    entries = db.session.scalars(
        timetable_entries().where(TeachingAssignment.class_id == cls.id, effective_to() >= monday)
    ).all()
    sub_of = _substitutes([e.id for e in entries], monday)
    cells: dict[tuple[int, int], GridCell] = {}
    rows = []
    for bell in bells:
        row = GridRow(bell, [])
        for wd, date in days:
            cell = GridCell(wd, date, bell)
            cells[(wd, bell.id)] = cell
            row.cells.append(cell)
        rows.append(row)
    placed: Counter[int] = Counter()
    for entry in sorted(
        entries, key=lambda e: (e.valid_from, e.assignment.subgroup.name if e.assignment.subgroup else "", e.id)
    ):
        date = monday + dt.timedelta(days=entry.weekday - 1)
        ends = entry.valid_to or year.ends_on
        if entry.weekday not in SCHOOL_DAYS or ends < date:
            continue
        pending = entry.valid_from > date
        if not pending and year.starts_on <= date <= year.ends_on:
            placed[entry.assignment_id] += 1
        cell = cells.get((entry.weekday, entry.bell_id))
        if cell is None:  # a bell of the other shift: show it in its own row
            row = GridRow(entry.bell, [GridCell(wd, d, entry.bell) for wd, d in days])
            rows.append(row)
            for c in row.cells:
                cells[(c.weekday, entry.bell_id)] = c
            cell = cells[(entry.weekday, entry.bell_id)]
        a = entry.assignment
        lesson = GridLesson(
            entry.id,
            a.id,
            a.subject.name,
            a.teacher.short_name,
            a.subgroup.name if a.subgroup else None,
            entry.room,
            entry.valid_from,
            entry.valid_to,
            teacher_id=a.teacher_id,
        )
        if pending:
            cell.upcoming.append(lesson)
            continue
        if (entry.id, date) in sub_of:
            sub, staff = sub_of[(entry.id, date)]
            lesson.substitute, lesson.substitution_reason = staff.short_name, sub.reason
        cell.lessons.append(lesson)
    rows.sort(key=lambda r: (r.bell.shift != cls.shift, r.bell.starts_at))
    assignments = db.session.scalars(
        select(TeachingAssignment)
        .options(
            joinedload(TeachingAssignment.subject),
            joinedload(TeachingAssignment.teacher),
            joinedload(TeachingAssignment.subgroup),
            joinedload(TeachingAssignment.school_class),
        )
        .where(TeachingAssignment.class_id == cls.id)
    ).all()
    assignments = sorted(
        assignments, key=lambda a: (a.subject.name, a.subgroup.name if a.subgroup else "", a.teacher.last_name)
    )
    options = [(a.id, assignment_label(a)) for a in assignments]
    load = [LoadPlaced(a.id, assignment_label(a), Decimal(a.hours_per_week), placed[a.id]) for a in assignments]
    right = timetable_right(actor, cls)
    editable = right is not None and not year.is_archived
    corrections = class_corrections(cls.id) if right is not None or actor.has(*ADMINISTRATION) else []
    week = ClassWeek(cls, year, monday, days, rows, options, load, editable, right, corrections)
    if week.can_move:
        _offer_moves(week)
    return week


def _offer_moves(week: ClassWeek) -> None:
    """Each lesson's free times of the week where its teacher and its room are free too (one query for the
    other classes' lessons that week). A hint: moving checks every week from its date (find_clashes)."""
    cls, monday = week.school_class, week.monday
    saturday = monday + dt.timedelta(days=5)
    busy = db.session.execute(
        select(
            TeachingAssignment.teacher_id,
            TimetableEntry.room,
            TimetableEntry.weekday,
            TimetableEntry.valid_from,
            effective_to(),
            Bell.starts_at,
            Bell.ends_at,
        )
        .join(TeachingAssignment, TeachingAssignment.id == TimetableEntry.assignment_id)
        .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
        .join(AcademicYear, AcademicYear.id == TeachingAssignment.year_id)
        .join(Bell, Bell.id == TimetableEntry.bell_id)
        .where(
            SchoolClass.school_id == cls.school_id,
            TeachingAssignment.class_id != cls.id,
            effective_to() >= monday,
            TimetableEntry.valid_from <= saturday,
        )
    ).all()
    free = week.free_slots

    def taken(lesson: GridLesson, weekday: int, bell: Bell) -> bool:
        date = monday + dt.timedelta(days=weekday - 1)
        room = (lesson.room or "").strip().lower()
        return any(
            wd == weekday
            and starts <= date <= ends
            and b_start < bell.ends_at
            and bell.starts_at < b_end
            and (teacher == lesson.teacher_id or (room and (other_room or "").strip().lower() == room))
            for teacher, other_room, wd, starts, ends, b_start, b_end in busy
        )

    for row in week.rows:
        for cell in row.cells:
            for lesson in cell.lessons:
                lesson.move_to = [(wd, bell) for wd, bell in free if not taken(lesson, wd, bell)]


# --- the week of one teacher -----------------------------------------------------------------------------
@dataclass
class TeacherLesson:
    entry_id: int
    assignment_id: int
    class_name: str
    subject: str
    group: str | None
    room: str | None
    taken_from: str | None = None  # the substitution this teacher takes: whose lesson it is
    given_to: str | None = None  # this teacher's lesson taken by a substitute


@dataclass
class TeacherCell:
    weekday: int
    date: dt.date
    bell: Bell
    lessons: list[TeacherLesson] = field(default_factory=list)


@dataclass
class TeacherWeek(WeekNavigation):
    teacher: Staff
    monday: dt.date
    days: list[tuple[int, dt.date]]
    rows: list[tuple[Bell, list[TeacherCell]]]


def teacher_week(actor: Actor, day: dt.date) -> TeacherWeek:
    """The actor's own timetable for the week of ``day``: their lessons in every class plus the substitutions
    they take, by weekday and bell (only the bells they teach at). A fixed number of queries."""
    if not can_view_own_week(actor):
        raise AccessDenied(_("Своё расписание есть только у учителя."))
    teacher = db.session.get(Staff, actor.staff_id)
    monday = monday_of(day)
    saturday = monday + dt.timedelta(days=5)
    days = _week_days(monday)
    taken = db.session.execute(
        select(Substitution.entry_id, Substitution.date).where(
            Substitution.substitute_id == teacher.id, Substitution.date.between(monday, saturday)
        )
    ).all()
    in_week = (
        timetable_entries()
        .where(SchoolClass.school_id == actor.school_id, effective_to() >= monday)
        .where(TimetableEntry.valid_from <= saturday)
    )
    rows_found = db.session.execute(
        in_week.add_columns(effective_to()).where(
            (TeachingAssignment.teacher_id == teacher.id) | TimetableEntry.id.in_([e for e, _d in taken] or [0])
        )
    ).all()
    entries = [entry for entry, _ends in rows_found]
    ends_of = {entry.id: ends for entry, ends in rows_found}
    sub_of = {key: staff for key, (_sub, staff) in _substitutes([e.id for e in entries], monday).items()}
    cells: dict[tuple[int, int], TeacherCell] = {}
    for entry in sorted(entries, key=lambda e: (e.assignment.school_class.name, e.id)):
        if entry.weekday not in SCHOOL_DAYS:
            continue
        date = monday + dt.timedelta(days=entry.weekday - 1)
        if not entry.valid_from <= date <= ends_of[entry.id]:
            continue
        a = entry.assignment
        substitute = sub_of.get((entry.id, date))
        mine = a.teacher_id == teacher.id
        if not mine and (substitute is None or substitute.id != teacher.id):
            continue  # a substitution of another date of the week
        lesson = TeacherLesson(
            entry.id, a.id, a.school_class.name, a.subject.name, a.subgroup.name if a.subgroup else None, entry.room
        )
        if not mine:
            lesson.taken_from = a.teacher.short_name
        elif substitute is not None:
            lesson.given_to = substitute.short_name
        cell = cells.setdefault((entry.weekday, entry.bell_id), TeacherCell(entry.weekday, date, entry.bell))
        cell.lessons.append(lesson)
    bells = sorted({c.bell.id: c.bell for c in cells.values()}.values(), key=lambda b: (b.shift, b.starts_at))
    rows = [(bell, [cells.get((wd, bell.id)) or TeacherCell(wd, date, bell) for wd, date in days]) for bell in bells]
    return TeacherWeek(teacher, monday, days, rows)
