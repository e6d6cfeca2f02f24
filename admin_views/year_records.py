"""Staff panel area of the records kept over the years: "Архив и печати" (the seal of each archived year,
verified on demand, naming what differs; taking a year out of the archive with a reason) and "Резервные копии"
(the schedule, "keep N", the log of backups and their checks). Every decision is in models/ (models.school.seal,
models.school.organisation, models.backups); these views parse forms and show results."""

from __future__ import annotations

from flask import flash, redirect, request, send_file, url_for
from flask_admin import expose
from flask_babel import gettext, lazy_gettext

from archive_files import printout_path
from models.access import ADMINISTRATION, ROLLOVER_READERS, can_decide_rollover, can_manage_organisation
from models.attachments import size_text
from models.backups import backups_page, set_backup_settings
from models.base import utcnow
from models.errors import NotFound
from models.i18n import N_
from models.jobs import get_job
from models.school.organisation import current_year, restore_year, seal_job
from models.school.removal import bin_lines, restore
from models.school.rollover import DECISIONS, decide, decisions_page, preview, rollover_job
from models.school.seal import MAX_REASON, seal_overview, sealed_printout, shown_check
from models.school.settings import BACKUP_SCHEDULES, LIMITS

from .base import StaffPage, actor, operation, refusal_page
from .forms import to_int, today
from .jobs import job_row, launch

CATEGORY = lazy_gettext("Организация")


class SealsView(StaffPage):
    """Sealing and verifying recompute the digest of every row of a year (10–20 s for a district-size year):
    the forms start a background job of kind "year_seal" and the page, opened with its ``job``, shows its
    progress and then its result (models/school/organisation.py seal_job, run_seal_job)."""

    roles = ADMINISTRATION

    @expose("/")
    def index(self):
        a = actor()
        with refusal_page():
            years = seal_overview(a)
            job = get_job(a, to_int(request.args.get("job")) or 0) if request.args.get("job") else None
            if job is not None and job.kind != "year_seal":
                raise NotFound(N_("Задание не найдено."))
            result = job.params.get("result") if job is not None and job.status == "done" else None
            check = shown_check(a, result) if result else None
        return self.render(
            "admin/year_records/seals.html",
            years=years,
            job=job_row(job) if job is not None else None,
            job_params=job.params if job is not None else {},
            check=check,
            editable=can_manage_organisation(a),
            max_reason=MAX_REASON,
            size_text=size_text,
        )

    @expose("/restore", methods=["POST"])
    def restore(self):
        year_id = to_int(request.form.get("year_id")) or 0
        with operation(forged_aborts=True) as done:
            year = restore_year(actor(), year_id, request.form.get("reason"), now=utcnow())
        if done:
            flash(gettext("Учебный год %(name)s возвращён из архива; печать снята.", name=year.name), "success")
        return redirect(url_for(".index"))

    def _start(self, action: str):
        year_id = to_int(request.form.get("year_id")) or 0
        with operation(forged_aborts=True) as done:
            job = launch("year_seal", seal_job(actor(), action, year_id, today=today()))
        if not done:
            return redirect(url_for(".index"))
        return redirect(url_for(".index", job=job.id) + "#seal-job", 303)

    @expose("/printout/<int:seal_id>/<int:number>")
    def printout(self, seal_id: int, number: int):
        """A printout made at archiving, as sealed (verifying tells whether the file still matches its seal)."""
        with refusal_page():
            sealed = sealed_printout(actor(), seal_id, number)
        path = printout_path(sealed["file"])
        if path is None or not path.is_file():
            flash(gettext("Файл печатной формы не найден в архиве: проверьте печать года."), "error")
            return redirect(url_for(".index"))
        return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=path.name)

    @expose("/seal", methods=["POST"])
    def seal(self):
        return self._start("seal")

    @expose("/verify", methods=["POST"])
    def verify(self):
        return self._start("verify")


class BackupsView(StaffPage):
    roles = frozenset({"operator"})

    @expose("/")
    def index(self):
        with refusal_page():
            backup, settings, runs = backups_page(actor(), utcnow())
        return self.render(
            "admin/year_records/backups.html",
            backup=backup,
            settings=settings,
            runs=runs,
            schedules=BACKUP_SCHEDULES,
            keep_limits=LIMITS["backup_keep"],
            size_text=size_text,
        )

    @expose("/settings", methods=["POST"])
    def settings(self):
        with operation(forged_aborts=True) as done:
            changed = set_backup_settings(actor(), request.form.get("backup_schedule"), request.form.get("backup_keep"))
        if done:
            flash(gettext("Настройки сохранены (изменено: %(n)s).", n=len(changed)), "success")
        return redirect(url_for(".index"))


def _year_id(a) -> int:
    """The year asked for (``?year=``), else the current one."""
    wanted = to_int(request.args.get("year"))
    if wanted:
        return wanted
    year = current_year(a, today())
    return year.id if year else 0


class RolloverView(StaffPage):
    """The operator's preview and run. The run takes 3–5 s on the demo school (models/school/rollover.py), so the
    form starts a background job of kind "year_rollover" and the page, opened with its ``job``, shows its progress
    and then the new year's classes."""

    roles = frozenset({"operator"})

    @expose("/")
    def index(self):
        a = actor()
        with refusal_page():
            job = get_job(a, to_int(request.args.get("job")) or 0) if request.args.get("job") else None
            if job is not None and job.kind != "year_rollover":
                raise NotFound(N_("Задание не найдено."))
            plan = preview(a, job.params["year_id"] if job is not None else _year_id(a))
        return self.render(
            "admin/year_records/rollover.html",
            plan=plan,
            job=job_row(job) if job is not None else None,
            job_params=job.params if job is not None else {},
        )

    @expose("/run", methods=["POST"])
    def run(self):
        year_id = to_int(request.form.get("year_id")) or 0
        with operation(forged_aborts=True) as done:
            job = launch("year_rollover", rollover_job(actor(), year_id))
        if not done:
            return redirect(url_for(".index", year=year_id))
        return redirect(url_for(".index", job=job.id) + "#rollover-job", 303)


class RolloverDecisionsView(StaffPage):
    """The secretary's list before the rollover: students with a year «2», «н/а» or no year mark, each promoted,
    repeating or leaving (the operator and the director read it)."""

    roles = ROLLOVER_READERS

    @expose("/")
    def index(self):
        a = actor()
        with refusal_page():
            plan = decisions_page(a, _year_id(a))
        return self.render(
            "admin/year_records/rollover_decisions.html",
            plan=plan,
            decisions=DECISIONS,
            editable=can_decide_rollover(a) and plan.existing is None,
        )

    @expose("/save", methods=["POST"])
    def save(self):
        year_id = to_int(request.form.get("year_id")) or 0
        choices = {k.removeprefix("decision-"): v for k, v in request.form.items() if k.startswith("decision-")}
        with operation(forged_aborts=True) as done:
            changed = decide(actor(), year_id, choices, now=utcnow())
        if done:
            flash(gettext("Решения сохранены (изменено: %(n)s).", n=changed), "success")
        return redirect(url_for(".index", year=year_id))


class BinView(StaffPage):
    """ "Корзина": removed students, classes, lessons and teaching assignments of the open years, restored with
    their marks by the operator (models/school/removal.py)."""

    roles = frozenset({"operator"})

    @expose("/")
    def index(self):
        with refusal_page():
            lines = bin_lines(actor())
        return self.render("admin/year_records/bin.html", lines=lines)

    @expose("/restore", methods=["POST"])
    def restore(self):
        with operation(forged_aborts=True) as done:
            record = restore(actor(), to_int(request.form.get("record_id")) or 0)
        if done:
            flash(gettext("«%(label)s» восстановлено вместе с отметками.", label=record.label), "success")
        return redirect(url_for(".index"))


def register(admin) -> None:
    admin.add_view(
        SealsView(
            name=lazy_gettext("Архив и печати"), category=CATEGORY, endpoint="year_seals", url="/admin/year-seals"
        )
    )
    admin.add_view(
        BackupsView(name=lazy_gettext("Резервные копии"), category=CATEGORY, endpoint="backups", url="/admin/backups")
    )
    admin.add_view(
        RolloverView(
            name=lazy_gettext("Новый учебный год"), category=CATEGORY, endpoint="rollover", url="/admin/rollover"
        )
    )
    admin.add_view(BinView(name=lazy_gettext("Корзина"), category=CATEGORY, endpoint="removed", url="/admin/bin"))
    admin.add_view(
        RolloverDecisionsView(
            name=lazy_gettext("Перевод: решения секретаря"),
            category=lazy_gettext("Люди"),  # the secretary's menu (admin_views/rosters.py)
            endpoint="rollover_decisions",
            url="/admin/rollover-decisions",
        )
    )
