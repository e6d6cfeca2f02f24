"""One roster rule (models/roster.py): a student belongs to a lesson when a stay in its class (and subgroup)
covers the lesson's date. The diary week, lesson files and the journal all follow it: a student transferred on
a Wednesday sees the old class's lessons until Tuesday and the new class's from Wednesday, never both for the
whole week.

World: Boris is in 6Б from 01.09.2026; 6Б and 5А have maths on Monday 07.09 (recorded)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import literal, select

from models import Lesson, Subgroup, SubgroupMember, db
from models.access import Actor, student_lesson_ids
from models.journal.diary import diary_week
from models.roster import is_on_roster, roster_ids
from models.school.movement import transfer

MONDAY, WEDNESDAY, THURSDAY = dt.date(2026, 9, 7), dt.date(2026, 9, 9), dt.date(2026, 9, 10)


def _lesson(world, assignment, day, topic):
    lesson = Lesson(
        assignment_id=assignment.id,
        date=day,
        bell_id=world.bell.id,
        topic=topic,
        work_kind_id=world.regular.id,
        taught_by_id=assignment.teacher_id,
    )
    db.session.add(lesson)
    db.session.flush()
    return lesson


def _diary(world, student, who="operator"):
    week = diary_week(Actor.of(world.users[who]), student.id, MONDAY)
    return {(d.date, lesson.topic) for d in week.days for lesson in d.lessons if not lesson.planned}


def test_a_transfer_on_a_wednesday(db_session, world):
    tuesday_6b = _lesson(world, world.a_maths_6b, dt.date(2026, 9, 8), "6Б во вторник")
    thursday_6b = _lesson(world, world.a_maths_6b, THURSDAY, "6Б в четверг")
    tuesday_5a = _lesson(world, world.a_maths_5a, dt.date(2026, 9, 8), "5А во вторник")
    thursday_5a = _lesson(world, world.a_maths_5a, THURSDAY, "5А в четверг")
    transfer(Actor.of(world.users["secretary"]), world.boris.id, world.c5a.id, on=WEDNESDAY, order_no="12-у")
    db.session.flush()

    assert _diary(world, world.boris) == {
        (MONDAY, "Делители и кратные"),
        (tuesday_6b.date, "6Б во вторник"),
        (THURSDAY, "5А в четверг"),
    }
    assert _diary(world, world.boris, who="parent_b") == _diary(world, world.boris)
    # files follow the same rule: the lessons whose homework files the family may open
    files_rule = set(db.session.scalars(student_lesson_ids(select(literal(world.boris.id)))))
    assert files_rule == {world.lesson_6b.id, tuesday_6b.id, thursday_5a.id}
    assert thursday_6b.id not in files_rule and tuesday_5a.id not in files_rule
    # and the journal's rows
    assert is_on_roster(world.a_maths_6b, world.boris.id, tuesday_6b.date)
    assert not is_on_roster(world.a_maths_6b, world.boris.id, THURSDAY)
    assert is_on_roster(world.a_maths_5a, world.boris.id, THURSDAY)
    assert world.boris.id not in set(db.session.scalars(roster_ids(world.a_maths_5a, tuesday_5a.date)))


def test_a_subgroup_joined_on_a_wednesday(db_session, world):
    group = Subgroup(class_id=world.c5a.id, subject_id=world.maths.id, name="1 группа")
    db.session.add(group)
    db.session.flush()
    world.a_maths_5a.subgroup_id = group.id
    db.session.add(SubgroupMember(subgroup_id=group.id, student_id=world.anna.id, starts_on=WEDNESDAY))
    db.session.flush()
    thursday = _lesson(world, world.a_maths_5a, THURSDAY, "Группа в четверг")

    assert _diary(world, world.anna) == {(THURSDAY, "Группа в четверг")}  # not Monday's lesson of the group
    assert set(db.session.scalars(student_lesson_ids(select(literal(world.anna.id))))) == {thursday.id}
