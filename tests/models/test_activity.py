"""Who uses the system (models/accounts/activity.py): a visit per user and day (sign-in or the session's first page of
the day), and per class the students, parents and teachers with an account and those who used the system in
a period — the figures of the monthly control.

World: 5А — anna (account "student", her mother "parent" has one) and vera (no account, no parent); maths by
"teacher", Russian by "classteacher"; 6Б — boris (his father "parent_b"), maths by "other_teacher"."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from models import PageView, StudentGuardian, db
from models.accounts.activity import class_usage, note_visit
from models.school_time import school_today, zone_of

SEP1, SEP30 = dt.date(2026, 9, 1), dt.date(2026, 9, 30)


def _views(user):
    return db.session.execute(
        select(PageView.day, PageView.count).where(PageView.user_id == user.id).order_by(PageView.day)
    ).all()


def test_a_visit_per_user_and_day(db_session, world):
    parent = world.users["parent"]
    note_visit(parent.id, SEP1)
    note_visit(parent.id, SEP1)
    note_visit(parent.id, SEP30)
    assert _views(parent) == [(SEP1, 2), (SEP30, 1)]


def test_signing_in_and_the_first_page_of_the_day_count_once_per_session(client, login_as, world):
    login_as("parent")
    today = school_today(zone_of(world.school))  # the school's day: after 21:00 UTC Moscow's is the next one
    assert _views(world.users["parent"]) == [(today, 1)]
    client.get("/home")
    client.get(f"/diary/{world.anna.id}")
    assert _views(world.users["parent"]) == [(today, 1)]  # the same session
    login_as("parent")
    assert _views(world.users["parent"]) == [(today, 2)]


def test_usage_per_class_and_for_the_school(db_session, world):
    for name, day in (
        ("parent", dt.date(2026, 9, 10)),
        ("teacher", dt.date(2026, 9, 2)),
        ("parent_b", dt.date(2026, 10, 1)),
    ):  # parent_b: another month
        note_visit(world.users[name].id, day)
    db.session.flush()
    lines, total = class_usage(world.school.id, SEP1, SEP30)
    by_class = {line.school_class.name: line for line in lines}
    c5a = by_class["5А"]
    assert (c5a.students.people, c5a.students.with_account, c5a.students.active) == (2, 1, 0)
    assert (c5a.parents.people, c5a.parents.with_account, c5a.parents.active, str(c5a.parents.share)) == (
        1,
        1,
        1,
        "100.0",
    )
    assert (c5a.teachers.people, c5a.teachers.active) == (2, 1)
    c6b = by_class["6Б"]
    assert (c6b.parents.people, c6b.parents.active) == (1, 0)
    assert (
        total.students.people,
        total.parents.people,
        total.parents.active,
        total.teachers.people,
        total.teachers.active,
    ) == (3, 2, 1, 3, 1)
    assert class_usage(world.other_school.id, SEP1, SEP30) == ([], None)


def test_a_parent_of_two_classes_counts_in_each_and_once_for_the_school(db_session, world):
    """The database counts distinct people: the mother of anna (5А) and of boris (6Б) is a parent of both classes
    and one parent of the school; a blocked account is no account."""
    db.session.add(StudentGuardian(student_id=world.boris.id, guardian_id=world.g_parent.id, relation="mother"))
    world.users["parent_b"].blocked_at = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
    note_visit(world.users["parent"].id, dt.date(2026, 9, 10))
    db.session.flush()
    lines, total = class_usage(world.school.id, SEP1, SEP30)
    by_class = {line.school_class.name: line for line in lines}
    parents = {name: (u.parents.people, u.parents.with_account, u.parents.active) for name, u in by_class.items()}
    assert parents["5А"] == (1, 1, 1)
    assert parents["6Б"] == (2, 1, 1)  # boris's father's account is blocked
    assert (total.parents.people, total.parents.with_account, total.parents.active) == (2, 1, 1)
