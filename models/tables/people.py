"""People the school keeps records of: staff, students, guardians and the links between them."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import CreatedMixin, PersonNameMixin, db, one_of
from models.errors import InvalidInput
from models.i18n import N_, _

MEDICAL_GROUPS = ("main", "preparatory", "special", "exempt")
SEXES = ("m", "f")
RELATIONS = ("mother", "father", "guardian", "grandparent", "other")
# A student's age in whole years on the day the record is entered: from a pre-school group (3) to an
# evening-school or special-needs student (25). One rule for the staff form, the import and any other door.
STUDENT_AGES = (3, 25)


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Whole years of a person born on ``birth_date`` on ``day`` (a birthday on 29 February counts on 1 March)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def check_birth_date(birth_date: dt.date, today: dt.date) -> None:
    """InvalidInput unless a student born on ``birth_date`` is STUDENT_AGES old ``today`` (the school's day)."""
    low, high = STUDENT_AGES
    if not low <= age_on(birth_date, today) <= high:
        raise InvalidInput(
            _(
                "%(date)s — такой даты рождения быть не может: возраст обучающегося должен быть "
                "от %(low)s до %(high)s лет."
            ),
            date=birth_date.strftime("%d.%m.%Y"),
            low=low,
            high=high,
        )


# Contact fields of a card: the longest value, the pattern it must match and the message when it does not. One
# rule for the secretary's forms, the class teacher's contacts page and any other door (clean_contact).
PHONE_RE = re.compile(r"\+?[0-9 ()\-]{5,25}")
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
CONTACT_RULES: dict[str, tuple[int, re.Pattern | None, str | None]] = {
    "phone": (40, PHONE_RE, N_("Телефон: цифры, пробелы, скобки, дефис, можно с «+» в начале.")),
    "email": (255, EMAIL_RE, N_("Неверный адрес электронной почты.")),
    "workplace": (255, None, None),
    "address": (255, None, None),
}


def clean_contact(field: str, value) -> str | None:
    """A contact value as stored: trimmed, None when empty; InvalidInput when too long or malformed."""
    text = value.strip() if isinstance(value, str) else value
    if not text:
        return None
    longest, pattern, message = CONTACT_RULES[field]
    if len(text) > longest:
        raise InvalidInput(_("Не длиннее %(n)s символов."), n=longest)
    if pattern is not None and not pattern.fullmatch(text):
        raise InvalidInput(message)
    return text


# A person's ИИН (Kazakhstan) is 12 characters, one person's within the school among students, staff or
# guardians; its digits and check digit are the domain's (models.identifiers.parse_iin, models/school/people_records).
IIN_LENGTH_CHECK = "iin IS NULL OR length(iin) = 12"


class Staff(PersonNameMixin, CreatedMixin, db.Model):
    __tablename__ = "staff"
    __table_args__ = (
        UniqueConstraint("school_id", "personnel_no"),
        UniqueConstraint("school_id", "iin"),
        CheckConstraint(IIN_LENGTH_CHECK, name="iin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    # Табельный номер: the key that makes staff imports idempotent.
    personnel_no: Mapped[str | None] = mapped_column(String(40))
    position: Mapped[str] = mapped_column(String(120))  # "учитель математики"
    iin: Mapped[str | None] = mapped_column(String(12))  # Kazakhstan: ИИН (models.identifiers.parse_iin)
    email: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(40))
    hired_on: Mapped[dt.date | None] = mapped_column(Date)
    left_on: Mapped[dt.date | None] = mapped_column(Date)


class Student(PersonNameMixin, CreatedMixin, db.Model):
    __tablename__ = "students"
    __table_args__ = (
        CheckConstraint(one_of("sex", SEXES), name="sex"),
        CheckConstraint(one_of("medical_group", MEDICAL_GROUPS), name="medical_group"),
        UniqueConstraint("school_id", "personal_file_no"),
        UniqueConstraint("school_id", "iin"),
        CheckConstraint(IIN_LENGTH_CHECK, name="iin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    birth_date: Mapped[dt.date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1))
    personal_file_no: Mapped[str] = mapped_column(String(40))  # номер личного дела
    iin: Mapped[str | None] = mapped_column(String(12))  # Kazakhstan: ИИН (models.identifiers.parse_iin)
    medical_group: Mapped[str] = mapped_column(String(12), default="main", server_default="main")
    address: Mapped[str | None] = mapped_column(String(255))

    guardian_links: Mapped[list[StudentGuardian]] = relationship(back_populates="student")


class Guardian(PersonNameMixin, CreatedMixin, db.Model):
    """A parent or other legal representative."""

    __tablename__ = "guardians"
    __table_args__ = (UniqueConstraint("school_id", "iin"), CheckConstraint(IIN_LENGTH_CHECK, name="iin"))

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    iin: Mapped[str | None] = mapped_column(String(12))  # Kazakhstan: ИИН (models.identifiers.parse_iin)
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(255))
    workplace: Mapped[str | None] = mapped_column(String(255))

    student_links: Mapped[list[StudentGuardian]] = relationship(back_populates="guardian")


class StudentGuardian(db.Model):
    __tablename__ = "student_guardians"
    __table_args__ = (CheckConstraint(one_of("relation", RELATIONS), name="relation"),)

    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"), primary_key=True)
    guardian_id: Mapped[int] = mapped_column(
        ForeignKey("guardians.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    relation: Mapped[str] = mapped_column(String(12))
    is_legal_representative: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    student: Mapped[Student] = relationship(back_populates="guardian_links")
    guardian: Mapped[Guardian] = relationship(back_populates="student_links")

    def __str__(self) -> str:
        return f"{self.relation}"
