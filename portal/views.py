"""Portal pages: the public start page, the family home, the diary and the marks by subject."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import time
from pathlib import Path

from flask import abort, current_app, g, make_response, redirect, render_template, request, session, url_for
from flask_babel import get_locale
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
from models.reports.marks_stamp import card_stamp, marks_page_stamp
from models.tables.accounts import STAFF_ROLES
from security import revalidate_privately

from . import bp
from .built_pages import built_page, keep_page, page_key
from .inbox import inbox_unread
from .navigation import unread_notices_count
from .subject import period_card


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
        etag = _page_etag(diary_week_stamp(actor, student_id, day), WEEK_TEMPLATES) if family else None
        kept, key = _kept(etag) if etag else (None, None)
        if kept is not None:
            return kept  # unchanged: a few small queries
        week = diary_week(actor, student_id, day)
    except JournalError as exc:
        abort(exc.status, error_text(exc))
    page = render_template(
        "portal/diary.html",
        week=week,
        family=family_overview(actor),
        signer=actor.has("parent"),
        signed=acknowledgement(actor, student_id, day),
        today=school_clock.today(),
    )
    response = make_response(keep_page(key, page))
    return revalidate_privately(response, etag) if etag else response


def _kept(etag: str):
    """The answer to a family page that has not changed since it was built (its ETag): "304 Not Modified" when the
    browser keeps it, the page this worker kept for the session when it does not (portal/built_pages.py); None
    when the page must be built, with the key to keep it under."""
    if etag in request.if_none_match and not session.get("_flashes"):
        return revalidate_privately(make_response("", 304), etag), None
    key = page_key(etag)
    page = built_page(key)
    return (revalidate_privately(make_response(page), etag) if page is not None else None), key


WEEK_TEMPLATES = ("portal/diary.html", "portal/base.html")
MARKS_TEMPLATES = ("portal/marks.html", "portal/_children.html", "portal/_forecast.html", "portal/base.html")


def _page_etag(stamp: str, templates: tuple[str, ...]) -> str:
    """A kept family page's ETag: its rows (the page's stamp, e.g. models.diary.diary_week_stamp) and everything
    else the page shows: who reads it, in which language, the school's day, the templates, the navigation's
    counts, and the logout form's CSRF token (renewed every half of its lifetime, so that a kept page never
    carries an expired one)."""
    limit = current_app.config.get("WTF_CSRF_TIME_LIMIT", 3600)
    token_age = int(time.time() // max(limit // 2, 1)) if limit else 0
    parts = (
        stamp,
        current_user.id,
        current_user.login,
        sorted(current_user.role_names),
        str(get_locale()),
        school_clock.today().isoformat(),
        token_age,
        _templates_version(templates),
        unread_notices_count(),
        inbox_unread(),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _templates_version(templates: tuple[str, ...]) -> str:
    """A page's templates and the code and catalogues that fill them, as deployed: an upgrade changes every ETag
    (a kept page must not outlive a fix of an average or of a translation). The same on every instance of one
    version: sources, not moments of files."""
    known = current_app.extensions.setdefault("page_templates", {})
    if templates not in known:
        env = current_app.jinja_env
        digest = hashlib.sha256(_code_version().encode())
        for name in templates:
            digest.update(env.loader.get_source(env, name)[0].encode())
        known[templates] = digest.hexdigest()[:16]
    return known[templates]


@functools.cache
def _code_version() -> str:
    """The domain's and the portal's Python sources and the translation catalogues, hashed once a process."""
    root = Path(current_app.root_path)
    digest = hashlib.sha256()
    for path in sorted([*root.glob("models/**/*.py"), *root.glob("portal/*.py"), *root.glob("translations/*/*/*.mo")]):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


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
    actor = Actor.of(current_user)
    family = actor.has(*FAMILY_ROLES)
    etag = None

    def marks_etag(stamp: str) -> str:
        return _page_etag(f"{stamp}:{request.args.get('period', '')}", MARKS_TEMPLATES)

    key = None
    if family:  # a kept page: validated by the stamp alone (two small statements), before any card is built
        try:
            stamp = marks_page_stamp(
                actor, student_id, today=school_clock.today(), year_id=parse_id(request.args.get("year"))
            )
        except JournalError as exc:
            abort(exc.status, error_text(exc))
        etag = marks_etag(stamp) if stamp is not None else None
        kept, key = _kept(etag) if etag else (None, None)
        if kept is not None:
            return kept
    card = period_card(actor, student_id)
    if family and etag is None:  # no stamp before the card (a year not found): the card's own, one statement more
        etag = marks_etag(card_stamp(card))
    page = keep_page(key, render_template("portal/marks.html", card=card, family=family_overview(actor)))
    response = make_response(page)
    return revalidate_privately(response, etag) if etag else response
