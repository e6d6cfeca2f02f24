"""Who uses the system (R29, R31): a visit is a day on which a user signed in or opened a page (one ``PageView``
row per user and day, its count the sessions seen that day); per class, the share of students and of parents
with an account who used the diary in a period, and of the class's teachers."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select, union, update
from sqlalchemy.exc import IntegrityError

from models.base import db
from models.grading import percent
from models.roster import stay_on
from models.tables.accounts import LoginEvent, PageView, User
from models.tables.classes import Enrollment, SchoolClass
from models.tables.curriculum import TeachingAssignment
from models.tables.people import StudentGuardian
from models.tables.school import AcademicYear


def note_visit(user_id: int, day: dt.date) -> None:
    """Count one more session of the user on the day (the caller commits)."""
    bump = update(PageView).where(PageView.user_id == user_id, PageView.day == day).values(count=PageView.count + 1)
    if db.session.execute(bump).rowcount:
        return
    try:
        with db.session.begin_nested():
            db.session.add(PageView(user_id=user_id, day=day, count=1))
    except IntegrityError:  # another request of the same user created the row meanwhile
        db.session.execute(bump)


@dataclass
class Usage:
    people: int = 0  # students (or their parents) of the class
    with_account: int = 0
    active: int = 0  # used the system in the period

    @property
    def share(self):
        """% of the people who used the system."""
        return percent(self.active, self.people)


@dataclass
class ClassUsage:
    school_class: SchoolClass
    students: Usage
    parents: Usage
    teachers: Usage


def class_usage(school_id: int, first: dt.date, last: dt.date) -> tuple[list[ClassUsage], ClassUsage | None]:
    """Per class of the school's year(s) running in the period: students, their parents and the teachers of the
    class, each with how many have an account and how many used the system between the dates. Six queries."""
    classes = db.session.scalars(
        select(SchoolClass)
        .join(AcademicYear, AcademicYear.id == SchoolClass.year_id)
        .where(SchoolClass.school_id == school_id, AcademicYear.starts_on <= last, AcademicYear.ends_on >= first)
        .order_by(SchoolClass.grade, SchoolClass.letter)
    ).all()
    if not classes:
        return [], None
    class_ids = [c.id for c in classes]
    # Subqueries, not lists of ids: a school's thousand students would be a thousand bound parameters.
    running = (
        select(SchoolClass.id)
        .join(AcademicYear, AcademicYear.id == SchoolClass.year_id)
        .where(SchoolClass.school_id == school_id, AcademicYear.starts_on <= last, AcademicYear.ends_on >= first)
    )
    stays = select(Enrollment.class_id, Enrollment.student_id).where(
        Enrollment.class_id.in_(running), stay_on(Enrollment, last)
    )
    students: dict[int, set[int]] = defaultdict(set)
    for class_id, student_id in db.session.execute(stays):
        students[class_id].add(student_id)
    everyone = {sid for ids in students.values() for sid in ids}
    parents_of: dict[int, set[int]] = defaultdict(set)
    for student_id, guardian_id in db.session.execute(
        select(StudentGuardian.student_id, StudentGuardian.guardian_id).where(
            StudentGuardian.student_id.in_(stays.with_only_columns(Enrollment.student_id))
        )
    ):
        parents_of[student_id].add(guardian_id)
    teachers: dict[int, set[int]] = defaultdict(set)
    for class_id, staff_id in db.session.execute(
        select(TeachingAssignment.class_id, TeachingAssignment.teacher_id).where(
            TeachingAssignment.class_id.in_(class_ids)
        )
    ):
        teachers[class_id].add(staff_id)
    accounts = db.session.execute(
        select(User.id, User.student_id, User.guardian_id, User.staff_id).where(
            User.school_id == school_id, User.blocked_at.is_(None)
        )
    ).all()
    start = dt.datetime.combine(first, dt.time.min, dt.UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, dt.UTC)
    of_school = select(User.id).where(User.school_id == school_id)  # a district's other schools stay out
    active_users = set(
        db.session.scalars(
            union(
                select(PageView.user_id).where(PageView.day.between(first, last), PageView.user_id.in_(of_school)),
                select(LoginEvent.user_id).where(
                    LoginEvent.success.is_(True),
                    LoginEvent.at >= start,
                    LoginEvent.at < end,
                    LoginEvent.user_id.in_(of_school),
                ),
            )
        )
    )
    account = {"student": {}, "guardian": {}, "staff": {}}
    for user_id, student_id, guardian_id, staff_id in accounts:
        for kind, person in (("student", student_id), ("guardian", guardian_id), ("staff", staff_id)):
            if person is not None:
                account[kind][person] = account[kind].get(person, False) or user_id in active_users

    def usage(people: set[int], kind: str) -> Usage:
        known = account[kind]
        return Usage(len(people), sum(1 for p in people if p in known), sum(1 for p in people if known.get(p)))

    def parents(kids: set[int]) -> set[int]:
        return {g for sid in kids for g in parents_of.get(sid, ())}

    lines = [
        ClassUsage(
            cls,
            usage(students.get(cls.id, set()), "student"),
            usage(parents(students.get(cls.id, set())), "guardian"),
            usage(teachers.get(cls.id, set()), "staff"),
        )
        for cls in classes
    ]
    # the school: everyone once (a parent of two classes, a teacher of many)
    total = ClassUsage(
        None,
        usage(everyone, "student"),
        usage(parents(everyone), "guardian"),  # type: ignore[arg-type]
        usage({t for ids in teachers.values() for t in ids}, "staff"),
    )
    return lines, total
