"""The register of consents to personal-data processing as a PDF (rows from models/accounts/consents.py)."""

from __future__ import annotations

from models.accounts.consents import ConsentRegister
from models.i18n import N_

CONSENT_COLUMNS = (  # the header's text and the share of the page's width
    (N_("№"), 0.05),
    (N_("Класс"), 0.07),
    (N_("Обучающийся"), 0.2),
    (N_("Кто дал согласие"), 0.2),
    (N_("Логин"), 0.12),
    (N_("Дано"), 0.12),
    (N_("Редакция"), 0.1),
    (N_("Состояние"), 0.14),
)
CONSENT_FONT_SIZE = 10


def consent_register_pdf(register: ConsentRegister, class_name: str, generated: str) -> bytes:
    from flask_babel import gettext

    from i18n import text

    from .pdf import para, register_pdf

    size = CONSENT_FONT_SIZE
    body = [
        [
            str(r.number),
            r.class_name,
            para(r.student, size),
            para(r.person, size),
            para(r.account, size),
            r.accepted_at,
            para(r.version, size),
            para(text(r.state), size),
        ]
        for r in register.rows
    ]
    where = f"{register.school}, {class_name}" if class_name else register.school
    return register_pdf(
        gettext("Реестр согласий на обработку персональных данных"),
        gettext("%(school)s · сформирован %(when)s", school=where, when=generated),
        [(gettext(label), share) for label, share in CONSENT_COLUMNS],
        body,
        empty=gettext("Согласий нет."),
        size=size,
    )
