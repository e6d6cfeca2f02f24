"""Subjects, the curriculum (hours per subject and grade), teaching load and thematic plans."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import db
from models.tables.classes import SchoolClass, Subgroup
from models.tables.people import Staff


class Subject(db.Model):
    __tablename__ = "subjects"
    __table_args__ = (UniqueConstraint("school_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    short_name: Mapped[str] = mapped_column(String(40))
    # PE: students of the special medical group are graded on theory (S2 6.2).
    is_physical_education: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Graded pass/fail instead of 2–5 (e.g. some electives).
    is_pass_fail: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    def __str__(self) -> str:
        return self.name


class CurriculumItem(db.Model):
    """Weekly hours of a subject in a grade, from the school's curriculum (учебный план)."""

    __tablename__ = "curriculum_items"
    __table_args__ = (
        UniqueConstraint("year_id", "grade", "subject_id"),
        CheckConstraint("grade BETWEEN 0 AND 12", name="grade"),
        CheckConstraint("hours_per_week > 0 AND hours_per_week <= 20", name="hours"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("academic_years.id"), index=True)
    grade: Mapped[int] = mapped_column(SmallInteger)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"))
    hours_per_week: Mapped[Decimal] = mapped_column(Numeric(4, 1))
    weeks: Mapped[int] = mapped_column(SmallInteger, default=34, server_default="34")

    subject: Mapped[Subject] = relationship()

    def __str__(self) -> str:
        return f"{self.grade}: {self.hours_per_week}"


class TeachingAssignment(db.Model):
    """Who teaches which subject to which class or subgroup in a year: one page of the journal (R10)."""

    __tablename__ = "teaching_assignments"
    __table_args__ = (
        UniqueConstraint("class_id", "subject_id", "subgroup_id", "teacher_id"),
        CheckConstraint("hours_per_week > 0 AND hours_per_week <= 20", name="hours"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("academic_years.id"), index=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_classes.id"), index=True)
    subgroup_id: Mapped[int | None] = mapped_column(ForeignKey("subgroups.id"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"), index=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    hours_per_week: Mapped[Decimal] = mapped_column(Numeric(4, 1))

    school_class: Mapped[SchoolClass] = relationship()
    subgroup: Mapped[Subgroup | None] = relationship()
    subject: Mapped[Subject] = relationship()
    teacher: Mapped[Staff] = relationship()

    def __str__(self) -> str:
        return f"#{self.id}"


class PlanItem(db.Model):
    """A line of the thematic plan (КТП) of a teaching assignment."""

    __tablename__ = "plan_items"
    __table_args__ = (
        UniqueConstraint("assignment_id", "position"),
        CheckConstraint("hours > 0", name="hours"),
        CheckConstraint("position > 0", name="position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("teaching_assignments.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(SmallInteger)
    section: Mapped[str | None] = mapped_column(String(255))
    topic: Mapped[str] = mapped_column(Text)
    hours: Mapped[int] = mapped_column(SmallInteger, default=1, server_default="1")
    work_kind_id: Mapped[int | None] = mapped_column(ForeignKey("work_kinds.id"))

    def __str__(self) -> str:
        return f"{self.position}. {self.topic}"
