"""The journal page printed like the paper class journal (R32), drawn with ReportLab's own tables: the
left-hand page — the grid of students and recorded lessons in blocks that fit a landscape A4 sheet, the
period mark after the last block — and the right-hand page — each lesson's date, topic, kind of work and
homework (lessons recorded ahead of the day of printing apart, as planned). The legend and the closing line
stay with the last rows of their table (``pdf.ends_with``): no page holds only them. The data is
``models.reports.journal_print.journal_print``; user text (names, topics, homework, kinds of work) is escaped for ReportLab's paragraph markup or drawn as a plain cell string."""

from __future__ import annotations

from flask_babel import gettext as _

from i18n import text
from models.reports.journal_print import JournalPrint, PrintBlock

from .pdf import FONT_BOLD, build_pdf, ends_with, grid_table, para, title

GRID_SIZE = 8
TOPICS_SIZE = 9
NUMBER_WIDTH, NAME_WIDTH, MARK_WIDTH = 14, 110, 34
MAX_DATE_WIDTH = 40


def _block(p: JournalPrint, block: PrintBlock, width: float):
    period = p.page.period
    tail = MARK_WIDTH if block.last else 0
    n = max(len(block.columns), 1)
    date_width = min(MAX_DATE_WIDTH, (width - NUMBER_WIDTH - NAME_WIDTH - tail) / n)
    header = ["№", para(_("Обучающийся"), GRID_SIZE, bold=True)]
    header += [
        c.date.strftime("%d.%m") + ("*" if c.work_kind and c.work_kind.is_control else "") for c in block.columns
    ]
    rows = [header + ([para(text(period.name), GRID_SIZE, bold=True, align="center")] if block.last else [])]
    for number, student_id, name, cells in block.rows:
        rows.append(
            [str(number), para(name, GRID_SIZE), *(text(cell) for cell in cells)]
            + ([text(p.period_marks.get(student_id, ""))] if block.last else [])
        )
    widths = [NUMBER_WIDTH, NAME_WIDTH, *([date_width] * len(block.columns)), *([MARK_WIDTH] if block.last else [])]
    extra = [
        ("ALIGN", (2, 0), (-1, -1), "CENTER"),
        ("FONTSIZE", (2, 0), (-1, 0), GRID_SIZE - 1),
        ("LEFTPADDING", (2, 0), (-1, -1), 1),
        ("RIGHTPADDING", (2, 0), (-1, -1), 1),
    ]
    if block.last:
        extra.append(("FONTNAME", (-1, 1), (-1, -1), FONT_BOLD))
    table = grid_table(rows, widths, GRID_SIZE, extra=extra)
    table.hAlign = "LEFT"
    table.spaceAfter = 6
    return table


def _topics(columns: list, width: float):
    widths = [18, 48, 0, 90, 170]
    widths[2] = width - sum(widths)
    header = ["№", _("Дата"), _("Тема урока"), _("Вид работы"), _("Домашнее задание")]
    rows = [
        [
            str(i),
            c.date.strftime("%d.%m.%Y"),
            para(c.lesson.topic, TOPICS_SIZE),
            para(text(c.work_kind.title) if c.work_kind else "", TOPICS_SIZE),
            para(c.lesson.homework, TOPICS_SIZE),
        ]
        for i, c in enumerate(columns, 1)
    ]
    extra = []
    if not rows:
        rows = [[para(_("Уроки не записаны."), TOPICS_SIZE), "", "", "", ""]]
        extra = [("SPAN", (0, 1), (-1, 1))]
    return grid_table([header, *rows], widths, TOPICS_SIZE, extra=extra)


def journal_story(p: JournalPrint, width: float) -> list:
    """The two pages of one journal page (marks, then topics) as flowables: the single printout and each
    subject of the bound class journal (reports/bound_journal.py) are made of these."""
    from reportlab.platypus import PageBreak

    page = p.page
    journal, teacher = _("Классный журнал"), _("Учитель")  # outside the f-strings, where pybabel sees them
    heading = f"{journal}: {page.school_class.name} · {page.subject.name}" + (
        f" ({page.subgroup.name})" if page.subgroup else ""
    )
    period = page.period
    subtitle = (
        f"{teacher}: {page.teacher.full_name} · {text(period.name)} {page.year.name} "
        f"({period.starts_on:%d.%m.%Y} – {period.ends_on:%d.%m.%Y})"
    )
    blocks = [_block(p, block, width) for block in p.blocks]
    legend = para(
        _("н — отсутствовал(а), оп — опоздал(а); * — контрольная, лабораторная или практическая работа."),
        GRID_SIZE,
    )
    printed = para(
        _("Напечатано %(date)s. Записей: %(n)s.", date=page.today.strftime("%d.%m.%Y"), n=len(p.lessons)), GRID_SIZE
    )
    out = [
        *title(heading, subtitle),
        *blocks[:-1],
        ends_with(blocks[-1], legend),  # the legend under the grid's last rows, never alone on a page
        PageBreak(),
        *title(_("Что пройдено на уроке")),
    ]
    if not p.planned:
        return [*out, ends_with(_topics(p.lessons, width), printed)]
    planned = _("Запланировано (уроки после %(date)s, ещё не проведены)", date=page.today.strftime("%d.%m.%Y"))
    return [
        *out,
        _topics(p.lessons, width),
        para(planned, 11, bold=True, space_after=4),
        ends_with(_topics(p.planned, width), printed),
    ]


def journal_print_pdf(p: JournalPrint) -> bytes:
    return build_pdf(lambda width, _height: journal_story(p, width))
