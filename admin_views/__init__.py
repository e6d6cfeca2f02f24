"""The staff panel (Flask-Admin). Each area registers its views here, grouped by what each role does."""
from __future__ import annotations

from flask import Flask
from flask_admin import Admin
from flask_admin.menu import MenuLink
from flask_admin.theme import Bootstrap4Theme

from models import InviteCode, LoginEvent, User
from security import csp_nonce

from .accounts import InviteCodeView, LoginEventView, UserView
from .base import StaffIndexView

ACCESS = "Доступ"


def init_admin(app: Flask) -> Admin:
    admin = Admin(
        app,
        name="Электронный журнал",
        theme=Bootstrap4Theme(swatch="default", fluid=True, base_template="admin/journal_base.html"),
        index_view=StaffIndexView(name="Главная", url="/admin", template="admin/staff_index.html"),
        csp_nonce_generator=csp_nonce,
    )
    admin.add_view(InviteCodeView(InviteCode, name="Коды доступа", category=ACCESS, endpoint="invites"))
    admin.add_view(UserView(User, name="Учётные записи", category=ACCESS, endpoint="users"))
    admin.add_view(LoginEventView(LoginEvent, name="Журнал входов", category=ACCESS, endpoint="logins"))
    admin.add_link(MenuLink(name="Сменить пароль", endpoint="portal.password"))
    return admin
