"""The timetable (R12): placing lessons of the teaching load on a weekday and a bell, clashes, changes
from a date onward, the week grid of a class, and substitutions for a date.

A TimetableEntry is valid from ``valid_from`` to ``valid_to`` (open: to the end of its academic year).
A change from a date never rewrites the past: the old entry ends the day before and a new one starts on
that date, so past weeks (and the lessons given in them) still show what was timetabled then.

Clashes are refused: a teacher or a room in two places at once, a subgroup and its whole class at once
(two subgroups of one class may share a slot). Bells clash when their times overlap, so a second-shift
lesson is checked against first-shift ones too.

Operations validate, change, audit and flush; the caller commits.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from models.access import Actor, can_manage_organisation, can_view_class_timetable, class_ids, require, substitution_ids
from models.tables.accounts import User, UserRole
from models.audit import AuditEvent
from models.base import db
from models.tables.classes import SchoolClass
from models.tables.curriculum import TeachingAssignment
from models.errors import AccessDenied, Conflict, InvalidInput, NotFound
from models.i18n import N_, _
from models.tables.journal import Lesson
from models.school.organisation import assignment_label
from models.tables.people import Staff
from models.tables.school import AcademicYear, Bell, Period
from models.tables.timetable import Substitution, TimetableEntry

SCHOOL_DAYS = (1, 2, 3, 4, 5, 6)  # ISO weekdays, Monday to Saturday
WEEKDAY_NAMES = {1: N_("Понедельник"), 2: N_("Вторник"), 3: N_("Среда"), 4: N_("Четверг"), 5: N_("Пятница"),
                 6: N_("Суббота"), 7: N_("Воскресенье")}
WEEKDAY_SHORT = {1: N_("Пн"), 2: N_("Вт"), 3: N_("Ср"), 4: N_("Чт"), 5: N_("Пт"), 6: N_("Сб"), 7: N_("Вс")}
SUBSTITUTION_REASONS = (N_("болезнь"), N_("курсы повышения квалификации"), N_("командировка"),
                        N_("семейные обстоятельства"), N_("учебный отпуск"))


def _d(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def require_planner(actor: Actor) -> None:
    require(can_manage_organisation(actor), _("Составлять расписание и назначать замены может только "
                                              "администратор (оператор)."))


def effective_to():
    """Where an entry ends: its own valid_to, else the end of its academic year."""
    return func.coalesce(TimetableEntry.valid_to, AcademicYear.ends_on)


def timetable_entries():
    """Entries with their assignment, class, year and bell joined (and eager-loaded for messages)."""
    return (select(TimetableEntry)
            .join(TeachingAssignment, TeachingAssignment.id == TimetableEntry.assignment_id)
            .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
            .join(AcademicYear, AcademicYear.id == TeachingAssignment.year_id)
            .join(Bell, Bell.id == TimetableEntry.bell_id)
            .options(joinedload(TimetableEntry.bell),
                     joinedload(TimetableEntry.assignment).joinedload(TeachingAssignment.subject),
                     joinedload(TimetableEntry.assignment).joinedload(TeachingAssignment.teacher),
                     joinedload(TimetableEntry.assignment).joinedload(TeachingAssignment.subgroup),
                     joinedload(TimetableEntry.assignment).joinedload(TeachingAssignment.school_class)))


def valid_on(day: dt.date):
    return (TimetableEntry.valid_from <= day) & (effective_to() >= day) & (TimetableEntry.weekday == day.isoweekday())


def _norm_room(room: str | None) -> str | None:
    text = " ".join((room or "").split())
    return text or None


# --- clashes -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Clash:
    """One reason a lesson cannot go into a slot: ``kind`` is teacher, room, class or subgroup."""

    kind: str
    entry_id: int
    template: str
    params: tuple[tuple[str, object], ...]

    @property
    def message(self) -> str:
        return self.template % dict(self.params)


class ClashError(Conflict):
    """Refused: the slot clashes. ``clashes`` holds every reason (the message is the first one)."""

    def __init__(self, clashes: list[Clash]):
        super().__init__(clashes[0].template, **dict(clashes[0].params))
        self.clashes = clashes


def _clash(kind: str, entry: TimetableEntry, template: str, **params) -> Clash:
    a = entry.assignment
    params.setdefault("cls", a.school_class.name)
    params.setdefault("subject", a.subject.name)
    params.setdefault("teacher", a.teacher.short_name)
    params.setdefault("day", WEEKDAY_NAMES[entry.weekday])
    params.setdefault("bell", entry.bell.number)
    return Clash(kind, entry.id, template, tuple(sorted(params.items())))


def find_clashes(school_id: int, assignment: TeachingAssignment, weekday: int, bell: Bell, room: str | None,
                 valid_from: dt.date, valid_to: dt.date | None, *, exclude_entry_ids=()) -> list[Clash]:
    """Every entry of the school that would clash with ``assignment`` placed at ``weekday`` and ``bell``
    (in ``room``) between ``valid_from`` and ``valid_to`` (None: open-ended)."""
    room = _norm_room(room)
    teacher_id, class_id, subgroup_id = assignment.teacher_id, assignment.class_id, assignment.subgroup_id
    interesting = [TeachingAssignment.teacher_id == teacher_id, TeachingAssignment.class_id == class_id]
    if room:
        interesting.append(func.lower(func.trim(TimetableEntry.room)) == room.lower())
    q = timetable_entries().where(SchoolClass.school_id == school_id, TimetableEntry.weekday == weekday,
                         Bell.starts_at < bell.ends_at, Bell.ends_at > bell.starts_at,
                         effective_to() >= valid_from, or_(*interesting))
    if valid_to is not None:
        q = q.where(TimetableEntry.valid_from <= valid_to)
    if exclude_entry_ids:
        q = q.where(TimetableEntry.id.not_in(list(exclude_entry_ids)))
    clashes: list[Clash] = []
    for entry in db.session.scalars(q.order_by(TimetableEntry.valid_from, TimetableEntry.id)):
        other = entry.assignment
        if other.teacher_id == teacher_id:
            clashes.append(_clash("teacher", entry, _(
                "Учитель %(teacher)s в это время уже ведёт урок: %(cls)s, %(subject)s (%(day)s, %(bell)s урок).")))
        if room and _norm_room(entry.room) and _norm_room(entry.room).lower() == room.lower():
            clashes.append(_clash("room", entry, _(
                "Кабинет %(room)s в это время занят: %(cls)s, %(subject)s (%(teacher)s)."), room=room))
        if other.class_id == class_id:
            if subgroup_id is not None and other.subgroup_id is not None:
                if subgroup_id == other.subgroup_id:
                    clashes.append(_clash("subgroup", entry, _(
                        "У подгруппы «%(group)s» класса %(cls)s в это время уже стоит урок: %(subject)s "
                        "(%(teacher)s)."), group=other.subgroup.name))
                # two different subgroups of one class may share a slot
            elif subgroup_id is not None:
                clashes.append(_clash("class", entry, _(
                    "В это время у всего класса %(cls)s урок %(subject)s (%(teacher)s): подгруппа не может "
                    "заниматься одновременно со всем классом.")))
            elif other.subgroup_id is not None:
                clashes.append(_clash("class", entry, _(
                    "В это время у подгруппы «%(group)s» класса %(cls)s урок %(subject)s (%(teacher)s): весь "
                    "класс не может заниматься одновременно с подгруппой."), group=other.subgroup.name))
            else:
                clashes.append(_clash("class", entry, _(
                    "У класса %(cls)s в это время уже стоит урок: %(subject)s (%(teacher)s).")))
    return clashes


# --- placing and changing -----------------------------------------------------------------------------
def _school_class(actor: Actor, class_id: int | None) -> SchoolClass:
    cls = db.session.scalar(select(SchoolClass).where(SchoolClass.id == class_id,
                                                      SchoolClass.school_id == actor.school_id)) \
        if class_id else None
    if cls is None:
        raise NotFound(_("Класс не найден."))
    return cls


def _in_year(year: AcademicYear, day: dt.date | None, what: str = "") -> dt.date:
    if day is None:
        raise InvalidInput(_("Укажите дату, с которой действует изменение."))
    if not year.starts_on <= day <= year.ends_on:
        raise InvalidInput(_("Дата %(date)s вне учебного года %(name)s (%(start)s–%(end)s)."), date=_d(day),
                           name=year.name, start=_d(year.starts_on), end=_d(year.ends_on))
    return day


def _room(room: str | None) -> str | None:
    room = _norm_room(room)
    if room and len(room) > 20:
        raise InvalidInput(_("Кабинет: не длиннее 20 символов."))
    return room


def _weekday(weekday) -> int:
    if weekday not in SCHOOL_DAYS:
        raise InvalidInput(_("Выберите день недели с понедельника по субботу."))
    return weekday


def _bell(actor: Actor, bell_id: int | None) -> Bell:
    bell = db.session.scalar(select(Bell).where(Bell.id == bell_id, Bell.school_id == actor.school_id)) \
        if bell_id else None
    if bell is None:
        raise InvalidInput(_("Выберите урок по расписанию звонков."))
    return bell


def _class_assignment(cls: SchoolClass, assignment_id: int | None) -> TeachingAssignment:
    assignment = db.session.scalar(
        select(TeachingAssignment)
        .options(joinedload(TeachingAssignment.subject), joinedload(TeachingAssignment.teacher),
                 joinedload(TeachingAssignment.subgroup), joinedload(TeachingAssignment.school_class))
        .where(TeachingAssignment.id == assignment_id, TeachingAssignment.class_id == cls.id)) \
        if assignment_id else None
    if assignment is None:
        raise InvalidInput(_("Выберите предмет из учебной нагрузки класса %(cls)s."), cls=cls.name)
    return assignment


def _entry_snapshot(entry: TimetableEntry) -> dict:
    return {"assignment_id": entry.assignment_id, "weekday": entry.weekday, "bell_id": entry.bell_id,
            "room": entry.room, "valid_from": entry.valid_from, "valid_to": entry.valid_to}


def place_lesson(actor: Actor, *, class_id: int, assignment_id: int, weekday: int, bell_id: int,
                 valid_from: dt.date, room: str | None = None) -> TimetableEntry:
    """Put a lesson of the class's teaching load into the week grid from a date to the end of the year."""
    require_planner(actor)
    cls = _school_class(actor, class_id)
    year = db.session.get(AcademicYear, cls.year_id)
    year.require_open()
    assignment = _class_assignment(cls, assignment_id)
    weekday = _weekday(weekday)
    bell = _bell(actor, bell_id)
    room = _room(room)
    valid_from = _in_year(year, valid_from)
    clashes = find_clashes(actor.school_id, assignment, weekday, bell, room, valid_from, year.ends_on)
    if clashes:
        raise ClashError(clashes)
    entry = TimetableEntry(assignment_id=assignment.id, weekday=weekday, bell_id=bell.id, room=room,
                           valid_from=valid_from, valid_to=None)
    db.session.add(entry)
    db.session.flush()
    AuditEvent.record(actor.user_id, "timetable.place", "timetable_entry", entry.id, new=_entry_snapshot(entry))
    return entry


def _school_entry(actor: Actor, entry_id: int | None) -> tuple[TimetableEntry, SchoolClass, AcademicYear]:
    row = db.session.execute(
        select(TimetableEntry, SchoolClass, AcademicYear)
        .join(TeachingAssignment, TeachingAssignment.id == TimetableEntry.assignment_id)
        .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
        .join(AcademicYear, AcademicYear.id == TeachingAssignment.year_id)
        .where(TimetableEntry.id == entry_id, SchoolClass.school_id == actor.school_id)).one_or_none() \
        if entry_id else None
    if row is None:
        raise NotFound(_("Урок в расписании не найден."))
    return row[0], row[1], row[2]


def change_entry(actor: Actor, entry_id: int, from_date: dt.date, *, assignment_id: int | None = None,
                 room: str | None = None, remove: bool = False) -> TimetableEntry | None:
    """From ``from_date`` onward the slot holds another lesson of the class's load (or another room), or
    nothing (``remove``). The old entry ends the day before (it is deleted only if it had not started
    yet), so earlier weeks keep their timetable. Substitutions already set on or after that date must
    be cancelled first. Returns the new entry (None when removed)."""
    require_planner(actor)
    entry, cls, year = _school_entry(actor, entry_id)
    year.require_open()
    from_date = _in_year(year, from_date)
    ends = entry.valid_to or year.ends_on
    if from_date > ends:
        raise InvalidInput(_("Этот урок стоит в расписании только по %(date)s: изменение с %(from)s его не "
                             "касается."), date=_d(ends), **{"from": _d(from_date)})
    pending = db.session.scalars(select(Substitution.date).where(Substitution.entry_id == entry.id,
                                                                 Substitution.date >= from_date)
                                 .order_by(Substitution.date)).all()
    if pending:
        raise Conflict(_("На этот урок назначены замены (%(dates)s): сначала отмените их."),
                       dates=", ".join(_d(d) for d in pending))
    starts = max(from_date, entry.valid_from)
    new_assignment = None
    if not remove:
        new_assignment = _class_assignment(cls, assignment_id)
        room = _room(room)
        if new_assignment.id == entry.assignment_id and room == _norm_room(entry.room):
            return entry  # nothing changes
        clashes = find_clashes(actor.school_id, new_assignment, entry.weekday, entry.bell, room, starts,
                               entry.valid_to or year.ends_on, exclude_entry_ids=[entry.id])
        if clashes:
            raise ClashError(clashes)
    old = _entry_snapshot(entry)
    weekday, bell_id, valid_to = entry.weekday, entry.bell_id, entry.valid_to
    if from_date <= entry.valid_from:
        AuditEvent.record(actor.user_id, "timetable.delete", "timetable_entry", entry.id, old=old)
        db.session.delete(entry)
    else:
        entry.valid_to = from_date - dt.timedelta(days=1)
        AuditEvent.record(actor.user_id, "timetable.close", "timetable_entry", entry.id, old=old,
                          new={"valid_to": entry.valid_to})
    db.session.flush()
    if new_assignment is None:
        return None
    new = TimetableEntry(assignment_id=new_assignment.id, weekday=weekday, bell_id=bell_id, room=room,
                         valid_from=starts, valid_to=valid_to)
    db.session.add(new)
    db.session.flush()
    AuditEvent.record(actor.user_id, "timetable.place", "timetable_entry", new.id, new=_entry_snapshot(new))
    return new


def entries_on(day: dt.date, *, class_id: int | None = None, teacher_id: int | None = None) -> list[TimetableEntry]:
    """Timetabled lessons of a date (a class's or a teacher's), by bell."""
    q = timetable_entries().where(valid_on(day))
    if class_id is not None:
        q = q.where(TeachingAssignment.class_id == class_id)
    if teacher_id is not None:
        q = q.where(TeachingAssignment.teacher_id == teacher_id)
    return db.session.scalars(q.order_by(Bell.starts_at, Bell.shift, Bell.number)).all()


class Slot(NamedTuple):
    """A timetable entry as far as the expected lessons go: which entry and page, which weekday, from when to
    when, and the class's year and period scheme."""

    entry_id: int
    assignment_id: int
    weekday: int
    valid_from: dt.date
    valid_to: dt.date | None
    year_id: int
    scheme: str

    @classmethod
    def of(cls, entry: TimetableEntry) -> "Slot":
        a = entry.assignment
        return cls(entry.id, a.id, entry.weekday, entry.valid_from, entry.valid_to, a.year_id,
                   a.school_class.period_scheme)


def slots_query(assignment_ids):
    """Slots of the entries of these assignments (a select of ids): one light query, nothing eager-loaded."""
    return (select(TimetableEntry.id, TimetableEntry.assignment_id, TimetableEntry.weekday,
                   TimetableEntry.valid_from, TimetableEntry.valid_to, TeachingAssignment.year_id,
                   SchoolClass.period_scheme)
            .join(TeachingAssignment, TeachingAssignment.id == TimetableEntry.assignment_id)
            .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
            .where(TimetableEntry.assignment_id.in_(assignment_ids)))


def expected_days(slots, periods: list[Period], first: dt.date, last: dt.date):
    """(slot, date) for every date the timetable expects the slot's lesson: its weekday, within its validity,
    inside a period of the class's scheme (not in the holidays). ``slots``: ``Slot``s or rows of
    ``slots_query``."""
    terms: dict[tuple[int, str], list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for p in periods:
        terms[(p.year_id, p.scheme)].append((p.starts_on, p.ends_on))
    by_weekday: dict[int, list[tuple]] = defaultdict(list)
    for slot in slots:
        _entry, _assignment, weekday, _from, _to, year_id, scheme = slot
        by_weekday[weekday].append((slot, terms.get((year_id, scheme), ())))
    day = first
    while day <= last:
        for slot, spans in by_weekday.get(day.isoweekday(), ()):
            valid_from, valid_to = slot[3], slot[4]
            if valid_from <= day and (valid_to is None or valid_to >= day) \
                    and any(start <= day <= end for start, end in spans):
                yield slot, day
        day += dt.timedelta(days=1)


def expected_lessons(slots, periods: list[Period], first: dt.date, last: dt.date) -> Counter:
    """(assignment id, date) → how many lessons the timetable expects that day (``expected_days``)."""
    return Counter((slot[1], day) for slot, day in expected_days(slots, periods, first, last))


def bell_order(bell: Bell | None) -> tuple:
    """Where a bell falls in the day (shift, start, number); lessons without a bell last."""
    return (bell.shift, bell.starts_at, bell.number) if bell is not None else (9, dt.time(23, 59), 99)


def fill_slots(slots: list, lessons, *, bell=lambda slot: slot.bell_id) -> list[tuple]:
    """The timetable's slots of one page and day (in bell order), each with the recorded lesson that fills it:
    a lesson at the slot's bell first, then any other lesson of that day (recorded without a bell, or moved to
    another bell); None where nothing is recorded. The journal grid, the diary and the teacher's day agree."""
    left = list(lessons)
    filled: dict[int, object] = {}
    for i, slot in enumerate(slots):
        match = next((x for x in left if x.bell_id == bell(slot)), None)
        if match is not None:
            left.remove(match)
            filled[i] = match
    for i in range(len(slots)):
        if i not in filled and left:
            filled[i] = left.pop(0)
    return [(slot, filled.get(i)) for i, slot in enumerate(slots)]


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
        select(SchoolClass, AcademicYear).join(AcademicYear, AcademicYear.id == SchoolClass.year_id)
        .where(SchoolClass.id.in_(class_ids(actor)), SchoolClass.school_id == actor.school_id)
        .order_by(AcademicYear.starts_on.desc(), SchoolClass.grade, SchoolClass.letter)).all()


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
    bells = db.session.scalars(select(Bell).where(Bell.school_id == actor.school_id, Bell.shift == cls.shift)
                               .order_by(Bell.number)).all()
    entries = db.session.scalars(
        timetable_entries().where(TeachingAssignment.class_id == cls.id, effective_to() >= monday)).all()
    subs = db.session.execute(
        select(Substitution, Staff).join(Staff, Staff.id == Substitution.substitute_id)
        .where(Substitution.entry_id.in_([e.id for e in entries] or [0]),
               Substitution.date.between(monday, saturday))).all()
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
    for entry in sorted(entries, key=lambda e: (e.valid_from, e.assignment.subgroup.name if e.assignment.subgroup else "",
                                                e.id)):
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
        lesson = GridLesson(entry.id, a.id, a.subject.name, a.teacher.short_name, a.subgroup.name if a.subgroup else None,
                            entry.room, entry.valid_from, entry.valid_to)
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
        .options(joinedload(TeachingAssignment.subject), joinedload(TeachingAssignment.teacher),
                 joinedload(TeachingAssignment.subgroup), joinedload(TeachingAssignment.school_class))
        .where(TeachingAssignment.class_id == cls.id)).all()
    assignments = sorted(assignments, key=lambda a: (a.subject.name, a.subgroup.name if a.subgroup else "",
                                                     a.teacher.last_name))
    options = [(a.id, assignment_label(a)) for a in assignments]
    load = [LoadPlaced(a.id, assignment_label(a), Decimal(a.hours_per_week), placed[a.id]) for a in assignments]
    editable = can_manage_organisation(actor) and not year.is_archived
    return ClassWeek(cls, year, monday, days, rows, options, load, editable)


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
    subbed = (timetable_entries().join(Substitution, Substitution.entry_id == TimetableEntry.id)
              .add_columns(Substitution.substitute_id)
              .where(SchoolClass.school_id == school_id, Substitution.date == day))
    for entry, substitute_id in db.session.execute(subbed):
        busy[substitute_id].append((entry.bell, entry.id, BUSY_SUBSTITUTING, what(entry)))
    return busy


def _overlaps(a: Bell, b: Bell) -> bool:
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def teaching_staff(school_id: int, day: dt.date) -> list[Staff]:
    """Who can teach on a date: staff with a teaching load in the school or a teacher's account, not
    dismissed by then."""
    teaching = select(TeachingAssignment.teacher_id)
    with_role = select(User.staff_id).join(UserRole, UserRole.user_id == User.id).where(
        UserRole.role.in_(("teacher", "class_teacher")), User.staff_id.is_not(None))
    return db.session.scalars(
        select(Staff).where(Staff.school_id == school_id, or_(Staff.left_on.is_(None), Staff.left_on >= day),
                            or_(Staff.id.in_(teaching), Staff.id.in_(with_role)))
        .order_by(Staff.last_name, Staff.first_name, Staff.middle_name)).all()


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
    teacher = db.session.scalar(select(Staff).where(Staff.id == teacher_id, Staff.school_id == actor.school_id)) \
        if teacher_id else None
    if teacher is None:
        raise NotFound(_("Учитель не найден."))
    entries = [e for e in entries_on(day, teacher_id=teacher.id) if e.assignment.school_class.school_id == actor.school_id]
    subs = {s.entry_id: (s, staff) for s, staff in db.session.execute(
        select(Substitution, Staff).join(Staff, Staff.id == Substitution.substitute_id)
        .where(Substitution.entry_id.in_([e.id for e in entries] or [0]), Substitution.date == day)).all()}
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


def record_substitution(actor: Actor, *, entry_id: int, day: dt.date, substitute_id: int,
                        reason: str | None = None) -> Substitution:
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
    substitute = db.session.scalar(select(Staff).where(Staff.id == substitute_id, Staff.school_id == actor.school_id)) \
        if substitute_id else None
    if substitute is None:
        raise InvalidInput(_("Выберите заменяющего учителя."))
    if substitute.id == assignment.teacher_id:
        raise InvalidInput(_("Учитель не может заменять сам себя."))
    if substitute.left_on is not None and substitute.left_on < day:
        raise InvalidInput(_("%(name)s уволен(а) %(date)s."), name=substitute.short_name, date=_d(substitute.left_on))
    reason = " ".join((reason or "").split()) or None
    if reason and len(reason) > 255:
        raise InvalidInput(_("Причина: не длиннее 255 символов."))
    existing = db.session.scalar(select(Substitution).where(Substitution.entry_id == entry.id,
                                                            Substitution.date == day))
    own = timetable_entries().where(SchoolClass.school_id == actor.school_id, valid_on(day),
                           TeachingAssignment.teacher_id == substitute.id, Bell.starts_at < entry.bell.ends_at,
                           Bell.ends_at > entry.bell.starts_at)
    clash = db.session.scalars(own).first()
    if clash is not None:
        raise Conflict(_("%(name)s в это время ведёт свой урок: %(cls)s, %(subject)s (%(bell)s урок)."),
                       name=substitute.short_name, cls=clash.assignment.school_class.name,
                       subject=clash.assignment.subject.name, bell=clash.bell.number)
    other = (timetable_entries().join(Substitution, Substitution.entry_id == TimetableEntry.id)
             .where(SchoolClass.school_id == actor.school_id, Substitution.date == day,
                    Substitution.substitute_id == substitute.id, Substitution.entry_id != entry.id,
                    Bell.starts_at < entry.bell.ends_at, Bell.ends_at > entry.bell.starts_at))
    busy = db.session.scalars(other).first()
    if busy is not None:
        raise Conflict(_("%(name)s в это время уже замещает урок: %(cls)s, %(subject)s (%(bell)s урок)."),
                       name=substitute.short_name, cls=busy.assignment.school_class.name,
                       subject=busy.assignment.subject.name, bell=busy.bell.number)
    if existing is not None:
        old = {"substitute_id": existing.substitute_id, "reason": existing.reason}
        if existing.substitute_id != substitute.id and _taught_by_substitute(existing):
            raise Conflict(_("Заменяющий учитель уже записал этот урок в журнал: заменить его нельзя."))
        existing.substitute_id, existing.reason = substitute.id, reason
        db.session.flush()
        AuditEvent.record(actor.user_id, "substitution.update", "substitution", existing.id, old=old,
                          new={"substitute_id": substitute.id, "reason": reason})
        sub = existing
    else:
        sub = Substitution(entry_id=entry.id, date=day, absent_teacher_id=assignment.teacher_id,
                           substitute_id=substitute.id, reason=reason, created_by_id=actor.user_id)
        db.session.add(sub)
        db.session.flush()
        AuditEvent.record(actor.user_id, "substitution.create", "substitution", sub.id,
                          new={"entry_id": entry.id, "date": day, "absent_teacher_id": assignment.teacher_id,
                               "substitute_id": substitute.id, "reason": reason})
    for lesson in db.session.scalars(select(Lesson).where(Lesson.assignment_id == entry.assignment_id,
                                                          Lesson.date == day, Lesson.bell_id == entry.bell_id,
                                                          Lesson.substitution_id.is_(None))):
        lesson.substitution_id = sub.id
    db.session.flush()
    return sub


def _taught_by_substitute(sub: Substitution) -> bool:
    return db.session.scalar(select(Lesson.id).where(Lesson.substitution_id == sub.id,
                                                     Lesson.taught_by_id == sub.substitute_id).limit(1)) is not None


def cancel_substitution(actor: Actor, substitution_id: int) -> None:
    """Undo a substitution, unless the substitute has already written the lesson into the journal."""
    require_planner(actor)
    sub = db.session.scalar(select(Substitution).where(Substitution.id == substitution_id,
                                                       Substitution.id.in_(substitution_ids(actor)))) \
        if substitution_id else None
    if sub is None:
        raise NotFound(_("Замена не найдена."))
    if _taught_by_substitute(sub):
        raise Conflict(_("Заменяющий учитель уже записал этот урок в журнал: отменить замену нельзя."))
    for lesson in db.session.scalars(select(Lesson).where(Lesson.substitution_id == sub.id)):
        lesson.substitution_id = None
    AuditEvent.record(actor.user_id, "substitution.delete", "substitution", sub.id,
                      old={"entry_id": sub.entry_id, "date": sub.date, "absent_teacher_id": sub.absent_teacher_id,
                           "substitute_id": sub.substitute_id, "reason": sub.reason})
    db.session.flush()
    db.session.delete(sub)
    db.session.flush()


def substitution_for(assignment_id: int, day: dt.date, bell_id: int | None) -> Substitution | None:
    """The substitution of a lesson (for the journal: a lesson recorded by a substitute links to it)."""
    q = (select(Substitution).join(TimetableEntry, TimetableEntry.id == Substitution.entry_id)
         .where(TimetableEntry.assignment_id == assignment_id, Substitution.date == day))
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
    subs = db.session.scalars(select(Substitution).where(Substitution.id.in_(substitution_ids(actor)),
                                                         Substitution.date.between(start, end))).all()
    entries = {e.id: e for e in db.session.scalars(
        timetable_entries().where(TimetableEntry.id.in_({s.entry_id for s in subs})))}
    people = {p.id: p for p in db.session.scalars(select(Staff).where(
        Staff.id.in_({s.substitute_id for s in subs} | {s.absent_teacher_id for s in subs})))}
    rows = [SubstitutionRow(s, entries[s.entry_id], people[s.absent_teacher_id], people[s.substitute_id]) for s in subs]
    return sorted(rows, key=lambda r: (r.substitution.date, r.entry.bell.starts_at, r.entry.assignment.school_class.grade,
                                       r.entry.assignment.school_class.letter))
