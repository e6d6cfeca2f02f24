"""The school, its academic years and periods, bells, settings and cancelled days."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, SmallInteger, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import CreatedMixin, db, one_of, utcnow
from models.deadlines import DEFAULT_ZONE
from models.errors import PeriodClosed, YearArchived
from models.i18n import N_, _
from models.i18n import Text as Composed

PERIOD_SCHEMES = ("quarter", "trimester", "half_year", "year")
GRADING_SCHEMES = ("five_point", "criteria")
JURISDICTIONS = ("RU", "KZ")
# The names the system gives a period (shown in the reader's language; a period the school named keeps it).
PERIOD_NAMES = {
    "quarter": N_("%(n)s четверть"),
    "trimester": N_("%(n)s триместр"),
    "half_year": N_("%(n)s полугодие"),
    "year": N_("Учебный год"),
}


def period_title(scheme: str, number: int) -> Composed:
    """The system's name of a period, translatable at display time (``|tr``): "1 четверть" / "1-тоқсан"."""
    template = PERIOD_NAMES.get(scheme)
    if template is None:
        return Composed("%(n)s", n=number)
    return Composed(template, n=number) if "%(n)s" in template else Composed(template)


class School(CreatedMixin, db.Model):
    __tablename__ = "schools"
    __table_args__ = (
        CheckConstraint("language IN ('ru', 'kk')", name="language"),
        CheckConstraint(one_of("grading_scheme", GRADING_SCHEMES), name="grading_scheme"),
        CheckConstraint(one_of("jurisdiction", JURISDICTIONS), name="jurisdiction"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    short_name: Mapped[str] = mapped_column(String(80))
    code: Mapped[str] = mapped_column(String(40), unique=True)
    address: Mapped[str | None] = mapped_column(String(255))
    director_name: Mapped[str | None] = mapped_column(String(255))
    # The language of instruction, and the country whose law and rules give the defaults (models/school/settings).
    language: Mapped[str] = mapped_column(String(2), default="ru", server_default="ru")
    jurisdiction: Mapped[str] = mapped_column(String(2), default="RU", server_default="RU")
    grading_scheme: Mapped[str] = mapped_column(String(20), default="five_point", server_default="five_point")
    # The school's calendar day and wall clock (models/school_time.py); a school setting.
    timezone: Mapped[str] = mapped_column(String(64), default=DEFAULT_ZONE, server_default="Europe/Moscow")

    def __str__(self) -> str:
        return self.short_name


class AcademicYear(CreatedMixin, db.Model):
    __tablename__ = "academic_years"
    __table_args__ = (
        UniqueConstraint("school_id", "starts_on"),
        CheckConstraint("ends_on > starts_on", name="dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    name: Mapped[str] = mapped_column(String(20))  # "2026/2027"
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    archived_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    school: Mapped[School] = relationship()
    periods: Mapped[list[Period]] = relationship(back_populates="year", order_by="Period.starts_on")

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def require_open(self) -> None:
        """An archived year is read-only (R33): every change in it is refused the same way."""
        if self.archived_at is not None:
            raise YearArchived(_("Учебный год %(name)s в архиве: изменять его нельзя."), name=self.name)


class Period(db.Model):
    """A quarter, trimester, half-year, or the whole year (the row year marks hang on)."""

    __tablename__ = "periods"
    __table_args__ = (
        UniqueConstraint("year_id", "scheme", "number"),
        CheckConstraint(one_of("scheme", PERIOD_SCHEMES), name="scheme"),
        CheckConstraint("number BETWEEN 1 AND 4", name="number"),
        CheckConstraint("ends_on >= starts_on", name="dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("academic_years.id"), index=True)
    scheme: Mapped[str] = mapped_column(String(12))
    number: Mapped[int] = mapped_column(SmallInteger)
    # What the school typed; NULL: the system's name (``period_title``), shown in the reader's language.
    custom_name: Mapped[str | None] = mapped_column("name", String(40))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    year: Mapped[AcademicYear] = relationship(back_populates="periods")

    @property
    def name(self) -> str:
        """The period's name: as the school typed it, else the system's (a Text: ``|tr`` shows it translated)."""
        return self.custom_name or period_title(self.scheme, self.number)

    @name.setter
    def name(self, value: str | None) -> None:
        self.custom_name = (value or "").strip() or None

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def require_open(self, template: str = _("Период «%(name)s» закрыт: изменять его нельзя.")) -> None:
        """A closed period is read-only until the coordinator reopens it; ``template`` may add a hint."""
        if self.closed_at is not None:
            raise PeriodClosed(template, name=self.name)


class Bell(db.Model):
    __tablename__ = "bells"
    __table_args__ = (
        UniqueConstraint("school_id", "shift", "number"),
        CheckConstraint("shift IN (1, 2)", name="shift"),
        CheckConstraint("number BETWEEN 0 AND 12", name="number"),
        CheckConstraint("ends_at > starts_at", name="times"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    shift: Mapped[int] = mapped_column(SmallInteger, default=1, server_default="1")
    number: Mapped[int] = mapped_column(SmallInteger)
    starts_at: Mapped[dt.time] = mapped_column(Time)
    ends_at: Mapped[dt.time] = mapped_column(Time)

    def __str__(self) -> str:
        return f"{self.number}. {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class Setting(db.Model):
    """A school-level rule (deadlines, rounding, minimum marks…); defaults live in models/school/settings.py."""

    __tablename__ = "settings"
    __table_args__ = (UniqueConstraint("school_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(Text)

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


DISTANCE_KINDS = ("weather", "quarantine", "other")


class CancelledDay(db.Model):
    """A day without classes in the building (frost, quarantine): the lessons go to distance learning (S2 5.7).

    One row switches one day for the whole school, one grade or one class (``scope`` says which, in one
    value, so that the unique constraint holds for the school and the grade too: a NULL ``class_id`` would
    not collide). It is the regulation's "cancelled day" itself, so it is extended rather than doubled by a
    second table of distance days that could disagree with it. Undoing a switch deletes the row; the audit
    log keeps it (models/school/distance.py)."""

    __tablename__ = "cancelled_days"
    __table_args__ = (
        UniqueConstraint("school_id", "date", "scope"),
        CheckConstraint(one_of("kind", DISTANCE_KINDS), name="kind"),
        CheckConstraint("grade IS NULL OR grade BETWEEN 0 AND 12", name="grade"),
        CheckConstraint(
            "(class_id IS NULL AND grade IS NULL AND scope = 'school')"
            " OR (class_id IS NULL AND grade IS NOT NULL AND scope = 'grade:' || grade)"
            " OR (class_id IS NOT NULL AND grade IS NULL AND scope = 'class:' || class_id)",
            name="scope",
        ),
        CheckConstraint("length(trim(reason)) > 0", name="reason_not_blank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("school_classes.id"))
    grade: Mapped[int | None] = mapped_column(SmallInteger)
    scope: Mapped[str] = mapped_column(String(20))  # "school", "grade:5", "class:12"
    kind: Mapped[str] = mapped_column(String(12), default="other", server_default="other")
    reason: Mapped[str] = mapped_column(String(255))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y}: {self.reason}"
