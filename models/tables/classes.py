"""Classes of a year, students' enrollment history (movement), and subgroups per subject."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, SmallInteger, String, UniqueConstraint
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import CreatedMixin, db, one_of
from models.marks import LAST_UNMARKED_GRADE, marks_given
from models.tables.people import Staff, Student

CLASS_PERIOD_SCHEMES = ("quarter", "trimester", "half_year")
ADMISSION_REASONS = ("admission", "transfer", "promotion")
LEAVING_REASONS = ("transfer", "promotion", "withdrawal", "graduation")


class SchoolClass(CreatedMixin, db.Model):
    __tablename__ = "school_classes"
    __table_args__ = (
        UniqueConstraint("year_id", "grade", "letter"),
        CheckConstraint("grade BETWEEN 0 AND 12", name="grade"),
        CheckConstraint(one_of("period_scheme", CLASS_PERIOD_SCHEMES), name="period_scheme"),
        CheckConstraint("shift IN (1, 2)", name="shift"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("academic_years.id"), index=True)
    grade: Mapped[int] = mapped_column(SmallInteger)
    letter: Mapped[str] = mapped_column(String(4))
    class_teacher_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    period_scheme: Mapped[str] = mapped_column(String(12), default="quarter", server_default="quarter")
    shift: Mapped[int] = mapped_column(SmallInteger, default=1, server_default="1")
    room: Mapped[str | None] = mapped_column(String(20))
    # The class teacher confirms monthly that students' and parents' data are current (S0 VI, S2 6.4.1).
    data_checked_on: Mapped[dt.date | None] = mapped_column(Date)

    class_teacher: Mapped[Staff | None] = relationship()
    year: Mapped[AcademicYear] = relationship()  # noqa: F821

    @property
    def name(self) -> str:
        return f"{self.grade}{self.letter}"

    @hybrid_property
    def gets_marks(self) -> bool:
        """Is the class taught with marks (models.marks.marks_given), in Python and in SQL?"""
        return marks_given(self.grade)

    @gets_marks.inplace.expression
    @classmethod
    def _gets_marks_expression(cls):
        return cls.grade > LAST_UNMARKED_GRADE

    def __str__(self) -> str:
        return self.name


class Enrollment(db.Model):
    """A student's stay in a class from one date to another: the movement history (R9)."""

    __tablename__ = "enrollments"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates"),
        CheckConstraint(one_of("reason_in", ADMISSION_REASONS), name="reason_in"),
        CheckConstraint(f"reason_out IS NULL OR {one_of('reason_out', LEAVING_REASONS)}", name="reason_out"),
        CheckConstraint("(ends_on IS NULL) = (reason_out IS NULL)", name="closed_with_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_classes.id"), index=True)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    reason_in: Mapped[str] = mapped_column(String(12))
    order_in: Mapped[str | None] = mapped_column(String(40))  # номер приказа
    reason_out: Mapped[str | None] = mapped_column(String(12))
    order_out: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(String(255))  # e.g. the school a student left for

    student: Mapped[Student] = relationship()
    school_class: Mapped[SchoolClass] = relationship()

    def __str__(self) -> str:
        return f"{self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y}" if self.ends_on else f"с {self.starts_on:%d.%m.%Y}"


class Subgroup(db.Model):
    """A part of a class for one subject (foreign language, informatics, labour) (R11)."""

    __tablename__ = "subgroups"
    __table_args__ = (UniqueConstraint("class_id", "subject_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_classes.id"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"))
    name: Mapped[str] = mapped_column(String(40))  # "1 группа"

    school_class: Mapped[SchoolClass] = relationship()

    def __str__(self) -> str:
        return self.name


class SubgroupMember(db.Model):
    """A student in a subgroup from a date (subgroups are set at the start of each period)."""

    __tablename__ = "subgroup_members"
    __table_args__ = (
        UniqueConstraint("subgroup_id", "student_id", "starts_on"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subgroup_id: Mapped[int] = mapped_column(ForeignKey("subgroups.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)

    subgroup: Mapped[Subgroup] = relationship()
    student: Mapped[Student] = relationship()

    def __str__(self) -> str:
        return f"{self.student_id}@{self.subgroup_id}"


ROLLOVER_DECISIONS = ("promote", "repeat", "leave")


class RolloverDecision(db.Model):
    """The secretary's decision for a student the year's marks leave in doubt (a year «2», «н/а», no year mark):
    promoted, repeating the grade, or leaving at the year's end; read by the rollover (issue 18)."""

    __tablename__ = "rollover_decisions"
    __table_args__ = (
        UniqueConstraint("year_id", "student_id"),
        CheckConstraint(one_of("decision", ROLLOVER_DECISIONS), name="decision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("academic_years.id"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    decision: Mapped[str] = mapped_column(String(8))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    def __str__(self) -> str:
        return f"{self.student_id}: {self.decision}"
