"""One way a refusal becomes an answer: writing into an archived year, a closed period or another teacher's
page gives the same message (and, for scripts, the same status) at every door — the grid's JSON, the grid's
plain form post, the lesson form, the period marks sheet and a staff model view — and changes nothing."""

from __future__ import annotations

import datetime as dt
import html as html_lib

import pytest
from sqlalchemy import func, select

from models import Lesson, Mark, Period, PeriodMark, db

NOW = dt.datetime(2026, 9, 8, 9, tzinfo=dt.UTC)


def _archive(jw):
    jw.year.archived_at = NOW
    return "Учебный год 2026/2027 в архиве: изменять его нельзя.", 409


def _close(jw):
    jw.q1.closed_at = NOW
    return "Период «1 четверть» закрыт: изменять его нельзя.", 409


def _page(response) -> str:
    return html_lib.unescape(response.get_data(as_text=True))


def _staff_model_view(client, jw):
    """The operator's edit form of a period of the year (Flask-Admin's model view, models/organisation.py)."""
    return client.post(
        f"/admin/periods/edit/?id={jw.q1.id}",
        data={
            "year": jw.year.id,
            "scheme": "quarter",
            "number": 1,
            "name": "1 четверть",
            "starts_on": "2026-09-01",
            "ends_on": "2026-10-30",
        },
        follow_redirects=True,
    )


@pytest.mark.parametrize("state", [_archive, _close])
def test_the_same_refusal_at_every_door(client, jw, login_as, state):
    message, status = state(jw)
    db.session.commit()
    login_as("teacher")
    marks = db.session.scalar(select(func.count()).select_from(Mark))
    lessons = db.session.scalar(select(func.count()).select_from(Lesson))

    response = client.post(
        "/admin/journal/cell",
        json={
            "assignment_id": jw.a_maths_5a.id,
            "lesson_id": jw.lesson_5a.id,
            "student_id": jw.vera.id,
            "op": "mark",
            "slot": 1,
            "value": "4",
            "version": None,
        },
    )
    assert response.status_code == status and response.get_json()["error"].endswith(message)

    response = client.post(
        f"/admin/journal/{jw.a_maths_5a.id}/save",
        data={"period": jw.q1.id, f"c-{jw.lesson_5a.id}-{jw.vera.id}": "4"},
        follow_redirects=True,
    )
    assert message in html_lib.unescape(response.get_data(as_text=True))

    response = client.post(
        f"/admin/journal/{jw.a_maths_5a.id}/lesson",
        data={"date": "2026-09-08", "topic": "Новый урок", "work_kind_id": jw.regular.id},
        follow_redirects=True,
    )
    assert response.status_code == 200 and message in _page(response)

    response = client.post(
        f"/admin/finals/{jw.a_maths_5a.id}", data={"period": jw.q1.id, f"mark-{jw.vera.id}": "4"}, follow_redirects=True
    )
    assert response.status_code == 200 and message in _page(response)

    assert db.session.scalar(select(func.count()).select_from(Mark)) == marks
    assert db.session.scalar(select(func.count()).select_from(Lesson)) == lessons
    assert db.session.scalar(select(func.count()).select_from(PeriodMark)) == 0

    login_as("operator")
    response = _staff_model_view(client, jw)
    assert response.status_code == 200 and message in _page(response)
    db.session.expire_all()
    assert db.session.get(Period, jw.q1.id).ends_on == dt.date(2026, 10, 25)


def test_another_teachers_page_is_refused_the_same_way(client, jw, login_as):
    login_as("teacher")
    response = client.post(
        "/admin/journal/cell",
        json={
            "assignment_id": jw.a_maths_6b.id,
            "lesson_id": jw.lesson_6b.id,
            "student_id": jw.boris.id,
            "op": "mark",
            "slot": 1,
            "value": "4",
            "version": None,
        },
    )
    assert response.status_code == 403 and not response.get_json()["ok"]
    response = client.post(
        f"/admin/journal/{jw.a_maths_6b.id}/lesson",
        data={"date": "2026-09-08", "topic": "Чужой урок", "work_kind_id": jw.regular.id},
        follow_redirects=True,
    )
    assert response.status_code == 403 or "Писать в этот журнал может только учитель" in _page(response)
    response = client.post(
        f"/admin/journal/{jw.a_maths_6b.id}/save",
        data={"period": jw.q1.id, f"c-{jw.lesson_6b.id}-{jw.boris.id}": "4"},
        follow_redirects=True,
    )
    assert response.status_code == 403 or "Писать в этот журнал может только учитель" in _page(response)
    response = client.post(
        f"/admin/finals/{jw.a_maths_6b.id}",
        data={"period": jw.q1.id, f"mark-{jw.boris.id}": "4"},
        follow_redirects=True,
    )
    # the finals area does not show another teacher's page at all (tests/finals/test_views.py: 404 on GET)
    assert response.status_code == 404 and "Страница журнала не найдена или недоступна." in _page(response)
    assert db.session.scalar(select(func.count()).select_from(PeriodMark)) == 0
