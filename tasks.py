"""The queue of background jobs (Huey) and the work of each kind of job (models/jobs.py keeps their record).

Why Huey: it is small (one pure-Python package, no broker to install) and has the two storages this project
needs behind one API — SQLite, a file in instance/ next to the embedded database, so that a school on one
laptop needs nothing more, and Redis for a district whose several app machines share one queue. It retries
failed tasks, runs periodic housekeeping, and has an immediate mode that the tests use.

- Storage: ``HUEY_REDIS_URL`` (e.g. redis://127.0.0.1:6379/1) → RedisHuey; else SqliteHuey at
  ``JOBS_QUEUE_FILE`` (default instance/jobs-queue.sqlite). Files of jobs: ``JOBS_DIR`` (instance/jobs/).
- Consumer: ``flask --app app jobs worker`` (``dev.py run`` starts it next to the web server).
- Tests: immediate mode (``JOBS_IMMEDIATE``, on when the app is testing): a task runs at once, in-process.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from pathlib import Path

from flask import Flask, current_app, has_app_context
from flask_babel import force_locale
from huey import RedisHuey, SqliteHuey, crontab

import config as config_module
from models import User, db
from models.base import expect_writes, utcnow, write_unit
from models.errors import JournalError
from models.i18n import _
from models.jobs import LEASE, Job, claim, fail, finish, old_files, remove_partial_files, report, stale_jobs
from models.school_time import school_today

log = logging.getLogger(__name__)


def make_huey(filename: str | None = None):
    redis_url = os.environ.get("HUEY_REDIS_URL")
    if redis_url and filename is None:
        return RedisHuey("journal-jobs", url=redis_url)
    path = filename or os.environ.get("JOBS_QUEUE_FILE") or str(config_module.INSTANCE_DIR / "jobs-queue.sqlite")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("journal-jobs", filename=path)


huey = make_huey()
_APP: Flask | None = None  # the consumer's app (the CLI command sets it)


def init_jobs(app: Flask) -> None:
    huey.immediate = bool(app.config.get("JOBS_IMMEDIATE", app.testing))


def embedded_queue() -> bool:
    """On the embedded (SQLite) queue one consumer serves one machine: a running job at its start is orphaned."""
    return isinstance(huey, SqliteHuey)


def jobs_dir() -> Path:
    return Path(
        current_app.config.get("JOBS_DIR") or os.environ.get("JOBS_DIR") or Path(current_app.instance_path) / "jobs"
    )


def enqueue(job: Job) -> None:
    """Hand a committed job to the queue (after the commit: the worker must find its row)."""
    run_job(job.id)


def _pause() -> None:
    """JOBS_STEP_DELAY seconds between steps: lets a test (or a demo) watch and interrupt a job mid-way."""
    delay = float(os.environ.get("JOBS_STEP_DELAY") or 0)
    if delay:
        time.sleep(delay)


def _step(job: Job, progress: int, message: str) -> None:
    report(job, progress, message, now=utcnow())
    _pause()


def _owner(job: Job):
    from models.access import Actor

    return Actor.of(db.session.get(User, job.owner_id))


# --- the work of each kind -------------------------------------------------------------------------
def _invite_register(job: Job) -> dict:
    from models.school_time import format_moment, zone_of
    from reports.invite_register import invite_register, invite_register_pdf

    _step(job, 10, _("Чтение кодов"))
    with expect_writes(False):
        school_name, rows = invite_register(_owner(job))
        db.session.rollback()  # the read ends here: rendering takes long and holds no transaction
    _step(job, 30, _("Печать PDF"))
    pdf = invite_register_pdf(school_name, rows, generated=format_moment(utcnow(), zone_of(job.school_id)))
    name = f"job-{job.id}-invite-register.pdf"
    _write(name, lambda out: out.write(pdf))
    return {"file_path": name, "file_name": "invite-register.pdf"}


def _backup(job: Job) -> dict:
    from backup import write_backup
    from backup_keeper import backup_source

    _step(job, 10, _("Чтение всех таблиц"))
    source = backup_source()  # the tests read inside their own transaction
    name = f"job-{job.id}-backup.zip"

    def writer(out):
        write_backup(source, db.metadata, out)
        _step(job, 80, _("Запись файла"))

    _write(name, writer)
    return {"file_path": name, "file_name": f"backup-{school_today(job.school_id):%Y-%m-%d}.zip"}


def _import_input(job: Job) -> tuple[dict, Path, dict]:
    """The job's copy of the uploaded file, checked against the digest the upload recorded; the arguments the
    analysis (``preview``, ``commit``) takes from it and the job."""
    from models.school.imports import KINDS, file_digest

    params = job.params
    path = jobs_dir() / params["input"]
    _step(job, 10, _("Чтение файла"))
    try:
        data = path.read_bytes()
    except OSError:
        data = None
    if data is None or file_digest(data) != params["sha"] or params["kind"] not in KINDS:
        raise JournalError(_("Загруженный файл не найден или устарел. Загрузите его снова."))
    return (
        params,
        path,
        {
            "actor": _owner(job),
            "kind": params["kind"],
            "data": data,
            "filename": params["name"],
            "year_id": params["year"],
            "today": dt.date.fromisoformat(params["today"]),
        },
    )


def _import(job: Job) -> dict:
    """A big import confirmed on the imports page: exactly what its preview showed (the preview's fingerprint
    and the operator's choices are the job's parameters), in one transaction, or nothing — a file that does not
    match its digest, or a database changed since the preview, fails the job with the inline message.
    With ``stage`` "preview": the preview of a big upload instead (``_import_preview``)."""
    from models.school.imports import NEW, SAME, UPDATE, commit

    if job.params.get("stage") == "preview":
        return _import_preview(job)
    params, path, analysis = _import_input(job)
    _step(job, 20, _("Проверка и запись строк"))
    result = commit(
        **analysis,
        ip_address=params.get("ip"),
        expected=params["fingerprint"],
        overwrite=params["overwrite"],
    )
    counts = result.counts
    job.params = {**params, "counts": {"added": counts[NEW], "updated": counts[UPDATE], "unchanged": counts[SAME]}}
    return {"after_commit": lambda: path.unlink(missing_ok=True)}


def _import_preview(job: Job) -> dict:
    """The analysis of a big upload, read-only, written as the page shows it (models/school/imports/shown.py)
    into one file that appears whole or not at all; the imports page reads it back."""
    import json

    from models.school.imports import preview
    from models.school.imports.shown import preview_data

    _params, path, analysis = _import_input(job)
    _step(job, 20, _("Проверка строк файла"))
    with expect_writes(False):
        result = preview(**analysis)
        shown = json.dumps(preview_data(result), ensure_ascii=False).encode()
        db.session.rollback()  # the analysis only read
    _step(job, 90, _("Сохранение результата проверки"))
    name = f"job-{job.id}-import-preview.json"
    _write(name, lambda out: out.write(shown))
    return {"file_path": name, "after_commit": lambda: path.unlink(missing_ok=True)}


def _report_cards(job: Job) -> dict:
    """A class's report cards (табель) or the parents' letters of a period: one page a student, each in the
    family's language."""
    from models.reports.report_cards import class_reports
    from reports.report_card import report_cards_pdf

    params = job.params
    today = dt.date.fromisoformat(params["today"])
    _step(job, 10, _("Чтение отметок и пропусков"))
    with expect_writes(False):
        cls, reports = class_reports(_owner(job), params["class_id"], today=today, period_id=params.get("period_id"))
        pdf = report_cards_pdf(reports, params["kind"], today=today)  # reads lazy names: inside the read
        db.session.rollback()
    name = f"job-{job.id}-report-cards.pdf"
    _write(name, lambda out: out.write(pdf))
    return {"file_path": name, "file_name": f"{params['kind']}-{cls.grade}{cls.letter}.pdf".replace(" ", "")}


def _year_seal(job: Job) -> dict:
    """Archiving a year with its seal, sealing, or verifying (models/school/organisation.py run_seal_job). Archiving
    and sealing first print the bound journal of each class for the year (archive_files.py; the files are sealed
    with the rows, a retry prints a new set). The archive and its seal are written in the same transaction as the job's "done", so a worker killed mid-way
    leaves the year as it was and the job is retried. A verification keeps its result with the job."""
    from archive_files import file_digest, year_printouts
    from models.school.organisation import run_seal_job

    params = job.params
    printouts = None
    if params["action"] in ("archive", "seal"):  # the year's printouts first, sealed with its rows
        _step(job, 5, _("Печать журналов классов за год"))

        def printed(share: float) -> None:
            with write_unit(db.session):
                report(job, 5 + int(share * 75), _("Печать журналов классов за год"), now=utcnow())

        printouts = year_printouts(_owner(job), params["year_id"], now=utcnow(), progress=printed)
    _step(job, 85, _("Вычисление контрольных сумм записей года"))
    result = run_seal_job(_owner(job), params, now=utcnow(), printouts=printouts, file_digest=file_digest)
    _pause()  # (a test kills the worker here: the year archived and sealed in a transaction not committed)
    if result is not None:
        job.params = {**params, "result": result}
    return {}


def _journal_class_pdf(job: Job) -> dict:
    """The bound class journal of a class for a period or the year (models/reports/bound_journal.py): read in
    one transaction as the owner (their access, as on the screen), laid out page by page with the progress shown,
    written whole or not at all."""
    from models.reports.bound_journal import bound_journal
    from reports.bound_journal import bound_journal_pdf

    params = job.params
    _step(job, 5, _("Чтение журнала класса"))
    now = utcnow()
    with expect_writes(False):
        volume = bound_journal(_owner(job), params["class_id"], params.get("period_id"), now=now)
        name = f"{volume.school_class.name}-{volume.year.name}-" + (
            "year" if volume.whole_year else f"{volume.periods[0].scheme}-{volume.periods[0].number}"
        )
        shown = [10]

        def laid_out(share: float) -> None:  # the story holds no rows by now: committing the progress is safe
            percent = 10 + int(share * 85)
            if percent >= shown[0] + 5:
                shown[0] = percent
                with write_unit(db.session):
                    report(job, percent, _("Печать страниц"), now=utcnow())

        pdf = bound_journal_pdf(volume, progress=laid_out)
    db.session.rollback()
    _pause()
    file_name = "journal-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in name.replace("/", "-")) + ".pdf"
    _write(f"job-{job.id}-journal.pdf", lambda out: out.write(pdf))
    return {"file_path": f"job-{job.id}-journal.pdf", "file_name": file_name}


def _control_report(job: Job) -> dict:
    """The справка of a month's journal control (models/reports/journal_control.py): the figures, the findings and
    the remarks read in one transaction as the owner (their access, as on the screen), then printed."""
    from models.journal.remarks import remarks_between
    from models.reports.control_findings import findings
    from models.reports.journal_control import journal_control
    from models.school_time import format_moment, zone_of
    from reports.journal_control import journal_control_pdf

    params = job.params
    month = dt.date.fromisoformat(params["month"])
    _step(job, 10, _("Подсчёт итогов проверки"))
    with expect_writes(False):
        owner = _owner(job)
        c = journal_control(owner, month, today=dt.date.fromisoformat(params["today"]))
        remarks = remarks_between(owner, c.first, c.last)
        zone = zone_of(job.school_id)
        pdf = journal_control_pdf(c, remarks, lambda value: format_moment(value, zone, "%d.%m.%Y"), findings(c))
        db.session.rollback()  # the read ends after the printing: the report reads lazy names as it is printed
    name = f"job-{job.id}-control.pdf"
    _write(name, lambda out: out.write(pdf))
    return {"file_path": name, "file_name": f"journal-control-{month:%Y-%m}.pdf"}


def _year_rollover(job: Job) -> dict:
    """The new school year (models/school/rollover.py roll_over): every row of it in the transaction that marks
    the job done, so a worker killed mid-way leaves the database as it was and the job is retried."""
    from models.school.rollover import roll_over

    _step(job, 10, _("Перевод классов и обучающихся"))
    params = job.params
    plan = roll_over(_owner(job), params["year_id"], now=utcnow(), progress=lambda done, total: _pause())
    job.params = {**params, "new_year_id": plan.existing.id, "counts": plan.counts}
    return {}


def _write(name: str, writer) -> None:
    from models.jobs import write_file_atomically

    write_file_atomically(jobs_dir(), name, writer)


HANDLERS = {
    "invite_register": _invite_register,
    "backup": _backup,
    "import": _import,
    "year_seal": _year_seal,
    "report_cards": _report_cards,
    "journal_class_pdf": _journal_class_pdf,
    "year_rollover": _year_rollover,
    "control_report": _control_report,
}


# --- running -------------------------------------------------------------------------------------
def execute(job_id: int) -> str:
    """Run one attempt of a job; returns its status afterwards. A rule refusing the work (JournalError)
    fails the job for good; anything else fails this attempt, and the queue tries again while attempts
    remain (the exception is raised for Huey's retry)."""
    job = claim(job_id, now=utcnow())
    if job is None:
        return "skipped"
    handler = HANDLERS.get(job.kind)
    try:
        if handler is None:
            raise JournalError(_("Этот вид заданий пока не выполняется."))
        owner = db.session.get(User, job.owner_id)
        locale = owner.locale if owner and owner.locale else current_app.config["BABEL_DEFAULT_LOCALE"]
        with force_locale(locale):  # the file in its owner's language
            result = handler(job)
    except JournalError as exc:
        db.session.rollback()
        fail(db.session.get(Job, job_id), exc.template, exc.params, now=utcnow())
        db.session.commit()
        return "failed"
    except Exception:
        log.exception("job %s (%s) failed", job_id, job.kind)
        db.session.rollback()
        job = db.session.get(Job, job_id)
        fail(
            job,
            _("Задание не выполнено из-за ошибки на сервере. Нажмите «Повторить» или сообщите администратору."),
            now=utcnow(),
            final=False,
        )
        db.session.commit()
        if job.status == "queued":
            raise
        return "failed"
    after_commit = result.pop("after_commit", None)
    finish(job, now=utcnow(), **result)
    db.session.commit()
    if after_commit:
        after_commit()
    return "done"


def _in_app(fn, *args):
    if has_app_context():
        return fn(*args)
    with (_APP or _create_app()).app_context():
        try:
            return fn(*args)
        finally:
            db.session.remove()


def _create_app() -> Flask:
    global _APP
    from app import create_app

    _APP = create_app()
    return _APP


@huey.task(retries=2, retry_delay=5)
def run_job(job_id: int) -> str:
    return _in_app(execute, job_id)


def reap(*, all_running: bool = False) -> list[int]:
    """Jobs whose worker died go back to the queue (see models.jobs.stale_jobs); partial files are removed."""
    now = utcnow()
    again = stale_jobs(now=now, all_running=all_running)
    db.session.commit()
    remove_partial_files(jobs_dir(), older_than=dt.timedelta(0) if all_running else LEASE, now=time.time())
    for job_id in again:
        run_job(job_id)
    return again


def delete_old_files() -> int:
    removed = 0
    for job in old_files(now=utcnow()):
        (jobs_dir() / job.file_path).unlink(missing_ok=True)
        job.file_path = None
        removed += 1
    db.session.commit()
    return removed


@huey.periodic_task(crontab(minute="*/5"))
def housekeeping() -> None:
    _in_app(lambda: (reap(), delete_old_files(), forget_old_submissions_now()))


@huey.periodic_task(crontab(minute="*/15"))
def scheduled_backup() -> None:
    """The backups the system keeps: one when the schedule says it is due, then "keep N" (backup_keeper.py)."""
    from backup_keeper import run_scheduled

    _in_app(run_scheduled)


def forget_old_submissions_now() -> int:
    """One-time form tokens older than a week go (models/idempotency.py)."""
    from models.idempotency import forget_old_submissions

    removed = forget_old_submissions(now=utcnow())
    db.session.commit()
    return removed


# --- letters to families (mailer.py; the rules in models/mail/) ----------------------------------
@huey.periodic_task(crontab(minute="*"))
def send_mail() -> None:
    """Every minute: instant letters and the digests whose time has come (safe in several consumers)."""
    from mailer import send_due

    _in_app(send_due)


@huey.task(retries=0)
def send_test_letter(school_id: int) -> str | None:
    """The operator's test letter (queued from the mail settings page); the page shows its result."""
    from mailer import send_test

    return _in_app(send_test, school_id)
