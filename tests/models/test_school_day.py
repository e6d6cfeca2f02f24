"""The administration's home page (models/home/school_day.py): substitutions of the day, the period to close with
the marks still missing, the remarks still open and overdue; only for those who see the whole school.

World: 1st quarter 01.09–25.10.2026 (the only period); 5А maths (anna, vera), 5А Russian, 6Б maths (boris);
6Б maths timetabled on Mondays."""

from __future__ import annotations

import datetime as dt

import pytest

from models import PeriodMark, Remark, Substitution, db
from models.access import Actor
from models.home.school_day import school_day

AFTER_Q1 = dt.date(2026, 10, 26)  # a Monday


def _day(world, who="coordinator", today=AFTER_Q1):
    return school_day(Actor.of(world.users[who]), today)


def test_the_period_to_close_and_its_missing_marks(db_session, world):
    d = _day(world)
    assert d.period.period.id == world.q1.id and d.period.state == "ended"
    assert d.missing == 5  # anna and vera in maths and Russian, boris in maths
    db.session.add(
        PeriodMark(student_id=world.boris.id, subject_id=world.maths.id, period_id=world.q1.id, kind="period", value=4)
    )
    db.session.flush()
    assert _day(world).missing == 4


def test_substitutions_and_remarks(db_session, world):
    db.session.add(
        Substitution(
            entry_id=world.entry_6b.id,
            date=AFTER_Q1,
            absent_teacher_id=world.s_other_teacher.id,
            substitute_id=world.s_teacher.id,
        )
    )
    db.session.add_all(
        [
            Remark(
                school_id=world.school.id,
                teacher_id=world.s_teacher.id,
                author_id=world.users["coordinator"].id,
                text="Темы уроков",
                due_on=dt.date(2026, 10, 20),
            ),
            Remark(
                school_id=world.school.id,
                teacher_id=world.s_teacher.id,
                author_id=world.users["coordinator"].id,
                text="Домашние задания",
                due_on=dt.date(2026, 11, 1),
            ),
            Remark(
                school_id=world.other_school.id,
                teacher_id=world.s_foreign.id,
                author_id=world.users["foreign_operator"].id,
                text="Чужая школа",
            ),
        ]
    )
    db.session.flush()
    d = _day(world)
    assert (d.substitutions, d.open_remarks, d.overdue_remarks) == (1, 2, 1)
    assert _day(world, today=AFTER_Q1 + dt.timedelta(days=1)).substitutions == 0


@pytest.mark.parametrize("who", ["teacher", "classteacher", "secretary", "parent"])
def test_only_the_administration(db_session, world, who):
    assert _day(world, who) is None


def test_the_home_pages(client, login_as, world):
    login_as("director")
    html = client.get("/admin/").get_data(as_text=True)
    assert 'id="school-day"' in html and "Замены на сегодня" in html
    login_as("teacher")
    assert 'id="school-day"' not in client.get("/admin/").get_data(as_text=True)
