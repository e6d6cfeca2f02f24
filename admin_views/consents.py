"""Staff panel, "Доступ" → "Согласия": the register of the families' consents to personal-data processing
(who, for which child, when, which text version, given or withdrawn), by class, and its PDF. Who reads it and
which rows: models/access.py (can_view_consents, consent_class_ids), the same for the page and the PDF."""

from __future__ import annotations

from flask import Response, request
from flask_admin import expose
from flask_babel import lazy_gettext

import school_clock
from models.access import CONSENT_READERS
from models.accounts.consents import consent_register
from models.base import utcnow
from reports.consent_register import consent_register_pdf

from .accounts import ACCESS
from .base import StaffPage, actor, refusal_page
from .forms import to_int, today


def _register():
    class_id = to_int(request.args.get("class_id"))
    with refusal_page():
        return consent_register(actor(), today(), class_id)


class ConsentRegisterView(StaffPage):
    roles = CONSENT_READERS

    @expose("/")
    def index(self):
        return self.render("admin/consents.html", register=_register())

    @expose("/register.pdf")
    def register_pdf(self):
        register = _register()
        chosen = next((c.name for c in register.classes if c.id == register.class_id), "")
        pdf = consent_register_pdf(register, chosen, generated=school_clock.moment(utcnow()))
        return Response(
            pdf, mimetype="application/pdf", headers={"Content-Disposition": "inline; filename=consent-register.pdf"}
        )


def register(admin) -> None:
    admin.add_view(
        ConsentRegisterView(name=lazy_gettext("Согласия"), category=ACCESS, endpoint="consents", url="/admin/consents")
    )
