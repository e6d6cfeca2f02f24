"""A class's timetable week as a grid (R12): bells down, weekdays across, and how much of the
teaching load is placed."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from models.access import Actor, can_manage_organisation, can_view_class_timetable, class_ids
from models.base import db
from models.errors import AccessDenied
from models.i18n import _
from models.school.teaching_load import assignment_label
from models.school.timetable import SCHOOL_DAYS, _school_class, effective_to, monday_of, timetable_entries
from models.tables.classes import SchoolClass
from models.tables.curriculum import TeachingAssignment
from models.tables.people import Staff
from models.tables.school import AcademicYear, Bell
from models.tables.timetable import Substitution


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
        return self.placed > self.hours + Decimal("0.5")


@dataclass
class ClassWeek:
    school_class: SchoolClass
    year: AcademicYear
    monday: dt.date
    days: list[tuple[int, dt.date]]
    rows: list[GridRow]
    options: list[tuple[int, str]]  # the class's teaching load, for the select of each cell
    load: list[LoadPlaced]
    editable: bool

    @property
    def previous(self) -> dt.date:
        return self.monday - dt.timedelta(days=7)

    @property
    def next(self) -> dt.date:
        return self.monday + dt.timedelta(days=7)


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
    saturday = monday + dt.timedelta(days=5)
    days = [(wd, monday + dt.timedelta(days=wd - 1)) for wd in SCHOOL_DAYS]
    bells = db.session.scalars(
        select(Bell).where(Bell.school_id == actor.school_id, Bell.shift == cls.shift).order_by(Bell.number)
    ).all()
    entries = db.session.scalars(
        timetable_entries().where(TeachingAssignment.class_id == cls.id, effective_to() >= monday)
    ).all()
    subs = db.session.execute(
        select(Substitution, Staff)
        .join(Staff, Staff.id == Substitution.substitute_id)
        .where(Substitution.entry_id.in_([e.id for e in entries] or [0]), Substitution.date.between(monday, saturday))
    ).all()
    sub_of = {(s.entry_id, s.date): (s, staff) for s, staff in subs}
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
    editable = can_manage_organisation(actor) and not year.is_archived
    return ClassWeek(cls, year, monday, days, rows, options, load, editable)
