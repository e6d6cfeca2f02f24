"""Staff panel page "Мой класс → Контакты семей": the class teacher corrects the contact data of their class's
students (address) and guardians (phone, e-mail, workplace). Who may and the checks are the domain's
(models.access.can_edit_contacts, models.school.people_records.update_contacts); movement stays the secretary's."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext, lazy_gettext

from i18n import error_text
from models import db
from models.errors import InvalidInput
from models.school.movement import class_roster
from models.school.people_records import CONTACT_FIELDS, CONTACT_LABELS, update_contacts

from .base import actor, refusal_page
from .forms import to_int, today
from .my_class import CATEGORY, MyClassPage, day_in_year


class ContactsView(MyClassPage):
    @expose("/")
    def index(self):
        classes, cls = self._classes_and_current()
        roster = []
        if cls is not None:
            with refusal_page():
                roster = class_roster(actor(), cls.id, day_in_year(cls))
        return self.render(
            "admin/my_class/contacts.html", classes=classes, cls=cls, roster=roster, labels=CONTACT_LABELS
        )

    @expose("/save", methods=["POST"])
    def save(self):
        entity, person_id = request.form.get("entity", ""), to_int(request.form.get("person_id"))
        class_id = to_int(request.form.get("class_id"))
        values = {field: request.form[field] for field in CONTACT_FIELDS.get(entity, ()) if field in request.form}
        with refusal_page():  # another class's family, a forged id: 403 / 404
            try:
                changed = update_contacts(actor(), entity, person_id, values, today=today())
            except InvalidInput as exc:
                db.session.rollback()
                field = getattr(exc, "field", None)
                label = gettext(CONTACT_LABELS[field]) + ": " if field else ""
                flash(gettext("Не сохранено: %(problem)s", problem=label + error_text(exc)), "error")
                changed = None
        if changed is not None:
            db.session.commit()
            flash(gettext("Контакты сохранены.") if changed else gettext("Изменений нет."), "success")
        anchor = f"#student-{person_id}" if entity == "student" else ""
        return redirect(url_for(".index", class_id=class_id) + anchor)


def register(admin) -> None:
    admin.add_view(
        ContactsView(
            name=lazy_gettext("Контакты семей"),
            category=CATEGORY,
            endpoint="my_class_contacts",
            url="/admin/my-class/contacts",
        )
    )
