"""Configuration read from the environment.

With nothing set the app uses a SQLite file under ``instance/``; ``DATABASE_URL`` (for example
``postgresql+psycopg://postgres@127.0.0.1:5432/journal``) switches it to PostgreSQL.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy.pool import StaticPool

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    if shared_deployment():
        raise RuntimeError(
            "SECRET_KEY must be set when several app servers share the load "
            "(RATELIMIT_STORAGE_URI is not memory://): see docs/PRODUCTION.md"
        )
    INSTANCE_DIR.mkdir(exist_ok=True)
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isascii() and value.isdigit() else default


def shared_deployment() -> bool:
    """Several app servers share the load (throttle counters in Redis): each must sign sessions with the
    same SECRET_KEY, so the per-machine instance/secret_key file will not do."""
    return not os.environ.get("RATELIMIT_STORAGE_URI", "memory://").startswith("memory://")


def default_database_url() -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'journal.sqlite'}"


class Config:
    SECRET_KEY = None  # filled lazily in create_app so importing config has no side effects
    SQLALCHEMY_DATABASE_URI = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "ru"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("SCHOOL_TIMEZONE", "Europe/Moscow")
    LANGUAGES = ("ru", "kk", "en")
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "").lower() in ("1", "true", "yes")
    TESTING = False
    # gc.freeze() once the app is built (app.py): start-up objects leave the garbage collector's reach.
    GC_FREEZE = True
    # Login throttling storage: memory:// for one process; redis://host:6379/0 for several app servers.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # Sign-in budgets: security.BUDGETS (AUTH_BUDGETS overrides them); refused requests: REFUSAL_LOG_*.
    # Logging (logsetup.py): one line per event on stdout; LOG_FORMAT=json for JSON lines.
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    SLOW_REQUEST_MS = _env_int("SLOW_REQUEST_MS", 1000)
    # Behind nginx or a load balancer: how many proxies set X-Forwarded-For/-Proto/-Host (wsgi.py's ProxyFix),
    # so that throttling and the logs see the client's address and redirects keep https. 0: served directly.
    PROXY_COUNT = _env_int("PROXY_COUNT", 0)
    # Uploaded import files between preview and confirmation; with several app servers a shared directory.
    IMPORT_UPLOAD_DIR = os.environ.get("IMPORT_UPLOAD_DIR") or None
    IMPORT_INLINE_ROWS = _env_int("IMPORT_INLINE_ROWS", 500)  # bigger files: checked and imported by jobs
    # The portal's address as families reach it: links in letters to families (mailer.py).
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://localhost:5000")
    # Family pages a worker keeps in memory by their ETag (portal/built_pages.py), ~15 KiB each; 0: none.
    BUILT_PAGES = _env_int("BUILT_PAGES", 1000)


class TestConfig(Config):
    """Tests run on TEST_DATABASE_URL, or on one SQLite database in memory shared by all connections."""

    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    SQLALCHEMY_ENGINE_OPTIONS = (
        {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
        if SQLALCHEMY_DATABASE_URI == "sqlite://"
        else {"pool_pre_ping": True}
    )
    WTF_CSRF_ENABLED = False  # tests of CSRF itself switch it on
    RATELIMIT_ENABLED = False  # tests of throttling switch it on
