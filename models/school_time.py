"""The school's "now" and "today": every door (staff panel, portal, imports, CLI, PDFs, templates, the visit
counter) asks these, never the server's ``date.today()``. The school's calendar day is its time zone's
(``School.timezone``, a school setting: models/school/settings.py), as the journal's deadlines count it
(models/deadlines.py: ``school_zone``, ``local_day``). A server in UTC and a school in Almaty (UTC+5) at
21:00 UTC: the school is already in the next day.

The school is the actor's (or given by id); ``now`` (aware, UTC, models.base.utcnow by default) is
injectable, so a rule is tested at any moment without patching anything."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from models.base import db, utcnow
from models.deadlines import local_day, local_moment, school_zone
from models.tables.school import School

DATE_TIME = "%d.%m.%Y %H:%M"


def zone_of(school: int | School | None) -> ZoneInfo:
    """The time zone of a school (a row or an id; the session's identity map spares a query when the row is
    loaded already). No school (an anonymous visitor): the default zone."""
    if school is not None and not isinstance(school, School):
        school = db.session.get(School, school)
    return school_zone(school.timezone if school is not None else None)


def _zone(who) -> ZoneInfo:
    """``who``: an Actor or a User (its ``school_id``), a School, a school id, or a ZoneInfo."""
    if isinstance(who, ZoneInfo):
        return who
    if isinstance(who, (School, int)) or who is None:
        return zone_of(who)
    return zone_of(getattr(who, "school_id", None))


def school_now(who, now: dt.datetime | None = None) -> dt.datetime:
    """The moment ``now`` (default: the clock) on the school's wall clock, aware."""
    return local_moment(now or utcnow(), _zone(who))


def school_today(who, now: dt.datetime | None = None) -> dt.date:
    """The school's calendar day at ``now`` (default: the clock)."""
    return local_day(now or utcnow(), _zone(who))


def format_moment(moment: dt.datetime | dt.date | None, tz: ZoneInfo, fmt: str = DATE_TIME) -> str:
    """The one way a stored moment is shown to a person: in the school's zone, ДД.ММ.ГГГГ ЧЧ:ММ by default.
    A date (no time of day) is shown as it is; None is empty."""
    if moment is None:
        return ""
    if isinstance(moment, dt.datetime):
        moment = local_moment(moment, tz)
    return moment.strftime(fmt)


class WeekNavigation:
    """A page of one week that starts on ``self.monday``: its Sunday, the previous and the next week (the diary,
    the class and teacher timetables, the week's attendance review)."""

    monday: dt.date

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)

    @property
    def previous(self) -> dt.date:
        return self.monday - dt.timedelta(days=7)

    @property
    def next(self) -> dt.date:
        return self.monday + dt.timedelta(days=7)
