"""The family's home page, the seen button and a mark's history through the portal."""

from __future__ import annotations

import datetime as dt

import pytest

import models.base
from models.access import Actor
from models.journal.cells import set_mark
from models.tables.journal import Mark

NOW = dt.datetime(2026, 9, 8, 8, 0, tzinfo=dt.UTC)


@pytest.fixture()
def changed(db_session, world, monkeypatch, login_as):
    """The parent is signed in; the teacher changes Anna's 5 to 4 with a comment."""
    login_as("parent")
    monkeypatch.setattr(models.base, "clock", lambda: NOW)
    mark = db_session.query(Mark).filter_by(lesson_id=world.lesson_5a.id, student_id=world.anna.id).one()
    set_mark(
        Actor.of(world.users["teacher"]),
        world.lesson_5a.id,
        world.anna.id,
        1,
        "4",
        mark.version,
        comment="ошибка в задаче",
        now=NOW,
    )
    db_session.flush()


def test_parent_home_shows_old_to_new_and_the_count(client, login_as, world, changed):
    page = client.get("/home").get_data(as_text=True)
    assert "5 → 4" in page and "Математикова М.И." in page and "ошибка в задаче" in page
    assert 'id="unread-notices"' in page
    assert "Борисов" not in page


def test_seen_button_clears_the_count(client, login_as, world, changed):
    page = client.get("/home").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post("/home/seen", data={"csrf_token": token, "student": world.anna.id})
    assert response.status_code == 302
    assert 'id="unread-notices"' not in client.get("/home").get_data(as_text=True)
    bad = client.post("/home/seen", data={"csrf_token": token, "student": "x"})
    assert bad.status_code == 400
    other = client.post("/home/seen", data={"csrf_token": token, "student": world.boris.id})
    assert other.status_code == 403


def test_mark_history_for_the_family_and_nobody_else(client, login_as, world, changed):
    page = client.get(f"/diary/{world.anna.id}/lessons/{world.lesson_5a.id}/marks").get_data(as_text=True)
    assert "5 → 4" in page and "ошибка в задаче" in page
    assert client.get(f"/diary/{world.boris.id}/lessons/{world.lesson_6b.id}/marks").status_code == 403
    assert client.get(f"/diary/{world.anna.id}/lessons/{world.lesson_6b.id}/marks").status_code == 404
