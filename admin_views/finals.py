"""Staff panel area "Журнал": period, year and final marks with their proposals and forecast (R25–R27), closing
periods (the coordinator), the thematic plan (КТП) with its import, hours check and coverage (R2), and the
class teacher's weekly attendance page (R4).

Every decision is made in models/finals/sheet.py, models/school/plans.py and models/journal/attendance_review.py; these views
parse plain form posts (everything works without scripts), call them and show their Russian messages. The
journal grid of the same menu category lives in admin_views/journal.py (Flask-Admin merges the category)."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext, lazy_gettext

from i18n import error_text, text
from models.access import ADMINISTRATION, CLASS_OVERSIGHT, JOURNAL_READERS, can_close_periods
from models.base import utcnow
from models.errors import JournalError, NotFound
from models.finals.closing import (
    close_period,
    missing_marks,
    period_to_close,
    reopen_period,
    school_period,
    year_periods,
)
from models.finals.proposals import FINAL_KINDS
from models.finals.saving import Entry, save_period_marks
from models.finals.sheet import actor_assignments, finals_sheet, ordered_counts, page_year
from models.grading import NOT_ATTESTED
from models.journal.attendance_review import Confirmation, confirm_week, reviewable_classes, week_review
from models.journal.page_filter import filter_pages
from models.school.plan_import import apply_import, preview_import, template_csv
from models.school.plans import (
    HOURS_STATUS_LABELS,
    MAX_FILE_BYTES,
    delete_line,
    link_unlinked_lessons,
    plan_page,
    save_line,
)
from models.school.settings import FINAL_MARK_RULES

from .base import StaffPage, actor, operation, refusal_page
from .forms import parse_date, to_int, today

CATEGORY = lazy_gettext("Журнал")  # merged with admin_views/journal.py's by its Russian text
JOURNAL_ROLES = JOURNAL_READERS
ATTENDANCE_ROLES = CLASS_OVERSIGHT
SPECIAL_LABELS = {
    NOT_ATTESTED: lazy_gettext("не аттестован"),
    "зач": lazy_gettext("зачёт"),
    "незач": lazy_gettext("незачёт"),
    "осв": lazy_gettext("освобождён"),
}
STATE_LABELS = {
    "future": lazy_gettext("ещё не начался"),
    "running": lazy_gettext("идёт"),
    "ended": lazy_gettext("закончился"),
    "closed": lazy_gettext("закрыт"),
}


# --- period, year and final marks --------------------------------------------------------------------
class FinalsView(StaffPage):
    """The list of the actor's journal pages, and the period-marks page of one of them."""

    roles = JOURNAL_ROLES

    @expose("/")
    def index(self):
        a = actor()
        year, years = page_year(a, today(), to_int(request.args.get("year")))
        links = actor_assignments(a, year.id) if year else []
        pf, shown = filter_pages(links, to_int(request.args.get("class")), to_int(request.args.get("teacher")))
        return self.render(
            "admin/finals/index.html",
            year=year,
            years=years,
            links=links,
            shown=shown,
            pf=pf,
            keep={"year": request.args.get("year")},
            shown_count=len(shown),
            can_close=can_close_periods(a) or a.has("director"),
        )

    @expose("/<int:assignment_id>", methods=["GET", "POST"])
    def sheet(self, assignment_id: int):
        a = actor()
        period_id = to_int(request.values.get("period"))
        kind = request.values.get("kind") if request.values.get("kind") in FINAL_KINDS else None
        here = {"assignment_id": assignment_id, "period": period_id, "kind": kind}
        submitted: dict[int, dict] = {}
        errors: dict[int, str] = {}
        if request.method == "POST":
            one = to_int(request.form.get("save_one"))
            student_ids = [one] if one else [to_int(k[5:]) for k in request.form if k.startswith("mark-")]
            entries = [
                Entry(
                    sid,
                    request.form.get(f"mark-{sid}"),
                    request.form.get(f"reason-{sid}"),
                    request.form.get(f"version-{sid}"),
                )
                for sid in student_ids
                if sid
            ]
            with operation(forged_aborts=(NotFound,)) as done:
                result = save_period_marks(a, assignment_id, period_id, entries, now=utcnow(), today=today(), kind=kind)
            if not done:
                return redirect(url_for(".sheet", **here))
            if result.saved or not result.errors:
                flash(
                    gettext("Сохранено отметок: %(n)s.", n=result.saved) if result.saved else gettext("Изменений нет."),
                    "success",
                )
            if not result.errors:
                return redirect(url_for(".sheet", **here))
            errors = {sid: error_text(exc) for sid, exc in result.errors.items()}
            submitted = {
                e.student_id: {"value": e.value or "", "reason": e.reason or ""}
                for e in entries
                if e.student_id in result.errors
            }
            flash(gettext("Не сохранено строк: %(n)s — исправьте отмеченные.", n=len(errors)), "error")
        with refusal_page():
            sheet = finals_sheet(a, assignment_id, period_id, today=today(), kind=kind)
        fill = request.args.get("fill") == "1" and not sheet.read_only
        return self.render(
            "admin/finals/sheet.html",
            sheet=sheet,
            submitted=submitted,
            errors=errors,
            fill=fill,
            special_labels=SPECIAL_LABELS,
            can_close=can_close_periods(a),
            ordered_counts=ordered_counts,
            final_rules=FINAL_MARK_RULES,
        )


class PeriodsView(StaffPage):
    """Closing and reopening periods (the coordinator, the operator; the director reads): what is missing
    is listed first, closing with marks missing needs a confirmation."""

    roles = ADMINISTRATION

    @expose("/")
    def index(self):
        a = actor()
        year, periods = year_periods(a, today())
        selected = None
        wanted = to_int(request.args.get("period"))
        if wanted:
            selected = next((s for s in periods if s.period.id == wanted), None)
            if selected is None:
                abort(404)
        else:
            selected = period_to_close(periods)
        missing = missing_marks(selected.period) if selected else []
        by_class: dict[int, tuple] = {}
        for line in missing:  # already in class order
            cls = line.assignment.school_class
            by_class.setdefault(cls.id, (cls, []))[1].append(line)
        return self.render(
            "admin/finals/periods.html",
            year=year,
            periods=periods,
            selected=selected,
            missing=missing,
            by_class=list(by_class.values()),
            states=STATE_LABELS,
            can_close=can_close_periods(a),
            confirm=request.args.get("confirm") == "1",
        )

    @expose("/<int:period_id>/close", methods=["POST"])
    def close(self, period_id: int):
        a = actor()
        with operation(forged_aborts=(NotFound,)) as done:
            result = close_period(a, period_id, now=utcnow(), confirmed=request.form.get("confirmed") == "1")
        if not done:
            return redirect(url_for(".index", period=period_id))
        if not result.closed:
            flash(
                gettext(
                    "Не выставлено отметок: %(n)s. Проверьте список и подтвердите закрытие.", n=result.missing_total
                ),
                "warning",
            )
            return redirect(url_for(".index", period=period_id, confirm=1))
        period = school_period(a, period_id)
        flash(gettext("Период «%(name)s» закрыт: его отметки больше нельзя менять.", name=text(period.name)), "success")
        return redirect(url_for(".index", period=period_id))

    @expose("/<int:period_id>/reopen", methods=["POST"])
    def reopen(self, period_id: int):
        with operation(forged_aborts=(NotFound,)) as done:
            period = reopen_period(actor(), period_id)
        if not done:
            return redirect(url_for(".index", period=period_id))
        flash(gettext("Период «%(name)s» открыт для изменений.", name=text(period.name)), "success")
        return redirect(url_for(".index", period=period_id))


# --- the thematic plan ----------------------------------------------------------------------------------
class PlanView(StaffPage):
    """The КТП of one assignment: lines, import with a preview, hours check, coverage. Reached from the
    list of journal pages (/admin/finals/), not from the menu."""

    roles = JOURNAL_ROLES

    def is_visible(self):
        return False

    @expose("/")
    def index(self):
        return redirect(url_for("finals.index"))

    @expose("/template.csv")
    def template(self):
        return Response(
            "\ufeff" + template_csv(gettext),
            mimetype="text/csv",
            headers={"Content-Disposition": "attachment; filename=ktp-template.csv"},
        )

    def _page(self, assignment_id: int, *, form=None, edit=None, status=200):
        with refusal_page():
            page = plan_page(actor(), assignment_id, today=today())
        if edit is None:
            edit_id = to_int(request.args.get("edit"))
            edit = next((line.item for line in page.lines if line.item.id == edit_id), None) if edit_id else None
        return self.render(
            "admin/plan/page.html",
            page=page,
            edit=edit,
            form=form or {},
            hours_labels=HOURS_STATUS_LABELS,
            max_mb=MAX_FILE_BYTES // 2**20,
        ), status

    @expose("/<int:assignment_id>")
    def plan(self, assignment_id: int):
        return self._page(assignment_id)

    @expose("/<int:assignment_id>/line", methods=["POST"])
    def line(self, assignment_id: int):
        f = request.form
        line_id = to_int(f.get("line_id"))
        with operation(forged_aborts=(NotFound,)) as done:
            save_line(
                actor(),
                assignment_id,
                line_id=line_id,
                position=f.get("position"),
                section=f.get("section"),
                topic=f.get("topic"),
                hours=f.get("hours"),
                work_kind_id=f.get("work_kind_id") or None,
            )
        if not done:
            return self._page(assignment_id, form=f.to_dict(), edit=None)
        flash(gettext("Строка плана сохранена."), "success")
        return redirect(url_for(".plan", assignment_id=assignment_id) + "#plan-lines")

    @expose("/<int:assignment_id>/delete", methods=["POST"])
    def delete(self, assignment_id: int):
        with operation() as done:
            delete_line(actor(), assignment_id, to_int(request.form.get("line_id"), 0))
        if done:
            flash(gettext("Строка плана удалена."), "success")
        return redirect(url_for(".plan", assignment_id=assignment_id) + "#plan-lines")

    @expose("/<int:assignment_id>/import", methods=["POST"])
    def upload(self, assignment_id: int):
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            flash(gettext("Выберите файл CSV или XLSX."), "error")
            return redirect(url_for(".plan", assignment_id=assignment_id))
        content = upload.stream.read(MAX_FILE_BYTES + 1)
        with operation(commit=False) as done:
            preview = preview_import(actor(), assignment_id, upload.filename, content)
        if not done:
            return redirect(url_for(".plan", assignment_id=assignment_id))
        return self.render(
            "admin/plan/preview.html", preview=preview, filename=upload.filename, hours_labels=HOURS_STATUS_LABELS
        )

    @expose("/<int:assignment_id>/import/confirm", methods=["POST"])
    def confirm(self, assignment_id: int):
        with operation() as done:
            preview = apply_import(actor(), assignment_id, request.form.get("plan_text", ""))
        if not done:
            return redirect(url_for(".plan", assignment_id=assignment_id))
        flash(
            gettext("План загружен: строк %(n)s, часов %(h)s.", n=len(preview.parsed.lines), h=preview.parsed.hours),
            "success",
        )
        return redirect(url_for(".plan", assignment_id=assignment_id))

    @expose("/<int:assignment_id>/link", methods=["POST"])
    def link(self, assignment_id: int):
        with operation() as done:
            linked = link_unlinked_lessons(actor(), assignment_id, today=today())
        if done:
            flash(gettext("Привязано уроков к строкам плана: %(n)s.", n=linked), "success")
        return redirect(url_for(".plan", assignment_id=assignment_id))


# --- the class teacher's weekly attendance --------------------------------------------------------------
class AttendanceWeekView(StaffPage):
    roles = ATTENDANCE_ROLES

    @expose("/")
    def index(self):
        return redirect(url_for(".week", **request.args))

    @expose("/week", methods=["GET", "POST"])
    def week(self):
        a = actor()
        classes = reviewable_classes(a)
        class_id = to_int(request.values.get("class"))
        day = parse_date(request.values.get("week"), strict=False) or today()
        if class_id is None and classes:
            class_id = classes[0].id
        if class_id is None:
            return self.render("admin/attendance/week.html", review=None, classes=classes, errors={})
        errors: dict[int, str] = {}
        chosen: dict[int, str] = {}
        if request.method == "POST":
            one = to_int(request.form.get("confirm_one"))
            whole_day = request.form.get("confirm_day")  # "<student>-<date>": one reason for the day's lessons
            if whole_day:
                reason = request.form.get(f"day-reason-{whole_day}")
                ids = [to_int(i) for i in request.form.get(f"day-lines-{whole_day}", "").split(",")]
                entries = [Confirmation(i, reason, request.form.get(f"version-{i}")) for i in ids if i]
            else:
                ids = [one] if one else [to_int(k[7:]) for k in request.form if k.startswith("reason-")]
                entries = [
                    Confirmation(i, request.form.get(f"reason-{i}"), request.form.get(f"version-{i}")) for i in ids if i
                ]
            with operation(forged_aborts=(JournalError,)):
                result = confirm_week(a, class_id, entries, now=utcnow())
            if result.saved or not result.errors:
                flash(
                    gettext("Подтверждено: %(n)s.", n=result.saved) if result.saved else gettext("Изменений нет."),
                    "success",
                )
            if not result.errors:
                return redirect(url_for(".week", **{"class": class_id, "week": day.isoformat()}))
            errors = {i: error_text(exc) for i, exc in result.errors.items()}
            chosen = {e.attendance_id: e.reason_id for e in entries if e.attendance_id in errors}
            flash(gettext("Не подтверждено строк: %(n)s — см. отмеченные.", n=len(errors)), "error")
        with refusal_page():
            review = week_review(a, class_id, day)
        return self.render("admin/attendance/week.html", review=review, classes=classes, errors=errors, chosen=chosen)


def register(admin) -> None:
    admin.add_view(
        FinalsView(
            name=lazy_gettext("Итоговые отметки и КТП"), category=CATEGORY, endpoint="finals", url="/admin/finals"
        )
    )
    admin.add_view(
        PeriodsView(
            name=lazy_gettext("Закрытие периодов"),
            category=CATEGORY,
            endpoint="finals_periods",
            url="/admin/finals/periods",
        )
    )
    admin.add_view(
        AttendanceWeekView(
            name=lazy_gettext("Посещаемость класса"),
            category=CATEGORY,
            endpoint="attendance_week",
            url="/admin/attendance",
        )
    )
    admin.add_view(
        PlanView(name=lazy_gettext("Тематическое планирование"), category=CATEGORY, endpoint="plan", url="/admin/plan")
    )
