"""Files attached to homework (R6), achievements and year-end results (R7): what files are accepted, how
they are stored (bytes in the database, so a database backup is a backup of everything), who may read
them (models/access.attachment_ids); and the records they hang on — achievements (olympiads, contests, festivals) and year-end results
(final project of grades 5–9, complex works, meta-subject results) that the class teacher keeps.

A file is accepted only when its name's extension is one of ALLOWED and its first bytes agree with it
(a renamed .html is refused); its name is reduced to a safe base name. It is never shown inline: the
web layer sends it as a download (Content-Disposition: attachment, nosniff).
Operations validate, change, audit and flush; the caller commits.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from sqlalchemy import Select, bindparam, literal, select

from models.access import Actor, attachment_ids, student_lesson_ids, visible_student
from models.audit import AuditEvent
from models.base import db
from models.errors import InvalidInput, NotFound
from models.i18n import N_, Text, _
from models.school.movement import enrolled_on
from models.school.subgroups import kept_class
from models.school_time import school_today
from models.tables.achievements import (
    ACHIEVEMENT_KINDS,
    ACHIEVEMENT_LEVELS,
    ACHIEVEMENT_RESULTS,
    RESULT_KINDS,
    Achievement,
    StudentResult,
)
from models.tables.classes import SchoolClass
from models.tables.curriculum import Subject
from models.tables.journal import Attachment, Lesson
from models.tables.people import Student
from models.tables.school import AcademicYear

MAX_BYTES = 10 * 1024 * 1024
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
# extension → the content type the file is stored and sent with
ALLOWED = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": DOCX,
    "xlsx": XLSX,
    "odt": ODT,
}
ALLOWED_TEXT = "PDF, JPG, PNG, DOCX, XLSX, ODT"
FILENAME_MAX = 120

KIND_LABELS = {
    "olympiad": N_("олимпиада"),
    "contest": N_("конкурс"),
    "festival": N_("фестиваль"),
    "competition": N_("соревнование"),
    "conference": N_("конференция"),
    "other": N_("другое"),
}
LEVEL_LABELS = {
    "school": N_("школьный"),
    "municipal": N_("муниципальный"),
    "regional": N_("региональный"),
    "national": N_("всероссийский / республиканский"),
    "international": N_("международный"),
}
RESULT_LABELS = {"participant": N_("участник"), "prize_winner": N_("призёр"), "winner": N_("победитель")}
RESULT_KIND_LABELS = {
    "final_project": N_("итоговый индивидуальный проект"),
    "complex_work": N_("комплексная работа"),
    "meta_subject": N_("метапредметные результаты"),
}
FINAL_PROJECT_GRADES = range(5, 10)


# --- files ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    content: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def safe_filename(name: str | None) -> str:
    """The base name without folders, control characters or characters that break headers and shells;
    Cyrillic stays (it is sent RFC 5987-encoded)."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = re.sub(r'[<>:"|?*;%\']', "_", base).strip(" .")
    if "." in base:
        stem, ext = base.rsplit(".", 1)
        base = f"{stem[: FILENAME_MAX - len(ext) - 1].strip(' .') or 'file'}.{ext.lower()}"
    return base[:FILENAME_MAX] or "file"


def _zip_names(content: bytes) -> set[str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            return set(z.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None


def _odt_mimetype(content: bytes) -> bytes | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            info = z.getinfo("mimetype")
            if info.file_size > 100:
                return None
            return z.read("mimetype").strip()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, RuntimeError):
        return None


def _content_matches(ext: str, content: bytes) -> bool:
    if ext == "pdf":
        return content.startswith(b"%PDF-")
    if ext in ("jpg", "jpeg"):
        return content.startswith(b"\xff\xd8\xff")
    if ext == "png":
        return content.startswith(b"\x89PNG\r\n\x1a\n")
    if not content.startswith(b"PK\x03\x04"):
        return False
    if ext == "odt":
        return _odt_mimetype(content) == ODT.encode()
    names = _zip_names(content)
    if names is None or "[Content_Types].xml" not in names:
        return False
    prefix = "word/" if ext == "docx" else "xl/"
    return any(n.startswith(prefix) for n in names)


def check_file(filename: str | None, content: bytes) -> CheckedFile:
    """Refuses empty, too large, or not-allowed files with a clear message; returns what to store."""
    name = safe_filename(filename)
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED:
        raise InvalidInput(_("Файлы такого типа не принимаются. Можно: %(types)s."), types=ALLOWED_TEXT)
    if not content:
        raise InvalidInput(_("Файл пустой."))
    if len(content) > MAX_BYTES:
        raise InvalidInput(_("Файл больше %(mb)s МБ. Уменьшите его или сохраните в PDF."), mb=MAX_BYTES // 2**20)
    if not _content_matches(ext, content):
        raise InvalidInput(
            _("Содержимое файла не соответствует расширению .%(ext)s. Можно: %(types)s."), ext=ext, types=ALLOWED_TEXT
        )
    return CheckedFile(name, ALLOWED[ext], content, hashlib.sha256(content).hexdigest())


def store(
    actor: Actor,
    checked: CheckedFile,
    *,
    school_id: int,
    achievement_id: int | None = None,
    result_id: int | None = None,
    lesson_id: int | None = None,
    message_id: int | None = None,
    announcement_id: int | None = None,
    now: dt.datetime,
) -> Attachment:
    """Stores a checked file on exactly one owner (the database checks that too), audited."""
    att = Attachment(
        school_id=school_id,
        achievement_id=achievement_id,
        result_id=result_id,
        lesson_id=lesson_id,
        message_id=message_id,
        announcement_id=announcement_id,
        filename=checked.filename,
        content_type=checked.content_type,
        size_bytes=checked.size,
        sha256=checked.sha256,
        content=checked.content,
        uploaded_by_id=actor.user_id,
        uploaded_at=now,
    )
    db.session.add(att)
    db.session.flush()
    AuditEvent.record(
        actor.user_id,
        "attachment.upload",
        "attachment",
        att.id,
        new={
            "filename": att.filename,
            "size": att.size_bytes,
            "sha256": att.sha256,
            "achievement_id": achievement_id,
            "result_id": result_id,
            "lesson_id": lesson_id,
            "message_id": message_id,
            "announcement_id": announcement_id,
        },
    )
    return att


_OWNERS = ("achievement_id", "result_id", "lesson_id", "message_id", "announcement_id")


def discard(actor: Actor, att: Attachment) -> None:
    """Removes a stored file from its owner; the audit log keeps its name, checksum and owner. Flushes."""
    owner = {key: getattr(att, key) for key in _OWNERS if getattr(att, key) is not None}
    AuditEvent.record(
        actor.user_id,
        "attachment.delete",
        "attachment",
        att.id,
        old={"filename": att.filename, "sha256": att.sha256, **owner},
    )
    db.session.delete(att)
    db.session.flush()


def attachment_for_download(
    actor: Actor, attachment_id: int, *, student_id: int | None = None, lesson_id: int | None = None
) -> Attachment:
    """The file with its bytes, if the actor may read it (and, when given, it belongs to that student's
    records or lessons, or to that lesson)."""
    att = db.session.scalar(
        select(Attachment).where(Attachment.id == attachment_id, Attachment.id.in_(attachment_ids(actor)))
    )
    if (
        att is None
        or (lesson_id is not None and att.lesson_id != lesson_id)
        or (student_id is not None and not _belongs_to(att, student_id))
    ):
        raise NotFound(_("Файл не найден или недоступен."))
    return att


def _belongs_to(att: Attachment, student_id: int) -> bool:
    if att.achievement_id:
        q = select(Achievement.id).where(Achievement.id == att.achievement_id, Achievement.student_id == student_id)
    elif att.result_id:
        q = select(StudentResult.id).where(StudentResult.id == att.result_id, StudentResult.student_id == student_id)
    elif att.lesson_id:
        q = student_lesson_ids(select(literal(student_id))).where(Lesson.id == att.lesson_id)
    else:
        return False
    return db.session.scalar(q.limit(1)) is not None


def size_text(size: int) -> Text:
    if size >= 2**20:
        return Text(_("%(size)s МБ"), size=f"{size / 2**20:.1f}")
    return Text(_("%(size)s КБ"), size=max(1, round(size / 1024)))


# --- achievements and year-end results -----------------------------------------------------------------
def _class_student(cls: SchoolClass, student_id: int | None, on: dt.date) -> Student:
    if not student_id:
        raise InvalidInput(_("Выберите обучающегося."))
    student = db.session.scalar(
        select(Student).where(Student.id == student_id, Student.id.in_(enrolled_on(cls.id, on)))
    )
    if student is None:
        raise InvalidInput(
            _("Этот обучающийся не числится в %(cls)s классе на %(date)s."), cls=cls.name, date=on.strftime("%d.%m.%Y")
        )
    return student


def _choice(value: str | None, allowed: tuple[str, ...], message: str) -> str:
    if value not in allowed:
        raise InvalidInput(message)
    return value


def _title(title: str | None, message: str) -> str:
    text = (title or "").strip()
    if not text:
        raise InvalidInput(message)
    if len(text) > 255:
        raise InvalidInput(_("Название длиннее 255 символов."))
    return text


def _year(cls: SchoolClass) -> AcademicYear:
    year = db.session.get(AcademicYear, cls.year_id)
    year.require_open()
    return year


def record_achievement(
    actor: Actor,
    class_id: int,
    *,
    student_id: int | None,
    title: str | None,
    kind: str | None,
    level: str | None,
    result: str | None,
    on: dt.date | None,
    subject_id: int | None = None,
    file: CheckedFile | None = None,
    now: dt.datetime,
) -> Achievement:
    """An olympiad, contest or festival of a student of the class teacher's class, with an optional file."""
    cls = kept_class(actor, class_id)
    year = _year(cls)
    if on is None:
        raise InvalidInput(_("Укажите дату."))
    if not (year.starts_on <= on <= year.ends_on):
        raise InvalidInput(_("Дата %(date)s вне %(year)s учебного года."), date=on.strftime("%d.%m.%Y"), year=year.name)
    if on > school_today(actor, now):
        raise InvalidInput(_("Дата достижения не может быть в будущем."))
    student = _class_student(cls, student_id, on)
    text = _title(title, _("Укажите название олимпиады, конкурса или мероприятия."))
    kind = _choice(kind, ACHIEVEMENT_KINDS, _("Выберите вид мероприятия."))
    level = _choice(level, ACHIEVEMENT_LEVELS, _("Выберите уровень."))
    result = _choice(result, ACHIEVEMENT_RESULTS, _("Выберите результат."))
    if (
        subject_id
        and db.session.scalar(select(Subject.id).where(Subject.id == subject_id, Subject.school_id == actor.school_id))
        is None
    ):
        raise InvalidInput(_("Такого предмета в школе нет."))
    row = Achievement(
        student_id=student.id,
        year_id=cls.year_id,
        subject_id=subject_id or None,
        title=text,
        kind=kind,
        level=level,
        result=result,
        date=on,
        recorded_by_id=actor.user_id,
    )
    db.session.add(row)
    db.session.flush()
    AuditEvent.record(
        actor.user_id,
        "achievement.create",
        "achievement",
        row.id,
        new={"student_id": student.id, "title": text, "kind": kind, "level": level, "result": result, "date": on},
    )
    if file is not None:
        store(actor, file, school_id=cls.school_id, achievement_id=row.id, now=now)
    return row


def record_result(
    actor: Actor,
    class_id: int,
    *,
    student_id: int | None,
    kind: str | None,
    title: str | None,
    mark: int | None,
    level: str | None = None,
    comment: str | None = None,
    file: CheckedFile | None = None,
    today: dt.date,
    now: dt.datetime,
) -> StudentResult:
    """A year-end result of a student of the class: the final project (grades 5–9), a complex work or the
    meta-subject results, with a mark 1–5 (optional) and an optional document."""
    cls = kept_class(actor, class_id)
    year = _year(cls)
    on = min(max(today, year.starts_on), year.ends_on)
    student = _class_student(cls, student_id, on)
    kind = _choice(kind, RESULT_KINDS, _("Выберите вид результата."))
    if kind == "final_project" and cls.grade not in FINAL_PROJECT_GRADES:
        raise InvalidInput(
            _("Итоговый индивидуальный проект ведётся в 5–9 классах, а это %(cls)s класс."), cls=cls.name
        )
    text = _title(title, _("Укажите тему или название работы."))
    if mark is not None and not 1 <= mark <= 5:
        raise InvalidInput(_("Отметка — от 1 до 5."))
    level = (level or "").strip() or None
    if level and len(level) > 40:
        raise InvalidInput(_("Уровень длиннее 40 символов."))
    comment = (comment or "").strip() or None
    if comment and len(comment) > 4000:
        raise InvalidInput(_("Комментарий длиннее 4000 символов."))
    row = StudentResult(
        student_id=student.id,
        year_id=cls.year_id,
        kind=kind,
        title=text,
        mark=mark,
        level=level,
        comment=comment,
        recorded_by_id=actor.user_id,
    )
    db.session.add(row)
    db.session.flush()
    AuditEvent.record(
        actor.user_id,
        "student_result.create",
        "student_result",
        row.id,
        new={"student_id": student.id, "kind": kind, "title": text, "mark": mark, "level": level},
    )
    if file is not None:
        store(actor, file, school_id=cls.school_id, result_id=row.id, now=now)
    return row


def _class_student_ids(class_id: int):
    from models.tables.classes import Enrollment

    return select(Enrollment.student_id).where(Enrollment.class_id == class_id)


def delete_record(
    actor: Actor, class_id: int, *, achievement_id: int | None = None, result_id: int | None = None
) -> None:
    """Removes an achievement or a result entered by mistake, with its files (the audit log keeps the record)."""
    kept_class(actor, class_id)
    model, row_id, entity = (
        (Achievement, achievement_id, "achievement") if achievement_id else (StudentResult, result_id, "student_result")
    )
    row = db.session.scalar(select(model).where(model.id == row_id, model.student_id.in_(_class_student_ids(class_id))))
    if row is None:
        raise NotFound(_("Запись не найдена."))
    owner = Attachment.achievement_id if model is Achievement else Attachment.result_id
    for att in db.session.scalars(select(Attachment).where(owner == row.id)).all():
        discard(actor, att)  # each flushed: no relationship tells the unit of work to delete the files first
    AuditEvent.record(
        actor.user_id, f"{entity}.delete", entity, row.id, old={"student_id": row.student_id, "title": row.title}
    )
    db.session.delete(row)
    db.session.flush()


# --- reading (the class teacher's page and the diary) --------------------------------------------------
@dataclass
class FileLink:
    id: int
    filename: str
    size: str


@dataclass
class AchievementLine:
    id: int
    student_id: int
    student_name: str
    title: str
    kind: str
    level: str
    result: str
    date: dt.date
    subject: str | None
    files: list[FileLink] = field(default_factory=list)


@dataclass
class ResultLine:
    id: int
    student_id: int
    student_name: str
    year: str
    kind: str
    title: str
    mark: int | None
    level: str | None
    comment: str | None
    files: list[FileLink] = field(default_factory=list)


@functools.cache
def _files_of(owner_column) -> Select:
    """The files of the bound ``owners``: built once per kind of owner (the diary week asks it on every visit)."""
    return (
        select(owner_column, Attachment.id, Attachment.filename, Attachment.size_bytes)
        .where(owner_column.in_(bindparam("owners", expanding=True)))
        .order_by(Attachment.id)
    )


def file_links(owner_column, ids: list[int], *, where=None) -> dict[int, list[FileLink]]:
    """The files of each owner (Attachment.lesson_id, .achievement_id or .result_id) in ``ids``, optionally
    narrowed by an access condition; one query."""
    found: dict[int, list[FileLink]] = {}
    if not ids:
        return found
    q = _files_of(owner_column)
    rows = db.session.execute(q if where is None else q.where(where), {"owners": ids}).all()
    for owner, att_id, filename, size in rows:
        found.setdefault(owner, []).append(FileLink(att_id, filename, size_text(size)))
    return found


def _achievement_lines(where) -> list[AchievementLine]:
    rows = db.session.execute(
        select(Achievement, Student, Subject.name)
        .join(Student, Student.id == Achievement.student_id)
        .outerjoin(Subject, Subject.id == Achievement.subject_id)
        .where(where)
        .order_by(Achievement.date.desc(), Achievement.id.desc())
    ).all()
    files = file_links(Attachment.achievement_id, [a.id for a, _s, _n in rows])
    return [
        AchievementLine(
            a.id,
            s.id,
            s.short_name,
            a.title,
            KIND_LABELS.get(a.kind, a.kind),
            LEVEL_LABELS.get(a.level, a.level),
            RESULT_LABELS.get(a.result, a.result),
            a.date,
            subject,
            files.get(a.id, []),
        )
        for a, s, subject in rows
    ]


def _result_lines(where) -> list[ResultLine]:
    rows = db.session.execute(
        select(StudentResult, Student, AcademicYear.name)
        .join(Student, Student.id == StudentResult.student_id)
        .join(AcademicYear, AcademicYear.id == StudentResult.year_id)
        .where(where)
        .order_by(AcademicYear.starts_on.desc(), Student.last_name, Student.first_name, StudentResult.id)
    ).all()
    files = file_links(Attachment.result_id, [r.id for r, _s, _y in rows])
    return [
        ResultLine(
            r.id,
            s.id,
            s.short_name,
            year,
            RESULT_KIND_LABELS.get(r.kind, r.kind),
            r.title,
            r.mark,
            r.level,
            r.comment,
            files.get(r.id, []),
        )
        for r, s, year in rows
    ]


def class_achievements(actor: Actor, class_id: int) -> list[AchievementLine]:
    """Achievements of the class's students recorded for the class's year."""
    cls = kept_class(actor, class_id)
    return _achievement_lines(
        (Achievement.student_id.in_(_class_student_ids(class_id))) & (Achievement.year_id == cls.year_id)
    )


def class_results(actor: Actor, class_id: int) -> list[ResultLine]:
    cls = kept_class(actor, class_id)
    return _result_lines(
        (StudentResult.student_id.in_(_class_student_ids(class_id))) & (StudentResult.year_id == cls.year_id)
    )


@dataclass
class Portfolio:
    student: Student
    achievements: list[AchievementLine]
    results: list[ResultLine]


def student_portfolio(actor: Actor, student_id: int) -> Portfolio:
    """For the diary: all of the student's achievements and year-end results, every year (R20)."""
    student = visible_student(actor, student_id)
    return Portfolio(
        student,
        _achievement_lines(Achievement.student_id == student_id),
        _result_lines(StudentResult.student_id == student_id),
    )
