"""One way a refusal becomes an answer: writing into an archived year, a closed period or another teacher's
page gives the same message (and, for scripts, the same status) at every door of the journal — the grid's
JSON, the grid's plain form post and the lesson form — and changes nothing."""
from __future__ import annotations

import datetime as dt
import html as html_lib

import pytest
from sqlalchemy import func, select

from models import Lesson, Mark, db

NOW = dt.datetime(2026, 9, 8, 9, tzinfo=dt.timezone.utc)


def _archive(jw):
    jw.year.archived_at = NOW
    return "Учебный год 2026/2027 в архиве: изменять его нельзя.", 409


def _close(jw):
    jw.q1.closed_at = NOW
    return "Период «1 четверть» закрыт: изменять его нельзя.", 409


@pytest.mark.parametrize("state", [_archive, _close])
def test_the_same_refusal_at_every_door(client, jw, login_as, state):
    message, status = state(jw)
    db.session.commit()
    login_as("teacher")
    marks = db.session.scalar(select(func.count()).select_from(Mark))
    lessons = db.session.scalar(select(func.count()).select_from(Lesson))

    response = client.post("/admin/journal/cell", json={
        "assignment_id": jw.a_maths_5a.id, "lesson_id": jw.lesson_5a.id, "student_id": jw.vera.id,
        "op": "mark", "slot": 1, "value": "4", "version": None})
    assert response.status_code == status and response.get_json()["error"].endswith(message)

    response = client.post(f"/admin/journal/{jw.a_maths_5a.id}/save", data={
        "period": jw.q1.id, f"c-{jw.lesson_5a.id}-{jw.vera.id}": "4"}, follow_redirects=True)
    assert message in html_lib.unescape(response.get_data(as_text=True))

    response = client.post(f"/admin/journal/{jw.a_maths_5a.id}/lesson", data={
        "date": "2026-09-08", "topic": "Новый урок", "work_kind_id": jw.regular.id}, follow_redirects=True)
    assert response.status_code == 200 and message in html_lib.unescape(response.get_data(as_text=True))

    assert db.session.scalar(select(func.count()).select_from(Mark)) == marks
    assert db.session.scalar(select(func.count()).select_from(Lesson)) == lessons


def test_another_teachers_page_is_refused_the_same_way(client, jw, login_as):
    login_as("teacher")
    response = client.post("/admin/journal/cell", json={
        "assignment_id": jw.a_maths_6b.id, "lesson_id": jw.lesson_6b.id, "student_id": jw.boris.id,
        "op": "mark", "slot": 1, "value": "4", "version": None})
    assert response.status_code == 403 and not response.get_json()["ok"]
    response = client.post(f"/admin/journal/{jw.a_maths_6b.id}/lesson", data={
        "date": "2026-09-08", "topic": "Чужой урок", "work_kind_id": jw.regular.id}, follow_redirects=True)
    assert response.status_code == 403 or "Писать в этот журнал может только учитель" in html_lib.unescape(
        response.get_data(as_text=True))
