"""The families' announcements and surveys (R23): the page with every current announcement and the open surveys,
an announcement's file, and a survey's form (on a phone as well). Every decision is models/announcements; these
views parse and show."""

from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from i18n import error_text
from models.access import Actor
from models.announcements.board import announcement_file
from models.announcements.home import family_board
from models.announcements.surveys import answer_survey, questionnaire
from models.base import utcnow
from models.errors import JournalError
from web.files import send_attachment

from . import bp
from .inbox import _once


@bp.get("/announcements")
@login_required
def announcements():
    return render_template(
        "portal/announcements/list.html",
        board=family_board(Actor.of(current_user), utcnow(), limit=None),
    )


@bp.get("/announcements/<int:announcement_id>/files/<int:attachment_id>", endpoint="announcement_file")
@login_required
def announcement_file_download(announcement_id: int, attachment_id: int):
    try:
        att = announcement_file(Actor.of(current_user), announcement_id, attachment_id, utcnow())
    except JournalError as exc:
        abort(exc.status, error_text(exc))
    return send_attachment(att)


@bp.route("/surveys/<int:survey_id>", methods=["GET", "POST"])
@login_required
def survey(survey_id: int):
    actor = Actor.of(current_user)
    if request.method == "POST":

        def change():
            given = {
                int(key[1:]): request.form.getlist(key)
                for key in request.form
                if key.startswith("q") and key[1:].isascii() and key[1:].isdigit() and len(key) < 12
            }
            answer_survey(actor, survey_id, given, now=utcnow())
            flash(_("Спасибо! Ваш ответ принят."), "success")
            return url_for("portal.announcements")

        done = _once(change, fallback="portal.announcements")
        if done is not None:
            return done
    try:
        page = questionnaire(actor, survey_id, utcnow())
    except JournalError as exc:
        abort(exc.status, error_text(exc))
    return render_template("portal/announcements/survey.html", q=page, form=request.form)
