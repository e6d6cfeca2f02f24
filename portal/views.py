"""Portal pages: the public start page, the family home, the diary and the marks by subject."""

from __future__ import annotations

import datetime as dt

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

import school_clock
from i18n import error_text
from models.access import Actor
from models.base import db, utcnow
from models.errors import JournalError
from models.home.family import family_home
from models.home.overview import school_overview
from models.journal.diary import diary_week, family_overview
from models.notices.feed import mark_seen, unread_count
from models.notices.trail import mark_trail
from models.parsing import parse_date, parse_id
from models.reports.report_card import report_card
from models.tables.accounts import STAFF_ROLES

from . import bp


@bp.get("/")
def index():
    """The public start page: what the diary is and how families get access (R35, S1 1.13)."""
    return render_template("portal/index.html", overview=school_overview())


def _family_only():
    if current_user.has_role(*STAFF_ROLES) and not current_user.has_role("parent", "student"):
        return redirect(url_for("admin.index"))
    return None


@bp.context_processor
def _unread_notices():
    """The navigation's count of unseen notices, for families (the home page passes the one it built)."""
    if "unread" not in g:
        family = current_user.is_authenticated and current_user.has_role("parent", "student")
        g.unread = unread_count(Actor.of(current_user), utcnow()) if family else 0
    return {"unread_notices": g.unread}


@bp.get("/home")
@login_required
def home():
    """Each child's latest marks, homework for today and tomorrow, and what is new since the last visit (R21)."""
    if (away := _family_only()) is not None:
        return away
    today = school_clock.today()
    children = family_home(Actor.of(current_user), today, utcnow())
    g.unread = sum(child.notices.count for child in children)
    return render_template("portal/home.html", children=children, today=today, tomorrow=today + dt.timedelta(days=1))


@bp.post("/home/seen")
@login_required
def notices_seen():
    """Everything shown so far is seen: for one child (``student``) or all of them."""
    student_id = parse_id(request.form.get("student"))
    if request.form.get("student") and student_id is None:
        abort(400, _("Неверный номер обучающегося."))
    try:
        mark_seen(Actor.of(current_user), student_id, utcnow())
    except JournalError as exc:
        abort(exc.status, error_text(exc))
    db.session.commit()
    return redirect(url_for("portal.home"))


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
    return render_template("portal/diary.html", week=week, family=family_overview(Actor.of(current_user)))


@bp.get("/diary/<int:student_id>/lessons/<int:lesson_id>/marks")
@login_required
def mark_history(student_id: int, lesson_id: int):
    """A mark's comment and history, in the family's words: who put or changed it, when, old → new."""
    try:
        lesson, trail = mark_trail(Actor.of(current_user), student_id, lesson_id)
    except JournalError as exc:
        abort(exc.status, error_text(exc))
    return render_template("portal/mark_history.html", lesson=lesson, trail=trail, student_id=student_id)


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
