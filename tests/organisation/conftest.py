"""Shared fixtures of the organisation and timetable tests: actors of the world, more bells (a second
shift too), English in 5А split into two subgroups with their own teachers, and a lesson-placing helper.

World recap (tests/world.py): year 2026/2027 from 01.09.2026, bell 1 (8:30–9:15), 5А (maths: teacher,
Russian: classteacher), 6Б (maths: other_teacher, timetabled Monday bell 1 from 01.09.2026).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from models import Bell, Staff, Subgroup, Subject, TeachingAssignment
from models.access import Actor
from models.school.timetable import place_lesson

START = dt.date(2026, 9, 1)
MONDAY = dt.date(2026, 9, 7)


@pytest.fixture()
def actor_of(world):
    return lambda name: Actor.of(world.users[name])


@pytest.fixture()
def operator(actor_of):
    return actor_of("operator")


@pytest.fixture()
def tt(db_session, world):
    """Timetable material: bells 2–3 of the first shift and bell 1 of the second shift overlapping the
    first shift's bell 3; English for 5А in two subgroups; physics in 5А taught by other_teacher."""
    t = SimpleNamespace(world=world)

    def add(obj):
        db_session.add(obj)
        db_session.flush()
        return obj

    t.bell1 = world.bell
    t.bell2 = add(Bell(school_id=world.school.id, shift=1, number=2, starts_at=dt.time(9, 25), ends_at=dt.time(10, 10)))
    t.bell3 = add(
        Bell(school_id=world.school.id, shift=1, number=3, starts_at=dt.time(10, 30), ends_at=dt.time(11, 15))
    )
    t.bell_2nd = add(
        Bell(school_id=world.school.id, shift=2, number=1, starts_at=dt.time(11, 0), ends_at=dt.time(11, 45))
    )
    t.english = add(Subject(school_id=world.school.id, name="Английский язык", short_name="Англ"))
    t.physics = add(Subject(school_id=world.school.id, name="Физика", short_name="Физ"))
    t.g1 = add(Subgroup(class_id=world.c5a.id, subject_id=t.english.id, name="1 группа"))
    t.g2 = add(Subgroup(class_id=world.c5a.id, subject_id=t.english.id, name="2 группа"))
    t.s_eng1 = add(Staff(school_id=world.school.id, last_name="Инглиш", first_name="Ирина", position="учитель"))
    t.s_eng2 = add(Staff(school_id=world.school.id, last_name="Лондонова", first_name="Лидия", position="учитель"))

    def assignment(cls, subject, teacher, hours="3", group=None):
        return add(
            TeachingAssignment(
                year_id=world.year.id,
                class_id=cls.id,
                subject_id=subject.id,
                subgroup_id=group.id if group else None,
                teacher_id=teacher.id,
                hours_per_week=Decimal(hours),
            )
        )

    t.a_eng1 = assignment(world.c5a, t.english, t.s_eng1, group=t.g1)
    t.a_eng2 = assignment(world.c5a, t.english, t.s_eng2, group=t.g2)
    t.a_physics_5a = assignment(world.c5a, t.physics, world.s_other_teacher, hours="2")
    db_session.commit()
    return t


@pytest.fixture()
def place(operator):
    """place(assignment, weekday, bell, room=None, valid_from=START) as the operator."""

    def _place(assignment, weekday, bell, room=None, valid_from=START, actor=None):
        return place_lesson(
            actor or operator,
            class_id=assignment.class_id,
            assignment_id=assignment.id,
            weekday=weekday,
            bell_id=bell.id,
            room=room,
            valid_from=valid_from,
        )

    return _place
