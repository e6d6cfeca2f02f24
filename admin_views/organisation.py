"""Staff panel area "Организация" (the operator; the director and the coordinator read): academic years and
periods, bells, subjects, the curriculum grid (grades × subjects), teaching load and its check against the
curriculum, kinds of work, attendance reasons and the school settings (R8, R10, R14).

Every decision is made in models/school/organisation.py and models/school/settings.py; these views parse forms, call
them and show their Russian messages. Nothing in use is deleted (the rules say where a row is used)."""

from __future__ import annotations

from decimal import Decimal

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_babel import gettext, lazy_gettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields import TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

import school_clock
from i18n import error_text, text
from i18n import number as fmt_number  # the same decimal comma as every template's num()
from models import (
    AcademicYear,
    AttendanceReason,
    Bell,
    Period,
    School,
    SchoolClass,
    Staff,
    Subgroup,
    Subject,
    TeachingAssignment,
    WorkKind,
    db,
)
from models.access import ADMINISTRATION, ORGANISATION_WRITERS, visible_ids
from models.errors import InvalidInput, JournalError, NeedsConfirmation
from models.i18n import _ as N_
from models.jobs import create_job
from models.parsing import parse_decimal, parse_id
from models.school.organisation import (
    GRADING_SCHEME_LABELS,
    HOURS_MESSAGE,
    SCHEME_LABELS,
    current_year,
    ensure_deletable,
    parse_hours,
    save_attendance_reason,
    save_bell,
    save_period,
    save_subject,
    save_work_kind,
    save_year,
    school_years,
    seal_job,
    set_grading_scheme,
)
from models.school.settings import (
    LIMITS,
    SETTINGS,
    all_settings,
    grade_list,
    marked_year,
    parse_setting,
    set_settings,
    stored_text,
)
from models.school.teaching_load import (
    LOAD_STATUS_LABELS,
    curriculum_grid,
    load_report,
    save_assignment,
    save_curriculum,
)

from .base import BinDeleteMixin, ScopedModelView, StaffPage, actor, operation
from .forms import DATE_FORMATS, to_int, today
from .mail import MailSettingsPages

CATEGORY = lazy_gettext("Организация")
CRITERIA_LABELS = {
    "fo": lazy_gettext("ФО — формативное оценивание"),
    "sor": lazy_gettext("СОР — суммативное за раздел"),
    "soch": lazy_gettext("СОЧ — суммативное за четверть"),
}


def fmt_date(value) -> str:
    """A date, or the school's day of a stored moment (a year archived, a period closed)."""
    return school_clock.moment(value, "%d.%m.%Y")


def _date_col(view, context, model, name):
    return fmt_date(getattr(model, name))


def _number_col(view, context, model, name):
    return fmt_number(getattr(model, name))


class ConfirmField(BooleanField):
    """A box that confirms a soft rule's warning for this save: read by the view, never written to the row."""

    def populate_obj(self, obj, name):
        pass


class HoursField(StringField):
    """Weekly hours: "3", "1,5" or "0.5" (halves, up to 20), with a Russian message otherwise."""

    def process_formdata(self, valuelist):
        if valuelist:
            self.raw = valuelist[0]
            try:
                self.data = parse_hours(valuelist[0])
            except InvalidInput as exc:
                self.data = None
                raise ValueError(error_text(exc)) from None
            if self.data is None and (valuelist[0] or "").strip():  # "0": a page of the journal has hours
                raise ValueError(gettext(HOURS_MESSAGE))

    def _value(self):
        return getattr(self, "raw", None) or fmt_number(self.data)


class CommaDecimalField(StringField):
    """A decimal typed the Russian way ("1,5") or the other ("1.5"), in ASCII digits (models.parsing)."""

    def process_formdata(self, valuelist):
        if valuelist:
            self.raw = valuelist[0]
            text = (valuelist[0] or "").strip()
            self.data = parse_decimal(text) if text else None
            if text and self.data is None:
                raise ValueError(gettext("Нужно число, например 1,5."))

    def _value(self):
        return getattr(self, "raw", None) or fmt_number(self.data)


class OrganisationView(ScopedModelView):
    """A dictionary of the school: the administration reads, the operator writes through a domain
    ``saver`` (validate, audit); rows in use are never deleted."""

    roles = ADMINISTRATION
    writer_roles = ORGANISATION_WRITERS
    allow_create = True
    allow_edit = True
    allow_delete = True
    can_view_details = False
    saver = None

    def get_one(self, id):
        try:  # PostgreSQL refuses to compare an integer id with text
            return super().get_one(parse_id(id))
        except (TypeError, ValueError):
            return None

    def on_model_change(self, form, model, is_created):
        type(self).saver(actor(), model, is_new=is_created)

    def on_model_delete(self, model):
        ensure_deletable(actor(), model)


# --- years and periods ------------------------------------------------------------------------------
class YearView(OrganisationView):
    saver = staticmethod(save_year)
    allow_delete = False  # a year carries the whole journal; it is archived, never deleted
    column_list = ("name", "starts_on", "ends_on", "archived_at")
    column_labels = {
        "name": lazy_gettext("Учебный год"),
        "starts_on": lazy_gettext("Начало"),
        "ends_on": lazy_gettext("Окончание"),
        "archived_at": lazy_gettext("В архиве с"),
    }
    column_formatters = {"starts_on": _date_col, "ends_on": _date_col, "archived_at": _date_col}
    column_default_sort = ("starts_on", True)
    form_columns = ("name", "starts_on", "ends_on")
    form_args = {
        "name": {"description": lazy_gettext("Например, 2026/2027")},
        "starts_on": {"format": DATE_FORMATS},
        "ends_on": {"format": DATE_FORMATS},
    }

    def is_action_allowed(self, name):
        return self._can_write() and super().is_action_allowed(name)

    def _years_action(self, ids, change, done) -> bool:
        """Apply a domain operation to each chosen year: all or nothing, the first refusal shown."""
        with operation() as changed:
            try:
                for year_id in ids:
                    change(parse_id(year_id) or 0)
            except ValueError:
                raise InvalidInput(N_("Неверные данные формы.")) from None
        if changed:
            flash(done(len(ids)), "success")
        return bool(changed)

    @action(
        "archive",
        lazy_gettext("Перенести в архив"),
        lazy_gettext(
            "Перенести выбранные учебные годы в архив? Их журнал, отметки и отчёты останутся доступны "
            "для просмотра и печати, но изменить в них ничего будет нельзя."
        ),
    )
    def action_archive(self, ids):
        """Archived and sealed by a background job per year (the checksum takes seconds: issue 12)."""
        import tasks

        jobs = []
        started = self._years_action(
            ids,
            lambda year_id: jobs.append(
                create_job(actor(), "year_seal", seal_job(actor(), "archive", year_id, today=today()))
            ),
            lambda n: gettext("Перенос в архив учебных годов (%(n)s) поставлен в очередь.", n=n),
        )
        for job in jobs if started else ():
            tasks.enqueue(job)

    # Taking a year out of the archive needs a reason and breaks its seal: on the page "Архив и печати"
    # (admin_views/year_records.py), not as a list action.


# --- classes --------------------------------------------------------------------------------------------------
class ClassView(BinDeleteMixin, OrganisationView):
    """The classes of each year (they come from the import and the new year's rollover); the operator's "delete"
    puts a class created by mistake into the bin with its load, lessons and marks."""

    removed_kind = "class"
    allow_create = False
    allow_edit = False
    column_list = ("year", "name", "class_teacher", "shift", "room")
    column_labels = {
        "year": lazy_gettext("Учебный год"),
        "name": lazy_gettext("Класс"),
        "class_teacher": lazy_gettext("Классный руководитель"),
        "shift": lazy_gettext("Смена"),
        "room": lazy_gettext("Кабинет"),
        "grade": lazy_gettext("Параллель"),
    }
    column_formatters = {
        "year": lambda v, c, m, n: m.year.name,
        "class_teacher": lambda v, c, m, n: m.class_teacher.short_name if m.class_teacher else "",
    }
    column_sortable_list = (("year", "year.starts_on"), ("name", ("grade", "letter")), "shift")
    column_default_sort = [("year.starts_on", True), ("grade", False), ("letter", False)]
    column_filters = ("grade",)

    def get_query(self):
        return super().get_query().options(joinedload(SchoolClass.year), joinedload(SchoolClass.class_teacher))


def _scheme_col(view, context, model, name):
    return gettext(SCHEME_LABELS.get(model.scheme, model.scheme))


class PeriodView(OrganisationView):
    saver = staticmethod(save_period)
    column_list = ("year", "scheme", "number", "name", "starts_on", "ends_on", "closed_at")
    column_labels = {
        "year": lazy_gettext("Учебный год"),
        "scheme": lazy_gettext("Вид"),
        "number": lazy_gettext("№"),
        "name": lazy_gettext("Название"),
        "starts_on": lazy_gettext("Начало"),
        "ends_on": lazy_gettext("Окончание"),
        "closed_at": lazy_gettext("Закрыт"),
    }
    column_formatters = {
        "scheme": _scheme_col,
        "starts_on": _date_col,
        "ends_on": _date_col,
        "closed_at": _date_col,
        "year": lambda v, c, m, n: m.year.name,
        "name": lambda v, c, m, n: text(m.name),
    }
    column_sortable_list = ("scheme", "number", ("name", "custom_name"), "starts_on", "ends_on", "closed_at")
    column_default_sort = [("starts_on", True), ("scheme", False)]
    column_filters = ("scheme",)
    form_columns = ("year", "scheme", "number", "custom_name", "starts_on", "ends_on")
    form_overrides = {"scheme": SelectField}
    form_args = {
        "year": {"label": lazy_gettext("Учебный год")},
        "scheme": {
            "label": lazy_gettext("Вид периода"),
            "choices": [SelectChoice(k, lazy_gettext(v)) for k, v in SCHEME_LABELS.items()],
        },
        "number": {"label": lazy_gettext("Номер")},
        "custom_name": {
            "label": lazy_gettext("Название"),
            "validators": [Optional()],
            "description": lazy_gettext("Можно оставить пустым: «1 четверть», «2 полугодие»…"),
        },
        "starts_on": {"label": lazy_gettext("Начало"), "format": DATE_FORMATS},
        "ends_on": {"label": lazy_gettext("Окончание"), "format": DATE_FORMATS},
    }

    def get_query(self):
        return super().get_query().options(joinedload(Period.year))


# --- bells, subjects, kinds of work, attendance reasons ------------------------------------------------
def _time_col(view, context, model, name):
    value = getattr(model, name)
    return value.strftime("%H:%M") if value else ""


class BellView(OrganisationView):
    saver = staticmethod(save_bell)
    column_list = ("shift", "number", "starts_at", "ends_at")
    column_labels = {
        "shift": lazy_gettext("Смена"),
        "number": lazy_gettext("Урок"),
        "starts_at": lazy_gettext("Начало"),
        "ends_at": lazy_gettext("Окончание"),
    }
    column_formatters = {"starts_at": _time_col, "ends_at": _time_col}
    column_default_sort = [("shift", False), ("number", False)]
    form_columns = ("shift", "number", "starts_at", "ends_at")
    form_overrides = {"shift": SelectField, "starts_at": TimeField, "ends_at": TimeField}
    form_args = {
        "shift": {
            "label": lazy_gettext("Смена"),
            "coerce": int,
            "choices": [SelectChoice(1, lazy_gettext("1 смена")), SelectChoice(2, lazy_gettext("2 смена"))],
        },
        "number": {"label": lazy_gettext("Номер урока")},
        "starts_at": {"label": lazy_gettext("Начало (ЧЧ:ММ)"), "format": ["%H:%M", "%H:%M:%S", "%H.%M"]},
        "ends_at": {"label": lazy_gettext("Окончание (ЧЧ:ММ)"), "format": ["%H:%M", "%H:%M:%S", "%H.%M"]},
    }


class SubjectView(OrganisationView):
    saver = staticmethod(save_subject)
    column_list = ("name", "short_name", "is_physical_education", "is_pass_fail")
    column_labels = {
        "name": lazy_gettext("Предмет"),
        "short_name": lazy_gettext("Кратко"),
        "is_physical_education": lazy_gettext("Физкультура"),
        "is_pass_fail": lazy_gettext("Зачёт / незачёт"),
    }
    column_default_sort = "name"
    column_searchable_list = ("name",)
    form_columns = ("name", "short_name", "is_physical_education", "is_pass_fail")
    form_args = {
        "is_physical_education": {
            "description": lazy_gettext("Обучающиеся специальной медицинской группы оцениваются по теории.")
        }
    }


def _criteria_col(view, context, model, name):
    return str(CRITERIA_LABELS[model.criteria_kind]) if model.criteria_kind in CRITERIA_LABELS else ""


class WorkKindView(OrganisationView):
    saver = staticmethod(save_work_kind)
    column_list = ("name", "code", "weight", "is_control", "criteria_kind")
    column_labels = {
        "name": lazy_gettext("Вид работы"),
        "code": lazy_gettext("Код"),
        "weight": lazy_gettext("Вес"),
        "is_control": lazy_gettext("Контрольная"),
        "criteria_kind": lazy_gettext("Критериальное"),
    }
    column_formatters = {"name": lambda v, c, m, n: m.title, "weight": _number_col, "criteria_kind": _criteria_col}
    column_default_sort = "name"
    form_columns = ("name", "code", "weight", "is_control", "criteria_kind")
    form_overrides = {"weight": CommaDecimalField, "criteria_kind": SelectField}
    form_args = {
        "weight": {"label": lazy_gettext("Вес в среднем"), "description": lazy_gettext("Больше 0 и не больше 10.")},
        "is_control": {
            "label": lazy_gettext("Контрольная работа"),
            "description": lazy_gettext(
                "Контрольные, лабораторные, практические: учитываются при проверке итоговых отметок и сроков."
            ),
        },
        "criteria_kind": {
            "label": lazy_gettext("Критериальное оценивание"),
            "choices": [SelectChoice("", lazy_gettext("— нет —"))]
            + [SelectChoice(k, v) for k, v in CRITERIA_LABELS.items()],
        },
        "code": {"description": lazy_gettext("Латинскими буквами, например test.")},
    }

    def on_model_change(self, form, model, is_created):
        model.criteria_kind = model.criteria_kind or None
        super().on_model_change(form, model, is_created)


class AttendanceReasonView(OrganisationView):
    saver = staticmethod(save_attendance_reason)
    column_list = ("name", "code", "is_excused")
    column_labels = {
        "name": lazy_gettext("Причина"),
        "code": lazy_gettext("Код"),
        "is_excused": lazy_gettext("Уважительная"),
    }
    column_default_sort = "name"
    form_columns = ("name", "code", "is_excused")
    form_args = {"code": {"description": lazy_gettext("Латинскими буквами, например illness.")}}


# --- teaching load -----------------------------------------------------------------------------------
class AssignmentView(BinDeleteMixin, OrganisationView):
    removed_kind = "assignment"
    saver = staticmethod(save_assignment)
    column_list = ("school_class", "subject", "subgroup", "teacher", "hours_per_week")
    column_labels = {
        "school_class": lazy_gettext("Класс"),
        "subject": lazy_gettext("Предмет"),
        "subgroup": lazy_gettext("Подгруппа"),
        "teacher": lazy_gettext("Учитель"),
        "hours_per_week": lazy_gettext("Часов в неделю"),
        "subject.name": lazy_gettext("Предмет"),
        "teacher.last_name": lazy_gettext("Учитель (фамилия)"),
        "school_class.grade": lazy_gettext("Параллель"),
    }
    column_formatters = {
        "hours_per_week": _number_col,
        "school_class": lambda v, c, m, n: m.school_class.name,
        "teacher": lambda v, c, m, n: m.teacher.short_name,
        "subgroup": lambda v, c, m, n: m.subgroup.name if m.subgroup else "",
    }
    column_sortable_list = (
        ("school_class", ("school_class.grade", "school_class.letter")),
        ("subject", "subject.name"),
        ("teacher", ("teacher.last_name", "teacher.first_name")),
        "hours_per_week",
    )
    column_default_sort = [
        ("school_class.grade", False),
        ("school_class.letter", False),
        ("subject.name", False),
        ("id", False),
    ]
    column_filters = ("school_class.grade", "subject.name", "teacher.last_name")
    form_columns = ("school_class", "subject", "subgroup", "teacher", "hours_per_week", "confirm_over")
    form_overrides = {"hours_per_week": HoursField}
    form_extra_fields = {
        "confirm_over": ConfirmField(
            lazy_gettext("Подтверждаю: часов больше, чем в учебном плане"),
            description=lazy_gettext("Отметьте, если при сохранении показано, что учебный план будет превышен."),
        )
    }
    form_args = {
        "school_class": {"label": lazy_gettext("Класс")},
        "subject": {"label": lazy_gettext("Предмет")},
        "subgroup": {
            "label": lazy_gettext("Подгруппа"),
            "description": lazy_gettext("Только если предмет ведётся по подгруппам (R11)."),
        },
        "teacher": {"label": lazy_gettext("Учитель")},
        "hours_per_week": {
            "label": lazy_gettext("Часов в неделю"),
            "description": lazy_gettext("Например, 5 или 1,5."),
        },
    }

    def handle_view_exception(self, exc):
        handled = super().handle_view_exception(exc)
        if isinstance(exc, NeedsConfirmation):
            flash(
                gettext("Чтобы сохранить всё равно, отметьте «Подтверждаю» внизу формы и сохраните ещё раз."), "warning"
            )
        return handled

    def on_model_change(self, form, model, is_created):
        confirm = getattr(form, "confirm_over", None)
        save_assignment(actor(), model, is_new=is_created, confirmed=bool(confirm and confirm.data))

    def get_query(self):
        return (
            super()
            .get_query()
            .options(
                joinedload(TeachingAssignment.school_class),
                joinedload(TeachingAssignment.subject),
                joinedload(TeachingAssignment.subgroup),
                joinedload(TeachingAssignment.teacher),
            )
        )

    def _scope_form(self, form):
        form = super()._scope_form(form)
        a = actor()
        rows = db.session.execute(
            select(SchoolClass, AcademicYear.name)
            .join(AcademicYear, AcademicYear.id == SchoolClass.year_id)
            .where(SchoolClass.id.in_(visible_ids(a, SchoolClass)), AcademicYear.archived_at.is_(None))
            .order_by(AcademicYear.starts_on.desc(), SchoolClass.grade, SchoolClass.letter)
        ).all()
        labels = {c.id: f"{c.name} ({year})" for c, year in rows}
        classes = [c for c, _year in rows]
        form.school_class.query_factory = lambda: classes
        form.school_class.get_label = lambda c: labels.get(c.id, c.name)
        groups = db.session.scalars(
            select(Subgroup)
            .options(joinedload(Subgroup.school_class))
            .where(Subgroup.id.in_(visible_ids(a, Subgroup)))
            .join(SchoolClass, SchoolClass.id == Subgroup.class_id)
            .order_by(SchoolClass.grade, SchoolClass.letter, Subgroup.name)
        ).all()
        form.subgroup.query_factory = lambda: groups
        form.subgroup.get_label = lambda g: f"{g.school_class.name}: {g.name}"
        subjects = db.session.scalars(
            select(Subject).where(Subject.id.in_(visible_ids(a, Subject))).order_by(Subject.name)
        ).all()
        form.subject.query_factory = lambda: subjects
        teachers = db.session.scalars(
            select(Staff)
            .where(Staff.id.in_(visible_ids(a, Staff)), Staff.left_on.is_(None))
            .order_by(Staff.last_name, Staff.first_name)
        ).all()
        form.teacher.query_factory = lambda: teachers
        form.teacher.get_label = lambda s: s.full_name
        return form


# --- the curriculum grid, the load check, the settings --------------------------------------------------
class YearPage(StaffPage):
    roles = ADMINISTRATION

    def _year(self):
        years = school_years(actor())
        wanted = to_int(request.values.get("year_id"))
        year = next((y for y in years if y.id == wanted), None) if wanted else current_year(actor(), today())
        return years, year


class CurriculumView(YearPage):
    @expose("/", methods=["GET", "POST"])
    def index(self):
        years, year = self._year()
        if year is None:
            return self.render("admin/organisation/curriculum.html", years=years, grid=None, submitted={})
        submitted = {}
        if request.method == "POST":
            values = {}
            for key, raw in request.form.items():
                if key.startswith("h-"):
                    grade, _sep, subject = key[2:].partition("-")
                    if to_int(grade) is None or to_int(subject) is None:
                        flash(gettext("Неверные данные формы."), "error")
                        break
                    values[(to_int(grade), to_int(subject))] = raw
                    submitted[key] = raw
            else:
                with operation() as done:
                    saved = save_curriculum(actor(), year.id, values)
                if done:
                    flash(
                        gettext(
                            "Учебный план сохранён: добавлено %(c)s, изменено %(u)s, удалено %(d)s.",
                            c=saved.created,
                            u=saved.updated,
                            d=saved.deleted,
                        ),
                        "success",
                    )
                    return redirect(url_for(".index", year_id=year.id))
        grid = curriculum_grid(actor(), year.id)
        return self.render(
            "admin/organisation/curriculum.html", years=years, grid=grid, submitted=submitted, fmt_number=fmt_number
        )


class LoadCheckView(YearPage):
    @expose("/")
    def index(self):
        years, year = self._year()
        report = load_report(actor(), year.id) if year else None
        only = request.args.get("only") == "1"
        return self.render(
            "admin/organisation/load_check.html",
            years=years,
            report=report,
            only=only,
            labels=LOAD_STATUS_LABELS,
            fmt_number=fmt_number,
        )


def _setting_fields(values: dict, errors: dict) -> list[dict]:
    fields = []
    for s in SETTINGS:
        low, high = LIMITS.get(s.key, (None, None))
        decimal = s.kind is Decimal
        value = values.get(s.key)
        if isinstance(value, tuple):
            value = ", ".join(str(v) for v in value)
        elif decimal and not isinstance(value, str):
            value = fmt_number(value)
        fields.append(
            {
                "key": s.key,
                "label": s.label,
                "value": value,
                "min": fmt_number(low) if decimal else low,
                "max": fmt_number(high) if decimal else high,
                "decimal": decimal,
                "choices": s.choices,
                "grades": s.kind is grade_list,
                "error": errors.get(s.key),
                "help": s.help,
            }
        )
    return fields


class SettingsView(MailSettingsPages, StaffPage):
    roles = ADMINISTRATION

    @expose("/", methods=["GET", "POST"])
    def index(self):
        a = actor()
        values = all_settings(a.school_id)
        errors: dict[str, str] = {}
        editable = a.has(*ORGANISATION_WRITERS)
        if request.method == "POST":
            if not editable:
                return self.inaccessible_callback("settings")
            # a field the form did not send keeps its value (an older page open before a setting was added)
            submitted = {s.key: request.form.get(s.key, stored_text(values[s.key])) for s in SETTINGS}
            for key, raw in submitted.items():
                try:
                    parse_setting(key, raw)
                except JournalError as exc:
                    errors[key] = error_text(exc)
            if not errors:
                with operation() as done:
                    changed = set_settings(a, submitted)
                if done:
                    flash(gettext("Настройки сохранены (изменено: %(n)s).", n=len(changed)), "success")
                    return redirect(url_for(".index"))
            else:
                flash(gettext("Настройки не сохранены: исправьте отмеченные поля."), "error")
            values = submitted
        return self.render(
            "admin/organisation/settings.html",
            fields=_setting_fields(values, errors),
            editable=editable,
            scheme=db.session.get(School, a.school_id).grading_scheme,
            schemes=GRADING_SCHEME_LABELS,
            scheme_locked_by=marked_year(a.school_id),
        )

    @expose("/scheme", methods=["POST"])
    def scheme(self):
        """The school's grading scheme (models.school.organisation.set_grading_scheme decides)."""
        with operation() as done:
            changed = set_grading_scheme(actor(), request.form.get("grading_scheme"))
        if done:
            flash(
                gettext("Система оценивания изменена.") if changed else gettext("Изменений нет."),
                "success" if changed else "info",
            )
        return redirect(url_for(".index"))


def register(admin) -> None:
    admin.add_view(YearView(AcademicYear, name=lazy_gettext("Учебные годы"), category=CATEGORY, endpoint="years"))
    admin.add_view(PeriodView(Period, name=lazy_gettext("Периоды"), category=CATEGORY, endpoint="periods"))
    admin.add_view(ClassView(SchoolClass, name=lazy_gettext("Классы"), category=CATEGORY, endpoint="classes"))
    admin.add_view(BellView(Bell, name=lazy_gettext("Звонки"), category=CATEGORY, endpoint="bells"))
    admin.add_view(SubjectView(Subject, name=lazy_gettext("Предметы"), category=CATEGORY, endpoint="subjects"))
    admin.add_view(
        CurriculumView(
            name=lazy_gettext("Учебный план"), category=CATEGORY, endpoint="curriculum", url="/admin/curriculum"
        )
    )
    admin.add_view(
        AssignmentView(
            TeachingAssignment, name=lazy_gettext("Учебная нагрузка"), category=CATEGORY, endpoint="assignments"
        )
    )
    admin.add_view(
        LoadCheckView(
            name=lazy_gettext("Нагрузка и учебный план"),
            category=CATEGORY,
            endpoint="load_check",
            url="/admin/load-check",
        )
    )
    admin.add_view(
        WorkKindView(
            WorkKind, name=lazy_gettext("Виды работ"), category=CATEGORY, endpoint="work_kinds", url="/admin/work-kinds"
        )
    )
    admin.add_view(
        AttendanceReasonView(
            AttendanceReason,
            name=lazy_gettext("Причины пропусков"),
            category=CATEGORY,
            endpoint="attendance_reasons",
            url="/admin/attendance-reasons",
        )
    )
    admin.add_view(
        SettingsView(
            name=lazy_gettext("Настройки школы"), category=CATEGORY, endpoint="school_settings", url="/admin/settings"
        )
    )
