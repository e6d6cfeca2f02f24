"""The public start page and the parents' and students' diary portal."""

from __future__ import annotations

from flask import Blueprint

from portal.chips import mark_chip, mark_chips

bp = Blueprint("portal", __name__, template_folder="../templates")
bp.add_app_template_global(mark_chip)
bp.add_app_template_global(mark_chips)

from . import (  # noqa: E402,F401  (routes register on import)
    achievements,
    acknowledgement,
    announcements,
    auth,
    consents,
    inbox,
    mail,
    navigation,
    subject,
    views,
)
