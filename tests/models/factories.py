"""Small builders for a minimal valid school graph.

Every ``make_*`` takes the session and keyword overrides for the model's columns, fills the rest
with valid values, adds the object, flushes (so ids exist) and returns it. A missing parent is built
on the fly, from the parents you did pass where that keeps the graph in one school::

    lesson = make_lesson(session)                       # school, year, class, teacher… all made for it
    mark = make_mark(session, lesson=lesson, student=make_student(session, school=...), value=5)
    g = make_graph(session)                             # the whole graph, one of each, as a namespace

Unique columns (school code, login, personal file number…) get a fresh value from a counter.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from types import SimpleNamespace

from models import (
    AcademicYear,
    Enrollment,
    Lesson,
    Mark,
    Period,
    School,
    SchoolClass,
    Staff,
    Student,
    Subject,
    TeachingAssignment,
    User,
    UserRole,
    WorkKind,
)

_seq = itertools.count(1)

YEAR_START = dt.date(2026, 9, 1)
YEAR_END = dt.date(2027, 5, 31)
QUARTERS = [
    (dt.date(2026, 9, 1), dt.date(2026, 10, 25)),
    (dt.date(2026, 11, 5), dt.date(2026, 12, 28)),
    (dt.date(2027, 1, 9), dt.date(2027, 3, 21)),
    (dt.date(2027, 3, 31), dt.date(2027, 5, 25)),
]


def _save(session, obj):
    session.add(obj)
    session.flush()
    return obj


def make_school(session, **kw):
    n = next(_seq)
    return _save(session, School(**{"name": f"Школа №{n}", "short_name": f"Ш{n}", "code": f"school-{n}", **kw}))


def make_year(session, school=None, **kw):
    school = school or make_school(session)
    return _save(
        session,
        AcademicYear(
            **{"school_id": school.id, "name": "2026/2027", "starts_on": YEAR_START, "ends_on": YEAR_END, **kw}
        ),
    )


def make_period(session, year=None, **kw):
    year = year or make_year(session)
    number = kw.get("number", 1)
    starts_on, ends_on = QUARTERS[(number - 1) % 4]
    return _save(
        session,
        Period(
            **{
                "year_id": year.id,
                "scheme": "quarter",
                "number": number,
                "name": f"{number} четверть",
                "starts_on": starts_on,
                "ends_on": ends_on,
                **kw,
            }
        ),
    )


def make_periods(session, year=None):
    """Four quarters plus the year period (the one year and final marks hang on)."""
    year = year or make_year(session)
    quarters = [make_period(session, year, number=n) for n in range(1, 5)]
    return quarters + [
        make_period(session, year, scheme="year", number=1, name="Год", starts_on=year.starts_on, ends_on=year.ends_on)
    ]


def make_staff(session, school=None, **kw):
    school = school or make_school(session)
    return _save(
        session,
        Staff(
            **{
                "school_id": school.id,
                "last_name": "Иванова",
                "first_name": "Мария",
                "middle_name": "Петровна",
                "position": "учитель",
                **kw,
            }
        ),
    )


def make_class(session, year=None, **kw):
    year = year or make_year(session)
    return _save(
        session, SchoolClass(**{"school_id": year.school_id, "year_id": year.id, "grade": 5, "letter": "А", **kw})
    )


def make_student(session, school=None, **kw):
    school = school or make_school(session)
    return _save(
        session,
        Student(
            **{
                "school_id": school.id,
                "last_name": "Петров",
                "first_name": "Пётр",
                "birth_date": dt.date(2015, 3, 14),
                "sex": "m",
                "personal_file_no": f"П-{next(_seq)}",
                **kw,
            }
        ),
    )


def make_enrollment(session, student=None, school_class=None, **kw):
    school_class = school_class or make_class(session)
    student = student or make_student(session, _school(session, school_class.school_id))
    return _save(
        session,
        Enrollment(
            **{
                "student_id": student.id,
                "class_id": school_class.id,
                "starts_on": YEAR_START,
                "reason_in": "admission",
                **kw,
            }
        ),
    )


def make_subject(session, school=None, **kw):
    school = school or make_school(session)
    n = next(_seq)
    return _save(session, Subject(**{"school_id": school.id, "name": f"Математика {n}", "short_name": "Мат", **kw}))


def make_assignment(session, school_class=None, subject=None, teacher=None, **kw):
    school_class = school_class or make_class(session)
    school = _school(session, school_class.school_id)
    subject = subject or make_subject(session, school)
    teacher = teacher or make_staff(session, school)
    return _save(
        session,
        TeachingAssignment(
            **{
                "year_id": school_class.year_id,
                "class_id": school_class.id,
                "subject_id": subject.id,
                "teacher_id": teacher.id,
                "hours_per_week": Decimal("4"),
                **kw,
            }
        ),
    )


def make_work_kind(session, school=None, **kw):
    school = school or make_school(session)
    return _save(
        session,
        WorkKind(
            **{
                "school_id": school.id,
                "code": f"wk{next(_seq)}",
                "name": "Работа на уроке",
                "weight": Decimal("1"),
                **kw,
            }
        ),
    )


def make_lesson(session, assignment=None, work_kind=None, **kw):
    assignment = assignment or make_assignment(session)
    if work_kind is None:
        work_kind = make_work_kind(session, _school(session, assignment.school_class.school_id))
    return _save(
        session,
        Lesson(
            **{
                "assignment_id": assignment.id,
                "date": dt.date(2026, 9, 2),
                "topic": "Натуральные числа",
                "work_kind_id": work_kind.id,
                "taught_by_id": assignment.teacher_id,
                **kw,
            }
        ),
    )


def make_mark(session, lesson=None, student=None, **kw):
    lesson = lesson or make_lesson(session)
    student = student or make_student(session, _school(session, lesson.assignment.school_class.school_id))
    values = {"lesson_id": lesson.id, "student_id": student.id, "slot": 1, **kw}
    if not {"value", "special", "points"} & kw.keys():
        values["value"] = 5
    return _save(session, Mark(**values))


def make_user(session, roles=("teacher",), **kw):
    n = next(_seq)
    user = User(**{"login": f"user{n}", "password_hash": "x", "session_token": f"token{n}", **kw})
    user.roles = [UserRole(role=r) for r in roles]
    return _save(session, user)


def make_graph(session, **kw):
    """One of everything: school, year, periods, class, teacher, student enrolled in the class,
    subject, assignment, work kind and a lesson. ``kw`` overrides the school's columns."""
    school = make_school(session, **kw)
    year = make_year(session, school)
    periods = make_periods(session, year)
    school_class = make_class(session, year)
    teacher = make_staff(session, school)
    student = make_student(session, school)
    enrollment = make_enrollment(session, student, school_class)
    subject = make_subject(session, school)
    assignment = make_assignment(session, school_class, subject, teacher)
    work_kind = make_work_kind(session, school)
    lesson = make_lesson(session, assignment, work_kind)
    return SimpleNamespace(
        school=school,
        year=year,
        periods=periods,
        period=periods[0],
        year_period=periods[-1],
        school_class=school_class,
        teacher=teacher,
        student=student,
        enrollment=enrollment,
        subject=subject,
        assignment=assignment,
        work_kind=work_kind,
        lesson=lesson,
    )


def _school(session, school_id):
    return session.get(School, school_id)
