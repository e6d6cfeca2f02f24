"""Staff panel areas "Объявления" and "Опросы" (R23). Everyone on staff reads the school's announcements for
everyone or for the staff; the administration publishes to the school, a grade, a class or the staff, a class
teacher to their own classes (models/access.py). Surveys: their settings, questions, the results with a chart
drawn on the server, and the XLSX export. Every decision is models/announcements; these views parse and show."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext, lazy_gettext

import school_clock
from i18n import text
from models.access import PUBLISHERS
from models.announcements.board import (
    AUDIENCE_LABELS,
    AnnouncementDraft,
    announcement_file,
    announcement_form,
    current_announcements,
    delete_announcement,
    managed_announcements,
    save_announcement,
)
from models.announcements.results import results_table, survey_results
from models.announcements.surveys import (
    AUDIENCE_LABELS as SURVEY_AUDIENCES,
)
from models.announcements.surveys import (
    KIND_LABELS,
    SurveyDraft,
    add_question,
    delete_survey,
    managed_survey,
    managed_surveys,
    questions_of,
    remove_question,
    response_count,
    save_survey,
)
from models.announcements.window import Target, days, parse_target, target_choices
from models.base import utcnow
from models.parsing import parse_id
from models.school_time import zone_of
from reports.charts import bar_chart
from reports.export import XLSX_MIMETYPE, write_xlsx
from web.files import send_attachment

from .base import StaffPage, actor, operation, refusal_page
from .forms import ACCEPT_FILES, parse_date, uploaded_files


def _publisher():
    if not actor().has(*PUBLISHERS):
        abort(403)


class AnnouncementsView(StaffPage):
    @expose("/")
    def index(self):
        a, now = actor(), utcnow()
        publisher = a.has(*PUBLISHERS)
        return self.render(
            "admin/announcements/list.html",
            current=current_announcements(a, now),
            managed=managed_announcements(a, now) if publisher else [],
            publisher=publisher,
            file_endpoint="announcements.file",
        )

    def _draft(self) -> AnnouncementDraft:
        form = request.form
        return AnnouncementDraft(
            title=form.get("title"),
            body=form.get("body"),
            audience=form.get("audience"),
            target=Target() if form.get("audience") == "staff" else parse_target(form.get("target")),
            first_day=parse_date(form.get("first_day")),
            last_day=parse_date(form.get("last_day")),
            files=uploaded_files(),
            remove_files=[i for i in map(parse_id, form.getlist("remove")) if i is not None],
        )

    def _form(self, draft: AnnouncementDraft | None, row_id: int | None, files=()):
        return self.render(
            "admin/announcements/form.html",
            draft=draft,
            row_id=row_id,
            files=files,
            audiences=AUDIENCE_LABELS,
            targets=target_choices(actor(), utcnow()),
            form=request.form,
            accept=ACCEPT_FILES,
        )

    @expose("/new", methods=["GET", "POST"])
    def new(self):
        _publisher()
        if request.method == "POST":
            with operation() as done:
                save_announcement(actor(), None, self._draft(), now=utcnow())
            if done:
                flash(gettext("Объявление опубликовано."), "success")
                return redirect(url_for(".index"), 303)
        return self._form(None, None)

    @expose("/<int:announcement_id>", methods=["GET", "POST"])
    def edit(self, announcement_id: int):
        _publisher()
        if request.method == "POST":
            deleting = request.form.get("action") == "delete"
            with operation(forged_aborts=True) as done:
                if deleting:
                    delete_announcement(actor(), announcement_id)
                else:
                    save_announcement(actor(), announcement_id, self._draft(), now=utcnow())
            if done:
                flash(gettext("Объявление удалено.") if deleting else gettext("Объявление сохранено."), "success")
                return redirect(url_for(".index"), 303)
        with refusal_page():
            _row, draft, files = announcement_form(actor(), announcement_id)
        return self._form(None if request.method == "POST" else draft, announcement_id, files)

    @expose("/<int:announcement_id>/files/<int:attachment_id>")
    def file(self, announcement_id: int, attachment_id: int):
        with refusal_page():
            att = announcement_file(actor(), announcement_id, attachment_id, utcnow())
        return send_attachment(att)


class SurveysView(StaffPage):
    roles = PUBLISHERS

    @expose("/")
    def index(self):
        return self.render("admin/surveys/list.html", surveys=managed_surveys(actor(), utcnow()))

    def _draft(self) -> SurveyDraft:
        form = request.form
        return SurveyDraft(
            title=form.get("title"),
            description=form.get("description"),
            audience=form.get("audience"),
            target=parse_target(form.get("target")),
            per_family=form.get("per_family") == "1",
            anonymous=form.get("anonymous") == "1",
            first_day=parse_date(form.get("first_day")),
            last_day=parse_date(form.get("last_day")),
        )

    def _form(self, survey_id: int | None):
        a = actor()
        row = draft = None
        questions, answered = [], 0
        if survey_id is not None:
            with refusal_page():
                row = managed_survey(a, survey_id)
            first, last = days(zone_of(a.school_id), row.opens_at, row.closes_at)
            draft = SurveyDraft(
                row.title,
                row.description,
                row.audience,
                Target(row.class_id, row.grade),
                row.per_family,
                row.is_anonymous,
                first,
                last,
            )
            questions, answered = questions_of(row.id), response_count(row.id)
        return self.render(
            "admin/surveys/form.html",
            row=row,
            draft=None if request.method == "POST" and request.form.get("action") == "save" else draft,
            questions=questions,
            answered=answered,
            kinds=KIND_LABELS,
            audiences=SURVEY_AUDIENCES,
            targets=target_choices(a, utcnow()),
            form=request.form,
        )

    @expose("/new", methods=["GET", "POST"])
    def new(self):
        if request.method == "POST":
            with operation() as done:
                row = save_survey(actor(), None, self._draft(), now=utcnow())
            if done:
                flash(gettext("Опрос создан. Добавьте вопросы."), "success")
                return redirect(url_for(".edit", survey_id=row.id), 303)
        return self._form(None)

    @expose("/<int:survey_id>", methods=["GET", "POST"])
    def edit(self, survey_id: int):
        if request.method == "POST":
            action, a, form = request.form.get("action"), actor(), request.form
            with operation(forged_aborts=True) as done:
                if action == "delete":
                    delete_survey(a, survey_id)
                elif action == "add":
                    add_question(
                        a,
                        survey_id,
                        text=form.get("text"),
                        kind=form.get("kind"),
                        options=form.get("options"),
                        required=form.get("required") == "1",
                    )
                elif action == "remove":
                    remove_question(a, survey_id, parse_id(form.get("question")))
                else:
                    save_survey(a, survey_id, self._draft(), now=utcnow())
            if done and action == "delete":
                flash(gettext("Опрос удалён."), "success")
                return redirect(url_for(".index"), 303)
            if done:
                flash(gettext("Сохранено."), "success")
                return redirect(url_for(".edit", survey_id=survey_id), 303)
        return self._form(survey_id)

    @expose("/<int:survey_id>/results")
    def results(self, survey_id: int):
        with refusal_page():
            summary = survey_results(actor(), survey_id)
        charts = {
            q.id: bar_chart([(b.label, b.count, b.percent) for b in q.bars], title=q.text)
            for q in summary.questions
            if q.bars
        }
        return self.render("admin/surveys/results.html", r=summary, charts=charts)

    @expose("/<int:survey_id>/results.xlsx")
    def export(self, survey_id: int):
        with refusal_page():
            survey, headers, rows = results_table(actor(), survey_id)
        body = write_xlsx([text(h) for h in headers], rows, sheet_title=survey.title, tz=school_clock.zone())
        stem = f"{survey.title[:60]}-{school_clock.today():%Y-%m-%d}"
        disposition = (
            f"attachment; filename=survey-{survey.id}.xlsx; filename*=UTF-8''{quote(stem.replace('/', '_'))}.xlsx"
        )
        return Response(body, mimetype=XLSX_MIMETYPE, headers={"Content-Disposition": disposition})


def register(admin) -> None:
    category = lazy_gettext("Объявления")  # one menu item for both: the bar fits one line at 1366 px
    admin.add_view(
        AnnouncementsView(
            name=lazy_gettext("Объявления"), category=category, endpoint="announcements", url="/admin/announcements"
        )
    )
    admin.add_view(
        SurveysView(name=lazy_gettext("Опросы"), category=category, endpoint="surveys", url="/admin/surveys")
    )
