"""Staff panel area: imports from CSV and XLSX (R13).

Upload → preview → confirm. The uploaded file stays on the server (IMPORT_UPLOAD_DIR, by default
instance/imports; with several app servers point it at a shared directory) under a random token
that only this browser session knows, together with the file's SHA-256. The preview and the
confirmation both analyse the stored file again: nothing the browser sends besides the token is
trusted, and the confirmation writes the whole file or nothing, and only when its analysis is the
one the preview showed (the preview's fingerprint comes back with the form; otherwise the new
preview is shown). The preview shows each field that would change, old → new; fields edited by
hand since the last import are kept unless the operator ticks "apply the file's value" for them. The file is removed after the
import, on cancel, and after a few hours in any case.

A file of more than IMPORT_INLINE_ROWS rows (config, default 500) is neither analysed nor written during a
request (10,000 rows take seconds): the upload hands a copy to a job of kind "import" at its stage "preview"
(tasks.py), and the preview page shows its progress until the job has written the analysis
(models/school/imports/shown.py), then the preview from that file. The confirmation moves the upload into the
jobs directory and hands it, with the preview's fingerprint and the chosen fields, to a job of kind "import",
and sends the operator to "Мои задания".
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import shutil
import time
from pathlib import Path

from flask import Response, abort, current_app, flash, redirect, request, session, url_for
from flask_admin import expose
from flask_babel import gettext, lazy_gettext
from werkzeug.routing import BuildError

from i18n import error_text
from models import db
from models.access import ROSTER_WRITERS
from models.errors import JournalError
from models.jobs import get_job
from models.parsing import parse_id
from models.school.imports import (
    ERROR,
    KINDS,
    MAX_BYTES,
    MAX_ROWS,
    NEEDS_YEAR,
    NEW,
    SAME,
    STATUSES,
    UPDATE,
    ImportRejected,
    Msg,
    PreviewOutdated,
    can_import,
    commit,
    default_year,
    file_digest,
    kinds_for,
    preview,
    school_years,
    template,
)
from models.school.imports.shown import FORMAT as SHOWN_FORMAT
from models.school.imports.shown import preview_data, rough_rows, unpack
from reports.export import CSV_MIMETYPE, XLSX_MIMETYPE, write_csv, write_xlsx

from .base import StaffPage, actor, operation
from .forms import today

SESSION_KEY = "imports"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
MAX_AGE_SECONDS = 3 * 3600
MAX_PENDING = 5
INLINE_ROWS = 500  # default of IMPORT_INLINE_ROWS: bigger files are imported by a background job
SHOWN_ROWS = 1000
STATUS_LABELS = {
    NEW: lazy_gettext("будет добавлено"),
    UPDATE: lazy_gettext("будет обновлено"),
    SAME: lazy_gettext("без изменений"),
    ERROR: lazy_gettext("ошибка"),
}
DESCRIPTIONS = {
    "staff": lazy_gettext(
        "Ключ — табельный номер: повторная загрузка обновляет сотрудников, а не добавляет их заново."
    ),
    "classes": lazy_gettext(
        "Классы учебного года; классный руководитель — табельным номером. Схема периодов: "
        "четверти, триместры или полугодия."
    ),
    "students": lazy_gettext(
        "Ключ — номер личного дела. Новые обучающиеся зачисляются в указанный класс (по "
        "умолчанию с начала года). Родители берутся из тех же строк: столбцы «Мать …», «Отец …» "
        "или «Родитель 1 …», «Родитель 2 …» (ФИО, телефон, email, кем приходится)."
    ),
    "load": lazy_gettext(
        "Кто, что и в каком классе или подгруппе ведёт, часов в неделю. Учитель — табельным "
        "номером; предмет — из справочника предметов."
    ),
    "bells": lazy_gettext(
        "Расписание звонков: смена (1 или 2, по умолчанию 1), номер урока, начало и окончание (ЧЧ:ММ). Файл "
        "заменяет звонки названных в нём смен; урок, на котором стоят уроки расписания, убрать нельзя."
    ),
    "timetable": lazy_gettext(
        "Уроки недели: класс (и подгруппа), предмет, день (Пн…Сб), номер урока по звонкам, "
        "кабинет. Нагрузка должна быть загружена заранее."
    ),
}
LIST_ENDPOINTS = {
    "students": ("students.index_view",),
    "staff": ("staff.index_view",),
    "classes": ("classes.index_view", "school_classes.index_view"),
    "load": ("assignments.index_view", "teaching_assignments.index_view", "load.index_view"),
    "bells": ("bells.index_view",),
    "timetable": ("timetable.index_view", "timetable_entries.index_view"),
}


def tr(value) -> str:
    """A domain message (with nested labels) in the user's language."""
    if isinstance(value, Msg):
        params = {k: tr(v) for k, v in value.params.items()}
        return gettext(value.template, **params) if params else gettext(value.template)
    return "" if value is None else str(value)


# --- the uploaded file, kept on the server under a token known to this session ------------------------
def _upload_dir() -> Path:
    path = Path(current_app.config.get("IMPORT_UPLOAD_DIR") or Path(current_app.instance_path) / "imports")
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _path(token: str) -> Path:
    return _upload_dir() / f"{token}.upload"


def _purge_old_files() -> None:
    limit = time.time() - MAX_AGE_SECONDS
    for path in _upload_dir().glob("*.upload"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            pass


def _pending() -> dict:
    return dict(session.get(SESSION_KEY) or {})


def _remember(token: str, record: dict) -> None:
    pending = _pending()
    pending[token] = record
    for old in sorted(pending, key=lambda t: pending[t]["at"])[:-MAX_PENDING]:
        _path(old).unlink(missing_ok=True)
        pending.pop(old)
    session[SESSION_KEY] = pending


def _forget(token: str) -> None:
    pending = _pending()
    pending.pop(token, None)
    session[SESSION_KEY] = pending
    if TOKEN.match(token):
        _path(token).unlink(missing_ok=True)


def _load(token: str) -> tuple[dict, bytes] | None:
    """The session's record of the upload and the file, if both are there, unchanged and this user's."""
    if not TOKEN.match(token or ""):
        return None
    record = _pending().get(token)
    if not record or record.get("user") != actor().user_id or time.time() - record["at"] > MAX_AGE_SECONDS:
        return None
    try:
        data = _path(token).read_bytes()
    except OSError:
        return None
    if file_digest(data) != record["sha"]:
        return None
    return record, data


class ImportsView(StaffPage):
    roles = ROSTER_WRITERS

    def _today(self) -> dt.date:
        return today()

    def _require(self, kind: str) -> None:
        if kind not in KINDS:
            abort(404)
        if not can_import(actor(), kind):
            abort(403)

    def _years(self):
        years = school_years(actor().school_id)
        chosen = default_year(years, self._today())
        return years, chosen

    @expose("/")
    def index(self):
        years, chosen = self._years()
        kinds = [
            {
                "key": m.KEY,
                "title": gettext(m.TITLE),
                "description": DESCRIPTIONS.get(m.KEY, ""),
                "columns": [(tr(c.label), c.required) for c in m.COLUMNS if c.in_template],
                "needs_year": m.KEY in NEEDS_YEAR,
                "list_url": list_url(m.KEY),
            }
            for m in kinds_for(actor())
        ]
        return self.render(
            "admin/imports/index.html",
            kinds=kinds,
            years=years,
            chosen_year=chosen.id if chosen else None,
            max_mb=MAX_BYTES // (1024 * 1024),
            max_rows=MAX_ROWS,
        )

    @expose("/template/<import_kind>/<template_format>")
    def template_view(self, import_kind: str, template_format: str):
        self._require(import_kind)
        titles, examples = template(import_kind)
        headers = [tr(title) for title in titles]
        example = [tr(value) if isinstance(value, Msg) else value for value in examples]
        name = f"import-{import_kind}"
        if template_format == "csv":
            body, mimetype = write_csv(headers, [example]), CSV_MIMETYPE
        elif template_format == "xlsx":
            body, mimetype = (
                write_xlsx(headers, [example], sheet_title=gettext(KINDS[import_kind].TITLE)),
                XLSX_MIMETYPE,
            )
        else:
            abort(404)
        return Response(
            body, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={name}.{template_format}"}
        )

    @expose("/upload/<import_kind>", methods=["POST"])
    def upload(self, import_kind: str):
        self._require(import_kind)
        file = request.files.get("file")
        if file is None or not file.filename:
            flash(gettext("Выберите файл CSV или XLSX."), "error")
            return redirect(url_for(".index"))
        data = file.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            flash(gettext("Файл больше %(mb)s МБ. Разделите его на части.", mb=MAX_BYTES // (1024 * 1024)), "error")
            return redirect(url_for(".index"))
        if not data:
            flash(gettext("Файл пуст."), "error")
            return redirect(url_for(".index"))
        year_id = parse_id(request.form.get("year")) if import_kind in NEEDS_YEAR else None
        _purge_old_files()
        token = secrets.token_urlsafe(32)
        # Personal data: readable by the app's user only.
        with os.fdopen(os.open(_path(token), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            out.write(data)
        rows = rough_rows(data)
        record = {
            "kind": import_kind,
            "name": Path(file.filename).name[:200],
            "sha": file_digest(data),
            "year": year_id,
            "user": actor().user_id,
            "at": time.time(),
            "rows": rows,
        }
        _remember(token, record)
        if rows > self._inline_rows():
            try:
                job = self._preview_job(token, record)
            except JournalError as exc:
                db.session.rollback()
                _forget(token)
                flash(error_text(exc), "error")
                return redirect(url_for(".index"))
            _remember(token, {**record, "preview_job": job.id})
        return redirect(url_for(".preview_view", import_token=token))

    def _inline_rows(self) -> int:
        return current_app.config.get("IMPORT_INLINE_ROWS", INLINE_ROWS)

    def _preview_job(self, token: str, record: dict):
        """A copy of the upload for the job (the upload stays for the confirmation), and the job."""
        import tasks

        from .jobs import launch

        directory = tasks.jobs_dir()
        directory.mkdir(parents=True, exist_ok=True)
        name = f"import-preview-{token}.upload"
        shutil.copyfile(_path(token), directory / name)
        params = {
            "stage": "preview",
            "token": token,
            "input": name,
            **{key: record[key] for key in ("kind", "name", "sha", "year")},
            "today": self._today().isoformat(),
        }
        try:
            return launch("import", params)
        except JournalError:
            (directory / name).unlink(missing_ok=True)
            raise

    def _preview_from_job(self, token: str, record: dict):
        """The preview job's progress while it runs; its preview when done; its reason when it failed."""
        import tasks

        try:
            job = get_job(actor(), record["preview_job"])
        except JournalError as exc:
            flash(error_text(exc), "error")
            return redirect(url_for(".index"))
        if job.status in ("queued", "running"):
            return self.render(
                "admin/imports/checking.html",
                job=job,
                message=gettext(job.message) if job.message else "",
                title=gettext(KINDS[record["kind"]].TITLE),
                filename=record["name"],
                token=token,
            )
        shown = None
        if job.status == "done" and job.file_path:
            try:
                shown = json.loads((tasks.jobs_dir() / job.file_path).read_bytes())
            except (OSError, ValueError):
                shown = None
        if shown is None or shown.get("format") != SHOWN_FORMAT:
            if job.status == "failed" and job.error:
                flash(gettext(job.error, **(job.error_params or {})), "error")
            else:
                flash(gettext("Результат проверки файла не найден. Загрузите файл снова."), "error")
            _forget(token)
            return redirect(url_for(".index"))
        _remember(token, {**record, "rows": len(shown["rows"])})
        return self._render_preview(token, record, shown)

    @expose("/preview/<import_token>")
    def preview_view(self, import_token: str):
        loaded = _load(import_token)
        if loaded is None:
            flash(gettext("Загруженный файл не найден или устарел. Загрузите его снова."), "error")
            return redirect(url_for(".index"))
        record, data = loaded
        self._require(record["kind"])
        if record.get("preview_job"):
            return self._preview_from_job(import_token, record)
        with operation(commit=False) as done:
            result = preview(actor(), record["kind"], data, record["name"], year_id=record["year"], today=self._today())
        db.session.rollback()  # the preview only read; release what it loaded
        if not done:
            _forget(import_token)
            return redirect(url_for(".index"))
        _remember(import_token, {**record, "rows": len(result.rows)})  # decides inline or job on confirm
        return self._render_preview(import_token, record, preview_data(result))

    @expose("/confirm/<import_token>", methods=["POST"])
    def confirm(self, import_token: str):
        loaded = _load(import_token)
        if loaded is None:
            flash(gettext("Загруженный файл не найден или устарел. Загрузите его снова."), "error")
            return redirect(url_for(".index"))
        record, data = loaded
        kind = record["kind"]
        self._require(kind)
        if (record.get("rows") or 0) > self._inline_rows():
            return self._confirm_as_job(import_token, record)
        with operation() as done:
            result = commit(
                actor(),
                kind,
                data,
                record["name"],
                year_id=record["year"],
                today=self._today(),
                ip_address=request.remote_addr,
                expected=request.form.get("fingerprint", ""),
                overwrite=request.form.getlist("overwrite"),
            )
        if isinstance(done.refusal, (ImportRejected, PreviewOutdated)):
            return self._render_preview(import_token, record, preview_data(done.refusal.preview))
        if not done:
            return redirect(url_for(".preview_view", import_token=import_token))
        _forget(import_token)
        counts = result.counts
        flash(
            gettext(
                "Импорт «%(title)s» выполнен: добавлено %(new)s, обновлено %(updated)s, без изменений %(same)s.",
                title=gettext(KINDS[kind].TITLE),
                new=counts[NEW],
                updated=counts[UPDATE],
                same=counts[SAME],
            ),
            "success",
        )
        return redirect(url_for(".index", done=kind))

    def _confirm_as_job(self, token: str, record: dict):
        """The job gets the file (moved out of reach of this session and of the purge of old uploads) and
        everything the confirmation sent that the import reads; nothing else comes from the browser."""
        import tasks

        from .jobs import start

        directory = tasks.jobs_dir()
        directory.mkdir(parents=True, exist_ok=True)
        name = f"import-{token}.upload"
        shutil.move(_path(token), directory / name)
        _forget(token)
        params = {
            "input": name,
            "kind": record["kind"],
            "name": record["name"],
            "sha": record["sha"],
            "year": record["year"],
            "today": self._today().isoformat(),
            "ip": request.remote_addr,
            "fingerprint": request.form.get("fingerprint", ""),
            "overwrite": request.form.getlist("overwrite"),
        }
        try:
            return start("import", params)
        except JournalError as exc:
            db.session.rollback()
            (directory / name).unlink(missing_ok=True)
            flash(error_text(exc), "error")
            return redirect(url_for(".index"), 303)

    @expose("/cancel/<import_token>", methods=["POST"])
    def cancel(self, import_token: str):
        _forget(import_token)
        flash(gettext("Загрузка отменена, файл удалён."), "info")
        return redirect(url_for(".index"))

    def _render_preview(self, token: str, record: dict, shown: dict):
        """The preview as models/school/imports/shown.py packs it (in the request or by the preview job)."""
        show = request.args.get("show")
        rows = [r for r in shown["rows"] if show in STATUSES and r["status"] == show or show not in STATUSES]
        listed = [
            {
                "line": r["line"],
                "status": r["status"],
                "status_label": str(STATUS_LABELS[r["status"]]),
                "label": r["label"],
                "errors": [tr(unpack(m)) for m in r["errors"]],
                "changes": [tr(unpack(m)) for m in r["changes"]],
                "warnings": [tr(unpack(m)) for m in r["warnings"]],
                "fields": [
                    {
                        "key": c["key"],
                        "label": _field_label(c),
                        "old": tr(unpack(c["old"])),
                        "new": tr(unpack(c["new"])),
                        "manual": c["manual"],
                        "apply": c["apply"],
                    }
                    for c in r["fields"]
                ],
                "manual": any(c["manual"] for c in r["fields"]),
            }
            for r in rows[:SHOWN_ROWS]
        ]
        years, _chosen = self._years()
        return self.render(
            "admin/imports/preview.html",
            token=token,
            kind=record["kind"],
            title=gettext(KINDS[record["kind"]].TITLE),
            filename=record["name"],
            year=shown["year"],
            year_id=record["year"],
            years=years,
            needs_year=record["kind"] in NEEDS_YEAR,
            counts=shown["counts"],
            ok=shown["ok"],
            fingerprint=shown["fingerprint"],
            kept=shown["kept"],
            manual=shown["manual"],
            warned=shown["warned"],
            file_errors=[tr(unpack(m)) for m in shown["file_errors"]],
            rows=listed,
            total=len(rows),
            hidden=max(0, len(rows) - SHOWN_ROWS),
            show=show if show in STATUSES else None,
            status_labels={k: str(v) for k, v in STATUS_LABELS.items()},
            max_mb=MAX_BYTES // (1024 * 1024),
        )


def _field_label(change: dict) -> str:
    """A field's label: a Russian text marked with N_ in models/school/imports."""
    label = change["label"]
    return gettext(label)


def list_url(kind: str) -> str | None:
    for endpoint in LIST_ENDPOINTS.get(kind, ()):
        try:
            return url_for(endpoint)
        except BuildError:
            continue
    return None


def register(admin) -> None:
    """Adds this area's views to the staff panel."""
    admin.add_view(ImportsView(name=lazy_gettext("Импорт"), endpoint="imports", url="/admin/imports"))
