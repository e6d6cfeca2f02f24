"""The staff panel (Flask-Admin). Each area module registers its own views, grouped in the menu by
what each role does: access (operator), people and movement (secretary), my class (class teacher),
organisation of the school (operator), timetable, reports, imports."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext

from models.idempotency import new_token
from security import csp_nonce

from . import (
    accounts,
    announcements,
    bound_journal,
    class_codes,
    consents,
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
    search,
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
    consents,
    jobs,
    year_records,
]
AREAS.insert(AREAS.index(inbox) + 1, announcements)  # announcements and surveys, next to the inbox
AREAS += [diary_acks, distance, class_codes]  # their menu items join "Мой класс", "Расписание", "Доступ"
AREAS.append(search)  # no menu item: the box in the bar (journal_base.html)


def _our_admin_catalogue_last() -> None:
    """Flask-Babel merges the catalogues of a domain in order, each overriding the one before; Flask-Admin puts our
    ``translations_path`` first, so its own Russian wording ("Сохранить и добавить новый объект", "Запись была
    создана.") would win over ours. Ours goes last: it fills what Flask-Admin lacks (Kazakh) and overrides its
    generic Russian phrases with the school's words (translations/ru/LC_MESSAGES/admin.po)."""
    from flask_admin import babel as admin_babel

    domain_class = type(admin_babel.domain)
    if getattr(domain_class, "ours_last", False):
        return

    class OursLast(domain_class):
        ours_last = True

        @property
        def translation_directories(self) -> list[str]:
            dirs = super().translation_directories
            return dirs[1:] + dirs[:1] if len(dirs) > 1 else dirs

    admin_babel.domain.__class__ = OursLast


def init_admin(app: Flask) -> Admin:
    _our_admin_catalogue_last()
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
    return admin
