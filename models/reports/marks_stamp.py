"""A validator of the family's marks page and a subject's page (models/reports/report_card.py): a string that changes
whenever a row the card is built from changes, so that a browser keeping the page (portal/kept_pages.py) gets
"304 Not Modified", and a worker its kept page, for the price of two small statements instead of the card's dozen.

What the card reads, for the year it shows: the student's marks of the year and their lessons (their versions
change on every edit), the period marks, the stays in classes and groups, those classes, their years, their
journal pages (the subjects), the year's periods, the school's subjects, kinds of work, settings and grading
scheme (the names and the weights the averages use), and the student's name. Counts and sums of ids and
versions for the many rows; the few rows of configuration whole, as text. The child switcher's other children
are not in it, as they are not in the week's (models/journal/diary.py). The caller adds what is not in the
database: who reads, in which language, the school's day, the deployed templates and code."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, Select, String, bindparam, cast, func, select, true

from models.access import Actor, may_see_student, per_actor, require_student, student_checked
from models.base import read, stamp
from models.reports.report_card import STUDENT_YEARS, card_year
from models.tables.classes import Enrollment, SchoolClass, SubgroupMember
from models.tables.curriculum import Subject, TeachingAssignment
from models.tables.finals import PeriodMark
from models.tables.journal import Lesson, Mark, WorkKind
from models.tables.people import Student
from models.tables.school import AcademicYear, Period, School, Setting

_STUDENT = bindparam("student", type_=Integer)
_YEAR = bindparam("year", type_=Integer)
_SCHOOL = bindparam("school", type_=Integer)


def _rows(label: str, *columns):
    """The rows' fields as one string ("a|b;c|d"; NULL as empty): for the few rows of a school's configuration."""
    fields = None
    for column in columns:
        part = func.coalesce(cast(column, String), "")
        fields = part if fields is None else fields + "|" + part
    return func.aggregate_strings(fields, ";").label(label)


_CLASSES = select(Enrollment.class_id).where(Enrollment.student_id == _STUDENT)
_YEAR_CLASSES = _CLASSES.join(SchoolClass, SchoolClass.id == Enrollment.class_id).where(SchoolClass.year_id == _YEAR)
_PARTS = (
    select(
        func.count().label("marks"),
        func.sum(Mark.id + Mark.version * 7 + Mark.slot).label("mark_sum"),
        func.sum(Lesson.id + Lesson.version * 7).label("lesson_sum"),
    )
    .select_from(Mark)
    .join(Lesson, Lesson.id == Mark.lesson_id)
    .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
    .where(Mark.student_id == _STUDENT, TeachingAssignment.year_id == _YEAR),
    select(func.count().label("finals"), func.sum(PeriodMark.id + PeriodMark.version * 7).label("final_sum")).where(
        PeriodMark.student_id == _STUDENT, PeriodMark.period_id.in_(select(Period.id).where(Period.year_id == _YEAR))
    ),
    select(_rows("stays", Enrollment.id, Enrollment.class_id, Enrollment.starts_on, Enrollment.ends_on)).where(
        Enrollment.student_id == _STUDENT
    ),
    select(
        _rows("groups", SubgroupMember.id, SubgroupMember.subgroup_id, SubgroupMember.starts_on, SubgroupMember.ends_on)
    ).where(SubgroupMember.student_id == _STUDENT),
    select(
        _rows(
            "classes",
            SchoolClass.id,
            SchoolClass.grade,
            SchoolClass.letter,
            SchoolClass.period_scheme,
            SchoolClass.year_id,
        )
    ).where(SchoolClass.id.in_(_CLASSES)),
    select(_rows("years", AcademicYear.id, AcademicYear.name, AcademicYear.starts_on, AcademicYear.ends_on)).where(
        AcademicYear.id.in_(select(SchoolClass.year_id).where(SchoolClass.id.in_(_CLASSES)))
    ),
    select(_rows("pages", TeachingAssignment.id, TeachingAssignment.subject_id, TeachingAssignment.subgroup_id)).where(
        TeachingAssignment.class_id.in_(_YEAR_CLASSES)
    ),
    select(
        _rows("periods", Period.id, Period.scheme, Period.number, Period.custom_name, Period.starts_on, Period.ends_on)
    ).where(Period.year_id == _YEAR),
    select(_rows("subjects", Subject.id, Subject.name, Subject.is_pass_fail)).where(Subject.school_id == _SCHOOL),
    select(
        _rows(
            "kinds",
            WorkKind.id,
            WorkKind.code,
            WorkKind.name,
            WorkKind.weight,
            WorkKind.is_control,
            WorkKind.criteria_kind,
        )
    ).where(WorkKind.school_id == _SCHOOL),
    select(_rows("settings", Setting.key, Setting.value)).where(Setting.school_id == _SCHOOL),
    select(School.grading_scheme).where(School.id == _SCHOOL),
    select(_rows("student", Student.last_name, Student.first_name, Student.middle_name)).where(Student.id == _STUDENT),
)


def _stamp_statement():
    parts = [part.subquery() for part in _PARTS]
    statement = select(*(column for part in parts for column in part.c)).select_from(parts[0])
    for part in parts[1:]:
        statement = statement.join(part, true())  # one row each: a join on true, not a cartesian warning
    return statement


MARKS_STAMP = _stamp_statement()


@per_actor
def _student_years(actor: Actor) -> Select:
    return STUDENT_YEARS.where(may_see_student(actor))


def marks_page_stamp(actor: Actor, student_id: int, *, today: dt.date, year_id: int | None = None) -> str | None:
    """The validator of ``report_card(actor, student_id, today=today, year_id=year_id)`` with any period of that
    year (a change in another period of the year gives a new one too), None when the card would not be found.
    Checks access first, as the card does, in the statement that reads the student's years. Two statements."""
    # A year once a stay (card_year picks the same), read only when the actor may see the student.
    years = read(_student_years(actor), {"student": student_id, "member": student_id}).all()
    if years:
        student_checked(actor, student_id, True)
    else:
        require_student(actor, student_id)  # no stay, or no access: asked apart (a rare page)
    year = card_year(years, today, year_id) if years else None
    if year is None:
        return None
    return _stamp(student_id, year.id, year.school_id)  # the student's school, as the card's


def _stamp(student_id: int, year_id: int, school_id: int) -> str:
    row = read(MARKS_STAMP, {"student": student_id, "year": year_id, "school": school_id}).one()
    return stamp(row, student_id, year_id)
