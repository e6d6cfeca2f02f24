"""A lesson given at a distance (R23): on a day switched to distance learning (models/school/distance.py) the
lesson's teacher (or the substitute on the day) enters the link to the lesson — http or https only — and its
materials as text; files go with the lesson's files (models/journal/files.py, the homework files' checks).
The diary shows them first. Validated, audited and flushed; the caller commits."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from sqlalchemy.orm.exc import StaleDataError

from models.access import Actor
from models.audit import AuditEvent
from models.base import db
from models.errors import Conflict, InvalidInput
from models.i18n import _
from models.journal.files import _writable_lesson
from models.journal.rules import _d
from models.journal.writing import _clean_text
from models.school.distance import DistanceNote, distance_days
from models.tables.journal import Lesson

MAX_URL = 500
MAX_MATERIALS = 4000
_BAD_URL_CHARS = re.compile(r"[\s<>\"'`\\^{}|\x00-\x1f\x7f]")


def clean_url(value: str | None) -> str | None:
    """The link as typed, or None when empty; anything but an absolute http(s) address with a host is refused
    (javascript:, data:, file:, a relative path, spaces or quotes that would break out of an attribute)."""
    text = (value or "").strip()
    if not text:
        return None
    if len(text) > MAX_URL:
        raise InvalidInput(_("Ссылка: не длиннее %(n)s символов."), n=MAX_URL)
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        parts, host = None, None
    if (
        parts is None
        or parts.scheme.lower() not in ("http", "https")
        or not host
        or _BAD_URL_CHARS.search(text)
        or not text.lower().startswith(("http://", "https://"))
    ):
        raise InvalidInput(_("Ссылка должна начинаться с http:// или https:// и вести на сайт урока."))
    return text


def lesson_distance(lesson: Lesson, class_id: int) -> DistanceNote | None:
    """The switch that makes the lesson's day distance for its class, if any (one query)."""
    return distance_days([class_id], lesson.date, lesson.date).get((class_id, lesson.date))


def save_distance(
    actor: Actor,
    assignment_id: int,
    lesson_id: int,
    *,
    url: str | None,
    materials: str | None,
    expected_version: int | None = None,
) -> Lesson:
    """Set (or clear) the lesson's link and materials. Setting them needs the day to be distance for the class;
    clearing them is always possible (a switch undone leaves nothing stale behind)."""
    lesson, ctx = _writable_lesson(actor, assignment_id, lesson_id)
    new_url = clean_url(url)
    new_materials = _clean_text(materials, MAX_MATERIALS, _("Материалы урока"))
    if (new_url or new_materials) and lesson_distance(lesson, ctx.cls.id) is None:
        raise InvalidInput(
            _("%(date)s — не день дистанционного обучения класса %(cls)s: ссылка и материалы не нужны."),
            date=_d(lesson.date),
            cls=ctx.cls.name,
        )
    if expected_version is not None and lesson.version != expected_version:
        raise Conflict(_("Урок уже изменил другой пользователь. Обновите страницу и сохраните снова."))
    old = {"url": lesson.distance_url, "materials": lesson.distance_materials}
    new = {"url": new_url, "materials": new_materials}
    if old == new:
        return lesson
    lesson.distance_url, lesson.distance_materials = new_url, new_materials
    lesson.is_distance = bool(new_url or new_materials)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except StaleDataError:
        raise Conflict(_("Урок уже изменил другой пользователь. Обновите страницу и сохраните снова.")) from None
    AuditEvent.record(actor.user_id, "lesson.distance", "lesson", lesson.id, old=old, new=new, class_id=ctx.cls.id)
    return lesson


def distance_dates(class_id: int, first: dt.date, last: dt.date) -> dict[dt.date, DistanceNote]:
    """The class's distance days between two dates (the journal grid marks their columns)."""
    return {day: note for (_cls, day), note in distance_days([class_id], first, last).items()}
