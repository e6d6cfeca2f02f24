"""The class teacher's upkeep of their class: splitting it into subgroups per subject at the start of a
period (R11, S0 VI, S2 5.5) and the monthly "data checked on" stamp (S0 VI, S2 6.4.1).

A split is written as SubgroupMember rows starting on the chosen date; a student who moves to another
group gets the old membership closed the day before, so the journal of each group keeps its history.
Operations validate, change, audit and flush; the caller commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from models.access import Actor, can_keep_class, require
from models.audit import AuditEvent
from models.base import db
from models.errors import Conflict, InvalidInput, NotFound
from models.i18n import _
from models.roster import stay_on
from models.school.movement import enrolled_on
from models.tables.classes import SchoolClass, Subgroup, SubgroupMember
from models.tables.curriculum import Subject
from models.tables.people import Student
from models.tables.school import AcademicYear, Period

MAX_GROUPS = 4
DATA_CHECK_DAYS = 30
NEW_GROUP_NAME = "%(n)s группа"


def _fmt(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def kept_class(actor: Actor, class_id: int) -> SchoolClass:
    """The class, if the actor is its class teacher."""
    cls = db.session.scalar(
        select(SchoolClass).where(SchoolClass.id == class_id, SchoolClass.school_id == actor.school_id)
    )
    if cls is None:
        raise NotFound(_("Класс не найден."))
    require(can_keep_class(actor, class_id), _("Это может делать только классный руководитель этого класса."))
    return cls


def kept_classes(actor: Actor) -> list[SchoolClass]:
    """The classes the actor is class teacher of, newest year first."""
    from models.access import taught_class_ids

    return db.session.scalars(
        select(SchoolClass)
        .join(AcademicYear, AcademicYear.id == SchoolClass.year_id)
        .where(SchoolClass.id.in_(taught_class_ids(actor)))
        .order_by(AcademicYear.starts_on.desc(), SchoolClass.grade, SchoolClass.letter)
    ).all()


# --- the data-checked stamp --------------------------------------------------------------------------
def data_check_overdue(cls: SchoolClass, today: dt.date) -> bool:
    """True when the class teacher has never confirmed the data or did it more than 30 days ago."""
    return cls.data_checked_on is None or (today - cls.data_checked_on).days > DATA_CHECK_DAYS


def confirm_class_data(actor: Actor, class_id: int, *, today: dt.date) -> SchoolClass:
    cls = kept_class(actor, class_id)
    old = cls.data_checked_on
    cls.data_checked_on = today
    db.session.flush()
    AuditEvent.record(
        actor.user_id,
        "class.data_checked",
        "school_class",
        cls.id,
        old={"data_checked_on": old},
        new={"data_checked_on": today},
    )
    return cls


# --- periods -------------------------------------------------------------------------------------------
def period_starts(cls: SchoolClass) -> list[Period]:
    """The periods of the class's year in its scheme (quarters, trimesters or half-years)."""
    return db.session.scalars(
        select(Period)
        .where(Period.year_id == cls.year_id, Period.scheme == cls.period_scheme)
        .order_by(Period.starts_on)
    ).all()


def default_split_date(cls: SchoolClass, today: dt.date) -> dt.date:
    """The start of the period that contains today (or of the next one), else the start of the year."""
    periods = period_starts(cls)
    for p in periods:
        if p.starts_on <= today <= p.ends_on:
            return p.starts_on
    upcoming = [p for p in periods if p.starts_on > today]
    if upcoming:
        return upcoming[0].starts_on
    year = db.session.get(AcademicYear, cls.year_id)
    return min(max(today, year.starts_on), year.ends_on)


# --- the grid ------------------------------------------------------------------------------------------
@dataclass
class GridColumn:
    number: int  # 1-based column of the grid
    name: str
    subgroup_id: int | None  # None: not created yet, will be on saving


@dataclass
class GridRow:
    student: Student
    group: int  # 0: no group, else the column number
    since: dt.date | None


@dataclass
class SubgroupGrid:
    school_class: SchoolClass
    subject: Subject
    on: dt.date
    columns: list[GridColumn]
    rows: list[GridRow] = field(default_factory=list)
    later_split: dt.date | None = None  # a split dated after ``on`` exists (changing this one is refused)


def _subject(actor: Actor, subject_id: int | None) -> Subject:
    subject = (
        db.session.scalar(select(Subject).where(Subject.id == subject_id, Subject.school_id == actor.school_id))
        if subject_id
        else None
    )
    if subject is None:
        raise InvalidInput(_("Выберите предмет."))
    return subject


def _check_date(cls: SchoolClass, on: dt.date | None) -> None:
    if on is None:
        raise InvalidInput(_("Укажите дату, с которой действует деление."))
    year = db.session.get(AcademicYear, cls.year_id)
    if not (year.starts_on <= on <= year.ends_on):
        raise InvalidInput(
            _("Дата %(date)s вне %(year)s учебного года (%(start)s – %(end)s)."),
            date=_fmt(on),
            year=year.name,
            start=_fmt(year.starts_on),
            end=_fmt(year.ends_on),
        )
    year.require_open()


def _existing(class_id: int, subject_id: int) -> list[Subgroup]:
    return db.session.scalars(
        select(Subgroup).where(Subgroup.class_id == class_id, Subgroup.subject_id == subject_id).order_by(Subgroup.id)
    ).all()


def _columns(existing: list[Subgroup], count: int) -> list[GridColumn]:
    columns = [GridColumn(i, g.name, g.id) for i, g in enumerate(existing, start=1)]
    taken = {g.name for g in existing}
    n = 1
    while len(columns) < count:
        while (NEW_GROUP_NAME % {"n": n}) in taken:
            n += 1
        name = NEW_GROUP_NAME % {"n": n}
        taken.add(name)
        columns.append(GridColumn(len(columns) + 1, name, None))
    return columns


def _memberships(subgroup_ids: list[int], on: dt.date) -> dict[int, SubgroupMember]:
    if not subgroup_ids:
        return {}
    rows = db.session.scalars(
        select(SubgroupMember)
        .where(SubgroupMember.subgroup_id.in_(subgroup_ids), stay_on(SubgroupMember, on))
        .order_by(SubgroupMember.starts_on)
    ).all()
    return {m.student_id: m for m in rows}


def _later_split(subgroup_ids: list[int], on: dt.date) -> dt.date | None:
    if not subgroup_ids:
        return None
    return db.session.scalar(
        select(SubgroupMember.starts_on)
        .where(SubgroupMember.subgroup_id.in_(subgroup_ids), SubgroupMember.starts_on > on)
        .order_by(SubgroupMember.starts_on)
        .limit(1)
    )


def subgroup_grid(
    actor: Actor, class_id: int, subject_id: int | None, on: dt.date | None, group_count: int | None = None
) -> SubgroupGrid:
    """Students of the class on ``on`` × the subject's subgroups, with who is where on that date."""
    cls = kept_class(actor, class_id)
    subject = _subject(actor, subject_id)
    _check_date(cls, on)
    existing = _existing(cls.id, subject.id)
    count = max(len(existing), min(max(group_count or 2, 1), MAX_GROUPS))
    columns = _columns(existing, count)
    by_subgroup = {c.subgroup_id: c.number for c in columns if c.subgroup_id}
    members = _memberships(list(by_subgroup), on)
    students = db.session.scalars(
        select(Student)
        .where(Student.id.in_(enrolled_on(cls.id, on)))
        .order_by(Student.last_name, Student.first_name, Student.middle_name, Student.id)
    ).all()
    rows = []
    for s in students:
        m = members.get(s.id)
        rows.append(GridRow(s, by_subgroup[m.subgroup_id] if m else 0, m.starts_on if m else None))
    return SubgroupGrid(cls, subject, on, columns, rows, _later_split(list(by_subgroup), on))


@dataclass
class SplitResult:
    joined: int = 0
    moved: int = 0
    left: int = 0
    created_groups: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return self.joined + self.moved + self.left


def split_class(
    actor: Actor,
    class_id: int,
    subject_id: int | None,
    on: dt.date | None,
    choices: dict[int, int],
    *,
    group_count: int,
) -> SplitResult:
    """Writes the grid: ``choices`` maps each student of the class on ``on`` to a column (0 = no group).
    Subgroups for new columns are created ("1 группа", "2 группа"…) only when somebody is put in them."""
    cls = kept_class(actor, class_id)
    subject = _subject(actor, subject_id)
    _check_date(cls, on)
    if not 1 <= group_count <= MAX_GROUPS:
        raise InvalidInput(_("Число подгрупп: от 1 до %(n)s."), n=MAX_GROUPS)
    existing = _existing(cls.id, subject.id)
    columns = _columns(existing, max(len(existing), group_count))
    in_class = set(db.session.scalars(enrolled_on(cls.id, on)))
    strangers = set(choices) - in_class
    if strangers:
        raise InvalidInput(
            _("В списке есть обучающиеся, которых нет в %(cls)s классе на %(date)s."), cls=cls.name, date=_fmt(on)
        )
    if any(not 0 <= c <= len(columns) for c in choices.values()):
        raise InvalidInput(_("Неверный номер подгруппы."))
    ids = [c.subgroup_id for c in columns if c.subgroup_id]
    later = _later_split(ids, on)
    if later is not None:
        raise Conflict(
            _("По предмету уже есть деление с более поздней даты (%(date)s). Выберите дату не раньше неё."),
            date=_fmt(later),
        )

    result = SplitResult()

    def subgroup_of(column: GridColumn) -> int:
        if column.subgroup_id is None:
            group = Subgroup(class_id=cls.id, subject_id=subject.id, name=column.name)
            db.session.add(group)
            db.session.flush()
            column.subgroup_id = group.id
            result.created_groups.append(group.name)
            AuditEvent.record(
                actor.user_id,
                "subgroup.create",
                "subgroup",
                group.id,
                new={"class_id": cls.id, "subject_id": subject.id, "name": group.name},
            )
        return column.subgroup_id

    members = _memberships(ids, on)
    day_before = on - dt.timedelta(days=1)
    for student_id in sorted(in_class):
        if student_id not in choices:
            continue  # not on the submitted grid (admitted meanwhile): left as is
        wanted = choices[student_id]
        current = members.get(student_id)
        target = subgroup_of(columns[wanted - 1]) if wanted else None
        if current is not None and current.subgroup_id == target:
            continue
        old = {"subgroup_id": current.subgroup_id, "starts_on": current.starts_on} if current else None
        if current is not None:
            if current.starts_on >= on:  # a same-day correction: nothing to keep
                db.session.delete(current)
            else:
                current.ends_on = day_before
        if target is not None:
            db.session.add(SubgroupMember(subgroup_id=target, student_id=student_id, starts_on=on))
        if current is None:
            result.joined += 1
        elif target is None:
            result.left += 1
        else:
            result.moved += 1
        db.session.flush()
        AuditEvent.record(
            actor.user_id,
            "subgroup.assign",
            "student",
            student_id,
            old=old,
            new={"subgroup_id": target, "starts_on": on, "subject_id": subject.id},
        )
    db.session.flush()
    return result
