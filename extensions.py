"""Flask extensions, created once and bound to the app in create_app."""

from __future__ import annotations

from flask import current_app, g, has_request_context, request
from flask_babel import Babel, gettext
from flask_login import LoginManager, current_user
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

from models.i18n import N_

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "portal.login"
login_manager.login_message = N_("Войдите, чтобы открыть эту страницу.")
login_manager.localize_callback = gettext  # flashed in the visitor's language (a lazy string cannot be flashed)
login_manager.login_message_category = "info"
migrate = Migrate()


def select_locale() -> str:
    """The user's chosen language, else the ?lang= or cookie choice, else Russian (outside a request, e.g. a
    background job that did not choose its owner's language: Russian)."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    chosen = request.args.get("lang") or request.cookies.get("lang")
    return chosen if chosen in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


@login_manager.user_loader
def _load_user(session_id: str):
    """Session ids are "user id:session token"; a rotated token (logout elsewhere, password change,
    blocking) no longer matches, so every old cookie is refused."""
    from models.school.settings import SESSION_LIMITS, account_school_and_settings

    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    # One round trip: the account, its roles, its school and the session's limits (security.py reads them).
    user, school, limits = account_school_and_settings(int(user_id), *SESSION_LIMITS)
    if user is None or user.blocked_at is not None or user.session_token != token:
        return None
    g.session_school = (user.id, school, limits)
    return user
