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

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from models.access import Actor, can_edit_assignment, can_edit_plan, require
from models.audit import AuditEvent
from models.base import db
from models.parsing import is_digits
from models.tables.classes import SchoolClass
from models.tables.curriculum import CurriculumItem, PlanItem, TeachingAssignment
from models.errors import Conflict, InvalidInput, NotFound
from models.finals.sheet import visible_assignment
from models.i18n import N_, _
from models.tables.journal import Lesson, WorkKind
from models.tables.school import AcademicYear, Period
from models.tables.timetable import TimetableEntry

MAX_LINES = 400
MAX_TOPIC = 1000
MAX_SECTION = 255
MAX_HOURS_PER_LINE = 50
MAX_FILE_BYTES = 2 * 1024 * 1024
DEFAULT_WEEKS = 34
COLUMNS = ("№", "Раздел", "Тема", "Часы", "Вид работы")
# Header spellings accepted for each column (compared lower-case, without spaces and dots).
HEADERS = {
    "position": {"№", "no", "n", "номер", "№п/п", "п/п", "#", "позиция"},
    "section": {"раздел", "модуль", "глава", "section"},
    "topic": {"тема", "темаурока", "topic"},
    "hours": {"часы", "часов", "кол-вочасов", "количествочасов", "hours"},
    "kind": {"видработы", "вид", "типурока", "kind"},
}
HOURS_STATUS_LABELS = {"ok": N_("совпадает с учебным планом"), "under": N_("меньше, чем по учебному плану"),
                       "over": N_("больше, чем по учебному плану"), "no_curriculum": N_("предмета нет в учебном плане"),
                       "empty": N_("план пуст")}


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
    return {k.id: k for k in db.session.scalars(select(WorkKind).where(WorkKind.school_id == school_id)
                                                .order_by(WorkKind.name))}


def plan_lines(assignment_id: int, kinds: dict[int, WorkKind]) -> list[PlanLine]:
    linked = dict(db.session.execute(
        select(Lesson.plan_item_id, func.count()).where(Lesson.assignment_id == assignment_id,
                                                        Lesson.plan_item_id.is_not(None))
        .group_by(Lesson.plan_item_id)).all())
    items = db.session.scalars(select(PlanItem).where(PlanItem.assignment_id == assignment_id)
                               .order_by(PlanItem.position)).all()
    return [PlanLine(i, kinds[i.work_kind_id].name if i.work_kind_id in kinds else "", linked.get(i.id, 0))
            for i in items]


def hours_check(assignment: TeachingAssignment, plan_hours: int) -> HoursCheck:
    cls = assignment.school_class
    item = db.session.scalar(select(CurriculumItem).where(CurriculumItem.year_id == assignment.year_id,
                                                          CurriculumItem.grade == cls.grade,
                                                          CurriculumItem.subject_id == assignment.subject_id))
    return HoursCheck(plan_hours=plan_hours, weeks=item.weeks if item is not None else DEFAULT_WEEKS,
                      curriculum_per_week=Decimal(item.hours_per_week) if item is not None else None,
                      load_per_week=Decimal(assignment.hours_per_week))


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
    return PlanPage(assignment=assignment, lines=lines, hours=hours_check(assignment, sum(l.item.hours for l in lines)),
                    coverage=report, kinds=list(kinds.values()), can_edit=can_edit_plan(actor, assignment),
                    suggestion=_next_line(lines))


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
    return LineData(position=_clean_int(position, "№", low=1, high=MAX_LINES, default=None),
                    section=_clean_text(section, _("Раздел"), MAX_SECTION, required=False),
                    topic=_clean_text(topic, _("Тема"), MAX_TOPIC, required=True),
                    hours=_clean_int(hours, _("Часы"), low=1, high=MAX_HOURS_PER_LINE, default=1),
                    work_kind_id=kind_id)


def _editable(actor: Actor, assignment_id: int) -> TeachingAssignment:
    assignment = visible_assignment(actor, assignment_id)
    require(can_edit_plan(actor, assignment),
            _("Тематический план ведёт учитель, который ведёт этот предмет в классе."))
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
    return {"position": item.position, "section": item.section, "topic": item.topic, "hours": item.hours,
            "work_kind_id": item.work_kind_id}


def save_line(actor: Actor, assignment_id: int, *, line_id: int | None = None, position=None, section=None,
              topic=None, hours=None, work_kind_id=None) -> PlanItem:
    """Add a line (at the end, or at ``position`` moving the following ones down) or change one (a new
    position moves it there)."""
    assignment = _editable(actor, assignment_id)
    kinds = _kinds(assignment.school_class.school_id)
    data = clean_line(position, section, topic, hours, work_kind_id, kinds)
    items = list(db.session.scalars(select(PlanItem).where(PlanItem.assignment_id == assignment.id)
                                    .order_by(PlanItem.position)))
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
    AuditEvent.record(actor.user_id, "plan_item.create" if old is None else "plan_item.update", "plan_item", item.id,
                      old=old, new={**_snapshot(item), "assignment_id": assignment.id})
    return item


def delete_line(actor: Actor, assignment_id: int, line_id: int) -> None:
    """Delete a line that no lesson is linked to; the following lines move up."""
    assignment = _editable(actor, assignment_id)
    items = list(db.session.scalars(select(PlanItem).where(PlanItem.assignment_id == assignment.id)
                                    .order_by(PlanItem.position)))
    item = next((i for i in items if i.id == line_id), None)
    if item is None:
        raise NotFound(_("Строка плана не найдена."))
    linked = db.session.scalar(select(func.count()).select_from(Lesson).where(Lesson.plan_item_id == item.id))
    if linked:
        raise Conflict(_("К строке «%(topic)s» привязаны уроки (%(n)s): её нельзя удалить, только изменить."),
                       topic=item.topic, n=linked)
    old = _snapshot(item)
    db.session.delete(item)
    db.session.flush()
    _renumber([i for i in items if i.id != line_id])
    AuditEvent.record(actor.user_id, "plan_item.delete", "plan_item", line_id,
                      old={**old, "assignment_id": assignment.id})


# --- import from CSV / XLSX ----------------------------------------------------------------------------
@dataclass
class ParsedLine:
    row: int  # line of the file (1-based, the header is 1)
    data: LineData
    kind_name: str


@dataclass
class PlanImport:
    lines: list[ParsedLine] = field(default_factory=list)
    errors: list[tuple[int, str, dict]] = field(default_factory=list)  # (file row, template, params)

    @property
    def hours(self) -> int:
        return sum(line.data.hours for line in self.lines)

    @property
    def ok(self) -> bool:
        return bool(self.lines) and not self.errors


def _norm_header(value) -> str:
    return "".join(str(value or "").lower().replace(".", "").split())


def _rows_of(filename: str, content: bytes) -> list[list]:
    name = (filename or "").lower()
    if len(content) > MAX_FILE_BYTES:
        raise InvalidInput(_("Файл больше %(mb)s МБ."), mb=MAX_FILE_BYTES // 2**20)
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - any broken workbook is the user's file, not our error
            raise InvalidInput(_("Не удалось прочитать файл XLSX.")) from None
        try:
            sheet = book.worksheets[0]
            return [list(r) for r, _n in zip(sheet.iter_rows(values_only=True), range(MAX_LINES + 50))]
        finally:
            book.close()
    if name.endswith(".csv") or name.endswith(".txt"):
        for encoding in ("utf-8-sig", "cp1251"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - cp1251 decodes any byte string
            raise InvalidInput(_("Не удалось прочитать файл: сохраните его в кодировке UTF-8."))
        return csv_rows(text)
    raise InvalidInput(_("Нужен файл CSV или XLSX."))


def csv_rows(text: str, delimiter: str | None = None) -> list[list]:
    """Rows of CSV text; the delimiter (; , or tab) is guessed unless given."""
    if delimiter is not None:
        return [row for row, _n in zip(csv.reader(io.StringIO(text), delimiter=delimiter), range(MAX_LINES + 50))]
    sample = text[:4096]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    return [row for row, _n in zip(csv.reader(io.StringIO(text), delimiter=delimiter), range(MAX_LINES + 50))]


def parse_rows(rows: list[list], kinds: dict[int, WorkKind]) -> PlanImport:
    """Rows of a table (the first non-empty row is the header) → plan lines, or errors per row."""
    result = PlanImport()
    rows = [r for r in rows]
    start = next((i for i, r in enumerate(rows) if any(str(c or "").strip() for c in r)), None)
    if start is None:
        result.errors.append((0, _("Файл пуст."), {}))
        return result
    header = [_norm_header(c) for c in rows[start]]
    where: dict[str, int] = {}
    for key, names in HEADERS.items():
        for i, h in enumerate(header):
            if h in names and key not in where:
                where[key] = i
    if "topic" not in where:
        result.errors.append((start + 1, _("Нет столбца «Тема». Ожидаются столбцы: %(columns)s."),
                              {"columns": ", ".join(COLUMNS)}))
        return result
    by_name = {}
    for k in kinds.values():
        by_name[k.name.lower()] = k
        by_name[k.code.lower()] = k
    seen: dict[int, int] = {}
    data_rows = [(start + 2 + i, r) for i, r in enumerate(rows[start + 1:]) if any(str(c or "").strip() for c in r)]
    if len(data_rows) > MAX_LINES:
        result.errors.append((0, _("В плане не больше %(n)s строк."), {"n": MAX_LINES}))
        return result

    def cell(r, key):
        i = where.get(key)
        return r[i] if i is not None and i < len(r) else None

    for number, (row_no, r) in enumerate(data_rows, start=1):
        kind_text = str(cell(r, "kind") or "").strip()
        kind = by_name.get(kind_text.lower()) if kind_text else None
        if kind_text and kind is None:
            result.errors.append((row_no, _("Неизвестный вид работы «%(kind)s»: есть %(kinds)s."),
                                  {"kind": kind_text, "kinds": ", ".join(k.name for k in kinds.values())}))
            continue
        try:
            data = clean_line(cell(r, "position") if "position" in where else None, cell(r, "section"),
                              cell(r, "topic"), cell(r, "hours"), kind.id if kind else None, kinds)
        except InvalidInput as exc:
            result.errors.append((row_no, exc.template, exc.params))
            continue
        position = data.position or number
        if position in seen:
            result.errors.append((row_no, _("Номер %(n)s повторяется (уже в строке %(row)s)."),
                                  {"n": position, "row": seen[position]}))
            continue
        seen[position] = row_no
        result.lines.append(ParsedLine(row_no, LineData(position, data.section, data.topic, data.hours,
                                                        data.work_kind_id), kind.name if kind else ""))
    result.lines.sort(key=lambda line: line.data.position)
    if not result.lines and not result.errors:
        result.errors.append((0, _("В файле нет строк плана."), {}))
    return result


def to_csv(lines: list[ParsedLine], kinds: dict[int, WorkKind]) -> str:
    """The canonical text of parsed lines (sent back with the confirmation and parsed again)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(COLUMNS)
    for line in lines:
        d = line.data
        writer.writerow([d.position, d.section or "", d.topic, d.hours,
                         kinds[d.work_kind_id].code if d.work_kind_id in kinds else ""])
    return out.getvalue()


@dataclass
class ImportPreview:
    assignment: TeachingAssignment
    parsed: PlanImport
    text: str  # canonical CSV to confirm
    new: int = 0
    changed: int = 0
    same: int = 0
    removed: int = 0
    unlinked_lessons: int = 0  # lessons linked to removed lines lose the link
    hours: HoursCheck | None = None

    @property
    def ok(self) -> bool:
        return self.parsed.ok


def _compare(assignment_id: int, parsed: PlanImport) -> tuple[int, int, int, int, int, list[PlanItem]]:
    items = list(db.session.scalars(select(PlanItem).where(PlanItem.assignment_id == assignment_id)
                                    .order_by(PlanItem.position)))
    by_pos = {i.position: i for i in items}
    new = changed = same = 0
    for line in parsed.lines:
        d = line.data
        old = by_pos.get(d.position)
        if old is None:
            new += 1
        elif (old.section, old.topic, old.hours, old.work_kind_id) == (d.section, d.topic, d.hours, d.work_kind_id):
            same += 1
        else:
            changed += 1
    keep = {line.data.position for line in parsed.lines}
    gone = [i for i in items if i.position not in keep]
    unlinked = db.session.scalar(select(func.count()).select_from(Lesson).where(
        Lesson.plan_item_id.in_([i.id for i in gone]))) if gone else 0
    return new, changed, same, len(gone), unlinked or 0, items


def preview_import(actor: Actor, assignment_id: int, filename: str, content: bytes) -> ImportPreview:
    """Read the file and show what the import would do: nothing is written."""
    assignment = _editable(actor, assignment_id)
    kinds = _kinds(assignment.school_class.school_id)
    parsed = parse_rows(_rows_of(filename, content), kinds)
    return _preview(assignment, parsed, kinds)


def _preview(assignment: TeachingAssignment, parsed: PlanImport, kinds: dict[int, WorkKind]) -> ImportPreview:
    preview = ImportPreview(assignment, parsed, to_csv(parsed.lines, kinds))
    preview.new, preview.changed, preview.same, preview.removed, preview.unlinked_lessons, _items = _compare(
        assignment.id, parsed)
    preview.hours = hours_check(assignment, parsed.hours)
    return preview


def apply_import(actor: Actor, assignment_id: int, text: str) -> ImportPreview:
    """Write the confirmed plan (the canonical CSV of the preview, parsed and checked again): lines are
    matched by number — existing lines are updated in place (their lessons stay linked), new ones added,
    lines no longer in the plan removed. All or nothing: any error writes nothing."""
    assignment = _editable(actor, assignment_id)
    kinds = _kinds(assignment.school_class.school_id)
    parsed = parse_rows(csv_rows(text or "", delimiter=";"), kinds)
    if not parsed.ok:
        raise InvalidInput(_("План не загружен: в файле есть ошибки."))
    preview = _preview(assignment, parsed, kinds)
    items = list(db.session.scalars(select(PlanItem).where(PlanItem.assignment_id == assignment.id)))
    by_pos = {i.position: i for i in items}
    keep = {line.data.position for line in parsed.lines}
    for item in items:
        if item.position not in keep:
            db.session.delete(item)  # linked lessons lose the link (ON DELETE SET NULL), shown in the preview
    db.session.flush()
    if preview.unlinked_lessons:
        db.session.expire_all()  # the lessons' plan_item_id changed in the database
    # Park the kept lines out of the way, then write every line at its number.
    offset = max(list(keep) + [i.position for i in items] + [0]) + 1
    kept = [i for i in items if i.position in keep]
    for item in kept:
        item.position += offset
    db.session.flush()
    for line in parsed.lines:
        d = line.data
        item = by_pos.get(d.position)
        if item is None:
            item = PlanItem(assignment_id=assignment.id)
            db.session.add(item)
        item.position, item.section, item.topic, item.hours, item.work_kind_id = (
            d.position, d.section, d.topic, d.hours, d.work_kind_id)
    db.session.flush()
    AuditEvent.record(actor.user_id, "plan.import", "teaching_assignment", assignment.id,
                      new={"lines": len(parsed.lines), "hours": parsed.hours, "new": preview.new,
                           "changed": preview.changed, "removed": preview.removed,
                           "unlinked_lessons": preview.unlinked_lessons})
    return preview


def template_csv() -> str:
    """A sample file for the import (semicolon-separated, as Excel saves CSV in Russian locales)."""
    return ";".join(COLUMNS) + ("\n1;Натуральные числа;Ряд натуральных чисел;1;"
                                "\n2;Натуральные числа;Сложение и вычитание;2;\n")


# --- lessons along the plan -----------------------------------------------------------------------------
def _next_line(lines: list[PlanLine]) -> PlanItem | None:
    return next((line.item for line in lines if line.lessons < line.item.hours), None)


def suggest_plan_item(assignment_id: int) -> PlanItem | None:
    """The plan line for the next lesson: the first line that has had fewer lessons than its hours."""
    return _next_line(plan_lines(assignment_id, {}))


def _check_lesson_open(lesson: Lesson, cls: SchoolClass) -> None:
    year = db.session.get(AcademicYear, cls.year_id)
    year.require_open()
    closed = db.session.scalar(select(Period).where(
        Period.year_id == cls.year_id, Period.scheme == cls.period_scheme, Period.starts_on <= lesson.date,
        Period.ends_on >= lesson.date, Period.closed_at.is_not(None)).limit(1))
    if closed is not None:
        closed.require_open()


def link_lesson(actor: Actor, lesson_id: int, plan_item_id: int | None, *, version: int | None = None) -> Lesson:
    """Link a lesson to a line of its assignment's plan (None unlinks). Who may write the lesson may link it."""
    lesson = db.session.scalar(select(Lesson).options(joinedload(Lesson.assignment).joinedload(
        TeachingAssignment.school_class)).where(Lesson.id == lesson_id))
    if lesson is None:
        raise NotFound(_("Урок не найден."))
    visible_assignment(actor, lesson.assignment_id)
    require(can_edit_assignment(actor, lesson.assignment, lesson.date),
            _("Урок записывает учитель, который ведёт этот предмет в классе (или заменяет его в этот день)."))
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
    AuditEvent.record(actor.user_id, "lesson.plan_link", "lesson", lesson.id, old={"plan_item_id": old},
                      new={"plan_item_id": plan_item_id})
    return lesson


def link_unlinked_lessons(actor: Actor, assignment_id: int, *, today: dt.date) -> int:
    """Link the lessons given so far without a plan line, in date order, to the plan's next lines.
    Lessons of closed periods are left as they are. Returns how many lessons were linked."""
    assignment = _editable(actor, assignment_id)
    lines = plan_lines(assignment.id, {})
    cls = assignment.school_class
    closed = db.session.execute(select(Period.starts_on, Period.ends_on).where(
        Period.year_id == cls.year_id, Period.scheme == cls.period_scheme, Period.closed_at.is_not(None))).all()
    lessons = db.session.scalars(select(Lesson).where(Lesson.assignment_id == assignment.id,
                                                      Lesson.plan_item_id.is_(None), Lesson.date <= today)
                                 .order_by(Lesson.date, Lesson.bell_id, Lesson.id)).all()
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
        AuditEvent.record(actor.user_id, "plan.link_lessons", "teaching_assignment", assignment.id,
                          new={"linked": linked})
    return linked


# --- coverage of the program -----------------------------------------------------------------------------
@dataclass
class Coverage:
    planned: int  # lessons the timetable puts in the window
    given: int  # lessons entered in the journal in the window

    @property
    def percent(self) -> Decimal | None:
        if not self.planned:
            return None
        return (Decimal(self.given) * 100 / self.planned).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def behind(self) -> int:
        return max(self.planned - self.given, 0)


@dataclass
class CoverageReport:
    """Lessons given vs planned for one assignment: the year to date, and the period (the one containing
    today, or the one asked for) to date and in full; how much of the thematic plan the lessons cover."""

    assignment_id: int
    today: dt.date
    period: Period | None
    year_to_date: Coverage
    period_to_date: Coverage | None
    period_total: Coverage | None
    plan_hours: int
    plan_hours_covered: int  # hours of the plan's lines that linked lessons have taken (at most each line's hours)
    lessons_without_line: int
    from_timetable: bool  # planned from the timetable; False: hours a week × weeks (no timetable yet)

    @property
    def plan_percent(self) -> Decimal | None:
        if not self.plan_hours:
            return None
        return (Decimal(self.plan_hours_covered) * 100 / self.plan_hours).quantize(Decimal("0.1"),
                                                                                  rounding=ROUND_HALF_UP)


def _study_days(periods: list[Period], start: dt.date, end: dt.date) -> list[dt.date]:
    days = []
    for p in periods:
        day, last = max(p.starts_on, start), min(p.ends_on, end)
        while day <= last:
            days.append(day)
            day += dt.timedelta(days=1)
    return days


def _planned(entries: list[TimetableEntry], hours_per_week: Decimal, days: list[dt.date]) -> int:
    if entries:
        return sum(1 for day in days for e in entries if e.weekday == day.isoweekday() and e.valid_from <= day
                   and (e.valid_to is None or day <= e.valid_to))
    weekdays = sum(1 for day in days if day.weekday() < 5)
    return int((Decimal(weekdays) / 5 * hours_per_week).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def coverage(assignment_ids: list[int], *, today: dt.date, period_id: int | None = None) -> dict[int, CoverageReport]:
    """Coverage reports of many assignments at once (the coordinator's reports use the same function): a
    fixed number of queries, whatever their number. Planned lessons are the timetable's lessons on the
    study days of the class's periods (holidays between periods excluded); given lessons are those entered."""
    if not assignment_ids:
        return {}
    rows = db.session.execute(
        select(TeachingAssignment, SchoolClass).join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
        .where(TeachingAssignment.id.in_(assignment_ids))).all()
    years = {a.year_id for a, _c in rows}
    periods: dict[tuple[int, str], list[Period]] = defaultdict(list)
    by_id: dict[int, Period] = {}
    for p in db.session.scalars(select(Period).where(Period.year_id.in_(years)).order_by(Period.starts_on)):
        periods[(p.year_id, p.scheme)].append(p)
        by_id[p.id] = p
    entries: dict[int, list[TimetableEntry]] = defaultdict(list)
    for e in db.session.scalars(select(TimetableEntry).where(TimetableEntry.assignment_id.in_(assignment_ids))):
        entries[e.assignment_id].append(e)
    lesson_dates: dict[int, list[dt.date]] = defaultdict(list)
    without_line: dict[int, int] = defaultdict(int)
    for assignment_id, date, has_line in db.session.execute(
            select(Lesson.assignment_id, Lesson.date, Lesson.plan_item_id.is_not(None))
            .where(Lesson.assignment_id.in_(assignment_ids), Lesson.date <= today)):
        lesson_dates[assignment_id].append(date)
        if not has_line:
            without_line[assignment_id] += 1
    per_line = (select(Lesson.plan_item_id.label("item_id"), func.count().label("n"))
                .where(Lesson.assignment_id.in_(assignment_ids), Lesson.plan_item_id.is_not(None))
                .group_by(Lesson.plan_item_id).subquery())
    plan = {a_id: (int(hours or 0), int(covered or 0)) for a_id, hours, covered in db.session.execute(
        select(PlanItem.assignment_id, func.sum(PlanItem.hours),
               func.sum(case((per_line.c.n.is_(None), 0), (per_line.c.n < PlanItem.hours, per_line.c.n),
                             else_=PlanItem.hours)))
        .outerjoin(per_line, per_line.c.item_id == PlanItem.id)
        .where(PlanItem.assignment_id.in_(assignment_ids)).group_by(PlanItem.assignment_id))}

    reports = {}
    for a, cls in rows:
        terms = periods.get((a.year_id, cls.period_scheme), [])
        hours = Decimal(a.hours_per_week)
        mine = entries.get(a.id, [])
        dates = lesson_dates.get(a.id, [])
        year_start = terms[0].starts_on if terms else None
        year_days = _study_days(terms, year_start, today) if terms else []
        year_cov = Coverage(_planned(mine, hours, year_days), len(dates))
        period = by_id.get(period_id) if period_id is not None else None
        if period is not None and (period.year_id != a.year_id or period.scheme != cls.period_scheme):
            period = None
        if period is None and period_id is None:
            period = next((p for p in terms if p.starts_on <= today <= p.ends_on), None) or next(
                (p for p in reversed(terms) if p.ends_on < today), None)
        period_to_date = period_total = None
        if period is not None:
            to_date_days = _study_days([period], period.starts_on, min(today, period.ends_on))
            given = sum(1 for d in dates if period.starts_on <= d <= period.ends_on)
            period_to_date = Coverage(_planned(mine, hours, to_date_days), given)
            period_total = Coverage(_planned(mine, hours, _study_days([period], period.starts_on, period.ends_on)),
                                    given)
        plan_hours, covered = plan.get(a.id, (0, 0))
        reports[a.id] = CoverageReport(a.id, today, period, year_cov, period_to_date, period_total, plan_hours,
                                       covered, without_line.get(a.id, 0), bool(mine))
    return reports
