"""A read-only summary of the school for the public start page."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from models.base import db
from models.tables.classes import Enrollment, SchoolClass
from models.tables.people import Staff
from models.tables.school import AcademicYear, Bell, School


@dataclass
class SchoolOverview:
    name: str | None = None
    address: str | None = None
    year: str | None = None
    classes: int = 0
    students: int = 0
    staff: int = 0
    bells: list[str] = field(default_factory=list)


def school_overview() -> SchoolOverview:
    school = db.session.scalars(select(School).order_by(School.id).limit(1)).first()
    if school is None:
        return SchoolOverview()
    year = db.session.scalars(
        select(AcademicYear).where(AcademicYear.school_id == school.id).order_by(AcademicYear.starts_on.desc()).limit(1)
    ).first()
    overview = SchoolOverview(name=school.name, address=school.address, year=year.name if year else None)
    if year is not None:
        overview.classes = db.session.scalar(select(func.count()).where(SchoolClass.year_id == year.id)) or 0
        overview.students = (
            db.session.scalar(
                select(func.count(func.distinct(Enrollment.student_id)))
                .join(SchoolClass, SchoolClass.id == Enrollment.class_id)
                .where(SchoolClass.year_id == year.id, Enrollment.ends_on.is_(None))
            )
            or 0
        )
    overview.staff = (
        db.session.scalar(select(func.count()).where(Staff.school_id == school.id, Staff.left_on.is_(None))) or 0
    )
    overview.bells = [
        str(b)
        for b in db.session.scalars(
            select(Bell).where(Bell.school_id == school.id, Bell.shift == 1).order_by(Bell.number)
        )
    ]
    return overview
