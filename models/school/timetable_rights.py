"""Who may correct a class's timetable and how far (R12): the operator everything, the class teacher of that
class as the school's setting "class_teacher_timetable" allows (models.access.class_timetable_right decides;
this module reads the setting and says why a change is refused), the class teacher's limit of the teaching
load, and the corrections kept under the class (audit) for the operator to see on the class's page.

Below models/school/timetable.py, which applies these in placing, changing and moving lessons.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from models.access import (
    TIMETABLE_FULL,
    TIMETABLE_MOVES,
    Actor,
    can_manage_organisation,
    class_timetable_right,
    require,
)
from models.audit import AuditEvent
from models.base import db
from models.errors import AccessDenied, Conflict
from models.i18n import N_, _
from models.school.settings import get_setting
from models.tables.accounts import User
from models.tables.classes import SchoolClass
from models.tables.curriculum import TeachingAssignment
from models.tables.people import Staff
from models.tables.school import AcademicYear
from models.tables.timetable import TimetableEntry


def require_planner(actor: Actor) -> None:
    require(
        can_manage_organisation(actor),
        _("Составлять расписание и назначать замены может только администратор (оператор)."),
    )


def timetable_right(actor: Actor, cls: SchoolClass) -> str | None:
    """What the actor may change in this class's timetable (models.access.class_timetable_right, with the
    school's setting read only when it matters)."""
    if can_manage_organisation(actor) or not actor.has("class_teacher"):
        return class_timetable_right(actor, cls, "off")
    return class_timetable_right(actor, cls, get_setting(actor.school_id, "class_teacher_timetable"))


def require_right(actor: Actor, cls: SchoolClass, *, placing: bool) -> str:
    """The actor's right on the class's timetable, or AccessDenied saying why. ``placing``: the change puts a
    lesson of the load into a slot, replaces or removes one (a move only shifts a lesson in the week)."""
    right = timetable_right(actor, cls)
    if right is None:
        if actor.has("class_teacher") and actor.staff_id is not None:
            if cls.class_teacher_id != actor.staff_id:
                raise AccessDenied(_("Классный руководитель исправляет расписание только своего класса."))
            raise AccessDenied(
                _(
                    "Школа не разрешила классным руководителям исправлять расписание: это делает администратор "
                    "(оператор)."
                )
            )
        require_planner(actor)
    if placing and right == TIMETABLE_MOVES:
        raise AccessDenied(
            _(
                "Классному руководителю разрешено только переносить уроки своего класса внутри недели; ставить, "
                "заменять и убирать уроки может администратор (оператор)."
            )
        )
    return right


def require_within_load(assignment: TeachingAssignment, valid_from: dt.date, valid_to: dt.date) -> None:
    """A class teacher places a lesson only while the assignment's lessons in a week stay within its hours
    (rounded up): the most entries in effect on one day between ``valid_from`` and ``valid_to``, plus this one."""
    from models.school.timetable import effective_to

    q = (
        select(TimetableEntry.valid_from, effective_to())
        .join(TeachingAssignment, TeachingAssignment.id == TimetableEntry.assignment_id)
        .join(AcademicYear, AcademicYear.id == TeachingAssignment.year_id)
        .where(
            TimetableEntry.assignment_id == assignment.id,
            effective_to() >= valid_from,
            TimetableEntry.valid_from <= valid_to,
        )
    )
    spans = db.session.execute(q).all()
    points = {valid_from} | {start for start, _end in spans if start > valid_from}
    placed = max((sum(1 for start, end in spans if start <= p <= end) for p in points), default=0)
    hours = math.ceil(Decimal(assignment.hours_per_week))
    if placed + 1 > hours:
        raise Conflict(
            _(
                "«%(subject)s» в %(cls)s: по нагрузке %(hours)s ч в неделю, в расписании уже %(placed)s. Сверх "
                "нагрузки урок ставит только администратор (оператор)."
            ),
            subject=assignment.subject.name,
            cls=assignment.school_class.name,
            hours=hours,
            placed=placed,
        )


def note_correction(actor: Actor, cls: SchoolClass, right: str, op: str, entry: TimetableEntry, day: dt.date):
    """A class teacher's correction, kept under the class for the operator to see (who, when, what)."""
    if right == TIMETABLE_FULL:
        return
    a = entry.assignment
    AuditEvent.record(
        actor.user_id,
        "timetable.correction",
        "school_class",
        cls.id,
        new={
            "op": op,
            "entry_id": entry.id,
            "subject": a.subject.name if a is not None else None,
            "weekday": entry.weekday,
            "bell": entry.bell.number if entry.bell is not None else None,
            "from": day,
        },
    )


CORRECTION_LABELS = {
    "move": N_("урок перенесён"),
    "place": N_("урок поставлен"),
    "replace": N_("урок заменён"),
    "remove": N_("урок убран"),
}


@dataclass
class Correction:
    """A class teacher's correction of the class timetable (an audit record), for the page."""

    at: dt.datetime
    who: str
    what: str  # a CORRECTION_LABELS message
    subject: str
    weekday: int | None
    bell: int | None
    starts: str  # dd.mm.yyyy


def class_corrections(class_id: int, limit: int = 10) -> list[Correction]:
    """The latest corrections made by class teachers to the class timetable, newest first."""
    rows = db.session.execute(
        select(AuditEvent, Staff)
        .join(User, User.id == AuditEvent.actor_id, isouter=True)
        .join(Staff, Staff.id == User.staff_id, isouter=True)
        .where(
            AuditEvent.entity == "school_class",
            AuditEvent.entity_id == class_id,
            AuditEvent.action == "timetable.correction",
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    ).all()
    found = []
    for event, staff in rows:
        new = json.loads(event.new or "{}")
        starts = new.get("from") or ""
        with contextlib.suppress(ValueError):
            starts = dt.date.fromisoformat(starts).strftime("%d.%m.%Y")
        found.append(
            Correction(
                event.at,
                staff.short_name if staff is not None else "—",
                CORRECTION_LABELS.get(new.get("op"), new.get("op") or ""),
                new.get("subject") or "",
                new.get("weekday"),
                new.get("bell"),
                starts,
            )
        )
    return found
