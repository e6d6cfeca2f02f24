"""Shared fixtures of the rosters and my-class tests: actors of the world, a 5В class of the same year (a
transfer target) and one of the next year. Small files of every type: ``samples`` in tests/conftest.py."""

from __future__ import annotations

import datetime as dt

import pytest

from models import AcademicYear, SchoolClass, Subject
from models.access import Actor


@pytest.fixture()
def actor_of(world):
    return lambda name: Actor.of(world.users[name])


@pytest.fixture()
def c5b(db_session, world):
    cls = SchoolClass(school_id=world.school.id, year_id=world.year.id, grade=5, letter="Б")
    db_session.add(cls)
    db_session.commit()  # a request ends the session: what was only flushed would be rolled back
    return cls


@pytest.fixture()
def next_year_class(db_session, world):
    year = AcademicYear(
        school_id=world.school.id, name="2027/2028", starts_on=dt.date(2027, 9, 1), ends_on=dt.date(2028, 5, 31)
    )
    db_session.add(year)
    db_session.flush()
    cls = SchoolClass(school_id=world.school.id, year_id=year.id, grade=6, letter="А")
    db_session.add(cls)
    db_session.commit()
    return cls


@pytest.fixture()
def english(db_session, world):
    subject = Subject(school_id=world.school.id, name="Английский язык", short_name="Англ")
    db_session.add(subject)
    db_session.commit()
    return subject
