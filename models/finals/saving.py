"""The teacher's decision on period, year, exam and final marks (R25–R27): one mark or a whole sheet,
validated against the version the teacher saw, audited and flushed; the caller commits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from models.access import Actor, can_set_period_marks, require
from models.audit import AuditEvent
from models.base import db
from models.errors import AccessDenied, Conflict, InvalidInput, JournalError, NotFound
from models.finals.proposals import MAX_REASON, THEORY_NOTE, deadline_for, is_late_mark, locked_by_closing
from models.finals.sheet import FinalRow, _build_rows, _Context, _context
from models.i18n import _
from models.marks import require_marks_given, special_mark
from models.parsing import is_digits, parse_int
from models.school_time import school_today
from models.tables.finals import PeriodMark


# --- setting marks -----------------------------------------------------------------------------------
def parse_value(raw: str | None) -> str | None:
    """ "5", " 4 ", "Н/А", "зачёт", "осв." → a canonical value; None for empty."""
    text = (raw or "").strip().lower()
    if not text:
        return None
    return special_mark(text) or text


def _parse_version(raw) -> int | None:
    if raw is None or raw == "":
        return None
    version = parse_int(raw)
    if version is None:
        raise InvalidInput(_("Неверные данные формы."))
    return version


def _check_writable(ctx: _Context) -> None:
    require_marks_given(ctx.cls.grade)
    require(
        can_set_period_marks(ctx.actor, ctx.assignment),
        _("Итоговые отметки выставляет учитель, который ведёт этот предмет в классе."),
    )
    ctx.year.require_open()
    if locked_by_closing(ctx.period, ctx.kind):
        ctx.period.require_open()


def _snapshot(pm: PeriodMark) -> dict:
    return {
        "value": str(pm),
        "override_reason": pm.override_reason,
        "proposed": pm.proposed_value,
        "version": pm.version,
    }


def _apply(
    ctx: _Context, row: FinalRow, raw_value: str | None, reason: str | None, version, *, now: dt.datetime
) -> PeriodMark | None:
    """Set one student's mark from a row of the sheet. None when nothing changes."""
    value = parse_value(raw_value)
    if value is None:
        raise InvalidInput(_("Выберите отметку."))
    if value not in row.choices:
        raise InvalidInput(
            _("Недопустимая отметка «%(value)s»: можно %(choices)s."),
            value=raw_value or "",
            choices=", ".join(row.choices),
        )
    if not row.in_class and row.current is None:
        raise InvalidInput(_("Обучающийся не в классе на конец периода."))
    seen = _parse_version(version)
    pm = row.current
    if pm is not None and seen is None:
        raise Conflict(_("Отметку уже выставили (сейчас: %(value)s). Обновите страницу и проверьте."), value=str(pm))
    if pm is not None and seen != pm.version:
        raise Conflict(
            _("Отметку изменили, пока вы её редактировали (сейчас: %(value)s). Обновите страницу."), value=str(pm)
        )
    reason = (reason or "").strip() or None
    if reason and len(reason) > MAX_REASON:
        raise InvalidInput(_("Причина: не длиннее %(n)s символов."), n=MAX_REASON)
    proposal = row.proposal
    if value == proposal.shown:
        reason = None  # agreeing with the proposal needs no reason (an old one no longer applies)
    elif reason is None and not row.free:
        if row.theory_only:
            reason = THEORY_NOTE
        else:
            raise InvalidInput(
                _("%(student)s: отметка %(value)s отличается от предложенной (%(proposed)s) — укажите причину."),
                student=row.student.short_name,
                value=value,
                proposed=proposal.shown or "—",
            )
    numeric = is_digits(value)
    if pm is not None and str(pm) == value and pm.override_reason == reason:
        return None
    old = _snapshot(pm) if pm is not None else None
    if pm is None:
        pm = PeriodMark(student_id=row.student.id, subject_id=ctx.subject.id, period_id=ctx.period.id, kind=ctx.kind)
    pm.assignment_id = ctx.assignment.id
    pm.value = int(value) if numeric else None
    pm.special = None if numeric else value
    pm.proposed_value = proposal.value
    pm.proposed_average = proposal.average
    pm.percent = proposal.percent
    pm.override_reason = reason
    pm.set_by_id = ctx.actor.user_id
    pm.set_at = now
    try:
        with db.session.begin_nested():
            db.session.add(pm)
            db.session.flush()
    except StaleDataError:
        raise Conflict(_("Отметку изменили, пока вы её редактировали. Обновите страницу.")) from None
    except IntegrityError:
        raise Conflict(_("Отметку этому обучающемуся только что выставили. Обновите страницу.")) from None
    new = _snapshot(pm)
    new.update(
        proposed_average=proposal.average,
        percent=proposal.percent,
        student_id=pm.student_id,
        subject_id=pm.subject_id,
        period_id=pm.period_id,
        kind=pm.kind,
    )
    AuditEvent.record(
        ctx.actor.user_id,
        "period_mark.create" if old is None else "period_mark.update",
        "period_mark",
        pm.id,
        old=old,
        new=new,
    )
    row.current = pm
    row.late = is_late_mark(pm, deadline_for(ctx.period, ctx.settings, ctx.kind), ctx.tz)
    row.overdue = False
    return pm


def set_period_mark(
    actor: Actor,
    assignment_id: int,
    period_id: int | None,
    student_id: int,
    value: str | None,
    *,
    reason: str | None = None,
    version=None,
    now: dt.datetime,
    today: dt.date | None = None,
    kind: str | None = None,
) -> PeriodMark | None:
    """Set (or change) one student's period, year, exam or final mark. The proposal is computed here again
    (the browser's copy is never trusted); a value other than the proposal needs ``reason`` (not for an
    exam mark); ``version`` is the version the teacher saw (None for a new mark). Returns the row, or None
    when nothing changed."""
    today = today or school_today(actor, now)
    ctx = _context(actor, assignment_id, period_id, today, kind)
    _check_writable(ctx)
    rows = _build_rows(ctx, only_student=student_id)
    if not rows:
        raise NotFound(_("Обучающийся не найден в этом классе."))
    return _apply(ctx, rows[0], value, reason, version, now=now)


@dataclass
class Entry:
    student_id: int
    value: str | None
    reason: str | None = None
    version: str | int | None = None


@dataclass
class SaveResult:
    saved: int = 0
    unchanged: int = 0
    errors: dict[int, JournalError] = field(default_factory=dict)  # student id → why the row was refused


def save_period_marks(
    actor: Actor,
    assignment_id: int,
    period_id: int | None,
    entries: list[Entry],
    *,
    now: dt.datetime,
    today: dt.date | None = None,
    kind: str | None = None,
) -> SaveResult:
    """ "Save all": each filled row on its own (one row's mistake does not lose the others); empty rows are
    skipped. Errors come back per student. A fixed number of queries to build the sheet, then one write
    per changed row."""
    today = today or school_today(actor, now)
    ctx = _context(actor, assignment_id, period_id, today, kind)
    _check_writable(ctx)
    rows = {r.student.id: r for r in _build_rows(ctx)}
    result = SaveResult()
    for entry in entries:
        row = rows.get(entry.student_id)
        if row is None:
            result.errors[entry.student_id] = NotFound(_("Обучающийся не найден в этом классе."))
            continue
        if parse_value(entry.value) is None:
            continue
        try:
            changed = _apply(ctx, row, entry.value, entry.reason, entry.version, now=now)
        except (InvalidInput, Conflict, AccessDenied) as exc:
            result.errors[entry.student_id] = exc
            continue
        if changed is None:
            result.unchanged += 1
        else:
            result.saved += 1
    return result
