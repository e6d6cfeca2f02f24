"""Accounts in the staff panel: invitation codes and their register, user accounts, the login log and the
log of refused requests."""

from __future__ import annotations

from flask import Response, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.model.template import EndpointLinkRowAction
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload
from wtforms import Form, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

import school_clock
from models import InviteCode, LoginEvent, RefusedRequest, User, db
from models.access import (
    ACCOUNT_READERS,
    ACCOUNT_WRITERS,
    CLASS_CODE_OFFICE,
    CLASS_TEACHERS,
    INVITE_ISSUERS,
    INVITE_READERS,
)
from models.accounts.auth import MASKED_PREFIX, allowed_roles_for, block_user, set_roles, unblock_user
from models.accounts.invites import invite_candidates, issue_invite, revoke_invite
from models.base import utcnow
from models.errors import InvalidInput
from models.i18n import _ as N_
from models.parsing import parse_id
from models.tables.accounts import ROLE_LABELS, STAFF_ROLES
from reports.invite_register import invite_register, invite_register_pdf

from .base import ScopedModelView, actor, operation

INLINE_REGISTER_ROWS = 40  # ~25 ms a row with xhtml2pdf: a class's register prints inline in under a second
STAFF_ROLE_CHOICES = [SelectChoice(r, _l(ROLE_LABELS[r])) for r in STAFF_ROLES]


class IssueForm(Form):
    person = SelectField(_l("Кому"), validators=[DataRequired(_l("Выберите, кому выдаётся код."))])
    role = SelectField(_l("Роль сотрудника"), choices=STAFF_ROLE_CHOICES, default="teacher")


class BlockForm(Form):
    reason = StringField(_l("Причина"), validators=[DataRequired(_l("Укажите причину блокировки.")), Length(max=255)])


def _fmt_dt(view, context, model, name):
    return school_clock.moment(getattr(model, name))


class InviteCodeView(ScopedModelView):
    roles = INVITE_READERS
    writer_roles = INVITE_ISSUERS
    list_template = "admin/invites_list.html"
    column_list = ("id", "person", "role", "issued_by", "issued_at", "expires_at", "used_at", "revoked_at")
    column_labels = {
        "id": "№",
        "person": _l("Кому выдан"),
        "role": _l("Роль"),
        "issued_by": _l("Кем выдан"),
        "issued_at": _l("Выдан"),
        "expires_at": _l("Действует до"),
        "used_at": _l("Использован"),
        "revoked_at": _l("Отозван"),
    }
    column_sortable_list = ("id", "role", "issued_at", "expires_at", "used_at", "revoked_at")
    column_formatters = {
        "person": lambda v, c, m, n: m.person.full_name if m.person else "",
        "issued_by": lambda v, c, m, n: m.issued_by.login,
        "role": lambda v, c, m, n: _(ROLE_LABELS.get(m.role, m.role)),
        "issued_at": _fmt_dt,
        "expires_at": _fmt_dt,
        "used_at": _fmt_dt,
        "revoked_at": _fmt_dt,
    }
    column_default_sort = ("issued_at", True)
    can_view_details = False

    @property
    def can_issue(self) -> bool:
        """Codes are issued on the issue page (not Flask-Admin's create form)."""
        return self._can_write()

    @property
    def class_codes_url(self) -> str | None:
        """Codes for a whole class at once (admin_views/class_codes.py): the operator's door or the class teacher's."""
        a = actor()
        if a.has(*CLASS_CODE_OFFICE):
            return url_for("class_codes.index")
        return url_for("my_class_codes.index") if a.has(*CLASS_TEACHERS) else None

    def get_query(self):
        return (
            super()
            .get_query()
            .options(
                joinedload(InviteCode.staff),
                joinedload(InviteCode.student),
                joinedload(InviteCode.guardian),
                joinedload(InviteCode.issued_by),
            )
        )

    @expose("/issue/", methods=["GET", "POST"])
    def issue_view(self):
        if not self._can_write():
            return self.inaccessible_callback("issue")
        form = IssueForm(request.form)
        candidates = invite_candidates(actor(), today=school_clock.today())
        form.person.choices = [SelectChoice("", _("— выберите —"))] + [
            SelectChoice(v, label) for v, label in candidates
        ]
        if not actor().has("operator"):
            del form.role
        issued = None
        if request.method == "POST" and form.validate():
            kind, _sep, raw_id = form.person.data.partition(":")
            role = form.role.data if kind == "staff" and hasattr(form, "role") else kind
            with operation() as done:
                try:
                    invite, code = issue_invite(
                        actor(),
                        role,
                        now=utcnow(),
                        **{f"{'guardian' if kind == 'parent' else kind}_id": parse_id(raw_id) or 0},
                    )
                except ValueError:
                    raise InvalidInput(N_("Неверный выбор.")) from None
            if done:
                label = dict(candidates).get(form.person.data, "")
                issued = {
                    "code": code,
                    "person": label,
                    "role": _(ROLE_LABELS.get(role, role)),
                    "expires": invite.expires_at.strftime("%d.%m.%Y"),
                    "url": url_for("portal.redeem", _external=True),
                }
        return self.render("admin/invite_issue.html", form=form, issued=issued)

    @expose("/register.pdf")
    def register_pdf(self):
        """Inline while it prints in well under a second (a class); a bigger register (a whole school: 1,426
        codes took 36 s) is a background job, asked for on "Мои задания"."""
        if self.get_count_query().scalar() > INLINE_REGISTER_ROWS:
            flash(_("Реестр большой и печатается в фоне: нажмите «Заказать» — файл появится здесь."), "info")
            return redirect(url_for("jobs.index"))
        school_name, rows = invite_register(actor())
        pdf = invite_register_pdf(school_name, rows, generated=school_clock.moment(utcnow()))
        return Response(
            pdf, mimetype="application/pdf", headers={"Content-Disposition": "inline; filename=invite-register.pdf"}
        )

    @action("revoke", _l("Отозвать"), _l("Отозвать выбранные неиспользованные коды?"))
    def action_revoke(self, ids):
        if not self._can_write():
            flash(_("Недостаточно прав."), "error")
            return
        revoked = 0
        for invite in self.get_query().filter(InviteCode.id.in_([i for i in map(parse_id, ids) if i is not None])):
            if invite.used_at is None and invite.revoked_at is None:
                revoke_invite(actor(), invite, now=utcnow())
                revoked += 1
        db.session.commit()
        flash(_("Отозвано кодов: %(n)s.", n=revoked), "success")


class UserView(ScopedModelView):
    roles = ACCOUNT_READERS
    writer_roles = ACCOUNT_WRITERS
    column_extra_row_actions = [
        EndpointLinkRowAction("fa fa-id-badge", ".roles_view", _l("Роли"), id_arg="user_id"),
        EndpointLinkRowAction("fa fa-lock", ".block_view", _l("Блокировка"), id_arg="user_id"),
    ]
    column_list = ("login", "roles", "last_login_at", "blocked_at", "blocked_reason")
    column_labels = {
        "login": _l("Логин"),
        "roles": _l("Роли"),
        "last_login_at": _l("Последний вход"),
        "blocked_at": _l("Заблокирован"),
        "blocked_reason": _l("Причина блокировки"),
    }
    column_searchable_list = ("login",)
    column_default_sort = "login"
    column_formatters = {
        "roles": lambda v, c, m, n: ", ".join(_(ROLE_LABELS.get(r.role, r.role)) for r in m.roles),
        "last_login_at": _fmt_dt,
        "blocked_at": _fmt_dt,
    }
    can_view_details = False

    @expose("/block/<int:user_id>", methods=["GET", "POST"])
    def block_view(self, user_id: int):
        user = self.get_one(user_id)
        if user is None or not self._can_write():
            return self.inaccessible_callback("block")
        form = BlockForm(request.form)
        if request.method == "POST" and user.blocked_at is None and form.validate():
            with operation() as done:
                block_user(user, reason=form.reason.data, now=utcnow(), actor_id=actor().user_id)
            if done:
                flash(
                    _("Учётная запись %(login)s заблокирована, все её сеансы завершены.", login=user.login), "success"
                )
                return redirect(url_for(".index_view"))
        return self.render("admin/user_block.html", form=form, user=user)

    @expose("/roles/<int:user_id>", methods=["GET", "POST"])
    def roles_view(self, user_id: int):
        user = self.get_one(user_id)
        if user is None or not self._can_write():
            return self.inaccessible_callback("roles")
        if request.method == "POST":
            with operation() as done:
                set_roles(actor(), user, set(request.form.getlist("roles")))
            if done:
                flash(_("Роли учётной записи %(login)s сохранены.", login=user.login), "success")
                return redirect(url_for(".index_view"))
        choices = [(r, _(ROLE_LABELS[r])) for r in allowed_roles_for(user)]
        return self.render("admin/user_roles.html", user=user, choices=choices, current=user.role_names)

    @expose("/unblock/<int:user_id>", methods=["POST"])
    def unblock_view(self, user_id: int):
        user = self.get_one(user_id)
        if user is None or not self._can_write():
            return self.inaccessible_callback("unblock")
        unblock_user(user, actor_id=actor().user_id)
        db.session.commit()
        flash(_("Учётная запись %(login)s разблокирована.", login=user.login), "success")
        return redirect(url_for(".index_view"))

    def get_query(self):
        return super().get_query().options(selectinload(User.roles))


def _fmt_login(view, context, model, name):
    """A login that matched no account is kept only as a digest (models.accounts.auth.masked_login)."""
    if model.login.startswith(MASKED_PREFIX):
        return _("неизвестный логин %(digest)s", digest=model.login[len(MASKED_PREFIX) :])
    return model.login


class _AccessLogView(ScopedModelView):
    """A read-only log of the school's accounts, newest first: the operator and the director read it."""

    roles = ACCOUNT_READERS
    column_labels = {
        "at": _l("Время"),
        "login": _l("Логин"),
        "user": _l("Логин"),
        "success": _l("Успешно"),
        "ip_address": _l("Адрес"),
        "user_agent": _l("Браузер"),
        "method": _l("Метод"),
        "path": _l("Адрес страницы"),
    }
    column_default_sort = ("at", True)
    can_view_details = False


class LoginEventView(_AccessLogView):
    column_list = ("at", "login", "success", "ip_address", "user_agent")
    column_formatters = {"at": _fmt_dt, "login": _fmt_login}
    column_searchable_list = ("login",)
    column_filters = ("success",)


class RefusedRequestView(_AccessLogView):
    """Requests refused for lack of rights (403), next to the login log."""

    column_list = ("at", "user", "method", "path", "ip_address")
    column_formatters = {"at": _fmt_dt, "user": lambda v, c, m, n: m.user.login if m.user else ""}
    column_searchable_list = ("path",)

    def get_query(self):
        return super().get_query().options(joinedload(RefusedRequest.user))


ACCESS = _l("Доступ")


def register(admin) -> None:
    admin.add_view(InviteCodeView(InviteCode, name=_l("Коды доступа"), category=ACCESS, endpoint="invites"))
    admin.add_view(UserView(User, name=_l("Учётные записи"), category=ACCESS, endpoint="users"))
    admin.add_view(LoginEventView(LoginEvent, name=_l("Журнал входов"), category=ACCESS, endpoint="logins"))
    admin.add_view(
        RefusedRequestView(RefusedRequest, name=_l("Отказы в доступе"), category=ACCESS, endpoint="refusals")
    )
