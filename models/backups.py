"""The backups the system keeps (R34): when one is due, how many to keep, and what the operator and /healthz are
told about the last one. The work itself (reading the database, writing and checking the file, the restore drill)
is backup_keeper.py; this module decides and keeps the records (models.tables.records.BackupRun).

A backup is of the whole database, which in a district holds several schools: each school's operator sets the
schedule and "keep N" on the backups page; the system follows the most frequent schedule and the largest N among
its schools. A nightly backup runs between 01:00 and 05:59 on the first school's clock (or, when the worker was
down all night, as soon as it is 12 hours late); a weekly one in the night to Sunday."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from models.access import Actor, can_manage_backups, require
from models.attachments import size_text
from models.base import db
from models.i18n import Text, _
from models.school.settings import BACKUP_SCHEDULES, get_settings, set_settings
from models.school_time import local_moment, zone_of
from models.tables.records import BackupRun
from models.tables.school import School

INTERVALS = {"nightly": dt.timedelta(days=1), "weekly": dt.timedelta(days=7)}
FREQUENCY = ("nightly", "weekly", "off")  # most frequent first
NIGHT = range(1, 6)  # hours of the school's night a scheduled backup starts in
GRACE = dt.timedelta(hours=12)  # a missed night is made up this late, at any hour
SLACK = dt.timedelta(hours=1)  # "a day ago" for a backup that started a little later last night


@dataclass(frozen=True)
class Plan:
    schedule: str  # nightly / weekly / off
    keep: int
    zone: object  # the ZoneInfo the night is read in


def plan() -> Plan:
    """The schedule the system follows: the most frequent of its schools', the largest "keep N"."""
    schools = db.session.scalars(select(School).order_by(School.id)).all()
    if not schools:
        return Plan("off", 7, zone_of(None))
    settings = [get_settings(s.id, "backup_schedule", "backup_keep") for s in schools]
    schedule = min((sch for sch, _keep in settings), key=FREQUENCY.index)
    return Plan(schedule, max(keep for _sch, keep in settings), zone_of(schools[0]))


def last_good(session=None) -> BackupRun | None:
    session = session or db.session
    return session.scalar(
        select(BackupRun)
        .where(BackupRun.verified.is_(True), BackupRun.deleted_at.is_(None))
        .order_by(BackupRun.started_at.desc(), BackupRun.id.desc())
        .limit(1)
    )


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def is_due(p: Plan, last: BackupRun | None, now: dt.datetime) -> bool:
    """Is a scheduled backup due at ``now``, the last good one being ``last``?"""
    if p.schedule not in INTERVALS:
        return False
    local = local_moment(now, p.zone)
    in_window = local.hour in NIGHT and (p.schedule == "nightly" or local.weekday() == 6)
    if last is None:
        return True
    age = now - _aware(last.started_at)
    interval = INTERVALS[p.schedule]
    return (age >= interval - SLACK and in_window) or age >= interval + GRACE


def overdue(p: Plan, last: BackupRun | None, now: dt.datetime) -> bool:
    """The operator should look: a schedule is set and no good backup is younger than its interval and grace."""
    if p.schedule not in INTERVALS:
        return False
    return last is None or now - _aware(last.started_at) > INTERVALS[p.schedule] + GRACE


def to_prune(keep: int) -> list[BackupRun]:
    """Scheduled backups older than the newest ``keep`` good ones (failed attempts among them too)."""
    runs = db.session.scalars(
        select(BackupRun)
        .where(BackupRun.trigger == "schedule", BackupRun.deleted_at.is_(None))
        .order_by(BackupRun.started_at.desc(), BackupRun.id.desc())
    ).all()
    good = [r for r in runs if r.verified]
    if len(good) <= keep:
        return []
    kept = good[keep - 1]
    return [r for r in runs if (r.started_at, r.id) < (kept.started_at, kept.id)]


def in_progress(now: dt.datetime) -> bool:
    """A backup started within the hour and not finished: another worker is making it."""
    return (
        db.session.scalar(
            select(BackupRun.id).where(
                BackupRun.finished_at.is_(None), BackupRun.started_at > now - dt.timedelta(hours=1)
            )
        )
        is not None
    )


# --- what people are told -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Status:
    schedule: str
    keep: int
    last: BackupRun | None
    overdue: bool
    failed_since: BackupRun | None  # the latest attempt, when it failed after the last good one

    @property
    def schedule_label(self) -> str:
        return BACKUP_SCHEDULES[self.schedule]

    @property
    def last_size(self) -> Text | None:
        return size_text(self.last.size_bytes) if self.last else None

    def as_json(self) -> dict:
        last = self.last
        return {
            "schedule": self.schedule,
            "last_at": _aware(last.started_at).isoformat() if last else None,
            "size_bytes": last.size_bytes if last else None,
            "verified": bool(last and last.verified),
            "drill_ok": last.drill_ok if last else None,
            "overdue": self.overdue,
            "last_attempt_failed": self.failed_since is not None,
        }


def status(now: dt.datetime) -> Status:
    p, last = plan(), last_good()
    latest = db.session.scalar(select(BackupRun).order_by(BackupRun.started_at.desc(), BackupRun.id.desc()).limit(1))
    failed = latest if latest is not None and not latest.verified and latest is not last else None
    return Status(p.schedule, p.keep, last, overdue(p, last, now), failed)


def backups_page(actor: Actor, now: dt.datetime, *, limit: int = 30) -> tuple[Status, dict, list[BackupRun]]:
    """The operator's page: the status, this school's own settings and the latest runs."""
    require(can_manage_backups(actor), _("Резервные копии настраивает администратор (оператор)."))
    schedule, keep = get_settings(actor.school_id, "backup_schedule", "backup_keep")
    runs = db.session.scalars(
        select(BackupRun).order_by(BackupRun.started_at.desc(), BackupRun.id.desc()).limit(limit)
    ).all()
    return status(now), {"backup_schedule": schedule, "backup_keep": keep}, runs


def set_backup_settings(actor: Actor, schedule, keep) -> list[str]:
    """The schedule and "keep N" from the backups page (validated, audited: models.school.settings)."""
    require(can_manage_backups(actor), _("Резервные копии настраивает администратор (оператор)."))
    return set_settings(actor, {"backup_schedule": schedule, "backup_keep": keep})


def home_status(actor: Actor, now: dt.datetime) -> Status | None:
    """The last backup on the operator's home page (nobody else's)."""
    return status(now) if can_manage_backups(actor) else None
