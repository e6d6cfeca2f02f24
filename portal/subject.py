"""A subject's page for the family (R20, R27): the period's marks with their comments and history, the period
mark once set, and the forecast — what the marks lead to and what the next mark up needs."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

import school_clock
from i18n import error_text
from models.access import Actor
from models.errors import JournalError
from models.journal.diary import family_overview
from models.parsing import parse_id
from models.reports.report_card import ReportCard, subject_marks
from models.reports.report_cards import student_report
from reports.report_card import report_cards_pdf

from . import bp
from .kept_pages import card_page


@bp.get("/diary/<int:student_id>/subjects/<int:subject_id>")
@login_required
def subject(student_id: int, subject_id: int):
    """Kept as the marks page is, by the card's stamp (portal/kept_pages.py)."""

    def build(actor: Actor, card: ReportCard):
        line = subject_marks(card, subject_id)
        if line is None:  # the child switcher keeps the subject; a child without it gets their marks page
            flash(_("У обучающегося нет этого предмета в выбранном году."), "info")
            return redirect(url_for("portal.marks", student_id=student_id))
        return render_template("portal/subject.html", card=card, line=line, family=family_overview(actor))

    return card_page(student_id, SUBJECT_TEMPLATES, build, subject_id)


SUBJECT_TEMPLATES = ("portal/subject.html", "portal/_children.html", "portal/_forecast.html", "portal/base.html")


@bp.get("/diary/<int:student_id>/letter.pdf")
@login_required
def letter(student_id: int):
    """The parents' information letter for the period of the query string (the marks page's), in the family's
    language."""
    today = school_clock.today()
    try:
        report = student_report(
            Actor.of(current_user), student_id, today=today, period_id=parse_id(request.args.get("period"))
        )
    except JournalError as exc:
        abort(exc.status, error_text(exc))
    return Response(
        report_cards_pdf([report], "letter", today=today),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="letter-{student_id}-{report.card.period.id}.pdf"'},
    )
