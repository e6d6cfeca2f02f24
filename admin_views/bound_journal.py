"""Staff panel area "Отчёты": the bound class journal (issue 16) — a class and a period (or the whole year) are
chosen here, the volume is made in the background (tasks.py, kind "journal_class_pdf") and downloaded from
"Мои задания", where its progress shows. Who may order which class: models/access.py
(``can_print_class_journal``); the choices and their checks: models/reports/bound_journal.py."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import lazy_gettext

from i18n import error_text
from models import db
from models.access import CLASS_OVERSIGHT, can_view_results
from models.errors import JournalError
from models.reports.bound_journal import YEAR, printable_classes, volume_choices, volume_params

from .base import StaffPage, actor
from .forms import to_int
from .jobs import start
from .results import CATEGORY


class BoundJournalView(StaffPage):
    roles = CLASS_OVERSIGHT

    def is_accessible(self) -> bool:
        return super().is_accessible() and can_view_results(actor())

    @expose("/")
    def index(self):
        classes = printable_classes(actor())
        wanted = to_int(request.args.get("class"))
        cls = next((c for c, _y in classes if c.id == wanted), classes[0][0] if classes else None)
        return self.render(
            "admin/bound_journal/index.html",
            classes=classes,
            cls=cls,
            periods=volume_choices(cls) if cls else [],
            year=YEAR,
            chosen=request.args.get("period") or "",
        )

    @expose("/order", methods=["POST"])
    def order(self):
        class_id = to_int(request.form.get("class"))
        try:
            params = volume_params(actor(), class_id, request.form.get("period"))
            return start("journal_class_pdf", params)
        except JournalError as exc:
            db.session.rollback()
            flash(error_text(exc), "error")
            return redirect(url_for(".index", **({"class": class_id} if class_id else {})), 303)


def register(admin) -> None:
    admin.add_view(
        BoundJournalView(
            name=lazy_gettext("Журнал класса (PDF)"),
            category=CATEGORY,
            endpoint="bound_journal",
            url="/admin/bound-journal",
        )
    )
