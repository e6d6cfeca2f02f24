"""The family's marks page is kept by the browser as the week page is (security.revalidate_privately): private,
revalidated by its ETag (models/reports/marks_stamp.py), 304 while nothing the card shows changed; a change of a
mark, a period mark, a lesson, a stay, a period, a subject, a kind of work, a setting or the grading scheme gives
the full page again (tests/portal/test_kept_pages.py: what both kept pages share).

World: boris (6Б, parent_b's son) has a 3 on the maths lesson of Monday 07.09.2026, in the first quarter."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from kept import again, assert_change_gives_the_full_page, boris_mark, first

from models import Enrollment, Lesson, Mark, PeriodMark, Setting, Student, Subject, WorkKind, db
from models.tables.school import Period, School

MARKS = "/diary/{id}/marks"


def _url(world, query=""):
    return MARKS.format(id=world.boris.id) + query


def test_an_unchanged_card_answers_304_without_a_body(client, login_as, world, count_queries):
    login_as("parent_b")
    etag = first(client, _url(world)).headers["ETag"]
    with count_queries() as q:
        kept = again(client, _url(world), etag)
    assert kept.status_code == 304 and kept.data == b"" and kept.headers["ETag"] == etag
    # the user with roles, school and limits; the student's years with the access check; the card's stamp; the
    # navigation's counts: the children with their moments, then the unseen notices with the unread conversations
    assert q.count == 5, q.statements


def _add_mark(world):
    db.session.add(Mark(lesson_id=world.lesson_6b.id, student_id=world.boris.id, slot=2, value=5))


def _change_mark(world):
    boris_mark(world).value = 4


def _comment_mark(world):
    boris_mark(world).comment = "Молодец"


def _delete_mark(world):
    db.session.delete(boris_mark(world))


def _period_mark(world):
    db.session.add(
        PeriodMark(student_id=world.boris.id, subject_id=world.maths.id, period_id=world.q1.id, kind="period", value=4)
    )


def _lesson_kind(world):
    kind = WorkKind(school_id=world.school.id, code="test", name="Контрольная", weight=Decimal("2"), is_control=True)
    db.session.add(kind)
    db.session.flush()
    db.session.get(Lesson, world.lesson_6b.id).work_kind_id = kind.id


def _lesson_moved(world):
    db.session.get(Lesson, world.lesson_6b.id).date = dt.date(2026, 10, 27)  # into the holidays


def _weight(world):
    db.session.get(WorkKind, world.regular.id).weight = Decimal("1.5")


def _setting(world):
    db.session.add(Setting(school_id=world.school.id, key="min_marks_for_period", value="5"))


def _period_dates(world):
    db.session.get(Period, world.q1.id).ends_on = dt.date(2026, 10, 30)


def _subject_renamed(world):
    db.session.get(Subject, world.maths.id).name = "Алгебра"


def _scheme(world):
    db.session.get(School, world.school.id).grading_scheme = "criteria"


def _student_renamed(world):
    db.session.get(Student, world.boris.id).last_name = "Борисенко"


def _stay_ended(world):
    stay = db.session.scalars(db.select(Enrollment).where(Enrollment.student_id == world.boris.id)).first()
    stay.ends_on, stay.reason_out = dt.date(2026, 12, 1), "transfer"


@pytest.mark.parametrize(
    "change",
    [
        _add_mark,
        _change_mark,
        _comment_mark,
        _delete_mark,
        _period_mark,
        _lesson_kind,
        _lesson_moved,
        _weight,
        _setting,
        _period_dates,
        _subject_renamed,
        _scheme,
        _stay_ended,
        _student_renamed,
    ],
)
def test_a_change_of_the_card_gives_the_full_page(client, login_as, world, change):
    login_as("parent_b")
    assert_change_gives_the_full_page(client, world, _url(world), change, b"period-marks")


def test_another_period_or_year_is_another_etag(client, login_as, world):
    login_as("parent_b")
    etag = first(client, _url(world)).headers["ETag"]
    assert first(client, _url(world, f"?period={world.q1.id}")).headers["ETag"] != etag
    assert client.get(_url(world, "?year=999999")).status_code == 404  # not a year of the child: no ETag either
