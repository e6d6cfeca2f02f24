"""E-mail to families (R21): the school's SMTP settings and each account's choice per child, with the state
of its delivery (what has been sent up to which moment, the letter in flight, the last result)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import db, one_of, utcnow

SECURITY = ("starttls", "ssl", "none")
MODES = ("none", "instant", "digest")
TEST_STATES = ("queued", "sent", "failed")
SEND_STATES = ("sent", "failed")


class SchoolMail(db.Model):
    """The school's outgoing mail server. The password is kept encrypted (models/mail/secret.py), never shown."""

    __tablename__ = "school_mail"
    __table_args__ = (
        CheckConstraint("port >= 1 AND port <= 65535", name="port"),
        CheckConstraint(one_of("security", SECURITY), name="security"),
        CheckConstraint(f"test_status IS NULL OR {one_of('test_status', TEST_STATES)}", name="test_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), unique=True)
    host: Mapped[str] = mapped_column(String(255))
    port: Mapped[int] = mapped_column(Integer)
    security: Mapped[str] = mapped_column(String(8))
    login: Mapped[str | None] = mapped_column(String(255))
    password_secret: Mapped[str | None] = mapped_column(Text)  # a Fernet token, never the password itself
    sender: Mapped[str] = mapped_column(String(255))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    test_status: Mapped[str | None] = mapped_column(String(8))
    test_to: Mapped[str | None] = mapped_column(String(255))
    test_error: Mapped[str | None] = mapped_column(Text)  # the server's own words
    test_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class MailSubscription(db.Model):
    """What an account wants to receive by e-mail about one child, and how far it has been sent.

    Notices logged up to ``sent_up_to`` have been e-mailed (or were before the choice was made). A sender
    claims the row by setting ``lease_until`` (one UPDATE: two senders never both win) and fixes the letter's
    range in ``pending_up_to``; a sender that dies leaves both, and the next one after the lease resends the
    same range with the same Message-ID."""

    __tablename__ = "mail_subscriptions"
    __table_args__ = (
        UniqueConstraint("user_id", "student_id"),
        CheckConstraint(one_of("mode", MODES), name="mode"),
        CheckConstraint("mode <> 'digest' OR digest_at IS NOT NULL", name="digest_time"),
        CheckConstraint("attempts >= 0", name="attempts"),
        CheckConstraint(f"last_status IS NULL OR {one_of('last_status', SEND_STATES)}", name="last_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"), index=True)
    mode: Mapped[str] = mapped_column(String(8), default="none", server_default="none")
    digest_at: Mapped[dt.time | None] = mapped_column(Time)  # the school's wall clock
    sent_up_to: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    pending_up_to: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    lease_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_try_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_status: Mapped[str | None] = mapped_column(String(8))
    last_error: Mapped[str | None] = mapped_column(Text)
    last_sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
