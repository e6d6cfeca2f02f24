"""Announcements in the family's "Что нового" (models/notices/feed.py): each one published for a child's class,
grade or the whole school since the child's "seen up to" moment, as a notice on that child. One query."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, or_, select

from models.access import Actor, announcement_ids
from models.announcements.window import aware
from models.base import db
from models.i18n import N_
from models.roster import stay_on
from models.school_time import school_today
from models.tables.accounts import User
from models.tables.classes import Enrollment, SchoolClass
from models.tables.messaging import Announcement
from models.tables.people import Staff

LABEL = N_("Объявление")
EXCERPT = 200


def announcement_notices(actor: Actor, since: dict[int, dt.datetime], now: dt.datetime) -> list[tuple]:
    """(student id, moment, title, excerpt, author) of the announcements for each child in ``since`` (child id →
    the moment from which it is new) that the actor reads, published after that moment and up to ``now``."""
    if not since:
        return []
    today = school_today(actor, now)
    visible = announcement_ids(actor, today)
    reaches = or_(
        Announcement.class_id == Enrollment.class_id,
        and_(
            Announcement.class_id.is_(None), or_(Announcement.grade.is_(None), Announcement.grade == SchoolClass.grade)
        ),
    )
    rows = db.session.execute(
        select(Enrollment.student_id, Announcement, Staff, User.login)
        .join(SchoolClass, SchoolClass.id == Enrollment.class_id)
        .join(Announcement, reaches)
        .join(User, User.id == Announcement.author_id)
        .outerjoin(Staff, Staff.id == User.staff_id)
        .where(
            Enrollment.student_id.in_(list(since)),
            stay_on(Enrollment, today),
            Announcement.id.in_(visible),
            Announcement.published_at > min(since.values()),
            Announcement.published_at <= now,
        )
    ).all()
    found = []
    for student_id, a, staff, login in rows:
        at = aware(a.published_at)
        if at > since[student_id] and (a.expires_at is None or aware(a.expires_at) > now):
            body = a.body if len(a.body) <= EXCERPT else a.body[: EXCERPT - 1] + "…"
            found.append((student_id, at, a.title, body, staff.short_name if staff is not None else login))
    return found
