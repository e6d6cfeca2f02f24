"""Portal pages: the public start page, the family home, the diary and the marks by subject."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

import school_clock
from i18n import error_text
from models.access import Actor
from models.errors import JournalError
from models.home.overview import school_overview
from models.journal.diary import diary_week, family_overview
from models.parsing import parse_date, parse_id
from models.reports.report_card import report_card
from models.tables.accounts import STAFF_ROLES

from . import bp


@bp.get("/")
def index():
    """The public start page: what the diary is and how families get access (R35, S1 1.13)."""
    return render_template("portal/index.html", overview=school_overview())


@bp.get("/home")
@login_required
def home():
    if current_user.has_role(*STAFF_ROLES) and not current_user.has_role("parent", "student"):
        return redirect(url_for("admin.index"))
    return render_template("portal/home.html", family=family_overview(Actor.of(current_user)))


@bp.get("/diary/<int:student_id>")
@login_required
def diary(student_id: int):
    day = parse_date(request.args["week"]) if request.args.get("week") else school_clock.today()
    if day is None:
        abort(400, _("Неверная дата."))
    try:
        week = diary_week(Actor.of(current_user), student_id, day)
    except JournalError as exc:
        abort(exc.status, error_text(exc))
    return render_template("portal/diary.html", week=week)


@bp.get("/diary/<int:student_id>/marks")
@login_required
def marks(student_id: int):
    """Marks by subject for a period with averages and the period marks; the year's summary (R20)."""
    try:
        card = report_card(
            Actor.of(current_user),
            student_id,
            today=school_clock.today(),
            year_id=parse_id(request.args.get("year")),
            period_id=parse_id(request.args.get("period")),
        )
    except JournalError as exc:
        abort(exc.status, error_text(exc))
    return render_template("portal/marks.html", card=card)
