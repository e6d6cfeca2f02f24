"""Staff panel area "Отчёты": the results of a period (R30) — students by standing per class, успеваемость,
качество знаний, СОУ and the average per class, subject and teacher, lessons missed, the lists of students by
standing (provisional while the period runs) — on screen, as an XLSX workbook and as a PDF. The
administration reads the whole school, a class teacher their own classes. Every figure comes from
models/reports/results.py."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import lazy_gettext

from i18n import error_text, text
from models.access import CLASS_OVERSIGHT, can_view_results
from models.base import db
from models.errors import JournalError
from models.reports.charts import results_charts
from models.reports.report_cards import KINDS as REPORT_KINDS
from models.reports.report_cards import printable_class, student_report
from models.reports.results import LISTS, STANDINGS, period_results
from reports.charts import chart_svg, column_chart
from reports.export import XLSX_MIMETYPE
from reports.report_card import report_cards_pdf
from reports.results import results_pdf, results_xlsx

from .base import StaffPage, actor, refusal_page
from .forms import to_int, today
from .jobs import start

CATEGORY = lazy_gettext("Отчёты")
RESULTS_ROLES = CLASS_OVERSIGHT


def _results():
    with refusal_page():
        return period_results(actor(), _period(), today=today())


def _charts(r) -> list:
    """The charts block (templates/admin/results/_charts.html): SVG drawn on the server."""
    if r is None:
        return []
    return [
        (c.key, chart_svg(column_chart(c, label=text), key=c.key, title=text(c.title)))
        for c in results_charts(actor(), r, today=today())
    ]


class ResultsView(StaffPage):
    roles = RESULTS_ROLES

    def is_accessible(self) -> bool:
        return super().is_accessible() and can_view_results(actor())

    @expose("/")
    def index(self):
        r = _results()
        return self.render("admin/results/index.html", r=r, standings=STANDINGS, lists=LISTS, charts=_charts(r))

    @expose("/results.xlsx")
    def xlsx(self):
        r = _present(_results())
        return _file(results_xlsx(r, STANDINGS, LISTS), XLSX_MIMETYPE, f"{_name(r)}.xlsx", "attachment")

    @expose("/results.pdf")
    def pdf(self):
        r = _present(_results())
        return _file(results_pdf(r, STANDINGS, LISTS), "application/pdf", f"{_name(r)}.pdf", "inline")

    @expose("/report-cards/<int:class_id>", methods=["POST"])
    def class_report_cards(self, class_id: int):
        """Every student of the class on a page: the табель (kind=card) or the period's letter (kind=letter), built
        in the background (~0.1–0.3 s a student) and downloaded from "Мои задания"."""
        back = request.referrer or url_for(".index")
        try:
            printable_class(actor(), class_id)
            params = {"class_id": class_id, "period_id": _period(), "kind": _kind(), "today": today().isoformat()}
            return start("report_cards", params)
        except JournalError as exc:
            db.session.rollback()
            flash(error_text(exc), "error")
            return redirect(back, 303)

    @expose("/report-card/<int:student_id>.pdf")
    def student_report_card(self, student_id: int):
        with refusal_page():
            report = student_report(actor(), student_id, today=today(), period_id=_period())
        body = report_cards_pdf([report], _kind(), today=today())
        return _file(body, "application/pdf", f"{_kind()}-{student_id}.pdf", "inline")


def _period() -> int | None:
    return to_int(request.values.get("period"))


def _kind() -> str:
    kind = request.values.get("kind")
    return kind if kind in REPORT_KINDS else "card"


def _present(r):
    if r is None:
        abort(404)
    return r


def _name(r) -> str:
    return f"results-{r.period.year_id}-{r.period.scheme}-{r.period.number}"


def _file(body: bytes, mimetype: str, filename: str, disposition: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'{disposition}; filename="{filename}"'})


def register(admin) -> None:
    admin.add_view(
        ResultsView(name=lazy_gettext("Итоги периода"), category=CATEGORY, endpoint="results", url="/admin/results")
    )
