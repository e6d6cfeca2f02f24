"""Logins, their roles, invitation codes, consents, the record of login attempts and of refused requests."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import CreatedMixin, db, one_of, utcnow
from models.i18n import N_

ROLES = (
    "operator",
    "director",
    "coordinator",
    "secretary",
    "class_teacher",
    "teacher",
    "parent",
    "student",
)
STAFF_ROLES = ROLES[:6]
ROLE_LABELS = {
    "operator": N_("Администратор (оператор)"),
    "director": N_("Директор"),
    "coordinator": N_("Заместитель директора (координатор)"),
    "secretary": N_("Секретарь"),
    "class_teacher": N_("Классный руководитель"),
    "teacher": N_("Учитель"),
    "parent": N_("Родитель"),
    "student": N_("Обучающийся"),
}
LOCALES = ("ru", "kk", "en")
# A login belongs to at most one person record.
_ONE_PERSON = (
    "(CASE WHEN staff_id IS NULL THEN 0 ELSE 1 END + CASE WHEN student_id IS NULL THEN 0 ELSE 1 END"
    " + CASE WHEN guardian_id IS NULL THEN 0 ELSE 1 END) <= 1"
)


class User(CreatedMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(_ONE_PERSON, name="one_person"),
        CheckConstraint(one_of("locale", LOCALES), name="locale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    login: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), unique=True)
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id"), unique=True)
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("guardians.id"), unique=True)
    locale: Mapped[str] = mapped_column(String(2), default="ru", server_default="ru")
    # Rotated on logout, password change and blocking: every session carrying the old one ends.
    session_token: Mapped[str] = mapped_column(String(64))
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    blocked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    blocked_reason: Mapped[str | None] = mapped_column(String(255))
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    roles: Mapped[list[UserRole]] = relationship(back_populates="user", cascade="all, delete-orphan", lazy="selectin")

    # The Flask-Login protocol, written out so that models/ imports nothing from Flask.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.blocked_at is None

    def get_id(self) -> str:
        """The id travels with the session token: rotating the token ends every session at once."""
        return f"{self.id}:{self.session_token}"

    @property
    def role_names(self) -> set[str]:
        return {r.role for r in self.roles}

    def has_role(self, *names: str) -> bool:
        return bool(self.role_names.intersection(names))

    def __str__(self) -> str:
        return self.login


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (CheckConstraint(one_of("role", ROLES), name="role"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)

    user: Mapped[User] = relationship(back_populates="roles")

    def __str__(self) -> str:
        return self.role


class InviteCode(db.Model):
    """A single-use invitation: staff get one from the operator, families from the class teacher."""

    __tablename__ = "invite_codes"
    __table_args__ = (
        CheckConstraint(one_of("role", ROLES), name="role"),
        CheckConstraint(_ONE_PERSON.replace("<= 1", "= 1"), name="one_person"),
        CheckConstraint("expires_at > issued_at", name="expiry"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(128), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id"), index=True)
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("guardians.id"), index=True)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    staff: Mapped[Staff | None] = relationship()  # noqa: F821
    student: Mapped[Student | None] = relationship()  # noqa: F821
    guardian: Mapped[Guardian | None] = relationship()  # noqa: F821
    issued_by: Mapped[User] = relationship(foreign_keys=[issued_by_id])

    @property
    def person(self):
        return self.staff or self.student or self.guardian

    def __str__(self) -> str:
        return f"#{self.id} {self.role}"


class Consent(db.Model):
    """Consent to personal-data processing, given by a user for themself or for a child (R16)."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id"), index=True)
    text_version: Mapped[str] = mapped_column(String(40))
    accepted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    def __str__(self) -> str:
        return f"{self.text_version} {self.accepted_at:%d.%m.%Y}"


class LoginEvent(db.Model):
    """Every login attempt, successful or not (for throttling review and the activity report)."""

    __tablename__ = "login_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    login: Mapped[str] = mapped_column(String(80))
    success: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(255))

    def __str__(self) -> str:
        return f"{self.login} {self.at:%d.%m.%Y %H:%M}"


class RefusedRequest(db.Model):
    """A request refused for lack of rights (403): who, what, from where, when. Written at a bounded rate and
    kept for a limited number of days (security.note_refusal), shown next to the login log."""

    __tablename__ = "refused_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(255))
    ip_address: Mapped[str | None] = mapped_column(String(45))

    user: Mapped[User | None] = relationship(lazy="raise")

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.at:%d.%m.%Y %H:%M}"


class PageView(db.Model):
    """One row per user and day with a count of pages seen: the usage monitoring of R29/R31."""

    __tablename__ = "page_views"
    __table_args__ = (UniqueConstraint("user_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    day: Mapped[dt.date] = mapped_column(db.Date)
    count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    def __str__(self) -> str:
        return f"{self.day}: {self.count}"
