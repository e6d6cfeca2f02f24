"""Who uses the system (R29, R31): a visit is a day on which a user signed in or opened a page (one ``PageView``
row per user and day, its count the sessions seen that day); per class, the share of students and of parents
with an account who used the diary in a period, and of the class's teachers."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from sqlalchemy import Date, and_, bindparam, case, func, literal, select, union, union_all, update
from sqlalchemy.exc import IntegrityError

from models.base import db, read
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


PEOPLE = ("student", "guardian", "staff")  # the kinds of people counted, by their index in the statement


def _running_classes(school_id: int, first: dt.date, last: dt.date):
    """The school's classes of the year(s) running between the dates."""
    return (
        select(SchoolClass)
        .join(AcademicYear, AcademicYear.id == SchoolClass.year_id)
        .where(SchoolClass.school_id == school_id, AcademicYear.starts_on <= last, AcademicYear.ends_on >= first)
    )


@functools.cache
def _usage_statement():
    """Per kind of people and class, and per kind for the whole school (class 0): how many people, how many with an
    account (not blocked), how many of those used the system between the dates. Counted by the database: a
    school's ~1,000 students, ~1,600 parents and their ~3,000 accounts stay there (they were read row by row).
    Built once, the school and the dates bound (``school``, ``first``, ``last`` and the moments ``start`` and ``end``
    that bound the sign-ins, ``_usage_params``): building it is ~5 ms of Python, compiling it more."""
    school_id, first, last = bindparam("school"), bindparam("first", type_=Date), bindparam("last", type_=Date)
    running = _running_classes(school_id, first, last).with_only_columns(SchoolClass.id)
    stays = (
        select(Enrollment.class_id, Enrollment.student_id)
        .where(Enrollment.class_id.in_(running), stay_on(Enrollment, last))
        .cte("stays")
    )
    people = union_all(  # (kind, class, person), a person once per class and kind
        select(literal(0).label("kind"), stays.c.class_id, stays.c.student_id.label("person")),
        select(literal(1), stays.c.class_id, StudentGuardian.guardian_id).join(
            StudentGuardian, StudentGuardian.student_id == stays.c.student_id
        ),
        select(literal(2), TeachingAssignment.class_id, TeachingAssignment.teacher_id).where(
            TeachingAssignment.class_id.in_(running)
        ),
    ).cte("people")
    start, end = bindparam("start", type_=LoginEvent.at.type), bindparam("end", type_=LoginEvent.at.type)
    of_school = select(User.id).where(User.school_id == school_id)  # a district's other schools stay out
    active = union(
        select(PageView.user_id).where(PageView.day.between(first, last), PageView.user_id.in_(of_school)),
        select(LoginEvent.user_id).where(
            LoginEvent.success.is_(True), LoginEvent.at >= start, LoginEvent.at < end, LoginEvent.user_id.in_(of_school)
        ),
    )
    users = (
        select(
            User.student_id,
            User.guardian_id,
            User.staff_id,
            case((User.id.in_(active), 1), else_=0).label("active"),
        )
        .where(User.school_id == school_id, User.blocked_at.is_(None))
        .cte("school_accounts")
    )
    accounts = union_all(  # (kind, person, used the system): one account a person at most (unique in users)
        *(
            select(literal(kind).label("kind"), column.label("person"), users.c.active).where(column.is_not(None))
            for kind, column in enumerate((users.c.student_id, users.c.guardian_id, users.c.staff_id))
        )
    ).subquery()
    seen = (
        select(people.c.kind, people.c.class_id, people.c.person, accounts.c.active)
        .join(accounts, and_(accounts.c.kind == people.c.kind, accounts.c.person == people.c.person), isouter=True)
        .cte("seen")
    )
    figures = (
        func.count(func.distinct(seen.c.person)),
        func.count(func.distinct(case((seen.c.active.is_not(None), seen.c.person)))),
        func.count(func.distinct(case((seen.c.active == 1, seen.c.person)))),
    )
    return union_all(
        select(seen.c.kind, seen.c.class_id, *figures).group_by(seen.c.kind, seen.c.class_id),
        select(seen.c.kind, literal(0), *figures).group_by(seen.c.kind),  # everyone once: a parent of two classes
    )


def _usage_params(school_id: int, first: dt.date, last: dt.date) -> dict[str, object]:
    start = dt.datetime.combine(first, dt.time.min, dt.UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, dt.UTC)
    return {"school": school_id, "first": first, "last": last, "start": start, "end": end}


def class_usage(school_id: int, first: dt.date, last: dt.date) -> tuple[list[ClassUsage], ClassUsage | None]:
    """Per class of the school's year(s) running in the period: students, their parents and the teachers of the
    class, each with how many have an account and how many used the system between the dates; and the school's,
    everyone once. Two queries."""
    classes = db.session.scalars(
        _running_classes(school_id, first, last).order_by(SchoolClass.grade, SchoolClass.letter)
    ).all()
    if not classes:
        return [], None
    counted = {
        (class_id, kind): Usage(people, with_account, active)
        for kind, class_id, people, with_account, active in read(
            _usage_statement(), _usage_params(school_id, first, last)
        ).all()
    }

    def line(school_class: SchoolClass | None, class_id: int) -> ClassUsage:
        return ClassUsage(school_class, *(counted.get((class_id, kind)) or Usage() for kind in range(len(PEOPLE))))

    return [line(cls, cls.id) for cls in classes], line(None, 0)


def compile_usage() -> None:
    """Run the usage statement once for no school (it answers nothing): a server's master process does so before it
    forks its workers, which then start with the statement compiled (app.warm_up)."""
    today = dt.date.today()
    read(_usage_statement(), _usage_params(0, today, today)).all()
