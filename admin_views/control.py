"""Staff panel area "Отчёты": the monthly control of how the journal is kept (R28, R29) — per teacher and
journal page the lessons expected and recorded, late topics and marks, lessons without homework, students
without marks or with one — on screen and as the printable "справка" (PDF). The administration only. Every
figure comes from models/journal_control.py."""
from __future__ import annotations

import datetime as dt

from flask import Response, abort, request
from flask_admin import expose
from flask_babel import lazy_gettext

from i18n import error_text
from models.errors import JournalError
from models.journal_control import can_control_journal, journal_control
from reports.pdf import render_pdf

from .base import StaffPage, actor
from .finals import fmt_num
from .forms import today
from .results import CATEGORY


def _month() -> dt.date:
    """?month=2026-11 (or a full date); this month when absent or unreadable."""
    raw = (request.args.get("month") or "").strip()
    for fmt in ("%Y-%m", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(raw, fmt).date().replace(day=1)
        except ValueError:
            continue
    return today().replace(day=1)


def _control():
    try:
        return journal_control(actor(), _month(), today=today())
    except JournalError as exc:
        abort(exc.status, error_text(exc))


class ControlView(StaffPage):
    roles = frozenset({"coordinator", "director", "operator"})

    def is_accessible(self) -> bool:
        return super().is_accessible() and can_control_journal(actor())

    @expose("/")
    def index(self):
        return self.render("admin/control/index.html", c=_control(), num=fmt_num)

    @expose("/report.pdf")
    def report_pdf(self):
        c = _control()
        pdf = render_pdf("reports/journal_control.html", c=c, num=fmt_num, orientation="landscape")
        return Response(pdf, mimetype="application/pdf",
                        headers={"Content-Disposition": f"inline; filename=journal-control-{c.month:%Y-%m}.pdf"})


def register(admin) -> None:
    admin.add_view(ControlView(name=lazy_gettext("Контроль ведения журнала"), category=CATEGORY,
                               endpoint="journal_control", url="/admin/control"))
