"""What every import shares: reading CSV/XLSX into rows, matching the header to the expected columns,
parsing cell values, the per-row report and the preview (no Flask here).

A file is read into a ``Table`` (header → column keys, rows of raw cells with their spreadsheet row
number). Each kind (students, staff, …) then analyses the rows against the database, read-only, and
returns a ``Preview``: every row with its status (new / update / unchanged / error), its errors and the
changes it would make, plus a kind-specific plan that ``apply`` writes when the operator confirms.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import KW_ONLY, dataclass, field
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from models.access import Actor
from models.base import db
from models.errors import InvalidInput
from models.i18n import _, in_every_language
from models.parsing import parse_email as email_address
from models.parsing import parse_int as parse_number
from models.school.imports.tracking import FieldChange, Tracker
from models.tables.school import AcademicYear

MAX_BYTES = 10 * 1024 * 1024  # an uploaded file
MAX_ROWS = 20_000  # data rows in one file
MAX_UNZIPPED = 200 * 1024 * 1024  # an XLSX is a zip: refuse archives that inflate beyond this
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

NEW, UPDATE, SAME, ERROR = "new", "update", "unchanged", "error"
STATUSES = (NEW, UPDATE, SAME, ERROR)


class Msg:
    """A user-facing message: a Russian template marked with ``_`` and its ``%(name)s`` values.
    Values may themselves be Msg (a field label); the web layer translates both."""

    __slots__ = ("template", "params")

    def __init__(self, template: str, **params):
        self.template = template
        self.params = params

    def __str__(self) -> str:
        params = {k: str(v) for k, v in self.params.items()}
        return self.template % params if params else self.template

    def __repr__(self) -> str:
        return f"Msg({str(self)!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Msg) and str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))


class CellError(Exception):
    def __init__(self, msg: Msg):
        super().__init__(str(msg))
        self.msg = msg


# --- columns and the header ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    key: str
    title: str  # the header written in templates: Russian, marked N_, shown and accepted in every language
    _: KW_ONLY
    required: bool = False
    aliases: tuple[str, ...] = ()
    example: object = ""
    in_template: bool = True

    def names(self) -> set[str]:
        """The headers that name this column: its title in any language of the interface, its Russian aliases."""
        return {*(norm_header(t) for t in in_every_language(self.title)), *(norm_header(a) for a in self.aliases)}

    @property
    def label(self) -> Msg:
        """The title in the reader's language (a message's value, a template's header)."""
        return Msg(self.title)


# Columns people add to every spreadsheet ("№ п/п"): ignored.
IGNORED_HEADERS = {"", "№", "n", "no", "№ п п", "n п п", "номер п п", "п п", "#"}


def norm_header(text: str) -> str:
    text = str(text).lower().replace("ё", "е")
    text = re.sub(r"[^\w№]+", " ", text)
    return " ".join(text.split())


def norm_text(text: str) -> str:
    """For matching names: case, ё/е and spacing do not matter."""
    return " ".join(str(text).lower().replace("ё", "е").split())


# Latin letters that look like Cyrillic ones: "5A" typed with a Latin A is the same class as "5А".
_LOOKALIKES = str.maketrans("ABCEHKMOPTXY", "АВСЕНКМОРТХУ")


def norm_key(text: str) -> str:
    """For natural keys typed by people (personal file and personnel numbers)."""
    return " ".join(str(text).upper().replace("Ё", "Е").split())


# --- reading the file ---------------------------------------------------------------------------------
@dataclass
class SourceRow:
    line: int  # the row number as the spreadsheet shows it (header = its own row)
    cells: dict[str, object]  # column key → raw value (str, or date/number from XLSX)

    def raw(self, key: str) -> object:
        value = self.cells.get(key)
        return "" if value is None else value

    def text(self, key: str) -> str:
        value = self.raw(key)
        return value if isinstance(value, str) else _cell_to_text(value)

    def has(self, key: str) -> bool:
        return self.text(key) != ""


@dataclass
class Table:
    present: set[str] = field(default_factory=set)  # column keys found in the header
    rows: list[SourceRow] = field(default_factory=list)
    errors: list[Msg] = field(default_factory=list)


def read_table(data: bytes, filename: str, columns: list[Column]) -> Table:
    """Parse CSV (UTF-8 with or without BOM, or Windows-1251; ``;``, ``,`` or tab separated) or XLSX."""
    table = Table()
    if len(data) > MAX_BYTES:
        table.errors.append(Msg(_("Файл больше %(mb)s МБ. Разделите его на части."), mb=MAX_BYTES // (1024 * 1024)))
        return table
    name = (filename or "").lower()
    if name.endswith(".xls") or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        table.errors.append(Msg(_("Формат XLS (Excel 97–2003) не поддерживается: сохраните файл как XLSX или CSV.")))
        return table
    try:
        raw_rows = _xlsx_rows(data) if data[:4] == b"PK\x03\x04" else _csv_rows(data)
        _fill(table, raw_rows, columns)
    except _FileError as exc:
        table.errors.append(exc.msg)
    return table


class _FileError(Exception):
    def __init__(self, msg: Msg):
        super().__init__(str(msg))
        self.msg = msg


def _csv_rows(data: bytes) -> Iterable[list[object]]:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1251 decodes almost anything
        raise _FileError(Msg(_("Не удалось прочитать файл: сохраните его в кодировке UTF-8.")))
    if "\x00" in text:
        raise _FileError(Msg(_("Файл не похож на таблицу CSV или XLSX.")))
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ";"
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _xlsx_rows(data: bytes) -> Iterable[list[object]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
                raise _FileError(Msg(_("Файл XLSX слишком велик в распакованном виде.")))
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except _FileError:
        raise
    except Exception:  # noqa: BLE001 - any damage in the archive is the same answer to the user
        raise _FileError(Msg(_("Не удалось открыть файл XLSX: он повреждён или это не таблица Excel."))) from None
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None:
        raise _FileError(Msg(_("В файле XLSX нет листов.")))

    def rows():
        try:
            for values in sheet.iter_rows(values_only=True):
                yield list(values)
        finally:
            workbook.close()

    return rows()


def _cell_to_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y") if value.time() == dt.time(0) else value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value)


def _clean(value: object) -> object:
    """Cells as strings without surrounding spaces; dates and numbers from XLSX kept typed.
    A leading apostrophe that our exports (and careful people) put before = + - @ is removed."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0) else value
    if isinstance(value, (dt.date, int, float, Decimal)) and not isinstance(value, bool):
        return value
    text = str(value).replace("\xa0", " ").strip()
    if len(text) > 1 and text[0] == "'" and text[1] in DANGEROUS_PREFIXES:
        text = text[1:].strip()
    return text


def _fill(table: Table, raw_rows: Iterable[list[object]], columns: list[Column]) -> None:
    by_name: dict[str, Column] = {}
    for column in columns:
        for name in column.names():
            by_name[name] = column
    iterator = iter(raw_rows)
    line = 0
    header: list[object] | None = None
    for values in iterator:
        line += 1
        if any(_clean(v) != "" for v in values):
            header = values
            break
    if header is None:
        table.errors.append(Msg(_("Файл пуст: нет строки заголовков.")))
        return

    positions: list[tuple[int, str]] = []
    seen: dict[str, str] = {}
    for index, title in enumerate(header):
        title_text = _cell_to_text(_clean(title))
        name = norm_header(title_text)
        if name in IGNORED_HEADERS:
            continue
        column = by_name.get(name)
        if column is None:
            table.errors.append(
                Msg(
                    _("Неизвестный столбец «%(name)s». Проверьте название по шаблону или удалите столбец."),
                    name=title_text,
                )
            )
            continue
        if column.key in seen:
            table.errors.append(Msg(_("Столбец «%(name)s» встречается дважды."), name=column.label))
            continue
        seen[column.key] = title_text
        positions.append((index, column.key))
    table.present = set(seen)
    for column in columns:
        if column.required and column.key not in seen:
            table.errors.append(Msg(_("Нет обязательного столбца «%(name)s»."), name=column.label))

    for values in iterator:
        line += 1
        cells = {key: _clean(values[index]) if index < len(values) else "" for index, key in positions}
        if all(v == "" for v in cells.values()):
            continue
        if len(table.rows) >= MAX_ROWS:
            table.errors.append(Msg(_("В файле больше %(max)s строк. Разделите его на части."), max=MAX_ROWS))
            table.rows = []
            return
        table.rows.append(SourceRow(line, cells))
    if not table.rows and not table.errors:
        table.errors.append(Msg(_("В файле нет ни одной строки с данными.")))


# --- value parsers: raise CellError with a message naming the column ------------------------------------
def _empty(column: Column) -> None:
    """An empty cell: nothing for an optional column, refused for a required one."""
    if column.required:
        raise CellError(Msg(_("«%(column)s»: не заполнено."), column=column.label))
    return None


def parse_identifier(row: SourceRow, column: Column, parse) -> str | None:
    """A state identifier (an ИИН) read by ``parse`` (models.identifiers), its refusal naming the column."""
    value = row.text(column.key)
    try:
        return parse(value)
    except InvalidInput as exc:
        raise CellError(
            Msg(_("«%(column)s»: %(problem)s"), column=column.label, problem=Msg(exc.template, **exc.params))
        ) from None


def parse_text(row: SourceRow, column: Column, max_len: int) -> str | None:
    value = row.text(column.key)
    if not value:
        return _empty(column)
    if len(value) > max_len:
        raise CellError(Msg(_("«%(column)s»: не длиннее %(max)s символов."), column=column.label, max=max_len))
    return value


_DATE_PATTERNS = (
    (re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$", re.ASCII), ("d", "m", "y")),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", re.ASCII), ("y", "m", "d")),
)
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(row: SourceRow, column: Column) -> dt.date | None:
    value = row.raw(column.key)
    if value == "":
        return _empty(column)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and 1 <= value <= 80000:  # an Excel serial date in an unformatted cell
        return _EXCEL_EPOCH + dt.timedelta(days=int(value))
    text = str(value).strip()
    text = text.split(" ")[0] if re.match(r"^\S+ \d{1,2}:\d{2}(:\d{2})?$", text) else text
    for pattern, order in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            parts = dict(zip(order, map(int, match.groups())))
            try:
                return dt.date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                break
    raise CellError(
        Msg(
            _("«%(column)s»: «%(value)s» — не дата. Пишите ДД.ММ.ГГГГ, например 01.09.2026."),
            column=column.label,
            value=_cell_to_text(value),
        )
    )


_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})(?::00)?$", re.ASCII)


def parse_time(row: SourceRow, column: Column) -> dt.time | None:
    """A time of day as ЧЧ:ММ ("8:30", "08:30", "08.30"; a time cell of XLSX, also as a fraction of a day)."""
    value = row.raw(column.key)
    if value == "":
        return _empty(column)
    if isinstance(value, dt.datetime):
        value = value.time()
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, float) and 0 <= value < 1:  # an Excel time in an unformatted cell
        minutes = round(value * 24 * 60)
        return dt.time(minutes // 60 % 24, minutes % 60)
    match = _TIME.match(_cell_to_text(value).strip())
    if match and int(match.group(1)) < 24 and int(match.group(2)) < 60:
        return dt.time(int(match.group(1)), int(match.group(2)))
    raise CellError(
        Msg(
            _("«%(column)s»: «%(value)s» — не время. Пишите ЧЧ:ММ, например 08:30."),
            column=column.label,
            value=_cell_to_text(value),
        )
    )


def parse_int(row: SourceRow, column: Column, low: int, high: int) -> int | None:
    value = row.raw(column.key)
    if value == "":
        return _empty(column)
    text = _cell_to_text(value).strip()
    if parse_number(text, low=low, high=high) is None:
        raise CellError(
            Msg(
                _("«%(column)s»: нужно целое число от %(low)s до %(high)s, а не «%(value)s»."),
                column=column.label,
                low=low,
                high=high,
                value=text,
            )
        )
    return int(text)


def parse_decimal(
    row: SourceRow, column: Column, *, low_exclusive: Decimal, high: Decimal, places: int
) -> Decimal | None:
    value = row.raw(column.key)
    if value == "":
        return _empty(column)
    text = _cell_to_text(value).strip().replace(",", ".").replace(" ", "")
    try:
        number = Decimal(text) if not isinstance(value, float) else Decimal(repr(value))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or not (low_exclusive < number <= high):
        raise CellError(
            Msg(
                _("«%(column)s»: нужно число больше %(low)s и не больше %(high)s, а не «%(value)s»."),
                column=column.label,
                low=low_exclusive,
                high=high,
                value=_cell_to_text(value),
            )
        )
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise CellError(
            Msg(_("«%(column)s»: не больше %(places)s знака после запятой."), column=column.label, places=places)
        )
    return number.quantize(Decimal(1).scaleb(-places))


def parse_choice(row: SourceRow, column: Column, choices: dict[str, str], hint: str) -> str | None:
    """One of ``choices`` (normalised spelling → value), also as any language of the interface names it
    ("негізгі", "main" for "основная"), or as the template's example was written in the reader's language.
    ``hint`` (a marked message) lists the accepted values in the reader's language."""
    value = row.text(column.key)
    if not value:
        return _empty(column)
    typed = norm_header(value)
    found = choices.get(typed)
    if found is None:
        found = _in_any_language(choices, column).get(typed)
    if found is None:
        raise CellError(
            Msg(_("«%(column)s»: «%(value)s» — допустимо: %(hint)s."), column=column.label, value=value, hint=Msg(hint))
        )
    return found


def _in_any_language(choices: dict[str, str], column: Column) -> dict[str, str]:
    known: dict[str, str] = {}
    examples = [column.example] if isinstance(column.example, str) and column.example else []
    for key in [*choices, *examples]:
        value = choices.get(norm_header(key))
        for message in (key, key.capitalize()):
            for spelling in in_every_language(message):
                known.setdefault(norm_header(spelling), value)
    return {k: v for k, v in known.items() if v is not None}


PHONE_CHARS = re.compile(r"^[+]?[0-9\s()\-.]+$")


def parse_phone(row: SourceRow, column: Column) -> str | None:
    value = row.text(column.key)
    if not value:
        return None
    digits = phone_digits(value)
    if not PHONE_CHARS.match(value) or not 5 <= len(digits) <= 15 or len(value) > 40:
        raise CellError(Msg(_("«%(column)s»: «%(value)s» — не номер телефона."), column=column.label, value=value))
    return value


def phone_digits(phone: str | None) -> str:
    """The phone as digits for matching: 8 900… and +7 900… are the same number."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) == 11 and digits[0] == "8":
        digits = "7" + digits[1:]
    return digits


def parse_email(row: SourceRow, column: Column) -> str | None:
    value = row.text(column.key)
    if not value:
        return None
    if email_address(value) is None:
        raise CellError(
            Msg(_("«%(column)s»: «%(value)s» — не адрес электронной почты."), column=column.label, value=value)
        )
    return value


def split_full_name(row: SourceRow, column: Column) -> tuple[str, str, str | None] | None:
    """ "Иванова Мария Петровна" → surname, name, patronymic (the rest: "Гасан оглы")."""
    value = row.text(column.key)
    if not value:
        return None
    parts = value.split()
    if len(parts) < 2:
        raise CellError(
            Msg(
                _("«%(column)s»: укажите фамилию и имя (и отчество, если есть), а не «%(value)s»."),
                column=column.label,
                value=value,
            )
        )
    last, first, middle = parts[0], parts[1], " ".join(parts[2:]) or None
    if max(len(last), len(first), len(middle or "")) > 80:
        raise CellError(Msg(_("«%(column)s»: слишком длинное имя."), column=column.label))
    return last, first, middle


_CLASS = re.compile(
    r"^\s*([0-9]{1,2})\s*[-–—\s]?\s*[\"«]?([^\d\s\"«»]{0,4})[\"»]?\s*(?:класс|кл\.?)?\s*$", re.IGNORECASE
)


def parse_class_name(text: str) -> tuple[int, str] | None:
    """ "5А", "5 а", "5-А", "11Б", "5" → (grade, letter in upper case)."""
    match = _CLASS.match(text or "")
    if not match:
        return None
    return int(match.group(1)), match.group(2).upper()


def class_key(grade: int, letter: str) -> tuple[int, str]:
    return grade, letter.upper().replace("Ё", "Е").translate(_LOOKALIKES)


# --- the per-row report and the preview --------------------------------------------------------------
@dataclass
class RowReport:
    line: int
    label: str = ""
    status: str = NEW
    errors: list[Msg] = field(default_factory=list)
    changes: list[Msg] = field(default_factory=list)
    fields: list[FieldChange] = field(default_factory=list)  # field by field, old → new, kept or applied
    warnings: list[Msg] = field(default_factory=list)  # soft rules: written when the preview is confirmed

    def error(self, msg: Msg) -> None:
        self.errors.append(msg)
        self.status = ERROR

    def warn(self, msg: Msg) -> None:
        self.warnings.append(msg)

    def change(self, msg: Msg) -> None:
        self.changes.append(msg)
        if self.status == SAME:
            self.status = UPDATE

    def field(self, change: FieldChange) -> None:
        self.fields.append(change)
        if change.apply and self.status == SAME:
            self.status = UPDATE

    @property
    def described(self) -> list[Msg]:
        """Every change as a message: the row's own, then field by field (old → new)."""
        return [*self.changes, *(field_change(c.label, c.old, c.new) for c in self.fields)]

    def settle(self) -> None:
        """After the analysis: a row that is not new, has no errors and changes nothing is unchanged."""
        if self.errors:
            self.status = ERROR


@dataclass
class Preview:
    kind: str
    rows: list[RowReport]
    file_errors: list[Msg]
    plan: object = None
    year: AcademicYear | None = None
    tracker: Tracker | None = None

    @property
    def counts(self) -> dict[str, int]:
        result = dict.fromkeys(STATUSES, 0)
        for row in self.rows:
            result[row.status] += 1
        return result

    @property
    def ok(self) -> bool:
        return not self.file_errors and bool(self.rows) and not any(r.status == ERROR for r in self.rows)

    @property
    def kept(self) -> int:
        """Fields changed by hand since the last import that the file's values will not overwrite."""
        return self.tracker.kept if self.tracker else 0

    @property
    def fingerprint(self) -> str:
        """What the preview showed, independent of the operator's choices: the confirmation must see the same."""
        rows = [
            [
                r.line,
                SAME if r.status == UPDATE else r.status,
                r.label,
                [str(m) for m in r.errors],
                [str(m) for m in r.changes],
                [[c.key, c.old_norm, c.new_norm, c.manual] for c in r.fields],
            ]
            for r in self.rows
        ]
        body = json.dumps(
            [self.kind, self.year.id if self.year else None, [str(m) for m in self.file_errors], rows],
            ensure_ascii=False,
            sort_keys=True,
        )
        return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass
class Context:
    actor: Actor
    school_id: int
    year: AcademicYear | None
    today: dt.date
    tracker: Tracker


def field_change(label: str, old: object, new: object) -> Msg:
    return Msg(_("%(field)s: «%(old)s» → «%(new)s»"), field=Msg(label), old=show(old), new=show(new))


def show(value: object) -> object:
    if isinstance(value, Msg):
        return value
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def run_parsers(report: RowReport, parsers: dict[str, Callable[[], object]]) -> dict[str, object]:
    """Each parser's value, or None with its error recorded in the row's report."""
    values = {}
    for key, parse in parsers.items():
        try:
            values[key] = parse()
        except CellError as exc:
            report.error(exc.msg)
            values[key] = None
    return values


def parsed_rows(
    table: Table, reports: list[RowReport], parsers: Callable[[SourceRow], dict[str, Callable[[], object]]]
) -> Iterator[tuple[SourceRow, RowReport, dict[str, object]]]:
    """Each row of the table with its report (appended to ``reports``) and the values ``parsers(row)`` read
    (None, with the error in the report, for a bad cell)."""
    for row in table.rows:
        report = RowReport(row.line)
        reports.append(report)
        yield row, report, run_parsers(report, parsers(row))


def mark_duplicates(reports_by_key: dict[object, list[RowReport]], describe: Callable[[object], object]) -> None:
    for key, reports in reports_by_key.items():
        if len(reports) > 1:
            lines = ", ".join(str(r.line) for r in reports)
            for report in reports:
                report.error(
                    Msg(_("%(what)s повторяется в файле (строки %(lines)s)."), what=describe(key), lines=lines)
                )


def school_years(school_id: int) -> list[AcademicYear]:
    return list(
        db.session.scalars(
            select(AcademicYear).where(AcademicYear.school_id == school_id).order_by(AcademicYear.starts_on.desc())
        )
    )


def default_year(years: list[AcademicYear], today: dt.date) -> AcademicYear | None:
    """The year that contains today, else the next one to start, else the latest."""
    for year in years:
        if year.starts_on <= today <= year.ends_on:
            return year
    upcoming = [y for y in years if y.starts_on > today]
    if upcoming:
        return min(upcoming, key=lambda y: y.starts_on)
    return years[0] if years else None
