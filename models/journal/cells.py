"""Marks and attendance in a journal cell (R3–R5, R28): ``set_mark``, ``set_attendance`` and ``save_cell``
(a cell typed as text, for plain form posts). Every write names the version the writer saw; entries
after the deadline are accepted and flagged late (models.deadlines)."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from models.access import Actor
from models.audit import AuditEvent
from models.base import db
from models.errors import InvalidInput
from models.i18n import Joined, _
from models.journal.attendance_taken import stamp_attendance
from models.journal.page import Cell, _assignment_row
from models.journal.rules import (
    _ONE_RESULT,
    ATTENDANCE_CODES,
    MAX_COMMENT,
    MAX_MINUTES_LATE,
    SLOTS,
    canonical_mark,
    parse_cell_text,
    parse_status,
)
from models.journal.writing import (
    _UNCHANGED,
    _cell,
    _cell_change,
    _cell_key,
    _clean_text,
    _conflict,
    _lesson_with_context,
    _parse_value,
    _writable_cell,
)
from models.marks import require_marks_given
from models.parsing import parse_int
from models.points import lesson_scale
from models.tables.journal import Attendance, Mark, WorkKind


def _mark_snapshot(mark: Mark) -> dict:
    return {
        "cell": _cell_key(mark.lesson_id, mark.student_id),
        "lesson_id": mark.lesson_id,
        "student_id": mark.student_id,
        "slot": mark.slot,
        "mark": mark.display,
        "comment": mark.comment,
        "work_kind_id": mark.work_kind_id,
    }


def set_mark(
    actor: Actor,
    lesson_id: int,
    student_id: int,
    slot: int,
    value: str | None,
    expected_version: int | None,
    comment=_UNCHANGED,
    work_kind_id=_UNCHANGED,
    *,
    now: dt.datetime,
    assignment_id: int | None = None,
) -> Cell:
    """Put, change or delete (``value`` '') the mark in one slot (1–3) of a cell.

    ``expected_version`` is the version the writer saw; None means "I saw the slot empty". ``comment`` and
    ``work_kind_id`` stay as they are unless given (None or '' clears them). ``assignment_id`` is the
    journal page the writer has open (a lesson of another page is refused). Returns the cell as it is now."""
    lesson, ctx = _writable_cell(actor, lesson_id, student_id, assignment_id, now)
    require_marks_given(ctx.cls.grade)
    if slot not in SLOTS:
        raise InvalidInput(_("В одной клетке не больше %(n)s отметок."), n=len(SLOTS))
    text = (value or "").strip()
    if ctx.criteria and slot != SLOTS[0] and text:
        raise InvalidInput(_ONE_RESULT)
    parsed = _parse_value(text, lesson, ctx) if text else None
    new_comment = _UNCHANGED if comment is _UNCHANGED else _clean_text(comment, MAX_COMMENT, _("Комментарий"))
    new_kind = _UNCHANGED
    if work_kind_id is not _UNCHANGED:
        new_kind = work_kind_id or None
        if (
            new_kind is not None
            and db.session.scalar(
                select(WorkKind.id).where(WorkKind.id == new_kind, WorkKind.school_id == ctx.cls.school_id)
            )
            is None
        ):
            raise InvalidInput(_("Выберите вид работы из списка школы."))

    mark = db.session.scalar(
        select(Mark).where(Mark.lesson_id == lesson.id, Mark.student_id == student_id, Mark.slot == slot)
    )
    if mark is None and expected_version is not None:
        cell = _cell(lesson, student_id, ctx)
        raise _conflict(
            _("Эту отметку уже удалил другой пользователь: сейчас в клетке «%(current)s». Проверьте и введите снова."),
            cell.text,
            lesson,
            student_id,
            ctx,
        )
    if mark is not None and expected_version is None:
        raise _conflict(
            _("Клетку уже заполнили: сейчас в ней «%(current)s». Проверьте и введите снова."),
            _cell(lesson, student_id, ctx).text,
            lesson,
            student_id,
            ctx,
        )
    if mark is not None and mark.version != expected_version:
        raise _conflict(
            _("Отметку уже изменил другой пользователь: сейчас в клетке «%(current)s». Проверьте и введите снова."),
            _cell(lesson, student_id, ctx).text,
            lesson,
            student_id,
            ctx,
        )

    if parsed is None:  # delete
        if mark is None:
            return _cell(lesson, student_id, ctx)
        old, mark_id = _mark_snapshot(mark), mark.id
        with _cell_change(lesson, student_id, ctx):
            db.session.delete(mark)
        AuditEvent.record(actor.user_id, "mark.delete", "mark", mark_id, old=old)
        return _cell(lesson, student_id, ctx)

    old = _mark_snapshot(mark) if mark is not None else None
    with _cell_change(lesson, student_id, ctx):
        if mark is None:
            mark = Mark(lesson_id=lesson.id, student_id=student_id, slot=slot, author_id=actor.user_id, created_at=now)
            db.session.add(mark)
        mark.value, mark.special, mark.points = parsed
        mark.max_points = lesson_scale(lesson.max_points) if mark.points is not None else None
        if new_comment is not _UNCHANGED:
            mark.comment = new_comment
        if new_kind is not _UNCHANGED:
            mark.work_kind_id = new_kind
        new = _mark_snapshot(mark)
        if old == new:
            return _cell(lesson, student_id, ctx)
        mark.updated_at = now
    AuditEvent.record(actor.user_id, "mark.create" if old is None else "mark.update", "mark", mark.id, old=old, new=new)
    return _cell(lesson, student_id, ctx)


def _attendance_snapshot(att: Attendance) -> dict:
    return {
        "cell": _cell_key(att.lesson_id, att.student_id),
        "lesson_id": att.lesson_id,
        "student_id": att.student_id,
        "status": att.status,
        "minutes_late": att.minutes_late,
        "reason_id": att.reason_id,
    }


def set_attendance(
    actor: Actor,
    lesson_id: int,
    student_id: int,
    status: str | None,
    expected_version: int | None,
    minutes_late=_UNCHANGED,
    *,
    now: dt.datetime,
    assignment_id: int | None = None,
) -> Cell:
    """Mark a student absent ("н"), late ("оп", with minutes when known) or present (status '' deletes
    the record). Versions work as in set_mark. First-grade classes keep attendance too. Any change stamps the
    lesson's attendance as taken (models/journal/attendance_taken.py)."""
    lesson, ctx = _writable_cell(actor, lesson_id, student_id, assignment_id, now)
    new_status = parse_status(status)
    minutes = _UNCHANGED
    if minutes_late is not _UNCHANGED:
        minutes = None
        if minutes_late not in (None, ""):
            minutes = parse_int(str(minutes_late), -1)
            if not 1 <= minutes <= MAX_MINUTES_LATE:
                raise InvalidInput(_("Опоздание — от 1 до %(n)s минут."), n=MAX_MINUTES_LATE)
    att = db.session.scalar(
        select(Attendance).where(Attendance.lesson_id == lesson.id, Attendance.student_id == student_id)
    )
    if att is None and expected_version is not None:
        raise _conflict(
            _(
                "Отметку посещаемости уже удалил другой пользователь: сейчас в клетке «%(current)s». "
                "Проверьте и введите снова."
            ),
            _cell(lesson, student_id, ctx).text,
            lesson,
            student_id,
            ctx,
        )
    if att is not None and (expected_version is None or att.version != expected_version):
        raise _conflict(
            _(
                "Посещаемость уже отметил другой пользователь: сейчас в клетке «%(current)s». "
                "Проверьте и введите снова."
            ),
            _cell(lesson, student_id, ctx).text,
            lesson,
            student_id,
            ctx,
        )
    if new_status is None:
        if att is None:
            return _cell(lesson, student_id, ctx)
        old, att_id = _attendance_snapshot(att), att.id
        with _cell_change(lesson, student_id, ctx):
            db.session.delete(att)
        stamp_attendance(lesson, actor.user_id, now)
        AuditEvent.record(actor.user_id, "attendance.delete", "attendance", att_id, old=old)
        return _cell(lesson, student_id, ctx)
    old = _attendance_snapshot(att) if att is not None else None
    with _cell_change(lesson, student_id, ctx):
        if att is None:
            att = Attendance(lesson_id=lesson.id, student_id=student_id, recorded_by_id=actor.user_id, recorded_at=now)
            db.session.add(att)
        att.status = new_status
        if new_status != "late":
            att.minutes_late = None
        elif minutes is not _UNCHANGED:
            att.minutes_late = minutes
        new = _attendance_snapshot(att)
        if old == new:
            return _cell(lesson, student_id, ctx)
    stamp_attendance(lesson, actor.user_id, now)  # saving an absence is taking attendance at the lesson
    AuditEvent.record(
        actor.user_id,
        "attendance.create" if old is None else "attendance.update",
        "attendance",
        att.id,
        old=old,
        new=new,
    )
    return _cell(lesson, student_id, ctx)


def _seen(state: dict | None) -> tuple[list | None, list[list]]:
    """The attendance and marks (sorted by slot) of a posted cell state; bad input counts as empty."""
    if not isinstance(state, dict):
        return None, []
    a = state.get("a")
    marks = [m for m in (state.get("m") or []) if isinstance(m, list) and len(m) >= 3 and m[0] in SLOTS]
    return (a if isinstance(a, list) and len(a) == 3 else None), sorted(marks, key=lambda m: m[0])


def parse_state(raw: str | None) -> dict | None:
    if not raw:
        return None
    try:
        state = json.loads(raw)
    except ValueError:
        raise InvalidInput(_("Страница устарела: обновите её и повторите.")) from None
    return state if isinstance(state, dict) else None


def _signature(state: dict | None) -> tuple:
    """What identifies a cell's content: the attendance and every mark with their versions."""
    seen_a, seen_m = _seen(state)
    return ((seen_a[0], seen_a[2]) if seen_a else None, tuple((m[0], m[2]) for m in seen_m))


def save_cell(
    actor: Actor,
    lesson_id: int,
    student_id: int,
    text: str,
    seen: dict | None,
    *,
    now: dt.datetime,
    assignment_id: int | None = None,
) -> Cell:
    """A cell typed as text in the plain grid ("н 5/4"), against what the writer saw (``Cell.state()``):
    when anything in the cell changed since (another tab, another teacher), nothing is written and the
    Conflict carries the current value. Otherwise only what differs is written."""
    lesson, ctx = _writable_cell(actor, lesson_id, student_id, assignment_id, now)
    status, minutes, tokens = parse_cell_text(text, criteria=ctx.criteria)
    for token in tokens:  # all or nothing: check every mark before writing anything
        _parse_value(token, lesson, ctx)
    if status == "late" and minutes is not None and not 1 <= minutes <= MAX_MINUTES_LATE:
        raise InvalidInput(_("Опоздание — от 1 до %(n)s минут."), n=MAX_MINUTES_LATE)
    seen_a, seen_m = _seen(seen)
    current = _cell(lesson, student_id, ctx)
    if _signature(current.state()) != _signature(seen):
        raise _conflict(
            _("Клетку уже изменил другой пользователь: сейчас в ней «%(current)s». Проверьте и введите снова."),
            current.text,
            lesson,
            student_id,
            ctx,
        )
    cell = None
    seen_status = seen_a[0] if seen_a else None
    if status != seen_status or (status == "late" and minutes is not None and minutes != seen_a[1]):
        cell = set_attendance(
            actor,
            lesson_id,
            student_id,
            status or "",
            seen_a[2] if seen_a else None,
            minutes if status == "late" and minutes is not None else _UNCHANGED,
            now=now,
            assignment_id=assignment_id,
        )
    used = {m[0] for m in seen_m}
    for i, token in enumerate(tokens):
        if i < len(seen_m):
            slot, shown, version = seen_m[i][0], seen_m[i][1], seen_m[i][2]
            if canonical_mark(token) != shown:
                cell = set_mark(
                    actor, lesson_id, student_id, slot, token, version, now=now, assignment_id=assignment_id
                )
        else:
            slot = next(s for s in SLOTS if s not in used)
            used.add(slot)
            cell = set_mark(actor, lesson_id, student_id, slot, token, None, now=now, assignment_id=assignment_id)
    for slot, _shown, version, *_rest in seen_m[len(tokens) :]:
        cell = set_mark(actor, lesson_id, student_id, slot, "", version, now=now, assignment_id=assignment_id)
    return cell if cell is not None else _cell(lesson, student_id, ctx)


def state_text(state: dict | None) -> str:
    """The text of a cell as it was seen (see Cell.state())."""
    seen_a, seen_m = _seen(state)
    parts = [ATTENDANCE_CODES.get(seen_a[0], "")] if seen_a else []
    if seen_m:
        parts.append("/".join(str(m[1]) for m in seen_m))
    parts = [p for p in parts if p]
    return Joined(" ", parts) if seen_a else " ".join(parts)  # the code in the reader's language


def save_cell_parts(
    actor: Actor,
    lesson_id: int,
    student_id: int,
    seen: dict | None,
    *,
    status: str | None,
    minutes_late: str | int | None,
    marks: dict[int, tuple[str, int | None, str]],
    now: dt.datetime,
    assignment_id: int | None = None,
) -> Cell | None:
    """The detailed form of a cell (the lesson page): attendance with minutes, and per slot the mark, its
    kind of work and comment. Writes what differs from what was seen, with the versions seen; returns
    the cell, or None when nothing differed."""
    seen_a, seen_m = _seen(seen)
    by_slot = {m[0]: m for m in seen_m}
    cell = None
    status = parse_status(status)
    minutes = parse_int(str(minutes_late or ""), None if not minutes_late else -1, low=0)
    seen_status = seen_a[0] if seen_a else None
    seen_minutes = seen_a[1] if seen_a else None
    if status != seen_status or (status == "late" and minutes != seen_minutes):
        cell = set_attendance(
            actor,
            lesson_id,
            student_id,
            status or "",
            seen_a[2] if seen_a else None,
            minutes if status == "late" else _UNCHANGED,
            now=now,
            assignment_id=assignment_id,
        )
    for slot in SLOTS:
        value, kind_id, comment = marks.get(slot, ("", None, ""))
        value = canonical_mark(value)
        comment = _clean_text(comment, MAX_COMMENT, _("Комментарий"))
        old = by_slot.get(slot)
        if old is None and not value:
            continue
        if (
            old is not None
            and value == old[1]
            and (kind_id or None) == (old[3] if len(old) > 3 else None)
            and comment == (old[4] if len(old) > 4 else None)
        ):
            continue
        cell = set_mark(
            actor,
            lesson_id,
            student_id,
            slot,
            value,
            old[2] if old else None,
            comment,
            kind_id,
            now=now,
            assignment_id=assignment_id,
        )
    return cell


def read_cell(actor: Actor, lesson_id: int, student_id: int) -> Cell:
    """The current content of a cell, for anyone who may open the page."""
    lesson, ctx = _lesson_with_context(actor, lesson_id, None)
    _assignment_row(actor, lesson.assignment_id)  # access
    return _cell(lesson, student_id, ctx)
