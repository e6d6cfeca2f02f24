"""Who is due a letter, and the bookkeeping that makes each letter go once (R21).

A sender (mailer.send_due, every minute) asks ``due`` for the subscriptions of a school that have something to
send: an instant one whose child was touched since its ``sent_up_to`` (or whose last letter was left in flight),
a digest one whose time of day (the school's zone) has come since its last digest. It ``claim``s each with one
conditional UPDATE that also fixes the letter's range (``pending_up_to``), so two senders never take the same
one; reads the notices in that range from the audit log (models/notices/feed.py); sends; and records the result.
A failure keeps ``sent_up_to`` (the next letter includes everything) and waits ``BACKOFF``; a sender that dies
mid-send leaves the claim, and after ``LEASE`` the same range goes again with the same Message-ID (SMTP cannot
say whether the letter left, so this is "at least once", with a stable identity the mail clients merge).

Instant subscriptions whose child nothing happened to are moved forward in one UPDATE (``advance_quiet``) once
their look-back passes ``QUIET_STEP``, so it stays a few minutes long whatever the number of families."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select, update

from models.access import Actor, can_view_mail_settings, require
from models.audit import AuditEvent
from models.base import db
from models.notices.feed import Notice, _aware, unsent_notices
from models.tables.accounts import User
from models.tables.classes import Enrollment
from models.tables.curriculum import TeachingAssignment
from models.tables.journal import Lesson
from models.tables.mail import MailSubscription, SchoolMail
from models.tables.people import Student

SETTLE = dt.timedelta(seconds=20)  # a change logged this recently may still be uncommitted: it waits a run
LEASE = dt.timedelta(minutes=10)
QUIET_STEP = dt.timedelta(minutes=10)  # how far a quiet instant row's look-back may grow before it is moved
BACKOFF = (dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=15), dt.timedelta(hours=1))
_STUDENT_ENTITIES = ("mark", "attendance", "period_mark")


def backoff(attempts: int) -> dt.timedelta:
    return BACKOFF[min(attempts, len(BACKOFF)) - 1] if attempts > 0 else dt.timedelta(0)


def school_ids_with_mail() -> list[int]:
    return list(db.session.scalars(select(SchoolMail.school_id).order_by(SchoolMail.school_id)))


def digest_moment(digest_at: dt.time, zone: ZoneInfo, now: dt.datetime) -> dt.datetime:
    """The latest moment, not after ``now``, when the school's clock showed ``digest_at`` (UTC)."""
    local = now.astimezone(zone)
    moment = dt.datetime.combine(local.date(), digest_at, tzinfo=zone)
    if moment > local:
        moment = dt.datetime.combine(local.date() - dt.timedelta(days=1), digest_at, tzinfo=zone)
    return moment.astimezone(dt.UTC)


def touched_students(since: dt.datetime, up_to: dt.datetime) -> set[int]:
    """Students about whom something a family is told was logged in (since, up_to]: their marks, attendance and
    period marks, and the homework of lessons of their classes. Two queries."""
    rows = db.session.execute(
        select(AuditEvent.entity, AuditEvent.entity_id, AuditEvent.old, AuditEvent.new).where(
            AuditEvent.at > since,
            AuditEvent.at <= up_to,
            or_(AuditEvent.entity.in_(_STUDENT_ENTITIES), AuditEvent.action.in_(("lesson.create", "lesson.update"))),
        )
    ).all()
    students, lessons = set(), set()
    for entity, entity_id, old, new in rows:
        if entity == "lesson":
            lessons.add(entity_id)
            continue
        for snapshot in (old, new):
            if snapshot and (sid := json.loads(snapshot).get("student_id")) is not None:
                students.add(sid)
    if lessons:
        students.update(
            db.session.scalars(
                select(Enrollment.student_id)
                .join(TeachingAssignment, TeachingAssignment.class_id == Enrollment.class_id)
                .join(Lesson, Lesson.assignment_id == TeachingAssignment.id)
                .where(Lesson.id.in_(lessons))
            )
        )
    return students


@dataclass
class Plan:
    due: list[MailSubscription]  # to claim, in this order
    quiet: list[int]  # instant subscriptions with nothing to send up to ``cutoff``


def due(school_id: int, zone: ZoneInfo, now: dt.datetime, cutoff: dt.datetime) -> Plan:
    """The school's subscriptions with something to send now (see the module's text)."""
    active = (
        select(MailSubscription)
        .join(User, User.id == MailSubscription.user_id)
        .where(
            User.school_id == school_id,
            User.blocked_at.is_(None),
            MailSubscription.mode != "none",
            or_(MailSubscription.lease_until.is_(None), MailSubscription.lease_until < now),
        )
        .order_by(MailSubscription.id)
    )
    rows = db.session.scalars(active).all()
    instant = [r for r in rows if r.mode == "instant"]
    touched = touched_students(min(_aware(r.sent_up_to) for r in instant), cutoff) if instant else set()
    ready = [r for r in rows if r.next_try_at is None or _aware(r.next_try_at) <= now]
    plan = Plan([], [])
    for row in ready:
        if row.pending_up_to is not None:  # a letter left in flight by a sender that died
            plan.due.append(row)
        elif row.mode == "instant":
            if row.student_id in touched:
                plan.due.append(row)
        elif _aware(row.sent_up_to) < digest_moment(row.digest_at, zone, now) - SETTLE:
            plan.due.append(row)
    plan.quiet = [
        r.id
        for r in instant
        if r.student_id not in touched and r.pending_up_to is None and _aware(r.sent_up_to) < cutoff - QUIET_STEP
    ]
    return plan


def advance_quiet(ids: list[int], cutoff: dt.datetime, now: dt.datetime) -> None:
    """Nothing was logged about these children up to ``cutoff``: their next look-back starts there. Only rows
    whose look-back grew past ``QUIET_STEP`` are written, so a run writes each quiet row every few minutes at most
    (writing them all every minute cost the database more than the look-back it saves)."""
    if ids:
        db.session.execute(
            update(MailSubscription)
            .execution_options(synchronize_session=False)
            .where(
                MailSubscription.id.in_(ids),
                MailSubscription.mode == "instant",
                MailSubscription.pending_up_to.is_(None),
                MailSubscription.sent_up_to < cutoff - QUIET_STEP,
                or_(MailSubscription.lease_until.is_(None), MailSubscription.lease_until < now),
            )
            .values(sent_up_to=cutoff)
        )


def claim(subscription_id: int, *, now: dt.datetime, cutoff: dt.datetime) -> bool:
    """Take the subscription for one letter: only while no other sender holds it. One UPDATE decides."""
    result = db.session.execute(
        update(MailSubscription)
        .execution_options(synchronize_session=False)
        .where(
            MailSubscription.id == subscription_id,
            MailSubscription.mode != "none",
            or_(MailSubscription.lease_until.is_(None), MailSubscription.lease_until < now),
            or_(MailSubscription.next_try_at.is_(None), MailSubscription.next_try_at <= now),
        )
        .values(lease_until=now + LEASE, pending_up_to=func.coalesce(MailSubscription.pending_up_to, cutoff))
    )
    return result.rowcount == 1


def letter_notices(rows: list[MailSubscription], user: User, now: dt.datetime) -> dict[int, list[Notice]]:
    """The notices of each claimed subscription of one account: logged after its ``sent_up_to`` and up to its
    ``pending_up_to``, oldest first. One reading of the feed for all the account's children."""
    since = min(_aware(r.sent_up_to) for r in rows)
    feed = {child.student.id: child.notices for child in unsent_notices(user, since, now)}
    result = {}
    for row in rows:
        low, high = _aware(row.sent_up_to), _aware(row.pending_up_to)
        result[row.id] = [n for n in reversed(feed.get(row.student_id, [])) if low < n.at <= high]
    return result


def _finish(subscription_id: int, **values) -> None:
    db.session.execute(
        update(MailSubscription)
        .execution_options(synchronize_session=False)
        .where(MailSubscription.id == subscription_id)
        .values(pending_up_to=None, lease_until=None, **values)
    )


def record_sent(subscription_id: int, *, now: dt.datetime) -> None:
    _finish(
        subscription_id,
        sent_up_to=MailSubscription.pending_up_to,
        attempts=0,
        next_try_at=None,
        last_status="sent",
        last_error=None,
        last_sent_at=now,
    )


def record_nothing(subscription_id: int) -> None:
    """Nothing to tell in the claimed range (other children's news, an empty day): no letter, the range is done."""
    _finish(subscription_id, sent_up_to=MailSubscription.pending_up_to)


def record_failed(subscription_id: int, error: str, *, now: dt.datetime) -> None:
    """The letter did not go: the range stays unsent, the next try waits longer each time."""
    row = db.session.get(MailSubscription, subscription_id)
    attempts = (row.attempts or 0) + 1
    _finish(
        subscription_id,
        attempts=attempts,
        next_try_at=now + backoff(attempts),
        last_status="failed",
        last_error=error[:2000],
    )
    db.session.expire(row)


# --- what the operator sees ----------------------------------------------------------------------
@dataclass
class Failure:
    login: str
    student: str
    attempts: int
    error: str
    next_try_at: dt.datetime | None


@dataclass
class SendingState:
    counts: dict[str, int]  # mode → subscriptions
    last_sent_at: dt.datetime | None
    sent: int  # subscriptions whose last letter went
    failures: list[Failure]


def sending_state(actor: Actor, *, shown: int = 50) -> SendingState:
    """How the school's letters are going: subscriptions per mode, the last letter sent, the failing ones."""
    require(can_view_mail_settings(actor))
    mine = and_(User.id == MailSubscription.user_id, User.school_id == actor.school_id)
    counts: dict[str, int] = defaultdict(int)
    last = None
    for mode, status, n, sent_at in db.session.execute(
        select(
            MailSubscription.mode,
            MailSubscription.last_status,
            func.count(),
            func.max(MailSubscription.last_sent_at),
        )
        .join(User, mine)
        .group_by(MailSubscription.mode, MailSubscription.last_status)
    ):
        counts[mode] += n
        counts[f"status:{status}"] += n
        if sent_at is not None and (last is None or _aware(sent_at) > last):
            last = _aware(sent_at)
    failures = [
        Failure(login, student.short_name, attempts, error or "", next_try)
        for login, student, attempts, error, next_try in db.session.execute(
            select(
                User.login,
                Student,
                MailSubscription.attempts,
                MailSubscription.last_error,
                MailSubscription.next_try_at,
            )
            .join(User, mine)
            .join(Student, Student.id == MailSubscription.student_id)
            .where(MailSubscription.last_status == "failed", MailSubscription.mode != "none")
            .order_by(MailSubscription.next_try_at)
            .limit(shown)
        )
    ]
    return SendingState(
        {m: counts.get(m, 0) for m in ("none", "instant", "digest")}, last, counts.get("status:sent", 0), failures
    )
