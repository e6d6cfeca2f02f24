"""The teacher's day on the staff home page (models/home/today.py): today's timetabled lessons with whether
each is recorded, substitutions both ways, the lessons of the last two weeks still missing from the
journal (inside the class's periods only), nobody else gets a day, a fixed number of queries.

World: 6Б maths (other_teacher) is timetabled on Mondays at bell 1 from 01.09.2026 and recorded on 07.09."""

from __future__ import annotations

import datetime as dt

import pytest

from models import Lesson, Substitution, TimetableEntry, db
from models.access import Actor
from models.home.today import teacher_day

MON_7, MON_14, MON_21 = dt.date(2026, 9, 7), dt.date(2026, 9, 14), dt.date(2026, 9, 21)


def _day(world, who, today):
    return teacher_day(Actor.of(world.users[who]), today)


def test_a_recorded_lesson_of_today(db_session, world):
    day = _day(world, "other_teacher", MON_7)
    assert [(l.assignment.id, l.lesson.id) for l in day.lessons] == [(world.a_maths_6b.id, world.lesson_6b.id)]
    assert day.unrecorded == []  # 31.08 is a Monday before the first quarter


def test_todays_lesson_not_recorded_and_a_missing_one_of_last_week(db_session, world):
    day = _day(world, "other_teacher", MON_21)
    assert [l.lesson for l in day.lessons] == [None]
    assert [(u.assignment.id, u.dates) for u in day.unrecorded] == [(world.a_maths_6b.id, [MON_14])]
    assert day.unrecorded_total == 1
    db.session.add(
        Lesson(
            assignment_id=world.a_maths_6b.id,
            date=MON_14,
            bell_id=None,
            topic="Простые числа",
            work_kind_id=world.regular.id,
            taught_by_id=world.s_other_teacher.id,
        )
    )
    db.session.flush()
    assert _day(world, "other_teacher", MON_21).unrecorded == []  # recorded without a bell still counts


def test_substitutions_both_ways(db_session, world):
    db.session.add(
        Substitution(
            entry_id=world.entry_6b.id,
            date=MON_21,
            absent_teacher_id=world.s_other_teacher.id,
            substitute_id=world.s_teacher.id,
        )
    )
    db.session.flush()
    mine = _day(world, "teacher", MON_21)
    assert [(l.assignment.id, l.substitute_for) for l in mine.lessons] == [
        (world.a_maths_6b.id, world.s_other_teacher.short_name)
    ]
    assert mine.unrecorded == []  # another teacher's page is not the substitute's backlog
    absent = _day(world, "other_teacher", MON_21)
    assert [l.substituted_by for l in absent.lessons] == [world.s_teacher.short_name]


@pytest.mark.parametrize("who", ["secretary", "director", "operator", "parent", "student"])
def test_only_teachers_get_a_day(db_session, world, who):
    assert _day(world, who, MON_21) is None


def test_a_fixed_number_of_queries(db_session, world, count_queries):
    _day(world, "other_teacher", MON_21)
    db.session.expire_all()
    with count_queries() as one:
        _day(world, "other_teacher", MON_21)
    for weekday in (2, 3, 4, 5):
        db.session.add(
            TimetableEntry(
                assignment_id=world.a_maths_6b.id, weekday=weekday, bell_id=world.bell.id, valid_from=world.q1.starts_on
            )
        )
    db.session.flush()
    db.session.expire_all()
    with count_queries() as five:
        day = _day(world, "other_teacher", MON_21)
    assert day.unrecorded_total == 9  # 08.09–18.09 without 14.09's lesson recorded
    assert five.count == one.count


def test_the_home_page(client, login_as, world):
    login_as("other_teacher")
    html = client.get("/admin/").get_data(as_text=True)
    assert 'id="today-title"' in html and ("today-lessons" in html or "no-lessons-today" in html)
    login_as("secretary")
    html = client.get("/admin/").get_data(as_text=True)
    assert 'id="today-title"' not in html and "Вы вошли как" in html
