"""The timetable's soft rules (R10, R12): a lesson placed in the week grid beyond the hours a week of the
curriculum (учебный план) or of the teacher's teaching load is allowed, but only when the operator confirms
it, with the figures in front of them ("Математика в 5А: по учебному плану 5 ч в неделю, с этим уроком
будет 6"). Hard rules (a teacher, a room or a class in two places at once) stay refusals in
``models.school.timetable.find_clashes``.

Counting follows the load report (models/school/teaching_load.py): a class's lessons of a subject a week are
its whole-class lessons plus one subgroup's (subgroups work in parallel). Hours a week may be halves (1,5:
one week 1 lesson, the next 2), so a count is over only past the hours rounded up; the grid's load table
marks the same rows (``exceeds``).
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import or_, select

from models.base import db
from models.i18n import Text, _
from models.school.teaching_load import class_hours, curriculum_hours, hours_text
from models.tables.curriculum import TeachingAssignment
from models.tables.school import AcademicYear
from models.tables.timetable import TimetableEntry


def exceeds(lessons: int, hours: Decimal | float | int) -> bool:
    """More lessons a week than ``hours`` allow (half hours: the rounded-up count is still within)."""
    return lessons > math.ceil(Decimal(hours))


class Span(NamedTuple):
    """A timetable entry of the class's subject as far as counting goes: its page, subgroup and dates."""

    assignment_id: int
    subgroup_id: int | None
    valid_from: dt.date
    valid_to: dt.date  # its own end, else the end of the year


def counts_with(
    spans: list[Span], assignment_id: int, subgroup_id: int | None, start: dt.date, end: dt.date
) -> tuple[int, int]:
    """(lessons a week of the page, of the class in the subject) with one more lesson of ``assignment_id``
    placed from ``start`` to ``end``: the busiest week of that time (a week counts the entries valid on its
    first day the new lesson runs, or on the day another entry starts)."""
    days = {start} | {s.valid_from for s in spans if start < s.valid_from <= end}
    page_most = class_most = 0
    for day in days:
        live = [s for s in spans if s.valid_from <= day <= s.valid_to]
        page = 1 + sum(1 for s in live if s.assignment_id == assignment_id)
        lessons = class_hours([(s.subgroup_id, 1) for s in live] + [(subgroup_id, 1)])
        page_most = max(page_most, page)
        class_most = max(class_most, int(lessons))
    return page_most, class_most


def load_warnings(
    *,
    subject: str,
    page: str,
    cls: str,
    teacher: str,
    page_hours: Decimal,
    page_lessons: int,
    curriculum_hours: Decimal | None,
    class_lessons: int,
) -> list[Text]:
    """The soft warnings for these figures (``page``: the subject with the page's subgroup): the curriculum's
    hours of the class exceeded, the page's (the teacher's load) exceeded; the second is left out when it
    would repeat the first's figures."""
    out = []
    over_plan = curriculum_hours is not None and exceeds(class_lessons, curriculum_hours)
    if over_plan:
        out.append(
            Text(
                _("%(subject)s в %(school_class)s: по учебному плану %(hours)s ч в неделю, с этим уроком будет %(n)s."),
                subject=subject,
                school_class=cls,
                hours=hours_text(curriculum_hours),
                n=class_lessons,
            )
        )
    if exceeds(page_lessons, page_hours) and not (
        over_plan and Decimal(page_hours) == Decimal(curriculum_hours) and page_lessons == class_lessons
    ):
        out.append(
            Text(
                _(
                    "%(subject)s в %(school_class)s, %(teacher)s: по учебной нагрузке %(hours)s ч в неделю, с этим уроком "
                    "будет %(n)s."
                ),
                subject=page,
                school_class=cls,
                teacher=teacher,
                hours=hours_text(page_hours),
                n=page_lessons,
            )
        )
    return out


def warnings_over(
    spans: list[Span],
    assignment: TeachingAssignment,
    start: dt.date,
    end: dt.date,
    curriculum_hours: Decimal | None,
    *,
    class_name: str,
    subject_name: str,
) -> list[Text]:
    """The warnings for one more lesson of ``assignment`` (from ``start`` to ``end``) next to ``spans``, the
    class's entries of the subject; its teacher and subgroup are read only when there is something to say."""
    page_lessons, class_lessons = counts_with(spans, assignment.id, assignment.subgroup_id, start, end)
    hours = Decimal(assignment.hours_per_week)
    if not exceeds(page_lessons, hours) and not (
        curriculum_hours is not None and exceeds(class_lessons, curriculum_hours)
    ):
        return []
    return load_warnings(
        subject=subject_name,
        page=subject_name + (f" ({assignment.subgroup.name})" if assignment.subgroup else ""),
        cls=class_name,
        teacher=assignment.teacher.short_name,
        page_hours=hours,
        page_lessons=page_lessons,
        curriculum_hours=curriculum_hours,
        class_lessons=class_lessons,
    )


def placement_warnings(
    assignment: TeachingAssignment, start: dt.date, end: dt.date | None = None, *, exclude_entry_ids=()
) -> list[Text]:
    """What a lesson of ``assignment`` placed from ``start`` to ``end`` (None: the end of its year) would
    exceed: the curriculum's hours a week of the class's grade in the subject, the hours of the page. Empty
    when it exceeds nothing. ``exclude_entry_ids``: entries the change ends (their lessons no longer count).
    Two queries (three with a warning)."""
    year = db.session.get(AcademicYear, assignment.year_id)
    end = end or year.ends_on
    q = (
        select(
            TimetableEntry.assignment_id,
            TeachingAssignment.subgroup_id,
            TimetableEntry.valid_from,
            TimetableEntry.valid_to,
        )
        .join(TeachingAssignment, TeachingAssignment.id == TimetableEntry.assignment_id)
        .where(
            TeachingAssignment.class_id == assignment.class_id,
            TeachingAssignment.subject_id == assignment.subject_id,
            TimetableEntry.valid_from <= end,
            or_(TimetableEntry.valid_to.is_(None), TimetableEntry.valid_to >= start),
        )
    )
    if exclude_entry_ids:
        q = q.where(TimetableEntry.id.not_in(list(exclude_entry_ids)))
    spans = [Span(a_id, group, since, until or year.ends_on) for a_id, group, since, until in db.session.execute(q)]
    cls = assignment.school_class
    return warnings_over(
        spans,
        assignment,
        start,
        end,
        curriculum_hours(assignment.year_id).get((cls.grade, assignment.subject_id)),
        class_name=cls.name,
        subject_name=assignment.subject.name,
    )
