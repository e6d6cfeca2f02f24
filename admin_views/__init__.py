"""The staff panel (Flask-Admin). Each area registers its views here."""
from __future__ import annotations

from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

from .base import StaffIndexView


def init_admin(app: Flask) -> Admin:
    admin = Admin(
        app,
        name="Электронный журнал",
        theme=Bootstrap4Theme(swatch="default", fluid=True),
        index_view=StaffIndexView(name="Главная", url="/admin"),
    )
    return admin
