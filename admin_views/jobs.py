""" "Мои задания": the staff member's background jobs (models/jobs.py, run by tasks.py) with their progress,
the file to download when done, the reason and "Повторить" when failed, and the buttons that start the jobs
one may ask for here (the school's register of codes, a backup for the operator)."""

from __future__ import annotations

import datetime as dt

from flask import flash, jsonify, redirect, send_file, url_for
from flask_admin import expose
from flask_babel import format_datetime, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from i18n import error_text, text
from models import db
from models.access import can_start_job, job_ids
from models.errors import JournalError
from models.jobs import KIND_LABELS, STATUS_LABELS, Job, create_job, get_job, retry_job

from .base import StaffPage, actor

LISTED = 50
# Jobs started from this page's buttons (the others are started where their work is asked for).
STARTABLE = ("invite_register", "backup")


def _jobs() -> list[Job]:
    return list(
        db.session.scalars(
            select(Job).where(Job.id.in_(job_ids(actor()))).order_by(Job.created_at.desc(), Job.id.desc()).limit(LISTED)
        )
    )


def _is_preview(job: Job) -> bool:
    """A big upload's check before the import (a job of kind "import" at its stage "preview")."""
    return job.kind == "import" and job.params.get("stage") == "preview"


def job_row(job: Job) -> dict:
    preview = _is_preview(job)
    done = job.status == "done" and job.file_path and not preview  # a preview is opened, not downloaded
    return {
        "id": job.id,
        "status": job.status,
        "status_label": gettext(STATUS_LABELS[job.status]),
        "kind_label": gettext("Проверка файла импорта") if preview else _kind_label(job),
        "progress": job.progress,
        "message": gettext(job.message) if job.message else "",
        "error": gettext(job.error, **(job.error_params or {})) if job.status == "failed" and job.error else "",
        "created": format_datetime(job.created_at, "dd.MM.yyyy HH:mm") if job.created_at else "",
        "attempts": job.attempts,
        "download": url_for(".download", job_id=job.id) if done else None,
        "rows": len(job.row_ids or ()),
        **(_import_result(job) if job.kind == "import" and job.status == "done" else {}),
        **(_seal_result(job) if job.kind == "year_seal" and job.status == "done" else {}),
        **(_rollover_result(job) if job.kind == "year_rollover" and job.status == "done" else {}),
    }


def _rollover_result(job: Job) -> dict:
    """The new school year's job opens the page "Новый учебный год" with the new year's classes."""
    return {
        "summary": job.params.get("year", ""),
        "open_url": url_for("rollover.index", job=job.id) + "#rollover-job",
        "open_label": gettext("Открыть результат"),
    }


def _kind_label(job: Job) -> str:
    label = gettext(KIND_LABELS[job.kind])
    if job.kind == "journal_class_pdf" and job.params.get("class_name"):  # which class and period
        from models.reports.bound_journal import volume_title

        label = f"{label}: {text(volume_title(job.params))}"
    if job.kind == "control_report" and job.params.get("month"):  # which month
        from models.reports.journal_control import month_title

        label = f"{label}: {text(month_title(dt.date.fromisoformat(job.params['month'])))}"
    return label


def _seal_result(job: Job) -> dict:
    """A year's seal job names its year and opens the page "Архив и печати" with its progress or result."""
    params = job.params
    labels = {
        "archive": gettext("Перенос в архив и печать: %(year)s", year=params.get("year", "")),
        "seal": gettext("Печать: %(year)s", year=params.get("year", "")),
        "verify": gettext("Проверка печати: %(year)s", year=params.get("year", "")),
    }
    return {
        "summary": labels.get(params.get("action"), ""),
        "open_url": url_for("year_seals.index", job=job.id) + "#seal-job",
        "open_label": gettext("Открыть результат"),
    }


def _import_result(job: Job) -> dict:
    """A finished import links to the list of what it wrote, with its counts."""
    from .imports import list_url

    params = job.params
    if _is_preview(job):
        return {
            "summary": gettext("Файл проверен."),
            "open_url": url_for("imports.preview_view", import_token=params.get("token", "")),
        }
    counts = params.get("counts") or {}
    return {
        "list_url": list_url(params.get("kind")),
        "summary": gettext(
            "Добавлено %(added)s, обновлено %(updated)s, без изменений %(unchanged)s.",
            added=counts.get("added", 0),
            updated=counts.get("updated", 0),
            unchanged=counts.get("unchanged", 0),
        ),
    }


def launch(kind: str, params: dict | None = None) -> Job:
    """Create a job, commit it and hand it to the queue."""
    import tasks

    job = create_job(actor(), kind, params)
    db.session.commit()
    tasks.enqueue(job)
    return job


def start(kind: str, params: dict | None = None):
    """Launch a job and send the user to "Мои задания" (also for views that hand their long work over: the
    register of codes, big imports)."""
    launch(kind, params)
    flash(
        gettext(
            "Задание «%(kind)s» поставлено в очередь. Файл появится здесь, когда будет готов.",
            kind=gettext(KIND_LABELS[kind]),
        ),
        "success",
    )
    return redirect(url_for("jobs.index"), 303)


class JobsView(StaffPage):
    def is_visible(self) -> bool:
        return False  # not in the main menu: the jobs: in the user's menu on the right of the bar (journal_base.html)

    @expose("/")
    def index(self):
        a = actor()
        return self.render(
            "admin/jobs/index.html",
            jobs=[job_row(j) for j in _jobs()],
            startable=[(k, KIND_LABELS[k]) for k in STARTABLE if can_start_job(a, k)],
        )

    @expose("/status")
    def status(self):
        """The listed jobs' state for the page's poll (static/js/jobs.js)."""
        return jsonify(jobs=[job_row(j) for j in _jobs()])

    @expose("/<int:job_id>/download")
    def download(self, job_id: int):
        try:
            job = get_job(actor(), job_id)
        except JournalError as exc:
            flash(error_text(exc), "error")
            return redirect(url_for(".index"))
        import tasks

        path = tasks.jobs_dir() / job.file_path if job.status == "done" and job.file_path else None
        if path is None or not path.is_file():
            flash(gettext("Файл этого задания уже удалён или ещё не готов. Запустите задание снова."), "error")
            return redirect(url_for(".index"))
        return send_file(path, as_attachment=True, download_name=job.file_name or path.name)

    @expose("/<int:job_id>/retry", methods=["POST"])
    def retry(self, job_id: int):
        import tasks

        try:
            job = retry_job(actor(), job_id)
        except JournalError as exc:
            db.session.rollback()
            flash(error_text(exc), "error")
            return redirect(url_for(".index"), 303)
        db.session.commit()
        tasks.enqueue(job)
        flash(gettext("Задание снова поставлено в очередь."), "success")
        return redirect(url_for(".index"), 303)

    @expose("/new/<job_kind>", methods=["POST"])
    def new(self, job_kind: str):
        if job_kind not in STARTABLE:
            flash(gettext("Нет такого вида задания."), "error")
            return redirect(url_for(".index"), 303)
        try:
            return start(job_kind)
        except JournalError as exc:
            db.session.rollback()
            flash(error_text(exc), "error")
            return redirect(url_for(".index"), 303)


def register(admin) -> None:
    admin.add_view(JobsView(name=_l("Мои задания"), endpoint="jobs", url="/admin/jobs"))
