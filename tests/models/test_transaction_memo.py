"""models.base.transaction_memo: a question asked twice in one transaction runs once, and no answer outlives a
write or the transaction it was read in. The access checks (models.access) and the family's rows
(models/family.py) rely on it: a consent withdrawn closes the child's diary at once, in the same transaction too."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from models import Student, db
from models.access import Actor, can_view_student, require_student, visible_student
from models.accounts.consents import withdraw_consent
from models.base import forget_transaction_memo, transaction_memo
from models.errors import AccessDenied
from models.family import family_rows
from models.journal.diary import family_overview
from models.notices.feed import unread_count

NOW = dt.datetime(2026, 10, 1, 12, tzinfo=dt.UTC)


def _counting():
    calls = []
    return calls, lambda: calls.append(1) or len(calls)


@pytest.mark.parametrize(
    "end",
    [
        pytest.param(lambda w: db.session.commit(), id="commit"),
        pytest.param(lambda w: db.session.rollback(), id="rollback"),
        pytest.param(lambda w: (setattr(w.anna, "address", "ул. Новая, 1"), db.session.flush()), id="flush"),
        pytest.param(
            lambda w: db.session.execute(update(Student).where(Student.id == w.anna.id).values(address="ул. Новая, 2")),
            id="update statement",
        ),
        pytest.param(lambda w: forget_transaction_memo(), id="forget"),
    ],
)
def test_an_answer_is_kept_until_the_session_writes_or_its_transaction_ends(db_session, world, end):
    calls, compute = _counting()
    assert transaction_memo("question", compute) == 1
    assert transaction_memo("question", compute) == 1  # kept: asked once
    db.session.execute(db.select(Student.id).limit(1)).all()  # a read forgets nothing
    assert transaction_memo("question", compute) == 1 and len(calls) == 1
    end(world)
    assert transaction_memo("question", compute) == 2  # asked again


def test_an_exception_is_not_kept(db_session, world):
    def refuse():
        raise AccessDenied("нет")

    with pytest.raises(AccessDenied):
        transaction_memo("refused", refuse)
    assert transaction_memo("refused", lambda: "yes") == "yes"


def test_the_access_check_runs_once_a_transaction(db_session, world, count_queries):
    parent = Actor.of(world.users["parent"])
    with count_queries() as first:
        assert can_view_student(parent, world.anna.id)
    with count_queries() as again:
        require_student(parent, world.anna.id)
        assert can_view_student(parent, world.anna.id)
    assert (first.count, again.count) == (1, 0)
    assert not can_view_student(parent, world.boris.id)  # a refusal is an answer of its own, per child
    with pytest.raises(AccessDenied):
        require_student(parent, world.boris.id)


def test_visible_student_loads_the_child_with_the_check(db_session, world, count_queries):
    parent = Actor.of(world.users["parent"])
    with count_queries() as q:
        student = visible_student(parent, world.anna.id)
        assert visible_student(parent, world.anna.id) is student
        require_student(parent, world.anna.id)  # answered by the row loaded
    assert student.id == world.anna.id and q.count == 1
    for refused in (world.boris.id, 999_999):  # another family's child, no such student
        with pytest.raises(AccessDenied):
            visible_student(parent, refused)


def test_a_withdrawn_consent_closes_the_diary_in_the_same_transaction(db_session, world):
    parent = Actor.of(world.users["parent"])
    assert visible_student(parent, world.anna.id) and can_view_student(parent, world.anna.id)
    assert [child.id for child in family_rows(parent)] == [world.anna.id]
    withdraw_consent(parent, world.anna.id, now=NOW)  # flushes: the answers above are forgotten
    assert not can_view_student(parent, world.anna.id)
    with pytest.raises(AccessDenied):
        visible_student(parent, world.anna.id)
    assert family_rows(parent) == [] and family_overview(parent) == []


def test_the_navigation_count_and_the_switcher_read_the_children_once(db_session, world, count_queries):
    parent = Actor.of(world.users["parent"])
    forget_transaction_memo()
    with count_queries() as q:
        family = family_overview(parent)
        unread_count(parent, NOW)  # the children's moments: the same rows, then the count
    assert [child.id for child, _class in family] == [world.anna.id]
    assert q.count == 2
