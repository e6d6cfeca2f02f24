"""The printable справка of the journal control (models/reports/journal_control.py gives the figures): ReportLab
tables in the embedded font. A school's month with its findings runs to dozens of pages (the district's demo school:
56 pages, 1.7–1.9 s), so it is printed by a background job (tasks.py, "control_report"), never in a request. No
database: the caller passes the report, the remarks and how to show a moment."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext

from i18n import number, text
from models.i18n import end_sentence

from .pdf import FONT_BOLD, build_pdf, grid_table, header_para, para, title

SIZE = 8


def columns() -> list[str]:
    """The control table's columns (the screen's too: templates/admin/control/_table.html)."""
    return [
        gettext("По расписанию"),
        gettext("Записано уроков"),
        gettext("Не записано"),
        gettext("Тема после срока"),
        gettext("Без д/з"),
        gettext("Отметок"),
        gettext("Отметки после срока"),
        gettext("Без отметок за месяц"),
        gettext("С одной отметкой"),
        gettext("Посещаемость не отмечена, уроков"),
        gettext("Уроков, где мало отметок"),
        gettext("Отставание от программы, уроков"),
        gettext("Часов: КТП / учебный план"),
        gettext("Контрольные: проведено / по КТП"),
        gettext("Замены: не записаны / всего"),
        gettext("Замена не оформлена"),
    ]


FIRST = 0.11  # the teacher's column's share of the width: the 16 figures' headers need the rest, words whole


def _share(value) -> str:
    return f"{number(value)}%" if value is not None else "—"


def cells(f) -> list[tuple[str, bool]]:
    """One line's figures as the screen and the справка show them: (text, to be marked as a problem); empty
    where nothing is late or missing."""
    return [
        (str(f.expected), False),
        (str(f.recorded), False),
        (str(f.unrecorded or ""), bool(f.unrecorded)),
        (str(f.late_topics or ""), bool(f.late_topics)),
        (str(f.no_homework or ""), False),
        (str(f.marks), False),
        (str(f.late_marks or ""), bool(f.late_marks)),
        (_share(f.without_marks_pct), False),
        (_share(f.one_mark_pct), False),
        (str(f.no_attendance or ""), bool(f.no_attendance)),
        (str(f.few_marks or ""), bool(f.few_marks)),
        (str(f.behind or ""), bool(f.behind)),
        (
            f"{f.plan_hours} / {f.curriculum_hours or '—'}",
            not f.plan_hours or bool(f.curriculum_hours and f.plan_hours != f.curriculum_hours),
        ),
        (f"{f.control_held} / {f.control_due}", bool(f.control_missing)),
        (f"{f.bad_substitutions} / {f.substitutions}" if f.substitutions else "", bool(f.bad_substitutions)),
        (str(f.unregistered or ""), bool(f.unregistered)),
    ]


def _finding_text(finding) -> str:
    """A finding as the справка prints it: the lessons to fix (attendance not taken) by their dates."""
    days = ", ".join(day.strftime("%d.%m") for _lesson, day in finding.lessons)
    return f"{text(finding.text)} ({days})" if days else text(finding.text)


def journal_control_pdf(c, remarks: list, moment: Callable[[object], str], found: list) -> bytes:
    """``c``: a JournalControl; ``remarks``: RemarkLine list; ``moment``: a stored moment as the school's day;
    ``found``: the control's findings (models/reports/control_findings.py)."""
    t = c.total
    summary = gettext(
        "По расписанию ожидалось уроков: %(expected)s, записано: %(recorded)s, не записано: %(unrecorded)s; тем, "
        "записанных после срока: %(late_topics)s; уроков без домашнего задания: %(no_homework)s. Выставлено "
        "отметок: %(marks)s, из них после срока: %(late_marks)s.",
        expected=t.expected,
        recorded=t.recorded,
        unrecorded=t.unrecorded,
        late_topics=t.late_topics,
        no_homework=t.no_homework,
        marks=t.marks,
        late_marks=t.late_marks,
    )

    def story(width: float, _height: float) -> list:
        out = title(
            gettext("Справка по итогам проверки ведения электронного журнала"),
            f"{c.school.name} · {text(c.month_name)} ({c.first:%d.%m.%Y} – {c.last:%d.%m.%Y})",
        )
        out.append(para(summary, 10, space_after=6))
        if c.usage_total:
            u = c.usage_total
            used = gettext(
                "Пользовались системой в этом месяце: обучающиеся — %(s)s из %(sn)s, родители — %(p)s из %(pn)s, "
                "учителя — %(t)s из %(tn)s.",
                s=u.students.active,
                sn=u.students.people,
                p=u.parents.active,
                pn=u.parents.people,
                t=u.teachers.active,
                tn=u.teachers.people,
            )
            out.append(para(used, 10, space_after=6))
        labels = columns()
        rest = (1 - FIRST) / len(labels)
        widths = [FIRST * width] + [rest * width] * len(labels)
        header = [header_para(label, w, SIZE) for label, w in zip((gettext("Учитель"), *labels), widths, strict=True)]
        rows = [[para(line.name, SIZE), *(value for value, _problem in cells(line.figures))] for line in c.teachers]
        rows.append([para(gettext("Итого"), SIZE, bold=True), *(value for value, _problem in cells(t))])
        right = [("ALIGN", (1, 1), (-1, -1), "RIGHT")]
        out.append(grid_table([header, *rows], widths, SIZE, extra=right))
        flagged = [line.name for line in c.teachers if line.figures.problems]
        out.append(
            para(
                end_sentence(gettext("Замечания по срокам и полноте записей: %(names)s", names=", ".join(flagged)))
                if flagged
                else gettext("Замечаний по срокам и полноте записей нет."),
                10,
                space_after=6,
            )
        )
        if found:
            out.append(para(gettext("Выявлено проверкой"), 10, bold=True, space_after=4))
            head = [gettext("Учитель"), gettext("Страница журнала"), gettext("Что исправить")]
            lines = [[para(x.teacher, SIZE), para(x.page, SIZE), para(_finding_text(x), SIZE)] for x in found]
            out.append(grid_table([head, *lines], [s * width for s in (0.2, 0.3, 0.5)], SIZE))
        if remarks:
            out.append(para(gettext("Замечания учителям"), 10, bold=True, space_after=4))
            head = [gettext("Дата"), gettext("Учитель"), gettext("Замечание"), gettext("Срок"), gettext("Исправлено")]
            lines = []
            for line in remarks:
                r = line.remark
                fixed = ""
                if r.fixed_at:
                    fixed = f"{moment(r.fixed_at)}: {r.fix_note or ''}"
                    if r.accepted_at:
                        fixed += f" ({gettext('снято')})"
                lines.append(
                    [
                        moment(r.created_at),
                        para(f"{line.teacher}, {line.page}" if line.page else line.teacher, SIZE),
                        para(r.text, SIZE),
                        r.due_on.strftime("%d.%m.%Y") if r.due_on else "",
                        para(fixed, SIZE),
                    ]
                )
            shares = (0.09, 0.2, 0.42, 0.09, 0.2)
            out.append(grid_table([head, *lines], [s * width for s in shares], SIZE))
        signature = para(gettext("Заместитель директора по УВР") + " ____________________", 10)
        signature.style = signature.style.clone("signature", spaceBefore=24)
        out.append(signature)
        return out

    return build_pdf(story)


def effectiveness_legend(e) -> tuple[list[tuple[str, str]], str]:
    """What each share of the formula measures, and how (the page and the PDF print the same words)."""
    lines = [
        ("T", gettext("темы уроков, записанные в срок, от уроков по расписанию (или записанных, если их больше)")),
        ("M", gettext("отметки, выставленные в срок, от всех отметок месяца")),
        ("H", gettext("уроки с домашним заданием от записанных уроков (в 1 классе задание не требуется)")),
        (
            "S",
            gettext(
                "обучающиеся, получившие хотя бы одну отметку за месяц, от всех обучающихся страниц учителя "
                "(без 1 класса)"
            ),
        ),
        ("R", gettext("замечания со сроком в этом месяце, исправленные к сроку, от всех таких замечаний")),
    ]
    note = gettext(
        "Каждый показатель — в процентах с точностью до десятых; если измерять нечего (нет отметок, нет "
        "замечаний), показатель равен 100. Веса — настройка школы «Эффективность ведения журнала: веса "
        "показателей в процентах», в сумме 100. Период: с %(first)s по %(last)s.",
        first=e.control.first.strftime("%d.%m.%Y"),
        last=e.control.last.strftime("%d.%m.%Y"),
    )
    return lines, note


def effectiveness_pdf(e) -> bytes:
    """The effectiveness of a month (models/reports/effectiveness.py) on paper: the formula with the school's
    weights, what each share measures, and per teacher the shares and the score, as the page shows them."""
    c = e.control
    headers, rows = effectiveness_table(e)
    legend, note = effectiveness_legend(e)

    def story(width: float, _height: float) -> list:
        out = title(
            gettext("Эффективность ведения журнала"),
            f"{c.school.name} · {text(c.month_name)} ({c.first:%d.%m.%Y} – {c.last:%d.%m.%Y})",
        )
        out.append(para(f"{gettext('Итог')} = {e.formula}", 11, bold=True, space_after=4))
        for code, words in legend:
            out.append(para(f"{code} — {words}", 9, space_after=1))
        out.append(para(note, 9, space_after=8))
        if not rows:
            out.append(para(gettext("В этом месяце по расписанию уроков не было."), 10))
            return out
        first = 0.25
        rest = (1 - first) / (len(headers) - 1)
        widths = [first * width] + [rest * width] * (len(headers) - 1)
        head = [header_para(h, w, SIZE + 1) for h, w in zip(headers, widths, strict=True)]
        body = [[para(row[0], SIZE + 1), *(number(value) for value in row[1:])] for row in rows]
        bold_score = [("FONT", (-1, 1), (-1, -1), FONT_BOLD, SIZE + 1, (SIZE + 1) * 1.2)]
        right = [("ALIGN", (1, 1), (-1, -1), "RIGHT"), *bold_score]
        out.append(grid_table([head, *body], widths, SIZE + 1, extra=right))
        return out

    return build_pdf(story)


def effectiveness_table(e) -> tuple[list[str], list[list]]:
    """The effectiveness of a month (models/reports/effectiveness.py) as the page and the XLSX show it:
    headers and rows, the shares and the score as numbers."""
    headers = [
        gettext("Учитель"),
        *[f"{code}: {gettext(label)}, %" for code, label in e.components],
        gettext("Итог, баллов из 100"),
    ]
    rows = [[line.name, *line.shares, line.score] for line in e.teachers]
    return headers, rows
