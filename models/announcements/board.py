"""Announcements (R23): written for the school, a grade, a class or the staff only, shown from the first to the
last day of their window, with up to MAX_FILES files checked and stored as homework files are
(models/attachments.py). Operations validate, change, audit and flush; the caller commits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select

from models.access import Actor, announcement_ids, managed_ids
from models.announcements.window import (
    BODY_MAX,
    TITLE_MAX,
    Target,
    aware,
    check_target,
    days,
    is_live,
    target_label,
    text_field,
    window,
)
from models.attachments import CheckedFile, FileLink, discard, file_links, store
from models.audit import AuditEvent
from models.base import db
from models.errors import InvalidInput, NotFound
from models.i18n import N_, Text, _
from models.school_time import school_today, zone_of
from models.tables.accounts import User
from models.tables.classes import SchoolClass
from models.tables.journal import Attachment
from models.tables.messaging import ANNOUNCEMENT_AUDIENCES, Announcement
from models.tables.people import Staff

MAX_FILES = 5
AUDIENCE_LABELS = {
    "all": N_("Всем: семьям и сотрудникам"),
    "parents": N_("Только родителям"),
    "students": N_("Только обучающимся"),
    "staff": N_("Только сотрудникам"),
}


@dataclass
class AnnouncementDraft:
    """What the form sends, parsed by the web layer."""

    title: str | None
    body: str | None
    audience: str | None
    target: Target
    first_day: dt.date | None
    last_day: dt.date | None
    files: list[CheckedFile] = field(default_factory=list)
    remove_files: list[int] = field(default_factory=list)


def _managed(actor: Actor, announcement_id: int | None) -> Announcement:
    row = db.session.scalar(
        select(Announcement).where(
            Announcement.id == (announcement_id or 0), Announcement.id.in_(managed_ids(actor, Announcement))
        )
    )
    if row is None:
        raise NotFound(_("Объявление не найдено или недоступно."))
    return row


def save_announcement(
    actor: Actor, announcement_id: int | None, draft: AnnouncementDraft, *, now: dt.datetime
) -> Announcement:
    """A new announcement (``announcement_id`` None) or a change of one the actor manages."""
    row = _managed(actor, announcement_id) if announcement_id is not None else None
    title = text_field(
        draft.title, blank=_("Укажите заголовок."), limit=TITLE_MAX, too_long=_("Заголовок длиннее %(n)s символов.")
    )
    body = text_field(
        draft.body, blank=_("Напишите текст объявления."), limit=BODY_MAX, too_long=_("Текст длиннее %(n)s символов.")
    )
    if draft.audience not in ANNOUNCEMENT_AUDIENCES:
        raise InvalidInput(_("Выберите, кто увидит объявление."))
    check_target(actor, draft.audience, draft.target)
    start, end = window(actor, draft.first_day, draft.last_day, now)
    if row is not None and draft.first_day is None:
        start = aware(row.published_at)
    if end is not None and end <= start:
        raise InvalidInput(_("Последний день раньше первого."))
    kept = 0
    if row is not None:
        kept = db.session.scalar(
            select(func.count())
            .select_from(Attachment)
            .where(Attachment.announcement_id == row.id, Attachment.id.not_in(draft.remove_files or [0]))
        )
    if kept + len(draft.files) > MAX_FILES:
        raise InvalidInput(_("К объявлению можно приложить не больше %(n)s файлов."), n=MAX_FILES)
    values = dict(
        title=title,
        body=body,
        audience=draft.audience,
        class_id=draft.target.class_id,
        grade=draft.target.grade,
        published_at=start,
        expires_at=end,
    )
    if row is None:
        row = Announcement(school_id=actor.school_id, author_id=actor.user_id, **values)
        db.session.add(row)
        db.session.flush()
        AuditEvent.record(actor.user_id, "announcement.create", "announcement", row.id, new=_audited(values))
    else:
        old = _audited({k: getattr(row, k) for k in values})
        for key, value in values.items():
            setattr(row, key, value)
        db.session.flush()
        AuditEvent.record(actor.user_id, "announcement.update", "announcement", row.id, old=old, new=_audited(values))
        for att in db.session.scalars(
            select(Attachment).where(Attachment.announcement_id == row.id, Attachment.id.in_(draft.remove_files or [0]))
        ).all():
            discard(actor, att)
    for checked in draft.files:
        store(actor, checked, school_id=row.school_id, announcement_id=row.id, now=now)
    return row


def _audited(values: dict) -> dict:
    return {k: (aware(v).isoformat() if isinstance(v, dt.datetime) else v) for k, v in values.items()}


def delete_announcement(actor: Actor, announcement_id: int | None) -> None:
    row = _managed(actor, announcement_id)
    for att in db.session.scalars(select(Attachment).where(Attachment.announcement_id == row.id)).all():
        discard(actor, att)
    AuditEvent.record(actor.user_id, "announcement.delete", "announcement", row.id, old={"title": row.title})
    db.session.delete(row)
    db.session.flush()


# --- reading ------------------------------------------------------------------------------------------------
@dataclass
class AnnouncementLine:
    id: int
    title: str
    body: str
    audience: str  # a label of AUDIENCE_LABELS (Russian, show with _())
    target: Text
    author: str
    published_at: dt.datetime
    first_day: dt.date | None
    last_day: dt.date | None
    live: bool
    editable: bool = False
    files: list[FileLink] = field(default_factory=list)


def _lines(actor: Actor, where, now: dt.datetime, *, limit: int | None = None) -> list[AnnouncementLine]:
    q = (
        select(Announcement, SchoolClass.grade, SchoolClass.letter, Staff, User.login)
        .outerjoin(SchoolClass, SchoolClass.id == Announcement.class_id)
        .join(User, User.id == Announcement.author_id)
        .outerjoin(Staff, Staff.id == User.staff_id)
        .where(where)
        .order_by(Announcement.published_at.desc(), Announcement.id.desc())
    )
    rows = db.session.execute(q.limit(limit) if limit else q).all()
    managed = set(db.session.scalars(managed_ids(actor, Announcement))) if actor.is_staff else set()
    files = file_links(Attachment.announcement_id, [a.id for a, *_rest in rows])
    lines, tz = [], zone_of(actor.school_id)
    for a, grade, letter, staff, login in rows:
        first, last = days(tz, a.published_at, a.expires_at)
        lines.append(
            AnnouncementLine(
                a.id,
                a.title,
                a.body,
                AUDIENCE_LABELS[a.audience],
                target_label(Target(a.class_id, a.grade), f"{grade}{letter}" if grade is not None else None),
                staff.short_name if staff is not None else login,
                aware(a.published_at),
                first,
                last,
                is_live(a.published_at, a.expires_at, now),
                a.id in managed,
                files.get(a.id, []),
            )
        )
    return lines


def _live(now: dt.datetime):
    return (Announcement.published_at <= now) & or_(Announcement.expires_at.is_(None), Announcement.expires_at > now)


def current_announcements(actor: Actor, now: dt.datetime, *, limit: int | None = None) -> list[AnnouncementLine]:
    """What the actor reads today: published, not expired, addressed to them (families: their children's
    classes and grades and the school; staff: the school's for everyone or for the staff)."""
    visible = Announcement.id.in_(announcement_ids(actor, school_today(actor, now)))
    return _lines(actor, visible & _live(now), now, limit=limit)


def managed_announcements(actor: Actor, now: dt.datetime) -> list[AnnouncementLine]:
    """Everything the actor edits, past and future windows too (the staff panel's list)."""
    return _lines(actor, Announcement.id.in_(managed_ids(actor, Announcement)), now)


def announcement_form(actor: Actor, announcement_id: int) -> tuple[Announcement, AnnouncementDraft, list[FileLink]]:
    """An announcement the actor manages, as its form shows it."""
    row = _managed(actor, announcement_id)
    first, last = days(zone_of(actor.school_id), row.published_at, row.expires_at)
    draft = AnnouncementDraft(row.title, row.body, row.audience, Target(row.class_id, row.grade), first, last)
    return row, draft, file_links(Attachment.announcement_id, [row.id]).get(row.id, [])


def announcement_file(actor: Actor, announcement_id: int, attachment_id: int, now: dt.datetime) -> Attachment:
    """A file of an announcement the actor reads now, or manages."""
    readable = or_(
        Announcement.id.in_(announcement_ids(actor, school_today(actor, now))) & _live(now),
        Announcement.id.in_(managed_ids(actor, Announcement)),
    )
    att = db.session.scalar(
        select(Attachment)
        .join(Announcement, Announcement.id == Attachment.announcement_id)
        .where(Attachment.id == attachment_id, Announcement.id == announcement_id, readable)
    )
    if att is None:
        raise NotFound(_("Файл не найден или недоступен."))
    return att
