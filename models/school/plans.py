"""The thematic plan (КТП) of a teaching assignment and the coverage of the program (R2).

A plan is a list of lines (position, section, topic, hours, kind of work). The teacher writes it on
screen or imports it from CSV/XLSX (columns №, Раздел, Тема, Часы, Вид работы) after a preview; the
import writes everything or nothing. Its hours are compared with the curriculum (hours a week × weeks
of the year). Lessons are linked to plan lines (``Lesson.plan_item_id``): the next line of a new lesson
is suggested (the first line that has had fewer lessons than its hours). Coverage of the program is
lessons given against lessons planned by the timetable — to date and for a period — in a report that
the page and the coordinator's control reports share.

Operations validate, change, audit and flush; the caller commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from models.access import Actor, can_edit_assignment, can_edit_plan, require
from models.audit import AuditEvent
from models.base import db
from models.errors import Conflict, InvalidInput, NotFound
from models.finals.sheet import visible_assignment
from models.i18n import N_, _
from models.parsing import is_digits
from models.school.plan_coverage import CoverageReport, coverage
from models.tables.classes import SchoolClass
from models.tables.curriculum import CurriculumItem, PlanItem, TeachingAssignment
from models.tables.journal import Lesson, WorkKind
from models.tables.school import AcademicYear, Period

MAX_LINES = 400
MAX_TOPIC = 1000
MAX_SECTION = 255
MAX_HOURS_PER_LINE = 50
MAX_FILE_BYTES = 2 * 1024 * 1024
DEFAULT_WEEKS = 34
COLUMNS = ("№", N_("Раздел"), N_("Тема"), N_("Часы"), N_("Вид работы"))  # shown and accepted in every language
# Header spellings accepted for each column (compared lower-case, without spaces and dots).
HEADERS = {
    "position": {"№", "no", "n", "номер", "№п/п", "п/п", "#", "позиция"},
    "section": {"раздел", "модуль", "глава", "section"},
    "topic": {"тема", "темаурока", "topic"},
    "hours": {"часы", "часов", "кол-вочасов", "количествочасов", "hours"},
    "kind": {"видработы", "вид", "типурока", "kind"},
}
HOURS_STATUS_LABELS = {
    "ok": N_("совпадает с учебным планом"),
    "under": N_("меньше, чем по учебному плану"),
    "over": N_("больше, чем по учебному плану"),
    "no_curriculum": N_("предмета нет в учебном плане"),
    "empty": N_("план пуст"),
}


# --- reading ---------------------------------------------------------------------------------------
@dataclass
class PlanLine:
    item: PlanItem
    kind_name: str
    lessons: int  # lessons linked to it

    @property
    def covered(self) -> bool:
        return self.lessons >= self.item.hours


@dataclass
class HoursCheck:
    """Hours of the plan against the curriculum (hours a week × weeks of the year) and the teaching load."""

    plan_hours: int
    weeks: int
    curriculum_per_week: Decimal | None
    load_per_week: Decimal

    @property
    def curriculum_hours(self) -> Decimal | None:
        return None if self.curriculum_per_week is None else self.curriculum_per_week * self.weeks

    @property
    def load_hours(self) -> Decimal:
        return self.load_per_week * self.weeks

    @property
    def expected(self) -> Decimal | None:
        return self.curriculum_hours

    @property
    def difference(self) -> Decimal | None:
        return None if self.expected is None else Decimal(self.plan_hours) - self.expected

    @property
    def status(self) -> str:
        if self.plan_hours == 0:
            return "empty"
        if self.expected is None:
            return "no_curriculum"
        if self.difference == 0:
            return "ok"
        return "under" if self.difference < 0 else "over"

    @property
    def mismatch(self) -> bool:
        return self.status != "ok"

    @property
    def load_differs(self) -> bool:
        return self.curriculum_per_week is not None and self.curriculum_per_week != self.load_per_week


def _kinds(school_id: int) -> dict[int, WorkKind]:
    return {
        k.id: k
        for k in db.session.scalars(select(WorkKind).where(WorkKind.school_id == school_id).order_by(WorkKind.name))
    }


def plan_lines(assignment_id: int, kinds: dict[int, WorkKind]) -> list[PlanLine]:
    linked = dict(
        db.session.execute(
            select(Lesson.plan_item_id, func.count())
            .where(Lesson.assignment_id == assignment_id, Lesson.plan_item_id.is_not(None))
            .group_by(Lesson.plan_item_id)
        ).all()
    )
    items = db.session.scalars(
        select(PlanItem).where(PlanItem.assignment_id == assignment_id).order_by(PlanItem.position)
    ).all()
    return [
        PlanLine(i, kinds[i.work_kind_id].title if i.work_kind_id in kinds else "", linked.get(i.id, 0)) for i in items
    ]


def hours_check(assignment: TeachingAssignment, plan_hours: int) -> HoursCheck:
    cls = assignment.school_class
    item = db.session.scalar(
        select(CurriculumItem).where(
            CurriculumItem.year_id == assignment.year_id,
            CurriculumItem.grade == cls.grade,
            CurriculumItem.subject_id == assignment.subject_id,
        )
    )
    return HoursCheck(
        plan_hours=plan_hours,
        weeks=item.weeks if item is not None else DEFAULT_WEEKS,
        curriculum_per_week=Decimal(item.hours_per_week) if item is not None else None,
        load_per_week=Decimal(assignment.hours_per_week),
    )


@dataclass
class PlanPage:
    assignment: TeachingAssignment
    lines: list[PlanLine]
    hours: HoursCheck
    coverage: CoverageReport
    kinds: list[WorkKind]
    can_edit: bool
    suggestion: PlanItem | None

    @property
    def next_position(self) -> int:
        return (self.lines[-1].item.position + 1) if self.lines else 1


def plan_page(actor: Actor, assignment_id: int, *, today: dt.date) -> PlanPage:
    assignment = visible_assignment(actor, assignment_id)
    kinds = _kinds(assignment.school_class.school_id)
    lines = plan_lines(assignment.id, kinds)
    report = coverage([assignment.id], today=today)[assignment.id]
    return PlanPage(
        assignment=assignment,
        lines=lines,
        hours=hours_check(assignment, sum(l.item.hours for l in lines)),
        coverage=report,
        kinds=list(kinds.values()),
        can_edit=can_edit_plan(actor, assignment),
        suggestion=_next_line(lines),
    )


# --- writing lines ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LineData:
    position: int | None
    section: str | None
    topic: str
    hours: int
    work_kind_id: int | None


def _clean_text(value, label: str, max_len: int, *, required: bool) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    if not text:
        if required:
            raise InvalidInput(_("Укажите: %(what)s."), what=label)
        return None
    if len(text) > max_len:
        raise InvalidInput(_("%(what)s: не длиннее %(n)s символов."), what=label, n=max_len)
    return text


def _clean_int(value, label: str, *, low: int, high: int, default: int | None) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip().replace(",", ".")
    if text.endswith(".0"):
        text = text[:-2]
    if not is_digits(text) or len(text) > 10:
        raise InvalidInput(_("%(what)s: нужно целое число от %(low)s до %(high)s."), what=label, low=low, high=high)
    number = int(text)
    if not low <= number <= high:
        raise InvalidInput(_("%(what)s: нужно целое число от %(low)s до %(high)s."), what=label, low=low, high=high)
    return number


def clean_line(position, section, topic, hours, work_kind_id, kinds: dict[int, WorkKind]) -> LineData:
    kind_id = _clean_int(work_kind_id, _("Вид работы"), low=1, high=2**31 - 1, default=None)
    if kind_id is not None and kind_id not in kinds:
        raise InvalidInput(_("Выберите вид работы из справочника школы."))
    return LineData(
        position=_clean_int(position, "№", low=1, high=MAX_LINES, default=None),
        section=_clean_text(section, _("Раздел"), MAX_SECTION, required=False),
        topic=_clean_text(topic, _("Тема"), MAX_TOPIC, required=True),
        hours=_clean_int(hours, _("Часы"), low=1, high=MAX_HOURS_PER_LINE, default=1),
        work_kind_id=kind_id,
    )


def _editable(actor: Actor, assignment_id: int) -> TeachingAssignment:
    assignment = visible_assignment(actor, assignment_id)
    require(
        can_edit_plan(actor, assignment), _("Тематический план ведёт учитель, который ведёт этот предмет в классе.")
    )
    year = db.session.get(AcademicYear, assignment.year_id)
    year.require_open()
    return assignment


def _renumber(items: list[PlanItem]) -> None:
    """Give the lines positions 1..n in this order (two steps: the unique (assignment, position) holds
    after every single UPDATE, on PostgreSQL too)."""
    moving = [(i, n) for n, i in enumerate(items, start=1) if i.position != n]
    if not moving:
        return
    offset = max([i.position for i in items] + [len(items)]) + 1
    for item, _n in moving:
        item.position = item.position + offset
    db.session.flush()
    for item, n in moving:
        item.position = n
    db.session.flush()


def _snapshot(item: PlanItem) -> dict:
    return {
        "position": item.position,
        "section": item.section,
        "topic": item.topic,
        "hours": item.hours,
        "work_kind_id": item.work_kind_id,
    }


def save_line(
    actor: Actor,
    assignment_id: int,
    *,
    line_id: int | None = None,
    position=None,
    section=None,
    topic=None,
    hours=None,
    work_kind_id=None,
) -> PlanItem:
    """Add a line (at the end, or at ``position`` moving the following ones down) or change one (a new
    position moves it there)."""
    assignment = _editable(actor, assignment_id)
    kinds = _kinds(assignment.school_class.school_id)
    data = clean_line(position, section, topic, hours, work_kind_id, kinds)
    items = list(
        db.session.scalars(select(PlanItem).where(PlanItem.assignment_id == assignment.id).order_by(PlanItem.position))
    )
    if line_id is None:
        if len(items) >= MAX_LINES:
            raise InvalidInput(_("В плане не больше %(n)s строк."), n=MAX_LINES)
        item, old, others = PlanItem(assignment_id=assignment.id), None, items
        where = len(others)
    else:
        item = next((i for i in items if i.id == line_id), None)
        if item is None:
            raise NotFound(_("Строка плана не найдена."))
        old = _snapshot(item)
        where = items.index(item)
        others = [i for i in items if i.id != line_id]
    if data.position is not None:
        where = min(data.position - 1, len(others))
    item.section, item.topic, item.hours, item.work_kind_id = data.section, data.topic, data.hours, data.work_kind_id
    if line_id is None:
        item.position = max([i.position for i in items] + [0]) + 1
        db.session.add(item)
        db.session.flush()
    ordered = others[:where] + [item] + others[where:]
    _renumber(ordered)
    db.session.flush()
    AuditEvent.record(
        actor.user_id,
        "plan_item.create" if old is None else "plan_item.update",
        "plan_item",
        item.id,
        old=old,
        new={**_snapshot(item), "assignment_id": assignment.id},
    )
    return item


def delete_line(actor: Actor, assignment_id: int, line_id: int) -> None:
    """Delete a line that no lesson is linked to; the following lines move up."""
    assignment = _editable(actor, assignment_id)
    items = list(
        db.session.scalars(select(PlanItem).where(PlanItem.assignment_id == assignment.id).order_by(PlanItem.position))
    )
    item = next((i for i in items if i.id == line_id), None)
    if item is None:
        raise NotFound(_("Строка плана не найдена."))
    linked = db.session.scalar(select(func.count()).select_from(Lesson).where(Lesson.plan_item_id == item.id))
    if linked:
        raise Conflict(
            _("К строке «%(topic)s» привязаны уроки (%(n)s): её нельзя удалить, только изменить."),
            topic=item.topic,
            n=linked,
        )
    old = _snapshot(item)
    db.session.delete(item)
    db.session.flush()
    _renumber([i for i in items if i.id != line_id])
    AuditEvent.record(
        actor.user_id, "plan_item.delete", "plan_item", line_id, old={**old, "assignment_id": assignment.id}
    )


# --- lessons along the plan -----------------------------------------------------------------------------
def _next_line(lines: list[PlanLine]) -> PlanItem | None:
    return next((line.item for line in lines if line.lessons < line.item.hours), None)


def suggest_plan_item(assignment_id: int) -> PlanItem | None:
    """The plan line for the next lesson: the first line that has had fewer lessons than its hours."""
    return _next_line(plan_lines(assignment_id, {}))


def _check_lesson_open(lesson: Lesson, cls: SchoolClass) -> None:
    year = db.session.get(AcademicYear, cls.year_id)
    year.require_open()
    closed = db.session.scalar(
        select(Period)
        .where(
            Period.year_id == cls.year_id,
            Period.scheme == cls.period_scheme,
            Period.starts_on <= lesson.date,
            Period.ends_on >= lesson.date,
            Period.closed_at.is_not(None),
        )
        .limit(1)
    )
    if closed is not None:
        closed.require_open()


def link_lesson(actor: Actor, lesson_id: int, plan_item_id: int | None, *, version: int | None = None) -> Lesson:
    """Link a lesson to a line of its assignment's plan (None unlinks). Who may write the lesson may link it."""
    lesson = db.session.scalar(
        select(Lesson)
        .options(joinedload(Lesson.assignment).joinedload(TeachingAssignment.school_class))
        .where(Lesson.id == lesson_id)
    )
    if lesson is None:
        raise NotFound(_("Урок не найден."))
    visible_assignment(actor, lesson.assignment_id)
    require(
        can_edit_assignment(actor, lesson.assignment, lesson.date),
        _("Урок записывает учитель, который ведёт этот предмет в классе (или заменяет его в этот день)."),
    )
    if version is not None and version != lesson.version:
        raise Conflict(_("Урок изменили, пока вы его редактировали. Обновите страницу."))
    if plan_item_id is not None:
        item = db.session.get(PlanItem, plan_item_id)
        if item is None or item.assignment_id != lesson.assignment_id:
            raise InvalidInput(_("Строка плана не из плана этого предмета и класса."))
    _check_lesson_open(lesson, lesson.assignment.school_class)
    if lesson.plan_item_id == plan_item_id:
        return lesson
    old = lesson.plan_item_id
    lesson.plan_item_id = plan_item_id
    db.session.flush()
    AuditEvent.record(
        actor.user_id,
        "lesson.plan_link",
        "lesson",
        lesson.id,
        old={"plan_item_id": old},
        new={"plan_item_id": plan_item_id},
    )
    return lesson


def link_unlinked_lessons(actor: Actor, assignment_id: int, *, today: dt.date) -> int:
    """Link the lessons given so far without a plan line, in date order, to the plan's next lines.
    Lessons of closed periods are left as they are. Returns how many lessons were linked."""
    assignment = _editable(actor, assignment_id)
    lines = plan_lines(assignment.id, {})
    cls = assignment.school_class
    closed = db.session.execute(
        select(Period.starts_on, Period.ends_on).where(
            Period.year_id == cls.year_id, Period.scheme == cls.period_scheme, Period.closed_at.is_not(None)
        )
    ).all()
    lessons = db.session.scalars(
        select(Lesson)
        .where(Lesson.assignment_id == assignment.id, Lesson.plan_item_id.is_(None), Lesson.date <= today)
        .order_by(Lesson.date, Lesson.bell_id, Lesson.id)
    ).all()
    free = {line.item.id: line.item.hours - line.lessons for line in lines}
    linked = 0
    for lesson in lessons:
        if any(s <= lesson.date <= e for s, e in closed):
            continue
        if not can_edit_assignment(actor, assignment, lesson.date) and not actor.has("operator"):
            continue
        item = next((line.item for line in lines if free[line.item.id] > 0), None)
        if item is None:
            break
        free[item.id] -= 1
        lesson.plan_item_id = item.id
        linked += 1
    db.session.flush()
    if linked:
        AuditEvent.record(
            actor.user_id, "plan.link_lessons", "teaching_assignment", assignment.id, new={"linked": linked}
        )
    return linked
