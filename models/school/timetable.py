"""The timetable (R12): placing lessons of the teaching load on a weekday and a bell, clashes, changes
from a date onward, the week grid of a class, and substitutions for a date.

A TimetableEntry is valid from ``valid_from`` to ``valid_to`` (open: to the end of its academic year).
A change from a date never rewrites the past: the old entry ends the day before and a new one starts on
that date, so past weeks (and the lessons given in them) still show what was timetabled then.

Lessons beyond the hours a week of the curriculum or of the teaching load are placed only when confirmed
(``models.school.timetable_load``: the soft rules, with the figures). Clashes are refused, confirmed or not:
a teacher or a room in two places at once, a subgroup and its whole class at once (two subgroups of one
class may share a slot). Bells clash when their times overlap, so a second-shift
lesson is checked against first-shift ones too.

Who may change a class's timetable is models/school/timetable_rights.py: the operator everything; the class
teacher of the class, as the school's setting allows, moves (``move_entry``) or also places, replaces and
removes within the class's teaching load, each correction kept under the class for the operator to see.

Operations validate, change, audit and flush; the caller commits.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from models.access import TIMETABLE_LOAD, Actor
from models.audit import AuditEvent
from models.base import db
from models.errors import Conflict, InvalidInput, NeedsConfirmation, NotFound
from models.i18n import N_, _
from models.school.timetable_load import placement_warnings
from models.school.timetable_rights import (
    note_correction,
    require_right,
    require_within_load,
)
from models.tables.classes import SchoolClass
from models.tables.curriculum import TeachingAssignment
from models.tables.school import AcademicYear, Bell, Period
from models.tables.timetable import Substitution, TimetableEntry

SCHOOL_DAYS = (1, 2, 3, 4, 5, 6)  # ISO weekdays, Monday to Saturday
WEEKDAY_NAMES = {
    1: N_("Понедельник"),
    2: N_("Вторник"),
    3: N_("Среда"),
    4: N_("Четверг"),
    5: N_("Пятница"),
    6: N_("Суббота"),
    7: N_("Воскресенье"),
}
WEEKDAY_SHORT = {1: N_("Пн"), 2: N_("Вт"), 3: N_("Ср"), 4: N_("Чт"), 5: N_("Пт"), 6: N_("Сб"), 7: N_("Вс")}
SUBSTITUTION_REASONS = (
    N_("болезнь"),
    N_("курсы повышения квалификации"),
    N_("командировка"),
    N_("семейные обстоятельства"),
    N_("учебный отпуск"),
)


def _d(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def effective_to():
    """Where an entry ends: its own valid_to, else the end of its academic year."""
    return func.coalesce(TimetableEntry.valid_to, AcademicYear.ends_on)


def timetable_entries():
    """Entries with their assignment, class, year and bell joined (and eager-loaded for messages)."""
    return (
        select(TimetableEntry)
        .join(TeachingAssignment, TeachingAssignment.id == TimetableEntry.assignment_id)
        .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
        .join(AcademicYear, AcademicYear.id == TeachingAssignment.year_id)
        .join(Bell, Bell.id == TimetableEntry.bell_id)
        .options(
            joinedload(TimetableEntry.bell),
            joinedload(TimetableEntry.assignment).joinedload(TeachingAssignment.subject),
            joinedload(TimetableEntry.assignment).joinedload(TeachingAssignment.teacher),
            joinedload(TimetableEntry.assignment).joinedload(TeachingAssignment.subgroup),
            joinedload(TimetableEntry.assignment).joinedload(TeachingAssignment.school_class),
        )
    )


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


def find_clashes(
    school_id: int,
    assignment: TeachingAssignment,
    weekday: int,
    bell: Bell,
    room: str | None,
    valid_from: dt.date,
    valid_to: dt.date | None,
    *,
    exclude_entry_ids=(),
) -> list[Clash]:
    """Every entry of the school that would clash with ``assignment`` placed at ``weekday`` and ``bell``
    (in ``room``) between ``valid_from`` and ``valid_to`` (None: open-ended)."""
    room = _norm_room(room)
    teacher_id, class_id, subgroup_id = assignment.teacher_id, assignment.class_id, assignment.subgroup_id
    interesting = [TeachingAssignment.teacher_id == teacher_id, TeachingAssignment.class_id == class_id]
    if room:
        interesting.append(func.lower(func.trim(TimetableEntry.room)) == room.lower())
    q = timetable_entries().where(
        SchoolClass.school_id == school_id,
        TimetableEntry.weekday == weekday,
        Bell.starts_at < bell.ends_at,
        Bell.ends_at > bell.starts_at,
        effective_to() >= valid_from,
        or_(*interesting),
    )
    if valid_to is not None:
        q = q.where(TimetableEntry.valid_from <= valid_to)
    if exclude_entry_ids:
        q = q.where(TimetableEntry.id.not_in(list(exclude_entry_ids)))
    clashes: list[Clash] = []
    for entry in db.session.scalars(q.order_by(TimetableEntry.valid_from, TimetableEntry.id)):
        other = entry.assignment
        if other.teacher_id == teacher_id:
            clashes.append(
                _clash(
                    "teacher",
                    entry,
                    _("Учитель %(teacher)s в это время уже ведёт урок: %(cls)s, %(subject)s (%(day)s, %(bell)s урок)."),
                )
            )
        if room and _norm_room(entry.room) and _norm_room(entry.room).lower() == room.lower():
            clashes.append(
                _clash(
                    "room",
                    entry,
                    _("Кабинет %(room)s в это время занят: %(cls)s, %(subject)s (%(teacher)s)."),
                    room=room,
                )
            )
        if other.class_id == class_id:
            if subgroup_id is not None and other.subgroup_id is not None:
                if subgroup_id == other.subgroup_id:
                    clashes.append(
                        _clash(
                            "subgroup",
                            entry,
                            _(
                                "У подгруппы «%(group)s» класса %(cls)s в это время уже стоит урок: %(subject)s "
                                "(%(teacher)s)."
                            ),
                            group=other.subgroup.name,
                        )
                    )
                # two different subgroups of one class may share a slot
            elif subgroup_id is not None:
                clashes.append(
                    _clash(
                        "class",
                        entry,
                        _(
                            "В это время у всего класса %(cls)s урок %(subject)s (%(teacher)s): подгруппа не может "
                            "заниматься одновременно со всем классом."
                        ),
                    )
                )
            elif other.subgroup_id is not None:
                clashes.append(
                    _clash(
                        "class",
                        entry,
                        _(
                            "В это время у подгруппы «%(group)s» класса %(cls)s урок %(subject)s (%(teacher)s): весь "
                            "класс не может заниматься одновременно с подгруппой."
                        ),
                        group=other.subgroup.name,
                    )
                )
            else:
                clashes.append(
                    _clash("class", entry, _("У класса %(cls)s в это время уже стоит урок: %(subject)s (%(teacher)s)."))
                )
    return clashes


# --- placing and changing -----------------------------------------------------------------------------
def _school_class(actor: Actor, class_id: int | None) -> SchoolClass:
    cls = (
        db.session.scalar(
            select(SchoolClass).where(SchoolClass.id == class_id, SchoolClass.school_id == actor.school_id)
        )
        if class_id
        else None
    )
    if cls is None:
        raise NotFound(_("Класс не найден."))
    return cls


def _in_year(year: AcademicYear, day: dt.date | None, what: str = "") -> dt.date:
    if day is None:
        raise InvalidInput(_("Укажите дату, с которой действует изменение."))
    if not year.starts_on <= day <= year.ends_on:
        raise InvalidInput(
            _("Дата %(date)s вне учебного года %(name)s (%(start)s–%(end)s)."),
            date=_d(day),
            name=year.name,
            start=_d(year.starts_on),
            end=_d(year.ends_on),
        )
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
    bell = (
        db.session.scalar(select(Bell).where(Bell.id == bell_id, Bell.school_id == actor.school_id))
        if bell_id
        else None
    )
    if bell is None:
        raise InvalidInput(_("Выберите урок по расписанию звонков."))
    return bell


def _class_assignment(cls: SchoolClass, assignment_id: int | None) -> TeachingAssignment:
    assignment = (
        db.session.scalar(
            select(TeachingAssignment)
            .options(
                joinedload(TeachingAssignment.subject),
                joinedload(TeachingAssignment.teacher),
                joinedload(TeachingAssignment.subgroup),
                joinedload(TeachingAssignment.school_class),
            )
            .where(TeachingAssignment.id == assignment_id, TeachingAssignment.class_id == cls.id)
        )
        if assignment_id
        else None
    )
    if assignment is None:
        raise InvalidInput(_("Выберите предмет из учебной нагрузки класса %(cls)s."), cls=cls.name)
    return assignment


def _entry_snapshot(entry: TimetableEntry) -> dict:
    return {
        "assignment_id": entry.assignment_id,
        "weekday": entry.weekday,
        "bell_id": entry.bell_id,
        "room": entry.room,
        "valid_from": entry.valid_from,
        "valid_to": entry.valid_to,
    }


def place_lesson(
    actor: Actor,
    *,
    class_id: int,
    assignment_id: int,
    weekday: int,
    bell_id: int,
    valid_from: dt.date,
    room: str | None = None,
    confirmed: bool = False,
) -> TimetableEntry:
    """Put a lesson of the class's teaching load into the week grid from a date to the end of the year. A class
    teacher allowed to (``timetable_right``) does so within the load's hours. Past the hours a week of the
    curriculum or of the load it raises ``NeedsConfirmation`` (nothing written) unless ``confirmed``; the audit
    keeps what was confirmed."""
    cls = _school_class(actor, class_id)
    right = require_right(actor, cls, placing=True)
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
    if right == TIMETABLE_LOAD:
        require_within_load(assignment, valid_from, year.ends_on)
    over = NeedsConfirmation.unless(confirmed, placement_warnings(assignment, valid_from, year.ends_on))
    entry = TimetableEntry(
        assignment_id=assignment.id, weekday=weekday, bell_id=bell.id, room=room, valid_from=valid_from, valid_to=None
    )
    db.session.add(entry)
    db.session.flush()
    AuditEvent.record(actor.user_id, "timetable.place", "timetable_entry", entry.id, new=_entry_snapshot(entry) | over)
    note_correction(actor, cls, right, "place", entry, valid_from)
    return entry


def _school_entry(actor: Actor, entry_id: int | None) -> tuple[TimetableEntry, SchoolClass, AcademicYear]:
    row = (
        db.session.execute(
            select(TimetableEntry, SchoolClass, AcademicYear)
            .join(TeachingAssignment, TeachingAssignment.id == TimetableEntry.assignment_id)
            .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
            .join(AcademicYear, AcademicYear.id == TeachingAssignment.year_id)
            .where(TimetableEntry.id == entry_id, SchoolClass.school_id == actor.school_id)
        ).one_or_none()
        if entry_id
        else None
    )
    if row is None:
        raise NotFound(_("Урок в расписании не найден."))
    return row[0], row[1], row[2]


def change_entry(
    actor: Actor,
    entry_id: int,
    from_date: dt.date,
    *,
    assignment_id: int | None = None,
    room: str | None = None,
    remove: bool = False,
    confirmed: bool = False,
) -> TimetableEntry | None:
    """From ``from_date`` onward the slot holds another lesson of the class's load (or another room), or
    nothing (``remove``). The old entry ends the day before (it is deleted only if it had not started
    yet), so earlier weeks keep their timetable. Substitutions already set on or after that date must
    be cancelled first. Another lesson past the hours a week needs ``confirmed``, as in ``place_lesson``.
    Returns the new entry (None when removed)."""
    entry, cls, year = _school_entry(actor, entry_id)
    right = require_right(actor, cls, placing=True)
    from_date = _changeable_from(entry, year, from_date)
    starts = max(from_date, entry.valid_from)
    new_assignment = None
    over: dict = {}
    if not remove:
        new_assignment = _class_assignment(cls, assignment_id)
        room = _room(room)
        if new_assignment.id == entry.assignment_id and room == _norm_room(entry.room):
            return entry  # nothing changes
        clashes = find_clashes(
            actor.school_id,
            new_assignment,
            entry.weekday,
            entry.bell,
            room,
            starts,
            entry.valid_to or year.ends_on,
            exclude_entry_ids=[entry.id],
        )
        if clashes:
            raise ClashError(clashes)
        if right == TIMETABLE_LOAD and new_assignment.id != entry.assignment_id:
            require_within_load(new_assignment, starts, entry.valid_to or year.ends_on)
        if new_assignment.id != entry.assignment_id:
            warnings = placement_warnings(
                new_assignment, starts, entry.valid_to or year.ends_on, exclude_entry_ids=[entry.id]
            )
            over = NeedsConfirmation.unless(confirmed, warnings)
    if new_assignment is None:
        note_correction(actor, cls, right, "remove", entry, from_date)
    weekday, bell_id, valid_to = entry.weekday, entry.bell_id, entry.valid_to
    _end_entry(actor, entry, from_date)
    if new_assignment is None:
        return None
    new = TimetableEntry(
        assignment_id=new_assignment.id,
        weekday=weekday,
        bell_id=bell_id,
        room=room,
        valid_from=starts,
        valid_to=valid_to,
    )
    db.session.add(new)
    db.session.flush()
    AuditEvent.record(actor.user_id, "timetable.place", "timetable_entry", new.id, new=_entry_snapshot(new) | over)
    note_correction(actor, cls, right, "replace", new, starts)
    return new


def _changeable_from(entry: TimetableEntry, year: AcademicYear, from_date: dt.date | None) -> dt.date:
    """The date a change of ``entry`` takes effect: inside the open year, while the entry stands, and with no
    substitution set on or after it (those are cancelled first)."""
    year.require_open()
    from_date = _in_year(year, from_date)
    ends = entry.valid_to or year.ends_on
    if from_date > ends:
        raise InvalidInput(
            _("Этот урок стоит в расписании только по %(date)s: изменение с %(from)s его не касается."),
            date=_d(ends),
            **{"from": _d(from_date)},
        )
    pending = db.session.scalars(
        select(Substitution.date)
        .where(Substitution.entry_id == entry.id, Substitution.date >= from_date)
        .order_by(Substitution.date)
    ).all()
    if pending:
        raise Conflict(
            _("На этот урок назначены замены (%(dates)s): сначала отмените их."),
            dates=", ".join(_d(d) for d in pending),
        )
    return from_date


def _end_entry(actor: Actor, entry: TimetableEntry, from_date: dt.date) -> None:
    """The entry stops the day before ``from_date`` (deleted when it had not started by then); audited."""
    old = _entry_snapshot(entry)
    if from_date <= entry.valid_from:
        AuditEvent.record(actor.user_id, "timetable.delete", "timetable_entry", entry.id, old=old)
        db.session.delete(entry)
    else:
        entry.valid_to = from_date - dt.timedelta(days=1)
        AuditEvent.record(
            actor.user_id, "timetable.close", "timetable_entry", entry.id, old=old, new={"valid_to": entry.valid_to}
        )
    db.session.flush()


def move_entry(actor: Actor, entry_id: int, from_date: dt.date, *, weekday: int, bell_id: int) -> TimetableEntry:
    """From ``from_date`` onward the lesson (same subject, teacher and room) stands at another weekday and bell,
    which must be free for the class, the teacher and the room; earlier weeks keep it where it was. A class
    teacher allowed any correction may move the lessons of their class (``timetable_right``)."""
    entry, cls, year = _school_entry(actor, entry_id)
    right = require_right(actor, cls, placing=False)
    from_date = _changeable_from(entry, year, from_date)
    weekday = _weekday(weekday)
    bell = _bell(actor, bell_id)
    if weekday == entry.weekday and bell.id == entry.bell_id:
        raise InvalidInput(_("Урок уже стоит в это время: выберите другой день или другой урок."))
    assignment = _class_assignment(cls, entry.assignment_id)
    starts = max(from_date, entry.valid_from)
    valid_to = entry.valid_to
    clashes = find_clashes(
        actor.school_id,
        assignment,
        weekday,
        bell,
        entry.room,
        starts,
        valid_to or year.ends_on,
        exclude_entry_ids=[entry.id],
    )
    if clashes:
        raise ClashError(clashes)
    room = entry.room
    _end_entry(actor, entry, from_date)
    new = TimetableEntry(
        assignment_id=assignment.id, weekday=weekday, bell_id=bell.id, room=room, valid_from=starts, valid_to=valid_to
    )
    db.session.add(new)
    db.session.flush()
    AuditEvent.record(actor.user_id, "timetable.move", "timetable_entry", new.id, new=_entry_snapshot(new))
    note_correction(actor, cls, right, "move", new, starts)
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
    def of(cls, entry: TimetableEntry) -> Slot:
        a = entry.assignment
        return cls(
            entry.id, a.id, entry.weekday, entry.valid_from, entry.valid_to, a.year_id, a.school_class.period_scheme
        )


def slots_query(assignment_ids):
    """Slots of the entries of these assignments (a select of ids): one light query, nothing eager-loaded."""
    return (
        select(
            TimetableEntry.id,
            TimetableEntry.assignment_id,
            TimetableEntry.weekday,
            TimetableEntry.valid_from,
            TimetableEntry.valid_to,
            TeachingAssignment.year_id,
            SchoolClass.period_scheme,
        )
        .join(TeachingAssignment, TeachingAssignment.id == TimetableEntry.assignment_id)
        .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
        .where(TimetableEntry.assignment_id.in_(assignment_ids))
    )


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
            if (
                valid_from <= day
                and (valid_to is None or valid_to >= day)
                and any(start <= day <= end for start, end in spans)
            ):
                yield slot, day
        day += dt.timedelta(days=1)


def expected_lessons(slots, periods: list[Period], first: dt.date, last: dt.date) -> Counter:
    """(assignment id, date) → how many lessons the timetable expects that day (``expected_days``)."""
    return Counter((slot[1], day) for slot, day in expected_days(slots, periods, first, last))


def _weekdays(first: dt.date, last: dt.date, weekday: int) -> int:
    """How many dates in [first, last] fall on an ISO weekday."""
    if first > last:
        return 0
    start = first + dt.timedelta(days=(weekday - first.isoweekday()) % 7)
    return (last - start).days // 7 + 1 if start <= last else 0


def expected_counts(slots, periods: list[Period], first: dt.date, last: dt.date) -> Counter:
    """assignment id → lessons the timetable expects in [first, last]: the count of ``expected_days``,
    by arithmetic on each slot's validity and its class's periods (a year-to-date count costs what a week's does)."""
    return expected_counts_from(slots, periods, (first,), last)[0]


def expected_counts_from(slots, periods: list[Period], firsts: tuple[dt.date, ...], last: dt.date) -> list[Counter]:
    """``expected_counts`` for several first days and one last day (a month's and the year's), in one pass.
    ``periods``: ``Period``s or rows with their year_id, scheme, starts_on and ends_on."""
    terms: dict[tuple[int, str], list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for p in periods:
        terms[(p.year_id, p.scheme)].append((p.starts_on, p.ends_on))
    counts = [Counter() for _first in firsts]
    earliest = min(firsts)
    shapes: dict[tuple, tuple[int, ...]] = {}  # a school's thousands of slots share a few dozen shapes

    def of_shape(weekday: int, valid_from: dt.date, valid_to: dt.date | None, year_id: int, scheme: str):
        high = last if valid_to is None else min(last, valid_to)
        numbers = [0] * len(firsts)
        for start, end in terms.get((year_id, scheme), ()):
            if start > high or end < max(earliest, valid_from):  # most periods lie outside a month
                continue
            for i, first in enumerate(firsts):
                low = max(first, valid_from, start)
                if low <= end:
                    numbers[i] += _weekdays(low, min(high, end), weekday)
        return tuple(numbers)

    for slot in slots:
        _entry, assignment_id, *shape = slot
        key = tuple(shape)
        numbers = shapes.get(key)
        if numbers is None:
            numbers = shapes[key] = of_shape(*shape)
        for counter, n in zip(counts, numbers, strict=True):
            if n:
                counter[assignment_id] += n
    return counts


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
