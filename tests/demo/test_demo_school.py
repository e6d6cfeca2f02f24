"""The demo school: accounts per role, the rules the journal obeys, idempotency, determinism."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import and_, func, or_, select
from werkzeug.security import check_password_hash

from demo import DEMO_ACCOUNTS, DEMO_PASSWORD, Scale, load_demo
from models import (
    Enrollment,
    Lesson,
    Mark,
    SchoolClass,
    StudentGuardian,
    SubgroupMember,
    TeachingAssignment,
    TimetableEntry,
    User,
    db,
)

TODAY = dt.date(2026, 11, 22)


@pytest.fixture()
def tiny(db_session):
    return load_demo(scale=Scale.tiny(), today=TODAY)


def test_every_demo_account_exists_with_its_roles_and_password(tiny):
    for login, roles, _description in DEMO_ACCOUNTS:
        user = db.session.scalar(select(User).where(User.login == login))
        assert user is not None, login
        assert user.role_names == set(roles), login
        assert check_password_hash(user.password_hash, DEMO_PASSWORD)


def test_demo_parent_has_two_children_in_different_classes(tiny):
    parent = db.session.scalar(select(User).where(User.login == "parent"))
    children = db.session.scalars(
        select(StudentGuardian.student_id).where(StudentGuardian.guardian_id == parent.guardian_id)
    ).all()
    classes = db.session.scalars(
        select(Enrollment.class_id).where(Enrollment.student_id.in_(children), Enrollment.ends_on.is_(None))
    ).all()
    assert len(children) == 2 and len(set(classes)) == 2
    student = db.session.scalar(select(User).where(User.login == "student"))
    assert student.student_id in children


def test_first_grade_gets_no_marks(tiny):
    marks_in_grade_1 = db.session.scalar(
        select(func.count())
        .select_from(Mark)
        .join(Lesson, Lesson.id == Mark.lesson_id)
        .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
        .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
        .where(SchoolClass.grade == 1)
    )
    assert marks_in_grade_1 == 0
    assert db.session.scalar(select(func.count()).select_from(Mark)) > 0


def test_marks_belong_to_students_of_the_class_or_subgroup_on_that_date(tiny):
    enrolled = select(Enrollment.id).where(
        Enrollment.student_id == Mark.student_id,
        Enrollment.class_id == TeachingAssignment.class_id,
        Enrollment.starts_on <= Lesson.date,
        or_(Enrollment.ends_on.is_(None), Enrollment.ends_on >= Lesson.date),
    )
    in_subgroup = select(SubgroupMember.id).where(
        SubgroupMember.student_id == Mark.student_id,
        SubgroupMember.subgroup_id == TeachingAssignment.subgroup_id,
        SubgroupMember.starts_on <= Lesson.date,
        or_(SubgroupMember.ends_on.is_(None), SubgroupMember.ends_on >= Lesson.date),
    )
    stray = db.session.scalar(
        select(func.count())
        .select_from(Mark)
        .join(Lesson, Lesson.id == Mark.lesson_id)
        .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
        .where(or_(~enrolled.exists(), and_(TeachingAssignment.subgroup_id.is_not(None), ~in_subgroup.exists())))
    )
    assert stray == 0


def test_no_teacher_is_in_two_places_at_once(tiny):
    a1, a2 = TeachingAssignment.__table__.alias("a1"), TeachingAssignment.__table__.alias("a2")
    e1, e2 = TimetableEntry.__table__.alias("e1"), TimetableEntry.__table__.alias("e2")
    clashes = db.session.scalar(
        select(func.count())
        .select_from(e1)
        .join(a1, a1.c.id == e1.c.assignment_id)
        .join(e2, and_(e2.c.weekday == e1.c.weekday, e2.c.bell_id == e1.c.bell_id, e2.c.id > e1.c.id))
        .join(a2, a2.c.id == e2.c.assignment_id)
        .where(a1.c.teacher_id == a2.c.teacher_id)
    )
    assert clashes == 0


def test_loading_twice_writes_nothing(tiny):
    assert load_demo(scale=Scale.tiny(), today=TODAY) == tiny


def test_the_default_school_has_the_promised_size(db_session):
    counts = load_demo(scale=Scale(weeks=1), today=TODAY)
    assert counts["school_classes"] >= 20 and counts["students"] >= 500 and counts["staff"] >= 40
    grades = set(db.session.scalars(select(SchoolClass.grade)))
    assert grades == set(range(1, 12))
