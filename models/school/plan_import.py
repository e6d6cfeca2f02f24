"""A thematic plan (КТП) from a CSV file (R2): parse and check the rows, preview what would change,
apply, and the template file to fill in."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func, select

from models.access import Actor
from models.audit import AuditEvent
from models.base import db
from models.errors import InvalidInput
from models.i18n import N_, Joined, Text, _, in_every_language
from models.school.plans import (
    COLUMNS,
    HEADERS,
    MAX_FILE_BYTES,
    MAX_LINES,
    HoursCheck,
    LineData,
    _editable,
    _kinds,
    clean_line,
    hours_check,
)
from models.tables.curriculum import PlanItem, TeachingAssignment
from models.tables.journal import Lesson, WorkKind


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
    for (key, names), title in zip(HEADERS.items(), COLUMNS, strict=True):
        names = names | {_norm_header(name) for name in in_every_language(title)}
        for i, h in enumerate(header):
            if h in names and key not in where:
                where[key] = i
    if "topic" not in where:
        result.errors.append(
            (
                start + 1,
                _("Нет столбца «Тема». Ожидаются столбцы: %(columns)s."),
                {"columns": Joined(", ", [Text(title) for title in COLUMNS])},
            )
        )
        return result
    by_name = {}
    for k in kinds.values():
        names = in_every_language(k.name) if isinstance(k.title, Text) else (k.name,)  # a system name: any language
        for name in names:
            by_name[name.lower()] = k
        by_name[k.code.lower()] = k
    seen: dict[int, int] = {}
    data_rows = [(start + 2 + i, r) for i, r in enumerate(rows[start + 1 :]) if any(str(c or "").strip() for c in r)]
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
            result.errors.append(
                (
                    row_no,
                    _("Неизвестный вид работы «%(kind)s»: есть %(kinds)s."),
                    {"kind": kind_text, "kinds": ", ".join(k.name for k in kinds.values())},
                )
            )
            continue
        try:
            data = clean_line(
                cell(r, "position") if "position" in where else None,
                cell(r, "section"),
                cell(r, "topic"),
                cell(r, "hours"),
                kind.id if kind else None,
                kinds,
            )
        except InvalidInput as exc:
            result.errors.append((row_no, exc.template, exc.params))
            continue
        position = data.position or number
        if position in seen:
            result.errors.append(
                (row_no, _("Номер %(n)s повторяется (уже в строке %(row)s)."), {"n": position, "row": seen[position]})
            )
            continue
        seen[position] = row_no
        result.lines.append(
            ParsedLine(
                row_no,
                LineData(position, data.section, data.topic, data.hours, data.work_kind_id),
                kind.title if kind else "",
            )
        )
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
        writer.writerow(
            [
                d.position,
                d.section or "",
                d.topic,
                d.hours,
                kinds[d.work_kind_id].code if d.work_kind_id in kinds else "",
            ]
        )
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
    items = list(
        db.session.scalars(select(PlanItem).where(PlanItem.assignment_id == assignment_id).order_by(PlanItem.position))
    )
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
    unlinked = (
        db.session.scalar(select(func.count()).select_from(Lesson).where(Lesson.plan_item_id.in_([i.id for i in gone])))
        if gone
        else 0
    )
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
        assignment.id, parsed
    )
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
            d.position,
            d.section,
            d.topic,
            d.hours,
            d.work_kind_id,
        )
    db.session.flush()
    AuditEvent.record(
        actor.user_id,
        "plan.import",
        "teaching_assignment",
        assignment.id,
        new={
            "lines": len(parsed.lines),
            "hours": parsed.hours,
            "new": preview.new,
            "changed": preview.changed,
            "removed": preview.removed,
            "unlinked_lessons": preview.unlinked_lessons,
        },
    )
    return preview


SAMPLE = (
    (1, N_("Натуральные числа"), N_("Ряд натуральных чисел"), 1),
    (2, N_("Натуральные числа"), N_("Сложение и вычитание"), 2),
)


def template_csv(translate: Callable[[str], str] = str) -> str:
    """A sample file for the import (semicolon-separated, as Excel saves CSV in Russian locales), its words in the
    reader's language by ``translate`` (the web layer's gettext): every language's column names are read back."""
    lines = [";".join(translate(title) for title in COLUMNS)]
    lines += [f"{n};{translate(section)};{translate(topic)};{hours};" for n, section, topic, hours in SAMPLE]
    return "\n".join(lines) + "\n"
