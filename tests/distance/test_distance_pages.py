"""Distance days and the weekly signature through the web doors: the administration's page, the lesson page,
the journal grid and the teacher's day, the family's diary and home, the class teacher's signatures page."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

import models.base
from models import CancelledDay, DiaryAcknowledgement, Lesson
from models.access import Actor
from models.errors import AccessDenied, InvalidInput
from models.journal.diary_ack import acknowledge_week, class_acknowledgements
from models.school.distance import switch_to_distance

MONDAY = dt.date(2026, 9, 7)
NOW = dt.datetime(2026, 9, 7, 6, 0, tzinfo=dt.UTC)  # 09:00 in the school's zone, Monday


@pytest.fixture()
def frozen(monkeypatch):
    monkeypatch.setattr(models.base, "clock", lambda: NOW)


def distance_5a(db_session, world):
    """Monday is a distance day of 5А; the maths lesson carries a link and materials. Called after login_as
    (a request ends by rolling back what the test had not committed)."""
    switch_to_distance(
        Actor.of(world.users["director"]),
        day=MONDAY,
        target=f"class:{world.c5a.id}",
        kind="quarantine",
        reason="Карантин по гриппу",
        now=NOW,
    )
    db_session.execute(
        Lesson.__table__.update()
        .where(Lesson.id == world.lesson_5a.id)
        .values(distance_url="https://meet.example.org/5a-maths", distance_materials="Учебник, с. 12")
    )
    db_session.commit()  # a savepoint of the test's transaction: the next request must not roll it back


def test_the_administration_switches_and_undoes_through_the_page(client, login_as, world, db_session, frozen):
    login_as("coordinator")
    page = client.get("/admin/distance/").get_data(as_text=True)
    assert f'value="class:{world.c5a.id}"' in page and 'value="grade:6"' in page
    response = client.post(
        "/admin/distance/switch",
        data={"date": "07.09.2026", "target": "grade:5", "kind": "weather", "reason": "Мороз"},
        follow_redirects=True,
    )
    assert "переведён на дистанционное обучение" in response.get_data(as_text=True)
    row = db_session.scalar(select(CancelledDay))
    assert (row.scope, row.grade, row.created_by_id) == ("grade:5", 5, world.users["coordinator"].id)
    row_id = row.id
    bad = client.post(
        "/admin/distance/switch",
        data={"date": "31.02.2026", "target": "school", "kind": "weather", "reason": "x"},
        follow_redirects=True,
    )
    assert bad.status_code == 200 and "Неверная дата" in bad.get_data(as_text=True)
    response = client.post(f"/admin/distance/{row_id}/undo", follow_redirects=True)
    assert "отменён" in response.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(CancelledDay)) == 0
    assert client.post("/admin/distance/999999/undo").status_code == 404
    login_as("teacher")
    assert client.post("/admin/distance/switch", data={"target": "school"}).status_code == 403


def test_the_teacher_sees_the_day_and_saves_the_link_on_the_lesson_page(client, login_as, world, db_session, frozen):
    login_as("teacher")
    distance_5a(db_session, world)
    lesson_url = f"/admin/journal/{world.a_maths_5a.id}/lesson?lesson={world.lesson_5a.id}"
    page = client.get(lesson_url).get_data(as_text=True)
    assert 'id="lesson-distance"' in page and "Карантин по гриппу" in page
    grid = client.get(f"/admin/journal/{world.a_maths_5a.id}").get_data(as_text=True)
    assert 'id="distance-days"' in grid and "jg-distance" in grid
    post = f"/admin/journal/{world.a_maths_5a.id}/lesson/{world.lesson_5a.id}/distance"
    refused = client.post(post, data={"distance_url": "javascript:alert(1)"}, follow_redirects=True)
    assert "http:// или https://" in refused.get_data(as_text=True)
    kept = db_session.scalar(select(Lesson.distance_url).where(Lesson.id == world.lesson_5a.id))
    assert kept == "https://meet.example.org/5a-maths"  # nothing changed
    client.post(post, data={"distance_url": "https://meet.example.org/new", "distance_materials": "Задачи 1–5"})
    saved = db_session.execute(
        select(Lesson.distance_url, Lesson.distance_materials).where(Lesson.id == world.lesson_5a.id)
    ).one()
    assert tuple(saved) == ("https://meet.example.org/new", "Задачи 1–5")
    assert client.post(f"/admin/journal/{world.a_maths_6b.id}/lesson/{world.lesson_6b.id}/distance").status_code == 403


def test_the_teachers_day_marks_a_distance_lesson(client, login_as, world, db_session, frozen):
    login_as("other_teacher")  # 6Б maths is in the timetable on Mondays
    switch_to_distance(
        Actor.of(world.users["director"]), day=MONDAY, target="school", kind="weather", reason="Мороз", now=NOW
    )
    db_session.commit()
    page = client.get("/admin/").get_data(as_text=True)
    assert "today-distance" in page


def test_the_diary_shows_the_distance_lessons_first_with_the_link(client, login_as, world, db_session, frozen):
    login_as("parent")
    distance_5a(db_session, world)
    page = client.get(f"/diary/{world.anna.id}?week={MONDAY.isoformat()}").get_data(as_text=True)
    block = page.index('id="distance-lessons"')
    assert block < page.index('card-header py-1"><strong>')  # before the first day of the week
    assert 'href="https://meet.example.org/5a-maths"' in page and 'rel="noopener noreferrer"' in page
    assert "Учебник, с. 12" in page and "Карантин по гриппу" in page
    home = client.get("/home").get_data(as_text=True)
    assert "home-distance" in home and "https://meet.example.org/5a-maths" in home
    assert home.index("home-distance") < home.index('<h2 class="h6">Что нового')  # first in the child's card
    login_as("parent_b")  # 6Б is not at a distance
    other = client.get(f"/diary/{world.boris.id}?week={MONDAY.isoformat()}").get_data(as_text=True)
    assert 'id="distance-lessons"' not in other and "meet.example.org" not in other
    assert "home-distance" not in client.get("/home").get_data(as_text=True)


def test_a_switch_changes_the_diary_week_etag(client, login_as, world, db_session, frozen):
    login_as("parent")
    url = f"/diary/{world.anna.id}?week={MONDAY.isoformat()}"
    etag = client.get(url).headers["ETag"]
    switch_to_distance(
        Actor.of(world.users["director"]), day=MONDAY, target="grade:5", kind="weather", reason="Мороз", now=NOW
    )
    db_session.commit()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


# --- the weekly signature -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name,student,day,error",
    [
        ("student", "anna", MONDAY, AccessDenied),  # a student does not sign for the parent
        ("parent_b", "anna", MONDAY, AccessDenied),  # another family's child
        ("classteacher", "anna", MONDAY, AccessDenied),
        ("parent", "boris", MONDAY, AccessDenied),
        ("parent", "anna", MONDAY + dt.timedelta(days=7), InvalidInput),  # a week not begun
    ],
)
def test_who_may_sign_which_week(db_session, world, name, student, day, error):
    with pytest.raises(error):
        acknowledge_week(Actor.of(world.users[name]), getattr(world, student).id, day, today=MONDAY, now=NOW)
    assert db_session.scalar(select(func.count()).select_from(DiaryAcknowledgement)) == 0


@pytest.mark.parametrize("day", [MONDAY, MONDAY + dt.timedelta(days=3), MONDAY - dt.timedelta(days=5)])
def test_a_week_is_signed_once_whatever_day_is_given(db_session, world, day):
    parent = Actor.of(world.users["parent"])
    first, new = acknowledge_week(parent, world.anna.id, day, today=MONDAY + dt.timedelta(days=2), now=NOW)
    again, repeated = acknowledge_week(parent, world.anna.id, day, today=MONDAY + dt.timedelta(days=2), now=NOW)
    assert new and not repeated and first.id == again.id and first.week_start.weekday() == 0


def test_the_database_keeps_one_signature_per_parent_child_and_week(db_session, world):
    from sqlalchemy.exc import IntegrityError

    row = {"guardian_id": world.g_parent.id, "student_id": world.anna.id, "week_start": MONDAY, "acknowledged_at": NOW}
    db_session.add(DiaryAcknowledgement(**row))
    db_session.flush()
    with pytest.raises(IntegrityError), db_session.begin_nested():
        db_session.add(DiaryAcknowledgement(**row))
        db_session.flush()


def test_the_parent_signs_and_the_class_teacher_sees_it(client, login_as, world, db_session, frozen):
    login_as("parent")
    diary = client.get(f"/diary/{world.anna.id}").get_data(as_text=True)
    assert 'id="week-ack-button"' in diary
    for _click in range(2):  # a double click
        response = client.post(f"/diary/{world.anna.id}/acknowledge", data={"week": MONDAY.isoformat()})
        assert response.status_code == 302
    assert db_session.scalar(select(func.count()).select_from(DiaryAcknowledgement)) == 1
    assert 'id="week-signed"' in client.get(f"/diary/{world.anna.id}").get_data(as_text=True)
    assert client.post(f"/diary/{world.boris.id}/acknowledge", data={"week": MONDAY.isoformat()}).status_code == 403
    assert client.post(f"/diary/{world.anna.id}/acknowledge", data={"week": "bad"}).status_code == 400
    login_as("student")
    assert 'id="week-ack-button"' not in client.get(f"/diary/{world.anna.id}").get_data(as_text=True)
    assert client.post(f"/diary/{world.anna.id}/acknowledge", data={"week": MONDAY.isoformat()}).status_code == 403

    login_as("classteacher")
    page = client.get(f"/admin/my-class/signatures/?class_id={world.c5a.id}&week=2026-09-09").get_data(as_text=True)
    assert "Аннова Алла" in page and "✔" in page and "Верова" in page
    assert "подписали родители 1 из 2" in page
    assert client.get(f"/admin/my-class/signatures/?class_id={world.c6b.id}").status_code == 403
    login_as("director")
    assert client.get(f"/admin/my-class/signatures/?class_id={world.c6b.id}").status_code == 200


def test_signatures_of_a_class_in_four_queries(db_session, world, count_queries):
    acknowledge_week(Actor.of(world.users["parent"]), world.anna.id, MONDAY, today=MONDAY, now=NOW)
    with count_queries() as q:
        signs = class_acknowledgements(Actor.of(world.users["classteacher"]), world.c5a.id, MONDAY)
    assert [s.signed for s in signs.students] == [True, False] and signs.signed == 1
    assert q.count <= 5  # the class (with its access rule), students, parents, signatures


@pytest.mark.parametrize("who", ["boris", "unknown"])
def test_signing_another_familys_or_an_unknown_child_is_the_same_403(client, login_as, world, frozen, who):
    login_as("parent")
    student_id = world.boris.id if who == "boris" else 999_999
    response = client.post(f"/diary/{student_id}/acknowledge", data={"week": MONDAY.isoformat()})
    assert response.status_code == 403 and "Борис" not in response.get_data(as_text=True)
