"""Homework files on a lesson (R6): a worksheet, a scan, a presentation the teacher attaches to the
lesson's homework, which the diary of every student of the lesson links to. The journal page and the diary list them
with models.attachments.file_links.

Who may add or remove one is who may record the lesson (its teacher, or the substitute on the day) while
its period is open; who may download one is decided with every other file in models/access.py
(``attachment_ids``). Files are checked and stored by models/attachments.py. Operations validate, change,
audit and flush; the caller commits.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from models.access import Actor
from models.attachments import CheckedFile, attachment_for_download, discard, store
from models.base import db
from models.errors import InvalidInput, NotFound
from models.i18n import _
from models.journal.writing import _lesson_with_context, _open_period, _require_writer
from models.tables.journal import Attachment

MAX_LESSON_FILES = 5


def _writable_lesson(actor: Actor, assignment_id: int, lesson_id: int):
    lesson, ctx = _lesson_with_context(actor, lesson_id, assignment_id)
    _require_writer(actor, ctx, lesson.date)
    _open_period(ctx, lesson.date)
    return lesson, ctx


def add_lesson_file(
    actor: Actor, assignment_id: int, lesson_id: int, checked: CheckedFile | None, *, now: dt.datetime
) -> Attachment:
    """Attach a checked file to the lesson's homework (at most MAX_LESSON_FILES per lesson)."""
    lesson, ctx = _writable_lesson(actor, assignment_id, lesson_id)
    if checked is None:
        raise InvalidInput(_("Выберите файл."))
    count = db.session.scalar(select(func.count()).select_from(Attachment).where(Attachment.lesson_id == lesson.id))
    if count >= MAX_LESSON_FILES:
        raise InvalidInput(_("К уроку можно приложить не больше %(n)s файлов. Удалите ненужный."), n=MAX_LESSON_FILES)
    return store(actor, checked, school_id=ctx.cls.school_id, lesson_id=lesson.id, now=now)


def remove_lesson_file(actor: Actor, assignment_id: int, lesson_id: int, attachment_id: int) -> None:
    """Detach a file from the lesson (the audit log keeps its name and checksum)."""
    lesson, _ctx = _writable_lesson(actor, assignment_id, lesson_id)
    att = db.session.scalar(select(Attachment).where(Attachment.id == attachment_id, Attachment.lesson_id == lesson.id))
    if att is None:
        raise NotFound(_("Файл не найден или недоступен."))
    discard(actor, att)


def lesson_file_for_download(actor: Actor, lesson_id: int, attachment_id: int) -> Attachment:
    return attachment_for_download(actor, attachment_id, lesson_id=lesson_id)
