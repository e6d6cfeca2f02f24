"""The bells of the school (R10, R13): lesson number, start and end, per shift. Key: shift and lesson number.

The file is the whole bell schedule of every shift it names: a bell of that shift missing from the file is
removed, one with other times is changed, a new number is added; a shift the file does not name stays as it
is. Within a shift the lessons must be numbered without gaps from 0 or 1, in the order of their times, with no
two overlapping (a lesson lasts at most MAX_BELL_MINUTES). A bell is removed only when nothing points at it:
a lesson still in the timetable (it would lose its slot) or a lesson in the journal blocks it, and the
preview says which. Changing a bell's times keeps every lesson in its slot (lessons point at the bell).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from models.audit import AuditEvent
from models.base import db
from models.i18n import N_, _
from models.school.imports.common import (
    ERROR,
    NEW,
    SAME,
    UPDATE,
    Column,
    Context,
    Msg,
    RowReport,
    SourceRow,
    Table,
    field_change,
    mark_duplicates,
    parse_int,
    parse_time,
    parsed_rows,
)
from models.school.organisation import MAX_BELL_MINUTES, references
from models.school.timetable import effective_to, timetable_entries
from models.tables.school import Bell
from models.tables.timetable import TimetableEntry

KEY = "bells"
ENTITY = "bell"
TITLE = N_("Звонки")
ROLES = frozenset({"operator"})
DAY_SHORT = {1: "Пн", 2: "Вт", 3: "Ср", 4: "Чт", 5: "Пт", 6: "Сб", 7: "Вс"}
SHOWN_BLOCKERS = 5  # timetabled lessons named in a refusal, then "and N more"

COLUMNS = [
    Column("shift", N_("Смена"), example=1),
    Column("number", N_("Урок №"), required=True, aliases=("Урок", "№ урока", "Номер урока", "Номер"), example=1),
    Column("starts_at", N_("Начало"), required=True, aliases=("Начало урока", "С"), example="08:30"),
    Column("ends_at", N_("Окончание"), required=True, aliases=("Конец", "Окончание урока", "По"), example="09:15"),
]
COL = {c.key: c for c in COLUMNS}


@dataclass
class Plan:
    new: list[dict] = field(default_factory=list)
    updates: list[tuple[Bell, dict]] = field(default_factory=list)
    removed: list[Bell] = field(default_factory=list)


@dataclass
class _Row:
    report: RowReport
    shift: int
    number: int
    starts_at: dt.time
    ends_at: dt.time

    @property
    def text(self) -> str:
        return f"{self.number}. {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


def _parsers(row: SourceRow) -> dict:
    return {
        "shift": lambda: parse_int(row, COL["shift"], 1, 2),
        "number": lambda: parse_int(row, COL["number"], 0, 12),
        "starts_at": lambda: parse_time(row, COL["starts_at"]),
        "ends_at": lambda: parse_time(row, COL["ends_at"]),
    }


def _minutes(starts_at: dt.time, ends_at: dt.time) -> int:
    return (ends_at.hour * 60 + ends_at.minute) - (starts_at.hour * 60 + starts_at.minute)


def analyse(ctx: Context, table: Table) -> tuple[list[RowReport], Plan]:
    existing = {
        (b.shift, b.number): b
        for b in db.session.scalars(
            select(Bell).where(Bell.school_id == ctx.school_id).order_by(Bell.shift, Bell.number)
        )
    }
    reports: list[RowReport] = []
    by_key: dict[tuple[int, int], list[RowReport]] = {}
    good: list[_Row] = []
    named: set[int] = set()  # the shifts the file names
    for _row, report, v in parsed_rows(table, reports, _parsers):
        shift = v["shift"] or 1
        named.add(shift)
        report.label = _label(shift, v["number"], v["starts_at"], v["ends_at"])
        if v["number"] is not None:
            by_key.setdefault((shift, v["number"]), []).append(report)
        if v["starts_at"] and v["ends_at"]:
            minutes = _minutes(v["starts_at"], v["ends_at"])
            if minutes <= 0:
                report.error(Msg(_("Урок должен заканчиваться позже, чем начинается.")))
            elif minutes > MAX_BELL_MINUTES:
                report.error(Msg(_("Урок не может длиться дольше %(n)s минут."), n=MAX_BELL_MINUTES))
        if report.status != ERROR:
            good.append(_Row(report, shift, v["number"], v["starts_at"], v["ends_at"]))
    mark_duplicates(by_key, lambda k: Msg(_("Урок № %(number)s %(shift)s смены"), number=k[1], shift=k[0]))
    good = [r for r in good if r.report.status != ERROR]
    for shift in sorted({r.shift for r in good}):
        _check_shift(sorted((r for r in good if r.shift == shift), key=lambda r: r.number))

    plan = Plan()
    for r in good:
        if r.report.status == ERROR:
            continue
        bell = existing.get((r.shift, r.number))
        if bell is None:
            r.report.status = NEW
            plan.new.append(
                {
                    "school_id": ctx.school_id,
                    "shift": r.shift,
                    "number": r.number,
                    "starts_at": r.starts_at,
                    "ends_at": r.ends_at,
                }
            )
            continue
        r.report.status = SAME
        changed = {}
        for key, label in (("starts_at", N_("Начало")), ("ends_at", N_("Окончание"))):
            old, new = getattr(bell, key), getattr(r, key)
            if old.replace(second=0, microsecond=0) != new:
                r.report.change(field_change(label, old.strftime("%H:%M"), new.strftime("%H:%M")))
                changed[key] = new
        if changed:
            plan.updates.append((bell, changed))

    # Shifts the file names are replaced whole: their bells missing from the file go, if nothing holds them.
    for (shift, number), bell in existing.items():
        if shift not in named or (shift, number) in by_key:
            continue
        report = RowReport(0, label=_label(shift, number, bell.starts_at, bell.ends_at), status=UPDATE)
        reports.append(report)
        blockers = _blockers(ctx, bell)
        if blockers:
            report.error(blockers)
        else:
            report.changes.append(Msg(_("Этого урока нет в файле: звонок будет удалён.")))
            plan.removed.append(bell)
    for report in reports:
        report.settle()
    return reports, plan


def _label(shift: int, number: int | None, starts_at: dt.time | None, ends_at: dt.time | None) -> str:
    """A row as data, in no language: "I: 1. 08:30–09:15" (the shift in Roman numerals)."""
    start = starts_at.strftime("%H:%M") if starts_at else "?"
    end = ends_at.strftime("%H:%M") if ends_at else "?"
    return f"{'I' * shift}: {number if number is not None else '?'}. {start}–{end}"


def _check_shift(rows: list[_Row]) -> None:
    """One shift's bells of the file, by number: from 0 or 1 without gaps, in time order, never overlapping."""
    if rows and rows[0].number > 1:
        rows[0].report.error(
            Msg(
                _("Уроки %(shift)s смены нумеруются с 0 или 1, а первый в файле — № %(number)s."),
                shift=rows[0].shift,
                number=rows[0].number,
            )
        )
    for before, after in zip(rows, rows[1:]):
        if after.number != before.number + 1:
            after.report.error(
                Msg(
                    _("Номера уроков %(shift)s смены идут с пропуском: после № %(before)s идёт № %(after)s."),
                    shift=after.shift,
                    before=before.number,
                    after=after.number,
                )
            )
    for i, one in enumerate(rows):
        for other in rows[i + 1 :]:
            if one.starts_at < other.ends_at and other.starts_at < one.ends_at:
                for a, b in ((one, other), (other, one)):
                    a.report.error(
                        Msg(
                            _("Время пересекается с уроком № %(number)s %(shift)s смены (%(bell)s)."),
                            number=b.number,
                            shift=b.shift,
                            bell=b.text,
                        )
                    )
            elif other.starts_at < one.starts_at:
                other.report.error(
                    Msg(
                        _("Урок № %(number)s начинается раньше урока № %(other)s: номера идут по порядку времени."),
                        number=other.number,
                        other=one.number,
                    )
                )


def _blockers(ctx: Context, bell: Bell) -> Msg | None:
    """Why a bell missing from the file cannot be removed: timetabled lessons that would lose their slot, or
    lessons of the journal (and past timetable weeks) that keep pointing at it. None when it may go."""
    entries = db.session.scalars(
        timetable_entries()
        .where(TimetableEntry.bell_id == bell.id, effective_to() >= ctx.today)
        .order_by(TimetableEntry.weekday, TimetableEntry.id)
    ).all()
    if entries:
        named = [
            f"{e.assignment.school_class.name}, {e.assignment.subject.name} ({DAY_SHORT[e.weekday]})"
            for e in entries[:SHOWN_BLOCKERS]
        ]
        more = len(entries) - len(named)
        return Msg(
            _(
                "Урока № %(number)s %(shift)s смены нет в файле, но в расписании на нём стоят уроки (%(n)s): "
                "%(lessons)s%(more)s. Они потеряли бы своё время: оставьте этот урок в файле или сначала "
                "перенесите эти уроки в расписании."
            ),
            number=bell.number,
            shift=bell.shift,
            n=len(entries),
            lessons="; ".join(named),
            more=f" … (+{more})" if more else "",
        )
    if references(bell):
        return Msg(
            _(
                "Урока № %(number)s %(shift)s смены нет в файле, но он уже использован в журнале или в прошлых "
                "неделях расписания: удалить его нельзя, оставьте его в файле."
            ),
            number=bell.number,
            shift=bell.shift,
        )
    return None


def apply(ctx: Context, plan: Plan) -> None:
    """Removes, then changes, then adds (a number freed in a shift may be reused); each bell audited."""
    for bell in plan.removed:
        AuditEvent.record(ctx.actor.user_id, "bell.delete", ENTITY, bell.id, old=_snapshot(bell))
        db.session.delete(bell)
    db.session.flush()
    for bell, values in plan.updates:
        old = _snapshot(bell)
        for key, value in values.items():
            setattr(bell, key, value)
        AuditEvent.record(ctx.actor.user_id, "bell.update", ENTITY, bell.id, old=old, new=_snapshot(bell))
    db.session.flush()
    created = [Bell(**values) for values in plan.new]
    db.session.add_all(created)
    db.session.flush()
    for bell in created:
        AuditEvent.record(ctx.actor.user_id, "bell.create", ENTITY, bell.id, new=_snapshot(bell))


def _snapshot(bell: Bell) -> dict:
    return {"shift": bell.shift, "number": bell.number, "starts_at": bell.starts_at, "ends_at": bell.ends_at}
