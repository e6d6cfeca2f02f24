"""Days of distance learning (R23, S2 5.7): when classes are cancelled (frost, quarantine…) the administration
switches a day to distance learning for a class, a grade or the whole school in one step, with a reason; the
lessons of such a day carry a link and materials (models/journal/distance.py), the diary shows them first and
the teacher's day and journal say the day is distance. A switch can be undone: the row goes, the audit log
keeps it ("distance_day.create" / "distance_day.delete").

The switch is a row of ``cancelled_days`` (models/tables/school.py explains why that table was extended).
Which classes a row covers is one rule, ``covers_class`` (SQL) — every page asks ``distance_days``. Operations
validate, change, audit and flush; the caller commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Date, and_, bindparam, or_, select

from models.access import Actor, can_switch_distance, require
from models.audit import AuditEvent
from models.base import add_unique, db
from models.errors import Conflict, InvalidInput, NotFound
from models.i18n import N_, Text, _
from models.journal.rules import SCHOOL_DAYS, _d
from models.tables.classes import SchoolClass
from models.tables.school import DISTANCE_KINDS, AcademicYear, CancelledDay

KIND_LABELS = {"weather": N_("погодные условия"), "quarantine": N_("карантин"), "other": N_("другая причина")}
assert set(KIND_LABELS) == set(DISTANCE_KINDS)
MAX_REASON = 255


@dataclass(frozen=True)
class DistanceNote:
    """What a page says about a distance day of a class: the kind and the reason of the switch."""

    day_id: int
    kind: str
    reason: str

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


def covers_class(day=CancelledDay, cls=SchoolClass):
    """A switch covers a class: the class's school, and the whole school, its grade or the class itself."""
    return and_(
        day.school_id == cls.school_id,
        or_(
            day.scope == "school",
            and_(day.class_id.is_(None), day.grade == cls.grade),
            day.class_id == cls.id,
        ),
    )


_DISTANCE_DAYS = (  # built once: every diary week asks it
    select(SchoolClass.id, CancelledDay.date, CancelledDay.id, CancelledDay.kind, CancelledDay.reason)
    .join(CancelledDay, covers_class())
    .where(
        SchoolClass.id.in_(bindparam("classes", expanding=True)),
        CancelledDay.date.between(bindparam("first", type_=Date), bindparam("last", type_=Date)),
    )
    .order_by(CancelledDay.class_id.is_(None), CancelledDay.grade.is_(None), CancelledDay.id)
)


def distance_days(class_ids, first: dt.date, last: dt.date) -> dict[tuple[int, dt.date], DistanceNote]:
    """(class id, date) → the switch that makes the day distance for the class, between ``first`` and ``last``.
    One query; the narrowest switch wins when several cover a class (its reason is the most specific)."""
    ids = list(class_ids)
    if not ids:
        return {}
    rows = db.session.execute(_DISTANCE_DAYS, {"classes": ids, "first": first, "last": last}).all()
    found: dict[tuple[int, dt.date], DistanceNote] = {}
    for class_id, day, day_id, kind, reason in rows:
        found.setdefault((class_id, day), DistanceNote(day_id, kind, reason))
    return found


# --- the administration's switch ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """Whom a switch covers, as the form sends it: "school", "grade:5" or "class:12"."""

    scope: str
    grade: int | None = None
    class_id: int | None = None

    @classmethod
    def parse(cls, text: str | None) -> Target:
        kind, _sep, number = (text or "").strip().partition(":")
        if kind == "school" and not number:
            return cls("school")
        if kind in ("grade", "class") and number.isascii() and number.isdigit() and len(number) <= 9:
            value = int(number)
            return cls(f"grade:{value}", grade=value) if kind == "grade" else cls(f"class:{value}", class_id=value)
        raise InvalidInput(_("Выберите, кого перевести на дистанционное обучение: школу, параллель или класс."))


def _year_of(actor: Actor, day: dt.date) -> AcademicYear:
    year = db.session.scalar(
        select(AcademicYear).where(
            AcademicYear.school_id == actor.school_id, AcademicYear.starts_on <= day, AcademicYear.ends_on >= day
        )
    )
    if year is None:
        raise InvalidInput(_("%(date)s не входит ни в один учебный год школы."), date=_d(day))
    year.require_open()
    return year


def target_label(target: Target, classes: dict[int, str] | None = None) -> Text:
    if target.class_id is not None:
        return Text(_("%(name)s класс"), name=(classes or {}).get(target.class_id, "?"))
    if target.grade is not None:
        return Text(_("%(grade)s-е классы"), grade=target.grade)
    return Text(_("вся школа"))


def switch_to_distance(
    actor: Actor,
    *,
    day: dt.date | None,
    target: str | None,
    kind: str | None,
    reason: str | None,
    now: dt.datetime,
) -> CancelledDay:
    """Switch ``day`` to distance learning for the school, a grade or a class of the day's academic year."""
    require(can_switch_distance(actor), _("Переводить на дистанционное обучение может только администрация школы."))
    if day is None:
        raise InvalidInput(_("Укажите дату."))
    if day.isoweekday() not in SCHOOL_DAYS:
        raise InvalidInput(_("%(date)s — воскресенье: уроков в этот день нет."), date=_d(day))
    chosen = Target.parse(target)
    year = _year_of(actor, day)
    classes = select(SchoolClass).where(SchoolClass.school_id == actor.school_id, SchoolClass.year_id == year.id)
    if chosen.class_id is not None:
        cls = db.session.scalar(classes.where(SchoolClass.id == chosen.class_id))
        if cls is None:
            raise InvalidInput(_("Класс не найден в учебном году %(year)s."), year=year.name)
    elif chosen.grade is not None and db.session.scalar(classes.where(SchoolClass.grade == chosen.grade)) is None:
        raise InvalidInput(_("В учебном году %(year)s нет %(grade)s-х классов."), year=year.name, grade=chosen.grade)
    if kind not in DISTANCE_KINDS:
        raise InvalidInput(_("Выберите причину из списка."))
    text = " ".join((reason or "").split())
    if not text:
        raise InvalidInput(_("Опишите причину: её увидят учителя, ученики и родители."))
    if len(text) > MAX_REASON:
        raise InvalidInput(_("Причина: не длиннее %(n)s символов."), n=MAX_REASON)
    row = CancelledDay(
        school_id=actor.school_id,
        date=day,
        class_id=chosen.class_id,
        grade=chosen.grade,
        scope=chosen.scope,
        kind=kind,
        reason=text,
        created_by_id=actor.user_id,
        created_at=now,
    )
    if not add_unique(row):
        raise Conflict(_("%(date)s уже переведён на дистанционное обучение для них."), date=_d(day))
    AuditEvent.record(actor.user_id, "distance_day.create", "cancelled_day", row.id, new=_snapshot(row))
    return row


def undo_distance(actor: Actor, day_id: int) -> dt.date:
    """Undo a switch: the day is an ordinary school day again (for those it covered); audited. The day undone."""
    require(can_switch_distance(actor), _("Переводить на дистанционное обучение может только администрация школы."))
    row = db.session.scalar(
        select(CancelledDay).where(CancelledDay.id == day_id, CancelledDay.school_id == actor.school_id)
    )
    if row is None:
        raise NotFound(_("Переход на дистанционное обучение не найден или уже отменён."))
    _year_of(actor, row.date)
    AuditEvent.record(actor.user_id, "distance_day.delete", "cancelled_day", row.id, old=_snapshot(row))
    db.session.delete(row)
    db.session.flush()
    return row.date


def _snapshot(row: CancelledDay) -> dict:
    return {"date": row.date, "scope": row.scope, "kind": row.kind, "reason": row.reason}


# --- the administration's page ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Switch:
    id: int
    date: dt.date
    target: Text
    kind: str
    reason: str
    created_at: dt.datetime | None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass(frozen=True)
class SwitchPage:
    switches: list[Switch]
    classes: list[tuple[int, str]]  # the targets offered: classes of the current year
    grades: list[int]
    kinds: dict[str, str]


def switch_page(actor: Actor, today: dt.date) -> SwitchPage:
    """The switches of today's academic year, newest day first (a few a year: all can be undone), and the classes
    and grades of that year."""
    require(can_switch_distance(actor))
    year = db.session.scalar(
        select(AcademicYear)
        .where(AcademicYear.school_id == actor.school_id, AcademicYear.starts_on <= today)
        .order_by(AcademicYear.starts_on.desc())
    )
    classes = (
        db.session.scalars(
            select(SchoolClass).where(SchoolClass.year_id == year.id).order_by(SchoolClass.grade, SchoolClass.letter)
        ).all()
        if year is not None
        else []
    )
    names = {c.id: c.name for c in classes}
    rows = db.session.scalars(
        select(CancelledDay)
        .where(
            CancelledDay.school_id == actor.school_id,
            CancelledDay.date >= (year.starts_on if year is not None else today),
        )
        .order_by(CancelledDay.date.desc(), CancelledDay.id)
    ).all()
    missing = {r.class_id for r in rows if r.class_id is not None and r.class_id not in names}
    if missing:
        for cls in db.session.scalars(select(SchoolClass).where(SchoolClass.id.in_(missing))):
            names[cls.id] = cls.name
    switches = [
        Switch(
            r.id,
            r.date,
            target_label(Target(r.scope, r.grade, r.class_id), names),
            r.kind,
            r.reason,
            r.created_at,
        )
        for r in rows
    ]
    return SwitchPage(
        switches, [(c.id, c.name) for c in classes], sorted({c.grade for c in classes}), dict(KIND_LABELS)
    )
