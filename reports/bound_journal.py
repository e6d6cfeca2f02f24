"""The bound class journal as one PDF (data: ``models.reports.bound_journal.bound_journal``): the title page,
per subject the two pages of the single journal printout (``reports.journal_print.journal_story``), the
attendance summary, the period marks, the class teacher's pages (roster with dates of birth and contacts, the
movement of students). User text goes through ``para`` (escaped) or is a plain cell string."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _

from i18n import text
from models.reports.bound_journal import BoundJournal, MarksTable
from models.reports.charts import class_charts

from .charts import column_chart, scaled
from .journal_print import journal_story
from .pdf import FONT_BOLD, build_pdf, grid_table, para, title

SIZE = 9
NUMBER_WIDTH, NAME_WIDTH = 18, 150
MAX_MARK_WIDTH = 56
CHART_SCALE = 0.68  # three charts and the heading on one landscape page


def _day(value) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _volume_name(b: BoundJournal) -> str:
    if b.whole_year:
        return _("Учебный год %(year)s", year=b.year.name)
    return f"{text(b.periods[0].name)} · {b.year.name}"


def _title_page(b: BoundJournal) -> list:
    from reportlab.platypus import PageBreak, Spacer

    teacher = b.class_teacher.full_name if b.class_teacher else "—"
    lines = [
        (_("Класс"), b.school_class.name),
        (_("Учебный год"), b.year.name),
        (_("Период"), _("весь учебный год") if b.whole_year else text(b.periods[0].name)),
        (_("Даты"), f"{_day(b.starts_on)} – {_day(b.ends_on)}"),
        (_("Классный руководитель"), teacher),
        (_("Предметов"), str(len(b.subjects))),
        (_("Обучающихся"), str(len(b.roster))),
        (_("Напечатано"), _day(b.today)),
    ]
    table = grid_table([[para(k, 12, bold=True), para(v, 12)] for k, v in lines], [220, 360], 12)
    table.hAlign = "CENTER"
    return [
        Spacer(1, 60),
        para(b.school.name, 16, bold=True, align="center", space_after=24),
        para(_("Классный журнал"), 24, bold=True, align="center", space_after=8),
        para(f"{b.school_class.name} · {_volume_name(b)}", 16, align="center", space_after=36),
        table,
        PageBreak(),
    ]


def _students_header(*rest) -> list:
    return ["№", para(_("Обучающийся"), SIZE, bold=True), *rest]


def _attendance(b: BoundJournal, width: float) -> list:
    labels = [
        _("Пропущено уроков"),
        _("по уважительной причине"),
        _("без уважительной причины"),
        _("причина не указана"),
        _("опозданий"),
    ]
    rest = (width - NUMBER_WIDTH - NAME_WIDTH) / len(labels)
    rows = [_students_header(*(para(label, SIZE, bold=True, align="center") for label in labels))]
    for i, t in enumerate(b.attendance, 1):
        rows.append([str(i), para(t.student.full_name, SIZE), t.missed, t.excused, t.unexcused, t.unexplained, t.late])
    rows.append(
        [
            "",
            para(_("Итого"), SIZE, bold=True),
            *(sum(getattr(t, key) for t in b.attendance) for key in ("missed", "excused", "unexcused", "unexplained")),
            sum(t.late for t in b.attendance),
        ]
    )
    extra = [("ALIGN", (2, 0), (-1, -1), "CENTER"), ("FONTNAME", (0, -1), (-1, -1), FONT_BOLD)]
    return [
        *title(_("Сводная ведомость посещаемости"), f"{b.school_class.name} · {_volume_name(b)}"),
        grid_table(rows, [NUMBER_WIDTH, NAME_WIDTH, *[rest] * len(labels)], SIZE, extra=extra),
    ]


def _marks(b: BoundJournal, table: MarksTable, width: float) -> list:
    n = max(len(table.subjects), 1)
    mark_width = min(MAX_MARK_WIDTH, (width - NUMBER_WIDTH - NAME_WIDTH) / n)
    header = _students_header(  # short names, small: a dozen subjects across a landscape page
        *(para(s.short_name or s.name, SIZE - 2, bold=True, align="center") for s in table.subjects)
    )
    rows = [header]
    for i, line in enumerate(b.roster, 1):
        rows.append(
            [str(i), para(line.student.full_name, SIZE), *(table.mark(line.student.id, s.id) for s in table.subjects)]
        )
    heading = _("Итоговые отметки за год") if table.kind == "year" else _("Отметки за период")
    return [
        *title(heading, f"{b.school_class.name} · {text(table.title)} · {b.year.name}"),
        grid_table(
            rows,
            [NUMBER_WIDTH, NAME_WIDTH, *[mark_width] * len(table.subjects)],
            SIZE,
            extra=[
                ("ALIGN", (2, 0), (-1, -1), "CENTER"),
                ("LEFTPADDING", (2, 0), (-1, -1), 1),
                ("RIGHTPADDING", (2, 0), (-1, -1), 1),
            ],
        ),
    ]


def _roster(b: BoundJournal, width: float) -> list:
    widths = [NUMBER_WIDTH, NAME_WIDTH, 62, 62, 0]
    widths[-1] = width - sum(widths)
    header = _students_header(
        para(_("Дата рождения"), SIZE, bold=True),
        para(_("В классе с"), SIZE, bold=True),
        para(_("Родители (законные представители), телефон, e-mail, место работы"), SIZE, bold=True),
    )
    rows = [header]
    for line in b.roster:
        family = "; ".join(
            ", ".join(
                part
                for part in (f"{g.name} ({_(g.relation)})", g.phone or "", g.email or "", g.workplace or "")
                if part
            )
            for g in line.guardians
        )
        rows.append(
            [
                str(line.number),
                para(line.student.full_name, SIZE),
                _day(line.student.birth_date),
                _day(line.since),
                para(family, SIZE),
            ]
        )
    return [
        *title(_("Сведения об обучающихся"), f"{b.school_class.name} · {b.year.name}"),
        grid_table(rows, widths, SIZE),
    ]


def _movement(b: BoundJournal, width: float) -> list:
    widths = [62, NAME_WIDTH, 70, 0, 80]
    widths[3] = width - sum(widths)
    header = [_("Дата"), _("Обучающийся"), _("Движение"), _("Основание"), _("Приказ")]
    rows = [
        [
            _day(m.date),
            para(m.student.full_name, SIZE),
            _("прибыл(а)") if m.arrived else _("выбыл(а)"),
            para(", ".join(part for part in (_(m.reason) if m.reason else "", m.note or "") if part), SIZE),
            para(m.order_no or "", SIZE),
        ]
        for m in b.movement
    ]
    extra = []
    if not rows:
        rows = [[para(_("Движения обучающихся за этот срок не было."), SIZE), "", "", "", ""]]
        extra = [("SPAN", (0, 1), (-1, 1))]
    return [
        *title(_("Движение обучающихся"), f"{b.school_class.name} · {_volume_name(b)}"),
        grid_table([header, *rows], widths, SIZE, extra=extra),
    ]


def _charts(b: BoundJournal) -> list:
    """The class's charts, the same drawings as the results page shows as SVG."""
    return [
        *title(_("Диаграммы"), f"{b.school_class.name} · {_volume_name(b)}"),
        *(scaled(column_chart(chart, label=text), CHART_SCALE) for chart in class_charts(b)),
    ]


def bound_journal_pdf(b: BoundJournal, *, progress: Callable[[float], None] | None = None) -> bytes:
    from reportlab.platypus import PageBreak

    def story(width: float, _height: float) -> list:
        out = _title_page(b)
        for p in b.pages:
            out += [*journal_story(p, width), PageBreak()]
        out += [*_attendance(b, width), PageBreak()]
        for table in b.marks:
            out += [*_marks(b, table, width), PageBreak()]
        out += [*_charts(b), PageBreak()]
        out += [*_roster(b, width), PageBreak(), *_movement(b, width)]
        return out

    return build_pdf(story, progress=progress)
