"""Fixtures of the period-marks, thematic-plan and weekly-attendance tests.

World recap (tests/world.py): school "Ш1", year 2026/2027 from 01.09.2026, 1st quarter 01.09–25.10.2026,
5А (class teacher `classteacher`, maths taught by `teacher`, Russian by `classteacher`), 6Б (maths and
class teacher `other_teacher`); anna and vera in 5А, boris in 6Б; one lesson of maths in 5А on
07.09.2026 where anna got a 5 (kind "Работа на уроке", weight 1).

`fin` adds: the year period (the row year marks hang on), the other three quarters, kinds of work (a
test of weight 2 counted as control, homework of weight 1), attendance reasons, and helpers to add
lessons and marks.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from models import AttendanceReason, Lesson, Mark, Period, Setting, Subject, TeachingAssignment, WorkKind
from models.access import Actor


@pytest.fixture()
def actor_of(world):
    return lambda name: Actor.of(world.users[name])


@pytest.fixture()
def fin(db_session, world):
    f = SimpleNamespace(world=world)

    def add(obj):
        db_session.add(obj)
        db_session.flush()
        return obj

    w = world
    f.q1 = w.q1
    f.q2 = add(
        Period(
            year_id=w.year.id,
            scheme="quarter",
            number=2,
            name="2 четверть",
            starts_on=dt.date(2026, 11, 5),
            ends_on=dt.date(2026, 12, 28),
        )
    )
    f.q3 = add(
        Period(
            year_id=w.year.id,
            scheme="quarter",
            number=3,
            name="3 четверть",
            starts_on=dt.date(2027, 1, 11),
            ends_on=dt.date(2027, 3, 21),
        )
    )
    f.q4 = add(
        Period(
            year_id=w.year.id,
            scheme="quarter",
            number=4,
            name="4 четверть",
            starts_on=dt.date(2027, 4, 1),
            ends_on=dt.date(2027, 5, 25),
        )
    )
    f.year_period = add(
        Period(
            year_id=w.year.id,
            scheme="year",
            number=1,
            name="Учебный год",
            starts_on=dt.date(2026, 9, 1),
            ends_on=dt.date(2027, 5, 25),
        )
    )
    f.regular = w.regular
    f.test = add(
        WorkKind(school_id=w.school.id, code="test", name="Контрольная работа", weight=Decimal("2"), is_control=True)
    )
    f.homework = add(WorkKind(school_id=w.school.id, code="homework", name="Домашняя работа", weight=Decimal("1")))
    f.illness = add(AttendanceReason(school_id=w.school.id, code="illness", name="по болезни", is_excused=True))
    f.unexcused = add(
        AttendanceReason(school_id=w.school.id, code="unexcused", name="без уважительной причины", is_excused=False)
    )
    bells = iter(range(1, 10_000))

    def lesson(day: dt.date, kind=None, assignment=None, topic="Тема урока", taught_by=None):
        a = assignment or w.a_maths_5a
        return add(
            Lesson(
                assignment_id=a.id,
                date=day,
                bell_id=None,
                topic=f"{topic} {next(bells)}",
                work_kind_id=(kind or f.regular).id,
                taught_by_id=(taught_by or a.teacher_id),
            )
        )

    def mark(
        lesson_, student, value=None, *, slot=1, weight=None, kind=None, special=None, points=None, max_points=None
    ):
        return add(
            Mark(
                lesson_id=lesson_.id,
                student_id=student.id,
                slot=slot,
                value=value,
                special=special,
                points=None if points is None else Decimal(str(points)),
                max_points=None if max_points is None else Decimal(str(max_points)),
                weight=None if weight is None else Decimal(str(weight)),
                work_kind_id=kind.id if kind is not None else None,
            )
        )

    def setting(key, value):
        add(Setting(school_id=w.school.id, key=key, value=str(value)))

    def subject_page(name, short_name, *, cls=None, teacher=None, hours=1, **flags):
        """A subject of the school and its journal page in a class (5А by default): (subject, assignment)."""
        subject = add(Subject(school_id=w.school.id, name=name, short_name=short_name, **flags))
        page = add(
            TeachingAssignment(
                year_id=w.year.id,
                class_id=(cls or w.c5a).id,
                subject_id=subject.id,
                teacher_id=(teacher or w.s_teacher).id,
                hours_per_week=Decimal(hours),
            )
        )
        return subject, page

    f.add, f.lesson, f.mark, f.setting, f.subject_page = add, lesson, mark, setting, subject_page
    db_session.commit()
    return f
