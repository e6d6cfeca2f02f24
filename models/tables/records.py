"""Records that keep the others trustworthy over the years: the seal of an archived year (R33) and the log of
the backups the system made and checked (R34)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, CheckConstraint, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import db, one_of

BACKUP_TRIGGERS = ("schedule", "manual", "cli")


class YearSeal(db.Model):
    """The checksum of an archived year's journal taken when it was archived, with who sealed it and when.
    Taking the year out of the archive breaks the seal (who, when, why); archiving again makes a new one."""

    __tablename__ = "year_seals"
    __table_args__ = (
        CheckConstraint("length(checksum) = 64", name="checksum"),
        CheckConstraint(
            "(broken_at IS NULL AND broken_reason IS NULL) OR (broken_at IS NOT NULL AND broken_reason IS NOT NULL)",
            name="broken",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("academic_years.id"), index=True)
    sealed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    sealed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    checksum: Mapped[str] = mapped_column(String(64))  # SHA-256 (hex) over every row's digest
    counts_json: Mapped[str] = mapped_column(Text)  # rows per part: {"marks": 812, ...}
    # zlib-compressed JSON {part: {row id: short digest}}: what lets a verification name the rows that differ
    digests: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    # JSON [{"class_id", "title", "file", "sha256", "bytes"}]: the printouts made at archiving (the bound journal
    # of each class for the year), files under the archive directory; NULL for seals made without printouts
    printouts: Mapped[str | None] = mapped_column(Text)
    broken_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    broken_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    broken_reason: Mapped[str | None] = mapped_column(Text)

    def __str__(self) -> str:
        return f"seal {self.checksum[:12]}"


class BackupRun(db.Model):
    """One backup the system made (on its schedule, on demand or from the CLI): the file, its size and checksum,
    whether reading it back matched its manifest, and the last restore drill of it."""

    __tablename__ = "backup_runs"
    __table_args__ = (
        CheckConstraint(one_of("trigger", BACKUP_TRIGGERS), name="trigger"),
        CheckConstraint("size_bytes >= 0", name="size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trigger: Mapped[str] = mapped_column(String(10))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    file_name: Mapped[str | None] = mapped_column(String(255))  # in the backups directory
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    sha256: Mapped[str | None] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer, default=0)
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    error: Mapped[str | None] = mapped_column(Text)  # why it failed (for the operator; no personal data)
    drilled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    drill_ok: Mapped[bool | None] = mapped_column(Boolean)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))  # removed by "keep N"

    def __str__(self) -> str:
        return self.file_name or f"backup {self.id}"


REMOVED_KINDS = ("student", "class", "lesson", "assignment")


class RemovedRecord(db.Model):
    """A student, class, lesson or teaching assignment removed with everything that hangs on it (marks,
    attendance, period marks, enrollments, files…), kept as a JSON snapshot for its school year so that the
    operator can restore it with the original ids (models/school/removal.py)."""

    __tablename__ = "removed_records"
    __table_args__ = (
        CheckConstraint(one_of("kind", REMOVED_KINDS), name="kind"),
        CheckConstraint("length(trim(label)) > 0", name="label_not_blank"),
        CheckConstraint("(restored_at IS NULL) = (restored_by_id IS NULL)", name="restored_with_who"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    year_id: Mapped[int | None] = mapped_column(ForeignKey("academic_years.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    entity_id: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(255))
    summary: Mapped[str] = mapped_column(Text)  # JSON {table: rows}
    snapshot: Mapped[str] = mapped_column(Text, deferred=True)  # JSON {table: [row, ...]}
    reason: Mapped[str | None] = mapped_column(Text)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    removed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    restored_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    restored_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    def __str__(self) -> str:
        return self.label
