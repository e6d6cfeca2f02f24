"""Internal mail, notifications to parents, announcements and surveys (R21–R23)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import db, one_of, utcnow

NOTIFICATION_KINDS = ("mark", "absence", "message", "announcement", "remark", "period_mark")
# An announcement reaches everyone of its target (families and staff), only the parents or only the students
# of it, or the school's staff only; a survey asks parents or students (R23).
ANNOUNCEMENT_AUDIENCES = ("all", "parents", "students", "staff")
SURVEY_AUDIENCES = ("parents", "students")
QUESTION_KINDS = ("single", "multiple", "text", "scale")
# The target of an announcement or a survey: the school (neither), a grade, or a class, never both.
ONE_TARGET = "class_id IS NULL OR grade IS NULL"
GRADE_RANGE = "grade IS NULL OR grade BETWEEN 0 AND 12"


class Conversation(db.Model):
    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    subject: Mapped[str] = mapped_column(String(255))
    # The student a thread is about (a parent's question, the class teacher's note on progress).
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_message_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)

    participants: Mapped[list[ConversationParticipant]] = relationship(back_populates="conversation")

    def __str__(self) -> str:
        return self.subject


class ConversationParticipant(db.Model):
    __tablename__ = "conversation_participants"

    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    last_read_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    conversation: Mapped[Conversation] = relationship(back_populates="participants")

    def __str__(self) -> str:
        return str(self.user_id)


class Message(db.Model):
    __tablename__ = "messages"
    __table_args__ = (CheckConstraint("length(trim(body)) > 0", name="body_not_blank"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __str__(self) -> str:
        return self.body[:40]


class Notification(db.Model):
    """Something a user should learn about: a new mark, an absence, a message (R21)."""

    __tablename__ = "notifications"
    __table_args__ = (CheckConstraint(one_of("kind", NOTIFICATION_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id"))
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    emailed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    def __str__(self) -> str:
        return self.text[:40]


class Announcement(db.Model):
    """News for the school, a grade, a class, or the staff only, shown within its window (R23)."""

    __tablename__ = "announcements"
    __table_args__ = (
        CheckConstraint(one_of("audience", ANNOUNCEMENT_AUDIENCES), name="audience"),
        CheckConstraint(ONE_TARGET, name="one_target"),
        CheckConstraint(GRADE_RANGE, name="grade"),
        CheckConstraint("audience <> 'staff' OR (class_id IS NULL AND grade IS NULL)", name="staff_school_wide"),
        CheckConstraint("expires_at IS NULL OR expires_at > published_at", name="window"),
        CheckConstraint("length(trim(title)) > 0", name="title_not_blank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("school_classes.id"), index=True)  # None: see grade
    grade: Mapped[int | None] = mapped_column(SmallInteger)  # a whole grade; both None: the whole school
    audience: Mapped[str] = mapped_column(String(10), default="all")
    title: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    def __str__(self) -> str:
        return self.title


class Survey(db.Model):
    """A questionnaire for parents or students (S4 3.4)."""

    __tablename__ = "surveys"
    __table_args__ = (
        CheckConstraint(one_of("audience", SURVEY_AUDIENCES), name="audience"),
        CheckConstraint("closes_at IS NULL OR closes_at > opens_at", name="dates"),
        CheckConstraint(ONE_TARGET, name="one_target"),
        CheckConstraint(GRADE_RANGE, name="grade"),
        CheckConstraint("NOT per_family OR audience = 'parents'", name="per_family_parents"),
        CheckConstraint("length(trim(title)) > 0", name="title_not_blank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("school_classes.id"), index=True)
    grade: Mapped[int | None] = mapped_column(SmallInteger)
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    audience: Mapped[str] = mapped_column(String(10), default="parents")
    is_anonymous: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # One answer per family (the parents of the same child answer once) or one per person.
    per_family: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opens_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closes_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    def __str__(self) -> str:
        return self.title


class SurveyQuestion(db.Model):
    __tablename__ = "survey_questions"
    __table_args__ = (
        UniqueConstraint("survey_id", "position"),
        CheckConstraint(one_of("kind", QUESTION_KINDS), name="kind"),
        CheckConstraint("kind NOT IN ('single', 'multiple') OR options IS NOT NULL", name="choices"),
        CheckConstraint("length(trim(text)) > 0", name="text_not_blank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(SmallInteger)
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(10))
    options: Mapped[str | None] = mapped_column(Text)  # one option per line
    required: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    def __str__(self) -> str:
        return self.text[:40]


class SurveyResponse(db.Model):
    __tablename__ = "survey_responses"
    # One answer per person; in a survey answered per family, one per child as well (``student_id``: the
    # child the family answered for; None in a survey answered per person).
    __table_args__ = (UniqueConstraint("survey_id", "user_id"), UniqueConstraint("survey_id", "student_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"))
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __str__(self) -> str:
        return f"#{self.id}"


class SurveyAnswer(db.Model):
    __tablename__ = "survey_answers"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_responses.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id", ondelete="CASCADE"))
    value: Mapped[str] = mapped_column(Text)

    def __str__(self) -> str:
        return self.value[:40]
