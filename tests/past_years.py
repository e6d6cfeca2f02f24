"""A finished school year with one quarter in the demo school, for the browser tests of the archive and its seal
(tests/browser/test_archive_flow.py, test_year_records.py); removed again with its seals."""

from __future__ import annotations

import datetime as dt


def add_past_year(session, school_code: str, name: str, starts_on: dt.date):
    """The year ``name`` from ``starts_on`` to 31 May (or 31 August) of the next year, its 1st quarter to 25 October
    and one class, 4Я, without students (archiving prints its journal); flushed, not committed."""
    from models import AcademicYear, Period, School, SchoolClass

    school = session.query(School).filter_by(code=school_code).one()
    year = AcademicYear(school_id=school.id, name=name, starts_on=starts_on, ends_on=dt.date(starts_on.year + 1, 5, 31))
    session.add(year)
    session.flush()
    session.add(
        Period(
            year_id=year.id,
            scheme="quarter",
            number=1,
            name="1 четверть",
            starts_on=starts_on,
            ends_on=dt.date(starts_on.year, 10, 25),
        )
    )
    session.add(SchoolClass(school_id=school.id, year_id=year.id, grade=4, letter="Я"))
    session.flush()
    return year


def remove_past_year(session, year_id: int) -> None:
    from models import AcademicYear, Period, SchoolClass, YearSeal

    session.query(YearSeal).filter_by(year_id=year_id).delete()
    session.query(SchoolClass).filter_by(year_id=year_id).delete()
    session.query(Period).filter_by(year_id=year_id).delete()
    session.query(AcademicYear).filter_by(id=year_id).delete()
    session.commit()
