"""Who was in a class (and a subgroup) on a date: the one roster rule.

A student belongs to a journal page (a teaching assignment) on a date when a stay in its class covers
that date and, for a subgroup's page, a stay in the subgroup covers it too. The journal grid, the diary
week, lesson files, period marks, results, the control of the journal and notices all ask here.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select

from models.base import db
from models.tables.classes import Enrollment, SubgroupMember


def stay_on(model, day) -> ColumnElement[bool]:
    """An ``Enrollment`` or ``SubgroupMember`` row running on ``day`` (a date, or a date column such as
    ``Lesson.date``)."""
    return and_(model.starts_on <= day, or_(model.ends_on.is_(None), model.ends_on >= day))


def stay_during(model, first: dt.date, last: dt.date) -> ColumnElement[bool]:
    """A stay running on at least one day between ``first`` and ``last``."""
    return and_(model.starts_on <= last, or_(model.ends_on.is_(None), model.ends_on >= first))


def covers(stay, day: dt.date) -> bool:
    """The same rule for a loaded stay (an Enrollment or SubgroupMember object)."""
    return stay.starts_on <= day and (stay.ends_on is None or stay.ends_on >= day)


def stays_cover(class_id: int, subgroup_id: int | None, day: dt.date, enrollments, memberships) -> bool:
    """The rule on a student's loaded stays (Enrollment and SubgroupMember objects): in the class, and the
    subgroup when there is one, on the day."""
    return any(e.class_id == class_id and covers(e, day) for e in enrollments) and (
        subgroup_id is None or any(m.subgroup_id == subgroup_id and covers(m, day) for m in memberships)
    )


def lesson_covers(lesson, enrollments, memberships) -> bool:
    """``stays_cover`` for a loaded lesson (with its assignment): the student was on its roster that day."""
    assignment = lesson.assignment
    return stays_cover(assignment.class_id, assignment.subgroup_id, lesson.date, enrollments, memberships)


def on_roster(student_id, class_id, subgroup_id, day) -> ColumnElement[bool]:
    """The roster rule as a condition: each argument a value or a column (correlated in a query over lessons
    or marks, e.g. ``on_roster(Enrollment.student_id, TeachingAssignment.class_id,
    TeachingAssignment.subgroup_id, Lesson.date)``)."""
    in_class = exists().where(
        Enrollment.student_id == student_id, Enrollment.class_id == class_id, stay_on(Enrollment, day)
    )
    in_subgroup = exists().where(
        SubgroupMember.subgroup_id == subgroup_id, SubgroupMember.student_id == student_id, stay_on(SubgroupMember, day)
    )
    if subgroup_id is None:
        return in_class
    if isinstance(subgroup_id, int):
        return and_(in_class, in_subgroup)
    return and_(in_class, or_(subgroup_id.is_(None), in_subgroup))


def roster_ids(assignment, on: dt.date) -> Select:
    """A select of the students of the assignment's class (and subgroup) on a date."""
    q = select(Enrollment.student_id).where(Enrollment.class_id == assignment.class_id, stay_on(Enrollment, on))
    if assignment.subgroup_id is not None:
        q = q.where(
            Enrollment.student_id.in_(
                select(SubgroupMember.student_id).where(
                    SubgroupMember.subgroup_id == assignment.subgroup_id, stay_on(SubgroupMember, on)
                )
            )
        )
    return q


def is_on_roster(assignment, student_id: int, day: dt.date) -> bool:
    """Is the student in the assignment's class (and subgroup) on that date? One query."""
    return (
        db.session.scalar(roster_ids(assignment, day).where(Enrollment.student_id == student_id).limit(1)) is not None
    )
