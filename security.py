"""Web-side security: response headers with a CSP nonce, session lifetime checks, login throttling."""
from __future__ import annotations

import datetime as dt
import re
import secrets

from flask import Flask, current_app, g, request, session
from flask_login import current_user, logout_user
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from models import db
from models.activity import note_visit
from models.base import utcnow
from models.errors import TooManyAttempts
from models.i18n import _
from models.settings import get_setting

def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def init_security(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    app.config.setdefault("LOGIN_FAILURE_LIMITS", "10 per 15 minutes")
    # Failed logins and code redemptions are counted in `limits` storage: memory for one process,
    # Redis (RATELIMIT_STORAGE_URI=redis://…) when several app servers share the load.
    app.extensions["auth_throttle"] = MovingWindowRateLimiter(storage_from_string(app.config["RATELIMIT_STORAGE_URI"]))
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.before_request
    def _enforce_session_lifetime():
        if not current_user.is_authenticated:
            return None
        now = utcnow().timestamp()
        idle = get_setting(current_user.school_id, "session_idle_minutes") * 60 if current_user.school_id else 3600
        absolute = get_setting(current_user.school_id, "session_absolute_hours") * 3600 if current_user.school_id else 43200
        started, seen = session.get("auth_at", now), session.get("seen_at", now)
        if now - seen > idle or now - started > absolute:
            logout_user()
            session.clear()
            return None
        session["seen_at"] = now
        today = utcnow().date()
        if session.get("visit_day") != today.isoformat():  # the session's first request of the day: a visit
            note_visit(current_user.id, today)
            db.session.commit()
            session["visit_day"] = today.isoformat()
        return None

    @app.after_request
    def _headers(response):
        nonce = csp_nonce()
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-store")
            if request.path.startswith("/admin") and not response.direct_passthrough:
                response.set_data(rewrite_inline_handlers(response.get_data(as_text=True)))
        return response


# Flask-Admin's templates carry a few inline handlers, which our CSP (no 'unsafe-inline') refuses.
# Rewrite them into data attributes that static/js/admin-csp.js binds; nothing else in a page changes.
_INLINE_REWRITES = [
    (re.compile(r'\sonclick="return modelActions\.execute\(\'([\w-]+)\'\);?"'), r' data-model-action="\1"'),
    (re.compile(r'\sonclick="return faHelpers\.safeConfirm\(\'((?:[^\'\\]|\\.)*)\'\);?"'), r' data-confirm="\1"'),
    (re.compile(r'\sonclick="return false;?"'), " data-prevent-default"),
    (re.compile(r'href="javascript:void\(0\)"'), 'href="#" data-prevent-default'),
]


def rewrite_inline_handlers(html: str) -> str:
    for pattern, replacement in _INLINE_REWRITES:
        html = pattern.sub(replacement, html)
    return html


def _limits(app_config) -> list:
    return [parse(x) for x in app_config["LOGIN_FAILURE_LIMITS"].split(";") if x.strip()]


def check_not_throttled(config, *keys: str) -> None:
    """Refuses the attempt while the failures for any key (login, address) exceed the limit."""
    if not config.get("RATELIMIT_ENABLED", True):
        return
    for limit in _limits(config):
        for key in keys:
            if not current_app.extensions["auth_throttle"].test(limit, "auth-failure", key):
                raise TooManyAttempts(_("Слишком много неудачных попыток. Подождите несколько минут и попробуйте снова."))


def record_failure(config, *keys: str) -> None:
    if not config.get("RATELIMIT_ENABLED", True):
        return
    for limit in _limits(config):
        for key in keys:
            current_app.extensions["auth_throttle"].hit(limit, "auth-failure", key)


def mark_login(now: dt.datetime | None = None) -> None:
    now = now or utcnow()
    stamp = now.timestamp()
    session["auth_at"] = stamp
    session["seen_at"] = stamp
    session["visit_day"] = now.date().isoformat()  # authenticate() noted the visit
