"""Staff panel area "Люди" (students and staff): students, staff, guardians and their links, the book of
movement, and the movement itself (admission, transfer, withdrawal) as forms with date and order
number (R9). The secretary (and the operator) write; the administration reads the whole school;
teachers read their own classes. Nothing here deletes a person or a stay: history is kept."""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, g, has_request_context, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla import tools
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from flask_admin.form.widgets import DatePickerWidget
from flask_admin.model.template import EndpointLinkRowAction
from flask_babel import gettext, lazy_gettext
from markupsafe import Markup
from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload, selectinload
from wtforms import Form, SelectField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, StopValidation

import school_clock
from i18n import error_text
from models import AcademicYear, Enrollment, Guardian, SchoolClass, Staff, Student, StudentGuardian, db
from models.access import ROSTER_ROLES, ROSTER_WRITERS, iin_for, student_ids, visible_ids
from models.errors import JournalError
from models.i18n import N_
from models.identifiers import parse_iin
from models.parsing import parse_id
from models.school.movement import (
    MEDICAL_GROUP_LABELS,
    REASON_IN_LABELS,
    REASON_OUT_LABELS,
    RELATION_LABELS,
    SEX_LABELS,
    admit,
    current_enrollment,
    enrolled_on,
    history,
    student_statuses,
    studying_ids,
    transfer,
    withdraw,
)
from models.school.people_records import remove_guardian_link, save_guardian_link, save_person
from models.school.settings import uses_iin
from models.tables.accounts import STAFF_ROLES
from models.tables.people import check_birth_date, clean_contact

from .base import BinDeleteMixin, ScopedAjaxLoader, ScopedModelView, actor, operation
from .fields import AsciiIntegerField, CalendarDateField
from .forms import DATE_FORMATS, today

CATEGORY = lazy_gettext("Люди")  # students, guardians, staff (a short name: the bar fits one line)

# Letters of any alphabet (Russian, Kazakh, Latin), single spaces, hyphens, apostrophes between them.
NAME_RE = r"^[^\W\d_]+(?:(?:[ '’\-]|\. ?)[^\W\d_]+)*\.?$"


def fmt_date(value: dt.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _date_col(view, context, model, name):
    return fmt_date(getattr(model, name))


def _labels(mapping: dict[str, str]):
    return lambda v, c, m, n: gettext(mapping[getattr(m, n)]) if getattr(m, n) in mapping else (getattr(m, n) or "")


def _choices(mapping: dict[str, str]) -> list[tuple[str, str]]:
    return [(key, lazy_gettext(label)) for key, label in mapping.items()]


# --- validators with Russian messages ----------------------------------------------------------------
def _plain(cls):
    """The validator with its (lazy, translated) message turned into a plain string when it fails:
    Flask-Admin's templates show only ``str`` errors."""

    class Plain(cls):
        def __call__(self, form, field):
            try:
                return super().__call__(form, field)
            except StopValidation as exc:
                raise StopValidation(str(exc)) from None
            except ValidationError as exc:
                raise ValidationError(str(exc)) from None

    Plain.__name__ = cls.__name__
    return Plain


DataRequired = _plain(DataRequired)
Length = _plain(Length)
Regexp = _plain(Regexp)


def person_name(label: str, *, required: bool = True) -> list:
    first = DataRequired(lazy_gettext("Укажите: %(what)s.", what=label)) if required else Optional()
    return [
        first,
        Length(max=80, message=lazy_gettext("Не длиннее 80 символов.")),
        Regexp(NAME_RE, message=lazy_gettext("Только буквы, пробел, дефис или апостроф.")),
    ]


def contact_rule(name: str):
    """The field's rule from models.tables.people.clean_contact: the same check as every other door's."""

    def _check(form, field):
        try:
            clean_contact(name, field.data)
        except JournalError as exc:
            raise ValidationError(error_text(exc)) from None

    return _check


def phone_validators() -> list:
    return [Optional(), contact_rule("phone")]


def email_validators() -> list:
    return [Optional(), contact_rule("email")]


def unique_in_school(model, column: str, message: str):
    """The value is not used by another row of the same school (the database refuses it too)."""

    def _check(form, field):
        value = (field.data or "").strip() if isinstance(field.data, str) else field.data
        if not value:
            return
        q = select(model.id).where(getattr(model, column) == value, model.school_id == actor().school_id)
        obj = getattr(form, "_obj", None)
        if obj is not None and getattr(obj, "id", None):
            q = q.where(model.id != obj.id)
        if db.session.scalar(q) is not None:
            raise ValidationError(str(message))

    return _check


def valid_iin(form, field):
    """An ИИН's digits and check digit (models.identifiers); the message in the user's language."""
    try:
        field.data = parse_iin(field.data)
    except JournalError as exc:
        raise ValidationError(error_text(exc)) from None


def birth_date_in_range(form, field):
    if field.data is None:
        return
    try:
        check_birth_date(field.data, today())
    except JournalError as exc:
        raise ValidationError(error_text(exc)) from None


def not_in_future(form, field):
    if field.data is not None and field.data > today() + dt.timedelta(days=366):
        raise ValidationError(gettext("Дата слишком далеко в будущем."))


def left_after_hired(form, field):
    hired = getattr(form, "hired_on", None)
    if field.data and hired is not None and hired.data and field.data < hired.data:
        raise ValidationError(gettext("Дата увольнения раньше даты приёма."))


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class IntIdView(ScopedModelView):
    """``?id=`` arrives as text; PostgreSQL refuses to compare an integer column with text (SQLite doesn't
    mind), so the id is made an integer first, and a non-number finds nothing."""

    def get_one(self, id):
        return super().get_one(parse_id(id))


class IntIdAjaxLoader(ScopedAjaxLoader):
    def get_one(self, pk):
        pk = parse_id(pk)
        return None if pk is None else super().get_one(pk)


class AuditedRosterView(IntIdView):
    """Forms of the lists: models/school/people_records.save_person puts the row in the actor's school and audits it."""

    roles = frozenset(STAFF_ROLES)
    writer_roles = ROSTER_WRITERS
    allow_create = True
    allow_edit = True
    allow_delete = False  # people are never deleted
    form_base_class_filters = ()

    def on_model_change(self, form, model, is_created):
        save_person(actor(), model, is_new=is_created)

    # The ИИН: listed, shown and asked in a Kazakhstan school only (models.school.settings.uses_iin), in full or
    # masked by models.access.iin_for. Flask-Admin keeps its columns per view, so the lists are filtered per request.
    def _iin_here(self) -> bool:
        return not has_request_context() or uses_iin(actor().school_id)  # the school's row: the identity map's

    def _without_iin(self, key: str):
        columns = self.__dict__.get(key) or []
        return columns if self._iin_here() else [c for c in columns if c[0] != "iin"]

    _list_columns = property(
        lambda self: self._without_iin("_all_list_columns"),
        lambda self, value: self.__dict__.__setitem__("_all_list_columns", value),
    )
    _details_columns = property(
        lambda self: self._without_iin("_all_details_columns"),
        lambda self, value: self.__dict__.__setitem__("_all_details_columns", value),
    )
    _export_columns = property(
        lambda self: self._without_iin("_all_export_columns"),
        lambda self, value: self.__dict__.__setitem__("_all_export_columns", value),
    )

    def create_form(self, obj=None):
        return self._iin_form(super().create_form(obj))

    def edit_form(self, obj=None):
        return self._iin_form(super().edit_form(obj))

    def _iin_form(self, form):
        if "iin" in form and not self._iin_here():
            del form["iin"]
        return form


IIN_FORMATTER = {"iin": lambda v, c, m, n: iin_for(actor(), m.iin)}


def iin_field(model, taken) -> dict:
    """The form's ИИН field: the digits and the check digit, one person's of the kind within the school."""
    return {
        "validators": [valid_iin, unique_in_school(model, "iin", taken)],
        "filters": [_strip],
        "description": lazy_gettext("Казахстан: 12 цифр индивидуального идентификационного номера."),
    }


# --- filters -----------------------------------------------------------------------------------------
class ClassNowFilter(BaseSQLAFilter):
    """Students in a class today; the options are the classes the signed-in user sees (per request)."""

    def __init__(self, name):
        super().__init__(Student.id, name)

    def apply(self, query, value, alias=None):
        return query.filter(Student.id.in_(enrolled_on(value, today())))

    def clean(self, value):
        return parse_id(value)

    def validate(self, value):
        return parse_id(value) is not None

    def operation(self):
        return lazy_gettext("равен")


class StudyingFilter(BaseSQLAFilter):
    def __init__(self, name):
        super().__init__(
            Student.id,
            name,
            options=[("current", lazy_gettext("обучается")), ("left", lazy_gettext("не обучается (выбыл)"))],
        )

    def apply(self, query, value, alias=None):
        studying = Student.id.in_(studying_ids(today()))
        return query.filter(studying if value == "current" else ~studying)

    def validate(self, value):
        return value in ("current", "left")

    def operation(self):
        return lazy_gettext("равен")


class WorkingFilter(BaseSQLAFilter):
    def __init__(self, name):
        super().__init__(
            Staff.left_on, name, options=[("current", lazy_gettext("работает")), ("left", lazy_gettext("уволен"))]
        )

    def apply(self, query, value, alias=None):
        working = (Staff.left_on.is_(None)) | (Staff.left_on >= today())
        return query.filter(working if value == "current" else ~working)

    def validate(self, value):
        return value in ("current", "left")

    def operation(self):
        return lazy_gettext("равен")


def class_options() -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(SchoolClass, AcademicYear.name)
        .join(AcademicYear, AcademicYear.id == SchoolClass.year_id)
        .where(SchoolClass.id.in_(visible_ids(actor(), SchoolClass)), AcademicYear.archived_at.is_(None))
        .order_by(AcademicYear.starts_on.desc(), SchoolClass.grade, SchoolClass.letter)
    ).all()
    return [(c.id, f"{c.name} ({year})") for c, year in rows]


# --- students --------------------------------------------------------------------------------------
class MovementForm(Form):
    op = StringField()
    class_id = AsciiIntegerField(lazy_gettext("Класс"), validators=[Optional()])
    on = CalendarDateField(lazy_gettext("Дата"), validators=[Optional()], format=DATE_FORMATS)
    order_no = StringField(lazy_gettext("Номер приказа"), filters=[_strip])
    note = StringField(lazy_gettext("Примечание"), filters=[_strip])


class StudentView(BinDeleteMixin, AuditedRosterView):
    removed_kind = "student"
    details_template = "admin/rosters/student_details.html"
    column_list = (
        "last_name",
        "first_name",
        "middle_name",
        "school_class",
        "status",
        "birth_date",
        "personal_file_no",
        "iin",
    )
    column_details_list = (
        "last_name",
        "first_name",
        "middle_name",
        "birth_date",
        "sex",
        "personal_file_no",
        "iin",
        "medical_group",
        "address",
        "created_at",
    )
    column_labels = {
        "last_name": lazy_gettext("Фамилия"),
        "first_name": lazy_gettext("Имя"),
        "middle_name": lazy_gettext("Отчество"),
        "school_class": lazy_gettext("Класс"),
        "status": lazy_gettext("Состояние"),
        "birth_date": lazy_gettext("Дата рождения"),
        "personal_file_no": lazy_gettext("№ личного дела"),
        "iin": lazy_gettext("ИИН"),
        "sex": lazy_gettext("Пол"),
        "medical_group": lazy_gettext("Медицинская группа"),
        "address": lazy_gettext("Адрес"),
        "created_at": lazy_gettext("Запись создана"),
        "admit_class": lazy_gettext("Зачислить в класс"),
        "admit_on": lazy_gettext("Дата зачисления"),
        "admit_order": lazy_gettext("Номер приказа о зачислении"),
    }
    column_sortable_list = ("last_name", "first_name", "middle_name", "birth_date", "personal_file_no")
    column_default_sort = [("last_name", False), ("first_name", False), ("id", False)]
    column_searchable_list = ("last_name", "first_name", "middle_name", "personal_file_no")
    column_filters = (ClassNowFilter(lazy_gettext("Класс")), StudyingFilter(lazy_gettext("Состояние")))
    form_columns = (
        "last_name",
        "first_name",
        "middle_name",
        "birth_date",
        "sex",
        "personal_file_no",
        "iin",
        "medical_group",
        "address",
        "admit_class",
        "admit_on",
        "admit_order",
    )
    form_choices = {"sex": _choices(SEX_LABELS), "medical_group": _choices(MEDICAL_GROUP_LABELS)}
    form_extra_fields = {
        "admit_class": SelectField(
            lazy_gettext("Зачислить в класс"),
            coerce=int,
            validate_choice=False,
            description=lazy_gettext("Можно оставить пустым и зачислить позже."),
        ),
        "admit_on": CalendarDateField(
            lazy_gettext("Дата зачисления"), validators=[Optional()], format=DATE_FORMATS, widget=DatePickerWidget()
        ),
        "admit_order": StringField(
            lazy_gettext("Номер приказа о зачислении"),
            filters=[_strip],
            validators=[Length(max=40, message=lazy_gettext("Не длиннее 40 символов."))],
        ),
    }
    form_args = {
        "last_name": {"validators": person_name(lazy_gettext("фамилию")), "filters": [_strip]},
        "first_name": {"validators": person_name(lazy_gettext("имя")), "filters": [_strip]},
        "middle_name": {"validators": person_name(lazy_gettext("отчество"), required=False), "filters": [_strip]},
        "birth_date": {
            "validators": [
                DataRequired(lazy_gettext("Укажите дату рождения: ДД.ММ.ГГГГ или ГГГГ-ММ-ДД.")),
                birth_date_in_range,
            ],
            "format": DATE_FORMATS,
        },
        "sex": {"validators": [DataRequired(lazy_gettext("Укажите пол."))]},
        "personal_file_no": {
            "validators": [
                DataRequired(lazy_gettext("Укажите номер личного дела.")),
                Length(max=40, message=lazy_gettext("Не длиннее 40 символов.")),
                unique_in_school(
                    Student, "personal_file_no", lazy_gettext("Личное дело с таким номером уже есть в школе.")
                ),
            ],
            "filters": [_strip],
        },
        "iin": iin_field(Student, lazy_gettext("Обучающийся с таким ИИН уже есть в школе.")),
        "medical_group": {"validators": [DataRequired(lazy_gettext("Укажите медицинскую группу."))]},
        "address": {"validators": [Optional(), contact_rule("address")], "filters": [_strip]},
    }
    column_formatters = {
        "birth_date": _date_col,
        "created_at": lambda v, c, m, n: school_clock.moment(m.created_at),
        "sex": _labels(SEX_LABELS),
        "medical_group": _labels(MEDICAL_GROUP_LABELS),
        **IIN_FORMATTER,
        "school_class": lambda v, c, m, n: v._status(m).class_name if v._status(m).state != "left" else "",
        "status": lambda v, c, m, n: status_text(v._status(m)),
    }

    # --- list: the class and state of the shown students in one query
    def get_list(self, *args, **kwargs):
        count, rows = super().get_list(*args, **kwargs)
        if isinstance(rows, list):
            g.student_statuses = student_statuses([s.id for s in rows], today())
        return count, rows

    def _status(self, student):
        statuses = g.get("student_statuses")
        if statuses is None or student.id not in statuses:
            statuses = g.student_statuses = {**(statuses or {}), **student_statuses([student.id], today())}
        return statuses[student.id]

    def _get_filter_groups(self):
        groups = super()._get_filter_groups()
        if groups:
            options = [(str(i), label) for i, label in class_options()]
            for items in groups.values():
                for item in items:
                    if item["index"] == 0:  # ClassNowFilter
                        item["options"] = options
        return groups

    def get_list_row_actions(self):
        actions = super().get_list_row_actions()
        if self._can_write():
            actions.append(
                EndpointLinkRowAction("fa fa-exchange", ".movement_view", lazy_gettext("Движение"), id_arg="student_id")
            )
        # the student's diary as the family sees it: marks by subject, period and final marks (models/report_card)
        actions.append(
            EndpointLinkRowAction("fa fa-book", "portal.marks", lazy_gettext("Отметки и итоги"), id_arg="student_id")
        )
        return actions

    # --- forms
    def create_form(self, obj=None):
        form = super().create_form(obj)
        form.admit_class.choices = [SelectChoice(0, gettext("— не зачислять сейчас —"))] + [
            SelectChoice(value, label) for value, label in class_options()
        ]
        if form.admit_on.data is None and request.method == "GET":
            form.admit_on.data = today()
        return form

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        for name in ("admit_class", "admit_on", "admit_order"):
            delattr(form, name)
        return form

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        if is_created and getattr(form, "admit_class", None) is not None and form.admit_class.data:
            stay = admit(
                actor(), model.id, form.admit_class.data, on=form.admit_on.data, order_no=form.admit_order.data
            )
            g.admitted = stay  # said after the save (after_model_change): the class, the date, the order

    def after_model_change(self, form, model, is_created):
        super().after_model_change(form, model, is_created)
        stay = g.pop("admitted", None)
        if stay is not None:
            flash(
                gettext(
                    "%(name)s зачислен(а) в %(cls)s с %(date)s, приказ № %(order)s.",
                    name=model.short_name,
                    cls=db.session.get(SchoolClass, stay.class_id).name,
                    date=stay.starts_on.strftime("%d.%m.%Y"),
                    order=stay.order_in or "",
                ),
                "success",
            )

    # --- details: the movement history
    def render(self, template, **kwargs):
        if template == self.details_template and kwargs.get("model") is not None:
            student = kwargs["model"]
            kwargs["history"] = history(actor(), student.id)
            kwargs["guardians"] = _guardians_of(student.id)
            kwargs["can_move"] = self._can_write()
        return super().render(template, **kwargs)

    # --- movement
    @expose("/movement/<int:student_id>", methods=["GET", "POST"])
    def movement_view(self, student_id: int):
        if not self._can_write():
            abort(403)
        student = self.get_one(student_id)
        if student is None:
            flash(gettext("Обучающийся не найден."), "error")
            return redirect(url_for(".index_view"))
        form = MovementForm(request.form)
        if request.method == "GET":
            form.on.data = today()
        stay = current_enrollment(student.id)
        all_classes = class_options()
        if stay is not None:
            same_year = {
                c.id
                for c in db.session.scalars(
                    select(SchoolClass).where(
                        SchoolClass.year_id == stay.school_class.year_id, SchoolClass.id != stay.class_id
                    )
                )
            }
            choices = [c for c in all_classes if c[0] in same_year]
        else:
            choices = all_classes
        if request.method == "POST":
            if not form.validate():
                flash(
                    gettext("Неверная дата: укажите её в виде ДД.ММ.ГГГГ.")
                    if form.on.errors
                    else gettext("Выберите класс из списка."),
                    "error",
                )
            else:
                with operation() as done:
                    moved = self._move(student, form)
                if done:
                    flash(moved, "success")
                    return redirect(url_for(".details_view", id=student.id))
        return self.render(
            "admin/rosters/movement.html",
            student=student,
            stay=stay,
            form=form,
            choices=choices,
            history=history(actor(), student.id),
        )

    def _move(self, student, form) -> str:
        op, who = form.op.data, student.short_name
        if op in ("admit", "transfer"):
            move, done = (
                (admit, N_("%(name)s зачислен(а) в %(cls)s класс с %(date)s."))
                if op == "admit"
                else (transfer, N_("%(name)s переведён(а) в %(cls)s класс с %(date)s."))
            )
            stay = move(
                actor(),
                student.id,
                form.class_id.data,
                on=form.on.data,
                order_no=form.order_no.data,
                note=form.note.data,
            )
            return gettext(done, name=who, cls=stay.school_class.name, date=fmt_date(stay.starts_on))
        stay = withdraw(actor(), student.id, on=form.on.data, order_no=form.order_no.data, note=form.note.data)
        return gettext("%(name)s выбыл(а) %(date)s.", name=who, date=fmt_date(stay.ends_on))


def status_text(st) -> str:
    if st.state == "studying":
        return gettext("обучается")
    if st.state == "upcoming":
        return gettext("зачислен(а) с %(date)s", date=fmt_date(st.since))
    if st.state == "left":
        if st.reason_out == "graduation":
            return gettext("окончил(а) обучение %(date)s (%(cls)s)", date=fmt_date(st.left_on), cls=st.class_name)
        return gettext("выбыл(а) %(date)s из %(cls)s", date=fmt_date(st.left_on), cls=st.class_name)
    return gettext("не зачислен(а)")


def _guardians_of(student_id: int) -> list[dict]:
    links = db.session.scalars(
        select(StudentGuardian)
        .options(joinedload(StudentGuardian.guardian))
        .where(StudentGuardian.student_id == student_id)
        .where(StudentGuardian.guardian_id.in_(visible_ids(actor(), Guardian)))
    ).all()
    return [
        {
            "name": link.guardian.full_name,
            "relation": gettext(RELATION_LABELS.get(link.relation, link.relation)),
            "phone": link.guardian.phone,
            "email": link.guardian.email,
            "legal": link.is_legal_representative,
        }
        for link in links
    ]


# --- staff -------------------------------------------------------------------------------------------
class StaffView(AuditedRosterView):
    column_list = (
        "last_name",
        "first_name",
        "middle_name",
        "position",
        "personnel_no",
        "phone",
        "email",
        "hired_on",
        "left_on",
        "iin",
    )
    column_details_list = column_list
    column_labels = {
        "last_name": lazy_gettext("Фамилия"),
        "first_name": lazy_gettext("Имя"),
        "middle_name": lazy_gettext("Отчество"),
        "position": lazy_gettext("Должность"),
        "personnel_no": lazy_gettext("Табельный номер"),
        "phone": lazy_gettext("Телефон"),
        "email": lazy_gettext("Эл. почта"),
        "hired_on": lazy_gettext("Принят"),
        "left_on": lazy_gettext("Уволен"),
        "iin": lazy_gettext("ИИН"),
    }
    column_sortable_list = ("last_name", "first_name", "position", "personnel_no", "hired_on", "left_on")
    column_default_sort = [("last_name", False), ("first_name", False), ("id", False)]
    column_searchable_list = ("last_name", "first_name", "middle_name", "position", "personnel_no")
    column_filters = (WorkingFilter(lazy_gettext("Состояние")),)
    column_formatters = {"hired_on": _date_col, "left_on": _date_col, **IIN_FORMATTER}
    form_columns = (
        "last_name",
        "first_name",
        "middle_name",
        "position",
        "personnel_no",
        "phone",
        "email",
        "hired_on",
        "left_on",
        "iin",
    )
    form_args = {
        "last_name": {"validators": person_name(lazy_gettext("фамилию")), "filters": [_strip]},
        "first_name": {"validators": person_name(lazy_gettext("имя")), "filters": [_strip]},
        "middle_name": {"validators": person_name(lazy_gettext("отчество"), required=False), "filters": [_strip]},
        "position": {
            "validators": [
                DataRequired(lazy_gettext("Укажите должность.")),
                Length(max=120, message=lazy_gettext("Не длиннее 120 символов.")),
            ],
            "filters": [_strip],
        },
        "personnel_no": {
            "validators": [
                Optional(),
                Length(max=40, message=lazy_gettext("Не длиннее 40 символов.")),
                unique_in_school(Staff, "personnel_no", lazy_gettext("Сотрудник с таким табельным номером уже есть.")),
            ],
            "filters": [_strip],
        },
        "phone": {"validators": phone_validators(), "filters": [_strip]},
        "email": {"validators": email_validators(), "filters": [_strip]},
        "hired_on": {"validators": [Optional(), not_in_future], "format": DATE_FORMATS},
        "left_on": {"validators": [Optional(), left_after_hired], "format": DATE_FORMATS},
        "iin": iin_field(Staff, lazy_gettext("Сотрудник с таким ИИН уже есть в школе.")),
    }


# --- guardians ---------------------------------------------------------------------------------------
class GuardianView(AuditedRosterView):
    column_list = ("last_name", "first_name", "middle_name", "children", "phone", "email", "workplace", "iin")
    column_details_list = column_list
    column_labels = {
        "last_name": lazy_gettext("Фамилия"),
        "first_name": lazy_gettext("Имя"),
        "middle_name": lazy_gettext("Отчество"),
        "children": lazy_gettext("Дети"),
        "phone": lazy_gettext("Телефон"),
        "email": lazy_gettext("Эл. почта"),
        "workplace": lazy_gettext("Место работы"),
        "iin": lazy_gettext("ИИН"),
    }
    column_sortable_list = ("last_name", "first_name", "middle_name", "phone")
    column_default_sort = [("last_name", False), ("first_name", False), ("id", False)]
    column_searchable_list = ("last_name", "first_name", "middle_name", "phone", "email")
    form_columns = ("last_name", "first_name", "middle_name", "phone", "email", "workplace", "iin")
    form_args = {
        "last_name": {"validators": person_name(lazy_gettext("фамилию")), "filters": [_strip]},
        "first_name": {"validators": person_name(lazy_gettext("имя")), "filters": [_strip]},
        "middle_name": {"validators": person_name(lazy_gettext("отчество"), required=False), "filters": [_strip]},
        "phone": {"validators": phone_validators(), "filters": [_strip]},
        "email": {"validators": email_validators(), "filters": [_strip]},
        "workplace": {"validators": [Optional(), contact_rule("workplace")], "filters": [_strip]},
        "iin": iin_field(Guardian, lazy_gettext("Родитель с таким ИИН уже есть в школе.")),
    }
    column_formatters = {"children": lambda v, c, m, n: v._children(m), **IIN_FORMATTER}

    def get_query(self):
        return super().get_query().options(selectinload(Guardian.student_links).joinedload(StudentGuardian.student))

    def _children(self, guardian) -> str:
        visible = None
        if not actor().has(*ROSTER_ROLES):
            if "visible_students" not in g:
                g.visible_students = set(db.session.scalars(student_ids(actor())))
            visible = g.visible_students
        names = [
            f"{link.student.short_name} ({gettext(RELATION_LABELS.get(link.relation, link.relation))})"
            for link in guardian.student_links
            if visible is None or link.student_id in visible
        ]
        return ", ".join(sorted(names))


# --- links between students and guardians ------------------------------------------------------------
class StudentGuardianView(ScopedModelView):
    """Who is whose parent or legal representative. The link has no id of its own (student, guardian)."""

    roles = frozenset(STAFF_ROLES)
    writer_roles = ROSTER_WRITERS
    allow_create = True
    allow_edit = True
    allow_delete = True  # a link entered by mistake may be removed; the people stay
    can_view_details = False
    column_list = ("student", "guardian", "relation", "is_legal_representative", "phone")
    column_labels = {
        "student": lazy_gettext("Обучающийся"),
        "guardian": lazy_gettext("Родитель (законный представитель)"),
        "relation": lazy_gettext("Кем приходится"),
        "is_legal_representative": lazy_gettext("Законный представитель"),
        "phone": lazy_gettext("Телефон"),
        "student.last_name": lazy_gettext("Фамилия обучающегося"),
        "guardian.last_name": lazy_gettext("Фамилия родителя"),
    }
    column_sortable_list = (("student", "student.last_name"), ("guardian", "guardian.last_name"), "relation")
    column_default_sort = [("student.last_name", False), ("guardian.last_name", False)]
    column_searchable_list = ("student.last_name", "student.first_name", "guardian.last_name", "guardian.first_name")
    column_formatters = {
        "student": lambda v, c, m, n: m.student.full_name,
        "guardian": lambda v, c, m, n: m.guardian.full_name,
        "relation": _labels(RELATION_LABELS),
        "phone": lambda v, c, m, n: m.guardian.phone or "",
    }
    form_columns = ("student", "guardian", "relation", "is_legal_representative")
    form_choices = {"relation": _choices(RELATION_LABELS)}
    form_args = {
        "student": {"validators": [DataRequired(lazy_gettext("Выберите обучающегося."))]},
        "guardian": {"validators": [DataRequired(lazy_gettext("Выберите родителя."))]},
        "relation": {"validators": [DataRequired(lazy_gettext("Укажите, кем приходится."))]},
    }
    form_ajax_refs = {
        "student": {"fields": ("last_name", "first_name", "personal_file_no"), "page_size": 20},
        "guardian": {"fields": ("last_name", "first_name", "phone"), "page_size": 20},
    }

    def _create_ajax_loader(self, name, options):
        return IntIdAjaxLoader(name, db, getattr(self.model, name).property.mapper.class_, **options)

    def _scope(self, query):
        # The guardian's side as a correlated EXISTS: with both sides as IN lists, SQLite without planner
        # statistics probes the (student, guardian) key for every pair (86 ms a page for one school).
        return query.filter(
            StudentGuardian.student_id.in_(student_ids(actor())),
            exists().where(Guardian.id == StudentGuardian.guardian_id, Guardian.id.in_(visible_ids(actor(), Guardian))),
        )

    def get_query(self):
        return super().get_query().options(joinedload(StudentGuardian.student), joinedload(StudentGuardian.guardian))

    def get_one(self, id):
        try:
            student_id, guardian_id = (parse_id(x) for x in tools.iterdecode(id))
        except (TypeError, ValueError):
            return None
        if student_id is None or guardian_id is None:
            return None
        return (
            self.get_query()
            .filter(StudentGuardian.student_id == student_id, StudentGuardian.guardian_id == guardian_id)
            .one_or_none()
        )

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        del form.student  # the pair is the link's identity: to change it, remove the link and add another
        del form.guardian
        return form

    def on_model_change(self, form, model, is_created):
        save_guardian_link(actor(), model, is_new=is_created)

    def delete_model(self, model):
        """The domain operation removes the link (Flask-Admin's own delete would delete it a second time)."""
        with operation() as done:
            remove_guardian_link(actor(), model)
        if done:
            self.after_model_delete(model)
        return bool(done)


# --- the book of movement ----------------------------------------------------------------------------
class EnrollmentView(IntIdView):
    """Every stay in a class with its orders: the book of movement, read-only (movement is made on the
    student's "Движение" page)."""

    roles = frozenset(STAFF_ROLES)
    can_view_details = False
    column_list = (
        "student",
        "school_class",
        "starts_on",
        "reason_in",
        "order_in",
        "ends_on",
        "reason_out",
        "order_out",
        "note",
    )
    column_labels = {
        "student": lazy_gettext("Обучающийся"),
        "school_class": lazy_gettext("Класс"),
        "starts_on": lazy_gettext("С"),
        "reason_in": lazy_gettext("Основание"),
        "order_in": lazy_gettext("Приказ"),
        "ends_on": lazy_gettext("По"),
        "reason_out": lazy_gettext("Причина выбытия"),
        "order_out": lazy_gettext("Приказ о выбытии"),
        "note": lazy_gettext("Примечание"),
        "student.last_name": lazy_gettext("Фамилия"),
    }
    column_sortable_list = (("student", "student.last_name"), "starts_on", "ends_on", "order_in")
    column_default_sort = [("starts_on", True), ("id", True)]
    column_searchable_list = ("student.last_name", "student.first_name", "order_in", "order_out", "note")
    column_filters = ("starts_on", "ends_on", "reason_in", "reason_out")
    column_formatters = {
        "student": lambda v, c, m, n: Markup('<a href="{}">{}</a>').format(
            url_for("students.details_view", id=m.student_id), m.student.full_name
        ),
        "school_class": lambda v, c, m, n: m.school_class.name,
        "starts_on": _date_col,
        "ends_on": _date_col,
        "reason_in": _labels(REASON_IN_LABELS),
        "reason_out": _labels(REASON_OUT_LABELS),
    }

    def get_query(self):
        return super().get_query().options(joinedload(Enrollment.student), joinedload(Enrollment.school_class))

    def get_filters(self):
        filters = super().get_filters() or []
        choices = {"reason_in": REASON_IN_LABELS, "reason_out": REASON_OUT_LABELS}
        for flt in filters:
            key = getattr(getattr(flt, "column", None), "key", None)
            if key in choices and flt.options is None:
                flt.options = [(k, lazy_gettext(v)) for k, v in choices[key].items()]
        return filters


def register(admin) -> None:
    admin.add_view(StudentView(Student, name=lazy_gettext("Обучающиеся"), category=CATEGORY, endpoint="students"))
    admin.add_view(GuardianView(Guardian, name=lazy_gettext("Родители"), category=CATEGORY, endpoint="guardians"))
    admin.add_view(
        StudentGuardianView(
            StudentGuardian,
            name=lazy_gettext("Связи «ребёнок — родитель»"),
            category=CATEGORY,
            endpoint="guardian_links",
        )
    )
    admin.add_view(StaffView(Staff, name=lazy_gettext("Сотрудники"), category=CATEGORY, endpoint="staff"))
    admin.add_view(
        EnrollmentView(Enrollment, name=lazy_gettext("Книга движения"), category=CATEGORY, endpoint="enrollments")
    )
