"""Staff panel area "Отчёты": the results of a period (R30) — students by standing per class, успеваемость,
качество знаний, СОУ and the average per class, subject and teacher — on screen and as an XLSX file. The
administration reads the whole school, a class teacher their own classes. Every figure comes from
models/reports/results.py."""

from __future__ import annotations

from flask import Response, abort, request
from flask_admin import expose
from flask_babel import gettext, lazy_gettext

from i18n import text
from models.access import CLASS_OVERSIGHT, can_view_results
from models.reports.charts import results_charts
from models.reports.results import STANDINGS, period_results
from reports.charts import chart_svg, column_chart
from reports.export import XLSX_MIMETYPE, write_xlsx

from .base import StaffPage, actor, refusal_page
from .forms import to_int, today

CATEGORY = lazy_gettext("Отчёты")
RESULTS_ROLES = CLASS_OVERSIGHT


def _results():
    with refusal_page():
        return period_results(actor(), to_int(request.args.get("period")), today=today())


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
        return self.render("admin/results/index.html", r=r, standings=STANDINGS, charts=_charts(r))

    @expose("/results.xlsx")
    def xlsx(self):
        r = _results()
        if r is None:
            abort(404)
        headers = [
            gettext("Класс"),
            gettext("Обучающихся"),
            *[gettext(label) for label in STANDINGS.values()],
            gettext("Успеваемость, %"),
            gettext("Качество знаний, %"),
            gettext("СОУ, %"),
            gettext("Средний балл"),
            gettext("Не выставлено отметок"),
        ]
        rows = [
            [
                line.school_class.name,
                line.standings.students,
                *[line.standings.counts[key] for key in STANDINGS],
                line.standings.success,
                line.standings.quality,
                line.marks.sou if line.marks.total else None,
                line.marks.average,
                line.missing,
            ]
            for line in r.classes
        ]
        rows.append(
            [
                gettext("Итого"),
                r.school.students,
                *[r.school.counts[key] for key in STANDINGS],
                r.school.success,
                r.school.quality,
                r.school_marks.sou if r.school_marks.total else None,
                r.school_marks.average,
                r.missing,
            ]
        )
        body = write_xlsx(headers, rows, sheet_title=text(r.period.name))
        filename = f"results-{r.period.year_id}-{r.period.scheme}-{r.period.number}.xlsx"
        return Response(
            body, mimetype=XLSX_MIMETYPE, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
        )


def register(admin) -> None:
    admin.add_view(
        ResultsView(name=lazy_gettext("Итоги периода"), category=CATEGORY, endpoint="results", url="/admin/results")
    )
