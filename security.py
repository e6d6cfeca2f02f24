"""Web-side security: response headers with a CSP nonce, session lifetime checks, sign-in throttling with
known-device cookies, and the record of refused requests."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import math
import re
import secrets
import time

from flask import Flask, current_app, g, request, session
from flask_login import current_user, logout_user
from itsdangerous import BadData, URLSafeTimedSerializer
from limits.storage import storage_from_string
from sqlalchemy.exc import SQLAlchemyError

import school_clock
from models import db
from models.accounts.activity import note_visit
from models.accounts.auth import record_refusal
from models.base import utcnow, write_unit
from models.errors import TooManyAttempts
from models.i18n import _
from models.school.settings import SESSION_LIMITS, school_and_settings

log = logging.getLogger(__name__)

# How often a session's last activity is written down (seconds). Idle limits are minutes (5 at the least): a
# session may end up to this much before its exact limit. Not every request: an unchanged session is not signed
# and sent again, and a late response of a page's many requests cannot carry an older session over a newer one
# (which lost flashed messages).
SEEN_EVERY = 30


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def init_security(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    app.config.setdefault("REFUSAL_LOG_PER_ADDRESS", 30)
    app.config.setdefault("REFUSAL_LOG_PER_HOUR", 600)
    app.config.setdefault("REFUSAL_LOG_DAYS", 90)
    # Failed sign-ins and code checks are counted in `limits` storage: memory for one process,
    # Redis (RATELIMIT_STORAGE_URI=redis://…) when several app servers share the load.
    app.extensions["auth_throttle"] = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.before_request
    def _enforce_session_lifetime():
        if _is_static_asset() or not current_user.is_authenticated:
            return None  # a stylesheet or a script neither loads the user nor touches the session
        now = utcnow().timestamp()
        idle, absolute = 3600, 43200
        if current_user.school_id:  # the school's row (its zone, below) and the session's limits
            held = g.get("session_school")  # read with the account (extensions._load_user), else now
            school, (minutes, hours) = (
                held[1:]
                if held and held[0] == current_user.id
                else school_and_settings(current_user.school_id, *SESSION_LIMITS)
            )
            school_clock.remember(school)
            idle, absolute = minutes * 60, hours * 3600
        started, seen = session.get("auth_at", now), session.get("seen_at", now)
        if now - seen > idle or now - started > absolute:
            logout_user()
            session.clear()
            return None
        if now - seen >= SEEN_EVERY:
            session["seen_at"] = now
        today = school_clock.today()  # the school's calendar day, not the server's
        if session.get("visit_day") != today.isoformat():  # the session's first request of the day: a visit
            with write_unit(db.session):  # a GET's transaction reads only (transactions.py)
                note_visit(current_user.id, today)
            session["visit_day"] = today.isoformat()
        return None

    @app.after_request
    def _headers(response):
        nonce = csp_nonce()
        asset = _is_static_asset() and response.status_code in (200, 304)  # not an error page for a missing one
        if asset and request.args.get("v"):
            # Flask-Admin's scripts, stylesheets and fonts carry their library's version in the address (?v=4.6.2):
            # a new version is a new address, so a browser keeps them instead of asking again on every page.
            response.headers["Cache-Control"] = VERSIONED_ASSET
        elif response.status_code == 304:
            # No body: the browser keeps the stored page with its own policy (a new nonce would not match it).
            response.headers["Cache-Control"] = PRIVATE_REVALIDATE
        if response.status_code == 304:
            return response
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
        if not asset and not g.get("private_revalidate"):
            # Pages, PDFs, spreadsheets and attachments may carry personal data: no browser or proxy keeps them.
            response.headers["Cache-Control"] = "no-store"
        if response.mimetype == "text/html" and request.path.startswith("/admin") and not response.direct_passthrough:
            response.set_data(rewrite_inline_handlers(response.get_data(as_text=True)))
        return response

    @app.after_request
    def _record_refusal(response):
        if response.status_code == 403:
            note_refusal()
        return response


# The one exception to no-store (a family's week, marks and subject pages, portal/kept_pages.py): the browser alone may
# keep them, and must ask every time (its ETag answered 304 when nothing changed); shared caches never store them
# ("private").
PRIVATE_REVALIDATE = "private, no-cache"
VERSIONED_ASSET = "public, max-age=31536000, immutable"  # a year: the address changes with the version
# Signing out empties this browser's cache of the site, so a kept page does not outlive the session.
CLEAR_CACHE = '"cache"'


def revalidate_privately(response, etag: str):
    """Marks a page as kept by the browser only and revalidated on every visit by its ETag."""
    g.private_revalidate = True
    response.set_etag(etag)
    response.headers["Cache-Control"] = PRIVATE_REVALIDATE
    response.headers["Vary"] = "Cookie"
    return response


def _is_static_asset() -> bool:
    """Stylesheets, scripts and fonts of the app and of Flask-Admin: the same for everyone, cacheable."""
    return (request.endpoint or "").split(".")[-1] == "static"


def note_refusal() -> None:
    """Records a refused request (who, method, path, address, when). Whatever the refused request left
    unsaved is dropped first. Bounded: at most REFUSAL_LOG_PER_ADDRESS rows a minute from one address and
    REFUSAL_LOG_PER_HOUR rows an hour in all; rows older than REFUSAL_LOG_DAYS go once an hour."""
    config = current_app.config
    if config.get("RATELIMIT_ENABLED", True) and not (
        _within(f"refusals:{request.remote_addr}", 60, config["REFUSAL_LOG_PER_ADDRESS"])
        and _within("refusals", 3600, config["REFUSAL_LOG_PER_HOUR"])
    ):
        return
    user_id = current_user.id if current_user.is_authenticated else None
    prune = _within("refusals-pruned", 3600, 1)
    try:
        db.session.rollback()
        with write_unit(db.session):  # a refused GET's transaction only read (transactions.py)
            record_refusal(
                user_id=user_id,
                method=request.method,
                path=request.full_path.rstrip("?"),
                ip=request.remote_addr,
                now=utcnow(),
                keep_days=config["REFUSAL_LOG_DAYS"] if prune else None,
            )
    except SQLAlchemyError:  # the refusal itself must still reach the user
        db.session.rollback()
        log.exception("could not record a refused request")


def _within(key: str, seconds: int, allowed: int) -> bool:
    """Counts one event under key in the throttle storage; True while at most `allowed` in `seconds`."""
    return current_app.extensions["auth_throttle"].incr(key, seconds) <= allowed


# Flask-Admin's templates carry a few inline handlers, which our CSP (no 'unsafe-inline') refuses.
# Rewrite them into data attributes that static/js/admin-csp.js binds; nothing else in a page changes.
# Each rule with the plain text it needs: most pages have none, and a plain search of a 200 KB grid costs ~0.02 ms
# where each of these patterns (starting with \s) costs ~0.8 ms.
_INLINE_REWRITES = [
    (
        'onclick="',
        re.compile(r'\sonclick="return modelActions\.execute\(\'([\w-]+)\'\);?"'),
        r' data-model-action="\1"',
    ),
    (
        'onclick="',
        re.compile(r'\sonclick="return faHelpers\.safeConfirm\(\'((?:[^\'\\]|\\.)*)\'\);?"'),
        r' data-confirm="\1"',
    ),
    ('onclick="', re.compile(r'\sonclick="return false;?"'), " data-prevent-default"),
    ("javascript:", re.compile(r'href="javascript:void\(0\)"'), 'href="#" data-prevent-default'),
]


def rewrite_inline_handlers(html: str) -> str:
    for needle, pattern, replacement in _INLINE_REWRITES:
        if needle in html:
            html = pattern.sub(replacement, html)
    return html


@dataclasses.dataclass(frozen=True)
class Budget:
    """After `free` failures a counter waits `wait` seconds, twice longer after every further failure (up
    to `cap`); a counter forgets its failures `memory` seconds after the first one."""

    free: int
    wait: int
    cap: int = 3600
    memory: int = 24 * 3600


# Who is slowed down, not whose account: a wrong password counts against the (account, address) pair and the
# address; all unknown devices together share a larger budget per account, so that guessing from many
# addresses is slowed; the owner's known device (a signed cookie set at a successful sign-in) has its own
# counter and is not locked out by either. Invitation codes that cannot be used count per address.
BUDGETS = {
    "pair": Budget(free=5, wait=30),
    "address": Budget(free=30, wait=60),
    "account": Budget(free=20, wait=60),
    "device": Budget(free=5, wait=30),
    "invite": Budget(free=10, wait=60),
}
RESET_ON_SUCCESS = ("pair", "device")
DEVICE_COOKIE = "known_devices"
DEVICE_COOKIE_DAYS = 180
DEVICES_KEPT = 10


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _budget(config, kind: str) -> Budget:
    return config.get("AUTH_BUDGETS", {}).get(kind) or BUDGETS[kind]


def throttle_check(config, keys: list[tuple[str, str]]) -> None:
    """Refuses the attempt while any of its counters waits; the message says for how long."""
    if not config.get("RATELIMIT_ENABLED", True):
        return
    storage = current_app.extensions["auth_throttle"]
    waits = [
        storage.get_expiry(f"wait:{kind}:{_digest(key)}") - time.time()
        for kind, key in keys
        if storage.get(f"wait:{kind}:{_digest(key)}")
    ]
    if waits:
        raise TooManyAttempts(
            _("Слишком много неудачных попыток. Попробуйте снова через %(minutes)s мин."),
            minutes=max(1, math.ceil(max(waits) / 60)),
        )


def throttle_failure(config, keys: list[tuple[str, str]]) -> None:
    """Counts a failure on each counter; past its free failures a counter waits, twice longer each time."""
    if not config.get("RATELIMIT_ENABLED", True):
        return
    storage = current_app.extensions["auth_throttle"]
    for kind, key in keys:
        budget, name = _budget(config, kind), _digest(key)
        failures = storage.incr(f"fail:{kind}:{name}", budget.memory)
        if failures >= budget.free:
            storage.clear(f"wait:{kind}:{name}")
            storage.incr(f"wait:{kind}:{name}", min(budget.wait * 2 ** min(failures - budget.free, 20), budget.cap))


def throttle_success(config, keys: list[tuple[str, str]]) -> None:
    """A successful sign-in clears its own pair or device counter (never the address or account budgets)."""
    storage = current_app.extensions["auth_throttle"]
    for kind, key in keys:
        if kind in RESET_ON_SUCCESS:
            storage.clear(f"fail:{kind}:{_digest(key)}")
            storage.clear(f"wait:{kind}:{_digest(key)}")


def login_keys(login: str, address: str | None, device: str | None) -> list[tuple[str, str]]:
    if device:
        return [("device", f"{login}|{device}")]
    return [("pair", f"{login}|{address}"), ("address", f"{address}"), ("account", login)]


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="known-device")


def _known_devices() -> dict[str, str]:
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return {}
    try:
        value = _device_serializer().loads(raw, max_age=DEVICE_COOKIE_DAYS * 24 * 3600)
    except BadData:
        return {}
    return value if isinstance(value, dict) else {}


def known_device(login: str) -> str | None:
    """This browser's device id for the account, if it signed in to it before (and the cookie is ours)."""
    device = _known_devices().get(_digest(login))
    return device if isinstance(device, str) else None


def remember_device(response, login: str) -> None:
    """After a successful sign-in: this browser becomes a known device of the account."""
    devices = _known_devices()
    device = devices.pop(_digest(login), None) or secrets.token_urlsafe(16)
    devices = dict(list(devices.items())[-(DEVICES_KEPT - 1) :]) | {_digest(login): device}
    response.set_cookie(
        DEVICE_COOKIE,
        _device_serializer().dumps(devices),
        max_age=DEVICE_COOKIE_DAYS * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )


def mark_login(now: dt.datetime | None = None) -> None:
    now = now or utcnow()
    stamp = now.timestamp()
    session["auth_at"] = stamp
    session["seen_at"] = stamp
    session["visit_day"] = school_clock.today().isoformat()  # authenticate() noted the visit
