"""Reading files: CSV dialects Russian Excel and others produce, XLSX with typed cells, the header,
limits, and the value parsers."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest

from models.school.imports import common
from models.school.imports.common import Column, SourceRow, parse_class_name, parse_date, parse_decimal, read_table

COLUMNS = [
    Column("name", "Фамилия", required=True),
    Column("born", "Дата рождения"),
    Column("phone", "Телефон", aliases=("Тел",)),
]


def _rows(table):
    return [(r.line, r.cells) for r in table.rows]


@pytest.mark.parametrize(
    "encoding,bom,delimiter",
    [
        ("utf-8", True, ";"),
        ("utf-8", False, ";"),
        ("utf-8", True, ","),
        ("utf-8", False, ","),
        ("cp1251", False, ";"),
        ("utf-8", False, "\t"),
    ],
)
def test_csv_dialects(files, encoding, bom, delimiter):
    data = files.csv(
        [["Фамилия", "Дата рождения", "Тел."], ["Ёлкина", "01.09.2015", "8 900 1"], ["Иванов, младший", "", ""]],
        delimiter=delimiter,
        bom=bom,
        encoding=encoding,
    )
    table = read_table(data, "f.csv", COLUMNS)
    assert not table.errors
    assert _rows(table) == [
        (2, {"name": "Ёлкина", "born": "01.09.2015", "phone": "8 900 1"}),
        (3, {"name": "Иванов, младший", "born": "", "phone": ""}),
    ]


def test_xlsx_keeps_dates_and_numbers_typed(files):
    data = files.xlsx(
        [
            ["№ п/п", "Фамилия", "Дата рождения", "Телефон"],
            [1, "Иванов", dt.datetime(2015, 9, 1), 79001234567],
            [None, None, None, None],
            [2, "'=Петров", 42248, None],
        ]
    )
    table = read_table(data, "f.xlsx", COLUMNS)
    assert not table.errors
    first, second = table.rows
    assert first.cells == {"name": "Иванов", "born": dt.date(2015, 9, 1), "phone": 79001234567}
    assert first.text("phone") == "79001234567"
    assert second.line == 4  # the empty row is skipped but counted, as the spreadsheet shows it
    assert second.cells["name"] == "=Петров"  # the apostrophe of our exports is taken off
    assert parse_date(second, COLUMNS[1]) == dt.date(2015, 9, 1)  # an Excel serial date


def test_header_problems(files):
    table = read_table(files.csv([["Имя", "Тел", "Телефон", ""], ["x", "1", "2", ""]]), "f.csv", COLUMNS)
    messages = [str(m) for m in table.errors]
    assert any("Неизвестный столбец «Имя»" in m for m in messages)
    assert "Столбец «Телефон» встречается дважды." in messages
    assert "Нет обязательного столбца «Фамилия»." in messages


@pytest.mark.parametrize(
    "data,fragment",
    [
        (b"", "Файл пуст"),
        (b"\xef\xbb\xbf\r\n;;\r\n", "Файл пуст"),
        ("Фамилия\r\n".encode(), "нет ни одной строки"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "XLS (Excel 97–2003) не поддерживается"),
        (b"PK\x03\x04broken", "Не удалось открыть файл XLSX"),
        (b"\x00\x01\x02binary", "не похож на таблицу"),
    ],
)
def test_files_that_are_not_tables(data, fragment):
    table = read_table(data, "f.csv", COLUMNS)
    assert fragment in str(table.errors[0])


def test_limits(files, monkeypatch):
    monkeypatch.setattr(common, "MAX_ROWS", 3)
    table = read_table(files.csv([["Фамилия"]] + [[f"И{n}"] for n in range(4)]), "f.csv", COLUMNS)
    assert not table.rows and "больше 3 строк" in str(table.errors[0])
    monkeypatch.setattr(common, "MAX_BYTES", 10)
    assert "больше 0 МБ" in str(read_table(b"x" * 11, "f.csv", COLUMNS).errors[0])


def test_an_xlsx_that_inflates_too_much_is_refused(monkeypatch):
    monkeypatch.setattr(common, "MAX_UNZIPPED", 1000)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "0" * 100_000)
    assert "слишком велик" in str(read_table(out.getvalue(), "f.xlsx", COLUMNS).errors[0])


@pytest.mark.parametrize(
    "text,expected",
    [
        ("01.09.2026", dt.date(2026, 9, 1)),
        ("1.9.2026", dt.date(2026, 9, 1)),
        ("2026-09-01", dt.date(2026, 9, 1)),
        ("01/09/2026", dt.date(2026, 9, 1)),
        ("01.09.2026 00:00", dt.date(2026, 9, 1)),
        ("", None),
        ("31.02.2026", "не дата"),
        ("01.09.26", "не дата"),
        ("сентябрь", "не дата"),
        ("2026-13-01", "не дата"),
    ],
)
def test_dates(text, expected):
    row = SourceRow(2, {"born": text})
    if isinstance(expected, str):
        with pytest.raises(common.CellError) as error:
            parse_date(row, COLUMNS[1])
        assert expected in str(error.value.msg)
    else:
        assert parse_date(row, COLUMNS[1]) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("5А", (5, "А")),
        ("5 а", (5, "А")),
        ("5-А", (5, "А")),
        ("11Б", (11, "Б")),
        ("10 «А»", (10, "А")),
        ("1", (1, "")),
        ("5А класс", (5, "А")),
        ("А5", None),
        ("", None),
        ("555", None),
    ],
)
def test_class_names(text, expected):
    assert parse_class_name(text) == expected


def test_lookalike_letters_name_the_same_class():
    assert common.class_key(5, "a") == common.class_key(5, "А") == (5, "А")


@pytest.mark.parametrize(
    "value,expected", [("2", Decimal("2.0")), ("4,5", Decimal("4.5")), (2.5, Decimal("2.5")), (3, Decimal("3.0"))]
)
def test_decimals(value, expected):
    column = Column("h", "Часов", required=True)
    assert (
        parse_decimal(SourceRow(2, {"h": value}), column, low_exclusive=Decimal(0), high=Decimal(20), places=1)
        == expected
    )
