"""Report cards (табель) and the parents' information letter as PDF (models/reports/report_cards.py gives the
data): one page a student, each in the family's language, ReportLab tables in the embedded font. No database."""

from __future__ import annotations

import datetime as dt

from flask_babel import force_locale, gettext

from i18n import number, text

from .pdf import build_pdf, grid_table, para, title

SIZE = 9


def _absences(report, *, year: bool = False):
    """The lessons missed in the period (the letter) or the year so far (the табель), under the table."""
    line = para(_absence_text(report, year=year), 10)
    line.style = line.style.clone("absences", spaceBefore=8)
    return line


def _absence_text(report, *, year: bool) -> str:
    if year:
        a = report.year_absences
        return gettext(
            "Пропущено уроков за учебный год: %(missed)s, из них по уважительной причине: %(excused)s, без "
            "уважительной причины: %(unexcused)s.",
            missed=a.missed,
            excused=a.excused,
            unexcused=a.unexcused,
        )
    a = report.absences
    return gettext(
        "Пропущено уроков за «%(period)s»: %(missed)s, из них по уважительной причине: %(excused)s, без "
        "уважительной причины: %(unexcused)s.",
        period=text(report.card.period.name),
        missed=a.missed,
        excused=a.excused,
        unexcused=a.unexcused,
    )


def _who(report) -> str:
    card = report.card
    return gettext(
        "Обучающийся: %(student)s, класс %(class_name)s, %(year)s учебный год.",
        student=card.student.full_name,
        class_name=card.school_class.name,
        year=card.year.name,
    )


def _signatures(report, today: dt.date) -> list:
    lines = [
        para(gettext("Классный руководитель") + f" ____________________ {report.class_teacher}", 10),
        para(gettext("Подпись родителя") + " ____________________", 10),
        para(gettext("Дата: %(date)s", date=today.strftime("%d.%m.%Y")), 10),
    ]
    for line in lines:
        line.style = line.style.clone("signature", spaceBefore=18)
    return lines


def _card_page(report, width: float, today: dt.date) -> list:
    card = report.card
    out = title(gettext("Табель успеваемости"), _who(report))
    header = [para(gettext("Предмет"), SIZE, bold=True), *(para(text(c.label), SIZE, bold=True) for c in card.columns)]
    rows = [
        [
            para(line.subject.name, SIZE),
            *(card.summary[line.subject.id].get((c.period.id, c.kind), "") for c in card.columns),
        ]
        for line in card.subjects
    ]
    first = 0.34
    rest = (1 - first) / max(1, len(card.columns))
    center = [("ALIGN", (1, 1), (-1, -1), "CENTER")]
    out.append(grid_table([header, *rows], [first * width] + [rest * width] * len(card.columns), SIZE, extra=center))
    return [*out, _absences(report, year=True), *_signatures(report, today)]


def _letter_page(report, width: float, today: dt.date) -> list:
    card = report.card
    p = card.period
    out = title(gettext("Информационное письмо родителям"), _who(report))
    out.append(
        para(
            gettext(
                "Уважаемые родители! Сообщаем результаты обучения вашего ребёнка за «%(period)s» (%(starts)s – "
                "%(ends)s).",
                period=text(p.name),
                starts=p.starts_on.strftime("%d.%m.%Y"),
                ends=p.ends_on.strftime("%d.%m.%Y"),
            ),
            10,
            space_after=6,
        )
    )
    header = [
        para(h, SIZE, bold=True)
        for h in (gettext("Предмет"), gettext("Отметки"), gettext("Средний балл"), gettext("Отметка за период"))
    ]
    rows = []
    for line in card.subjects:
        average = (
            number(line.average) if line.average is not None else f"{number(line.percent)}%" if line.percent else ""
        )
        rows.append(
            [
                para(line.subject.name, SIZE),
                para(" ".join(chip.shown for chip in line.marks), SIZE),
                average,
                line.period_mark or "—",
            ]
        )
    shares = (0.3, 0.44, 0.12, 0.14)
    center = [("ALIGN", (2, 1), (-1, -1), "CENTER")]
    out.append(grid_table([header, *rows], [s * width for s in shares], SIZE, extra=center))
    return [*out, _absences(report), *_signatures(report, today)]


def report_cards_pdf(reports: list, kind: str, *, today: dt.date) -> bytes:
    """``reports``: StudentReport list; ``kind``: "card" (the табель of the year) or "letter" (the period's
    letter to the parents). Every student on a new page, in their family's language."""
    from reportlab.platypus import PageBreak

    page = _card_page if kind == "card" else _letter_page

    def story(width: float, _height: float) -> list:
        out: list = []
        for report in reports:
            if out:
                out.append(PageBreak())
            with force_locale(report.language):
                out.extend(page(report, width, today))
        return out

    return build_pdf(story, landscape=False)
