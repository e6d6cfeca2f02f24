"""The results of a period (models/reports/results.py gives the figures) as the tables the page shows — by class,
subject and teacher, attendance by class and by student, the lists of students by standing — written once here
and rendered as an XLSX workbook (one sheet a table) and a PDF (ReportLab tables in the embedded font). No
database: the caller passes the report."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext

from i18n import number, text

from .export import write_xlsx_sheets
from .pdf import FONT_BOLD, build_pdf, grid_table, para, title

SIZE = 7


@dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: list[list]
    total: bool = False  # the last row is the total


def _stats(s) -> list:
    """A ResultStats as the tables' columns: marks, успеваемость, качество, СОУ, average (None: no marks)."""
    if not s.total:
        return [0, None, None, None, None]
    return [s.total, s.success, s.quality, s.sou, s.average]


def _stats_headers() -> list[str]:
    return [
        gettext("Успеваемость, %"),
        gettext("Качество знаний, %"),
        gettext("СОУ, %"),
        gettext("Средний балл"),
    ]


def _absence_cells(a) -> list[int]:
    return [a.missed, a.excused, a.unexcused]


def _absence_headers() -> list[str]:
    return [gettext("Пропущено уроков"), gettext("По уважительной причине"), gettext("Без уважительной причины")]


def _class_row(name, standings, marks, missing, standing_keys) -> list:
    return [
        name,
        standings.students,
        *[standings.counts[key] for key in standing_keys],
        standings.success,
        standings.quality,
        *_stats(marks)[3:],
        missing,
    ]


def sheets(r, standings: dict, lists: dict) -> list[Sheet]:
    """``r``: a PeriodResults; ``standings``, ``lists``: models.reports.results.STANDINGS and LISTS (key → label,
    marked for translation)."""
    by_class = Sheet(
        gettext("По классам"),
        [
            gettext("Класс"),
            gettext("Обучающихся"),
            *[gettext(label) for label in standings.values()],
            *_stats_headers(),
            gettext("Не выставлено отметок"),
        ],
        [_class_row(line.school_class.name, line.standings, line.marks, line.missing, standings) for line in r.classes]
        + [_class_row(gettext("Итого"), r.school, r.school_marks, r.missing, standings)],
        total=True,
    )
    by_subject = Sheet(
        gettext("По предметам"),
        [gettext("Предмет"), gettext("Отметок"), *_stats_headers(), gettext("Не выставлено отметок")],
        [[line.name, *_stats(line.marks), line.missing] for line in r.subjects],
    )
    by_teacher = Sheet(
        gettext("По учителям"),
        [gettext("Учитель"), gettext("Классы"), gettext("Отметок"), *_stats_headers()],
        [[line.name, ", ".join(line.classes), *_stats(line.marks)] for line in r.teachers],
    )
    attendance = Sheet(
        gettext("Пропуски по классам"),
        [gettext("Класс"), gettext("Обучающихся"), *_absence_headers()],
        [[line.school_class.name, line.standings.students, *_absence_cells(line.absences)] for line in r.classes]
        + [[gettext("Итого"), r.school.students, *_absence_cells(r.school_absences)]],
        total=True,
    )
    absent = Sheet(
        gettext("Пропуски по обучающимся"),
        [gettext("Класс"), gettext("Обучающийся"), *_absence_headers()],
        [[s.class_name, s.student.full_name, *_absence_cells(s.absences)] for s in r.absent],
    )
    lists = Sheet(
        gettext("Списки обучающихся"),
        [gettext("Список"), gettext("Класс"), gettext("Обучающийся"), gettext("Предметы")],
        [
            [gettext(label), s.class_name, s.student.full_name, ", ".join(s.subjects)]
            for key, label in lists.items()
            for s in r.lists.get(key, [])
        ],
    )
    return [by_class, by_subject, by_teacher, attendance, absent, lists]


def heading(r) -> tuple[str, str]:
    """The report's title and subtitle (the period, the day the classes are taken on, provisional or not)."""
    head = f"{gettext('Итоги периода')}: {text(r.period.name)} {r.year.name}"
    sub = gettext("Класс обучающегося — на %(date)s.", date=r.on.strftime("%d.%m.%Y"))
    if r.provisional:
        sub = f"{gettext('Предварительные итоги: по текущим отметкам, период ещё идёт.')} {sub}"
    return head, sub


def results_xlsx(r, standings: dict, lists: dict) -> bytes:
    return write_xlsx_sheets([(s.title, s.headers, s.rows) for s in sheets(r, standings, lists)])


def _cell(value, header: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return number(value) + ("%" if "%" in header else "")
    return str(value)


def results_pdf(r, standings: dict, lists: dict) -> bytes:
    """Landscape A4: the heading, then every table with its title."""
    head, sub = heading(r)

    def story(width: float, _height: float) -> list:
        out = title(head, sub)
        for sheet in sheets(r, standings, lists):
            out.append(para(sheet.title, 10, bold=True, space_after=3))
            if not sheet.rows:
                out.append(para(gettext("Нет данных."), SIZE, space_after=8))
                continue
            first = 0.16 if len(sheet.headers) > 6 else 0.25
            widths = [first * width] + [(1 - first) / (len(sheet.headers) - 1) * width] * (len(sheet.headers) - 1)
            header = [para(h, SIZE, bold=True) for h in sheet.headers]
            rows = [
                [para(v, SIZE) if isinstance(v, str) else _cell(v, h) for v, h in zip(row, sheet.headers, strict=True)]
                for row in sheet.rows
            ]
            extra = [("ALIGN", (1, 1), (-1, -1), "RIGHT")] if not isinstance(sheet.rows[0][1], str) else []
            if sheet.total:
                extra.append(("FONT", (0, len(rows)), (-1, len(rows)), FONT_BOLD, SIZE, SIZE * 1.2))
            table = grid_table([header, *rows], widths, SIZE, extra=extra)
            table.spaceAfter = 8
            out.append(table)
        return out

    return build_pdf(story)
