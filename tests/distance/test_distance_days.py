"""Distance learning (R23): the administration's switch of a day for the school, a grade or a class, its undo,
the teacher's link and materials, and where families and teachers see them."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

import models.base
from models import AuditEvent, CancelledDay, Lesson
from models.access import Actor
from models.errors import AccessDenied, Conflict, InvalidInput, NotFound
from models.journal.distance import clean_url, save_distance
from models.school.distance import distance_days, switch_to_distance, undo_distance

MONDAY = dt.date(2026, 9, 7)  # the world's lessons are on this day
NOW = dt.datetime(2026, 9, 7, 6, 0, tzinfo=dt.UTC)


def actor(world, name="director"):
    return Actor.of(world.users[name])


def switch(world, target, *, name="director", day=MONDAY, kind="weather", reason="Мороз −35 °C"):
    return switch_to_distance(actor(world, name), day=day, target=target, kind=kind, reason=reason, now=NOW)


@pytest.fixture()
def frozen(monkeypatch):
    monkeypatch.setattr(models.base, "clock", lambda: NOW)


@pytest.mark.parametrize(
    "target,in_5a,in_6b",
    [("school", True, True), ("grade:5", True, False), ("grade:6", False, True), ("c6b", False, True)],
)
def test_one_switch_covers_the_school_a_grade_or_a_class(db_session, world, target, in_5a, in_6b):
    target = f"class:{world.c6b.id}" if target == "c6b" else target
    row = switch(world, target)
    days = distance_days([world.c5a.id, world.c6b.id], MONDAY, MONDAY + dt.timedelta(days=6))
    assert ((world.c5a.id, MONDAY) in days, (world.c6b.id, MONDAY) in days) == (in_5a, in_6b)
    assert all(note.reason == "Мороз −35 °C" and note.kind == "weather" for note in days.values())
    assert distance_days([world.c5a.id], MONDAY + dt.timedelta(days=1), MONDAY + dt.timedelta(days=6)) == {}
    created = db_session.scalar(
        select(AuditEvent).where(AuditEvent.action == "distance_day.create", AuditEvent.entity_id == row.id)
    )
    assert created is not None and "weather" in created.new


def test_the_narrowest_switch_gives_the_reason(db_session, world):
    switch(world, "school", reason="Мороз")
    switch(world, f"class:{world.c5a.id}", kind="quarantine", reason="Карантин в 5А")
    days = distance_days([world.c5a.id, world.c6b.id], MONDAY, MONDAY)
    assert days[(world.c5a.id, MONDAY)].reason == "Карантин в 5А"
    assert days[(world.c6b.id, MONDAY)].reason == "Мороз"


@pytest.mark.parametrize(
    "changes,error",
    [
        ({"target": ""}, InvalidInput),
        ({"target": "everyone"}, InvalidInput),
        ({"target": "grade:x"}, InvalidInput),
        ({"target": "grade:9"}, InvalidInput),  # no 9th classes this year
        ({"target": "class:999999"}, InvalidInput),
        ({"target": "class:٥"}, InvalidInput),
        ({"target": "foreign"}, InvalidInput),  # a class of another school
        ({"day": dt.date(2026, 9, 13)}, InvalidInput),  # a Sunday
        ({"day": dt.date(2025, 9, 8)}, InvalidInput),  # outside every academic year
        ({"day": None}, InvalidInput),
        ({"kind": "holiday"}, InvalidInput),
        ({"kind": None}, InvalidInput),
        ({"reason": "   "}, InvalidInput),
        ({"reason": "x" * 256}, InvalidInput),
        ({"name": "teacher"}, AccessDenied),
        ({"name": "classteacher"}, AccessDenied),
        ({"name": "secretary"}, AccessDenied),
        ({"name": "parent"}, AccessDenied),
        ({"name": "student"}, AccessDenied),
    ],
)
def test_a_bad_switch_is_refused_and_changes_nothing(db_session, world, changes, error):
    args = {"target": "school"} | changes
    if args["target"] == "foreign":
        from models import AcademicYear, SchoolClass

        year = AcademicYear(
            school_id=world.other_school.id,
            name="2026/2027",
            starts_on=dt.date(2026, 9, 1),
            ends_on=dt.date(2027, 5, 31),
        )
        db_session.add(year)
        db_session.flush()
        foreign = SchoolClass(school_id=world.other_school.id, year_id=year.id, grade=5, letter="В")
        db_session.add(foreign)
        db_session.flush()
        args["target"] = f"class:{foreign.id}"
    with pytest.raises(error):
        switch(world, **args)
    assert db_session.scalar(select(func.count()).select_from(CancelledDay)) == 0


@pytest.mark.parametrize("name", ["director", "coordinator", "operator"])
def test_the_administration_switches_and_a_repeat_is_a_conflict(db_session, world, name):
    switch(world, "grade:5", name=name)
    with pytest.raises(Conflict):
        switch(world, "grade:5", name=name)
    switch(world, "school", name=name)  # a wider switch of the same day is another row
    assert db_session.scalar(select(func.count()).select_from(CancelledDay)) == 2


def test_undo_is_audited_and_only_in_the_own_school(db_session, world):
    row = switch(world, f"class:{world.c5a.id}")
    with pytest.raises(AccessDenied):
        undo_distance(actor(world, "teacher"), row.id)
    with pytest.raises(NotFound):
        undo_distance(actor(world, "foreign_operator"), row.id)
    undo_distance(actor(world, "coordinator"), row.id)
    assert distance_days([world.c5a.id], MONDAY, MONDAY) == {}
    gone = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "distance_day.delete"))
    assert gone.entity_id == row.id and "Мороз" in gone.old
    with pytest.raises(NotFound):
        undo_distance(actor(world, "coordinator"), row.id)


# --- the teacher's link and materials ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    ["https://meet.example.org/abc-def?x=1", "http://10.0.0.5:8080/room/5a", "HTTPS://Zoom.us/j/123"],
)
def test_http_and_https_links_are_kept(url):
    assert clean_url(f"  {url} ") == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://files.example.org/a",
        "file:///etc/passwd",
        "//evil.example.org/x",
        "meet.example.org/abc",
        "https://",
        "https://exa mple.org/",
        'https://example.org/"onmouseover="alert(1)',
        "https://example.org/<script>",
        "https://[::1",
        "https://example.org/" + "a" * 500,
    ],
)
def test_other_links_are_refused(url):
    with pytest.raises(InvalidInput):
        clean_url(url)


def test_the_teacher_adds_a_link_on_a_distance_day_only(db_session, world, frozen):
    teacher = actor(world, "teacher")
    with pytest.raises(InvalidInput, match="не день дистанционного"):
        save_distance(teacher, world.a_maths_5a.id, world.lesson_5a.id, url="https://meet.example.org/5a", materials="")
    row = switch(world, f"class:{world.c5a.id}")
    lesson = save_distance(
        teacher, world.a_maths_5a.id, world.lesson_5a.id, url="https://meet.example.org/5a", materials="Стр. 12"
    )
    assert (lesson.distance_url, lesson.distance_materials, lesson.is_distance) == (
        "https://meet.example.org/5a",
        "Стр. 12",
        True,
    )
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "lesson.distance")) is not None
    with pytest.raises(AccessDenied):  # not their page
        save_distance(actor(world, "other_teacher"), world.a_maths_5a.id, world.lesson_5a.id, url=None, materials="")
    with pytest.raises(InvalidInput):  # the lesson of another page
        save_distance(teacher, world.a_maths_5a.id, world.lesson_6b.id, url=None, materials="")
    undo_distance(actor(world), row.id)
    lesson = save_distance(teacher, world.a_maths_5a.id, world.lesson_5a.id, url="", materials="")
    assert (lesson.distance_url, lesson.is_distance) == (None, False)  # clearing stays possible


def test_the_database_refuses_a_non_http_link(db_session, world):
    from sqlalchemy.exc import IntegrityError

    db_session.execute(
        Lesson.__table__.update().where(Lesson.id == world.lesson_5a.id).values(distance_url="https://ok.example")
    )
    with pytest.raises(IntegrityError), db_session.begin_nested():
        db_session.execute(
            Lesson.__table__.update().where(Lesson.id == world.lesson_5a.id).values(distance_url="javascript:x")
        )
