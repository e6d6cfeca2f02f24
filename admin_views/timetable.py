"""Staff panel area "Расписание" (R12): the week grid of a class (Monday–Saturday × bells) where the
operator places lessons of the class's teaching load, changes, moves or removes them from a date onward (the
class teacher of the class too, as far as the school's setting allows: models.access.class_timetable_right),
and the substitutions of a date (absent teacher, substitute per lesson, reason).

Every decision (clashes, dates, who is free) is made in models/school/timetable.py; these views parse
forms, call it, flash its Russian messages and redirect back to the page (nothing written on refusal). A lesson
beyond the hours a week (a soft rule) shows the grid again with the figures and a button that sends the same
form confirmed."""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext, lazy_gettext

from models.access import CLASS_TEACHERS, ORGANISATION_WRITERS, TEACHING_ROLES
from models.errors import NeedsConfirmation, NotFound
from models.school.substitutions import (
    cancel_substitution,
    record_substitution,
    substitutions_between,
    teacher_day,
    teaching_staff,
)
from models.school.timetable import (
    SUBSTITUTION_REASONS,
    WEEKDAY_NAMES,
    WEEKDAY_SHORT,
    change_entry,
    monday_of,
    move_entry,
    place_lesson,
)
from models.school.timetable_week import class_week, teacher_week, visible_classes
from models.tables.accounts import STAFF_ROLES

from .base import StaffPage, actor, operation, refusal_messages, refusal_page
from .forms import parse_date, to_int, today

CATEGORY = lazy_gettext("Расписание")
ADMINISTRATION = frozenset({"operator", "director", "coordinator"})


class ClassTimetableView(StaffPage):
    """The week grid of a class: everyone on staff reads the classes they may see; the operator edits."""

    roles = frozenset(STAFF_ROLES)

    def _dates(self, year, explicit_week: dt.date | None, explicit_from: dt.date | None):
        day = explicit_week or today()
        if explicit_week is None and day.isoweekday() == 7:  # on Sunday the coming week is the one to see
            day += dt.timedelta(days=1)
        if explicit_week is None and year is not None and not year.starts_on <= day <= year.ends_on:
            day = year.starts_on if day < year.starts_on else year.ends_on
        monday = monday_of(day)
        if explicit_from is not None:
            return day, explicit_from
        start = max(today(), monday)
        if year is not None:
            start = min(max(start, year.starts_on), year.ends_on)
        return day, start

    @expose("/")
    def index(self):
        week_arg = from_arg = None
        with operation(commit=False):
            week_arg, from_arg = parse_date(request.args.get("week")), parse_date(request.args.get("from"))
        return self._page(to_int(request.args.get("class_id")), week_arg, from_arg)

    def _page(
        self, wanted: int | None, week_arg: dt.date | None, from_arg: dt.date | None, confirm: dict | None = None
    ):
        classes = visible_classes(actor())
        current = None
        if wanted is not None:
            current = next(((c, y) for c, y in classes if c.id == wanted), None)
            if current is None:
                abort(403 if wanted else 404)
        elif classes:
            on = today()
            current = next(((c, y) for c, y in classes if y.starts_on <= on <= y.ends_on), None) or classes[0]
        week = None
        from_date = None
        if current is not None:
            day, from_date = self._dates(current[1], week_arg, from_arg)
            with refusal_page():
                week = class_week(actor(), current[0].id, day)
        return self.render(
            "admin/timetable/grid.html",
            classes=classes,
            week=week,
            from_date=from_date,
            weekday_names=WEEKDAY_NAMES,
            weekday_short=WEEKDAY_SHORT,
            confirm=confirm,
        )

    def _ask(self, refusal: NeedsConfirmation, endpoint: str, button: str):
        """The grid again with the warnings and one button that sends the same form confirmed (nothing is
        written until then; "Отмена" goes back to the grid)."""
        form = request.form
        fields = [(k, v) for k, v in form.items(multi=True) if k not in ("csrf_token", "confirm")]
        confirm = {
            "warnings": refusal_messages(refusal),
            "action": url_for(endpoint),
            "fields": fields,
            "button": button,
            # where the lesson would go: the empty cell placed into, or the lesson changed
            "cell": (to_int(form.get("weekday")), to_int(form.get("bell_id"))),
            "entry_id": to_int(form.get("entry_id")),
        }
        week_arg = parse_date(form.get("week"), strict=False)
        from_arg = parse_date(form.get("from"), strict=False)
        return self._page(to_int(form.get("class_id")), week_arg, from_arg, confirm)

    def _back(self):
        args = {"class_id": to_int(request.form.get("class_id"))}
        for key in ("week", "from"):
            value = parse_date(request.form.get(key), strict=False)
            if value:
                args[key] = value.isoformat()
        return redirect(url_for(".index", **{k: v for k, v in args.items() if v is not None}))

    def _writer(self):
        """Only roles that may ever change a timetable get to the domain, which decides per class (the class
        teacher's refusal, when the school does not allow it or for another class, is a message)."""
        if not actor().has(*ORGANISATION_WRITERS, *CLASS_TEACHERS):
            abort(403)

    @expose("/place", methods=["POST"])
    def place(self):
        self._writer()
        form = request.form
        with operation(quiet=(NeedsConfirmation,)) as done:
            entry = place_lesson(
                actor(),
                class_id=to_int(form.get("class_id")),
                assignment_id=to_int(form.get("assignment_id")),
                weekday=to_int(form.get("weekday")),
                bell_id=to_int(form.get("bell_id")),
                room=form.get("room"),
                valid_from=parse_date(form.get("from")),
                confirmed=form.get("confirm") == "1",
            )
        if isinstance(done.refusal, NeedsConfirmation):
            return self._ask(done.refusal, ".place", gettext("Всё равно поставить"))
        if not done:
            flash(gettext("Урок не поставлен в расписание."), "warning")
        else:
            flash(
                gettext(
                    "Урок поставлен: %(day)s, %(bell)s урок, с %(date)s.",
                    day=gettext(WEEKDAY_NAMES[entry.weekday]),
                    bell=entry.bell.number,
                    date=entry.valid_from.strftime("%d.%m.%Y"),
                ),
                "success",
            )
        return self._back()

    @expose("/change", methods=["POST"])
    def change(self):
        self._writer()
        form = request.form
        remove = form.get("op") == "remove"
        with operation(quiet=(NeedsConfirmation,)) as done:
            from_date = parse_date(form.get("from"))
            new = change_entry(
                actor(),
                to_int(form.get("entry_id")),
                from_date,
                remove=remove,
                assignment_id=to_int(form.get("assignment_id")),
                room=form.get("room"),
                confirmed=form.get("confirm") == "1",
            )
        if isinstance(done.refusal, NeedsConfirmation):
            return self._ask(done.refusal, ".change", gettext("Всё равно заменить"))
        if not done:
            flash(gettext("Расписание не изменено."), "warning")
        else:
            if new is None:
                flash(gettext("Урок убран из расписания с %(date)s.", date=from_date.strftime("%d.%m.%Y")), "success")
            else:
                flash(
                    gettext(
                        "Урок изменён с %(date)s; прежние недели не тронуты.", date=new.valid_from.strftime("%d.%m.%Y")
                    ),
                    "success",
                )
        return self._back()

    @expose("/move", methods=["POST"])
    def move(self):
        """The lesson to another weekday and bell of the week from a date (the slot sent as "weekday-bell")."""
        self._writer()
        form = request.form
        weekday, _sep, bell_id = (form.get("slot") or "").partition("-")
        with operation() as done:
            from_date = parse_date(form.get("from"))
            new = move_entry(
                actor(), to_int(form.get("entry_id")), from_date, weekday=to_int(weekday), bell_id=to_int(bell_id)
            )
        if not done:
            flash(gettext("Урок не перенесён."), "warning")
        else:
            flash(
                gettext(
                    "Урок перенесён: %(day)s, %(bell)s урок, с %(date)s; прежние недели не тронуты.",
                    day=gettext(WEEKDAY_NAMES[new.weekday]),
                    bell=new.bell.number,
                    date=new.valid_from.strftime("%d.%m.%Y"),
                ),
                "success",
            )
        return self._back()


class MyWeekView(StaffPage):
    """A teacher's own week: their lessons in all classes and the substitutions they take."""

    roles = TEACHING_ROLES

    @expose("/")
    def index(self):
        day = None
        with operation(commit=False):
            day = parse_date(request.args.get("week"))
        if day is None:
            day = today() + dt.timedelta(days=1 if today().isoweekday() == 7 else 0)
        week = None
        with refusal_page():
            week = teacher_week(actor(), day)
        return self.render("admin/timetable/my_week.html", week=week, today=today(), weekday_names=WEEKDAY_NAMES)


class SubstitutionsView(StaffPage):
    """Substitutions of a date: the administration reads, the operator assigns and cancels."""

    roles = ADMINISTRATION

    @expose("/")
    def index(self):
        a = actor()
        day = None
        with operation(commit=False):
            day = parse_date(request.args.get("date"))
        day = day or today()
        teachers = teaching_staff(a.school_id, day)
        teacher_id = to_int(request.args.get("teacher_id"))
        plan = None
        if teacher_id:
            with operation(forged_aborts=(NotFound,), commit=False):
                plan = teacher_day(a, teacher_id, day)
        recorded = substitutions_between(a, day, day)
        return self.render(
            "admin/timetable/substitutions.html",
            day=day,
            teachers=teachers,
            teacher_id=teacher_id,
            plan=plan,
            recorded=recorded,
            editable=a.has(*ORGANISATION_WRITERS),
            reasons=SUBSTITUTION_REASONS,
            weekday_names=WEEKDAY_NAMES,
        )

    def _back(self, day, teacher_id):
        args = {"date": day.isoformat() if day else None, "teacher_id": teacher_id}
        return redirect(url_for(".index", **{k: v for k, v in args.items() if v}))

    @expose("/save", methods=["POST"])
    def save(self):
        if not actor().has(*ORGANISATION_WRITERS):
            abort(403)
        form = request.form
        teacher_id = to_int(form.get("teacher_id"))
        with operation(commit=False) as done:
            day = parse_date(form.get("date"))
        if not done:
            return self._back(None, teacher_id)
        chosen = []
        for key, value in form.items():
            if key.startswith("sub-") and value:
                entry_id, substitute_id = to_int(key[4:]), to_int(value)
                if entry_id is None or substitute_id is None:
                    flash(gettext("Неверные данные формы."), "error")
                    return self._back(day, teacher_id)
                chosen.append((entry_id, substitute_id))
        if not chosen:
            flash(gettext("Выберите заменяющего хотя бы для одного урока."), "warning")
            return self._back(day, teacher_id)
        with operation() as done:
            for entry_id, substitute_id in chosen:
                record_substitution(
                    actor(), entry_id=entry_id, day=day, substitute_id=substitute_id, reason=form.get("reason")
                )
        if not done:
            flash(gettext("Замены не сохранены."), "warning")
        else:
            flash(
                gettext("Замены на %(date)s сохранены: %(n)s.", date=day.strftime("%d.%m.%Y"), n=len(chosen)), "success"
            )
        return self._back(day, teacher_id)

    @expose("/cancel", methods=["POST"])
    def cancel(self):
        if not actor().has(*ORGANISATION_WRITERS):
            abort(403)
        form = request.form
        day = parse_date(form.get("date"), strict=False)
        with operation() as done:
            cancel_substitution(actor(), to_int(form.get("substitution_id")))
        if done:
            flash(gettext("Замена отменена."), "success")
        return self._back(day, to_int(form.get("teacher_id")))


def register(admin) -> None:
    admin.add_view(
        ClassTimetableView(
            name=lazy_gettext("Расписание класса"), category=CATEGORY, endpoint="timetable", url="/admin/timetable"
        )
    )
    admin.add_view(
        MyWeekView(name=lazy_gettext("Моё расписание"), category=CATEGORY, endpoint="my_week", url="/admin/my-week")
    )
    admin.add_view(
        SubstitutionsView(
            name=lazy_gettext("Замены"), category=CATEGORY, endpoint="substitutions", url="/admin/substitutions"
        )
    )
