"""Marks for a period, the year, the exam and the final (attestat) mark (R25–R27)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import db, one_of, utcnow
from models.marks import SPECIAL_MARKS
from models.tables.school import Period

PERIOD_MARK_KINDS = ("period", "year", "exam", "final")


class PeriodMark(db.Model):
    """One mark per student, subject, period and kind; year/exam/final marks hang on the year period."""

    __tablename__ = "period_marks"
    __table_args__ = (
        UniqueConstraint("student_id", "subject_id", "period_id", "kind"),
        CheckConstraint(one_of("kind", PERIOD_MARK_KINDS), name="kind"),
        CheckConstraint("value BETWEEN 1 AND 5", name="value_range"),
        CheckConstraint(f"special IS NULL OR {one_of('special', SPECIAL_MARKS)}", name="special"),
        CheckConstraint("(value IS NULL) <> (special IS NULL)", name="one_value"),
        CheckConstraint("percent IS NULL OR (percent >= 0 AND percent <= 100)", name="percent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"))
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("teaching_assignments.id"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8), default="period")
    value: Mapped[int | None] = mapped_column(SmallInteger)
    special: Mapped[str | None] = mapped_column(String(6))
    # What the grading scheme proposed when the mark was set, and why the teacher chose otherwise.
    proposed_average: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))  # criteria scheme: weighted %
    proposed_value: Mapped[int | None] = mapped_column(SmallInteger)
    override_reason: Mapped[str | None] = mapped_column(Text)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    period: Mapped[Period] = relationship()

    __mapper_args__ = {"version_id_col": version}

    def __str__(self) -> str:
        return str(self.value) if self.value is not None else (self.special or "")
