"""The staff panel (Flask-Admin). Each area module registers its own views, grouped in the menu by
what each role does: access (operator), people and movement (secretary), my class (class teacher),
organisation of the school (operator), timetable, reports, imports."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_admin import Admin
from flask_admin.menu import MenuLink
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext

from models.idempotency import new_token
from security import csp_nonce

from . import (
    accounts,
    announcements,
    bound_journal,
    control,
    diary_acks,
    distance,
    family_contacts,
    finals,
    imports,
    inbox,
    jobs,
    journal,
    my_class,
    organisation,
    results,
    rosters,
    timetable,
    year_records,
)
from .base import StaffIndexView

# Areas register in this order; each module has `register(admin)`.
AREAS = [
    journal,
    inbox,
    finals,
    rosters,
    my_class,
    organisation,
    timetable,
    results,
    bound_journal,
    control,
    family_contacts,
    imports,
    accounts,
    jobs,
    year_records,
]
AREAS.insert(AREAS.index(inbox) + 1, announcements)  # announcements and surveys, next to the inbox
AREAS += [diary_acks, distance]  # their menu items join the categories "Мой класс" and "Расписание"


def init_admin(app: Flask) -> Admin:
    admin = Admin(
        app,
        name=lazy_gettext("Электронный журнал"),
        theme=Bootstrap4Theme(swatch="default", fluid=True, base_template="admin/journal_base.html"),
        index_view=StaffIndexView(name=lazy_gettext("Главная"), url="/admin", template="admin/staff_index.html"),
        csp_nonce_generator=csp_nonce,
        # Our catalogues fill what Flask-Admin lacks: Kazakh (translations/kk/LC_MESSAGES/admin.po), and the
        # two Russian messages its compiled ru catalogue misses (translations/ru/LC_MESSAGES/admin.po).
        translations_path=str(Path(__file__).resolve().parent.parent / "translations"),
    )
    # Every creating form of the panel: <input type="hidden" name="form_token" value="{{ form_token() }}">
    app.jinja_env.globals["form_token"] = new_token
    for area in AREAS:
        area.register(admin)
    admin.add_link(MenuLink(name=lazy_gettext("Сменить пароль"), endpoint="portal.password"))
    return admin
