"""A teacher's own week (issue 17): their lessons in every class and the substitutions they take."""

from __future__ import annotations

import datetime as dt

import pytest

from models.errors import AccessDenied
from models.school.substitutions import record_substitution
from models.school.timetable_week import teacher_week

MONDAY = dt.date(2026, 9, 7)  # the first full week of the year in tests/world.py


def _cells(week):
    return {
        (cell.weekday, bell.number, bell.shift): [
            (l.class_name, l.subject, l.taken_from, l.given_to) for l in cell.lessons
        ]
        for bell, cells in week.rows
        for cell in cells
        if cell.lessons
    }


def test_lessons_of_all_classes_by_day_and_bell(world, tt, place, actor_of):
    place(world.a_maths_5a, 2, tt.bell2)
    place(world.a_maths_5a, 4, tt.bell1)
    week = teacher_week(actor_of("teacher"), MONDAY + dt.timedelta(days=3))
    assert week.monday == MONDAY
    assert _cells(week) == {
        (2, 2, 1): [("5А", "Математика", None, None)],
        (4, 1, 1): [("5А", "Математика", None, None)],
    }
    assert (week.previous, week.next) == (MONDAY - dt.timedelta(days=7), MONDAY + dt.timedelta(days=7))


def test_substitution_taken_and_given_on_its_date_only(world, tt, operator, actor_of):
    record_substitution(operator, entry_id=world.entry_6b.id, day=MONDAY, substitute_id=world.s_teacher.id)
    assert _cells(teacher_week(actor_of("teacher"), MONDAY)) == {
        (1, 1, 1): [("6Б", "Математика", "Физикова Ф.И.", None)]
    }
    assert _cells(teacher_week(actor_of("other_teacher"), MONDAY)) == {
        (1, 1, 1): [("6Б", "Математика", None, "Математикова М.И.")]
    }
    assert _cells(teacher_week(actor_of("teacher"), MONDAY + dt.timedelta(days=7))) == {}


def test_lessons_placed_later_or_ended_are_left_out(world, tt, place, actor_of):
    place(world.a_maths_5a, 3, tt.bell3, valid_from=MONDAY + dt.timedelta(days=7))
    assert _cells(teacher_week(actor_of("teacher"), MONDAY)) == {}
    assert list(_cells(teacher_week(actor_of("teacher"), MONDAY + dt.timedelta(days=7)))) == [(3, 3, 1)]


@pytest.mark.parametrize(
    "role,allowed",
    [("teacher", True), ("classteacher", True), ("operator", False), ("director", False), ("secretary", False)],
)
def test_only_teachers_have_their_own_week(world, tt, actor_of, role, allowed):
    if allowed:
        assert teacher_week(actor_of(role), MONDAY).teacher.id == actor_of(role).staff_id
    else:
        with pytest.raises(AccessDenied):
            teacher_week(actor_of(role), MONDAY)


def test_page_links_each_lesson_to_its_journal_lesson(world, tt, place, client, login_as, db_session):
    place(world.a_maths_5a, 2, tt.bell2)
    db_session.commit()
    login_as("teacher")
    page = client.get("/admin/my-week/?week=2026-09-09").get_data(as_text=True)
    assert "07.09.2026" in page and "12.09.2026" in page
    assert f"/admin/journal/{world.a_maths_5a.id}/lesson?date=2026-09-08&amp;bell={tt.bell2.id}" in page
    assert 'class="mw-today' not in page  # today (the real date) is not in that week
    assert client.get("/admin/my-week/?week=bad").status_code == 200


def test_a_fixed_number_of_queries_however_full_the_week(world, tt, place, actor_of, count_queries, db_session):
    teacher = actor_of("teacher")
    db_session.flush()
    db_session.expire_all()
    with count_queries() as few:
        teacher_week(teacher, MONDAY)
    place(world.a_maths_5a, 2, tt.bell2)
    place(world.a_maths_5a, 3, tt.bell3)
    place(world.a_maths_5a, 5, tt.bell1)
    db_session.flush()
    db_session.expire_all()
    with count_queries() as many:
        week = teacher_week(teacher, MONDAY)
    assert len(_cells(week)) == 3
    assert many.count == few.count
