"""Lessons on a journal page (R1, R2, R12): give (date, bell, topic, homework, kind of work), change and
delete them; validated, audited and flushed, the caller commits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from models.access import Actor, can_remove_lesson, require
from models.audit import AuditEvent
from models.base import db
from models.errors import Conflict, InvalidInput, NotFound
from models.i18n import _
from models.journal.page import _assignment_row
from models.journal.rules import MAX_HOMEWORK, MAX_TOPIC, SCHOOL_DAYS, _d
from models.journal.writing import (
    _clean_text,
    _Context,
    _context,
    _lesson_with_context,
    _open_period,
    _require_writer,
)
from models.points import lesson_scale, parse_max_points, points_text
from models.roster import is_on_roster
from models.school.organisation import references_text
from models.school.removal import removal_summary, remove
from models.tables.curriculum import PlanItem
from models.tables.journal import Attendance, Lesson, Mark, WorkKind
from models.tables.records import RemovedRecord
from models.tables.school import Bell
from models.tables.timetable import Substitution, TimetableEntry


def _lesson_snapshot(lesson: Lesson) -> dict:
    return {
        "date": lesson.date,
        "bell_id": lesson.bell_id,
        "topic": lesson.topic,
        "work_kind_id": lesson.work_kind_id,
        "homework": lesson.homework,
        "plan_item_id": lesson.plan_item_id,
        "max_points": points_text(lesson.max_points) or None,
    }


def _lesson_substitution(assignment_id: int, day: dt.date, bell_id: int | None) -> int | None:
    q = (
        select(Substitution.id)
        .join(TimetableEntry, TimetableEntry.id == Substitution.entry_id)
        .where(TimetableEntry.assignment_id == assignment_id, Substitution.date == day)
    )
    if bell_id is not None:
        q = q.where(TimetableEntry.bell_id == bell_id)
    return db.session.scalars(q.order_by(Substitution.id)).first()


def save_lesson(
    actor: Actor,
    assignment_id: int,
    *,
    date: dt.date | None,
    topic: str | None,
    work_kind_id: int | None,
    homework: str | None = None,
    plan_item_id: int | None = None,
    bell_id: int | None = None,
    lesson_id: int | None = None,
    expected_version: int | None = None,
    max_points: str | None = None,
    now: dt.datetime,
) -> Lesson:
    """Record a lesson (``lesson_id`` None) or change one. The topic is mandatory (R2); the kind of work
    comes from the school's list; the plan line must be one of this assignment's; the date is a school day
    of an open period (an extra or moved lesson may be on any such day, not only the timetabled ones).
    In a criteria-based school ``max_points`` (as typed) is the work's maximum: required for СОР and СОЧ,
    optional for formative work (FORMATIVE_SCALE otherwise), fixed once points are given."""
    assignment, year, school = _assignment_row(actor, assignment_id)
    ctx = _context(assignment, year, school)
    lesson = None
    if lesson_id is not None:
        lesson = db.session.scalar(select(Lesson).where(Lesson.id == lesson_id))
        if lesson is None or lesson.assignment_id != assignment.id:
            raise NotFound(_("Урок не найден."))
    if date is None:
        raise InvalidInput(_("Укажите дату урока."))
    _require_writer(actor, ctx, date)
    if lesson is not None and lesson.date != date:
        _require_writer(actor, ctx, lesson.date)
        _open_period(ctx, lesson.date)
    _open_period(ctx, date)
    if date.isoweekday() not in SCHOOL_DAYS:
        raise InvalidInput(_("%(date)s — воскресенье: уроков в этот день нет."), date=_d(date))
    clean_topic = _clean_text(topic, MAX_TOPIC, _("Тема урока"))
    if not clean_topic:
        raise InvalidInput(_("Укажите тему урока: в журнале не бывает урока без темы."))
    clean_homework = _clean_text(homework, MAX_HOMEWORK, _("Домашнее задание"))
    kind = (
        db.session.scalar(select(WorkKind).where(WorkKind.id == work_kind_id, WorkKind.school_id == ctx.cls.school_id))
        if work_kind_id
        else None
    )
    if kind is None:
        raise InvalidInput(_("Выберите вид работы из списка школы."))
    new_max = _lesson_max(ctx, kind, max_points, lesson)
    if (
        plan_item_id is not None
        and db.session.scalar(
            select(PlanItem.id).where(PlanItem.id == plan_item_id, PlanItem.assignment_id == assignment.id)
        )
        is None
    ):
        raise InvalidInput(_("Строка тематического плана не относится к этой странице журнала."))
    if (
        bell_id is not None
        and db.session.scalar(select(Bell.id).where(Bell.id == bell_id, Bell.school_id == ctx.cls.school_id)) is None
    ):
        raise InvalidInput(_("Выберите урок по расписанию звонков школы."))
    if lesson is not None and expected_version is not None and lesson.version != expected_version:
        raise Conflict(
            _("Урок уже изменил другой пользователь: сейчас тема «%(topic)s». Проверьте и сохраните снова."),
            topic=lesson.topic,
        )
    if bell_id is not None:
        clash = db.session.scalar(
            select(Lesson).where(
                Lesson.assignment_id == assignment.id,
                Lesson.date == date,
                Lesson.bell_id == bell_id,
                Lesson.id != (lesson_id or 0),
            )
        )
        if clash is not None:
            raise Conflict(_("На %(date)s этот урок уже записан: «%(topic)s»."), date=_d(date), topic=clash.topic)
    if lesson is not None and lesson.date != date:
        moved = db.session.scalars(
            select(Mark.student_id)
            .where(Mark.lesson_id == lesson.id)
            .union(select(Attendance.student_id).where(Attendance.lesson_id == lesson.id))
        ).all()
        for student_id in moved:
            if not is_on_roster(assignment, student_id, date):
                raise InvalidInput(
                    _(
                        "Перенести урок на %(date)s нельзя: не все, у кого есть отметки за урок, "
                        "учатся в классе в этот день."
                    ),
                    date=_d(date),
                )

    old = _lesson_snapshot(lesson) if lesson is not None else None
    if lesson is None:
        lesson = Lesson(assignment_id=assignment.id, taught_by_id=actor.staff_id, recorded_at=now)
        db.session.add(lesson)
    lesson.date, lesson.bell_id, lesson.topic, lesson.work_kind_id = date, bell_id, clean_topic, kind.id
    lesson.plan_item_id = plan_item_id
    lesson.max_points = new_max
    if clean_homework and lesson.homework_recorded_at is None:
        lesson.homework_recorded_at = now
    lesson.homework = clean_homework
    if old is None or old["date"] != date or old["bell_id"] != bell_id:
        lesson.substitution_id = _lesson_substitution(assignment.id, date, bell_id)
    new = _lesson_snapshot(lesson)
    if old == new:
        return lesson
    try:
        with db.session.begin_nested():
            db.session.flush()
    except StaleDataError:
        raise Conflict(_("Урок уже изменил другой пользователь. Обновите страницу и сохраните снова.")) from None
    except IntegrityError:
        raise Conflict(_("На %(date)s этот урок уже записан. Обновите страницу."), date=_d(date)) from None
    AuditEvent.record(
        actor.user_id,
        "lesson.create" if old is None else "lesson.update",
        "lesson",
        lesson.id,
        old=old,
        new=new,
        class_id=assignment.class_id,
    )
    return lesson


def _lesson_max(ctx: _Context, kind: WorkKind, raw: str | None, lesson: Lesson | None) -> Decimal | None:
    if not ctx.criteria:
        return None
    new_max = parse_max_points(raw)
    if new_max is None and kind.criteria_kind in ("sor", "soch"):
        raise InvalidInput(_("Укажите максимальный балл работы «%(kind)s»."), kind=kind.name)
    old_max = lesson.max_points if lesson is not None else None
    if (
        lesson is not None
        and lesson_scale(new_max) != lesson_scale(old_max)
        and db.session.scalar(select(Mark.id).where(Mark.lesson_id == lesson.id, Mark.points.is_not(None)).limit(1))
        is not None
    ):
        raise InvalidInput(
            _("За работу уже выставлены баллы из %(max)s: максимальный балл изменить нельзя."),
            max=points_text(lesson_scale(old_max)),
        )
    return new_max


def delete_lesson(
    actor: Actor,
    assignment_id: int,
    lesson_id: int,
    *,
    expected_version: int | None,
    now: dt.datetime,
    confirmed: bool = False,
    reason: str | None = None,
) -> RemovedRecord:
    """Remove a lesson into the bin (models/school/removal.py) with its marks, attendance and files: by whoever
    may write on the page that day, or the operator, in an open period. A lesson that holds anything is removed
    only when ``confirmed`` (the refusal names what would go); the operator restores it from the bin."""
    lesson, ctx = _lesson_with_context(actor, lesson_id, assignment_id)
    require(can_remove_lesson(actor, ctx.assignment, lesson.date), _("Удалить этот урок вы не можете."))
    _open_period(ctx, lesson.date)
    if expected_version is not None and lesson.version != expected_version:
        raise Conflict(_("Урок уже изменил другой пользователь: сейчас тема «%(topic)s»."), topic=lesson.topic)
    held = removal_summary("lesson", lesson.id)
    if held and not confirmed:
        raise InvalidInput(
            _("Вместе с уроком будут удалены: %(what)s. Подтвердите удаление; урок останется в корзине."),
            what=references_text(held),
        )
    try:
        return remove(actor, "lesson", lesson.id, reason=reason)
    except StaleDataError:
        raise Conflict(_("Урок уже изменил другой пользователь. Обновите страницу.")) from None


def lesson_removal(actor: Actor, lesson: Lesson) -> str | None:
    """What the lesson page's "remove" form names: None when the actor may not remove the lesson, else what
    would go with it ("" for nothing)."""
    if not can_remove_lesson(actor, lesson.assignment, lesson.date):
        return None
    return references_text(removal_summary("lesson", lesson.id))
