"""The seal of an archived year (R33): when a year goes to the archive, a digest of every one of its lessons,
marks, attendance rows and period marks is recorded with who sealed it and when (and, append-only, in the
audit log). Verifying recomputes the digests and names each row changed, added or removed since, and checks
the seal itself against its audit record. Taking the year out of the archive breaks the seal (who, when and
why, audited); archiving it again seals what is there then.

The printouts made at archiving (the bound journal of each class for the whole year, built by the job that
archives) are sealed with the rows: each file's SHA-256 is a row of the part "printouts", so a printout replaced
or deleted afterwards is named like a changed mark. Where the files are kept is the caller's: verifying is given
``file_digest`` (the file's SHA-256 now, or None when it is gone; archive_files.py).

Row digests are of values in a form both databases give alike (moments in UTC, decimals normalised), so a
seal made on SQLite still verifies after the school moved to PostgreSQL with a backup."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Boolean, Date, DateTime, Numeric, Time, select

from models.access import Actor, can_view_seals, require
from models.audit import AuditEvent
from models.base import db
from models.errors import InvalidInput, NotFound
from models.i18n import N_, Text, _
from models.tables.classes import SchoolClass
from models.tables.curriculum import Subject, TeachingAssignment
from models.tables.finals import PeriodMark
from models.tables.journal import Attendance, Lesson, Mark
from models.tables.people import Student
from models.tables.records import YearSeal
from models.tables.school import AcademicYear, Period

PARTS = ("lessons", "marks", "attendance", "period_marks", "printouts")
PART_LABELS = {
    "lessons": N_("Урок"),
    "marks": N_("Отметка"),
    "attendance": N_("Пропуск или опоздание"),
    "period_marks": N_("Итоговая отметка"),
    "printouts": N_("Печатная форма"),
}
CHANGE_LABELS = {
    "changed": N_("изменено после архивации"),
    "added": N_("добавлено после архивации"),
    "removed": N_("удалено после архивации"),
}
STATE_LABELS = {
    "intact": N_("Печать цела: данные года не менялись"),
    "changed": N_("Печать нарушена: данные года изменены после архивации"),
    "broken": N_("Печать снята: год возвращён из архива"),
    "unsealed": N_("Печати нет: год не в архиве"),
    "missing": N_("Год в архиве без печати (перенесён в архив до появления печатей)"),
}
MAX_REASON = 500
MAX_NAMED = 200  # differences named one by one on the page (the count is always complete)


def _part_queries(year_id: int) -> dict[str, tuple]:
    """Each part's table and the filter that selects the year's rows."""
    year_lessons = select(Lesson.id).join(TeachingAssignment).where(TeachingAssignment.year_id == year_id)
    return {
        "lessons": (Lesson.__table__, Lesson.id.in_(year_lessons)),
        "marks": (Mark.__table__, Mark.lesson_id.in_(year_lessons)),
        "attendance": (Attendance.__table__, Attendance.lesson_id.in_(year_lessons)),
        "period_marks": (
            PeriodMark.__table__,
            PeriodMark.period_id.in_(select(Period.id).where(Period.year_id == year_id)),
        ),
    }


def _moment(value: dt.datetime) -> str:
    """A stored moment as naive UTC text (SQLite gives naive UTC back, PostgreSQL aware)."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat()


def _decimal(value: Decimal) -> str:
    return format(value.normalize(), "f") if value else "0"


# How a column's values are made alike on both databases (naive or aware moments, 1.50 or 1.5, 1 or True).
_ALIKE = (
    (DateTime, _moment),
    (Date, dt.date.isoformat),
    (Time, dt.time.isoformat),
    (Numeric, _decimal),
    (Boolean, int),
)


def _alike(column):
    return next((fn for kind, fn in _ALIKE if isinstance(column.type, kind)), None)


def _plain(value):
    """Any value made alike (for rows whose columns are not known)."""
    if isinstance(value, dt.datetime):
        return _moment(value)
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return _decimal(value)
    if isinstance(value, bool):
        return int(value)
    return value


def row_digest(values) -> str:
    """A row's digest: its values (already made alike) in the order of the table's columns, names sorted."""
    text = json.dumps(values, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def year_digests(year_id: int) -> dict[str, dict[str, str]]:
    """Every row of the year's journal: part → {row id: digest}."""
    found: dict[str, dict[str, str]] = {}
    conn = db.session.connection()
    for part, (table, where) in _part_queries(year_id).items():
        columns = sorted(table.columns, key=lambda c: c.name)
        fns = [_alike(c) for c in columns]
        at = [c.name for c in columns].index("id")
        digests = {}
        for row in conn.execute(select(*columns).where(where)):
            plain = [v if fn is None or v is None else fn(v) for v, fn in zip(row, fns)]
            digests[str(row[at])] = row_digest(plain)
        found[part] = digests
    return found


def printout_list(seal: YearSeal | None) -> list[dict]:
    """The printouts sealed with the year (numbered from 1 in the order made)."""
    return json.loads(seal.printouts) if seal is not None and seal.printouts else []


def _printout_digests(printouts: list[dict]) -> dict[str, str]:
    return {str(number): p["sha256"] for number, p in enumerate(printouts, 1)}


def checksum_of(digests: dict[str, dict[str, str]]) -> str:
    total = hashlib.sha256()
    for part in PARTS:
        for row_id in sorted(digests.get(part, {}), key=int):
            total.update(f"{part}:{row_id}:{digests[part][row_id]}\n".encode())
    return total.hexdigest()


def current_seal(year_id: int) -> YearSeal | None:
    return db.session.scalar(select(YearSeal).where(YearSeal.year_id == year_id).order_by(YearSeal.id.desc()).limit(1))


def seal_year(actor: Actor, year: AcademicYear, *, now: dt.datetime, printouts: list[dict] | None = None) -> YearSeal:
    """Seal what the year holds now (called by archive_year, in its transaction), with the printouts made for it
    (``printouts``: {"class_id", "title", "file", "sha256", "bytes"} each, the files already written)."""
    digests = year_digests(year.id)
    digests["printouts"] = _printout_digests(printouts or [])
    seal = YearSeal(
        year_id=year.id,
        sealed_at=now,
        sealed_by_id=actor.user_id,
        checksum=checksum_of(digests),
        counts_json=json.dumps({part: len(digests[part]) for part in PARTS}),
        digests=zlib.compress(json.dumps(digests, separators=(",", ":")).encode("ascii")),
        printouts=json.dumps(printouts, ensure_ascii=False) if printouts else None,
    )
    db.session.add(seal)
    db.session.flush()
    AuditEvent.record(
        actor.user_id,
        "year.seal",
        "academic_year",
        year.id,
        new={"seal_id": seal.id, "checksum": seal.checksum, "counts": json.loads(seal.counts_json)},
    )
    return seal


def recorded_state(year: AcademicYear, seal: YearSeal | None) -> str:
    """The seal's state as recorded ("intact" until a verification finds a change)."""
    if year.is_archived:
        return "intact" if seal is not None and seal.broken_at is None else "missing"
    return "broken" if seal is not None and seal.broken_at is not None else "unsealed"


def clean_reason(reason) -> str:
    text = " ".join(str(reason or "").split())
    if len(text) < 5:
        raise InvalidInput(_("Укажите причину, по которой год возвращается из архива (не короче 5 символов)."))
    if len(text) > MAX_REASON:
        raise InvalidInput(_("Причина: не длиннее %(n)s символов."), n=MAX_REASON)
    return text


def break_seal(actor: Actor, year: AcademicYear, reason: str, *, now: dt.datetime) -> YearSeal | None:
    """The year leaves the archive: its seal is broken, visibly, with who, when and why (restore_year)."""
    seal = current_seal(year.id)
    if seal is not None and seal.broken_at is None:
        seal.broken_at, seal.broken_by_id, seal.broken_reason = now, actor.user_id, reason
        db.session.flush()
    return seal


# --- verification ---------------------------------------------------------------------------------
@dataclass
class Difference:
    part: str
    row_id: int
    change: str  # changed / added / removed
    description: str = ""

    @property
    def part_label(self) -> str:
        return PART_LABELS[self.part]

    @property
    def change_label(self) -> str:
        return CHANGE_LABELS[self.change]


@dataclass
class SealCheck:
    year: AcademicYear
    seal: YearSeal | None
    state: str  # intact / changed / broken / unsealed
    differences: list[Difference] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    seal_matches_audit: bool = True
    total: int | None = None  # every difference found (``differences`` may hold only the named ones)

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def count(self) -> int:
        return len(self.differences) if self.total is None else self.total

    @property
    def named(self) -> list[Difference]:
        return self.differences[:MAX_NAMED]


def _audited_checksum(seal: YearSeal) -> str | None:
    for new in db.session.scalars(
        select(AuditEvent.new).where(
            AuditEvent.action == "year.seal", AuditEvent.entity == "academic_year", AuditEvent.entity_id == seal.year_id
        )
    ):
        values = json.loads(new or "{}")
        if values.get("seal_id") == seal.id:
            return values.get("checksum")
    return None


FileDigest = Callable[[str], "str | None"]  # a printout's file (relative name) → its SHA-256 now, None if gone


def verify_year(year: AcademicYear, *, describe: bool = True, file_digest: FileDigest | None = None) -> SealCheck:
    """Recompute the year's digests and compare them with its seal; the printouts sealed with it are read again
    through ``file_digest`` (without it they are not checked: their sealed digests stand)."""
    seal = current_seal(year.id)
    state = recorded_state(year, seal)
    if state != "intact":
        return SealCheck(year, seal, state)
    sealed = json.loads(zlib.decompress(seal.digests))
    now = year_digests(year.id)
    now["printouts"] = dict(sealed.get("printouts", {}))
    if file_digest is not None:
        printed = {str(n): file_digest(p["file"]) for n, p in enumerate(printout_list(seal), 1)}
        now["printouts"] = {n: digest for n, digest in printed.items() if digest is not None}
    differences = []
    for part in PARTS:
        before, after = sealed.get(part, {}), now.get(part, {})
        for row_id in sorted(set(before) | set(after), key=int):
            if row_id not in after:
                differences.append(Difference(part, int(row_id), "removed"))
            elif row_id not in before:
                differences.append(Difference(part, int(row_id), "added"))
            elif before[row_id] != after[row_id]:
                differences.append(Difference(part, int(row_id), "changed"))
    audited = _audited_checksum(seal)
    stored_ok = audited == seal.checksum and checksum_of(sealed) == seal.checksum
    check = SealCheck(
        year,
        seal,
        "intact" if not differences and stored_ok else "changed",
        differences,
        {part: len(now[part]) for part in PARTS},
        seal_matches_audit=stored_ok,
    )
    if describe:
        _describe(check.named, printout_list(seal))
    return check


def _describe(differences: list[Difference], printouts: list[dict]) -> None:
    """What each row is, for a person: the student, the class and subject, the lesson's date or the period."""
    by_part: dict[str, list[int]] = {}
    for d in differences:
        by_part.setdefault(d.part, []).append(d.row_id)
    described: dict[tuple[str, int], str] = {}
    lesson_cols = (Lesson.date, SchoolClass.grade, SchoolClass.letter, Subject.name)
    lessons = (
        select(Lesson.id, *lesson_cols)
        .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
        .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
        .join(Subject, Subject.id == TeachingAssignment.subject_id)
    )
    for row in db.session.execute(lessons.where(Lesson.id.in_(by_part.get("lessons", [])))):
        described[("lessons", row[0])] = f"{row[1]:%d.%m.%Y}, {row[2]}{row[3]}, {row[4]}"
    for part, model in (("marks", Mark), ("attendance", Attendance)):
        q = (
            select(model.id, Student.last_name, Student.first_name, *lesson_cols)
            .join(Student, Student.id == model.student_id)
            .join(Lesson, Lesson.id == model.lesson_id)
            .join(TeachingAssignment, TeachingAssignment.id == Lesson.assignment_id)
            .join(SchoolClass, SchoolClass.id == TeachingAssignment.class_id)
            .join(Subject, Subject.id == TeachingAssignment.subject_id)
            .where(model.id.in_(by_part.get(part, [])))
        )
        for row in db.session.execute(q):
            described[(part, row[0])] = f"{row[1]} {row[2]}: {row[3]:%d.%m.%Y}, {row[4]}{row[5]}, {row[6]}"
    q = (
        select(PeriodMark.id, Student.last_name, Student.first_name, Subject.name, Period)  # its name: a property
        .join(Student, Student.id == PeriodMark.student_id)
        .join(Subject, Subject.id == PeriodMark.subject_id)
        .join(Period, Period.id == PeriodMark.period_id)
        .where(PeriodMark.id.in_(by_part.get("period_marks", [])))
    )
    for row in db.session.execute(q):
        described[("period_marks", row[0])] = f"{row[1]} {row[2]}: {row[3]}, {row[4].name}"
    for number, p in enumerate(printouts, 1):
        described[("printouts", number)] = f"{p['title']} ({p['file']})"
    for d in differences:
        d.description = described.get((d.part, d.row_id), "")


# --- the staff page ---------------------------------------------------------------------------------
@dataclass
class YearLine:
    year: AcademicYear
    seal: YearSeal | None
    state: str

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def printouts(self) -> list[dict]:
        return printout_list(self.seal) if self.state != "broken" else []


def seal_overview(actor: Actor) -> list[YearLine]:
    """The school's years with their seal as recorded (verifying is asked for per year)."""
    require(can_view_seals(actor))
    years = db.session.scalars(
        select(AcademicYear).where(AcademicYear.school_id == actor.school_id).order_by(AcademicYear.starts_on.desc())
    ).all()
    lines = []
    for year in years:
        seal = current_seal(year.id)
        lines.append(YearLine(year, seal, recorded_state(year, seal)))
    return lines


def check_school_year(
    actor: Actor, year_id: int | None, *, verify: bool = True, file_digest: FileDigest | None = None
) -> SealCheck:
    """The seal of one of the school's years verified (``verify`` False: only the year looked up and the right
    to verify checked, for a job to start; recomputing takes 10–20 s on a district-size year)."""
    from .organisation import school_year  # organisation seals on archiving: it imports this module

    require(can_view_seals(actor))
    year = school_year(actor, year_id)
    return verify_year(year, file_digest=file_digest) if verify else SealCheck(year, None, "unsealed")


def sealed_printout(actor: Actor, seal_id: int, number: int) -> dict:
    """A printout sealed with one of the school's years (numbered from 1), for whoever may see the seals."""
    require(can_view_seals(actor))
    seal = db.session.scalar(
        select(YearSeal)
        .join(AcademicYear, AcademicYear.id == YearSeal.year_id)
        .where(YearSeal.id == seal_id, AcademicYear.school_id == actor.school_id)
    )
    printouts = printout_list(seal)
    if not 1 <= number <= len(printouts):
        raise NotFound(_("Печатная форма не найдена."))
    return printouts[number - 1]


def check_data(check: SealCheck) -> dict:
    """A verification as plain values, kept with its job (the named differences and the full count)."""
    return {
        "year_id": check.year.id,
        "state": check.state,
        "seal_id": check.seal.id if check.seal else None,
        "counts": check.counts,
        "seal_matches_audit": check.seal_matches_audit,
        "total": len(check.differences),
        "named": [[d.part, d.row_id, d.change, d.description] for d in check.named],
    }


def shown_check(actor: Actor, data: dict) -> SealCheck:
    """A verification kept by its job, back as the page shows it."""
    year = check_school_year(actor, data.get("year_id"), verify=False).year
    seal = db.session.get(YearSeal, data["seal_id"]) if data.get("seal_id") else None
    return SealCheck(
        year,
        seal,
        data["state"],
        [Difference(*row) for row in data["named"]],
        data["counts"],
        seal_matches_audit=data["seal_matches_audit"],
        total=data["total"],
    )


def summary(check: SealCheck) -> Text:
    return Text(
        _("%(name)s: %(state)s; расхождений: %(n)s."),
        name=check.year.name,
        state=Text(check.state_label),
        n=len(check.differences),
    )
