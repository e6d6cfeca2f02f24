"""The family's subject page: the period's marks with comments (each opening its history), the forecast by the
school's rule, the child switcher keeping the subject; another family's ids answer 403; fixed queries."""

from __future__ import annotations

import datetime as dt

import pytest
from kept import forget_built_pages

from models import Lesson, Mark, db


def _url(world, student=None, subject=None):
    student = student or world.anna
    return f"/diary/{student.id}/subjects/{(subject or world.maths).id}?period={world.q1.id}"


def _add_marks(world, n, value=5):
    for i in range(n):
        lesson = Lesson(
            assignment_id=world.a_maths_5a.id,
            date=dt.date(2026, 9, 9) + dt.timedelta(days=i),
            topic=f"t{i}",
            work_kind_id=world.regular.id,
            taught_by_id=world.s_teacher.id,
        )
        db.session.add(lesson)
        db.session.flush()
        db.session.add(Mark(lesson_id=lesson.id, student_id=world.anna.id, slot=1, value=value, comment=f"c{i}"))
    db.session.commit()


def test_the_subject_page_says_where_the_mark_is_heading(client, login_as, world):
    _add_marks(world, 2, value=4)
    login_as("parent")
    page = client.get(_url(world)).get_data(as_text=True)
    assert 'id="forecast"' in page and "Идёт к" in page and "forecast-next" in page
    assert "Комментарий:" in page and "c1" in page  # a mark's comment
    assert f"/diary/{world.anna.id}/lessons/" in page  # each mark opens its history


def test_the_marks_page_links_each_subject_and_shows_the_forecast(client, login_as, world):
    login_as("parent")
    page = client.get(f"/diary/{world.anna.id}/marks?period={world.q1.id}").get_data(as_text=True)
    assert f"/diary/{world.anna.id}/subjects/{world.maths.id}" in page and "Прогноз" in page


def test_another_familys_child_is_refused(client, login_as, world):
    login_as("parent_b")
    assert client.get(_url(world)).status_code == 403
    login_as("parent")
    assert client.get(_url(world, student=world.boris)).status_code == 403


def test_a_subject_the_child_does_not_have_leads_to_their_marks(client, login_as, world):
    login_as("parent")
    response = client.get(f"/diary/{world.anna.id}/subjects/999999")
    assert response.status_code == 302 and response.location.endswith(f"/diary/{world.anna.id}/marks")
    assert client.get(f"/diary/{world.anna.id}/subjects/1?period=abc").status_code in (200, 302)


@pytest.mark.parametrize("marks", [1, 20])
def test_fixed_queries_whatever_the_number_of_marks(client, login_as, world, count_queries, marks):
    _add_marks(world, marks)
    login_as("parent")
    client.get(_url(world))
    forget_built_pages(client)  # built, not the page the worker kept (portal/built_pages.py)
    with count_queries() as q:
        assert client.get(_url(world)).status_code == 200
    # as the marks page (tests/portal/test_page_queries.py): the card's 9 with the request's, the navigation's
    # counts 2 (whose children the child switcher shows too), the card's stamp 2 (asked first: is a page kept?)
    assert q.count == 13, q.statements
