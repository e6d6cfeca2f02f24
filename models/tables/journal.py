"""The class journal itself: kinds of work, lessons, marks, attendance, attachments (R1–R6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import db, one_of, utcnow
from models.i18n import N_
from models.i18n import Text as Composed
from models.marks import SPECIAL_MARKS, mark_text
from models.tables.curriculum import TeachingAssignment

ATTENDANCE_STATUSES = ("absent", "late")
# The journal's codes of absence and lateness, in the reader's language ("н"/"оп", "ж"/"кеш", "a"/"l"); what a
# teacher may type for them is models.journal.rules.parse_cell_text's.
ATTENDANCE_CODES = {"absent": Composed(N_("н")), "late": Composed(N_("оп"))}
# The kinds of work the system creates (demo/, a new school): code → name and the grid's short label. A kind that
# keeps the system's name is shown in the reader's language; one the school renamed stays as typed.
SYSTEM_WORK_KINDS = {
    "regular": (N_("Работа на уроке"), N_("Рабо")),
    "homework": (N_("Домашняя работа"), N_("Дома")),
    "test": (N_("Контрольная работа"), N_("Конт")),
    "verification": (N_("Проверочная работа"), N_("Пров")),
    "lab": (N_("Лабораторная работа"), N_("Лабо")),
    "practical": (N_("Практическая работа"), N_("Прак")),
    "dictation": (N_("Диктант"), N_("Дикт")),
    "essay": (N_("Сочинение"), N_("Сочи")),
    "oral": (N_("Устный ответ"), N_("Устн")),
    "excursion": (N_("Экскурсия"), N_("Экск")),
    # Kazakhstan's summative work (demo/kazakh.py): ФО is any other kind of a criteria-based school.
    "sor": (N_("СОР"), N_("СОР")),
    "soch": (N_("СОЧ"), N_("СОЧ")),
}
# Kazakhstan: formative assessment (ФО), summative for a section (СОР) and for the quarter (СОЧ).
CRITERIA_KINDS = ("fo", "sor", "soch")

# A mark is exactly one of: a grade on the 5-point scale, a special mark, or criteria points.
_ONE_VALUE = (
    "(CASE WHEN value IS NULL THEN 0 ELSE 1 END + CASE WHEN special IS NULL THEN 0 ELSE 1 END"
    " + CASE WHEN points IS NULL THEN 0 ELSE 1 END) = 1"
)


class WorkKind(db.Model):
    """A kind of work (regular, test, lab…) with its weight in the average (R3, R14)."""

    __tablename__ = "work_kinds"
    __table_args__ = (
        UniqueConstraint("school_id", "code"),
        CheckConstraint("weight > 0 AND weight <= 10", name="weight"),
        CheckConstraint(f"criteria_kind IS NULL OR {one_of('criteria_kind', CRITERIA_KINDS)}", name="criteria_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(80))
    weight: Mapped[Decimal] = mapped_column(Numeric(4, 2), default=Decimal("1"))
    # Tests, labs and practicals count as control works for deadlines and for justifying final marks.
    is_control: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    criteria_kind: Mapped[str | None] = mapped_column(String(4))

    @property
    def _system(self) -> tuple[str, str] | None:
        system = SYSTEM_WORK_KINDS.get(self.code)
        return system if system is not None and system[0] == self.name else None

    @property
    def title(self) -> str:
        """The name to show: the system's in the reader's language, or as the school typed it."""
        return Composed(self.name) if self._system else self.name

    @property
    def short(self) -> str:
        """The grid's label over a lesson's column ("Конт", "Бақ")."""
        system = self._system
        return Composed(system[1]) if system else self.name[:4]

    def __str__(self) -> str:
        return self.title


class AttendanceReason(db.Model):
    __tablename__ = "attendance_reasons"
    __table_args__ = (UniqueConstraint("school_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(80))  # "по болезни"
    is_excused: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    def __str__(self) -> str:
        return self.name


class Lesson(db.Model):
    """A lesson given (or to be given) on a date: the topic is mandatory, as on paper (R2)."""

    __tablename__ = "lessons"
    __table_args__ = (
        CheckConstraint("length(trim(topic)) > 0", name="topic_not_blank"),
        CheckConstraint("max_points IS NULL OR (max_points > 0 AND max_points <= 100)", name="max_points"),
        UniqueConstraint("assignment_id", "date", "bell_id"),
        # A page's lessons between two dates with their kind of work, read from the index alone: the monthly
        # control counts the control works given since the year began (models/reports/journal_control.py).
        Index("ix_lessons_assignment_date_kind", "assignment_id", "date", "work_kind_id"),
        CheckConstraint(
            "distance_url IS NULL OR distance_url LIKE 'http://%' OR distance_url LIKE 'https://%'",
            name="distance_url",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("teaching_assignments.id"))
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    bell_id: Mapped[int | None] = mapped_column(ForeignKey("bells.id"))
    topic: Mapped[str] = mapped_column(Text)
    work_kind_id: Mapped[int] = mapped_column(ForeignKey("work_kinds.id"))
    homework: Mapped[str | None] = mapped_column(Text)
    plan_item_id: Mapped[int | None] = mapped_column(ForeignKey("plan_items.id", ondelete="SET NULL"))
    taught_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    substitution_id: Mapped[int | None] = mapped_column(ForeignKey("substitutions.id"))
    # Given at a distance (a day switched to distance learning, models/school/distance.py): the link to the
    # lesson (http/https only) and its materials as text; its files are the lesson's files.
    is_distance: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    distance_url: Mapped[str | None] = mapped_column(String(500))
    distance_materials: Mapped[str | None] = mapped_column(Text)
    # Criteria-based schools: the maximum points of this lesson's work (СОР, СОЧ); formative work
    # without a maximum is marked out of models.grading.FORMATIVE_SCALE.
    max_points: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    # When the lesson and its homework were first entered: the base of the timeliness control (R28).
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    homework_recorded_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # When and by whom attendance was first taken at this lesson: an absence or lateness saved, or "все
    # присутствуют" (models/journal/attendance_taken.py). NULL: nobody took it, which the monthly control reports;
    # a lesson where everyone was present is then told apart from one where attendance was never taken.
    attendance_taken_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    attendance_taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    assignment: Mapped[TeachingAssignment] = relationship()
    work_kind: Mapped[WorkKind] = relationship()

    __mapper_args__ = {"version_id_col": version}

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.topic}"


class Mark(db.Model):
    """One mark of a student for a lesson; a cell may hold several (slot 1, 2…)."""

    __tablename__ = "marks"
    __table_args__ = (
        UniqueConstraint("lesson_id", "student_id", "slot"),
        CheckConstraint("value BETWEEN 1 AND 5", name="value_range"),
        CheckConstraint(f"special IS NULL OR {one_of('special', SPECIAL_MARKS)}", name="special"),
        CheckConstraint("points IS NULL OR (points >= 0 AND points <= max_points)", name="points"),
        CheckConstraint("(points IS NULL) = (max_points IS NULL)", name="points_with_max"),
        CheckConstraint(_ONE_VALUE, name="one_value"),
        CheckConstraint("slot BETWEEN 1 AND 3", name="slot"),
        CheckConstraint("weight IS NULL OR (weight > 0 AND weight <= 10)", name="weight"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    slot: Mapped[int] = mapped_column(SmallInteger, default=1)
    value: Mapped[int | None] = mapped_column(SmallInteger)
    special: Mapped[str | None] = mapped_column(String(6))
    points: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    max_points: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    work_kind_id: Mapped[int | None] = mapped_column(ForeignKey("work_kinds.id"))  # overrides the lesson's
    weight: Mapped[Decimal | None] = mapped_column(Numeric(4, 2))  # overrides the kind's weight
    comment: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    lesson: Mapped[Lesson] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def display(self) -> str:
        return mark_text(self.value, self.special, self.points, self.max_points)

    def __str__(self) -> str:
        return self.display


class Attendance(db.Model):
    """An absence or a late arrival at a lesson; the class teacher confirms the reason weekly (R4)."""

    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("lesson_id", "student_id"),
        CheckConstraint(one_of("status", ATTENDANCE_STATUSES), name="status"),
        CheckConstraint("minutes_late IS NULL OR minutes_late BETWEEN 1 AND 90", name="minutes_late"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    status: Mapped[str] = mapped_column(String(8))
    minutes_late: Mapped[int | None] = mapped_column(SmallInteger)
    reason_id: Mapped[int | None] = mapped_column(ForeignKey("attendance_reasons.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    reason: Mapped[AttendanceReason | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    def __str__(self) -> str:
        return self.code_of(self.status)

    @staticmethod
    def code_of(status: str) -> str:
        """The journal's code of a status (the diary reads statuses without loading rows)."""
        return ATTENDANCE_CODES["absent" if status == "absent" else "late"]


class Attachment(db.Model):
    """A file on a lesson (homework material), an achievement, a year-end result, a message or an announcement."""

    __tablename__ = "attachments"
    __table_args__ = (
        CheckConstraint("size_bytes >= 0", name="size"),
        CheckConstraint(
            "(CASE WHEN lesson_id IS NULL THEN 0 ELSE 1 END + CASE WHEN achievement_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN result_id IS NULL THEN 0 ELSE 1 END + CASE WHEN message_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN announcement_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_owner",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id"), index=True)
    achievement_id: Mapped[int | None] = mapped_column(ForeignKey("achievements.id"), index=True)
    result_id: Mapped[int | None] = mapped_column(ForeignKey("student_results.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), index=True)
    announcement_id: Mapped[int | None] = mapped_column(ForeignKey("announcements.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    # Small files live in the database so that a backup of the database is a backup of everything.
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __str__(self) -> str:
        return self.filename


class DiaryAcknowledgement(db.Model):
    """A parent's signature under a week of a child's diary (the paper diary's "signature of the parent"):
    once per parent per child per week, ``week_start`` being the week's Monday (models/journal/diary_ack.py)."""

    __tablename__ = "diary_acknowledgements"
    __table_args__ = (
        UniqueConstraint("guardian_id", "student_id", "week_start"),
        # the class teacher's page reads a class's students for one week
        Index("ix_diary_acknowledgements_student_week", "student_id", "week_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guardian_id: Mapped[int] = mapped_column(ForeignKey("guardians.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"))
    week_start: Mapped[dt.date] = mapped_column(Date)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    acknowledged_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __str__(self) -> str:
        return f"{self.week_start:%d.%m.%Y}"
