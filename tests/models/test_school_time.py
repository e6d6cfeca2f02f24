"""The school's today and now (models/school_time.py): one rule at the day boundary, a server in UTC."""

from __future__ import annotations

import datetime as dt

import pytest

import models.base
from models.access import Actor
from models.deadlines import DEFAULT_ZONE
from models.school_time import format_moment, school_now, school_today, zone_of
from models.tables.school import School

UTC = dt.UTC


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    "zone, utc, today",
    [
        # the school's calendar day at a moment given in UTC, around the school's midnight
        ("Europe/Moscow", "2026-10-14 20:59", dt.date(2026, 10, 14)),  # UTC+3: 23:59
        ("Europe/Moscow", "2026-10-14 21:00", dt.date(2026, 10, 15)),  # 00:00 the next day
        ("Asia/Almaty", "2026-10-14 18:59", dt.date(2026, 10, 14)),  # UTC+5: 23:59
        ("Asia/Almaty", "2026-10-14 19:00", dt.date(2026, 10, 15)),
        ("Asia/Almaty", "2026-10-14 23:59", dt.date(2026, 10, 15)),  # the server still says the 14th
        ("Asia/Vladivostok", "2026-10-14 13:59", dt.date(2026, 10, 14)),  # UTC+10: 23:59
        ("Asia/Vladivostok", "2026-10-14 14:00", dt.date(2026, 10, 15)),
        ("Asia/Vladivostok", "2026-10-15 09:59", dt.date(2026, 10, 15)),  # the server agrees from 00:00 UTC
        ("Asia/Kamchatka", "2026-12-31 12:00", dt.date(2027, 1, 1)),  # UTC+12: a new year first
        ("UTC", "2026-10-14 23:59", dt.date(2026, 10, 14)),
        ("America/Sao_Paulo", "2026-10-15 02:59", dt.date(2026, 10, 14)),  # UTC-3: behind the server
        ("America/Sao_Paulo", "2026-10-15 03:00", dt.date(2026, 10, 15)),
        ("Europe/Kaliningrad", "2026-10-14 22:00", dt.date(2026, 10, 15)),  # UTC+2
    ],
)
def test_school_today_at_the_day_boundary(zone, utc, today):
    tz = zone_of(School(timezone=zone))
    moment = _at(utc)
    assert school_today(tz, moment) == today
    assert school_now(tz, moment).date() == today
    assert school_now(tz, moment).utcoffset() == moment.astimezone(tz).utcoffset()


def test_the_school_is_the_actors_and_the_clock_is_one(world, db_session, monkeypatch):
    world.school.timezone = "Asia/Almaty"
    db_session.flush()
    monkeypatch.setattr(models.base, "clock", lambda: _at("2026-10-14 21:00"))
    teacher = Actor.of(world.users["teacher"])
    assert school_today(teacher) == dt.date(2026, 10, 15)  # the clock, the actor's school
    assert school_today(world.users["teacher"]) == dt.date(2026, 10, 15)  # a user works as well
    assert school_today(world.other_school.id) == dt.date(2026, 10, 15)  # Moscow: 00:00 on the 15th
    assert school_today(teacher, _at("2026-10-14 18:00")) == dt.date(2026, 10, 14)  # ``now`` injected
    assert school_now(teacher).strftime("%H:%M") == "02:00"
    assert models.base.utcnow() == _at("2026-10-14 21:00")


@pytest.mark.parametrize(
    "value, fmt, shown",
    [
        (_at("2026-10-14 21:00"), None, "15.10.2026 02:00"),
        (dt.datetime(2026, 10, 14, 21, 0), None, "15.10.2026 02:00"),  # SQLite's naive UTC
        (_at("2026-10-14 21:00"), "%d.%m.%Y", "15.10.2026"),  # the day of a moment is the school's
        (dt.date(2026, 10, 14), "%d.%m.%Y", "14.10.2026"),  # a date stays as it is
        (None, None, ""),
    ],
)
def test_one_formatter_for_stored_moments(value, fmt, shown):
    tz = zone_of(School(timezone="Asia/Almaty"))
    assert (format_moment(value, tz, fmt) if fmt else format_moment(value, tz)) == shown


def test_an_unknown_zone_falls_back_to_the_default():
    assert zone_of(School(timezone="Mars/Olympus")).key == "Europe/Moscow"
    assert zone_of(None).key == DEFAULT_ZONE  # SCHOOL_TIMEZONE, else Moscow
