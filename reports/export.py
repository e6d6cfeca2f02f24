"""Rows → CSV or XLSX bytes, safe to open in a spreadsheet (pure: no Flask, no database).

Spreadsheet-formula injection: a text value that begins with ``= + - @``, a tab or a carriage
return could be run as a formula by Excel or LibreOffice (``=HYPERLINK(...)``, ``@SUM(...)``,
``-2+3``…). Such text gets a leading apostrophe in both formats, and in XLSX every text cell is
written with the string type, never as a formula. Real numbers and dates are not text: in XLSX
they become typed numeric and date cells (sums and sorting work), in CSV they are written the way
Russian Excel reads them (``;`` between fields, decimal comma, dd.mm.yyyy) with a UTF-8 BOM.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from zoneinfo import ZoneInfo

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Control characters XLSX (XML) cannot hold at all.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(text: str) -> str:
    """Text that a spreadsheet could take for a formula, made inert with a leading apostrophe."""
    return "'" + text if text.startswith(DANGEROUS_PREFIXES) else text


def _plain(value, tz: ZoneInfo | None):
    """A value as one of: None, bool, int, Decimal/float, date, naive datetime, str."""
    if value is None or isinstance(value, (bool, int, float, Decimal, str)):
        return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(tz).replace(tzinfo=None) if tz else value.replace(tzinfo=None)
        return value
    if isinstance(value, (dt.date, dt.time)):
        return value
    return str(value)  # model objects, enums, Markup: their text


def csv_text(value, *, decimal_comma: bool = True, tz: ZoneInfo | None = None) -> str:
    value = _plain(value, tz)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float, Decimal)):
        text = format(value, "f") if isinstance(value, Decimal) else str(value)
        return text.replace(".", ",") if decimal_comma else text
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return neutralise(value)


def write_csv(
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    delimiter: str = ";",
    bom: bool = True,
    decimal_comma: bool | None = None,
    tz: ZoneInfo | None = None,
) -> bytes:
    """CSV in UTF-8 (with a BOM so that Excel recognises the encoding). The defaults are the dialect
    Russian Excel opens by double click: ``;`` separators and a decimal comma."""
    if decimal_comma is None:
        decimal_comma = delimiter != ","
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([neutralise(str(h)) for h in headers])
    for row in rows:
        writer.writerow([csv_text(v, decimal_comma=decimal_comma, tz=tz) for v in row])
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def write_xlsx(
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    sheet_title: str = "Лист1",
    tz: ZoneInfo | None = None,
    column_widths: Sequence[int] | None = None,
) -> bytes:
    """One sheet: a bold header row, then typed cells (numbers and dates as such, text as text)."""
    return write_xlsx_sheets([(sheet_title, headers, rows)], tz=tz, column_widths=column_widths)


def write_xlsx_sheets(
    sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]],
    *,
    tz: ZoneInfo | None = None,
    column_widths: Sequence[int] | None = None,
) -> bytes:
    """A workbook of (title, headers, rows) sheets, each as ``write_xlsx`` writes its one."""
    from openpyxl import Workbook  # imported by the export that needs it: a worker starts without it
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    titles: set[str] = set()
    for sheet_title, headers, rows in sheets:
        title = _sheet_title(sheet_title)
        while title.lower() in titles:  # sheet names are unique regardless of case
            title = title[:28] + f"~{len(titles)}"
        titles.add(title.lower())
        ws = wb.create_sheet(title=title)
        widths = list(column_widths) if column_widths else [max(12, min(40, len(str(h)) + 4)) for h in headers]
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[_column_letter(index)].width = width
        ws.freeze_panes = "A2"
        header_cells = []
        for h in headers:
            cell = WriteOnlyCell(ws, value=_xlsx_text(str(h)))
            cell.font = bold
            header_cells.append(cell)
        ws.append(header_cells)
        for row in rows:
            ws.append([_xlsx_cell(ws, v, tz) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _xlsx_text(text: str) -> str:
    return neutralise(_ILLEGAL_XML.sub("", text))


def _xlsx_cell(ws, value, tz):
    from openpyxl.cell import WriteOnlyCell

    value = _plain(value, tz)
    if value is None:
        return None
    if isinstance(value, str):
        cell = WriteOnlyCell(ws, value=None)
        cell.value = _xlsx_text(value)
        cell.data_type = "s"  # text, whatever it looks like: never a formula
        return cell
    if isinstance(value, bool):
        return WriteOnlyCell(ws, value=value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, dt.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, dt.time):
        cell.number_format = "HH:MM"
    return cell


def _sheet_title(title: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", title).strip() or "Лист1"
    return cleaned[:31]


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)
