"""Staff panel area "Отчёты": the monthly control of how the journal is kept (R28, R29) — per teacher and
journal page the lessons expected and recorded, late topics and marks, lessons without homework, students
without marks or with one — on screen and as the printable "справка" (PDF). The administration only. Every
figure comes from models/reports/journal_control.py."""

from __future__ import annotations

import datetime as dt

from flask import Response, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext, lazy_gettext

from i18n import error_text
from models import db
from models.access import ADMINISTRATION, can_control_journal, can_manage_organisation, can_write_remarks
from models.base import utcnow
from models.errors import JournalError, NotFound
from models.journal.remarks import accept_remark, add_remark, remarks_between
from models.parsing import parse_month
from models.reports.control_findings import PLAN, finding_counts, findings
from models.reports.effectiveness import effectiveness
from models.reports.journal_control import journal_control
from reports.export import XLSX_MIMETYPE, write_xlsx
from reports.journal_control import (
    cells,
    columns,
    effectiveness_legend,
    effectiveness_pdf,
    effectiveness_table,
)

from .base import StaffPage, actor, operation, refusal_page
from .forms import parse_date, to_int, today
from .jobs import start
from .results import CATEGORY


def month_asked() -> dt.date:
    """?month=2026-11 (or a full date); this month when absent, unreadable or out of range."""
    month = parse_month(request.values.get("month"))
    if month is not None and 2000 <= month.year <= 2100:  # a school year, not the calendar's edges
        return month
    return today().replace(day=1)


def _control():
    with refusal_page():
        return journal_control(actor(), month_asked(), today=today())


def fix_url(finding) -> str:
    """Where a finding is fixed: the page's thematic plan, or its journal grid."""
    if finding.fix == PLAN:
        return url_for("plan.plan", assignment_id=finding.assignment_id)
    return url_for("journal.grid", assignment_id=finding.assignment_id)


class ControlView(StaffPage):
    roles = ADMINISTRATION

    def is_accessible(self) -> bool:
        return super().is_accessible() and can_control_journal(actor())

    @expose("/")
    def index(self):
        c = _control()
        expanded = to_int(request.args.get("teacher"))
        return self.render(
            "admin/control/index.html",
            c=c,
            today=today(),
            default_due=today() + dt.timedelta(days=7),
            expanded=expanded,
            remarks=remarks_between(actor(), c.first, c.last),
            can_write=can_write_remarks(actor()),
            control_columns=columns(),
            control_cells=cells,
            found_counts=finding_counts(c),
            found=findings(c, teacher_id=expanded) if expanded else [],
            fix_url=fix_url,
        )

    @expose("/report", methods=["POST"])
    def report(self):
        """The справка of the month, printed in the background (a school's month runs to dozens of pages: seconds)
        and downloaded from "Мои задания" (tasks.py)."""
        month = month_asked()
        try:
            return start("control_report", {"month": month.isoformat(), "today": today().isoformat()})
        except JournalError as exc:
            db.session.rollback()
            flash(error_text(exc), "error")
            return redirect(url_for(".index", month=f"{month:%Y-%m}"), 303)

    @expose("/remarks", methods=["POST"])
    def remark(self):
        f = request.form
        month = f.get("month", "")
        with operation() as done:
            add_remark(
                actor(),
                teacher_id=to_int(f.get("teacher")),
                assignment_id=to_int(f.get("assignment")),
                text=f.get("text"),
                due_on=parse_date(f.get("due_on")),
                now=utcnow(),
            )
        if done:
            flash(gettext("Замечание записано: учитель увидит его на своей главной странице."), "success")
        return redirect(url_for(".index", month=month) + "#remarks")

    @expose("/remarks/<int:remark_id>/accept", methods=["POST"])
    def accept(self, remark_id: int):
        with operation(forged_aborts=(NotFound,)) as done:
            accept_remark(actor(), remark_id, now=utcnow())
        if done:
            flash(gettext("Замечание снято."), "success")
        return redirect(url_for(".index", month=request.form.get("month", "")) + "#remarks")


class EffectivenessView(StaffPage):
    """Journal-keeping effectiveness per teacher and month (R31): the formula with the school's weights, the
    shares and the score; XLSX."""

    roles = ADMINISTRATION

    def is_accessible(self) -> bool:
        return super().is_accessible() and can_control_journal(actor())

    def _effectiveness(self):
        with refusal_page():
            return effectiveness(actor(), month_asked(), today=today())

    @expose("/")
    def index(self):
        e = self._effectiveness()
        headers, rows = effectiveness_table(e)
        legend, note = effectiveness_legend(e)
        return self.render(
            "admin/control/effectiveness.html",
            e=e,
            c=e.control,
            headers=headers,
            rows=rows,
            legend=legend,
            note=note,
            settings_url=url_for("school_settings.index") if can_manage_organisation(actor()) else None,
        )

    @expose("/effectiveness.xlsx")
    def xlsx(self):
        e = self._effectiveness()
        headers, rows = effectiveness_table(e)
        body = write_xlsx(headers, rows, sheet_title=f"{e.control.month:%Y-%m}")
        return Response(
            body,
            mimetype=XLSX_MIMETYPE,
            headers={"Content-Disposition": f'attachment; filename="effectiveness-{e.control.month:%Y-%m}.xlsx"'},
        )

    @expose("/effectiveness.pdf")
    def pdf(self):
        e = self._effectiveness()
        return Response(
            effectiveness_pdf(e),
            mimetype="application/pdf",
            headers={"Content-Disposition": f"inline; filename=effectiveness-{e.control.month:%Y-%m}.pdf"},
        )


def register(admin) -> None:
    admin.add_view(
        ControlView(
            name=lazy_gettext("Контроль ведения журнала"),
            category=CATEGORY,
            endpoint="journal_control",
            url="/admin/control",
        )
    )
    admin.add_view(
        EffectivenessView(
            name=lazy_gettext("Эффективность ведения журнала"),
            category=CATEGORY,
            endpoint="journal_effectiveness",
            url="/admin/effectiveness",
        )
    )
