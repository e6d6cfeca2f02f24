"""What every staff view shares: only staff enter, each view names the roles it serves, and every
row a view lists, opens, counts, offers in a dropdown or an ajax lookup is scoped by models/access.py."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import AdminIndexView, BaseView
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from flask_login import current_user
from sqlalchemy import inspect as sa_inspect

from models import db
from models.access import SCOPES, Actor, visible_ids
from models.accounts import STAFF_ROLES
from models.errors import JournalError


def actor() -> Actor:
    return Actor.of(current_user if getattr(current_user, "is_authenticated", False) else None)


class RoleGate:
    """Mixin for admin views: ``roles`` lists who may open the view at all."""

    roles: frozenset[str] = frozenset(STAFF_ROLES)

    def is_accessible(self) -> bool:
        return actor().has(*self.roles)

    def inaccessible_callback(self, name, **kwargs):
        if not getattr(current_user, "is_authenticated", False):
            return redirect(url_for("portal.login", next=request.full_path))
        abort(403)


class StaffIndexView(RoleGate, AdminIndexView):
    pass


class StaffPage(RoleGate, BaseView):
    """A custom staff page (grids, forms that call operations)."""


class ScopedAjaxLoader(QueryAjaxModelLoader):
    def get_query(self):
        return super().get_query().filter(self.model.id.in_(visible_ids(actor(), self.model)))

    def get_one(self, pk):
        return self.get_query().filter(self.model.id == pk).one_or_none()


class ScopedModelView(RoleGate, ModelView):
    """A model list whose rows, counts, single rows, dropdowns and ajax lookups are all scoped."""

    can_view_details = True
    page_size = 50
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
    def _scope(self, query):
        return query.filter(self.model.id.in_(visible_ids(actor(), self.model)))

    def get_query(self):
        return self._scope(super().get_query())

    def get_count_query(self):
        return self._scope(super().get_count_query())

    def get_one(self, id):
        return self.get_query().filter(self.model.id == id).one_or_none()

    # --- dropdowns and ajax lookups
    def _scope_form(self, form):
        for rel in sa_inspect(self.model).relationships:
            field = getattr(form, rel.key, None)
            target = rel.mapper.class_
            if field is not None and hasattr(field, "query_factory") and target in SCOPES:
                field.query_factory = (lambda t=target: db.session.query(t).filter(
                    t.id.in_(visible_ids(actor(), t))))
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
            flash(exc.message, "error")
            return True
        return super().handle_view_exception(exc)
