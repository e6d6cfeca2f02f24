"""Background jobs: the record the user sees (kind, owner, status, progress, the file when done) and the
rules of its life. The queue that runs them is tasks.py (Huey); this module never imports it.

A job's life: ``create_job`` (queued) → ``claim`` (running, one more attempt, a lease) → ``report``
(progress, lease extended) → ``finish`` (done, with the file or the produced row ids) or ``fail``
(failed, with the reason in the user's language). A job's work is one transaction or writes its file
atomically (``write_file_atomically``), so a worker killed mid-job leaves nothing half-done: the job stays
"running" until its lease runs out (or the consumer restarts on the embedded queue) and ``stale_jobs``
hands it back to the queue for another attempt.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, Text, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from models.base import CreatedMixin, db, one_of
from models.errors import AccessDenied, Conflict, NotFound
from models.i18n import N_, _

STATUSES = ("queued", "running", "done", "failed")
STATUS_LABELS = {"queued": N_("В очереди"), "running": N_("Выполняется"), "done": N_("Готово"), "failed": N_("Ошибка")}
KINDS = (
    "invite_register",
    "backup",
    "import",
    "journal_class_pdf",
    "email_digest",
    "year_seal",
    "report_cards",
    "year_rollover",
    "control_report",
)
KIND_LABELS = {
    "invite_register": N_("Реестр кодов приглашения (PDF)"),
    "backup": N_("Резервная копия базы данных"),
    "import": N_("Импорт"),
    "journal_class_pdf": N_("Журнал класса (PDF)"),
    "email_digest": N_("Рассылка писем"),
    "year_seal": N_("Печать учебного года"),
    "report_cards": N_("Табели и письма класса (PDF)"),
    "year_rollover": N_("Новый учебный год"),
    "control_report": N_("Справка по итогам проверки журнала (PDF)"),
}
# Kinds that concern the whole school: the school's operators see them too, not only the owner.
SCHOOL_WIDE = frozenset({"invite_register", "backup", "import", "year_seal", "year_rollover"})
MAX_ATTEMPTS = 3
LEASE = dt.timedelta(minutes=10)  # a running job not heard from for this long is taken to have lost its worker
KEEP_FILES = dt.timedelta(days=7)  # files of finished jobs are deleted after this


class Job(CreatedMixin, db.Model):
    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(one_of("status", STATUSES), name="status"),
        CheckConstraint(one_of("kind", KINDS), name="kind"),
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(String(255))  # a Russian message, shown translated
    params_json: Mapped[str] = mapped_column(Text, default="{}")  # JSON text (backups carry plain values)
    file_path: Mapped[str | None] = mapped_column(String(255))  # relative to the jobs directory
    file_name: Mapped[str | None] = mapped_column(String(120))  # offered to the browser
    row_ids_json: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)  # a Russian message, shown translated
    error_params_json: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    lease_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    params = property(
        lambda self: json.loads(self.params_json or "{}"),
        lambda self, value: setattr(self, "params_json", json.dumps(value or {})),
    )
    row_ids = property(
        lambda self: json.loads(self.row_ids_json) if self.row_ids_json else None,
        lambda self, value: setattr(self, "row_ids_json", None if value is None else json.dumps(value)),
    )
    error_params = property(
        lambda self: json.loads(self.error_params_json) if self.error_params_json else None,
        lambda self, value: setattr(self, "error_params_json", json.dumps(value) if value else None),
    )


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives naive datetimes back; they were stored in UTC."""
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


# --- access (the rules: models/access.py job_ids, can_start_job) ---------------------------------
def get_job(actor, job_id: int) -> Job:
    from .access import job_ids

    job = db.session.scalar(select(Job).where(Job.id == job_id, Job.id.in_(job_ids(actor))))
    if job is None:
        raise NotFound(_("Задание не найдено."))
    return job


# --- life ----------------------------------------------------------------------------------------
def create_job(actor, kind: str, params: dict | None = None) -> Job:
    if kind not in KINDS:
        raise NotFound(_("Нет такого вида задания."))
    from .access import can_start_job

    if not can_start_job(actor, kind):
        raise AccessDenied(_("Недостаточно прав для этого действия."))
    job = Job(
        kind=kind,
        owner_id=actor.user_id,
        school_id=actor.school_id,
        status="queued",
        progress=0,
        message=_("Ждёт своей очереди"),
        params_json=json.dumps(params or {}),
        attempts=0,
    )
    db.session.add(job)
    db.session.flush()
    return job


def retry_job(actor, job_id: int) -> Job:
    """The owner asks again for a failed job: the same parameters, a fresh set of attempts."""
    job = get_job(actor, job_id)
    if job.status != "failed":
        raise Conflict(_("Повторить можно только задание, завершившееся ошибкой."))
    job.status, job.progress, job.message = "queued", 0, _("Ждёт своей очереди")
    job.error = job.error_params = None
    job.attempts = 0
    job.finished_at = job.lease_until = None
    return job


def claim(job_id: int, *, now: dt.datetime) -> Job | None:
    """The worker takes the job: only a queued one, or a running one whose worker is gone (lease over).
    One UPDATE decides, so two workers never run the same job. Returns None when there is nothing to do."""
    taken = db.session.execute(
        update(Job)
        .where(
            Job.id == job_id,
            Job.attempts < MAX_ATTEMPTS,
            or_(Job.status == "queued", (Job.status == "running") & (Job.lease_until < now)),
        )
        .values(
            status="running",
            attempts=Job.attempts + 1,
            started_at=now,
            lease_until=now + LEASE,
            progress=0,
            message=_("Начато"),
        )
    ).rowcount
    db.session.commit()
    return db.session.get(Job, job_id) if taken else None


def report(job: Job, progress: int, message: str, *, now: dt.datetime) -> None:
    """Progress the user sees; also tells that the worker is alive. Commits: call it only between the
    job's units of work (never inside the one transaction that makes its result)."""
    job.progress = max(0, min(100, int(progress)))
    job.message = message
    job.lease_until = now + LEASE
    db.session.commit()


def finish(
    job: Job,
    *,
    now: dt.datetime,
    file_path: str | None = None,
    file_name: str | None = None,
    row_ids: list[int] | None = None,
) -> None:
    job.status, job.progress, job.message = "done", 100, _("Готово")
    job.file_path, job.file_name, job.row_ids = file_path, file_name, row_ids
    job.finished_at, job.lease_until = now, None


def fail(job: Job, error: str, params: dict | None = None, *, now: dt.datetime, final: bool = True) -> None:
    """A failure the user reads (``error`` a Russian message marked with _). ``final`` False: the queue tries
    again, the job waits queued meanwhile."""
    job.error, job.error_params = error, params or None
    if final or job.attempts >= MAX_ATTEMPTS:
        job.status, job.finished_at = "failed", now
    else:
        job.status = "queued"
    job.lease_until = None


def stale_jobs(*, now: dt.datetime, all_running: bool = False) -> list[int]:
    """Running jobs whose worker died: the lease ran out, or (``all_running``, a consumer starting on the
    embedded queue, where it is the only one) every running job. Those with attempts left go back to the
    queue; the others fail. Returns the ids to enqueue again."""
    stale = Job.status == "running"
    if not all_running:
        stale = stale & (Job.lease_until < now)
    jobs = db.session.scalars(select(Job).where(stale)).all()
    again = []
    for job in jobs:
        if job.attempts >= MAX_ATTEMPTS:
            fail(
                job,
                _("Задание прервалось %(n)s раз(а) и остановлено. Нажмите «Повторить»."),
                {"n": job.attempts},
                now=now,
            )
        else:
            job.status, job.lease_until, job.message = "queued", None, _("Прервано, будет выполнено снова")
            again.append(job.id)
    return again


def old_files(*, now: dt.datetime) -> list[Job]:
    """Finished jobs whose file is older than KEEP_FILES: the caller deletes the files, the rows stay."""
    return list(db.session.scalars(select(Job).where(Job.file_path.is_not(None), Job.finished_at < now - KEEP_FILES)))


# --- files ---------------------------------------------------------------------------------------
def write_file_atomically(directory: Path, name: str, data_writer) -> str:
    """Writes through ``data_writer(binary file)`` into a temporary file in ``directory`` and renames it into
    place only when complete: a reader (or a worker killed meanwhile) never sees half a file. Returns the name."""
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".part-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            data_writer(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, directory / name)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return name


def remove_partial_files(directory: Path, *, older_than: dt.timedelta, now: float) -> int:
    """Temporary files left by a killed worker (never renamed into place)."""
    removed = 0
    for path in directory.glob(".part-*.tmp") if directory.exists() else ():
        if now - path.stat().st_mtime > older_than.total_seconds():
            path.unlink(missing_ok=True)
            removed += 1
    return removed
