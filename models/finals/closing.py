"""Closing and reopening a period (R25): who still lacks a period mark, the school's periods in order,
the period to close next and the state of each period of the year."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from models.access import Actor, can_close_periods, require
from models.audit import AuditEvent
from models.base import db
from models.errors import InvalidInput, NotFound, PeriodClosed
from models.finals.proposals import deadline_for, mark_kind
from models.finals.sheet import page_year
from models.i18n import _
from models.roster import stay_on
from models.school.settings import all_settings
from models.tables.classes import Enrollment, SchoolClass, SubgroupMember
from models.tables.curriculum import TeachingAssignment
from models.tables.finals import PeriodMark
from models.tables.people import Student
from models.tables.school import AcademicYear, Period


# --- closing a period ------------------------------------------------------------------------------
@dataclass
class MissingLine:
    """An assignment whose students still lack the period's mark."""

    assignment: TeachingAssignment
    students: list[Student]

    @property
    def count(self) -> int:
        return len(self.students)


@dataclass
class ClosingResult:
    closed: bool
    missing: list[MissingLine]

    @property
    def missing_total(self) -> int:
        return sum(line.count for line in self.missing)


def school_period(actor: Actor, period_id: int) -> Period:
    period = db.session.scalar(
        select(Period)
        .options(joinedload(Period.year))
        .join(AcademicYear, AcademicYear.id == Period.year_id)
        .where(Period.id == period_id, AcademicYear.school_id == actor.school_id)
    )
    if period is None:
        raise NotFound(_("Период не найден."))
    return period


def missing_students(period: Period) -> tuple[list[TeachingAssignment], dict[int, set[int]]]:
    """The period's assignments, and per assignment the ids of the students enrolled on its last day without
    its mark (first grade excluded). Four queries."""
    kind = mark_kind(period)
    on = period.ends_on
    classes = select(SchoolClass.id).where(SchoolClass.year_id == period.year_id, SchoolClass.gets_marks)
    if kind == "period":
        classes = classes.where(SchoolClass.period_scheme == period.scheme)
    assignments = db.session.scalars(
        select(TeachingAssignment)
        .options(
            joinedload(TeachingAssignment.school_class),
            joinedload(TeachingAssignment.subject),
            joinedload(TeachingAssignment.subgroup),
            joinedload(TeachingAssignment.teacher),
        )
        .where(TeachingAssignment.class_id.in_(classes))
    ).all()
    if not assignments:
        return [], {}
    enrolled: dict[int, set[int]] = defaultdict(set)
    for class_id, student_id in db.session.execute(
        select(Enrollment.class_id, Enrollment.student_id).where(
            Enrollment.class_id.in_(classes), stay_on(Enrollment, on)
        )
    ):
        enrolled[class_id].add(student_id)
    group_ids = {a.subgroup_id for a in assignments if a.subgroup_id}
    members: dict[int, set[int]] = defaultdict(set)
    if group_ids:
        for group_id, student_id in db.session.execute(
            select(SubgroupMember.subgroup_id, SubgroupMember.student_id).where(
                SubgroupMember.subgroup_id.in_(group_ids), stay_on(SubgroupMember, on)
            )
        ):
            members[group_id].add(student_id)
    marked = set(
        db.session.execute(
            select(PeriodMark.student_id, PeriodMark.subject_id).where(
                PeriodMark.period_id == period.id, PeriodMark.kind == kind
            )
        ).all()
    )
    wanted: dict[int, set[int]] = {}
    for a in assignments:
        roster = enrolled.get(a.class_id, set())
        if a.subgroup_id:
            roster = roster & members.get(a.subgroup_id, set())
        lacking = {sid for sid in roster if (sid, a.subject_id) not in marked}
        if lacking:
            wanted[a.id] = lacking
    return assignments, wanted


def missing_count(period: Period) -> int:
    """How many of the period's marks are still missing (the home page). Four queries."""
    return sum(len(ids) for ids in missing_students(period)[1].values())


def missing_marks(period: Period) -> list[MissingLine]:
    """Per assignment of the period's classes (first grade excluded): students enrolled on the period's last
    day without its mark. Five queries for the whole school."""
    assignments, wanted = missing_students(period)
    if not wanted:
        return []
    students = {
        s.id: s
        for s in db.session.scalars(
            select(Student).where(Student.id.in_({sid for ids in wanted.values() for sid in ids}))
        )
    }
    lines = []
    for a in sorted(
        assignments,
        key=lambda a: (
            a.school_class.grade,
            a.school_class.letter,
            a.subject.name,
            a.subgroup.name if a.subgroup else "",
        ),
    ):
        if a.id in wanted:
            lines.append(
                MissingLine(
                    a, sorted((students[sid] for sid in wanted[a.id]), key=lambda s: (s.last_name, s.first_name, s.id))
                )
            )
    return lines


def close_period(actor: Actor, period_id: int, *, now: dt.datetime, confirmed: bool = False) -> ClosingResult:
    """The coordinator (or the operator) closes a period: its marks become read-only. When marks are
    missing nothing happens unless ``confirmed`` — the result lists what is missing either way."""
    require(
        can_close_periods(actor),
        _("Закрывать и открывать периоды может заместитель директора по УВР или администратор."),
    )
    period = school_period(actor, period_id)
    period.year.require_open()
    if period.is_closed:
        raise PeriodClosed(_("Период «%(name)s» уже закрыт."), name=period.name)
    missing = missing_marks(period)
    if missing and not confirmed:
        return ClosingResult(False, missing)
    period.closed_at = now
    db.session.flush()
    AuditEvent.record(
        actor.user_id,
        "period.close",
        "period",
        period.id,
        new={"closed_at": now, "missing_marks": sum(line.count for line in missing)},
    )
    return ClosingResult(True, missing)


def reopen_period(actor: Actor, period_id: int) -> Period:
    require(
        can_close_periods(actor),
        _("Закрывать и открывать периоды может заместитель директора по УВР или администратор."),
    )
    period = school_period(actor, period_id)
    period.year.require_open()
    if not period.is_closed:
        raise InvalidInput(_("Период «%(name)s» не закрыт."), name=period.name)
    old = period.closed_at
    period.closed_at = None
    db.session.flush()
    AuditEvent.record(actor.user_id, "period.reopen", "period", period.id, old={"closed_at": old})
    return period


SCHEME_ORDER = ("quarter", "trimester", "half_year", "year")


def period_to_close(periods: list[PeriodStatus]) -> PeriodStatus | None:
    """What the coordinator most likely wants to look at: the first ended period not closed yet, else the
    running one."""
    terms = [s for s in periods if s.period.scheme != "year"]
    return next((s for s in terms if s.state == "ended"), None) or next(
        (s for s in terms if s.state == "running"), None
    )


@dataclass
class PeriodStatus:
    period: Period
    deadline: dt.date
    state: str  # "future", "running", "ended", "closed"


def year_periods(actor: Actor, today: dt.date) -> tuple[AcademicYear | None, list[PeriodStatus]]:
    """The periods of the current year (the one containing today, else the latest started) with their state."""
    year, _years = page_year(actor, today)
    if year is None:
        return None, []
    settings = all_settings(actor.school_id)
    rank = {scheme: i for i, scheme in enumerate(SCHEME_ORDER)}
    periods = sorted(
        db.session.scalars(select(Period).where(Period.year_id == year.id)),
        key=lambda p: (rank.get(p.scheme, 9), p.starts_on),
    )
    out = []
    for p in periods:
        state = (
            "closed"
            if p.closed_at
            else "future"
            if today < p.starts_on
            else "running"
            if today <= p.ends_on
            else "ended"
        )
        out.append(PeriodStatus(p, deadline_for(p, settings), state))
    return year, out
