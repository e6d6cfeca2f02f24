"""What every staff view shares: only staff enter, each view names the roles it serves, and every
row a view lists, opens, counts, offers in a dropdown or an ajax lookup is scoped by models/access.py."""

from __future__ import annotations

import datetime as dt
import enum
import time
from contextlib import contextmanager
from decimal import Decimal
from urllib.parse import quote, urlsplit

from flask import Response, abort, flash, g, jsonify, redirect, request, url_for
from flask_admin import AdminIndexView, BaseView, expose
from flask_admin.actions import action
from flask_admin.babel import lazy_gettext as admin_lazy_gettext
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from flask_admin.form import BaseForm
from flask_admin.helpers import get_redirect_target
from flask_babel import gettext
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import SQLAlchemyError
from wtforms import HiddenField

import school_clock
from i18n import error_text, text
from models import db
from models.access import CLASS_TEACHERS, SCOPES, Actor, can_remove_records, visible_ids
from models.backups import home_status
from models.base import utcnow
from models.errors import AccessDenied, JournalError, NeedsConfirmation, NotFound
from models.home.school_day import school_day
from models.home.today import teacher_day
from models.i18n import Joined, Text
from models.idempotency import FIELD, AlreadySubmitted, claim, first_location, new_token, record_location
from models.journal.remarks import fix_remark, my_remarks
from models.parsing import parse_id, parse_int
from models.school.removal import remove_record
from models.tables.accounts import STAFF_ROLES
from reports.export import CSV_MIMETYPE, XLSX_MIMETYPE, write_csv, write_xlsx
from request_guards import filter_value_fits

from .fields import StrictModelConverter

MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 1000


def actor() -> Actor:
    """The signed-in person as the rules see them, built once per request for that account: the menu alone asks
    every view whether it is accessible (~55 times a page)."""
    user = current_user._get_current_object() if getattr(current_user, "is_authenticated", False) else None
    held = g.get("_actor")
    if held is None or held[0] is not user:
        held = g._actor = (user, Actor.of(user))
    return held[1]


# --- the one way a domain refusal becomes an answer of the staff panel ----------------------------------------
class Outcome:
    """What ``operation()`` found: truthy when the operation ran and was committed, else ``refusal`` says why."""

    refusal: JournalError | None = None

    def __bool__(self) -> bool:
        return self.refusal is None


def refusal_messages(exc: JournalError) -> list[str]:
    """A refusal's text in the user's language; a refusal listing several clashes (the timetable's
    ``ClashError``) or warnings (``NeedsConfirmation``) gives one message per reason."""
    clashes = getattr(exc, "clashes", None)
    if clashes:
        return [gettext(clash.template, **dict(clash.params)) for clash in clashes]
    warnings = getattr(exc, "warnings", None)
    if warnings:
        return [text(w) for w in warnings]
    return [error_text(exc)]


def abort_refusal(exc: JournalError):
    """The refusal as an error page: its status (403, 404, 409, …) and its message."""
    abort(exc.status, error_text(exc))


def answer_refusal(exc: JournalError, *, forged_aborts: bool | tuple[type[JournalError], ...] = False) -> None:
    """A refusal on a page: a forged or stale request (no access, nothing there) ends in 403/404 when
    ``forged_aborts`` (or in an error page for the refusals it lists); any other refusal (bad input, a closed
    period, an archived year) is flashed in the user's language and the page is shown again."""
    aborting = (AccessDenied, NotFound) if forged_aborts is True else forged_aborts or ()
    if isinstance(exc, aborting):
        abort_refusal(exc)
    category = "warning" if isinstance(exc, NeedsConfirmation) else "error"  # a soft rule: not an error
    for message in refusal_messages(exc):
        flash(message, category)


def refusal_json(exc: JournalError, **extra):
    """The same refusal for a script (the journal grid's AJAX): its message and its status."""
    db.session.rollback()
    return jsonify(ok=False, error=error_text(exc), **extra), exc.status


@contextmanager
def operation(
    *,
    forged_aborts: bool | tuple[type[JournalError], ...] = False,
    commit: bool = True,
    quiet: tuple[type[JournalError], ...] = (),
):
    """``with operation() as done: change(...)`` then ``if done: flash(...)``: commits when the domain
    operation ran; on a JournalError rolls back and answers it with ``answer_refusal`` (``done`` is falsy).
    ``commit=False`` for what only reads or parses user input: the refusal is answered the same way, the
    transaction is left alone. Refusals of the ``quiet`` kinds are only rolled back and kept in
    ``done.refusal`` (a warning the view asks to confirm on its own page)."""
    done = Outcome()
    try:
        yield done
    except JournalError as exc:
        if commit:
            db.session.rollback()
        done.refusal = exc
        if not isinstance(exc, quiet):
            answer_refusal(exc, forged_aborts=forged_aborts)
    else:
        if commit:
            db.session.commit()


@contextmanager
def refusal_page():
    """``with refusal_page(): page = build(...)``: a page that cannot be shown (someone else's, not there,
    bad address) is answered with ``abort_refusal``."""
    try:
        yield
    except JournalError as exc:
        abort_refusal(exc)


def _same_site_referrer() -> str | None:
    ref = request.referrer
    return ref if ref and urlsplit(ref).netloc == request.host else None


def _run_once(run, token: str):
    """Runs a view for a POST carrying a one-time form token (models/idempotency.py): the token is claimed in
    the view's own transaction; a repeat changes nothing and is sent where the first submit led."""
    try:
        claim(token)
    except AlreadySubmitted as exc:
        location = exc.location
        for _attempt in range(40):  # a concurrent first submit has committed; its page is recorded just after
            if location is not None:
                break
            db.session.rollback()
            time.sleep(0.05)
            location = first_location(token)
        db.session.rollback()
        flash(error_text(exc), "warning")
        return redirect(location or _same_site_referrer() or url_for("admin.index"), 303)
    except JournalError as exc:
        db.session.rollback()
        answer_refusal(exc)
        return redirect(_same_site_referrer() or url_for("admin.index"), 303)
    response = run()
    # Uncommitted work is dropped (as at the end of every request); the claim is there only if it committed.
    db.session.rollback()
    redirected = isinstance(response, Response) and 300 <= response.status_code < 400
    try:
        record_location(token, response.location if redirected and response.location else "")
        db.session.commit()
    except SQLAlchemyError:  # where to send a repeat is a convenience; the change itself is committed
        db.session.rollback()
    return response


class FormTokenField(HiddenField):
    """The one-time token of a Flask-Admin form: fresh at every render (a form shown again after an error
    was not claimed), read from the request by the view hook, never written to the model."""

    def _value(self):
        return new_token()

    def populate_obj(self, obj, name):
        pass


class TokenForm(BaseForm):
    form_token = FormTokenField()


class RoleGate:
    """Mixin for admin views: ``roles`` lists who may open the view at all. A POST carrying a one-time form
    token (every creating form has one) is run once (``_run_once``)."""

    roles: frozenset[str] = frozenset(STAFF_ROLES)

    def _run_view(self, fn, *args, **kwargs):
        token = request.form.get(FIELD) if request.method == "POST" else None
        if not token:
            return super()._run_view(fn, *args, **kwargs)
        return _run_once(lambda: super(RoleGate, self)._run_view(fn, *args, **kwargs), token)

    def is_accessible(self) -> bool:
        return actor().has(*self.roles)

    def inaccessible_callback(self, name, **kwargs):
        if not getattr(current_user, "is_authenticated", False):
            return redirect(url_for("portal.login", next=request.full_path))
        abort(403)


class StaffIndexView(RoleGate, AdminIndexView):
    """The home page: a teacher's day (today's lessons, lessons still to record), the administration's school
    day (substitutions, the period to close, open remarks), else a greeting; a class teacher's way to the
    control's findings on their class."""

    def is_visible(self) -> bool:
        return False  # the bar's brand ("Электронный журнал") leads home: one item less, the bar fits 1366 px

    @expose("/")
    def index(self):
        a, today = actor(), school_clock.today()
        return self.render(
            self._template,
            day=teacher_day(a, today),
            remarks=my_remarks(a),
            today=today,
            school=school_day(a, today),
            backup=home_status(a, utcnow()),
            class_teacher=a.has(*CLASS_TEACHERS) and a.staff_id is not None,
        )

    @expose("/remarks/<int:remark_id>/fix", methods=["POST"])
    def fix_remark(self, remark_id: int):
        """The teacher reports a remark of the administration fixed (models/journal/remarks.py)."""
        with operation(forged_aborts=True) as done:
            fix_remark(actor(), remark_id, request.form.get("note"), now=utcnow())
        if done:
            flash(gettext("Отмечено исправленным: заместитель директора проверит и снимет замечание."), "success")
        return redirect(url_for(".index") + "#my-remarks")


class StaffPage(RoleGate, BaseView):
    """A custom staff page (grids, forms that call operations)."""


class ScopedAjaxLoader(QueryAjaxModelLoader):
    def get_query(self):
        return super().get_query().filter(self.model.id.in_(visible_ids(actor(), self.model)))

    def get_one(self, pk):
        pk = parse_id(pk)
        return None if pk is None else self.get_query().filter(self.model.id == pk).one_or_none()


class ScopedModelView(RoleGate, ModelView):
    """A model list whose rows, counts, single rows, dropdowns and ajax lookups are all scoped."""

    can_view_details = True
    page_size = 50
    form_base_class = TokenForm  # create and edit forms carry a one-time token
    model_form_converter = StrictModelConverter  # numbers in ASCII digits, dates inside the calendar
    writer_roles: frozenset[str] = frozenset()  # who may create/edit/delete; empty: read-only

    def __init__(self, model, **kwargs):
        super().__init__(model, db, **kwargs)

    # --- permissions per request (subclasses set allow_* and writer_roles, not can_*)
    def _can_write(self) -> bool:
        return actor().has(*self.writer_roles)

    @property
    def can_create(self):  # type: ignore[override]
        return self._can_write() and self.allow_create

    @property
    def can_edit(self):  # type: ignore[override]
        return self._can_write() and self.allow_edit

    @property
    def can_delete(self):  # type: ignore[override]
        return self._can_write() and self.allow_delete

    allow_create = False
    allow_edit = False
    allow_delete = False

    # --- rows
    def _get_list_extra_args(self):
        """Page, page size and sort from the address as ASCII numbers in range (PostgreSQL refuses a negative
        OFFSET, a 20-digit page overflows it): anything else is the default."""
        args = super()._get_list_extra_args()
        args.page = parse_int(request.args.get("page"), 0, low=0, high=MAX_PAGE)
        args.page_size = parse_int(request.args.get("page_size"), 0, low=0, high=MAX_PAGE_SIZE)
        args.sort = parse_int(request.args.get("sort"), low=0, high=MAX_PAGE)
        args.sort_desc = parse_int(request.args.get("desc"), low=0, high=1)
        return args

    def _get_list_filter_args(self):
        """The list filters of the address whose values are numbers and dates the database can hold: a
        filter with "٥", a 20-digit id or the year 9999 is dropped like any value Flask-Admin cannot read."""
        filters = super()._get_list_filter_args()
        if filters is None:
            return None
        return [f for f in filters if filter_value_fits(self._filters[f[0]], f[2])]

    def _scope(self, query):
        return query.filter(self.model.id.in_(visible_ids(actor(), self.model)))

    def get_query(self):
        return self._scope(super().get_query())

    def get_count_query(self):
        return self._scope(super().get_count_query())

    def get_one(self, id):
        id = parse_id(id)
        return None if id is None else self.get_query().filter(self.model.id == id).one_or_none()

    # --- dropdowns and ajax lookups
    def _scope_form(self, form):
        for rel in sa_inspect(self.model).relationships:
            field = getattr(form, rel.key, None)
            target = rel.mapper.class_
            if field is not None and hasattr(field, "query_factory") and target in SCOPES:
                field.query_factory = lambda t=target: db.session.query(t).filter(t.id.in_(visible_ids(actor(), t)))
        return form

    def create_form(self, obj=None):
        return self._scope_form(super().create_form(obj))

    def edit_form(self, obj=None):
        return self._scope_form(super().edit_form(obj))

    def _create_ajax_loader(self, name, options):
        attr = getattr(self.model, name)
        remote = attr.property.mapper.class_
        return ScopedAjaxLoader(name, db, remote, **options)

    # --- errors from the domain become messages, never a 500
    def handle_view_exception(self, exc):
        if isinstance(exc, JournalError):
            answer_refusal(exc)
            return True
        return super().handle_view_exception(exc)

    # --- exports: the rows the list shows (scoped, filtered, searched, sorted), as CSV or XLSX through
    # reports/export.py — formula-like text neutralised, numbers and dates typed (Flask-Admin's own
    # XLSX export needs tablib and writes every cell as text).
    can_export = True
    export_types = ["csv", "xlsx"]
    # Bounded so that an export never holds a web worker for seconds (issue 12): measured here, XLSX writes
    # ~2,000 rows a second (20,000 rows x 8 columns: 10 s), CSV ~30,000 (0.6 s). A longer list is refused
    # with a word on how to narrow it, never cut silently.
    export_limits = {"xlsx": 3000, "csv": 50000}

    @expose("/export/<export_type>/")
    def export(self, export_type):
        return_url = get_redirect_target() or self.get_url(".index_view")
        if not self.can_export or export_type not in self.export_types:
            flash(gettext("Выгрузка в этом формате недоступна."), "error")
            return redirect(return_url)
        view_args = self._get_list_extra_args()
        sort = self._get_column_by_idx(view_args.sort)
        limit = self.export_limits[export_type]
        count, rows = self.get_list(
            0, sort[0] if sort else None, view_args.sort_desc, view_args.search, view_args.filters, page_size=limit
        )
        if count > limit:
            flash(
                gettext(
                    "В списке %(n)s строк, а в %(kind)s выгружается не больше %(max)s за раз. Сузьте список "
                    "фильтром или поиском%(csv)s.",
                    n=count,
                    kind=export_type.upper(),
                    max=limit,
                    csv=gettext(" или выгрузите CSV") if export_type == "xlsx" else "",
                ),
                "error",
            )
            return redirect(return_url)
        headers = [str(label) for _name, label in self._export_columns]
        values = [[self.export_cell(row, name) for name, _label in self._export_columns] for row in rows]
        tz = school_clock.zone()
        if export_type == "xlsx":
            body = write_xlsx(headers, values, sheet_title=str(self.name), tz=tz)
            mimetype = XLSX_MIMETYPE
        else:
            body = write_csv(headers, values, tz=tz)
            mimetype = CSV_MIMETYPE
        stem = f"{self.name}-{school_clock.today():%Y-%m-%d}"
        ascii_stem = f"{self.endpoint}-{school_clock.today():%Y-%m-%d}"
        disposition = f"attachment; filename={ascii_stem}.{export_type}; filename*=UTF-8''{quote(stem)}.{export_type}"
        return Response(body, mimetype=mimetype, headers={"Content-Disposition": disposition})

    def export_cell(self, model, name):
        """A cell's value for the export. Dates, times and fractional numbers go out typed even when the
        list shows them through a formatter (that only formats them for the screen); other columns use
        their formatter (labels of codes, names of related rows). A view's own
        ``column_formatters_export`` always wins. HTML becomes its text."""
        explicit = type(self).column_formatters_export or {}
        formatter = explicit.get(name) or (self.column_formatters or {}).get(name)
        if formatter is not None and getattr(formatter, "__name__", "") == "inner":  # a Jinja macro: no export
            formatter = None
        if formatter is not None and name not in explicit:
            raw = self._get_field_value(model, name)
            if isinstance(raw, (dt.date, dt.time, Decimal, float)):
                formatter = None
        value = formatter(self, None, model, name) if formatter is not None else self._get_field_value(model, name)
        choices = self._column_choices_map.get(name, {})
        if choices and value in choices:
            value = choices[value]
        if isinstance(value, Markup):
            return value.striptags()
        if isinstance(value, Text | Joined):  # a name the system gives ("Устный ответ"): the reader's language
            return text(value)
        if isinstance(value, bool):
            return gettext("да") if value else gettext("нет")
        if isinstance(value, enum.Enum):
            return value.name
        if isinstance(value, (list, tuple, set)):
            return ", ".join(str(v) for v in value)
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)  # stored in UTC; SQLite hands it back without a zone
        return value


class BinDeleteMixin:
    """A list whose "delete" (button and bulk action) puts the row into the bin (models/school/removal.py) with
    what hangs on it: the operator's, restorable from "Корзина"."""

    removed_kind = ""
    allow_delete = True

    @property
    def can_delete(self):  # type: ignore[override]
        return can_remove_records(actor())

    @action(
        "delete", admin_lazy_gettext("Delete"), admin_lazy_gettext("Are you sure you want to delete selected records?")
    )
    def action_delete(self, ids):
        """The bulk delete, row by row through ``delete_model`` (each flashed); ids arrive as text, which PostgreSQL
        refuses to compare with an integer column."""
        wanted = [i for i in (parse_id(x) for x in ids) if i is not None]
        for model in self.get_query().filter(self.model.id.in_(wanted)).all() if wanted else ():
            self.delete_model(model)

    def delete_model(self, model):
        with operation() as done:
            remove_record(actor(), self.removed_kind, model.id)
        if done:
            flash(gettext("«%(label)s» перенесено в корзину.", label=str(model)), "success")
        return bool(done)
