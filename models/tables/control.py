"""The coordinator's control of how the journal is kept: remarks to teachers (R29)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import db, utcnow


class Remark(db.Model):
    """A remark of the coordinator to a teacher about their journal page, which the teacher must fix."""

    __tablename__ = "remarks"
    __table_args__ = (CheckConstraint("length(trim(text)) > 0", name="text_not_blank"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("teaching_assignments.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    fixed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    fix_note: Mapped[str | None] = mapped_column(Text)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    def __str__(self) -> str:
        return self.text[:40]
