"""Achievements (olympiads, contests, festivals) and year-end results with documents (R6, R7)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import CreatedMixin, db, one_of

ACHIEVEMENT_KINDS = ("olympiad", "contest", "festival", "competition", "conference", "other")
ACHIEVEMENT_LEVELS = ("school", "municipal", "regional", "national", "international")
ACHIEVEMENT_RESULTS = ("participant", "prize_winner", "winner")
RESULT_KINDS = ("final_project", "complex_work", "meta_subject")


class Achievement(CreatedMixin, db.Model):
    __tablename__ = "achievements"
    __table_args__ = (
        CheckConstraint(one_of("kind", ACHIEVEMENT_KINDS), name="kind"),
        CheckConstraint(one_of("level", ACHIEVEMENT_LEVELS), name="level"),
        CheckConstraint(one_of("result", ACHIEVEMENT_RESULTS), name="result"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("academic_years.id"), index=True)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subjects.id"))
    title: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(12))
    level: Mapped[str] = mapped_column(String(14))
    result: Mapped[str] = mapped_column(String(14))
    date: Mapped[dt.date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    def __str__(self) -> str:
        return self.title


class StudentResult(CreatedMixin, db.Model):
    """A year-end result: the individual final project (grades 5–9), a complex or meta-subject work."""

    __tablename__ = "student_results"
    __table_args__ = (
        CheckConstraint(one_of("kind", RESULT_KINDS), name="kind"),
        CheckConstraint("mark IS NULL OR mark BETWEEN 1 AND 5", name="mark"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("academic_years.id"), index=True)
    kind: Mapped[str] = mapped_column(String(14))
    title: Mapped[str] = mapped_column(String(255))
    mark: Mapped[int | None] = mapped_column()
    level: Mapped[str | None] = mapped_column(String(40))  # "базовый", "повышенный"
    comment: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    def __str__(self) -> str:
        return self.title
