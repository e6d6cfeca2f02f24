"""Staff panel area "Журнал": the list of the actor's journal pages and the grid of one page — students
down, lesson dates across — where marks and attendance are typed into cells and saved at once (scripts
on: static/js/journal-grid.js posts each keystroke as JSON) or with the form's "Сохранить" (scripts off).
The lesson page records a lesson (topic, kind of work, homework, plan line) and gives every cell of the
lesson its detailed form (kind and comment per mark, minutes late). Every decision is made in
models/journal/page.py; these views parse requests and show results."""

from __future__ import annotations

from flask import Response, abort, flash, jsonify, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext, lazy_gettext
from sqlalchemy import select

from i18n import error_text
from i18n import text as tr
from models import Lesson, Student, db
from models.access import JOURNAL_READERS, can_print_class_journal
from models.attachments import ALLOWED_TEXT, MAX_BYTES
from models.base import utcnow
from models.errors import JournalError
from models.journal.attendance_taken import take_attendance_all_present, taken_by
from models.journal.cells import parse_state, save_cell, save_cell_parts, set_attendance, set_mark, state_text
from models.journal.distance import distance_dates, save_distance
from models.journal.files import MAX_LESSON_FILES, add_lesson_file, lesson_file_for_download, remove_lesson_file
from models.journal.history import cell_history
from models.journal.lessons import delete_lesson, lesson_removal, save_lesson
from models.journal.page import journal_page, journal_pages
from models.journal.page_filter import filter_pages
from models.journal.rules import ATTENDANCE_CODES, SLOTS, WEEKDAY_SHORT
from models.reports.journal_print import journal_print
from models.school.plans import suggest_plan_item
from reports.journal_print import journal_print_pdf

from .base import StaffPage, actor, operation, refusal_json, refusal_page
from .forms import ACCEPT_FILES, parse_date, to_int, today, uploaded_file
from .journal_html import grid_rows

READERS = JOURNAL_READERS


def _finals_url(assignment_id: int, period_id: int) -> str | None:
    """The period marks of this page, when that area exists."""
    try:
        return url_for("finals.sheet", assignment_id=assignment_id, period=period_id)
    except Exception:  # the area is not installed (yet)
        return None


class JournalView(StaffPage):
    roles = READERS

    # --- the list of pages -----------------------------------------------------------------------------
    @expose("/")
    def index(self):
        pages = journal_pages(actor(), today=today(), year_id=to_int(request.args.get("year")))
        pf, lines = filter_pages(pages.lines, to_int(request.args.get("class")), to_int(request.args.get("teacher")))
        keep = {"year": request.args.get("year")}
        return self.render(
            "admin/journal/index.html", pages=pages, lines=lines, pf=pf, keep=keep, shown_count=len(lines)
        )

    # --- the grid ----------------------------------------------------------------------------------------
    @expose("/<int:assignment_id>")
    def grid(self, assignment_id: int):
        page = journal_page(actor(), assignment_id, to_int(request.args.get("period")), now=utcnow())
        return self.render(
            "admin/journal/grid.html",
            page=page,
            codes=ATTENDANCE_CODES,
            slots=SLOTS,
            finals_url=_finals_url(assignment_id, page.period.id),
            grid_rows=grid_rows(page),
            weekday_names={day: gettext(day) for day in WEEKDAY_SHORT},  # translated once, not per column
            distance=distance_dates(page.assignment.class_id, page.period.starts_on, page.period.ends_on),
            bound_url=url_for("bound_journal.index", **{"class": page.school_class.id, "period": page.period.id})
            if can_print_class_journal(actor(), page.school_class.id)
            else None,
        )

    @expose("/<int:assignment_id>/print.pdf")
    def print_pdf(self, assignment_id: int):
        """The page as the paper journal has it (marks on the left-hand page, topics on the right), for print."""
        printout = journal_print(actor(), assignment_id, to_int(request.args.get("period")), now=utcnow())
        pdf = journal_print_pdf(printout)
        name = f"journal-{assignment_id}-{printout.page.period.scheme}-{printout.page.period.number}.pdf"
        return Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": f"inline; filename={name}"})

    @expose("/<int:assignment_id>/save", methods=["POST"])
    def save(self, assignment_id: int):
        """The grid posted as a form (scripts off): every cell whose text differs from what was shown."""
        period = to_int(request.form.get("period"))
        saved, refused = 0, []
        for key, text in request.form.items():
            if not key.startswith("c-"):
                continue
            lesson_id, _sep, student_id = key[2:].partition("-")
            lesson_id, student_id = to_int(lesson_id), to_int(student_id)
            if lesson_id is None or student_id is None:
                continue
            try:
                seen = parse_state(request.form.get(f"o-{lesson_id}-{student_id}"))
                if " ".join(text.split()) in (state_text(seen), tr(state_text(seen))):
                    continue
                with db.session.begin_nested():
                    save_cell(actor(), lesson_id, student_id, text, seen, now=utcnow(), assignment_id=assignment_id)
                saved += 1
            except JournalError as exc:
                refused.append((lesson_id, student_id, error_text(exc)))
        db.session.commit()
        if saved:
            flash(gettext("Сохранено клеток: %(n)s.", n=saved), "success")
        for lesson_id, student_id, message in refused[:20]:
            flash(self._where(lesson_id, student_id) + message, "error")
        if not saved and not refused:
            flash(gettext("Изменений нет."), "info")
        return redirect(url_for(".grid", assignment_id=assignment_id, period=period))

    @staticmethod
    def _where(lesson_id: int, student_id: int) -> str:
        day = db.session.scalar(select(Lesson.date).where(Lesson.id == lesson_id))
        student = db.session.get(Student, student_id)
        parts = [student.short_name if student else "", day.strftime("%d.%m") if day else ""]
        return ", ".join(p for p in parts if p) + ": "

    # --- one keystroke (JSON) ------------------------------------------------------------------------------
    @expose("/cell", methods=["POST"])
    def cell(self):
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            return jsonify(ok=False, error=gettext("Неверный запрос.")), 400
        lesson_id, student_id = to_int(data.get("lesson_id")), to_int(data.get("student_id"))
        assignment_id = to_int(data.get("assignment_id"))
        version = to_int(data.get("version"))
        if lesson_id is None or student_id is None or assignment_id is None:
            return jsonify(ok=False, error=gettext("Неверный запрос.")), 400
        try:
            if data.get("op") == "attendance":
                extra = {"minutes_late": data.get("minutes")} if "minutes" in data else {}
                cell = set_attendance(
                    actor(),
                    lesson_id,
                    student_id,
                    str(data.get("value") or ""),
                    version,
                    now=utcnow(),
                    assignment_id=assignment_id,
                    **extra,
                )
            elif data.get("op") == "mark":
                extra = {}
                if "comment" in data:
                    extra["comment"] = str(data.get("comment") or "")
                if "work_kind_id" in data:
                    extra["work_kind_id"] = to_int(data.get("work_kind_id"))
                cell = set_mark(
                    actor(),
                    lesson_id,
                    student_id,
                    to_int(data.get("slot"), 0),
                    str(data.get("value") or ""),
                    version,
                    now=utcnow(),
                    assignment_id=assignment_id,
                    **extra,
                )
            else:
                return jsonify(ok=False, error=gettext("Неверный запрос.")), 400
        except JournalError as exc:
            current = getattr(exc, "cell", None)
            return refusal_json(
                exc,
                cell=current.state() if current else None,
                text=tr(current.text) if current else None,
                late=current.late if current else False,
            )
        db.session.commit()
        return jsonify(ok=True, cell=cell.state(), text=tr(cell.text), late=cell.late)

    # --- the lesson page ---------------------------------------------------------------------------------------
    @expose("/<int:assignment_id>/lesson", methods=["GET", "POST"])
    def lesson(self, assignment_id: int):
        lesson_id = to_int(request.values.get("lesson"))
        day = None
        with operation(commit=False):
            day = parse_date(request.values.get("date"))
        values = {}
        if request.method == "POST":
            f = request.form
            values = f.to_dict()
            with operation() as done:
                lesson = save_lesson(
                    actor(),
                    assignment_id,
                    lesson_id=lesson_id,
                    date=day,
                    topic=f.get("topic"),
                    work_kind_id=to_int(f.get("work_kind_id")),
                    homework=f.get("homework"),
                    plan_item_id=to_int(f.get("plan_item_id")),
                    bell_id=to_int(f.get("bell_id")),
                    expected_version=to_int(f.get("version")),
                    max_points=f.get("max_points"),
                    now=utcnow(),
                )
            if done:
                flash(
                    gettext(
                        "Урок %(date)s записан: «%(topic)s».", date=lesson.date.strftime("%d.%m.%Y"), topic=lesson.topic
                    ),
                    "success",
                )
                page = journal_page(actor(), assignment_id, now=utcnow(), day=lesson.date)
                return redirect(url_for(".grid", assignment_id=assignment_id, period=page.period.id) + f"#l{lesson.id}")
        lesson = (
            db.session.scalar(select(Lesson).where(Lesson.id == lesson_id, Lesson.assignment_id == assignment_id))
            if lesson_id
            else None
        )
        if lesson_id and lesson is None:
            abort(404)
        on = lesson.date if lesson is not None else (day or today())
        page = journal_page(
            actor(),
            assignment_id,
            to_int(request.values.get("period")) if lesson is None and not day else None,
            now=utcnow(),
            day=on,
        )
        column = page.column_for(lesson.id) if lesson is not None else None
        writable = column.writable if column is not None else page.write.on(on)
        if lesson is None and not writable and request.method == "GET":
            abort(403)
        plan_items = page.plan_items()
        suggested = suggest_plan_item(assignment_id) if lesson is None and plan_items else None
        return self.render(
            "admin/journal/lesson.html",
            page=page,
            plan_items=plan_items,
            lesson=lesson,
            column=column,
            writable=writable,
            values=values,
            on=on,
            bell_id=to_int(request.values.get("bell")),
            slots=SLOTS,
            codes=ATTENDANCE_CODES,
            suggested=suggested,
            accept=ACCEPT_FILES,
            allowed_text=ALLOWED_TEXT,
            max_mb=MAX_BYTES // 2**20,
            max_files=MAX_LESSON_FILES,
            distance=distance_dates(page.assignment.class_id, on, on).get(on),
            removal=lesson_removal(actor(), lesson) if lesson is not None else None,
            attendance_taken_by=taken_by(lesson) if lesson is not None else None,
        )

    @expose("/<int:assignment_id>/lesson/<int:lesson_id>/distance", methods=["POST"])
    def lesson_distance(self, assignment_id: int, lesson_id: int):
        """The distance lesson's link and materials (models/journal/distance.py)."""
        f = request.form
        with operation(forged_aborts=True) as done:
            save_distance(
                actor(),
                assignment_id,
                lesson_id,
                url=f.get("distance_url"),
                materials=f.get("distance_materials"),
                expected_version=to_int(f.get("version")),
            )
        if done:
            flash(gettext("Ссылка и материалы дистанционного урока сохранены."), "success")
        return redirect(url_for(".lesson", assignment_id=assignment_id, lesson=lesson_id) + "#lesson-distance")

    @expose("/<int:assignment_id>/lesson/<int:lesson_id>/cells", methods=["POST"])
    def lesson_cells(self, assignment_id: int, lesson_id: int):
        """The detailed cells of one lesson (kind and comment per mark, minutes late), scripts or not."""
        f = request.form
        saved, refused = 0, []
        for key in f:
            if not key.startswith("row-"):
                continue
            student_id = to_int(key[4:])
            if student_id is None:
                continue
            marks = {
                slot: (
                    f.get(f"v-{student_id}-{slot}", ""),
                    to_int(f.get(f"k-{student_id}-{slot}")),
                    f.get(f"t-{student_id}-{slot}", ""),
                )
                for slot in SLOTS
            }
            try:
                seen = parse_state(f.get(f"o-{student_id}"))
                with db.session.begin_nested():
                    cell = save_cell_parts(
                        actor(),
                        lesson_id,
                        student_id,
                        seen,
                        status=f.get(f"a-{student_id}", ""),
                        minutes_late=f.get(f"am-{student_id}", ""),
                        marks=marks,
                        now=utcnow(),
                        assignment_id=assignment_id,
                    )
                saved += cell is not None
            except JournalError as exc:
                refused.append((student_id, error_text(exc)))
        db.session.commit()
        if saved:
            flash(gettext("Сохранено клеток: %(n)s.", n=saved), "success")
        for student_id, message in refused[:20]:
            flash(self._where(lesson_id, student_id) + message, "error")
        if not saved and not refused:
            flash(gettext("Изменений нет."), "info")
        return redirect(url_for(".lesson", assignment_id=assignment_id, lesson=lesson_id))

    @expose("/<int:assignment_id>/lesson/<int:lesson_id>/all-present", methods=["POST"])
    def lesson_all_present(self, assignment_id: int, lesson_id: int):
        """ "Все присутствуют": attendance taken at the lesson, nobody absent beyond what is entered."""
        with operation(forged_aborts=True) as done:
            stamped = take_attendance_all_present(actor(), assignment_id, lesson_id, now=utcnow())
        if done:
            if stamped:
                flash(gettext("Посещаемость урока отмечена: все присутствуют."), "success")
            else:
                flash(gettext("Посещаемость этого урока уже отмечена."), "info")
        back = request.form.get("back")
        if back == "grid":
            return redirect(url_for(".grid", assignment_id=assignment_id, period=to_int(request.form.get("period"))))
        return redirect(url_for(".lesson", assignment_id=assignment_id, lesson=lesson_id) + "#lesson-attendance")

    @expose("/<int:assignment_id>/lesson/<int:lesson_id>/delete", methods=["POST"])
    def lesson_delete(self, assignment_id: int, lesson_id: int):
        with operation() as done:
            delete_lesson(
                actor(),
                assignment_id,
                lesson_id,
                expected_version=to_int(request.form.get("version")),
                now=utcnow(),
                confirmed=request.form.get("confirm") == "1",
                reason=request.form.get("reason"),
            )
        if not done:
            return redirect(url_for(".lesson", assignment_id=assignment_id, lesson=lesson_id))
        flash(gettext("Урок удалён; его можно восстановить из корзины."), "success")
        return redirect(url_for(".grid", assignment_id=assignment_id, period=to_int(request.form.get("period"))))

    # --- homework files of a lesson ------------------------------------------------------------------------------
    @expose("/<int:assignment_id>/lesson/<int:lesson_id>/files", methods=["POST"])
    def lesson_file_add(self, assignment_id: int, lesson_id: int):
        with operation(forged_aborts=True) as done:
            att = add_lesson_file(actor(), assignment_id, lesson_id, uploaded_file(), now=utcnow())
        if done:
            flash(gettext("Файл «%(name)s» приложен к домашнему заданию.", name=att.filename), "success")
        return redirect(url_for(".lesson", assignment_id=assignment_id, lesson=lesson_id) + "#lesson-files")

    @expose("/<int:assignment_id>/lesson/<int:lesson_id>/files/<int:attachment_id>/delete", methods=["POST"])
    def lesson_file_delete(self, assignment_id: int, lesson_id: int, attachment_id: int):
        with operation(forged_aborts=True) as done:
            remove_lesson_file(actor(), assignment_id, lesson_id, attachment_id)
        if done:
            flash(gettext("Файл удалён."), "success")
        return redirect(url_for(".lesson", assignment_id=assignment_id, lesson=lesson_id) + "#lesson-files")

    @expose("/<int:assignment_id>/lesson/<int:lesson_id>/files/<int:attachment_id>")
    def lesson_file(self, assignment_id: int, lesson_id: int, attachment_id: int):
        from web.files import send_attachment

        with refusal_page():
            att = lesson_file_for_download(actor(), lesson_id, attachment_id)
        return send_attachment(att)

    # --- the history of a cell -----------------------------------------------------------------------------------
    @expose("/history")
    def history(self):
        trail = cell_history(actor(), to_int(request.args.get("lesson"), 0), to_int(request.args.get("student"), 0))
        return self.render("admin/journal/history.html", trail=trail)


CATEGORY = lazy_gettext("Журнал")  # shared with admin_views/finals.py: Flask-Admin merges the menu category


def register(admin) -> None:
    admin.add_view(
        JournalView(name=lazy_gettext("Страницы журнала"), category=CATEGORY, endpoint="journal", url="/admin/journal")
    )
