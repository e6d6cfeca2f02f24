"""The family's week page is the one page a browser may keep (security.revalidate_privately): private, revalidated
by its ETag on every visit, 304 while nothing the week shows changed; any change of a mark, an absence, a lesson, a
file, a stay or the timetable gives the full page again. Signing out empties the cache (tests/portal/test_kept_pages.py: what both kept pages share).

World: boris (6Б, parent_b's son) has a 3 on the maths lesson of Monday 07.09.2026."""

from __future__ import annotations

import datetime as dt

import kept
import pytest

from models import Attendance, Lesson, Mark, TimetableEntry, db

WEEK = "/diary/{id}?week=2026-09-07"


def _week(world):
    return WEEK.format(id=world.boris.id)


def test_an_unchanged_week_answers_304_without_a_body(client, login_as, world, count_queries):
    login_as("parent_b")
    first = kept.first(client, _week(world))
    assert first.headers["Cache-Control"] == "private, no-cache" and first.headers["Vary"] == "Cookie"
    etag = first.headers["ETag"]
    with count_queries() as q:
        again = kept.again(client, _week(world), etag)
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == "private, no-cache"
    assert "Content-Security-Policy" not in again.headers  # the kept page keeps its own nonce
    # the user with roles, their school and the session's limits (one statement), the week's stamp with its access
    # check, the navigation's counts: the children with their moments, then the unseen notices with the unread
    # conversations
    assert q.count == 4, q.statements


def _add_mark(world):
    db.session.add(Mark(lesson_id=world.lesson_6b.id, student_id=world.boris.id, slot=2, value=5))


def _change_mark(world):
    mark = db.session.scalars(db.select(Mark).where(Mark.student_id == world.boris.id)).first()
    mark.value = 4


def _delete_mark(world):
    db.session.delete(db.session.scalars(db.select(Mark).where(Mark.student_id == world.boris.id)).first())


def _absence(world):
    db.session.add(Attendance(lesson_id=world.lesson_6b.id, student_id=world.boris.id, status="absent"))


def _homework(world):
    db.session.get(Lesson, world.lesson_6b.id).homework = "№ 12"


def _timetable(world):
    db.session.add(
        TimetableEntry(
            assignment_id=world.a_maths_6b.id, weekday=3, bell_id=world.bell.id, valid_from=dt.date(2026, 9, 1)
        )
    )


def _notice(world):
    """A period mark set for Boris: nothing of the week changes, the navigation's count does."""
    from models.audit import AuditEvent

    AuditEvent.record(None, "period_mark.create", "period_mark", 1, new={"student_id": world.boris.id, "value": "5"})


@pytest.mark.parametrize("change", [_add_mark, _change_mark, _delete_mark, _absence, _homework, _timetable, _notice])
def test_a_change_of_the_week_gives_the_full_page(client, login_as, world, change):
    login_as("parent_b")
    kept.assert_change_gives_the_full_page(client, world, _week(world), change, b"diary-student")


def test_another_week_is_another_etag(client, login_as, world):
    login_as("parent_b")
    etag = kept.first(client, _week(world)).headers["ETag"]
    assert client.get(f"/diary/{world.boris.id}?week=2026-09-14").headers["ETag"] != etag


def test_signing_out_empties_the_browser_cache(client, login_as, world):
    login_as("parent_b")
    assert client.post("/logout").headers["Clear-Site-Data"] == '"cache"'


def _page_queries(client, world, count_queries):
    kept.forget_built_pages(client)
    with count_queries() as q:
        assert client.get(_week(world)).status_code == 200
    return q.count


def test_the_full_week_page_runs_fixed_queries(client, login_as, world, count_queries):
    login_as("parent_b")
    kept.first(client, _week(world))
    before = _page_queries(client, world, count_queries)
    for change in (_add_mark, _absence, _homework, _timetable):
        change(world)
    db.session.add(
        Lesson(
            assignment_id=world.a_maths_6b.id,
            date=dt.date(2026, 9, 8),
            topic="Ещё урок",
            work_kind_id=world.lesson_6b.work_kind_id,
            taught_by_id=world.lesson_6b.taught_by_id,
        )
    )
    db.session.commit()
    # 3 of the request and the stamp (the user comes with the school; the stamp with its access check; the
    # child), 7 the week's (the stays in classes and subgroups, lessons, files, marks with absences, the timetable
    # with its substitutions, periods, distance days), 1 the parent's signature of the week, 2 the navigation's
    # counts (the children with their classes and moments, which the child switcher shows too, models/family.py;
    # unseen notices with unread conversations)
    assert _page_queries(client, world, count_queries) == before == 13
