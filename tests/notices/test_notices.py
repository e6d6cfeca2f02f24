"""Notices to families from the audit log: the rule table, roster and access, the fixed query count."""

from __future__ import annotations

import datetime as dt

import pytest

import models.base
from models.access import Actor
from models.audit import AuditEvent
from models.journal.cells import set_mark
from models.notices.feed import family_notices, mark_seen, unread_count, unsent_notices
from models.tables.classes import Enrollment
from models.tables.journal import Lesson, Mark

from .test_count import lessons_with_homework

T0 = dt.datetime(2026, 9, 8, 8, 0, tzinfo=dt.UTC)


@pytest.fixture()
def clock(monkeypatch):
    """A clock the test moves on: clock.at(minutes after T0)."""
    state = {"now": T0}
    monkeypatch.setattr(models.base, "clock", lambda: state["now"])

    class Clock:
        def at(self, minutes: int) -> dt.datetime:
            state["now"] = T0 + dt.timedelta(minutes=minutes)
            return state["now"]

    return Clock()


def _actor(world, name):
    return Actor.of(world.users[name])


def _notices(world, name, now, **kw):
    return {child.student.id: child.notices for child in family_notices(_actor(world, name), now, **kw)}


def _version(db_session, world, student):
    return db_session.query(Mark).filter_by(lesson_id=world.lesson_5a.id, student_id=student.id, slot=1).one().version


def test_rule_table_create_change_delete(db_session, world, clock):
    teacher = _actor(world, "teacher")
    mark_seen(_actor(world, "parent"), world.anna.id, clock.at(0))
    set_mark(teacher, world.lesson_5a.id, world.vera.id, 1, "4", None, now=clock.at(1))  # not Anna
    set_mark(teacher, world.lesson_5a.id, world.anna.id, 2, "4", None, comment="устно", now=clock.at(2))
    version = db_session.query(Mark).filter_by(lesson_id=world.lesson_5a.id, student_id=world.anna.id, slot=2).one()
    set_mark(teacher, world.lesson_5a.id, world.anna.id, 2, "5", version.version, now=clock.at(3))
    set_mark(
        teacher, world.lesson_5a.id, world.anna.id, 1, "", _version(db_session, world, world.anna), now=clock.at(4)
    )
    notices = _notices(world, "parent", clock.at(5))[world.anna.id]
    rows = [(n.action, n.old, n.new, n.who, n.at) for n in notices]
    assert rows == [
        ("mark.delete", "5", "", "Математикова М.И.", T0 + dt.timedelta(minutes=4)),
        ("mark.update", "4", "5", "Математикова М.И.", T0 + dt.timedelta(minutes=3)),
        ("mark.create", "", "4", "Математикова М.И.", T0 + dt.timedelta(minutes=2)),
    ]
    assert notices[1].changed and notices[1].subject == "Математика" and notices[1].comment == "устно"
    assert notices[1].day == world.lesson_5a.date
    # the student sees the same about themself; another family never sees Anna
    assert len(_notices(world, "student", clock.at(5))[world.anna.id]) == 3
    assert set(_notices(world, "parent_b", clock.at(5))) == {world.boris.id}
    assert _notices(world, "parent_b", clock.at(5))[world.boris.id] == []
    assert unread_count(_actor(world, "parent"), clock.at(5)) == 3


def test_seen_moment_hides_what_was_seen_and_the_digest_hook_ignores_it(db_session, world, clock):
    parent = _actor(world, "parent")
    set_mark(_actor(world, "teacher"), world.lesson_5a.id, world.anna.id, 2, "3", None, now=clock.at(1))
    assert unread_count(parent, clock.at(2)) == 1
    mark_seen(parent, None, clock.at(2))
    assert unread_count(parent, clock.at(3)) == 0
    assert unread_count(_actor(world, "student"), clock.at(3)) == 1  # each account has its own moment
    set_mark(_actor(world, "teacher"), world.lesson_5a.id, world.anna.id, 3, "5", None, now=clock.at(4))
    assert [n.new for n in _notices(world, "parent", clock.at(5))[world.anna.id]] == ["5"]
    digest = unsent_notices(world.users["parent"], T0, clock.at(5))
    assert [n.new for n in digest[0].notices] == ["5", "3"]


def test_another_family_cannot_mark_seen_or_read_a_child(db_session, world, clock):
    from models.errors import AccessDenied

    with pytest.raises(AccessDenied):
        mark_seen(_actor(world, "parent_b"), world.anna.id, clock.at(0))
    with pytest.raises(AccessDenied):
        family_notices(_actor(world, "parent_b"), clock.at(0), student_id=world.anna.id)


def test_absence_homework_and_period_mark_notices(db_session, world, clock):
    from models.journal.cells import set_attendance

    mark_seen(_actor(world, "parent"), world.anna.id, clock.at(0))
    set_attendance(_actor(world, "teacher"), world.lesson_5a.id, world.anna.id, "absent", None, now=clock.at(1))
    clock.at(2)
    AuditEvent.record(
        world.users["teacher"].id,
        "lesson.update",
        "lesson",
        world.lesson_5a.id,
        old={"homework": "№ 12, 13"},
        new={"homework": "№ 14"},
        class_id=world.c5a.id,
    )
    AuditEvent.record(
        world.users["teacher"].id,
        "period_mark.create",
        "period_mark",
        1,
        new={"value": "5", "student_id": world.anna.id, "subject_id": world.maths.id, "period_id": world.q1.id},
    )
    db_session.flush()
    notices = _notices(world, "parent", clock.at(3))[world.anna.id]
    assert [(n.action, n.old, n.new) for n in notices] == [
        ("period_mark.create", "", "5"),
        ("lesson.update", "№ 12, 13", "№ 14"),
        ("attendance.create", "", "н"),
    ]
    assert notices[0].subject.startswith("Математика")
    assert _notices(world, "parent_b", clock.at(3))[world.boris.id] == []  # 5А's homework is not Boris's


def test_transferred_students_notices_follow_the_roster(db_session, world, clock):
    """Anna leaves 5А on 14.09 for 6Б: 5А's homework after that is not hers, 6Б's is."""
    mark_seen(_actor(world, "parent"), world.anna.id, clock.at(0))
    stay = db_session.query(Enrollment).filter_by(student_id=world.anna.id, class_id=world.c5a.id).one()
    stay.ends_on, stay.reason_out = dt.date(2026, 9, 13), "transfer"
    db_session.add(
        Enrollment(
            student_id=world.anna.id, class_id=world.c6b.id, starts_on=dt.date(2026, 9, 14), reason_in="transfer"
        )
    )
    lessons = {}
    for name, assignment, teacher, day in (
        ("5a_before", world.a_maths_5a, world.s_teacher, dt.date(2026, 9, 10)),
        ("5a_after", world.a_maths_5a, world.s_teacher, dt.date(2026, 9, 15)),
        ("6b_before", world.a_maths_6b, world.s_other_teacher, dt.date(2026, 9, 10)),
        ("6b_after", world.a_maths_6b, world.s_other_teacher, dt.date(2026, 9, 15)),
    ):
        lessons[name] = Lesson(
            assignment_id=assignment.id,
            date=day,
            bell_id=world.bell.id,
            topic=name,
            work_kind_id=world.regular.id,
            taught_by_id=teacher.id,
        )
        db_session.add(lessons[name])
    db_session.flush()
    clock.at(1)
    for name, lesson in lessons.items():
        new = {"homework": f"hw {name}"}
        AuditEvent.record(None, "lesson.create", "lesson", lesson.id, new=new, class_id=lesson.assignment.class_id)
    db_session.flush()
    anna = {n.new for n in _notices(world, "parent", clock.at(2))[world.anna.id]}
    assert anna == {"hw 5a_before", "hw 6b_after"}
    boris = {n.new for n in _notices(world, "parent_b", clock.at(2))[world.boris.id]}
    assert boris == {"hw 6b_before", "hw 6b_after"}


@pytest.mark.parametrize("marks", [1, 12])
def test_query_count_does_not_grow_with_marks(db_session, world, clock, count_queries, marks):
    teacher = _actor(world, "teacher")
    lessons = lessons_with_homework(db_session, world, marks)
    for i, lesson in enumerate(lessons):
        set_mark(teacher, lesson.id, world.anna.id, 1, "4", None, now=clock.at(i + 1))
        set_mark(teacher, lesson.id, world.anna.id, 1, "5", 1, now=clock.at(i + 1))
    db_session.expire_all()
    parent = _actor(world, "parent")
    with count_queries() as q:
        notices = family_notices(parent, clock.at(100))
    assert len(notices[0].notices) == 2 * marks
    assert q.count == 6, q.statements  # the children and their moments, their counts, the events, their lessons;
    # the school (its day) and the announcements
