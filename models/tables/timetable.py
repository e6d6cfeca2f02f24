"""The weekly timetable and substitutions (R12)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import db, utcnow
from models.tables.curriculum import TeachingAssignment
from models.tables.school import Bell


class TimetableEntry(db.Model):
    """A lesson of a teaching assignment on a weekday at a bell, valid over a range of dates."""

    __tablename__ = "timetable_entries"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 1 AND 7", name="weekday"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("teaching_assignments.id"), index=True)
    weekday: Mapped[int] = mapped_column(SmallInteger)  # ISO: 1 = Monday
    bell_id: Mapped[int] = mapped_column(ForeignKey("bells.id"))
    room: Mapped[str | None] = mapped_column(String(20))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)

    assignment: Mapped[TeachingAssignment] = relationship()
    bell: Mapped[Bell] = relationship()

    def __str__(self) -> str:
        return f"{self.weekday}/{self.bell_id}"


class Substitution(db.Model):
    """On a date a colleague replaces the absent teacher for one timetabled lesson."""

    __tablename__ = "substitutions"
    __table_args__ = (
        UniqueConstraint("entry_id", "date"),
        CheckConstraint("substitute_id <> absent_teacher_id", name="different_teachers"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("timetable_entries.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    absent_teacher_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    substitute_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    reason: Mapped[str | None] = mapped_column(String(255))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    entry: Mapped[TimetableEntry] = relationship()

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y}"
