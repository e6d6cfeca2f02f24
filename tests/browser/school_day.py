"""The day the browser tests expect: the school's, as its pages show it."""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext


def school_today(app, code: str = "demo") -> dt.date:
    """A school's calendar day as its pages show it: in the school's time zone, not the machine's (from 21:00 UTC
    Moscow is already on the next day, Almaty from 19:00). The demo school by default. Inside the caller's app
    context it reads with the caller's session (a second one would wait for the first's lock on SQLite)."""
    from flask import has_app_context
    from sqlalchemy import select

    from models import School, db
    from models.school_time import school_today as day_of

    inside = has_app_context()
    with nullcontext() if inside else app.app_context():
        day = day_of(db.session.scalar(select(School).where(School.code == code)))
        if not inside:
            db.session.remove()
    return day
