"""What a family has already seen of the notices (R21): one "seen up to" moment per account and child."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import db, utcnow


class NoticeSeen(db.Model):
    """Changes logged after ``seen_at`` about this child are new to this account (a parent or the student)."""

    __tablename__ = "notice_seen"
    __table_args__ = (UniqueConstraint("user_id", "student_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"), index=True)
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
