"""Portal pages: the public start page, the family home, the diary and the marks by subject."""

from __future__ import annotations

import datetime as dt

from flask import abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

import school_clock
from i18n import error_text
from models.access import FAMILY_ROLES, Actor
from models.announcements.home import family_board
from models.base import db, utcnow
from models.errors import JournalError
from models.home.family import family_home
from models.home.overview import school_overview
from models.journal.diary import diary_week, diary_week_stamp, family_overview
from models.journal.diary_ack import acknowledgement
from models.notices.feed import mark_seen
from models.notices.trail import mark_trail
from models.parsing import parse_date, parse_id
from models.tables.accounts import STAFF_ROLES

from . import bp
from .kept_pages import card_page, kept_or_built, page_etag


@bp.get("/")
def index():
    """The public start page: what the diary is and how families get access (R35, S1 1.13)."""
    # What is installed decides what the page offers (areas merged from other branches add their lines).
    return render_template("portal/index.html", overview=school_overview(), endpoints=current_app.view_functions)


def _family_only():
    if current_user.has_role(*STAFF_ROLES) and not current_user.has_role("parent", "student"):
        return redirect(url_for("admin.index"))
    return None


@bp.get("/home")
@login_required
def home():
    """Each child's latest marks, homework for today and tomorrow, and what is new since the last visit (R21)."""
    if (away := _family_only()) is not None:
        return away
    today = school_clock.today()
    children = family_home(Actor.of(current_user), today, utcnow())
    g.unread = sum(child.notices.count for child in children)
    board = family_board(Actor.of(current_user), utcnow())  # announcements and surveys (R23)
    return render_template(
        "portal/home.html", children=children, today=today, tomorrow=today + dt.timedelta(days=1), board=board
    )


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
    actor = Actor.of(current_user)
    # A family's own browser may keep its week and revalidate it (security.revalidate_privately); staff pages,
    # often opened on shared school computers, stay no-store.
    family = actor.has(*FAMILY_ROLES)
    try:
        etag = page_etag(diary_week_stamp(actor, student_id, day), WEEK_TEMPLATES) if family else None
    except JournalError as exc:
        abort(exc.status, error_text(exc))

    def build() -> str:
        try:
            week = diary_week(actor, student_id, day)
        except JournalError as exc:
            abort(exc.status, error_text(exc))
        return render_template(
            "portal/diary.html",
            week=week,
            family=family_overview(actor),
            signer=actor.has("parent"),
            signed=acknowledgement(actor, student_id, day),
            today=school_clock.today(),
        )

    return kept_or_built(etag, build)  # unchanged: a few small queries, a 304 or the kept page


WEEK_TEMPLATES = ("portal/diary.html", "portal/base.html")
MARKS_TEMPLATES = ("portal/marks.html", "portal/_children.html", "portal/_forecast.html", "portal/base.html")


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
    """Marks by subject for a period with averages, the period marks and the forecast; the year's summary (R20).
    A family's browser keeps it and revalidates it as it does the week (models/reports/marks_stamp.py)."""

    def build(actor: Actor, card) -> str:
        return render_template("portal/marks.html", card=card, family=family_overview(actor))

    return card_page(student_id, MARKS_TEMPLATES, build)
