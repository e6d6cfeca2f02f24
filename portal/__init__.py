"""The public start page and the parents' and students' diary portal."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("portal", __name__, template_folder="../templates")

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
