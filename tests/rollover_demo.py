"""The demo school at the end of its year, ready for the rollover (tests/demo/test_rollover_demo.py and the real
browser's tests/browser/test_rollover_flow.py): a year mark of 4 for every student of a class with marks, then in
5А one student with a year «2» (the secretary: repeats), one with «н/а» (leaves) and one without year marks (is
promoted); every table's rows to compare before and after; a child process that runs the rollover and stops
half-way through the classes, to be killed there."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

NOW = dt.datetime(2027, 6, 20, 9, 0, tzinfo=dt.UTC)


@dataclass
class Cast:
    year_id: int
    repeats: int  # student ids
    leaves: int
    unmarked: int


def _year(session, code: str):
    from models import AcademicYear, School

    school = session.scalar(select(School).where(School.code == code))
    return session.scalar(
        select(AcademicYear).where(AcademicYear.school_id == school.id).order_by(AcademicYear.starts_on.desc())
    )


def year_end_marks(session, code: str = "demo", *, decided: bool = True) -> Cast:
    """The demo year's marks and (``decided``) the secretary's three decisions; flushed, not committed."""
    from models import Enrollment, PeriodMark, SchoolClass, TeachingAssignment, User
    from models.access import Actor
    from models.school.organisation import ensure_year_period
    from models.school.rollover import _open_at_the_end, decide

    year = _year(session, code)
    period = ensure_year_period(year)
    marked = session.execute(
        select(Enrollment.student_id, SchoolClass)
        .join(SchoolClass, SchoolClass.id == Enrollment.class_id)
        .where(SchoolClass.year_id == year.id, SchoolClass.gets_marks, _open_at_the_end(year.ends_on))
        .order_by(SchoolClass.grade, SchoolClass.letter, Enrollment.student_id)
    ).all()
    first_load = {}
    in_5a = []
    for student_id, cls in marked:
        if cls.id not in first_load:
            first_load[cls.id] = session.scalar(
                select(TeachingAssignment)
                .where(TeachingAssignment.class_id == cls.id, TeachingAssignment.subgroup_id.is_(None))
                .order_by(TeachingAssignment.id)
                .limit(1)
            )
        position = None
        if cls.name == "5А":
            in_5a.append(student_id)
            position = len(in_5a) - 1
        if position == 2:
            continue  # no year mark
        value, special = {0: (2, None), 1: (None, "н/а")}.get(position, (4, None))
        a = first_load[cls.id]
        session.add(
            PeriodMark(
                student_id=student_id,
                subject_id=a.subject_id,
                assignment_id=a.id,
                period_id=period.id,
                kind="year",
                value=value,
                special=special,
            )
        )
    session.flush()
    secretary = session.scalar(select(User).where(User.login == "secretary", User.school_id == year.school_id))
    cast = Cast(year.id, *in_5a[:3])
    if not decided:
        return cast
    choices = {cast.repeats: "repeat", cast.leaves: "leave", cast.unmarked: "promote"}
    decide(Actor.of(secretary), year.id, choices, now=NOW)
    return cast


def history(student_id: int) -> list[tuple]:
    """A student's movement history: (class, year id, from, to, why in, why out) of each stay, in order."""
    from models import Enrollment, SchoolClass, db

    return [
        (cls.name, cls.year_id, e.starts_on, e.ends_on, e.reason_in, e.reason_out)
        for e, cls in db.session.execute(
            select(Enrollment, SchoolClass)
            .join(SchoolClass)
            .where(Enrollment.student_id == student_id)
            .order_by(Enrollment.starts_on, Enrollment.id)
        )
    ]


def operator_of(session, year_id: int):
    from models import AcademicYear, User
    from models.access import Actor

    school_id = session.get(AcademicYear, year_id).school_id
    return Actor.of(session.scalar(select(User).where(User.login == "operator", User.school_id == school_id)))


def every_row(session) -> dict[str, list[tuple]]:
    """Every row of every table, ordered by its key: the database's whole state."""
    from models import db

    return {
        t.name: [tuple(r) for r in session.execute(select(t).order_by(*t.primary_key.columns))]
        for t in db.metadata.sorted_tables
    }


def row_counts(session) -> dict[str, int]:
    from models import db

    return {t.name: session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def app_on(url: str):
    from app import create_app
    from config import TestConfig

    class Shared(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        SQLALCHEMY_ENGINE_OPTIONS: dict = {}

    return create_app(Shared)


def roll_over_and_hang(url: str, year_id: int, report) -> None:
    """In a child process: the rollover, which at half of the classes reports (classes done, classes in all, new
    classes its transaction holds) and waits there to be killed."""
    import time

    from models import SchoolClass, db
    from models.school.rollover import roll_over

    app = app_on(url)
    with app.app_context():

        def progress(done: int, total: int) -> None:
            if done * 2 >= total:
                made = db.session.scalar(select(func.count(SchoolClass.id)))
                report.put((done, total, made))
                time.sleep(600)

        roll_over(operator_of(db.session, year_id), year_id, now=NOW, progress=progress)
        db.session.commit()
