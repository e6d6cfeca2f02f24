"""The school's today and wall clock for every web door (staff panel, portal, PDFs, templates, the visit
counter): the signed-in user's school, decided in models/school_time.py. Templates show every stored moment
with ``{{ value|moment }}`` (``{{ value|moment('%d.%m.%Y') }}`` for its day) and ask ``school_today()``."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import g, has_request_context, request
from flask_login import current_user

from models import School, db
from models.school_time import DATE_TIME, format_moment, school_now, school_today, zone_of


def _school_id() -> int | None:
    return current_user.school_id if getattr(current_user, "is_authenticated", False) else None


def _reading() -> bool:
    """A reading request (GET, HEAD): the school's row may be held for the rest of it."""
    return has_request_context() and request.method in ("GET", "HEAD")


def _hold(school_id: int | None, school: School | None) -> tuple:
    # The row is held for the request: the session's identity map (weak) then spares the page's own lookups.
    g.school_zone = (school_id, zone_of(school), school)
    return g.school_zone


def zone() -> ZoneInfo:
    """The signed-in user's school's zone (the default zone for a visitor). A page asks several times (the
    session check, the view, the templates): a reading request looks the school up once."""
    school_id = _school_id()
    if not _reading():
        return zone_of(school_id)
    cached = g.get("school_zone")
    if cached is None or cached[0] != school_id:
        cached = _hold(school_id, db.session.get(School, school_id) if school_id is not None else None)
    return cached[1]


def remember(school: School | None) -> None:
    """The signed-in user's school as the session check has just read it: a reading request's ``zone()`` then
    asks nothing more."""
    if school is not None and _reading():
        _hold(school.id, school)


def today() -> dt.date:
    return school_today(zone())


def now() -> dt.datetime:
    """The school's wall clock now (aware)."""
    return school_now(zone())


def moment(value, fmt: str = DATE_TIME) -> str:
    """The Jinja filter ``moment``: a stored moment in the school's zone."""
    return format_moment(value, zone(), fmt)


def init_school_clock(app) -> None:
    app.jinja_env.filters["moment"] = moment
    app.jinja_env.globals["school_today"] = today
