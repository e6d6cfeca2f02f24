"""How a request uses the database: the SQLite transaction mode per request, and the losers of races
answered as conflicts (never a 500).

- A GET (HEAD, OPTIONS) request only reads: its transactions begin deferred, so readers never queue
  behind writers. Any other method writes: its transactions begin with the write lock on SQLite
  (models.base), so two teachers saving at once queue behind the busy timeout instead of one getting
  "database is locked". A read-only request that must write once (a visit noted on a page) does it in
  ``models.base.write_unit``. A write inside a read-only request is reported (an error under tests).
- A request that lost a race the domain did not foresee (a row changed or inserted meanwhile, a lock
  that never came, a serialisation failure on PostgreSQL) is rolled back and answered 409 with a
  clear message in the user's language (JSON for the journal grid's requests); "busy" after the whole
  busy timeout is 503 with Retry-After.
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from flask_babel import gettext
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, PendingRollbackError
from sqlalchemy.orm.exc import StaleDataError

from models import db
from models.base import set_writes_expected, writes_expected
from models.i18n import N_
from web.errors import error_page

log = logging.getLogger(__name__)

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE")

CONFLICT = N_(
    "Эти данные только что изменил другой пользователь или ваш же повторный запрос. "
    "Обновите страницу, проверьте и повторите, если нужно."
)
BUSY = N_("Сервер сейчас занят записью. Подождите минуту и повторите.")

# SQLSTATEs of PostgreSQL that mean "another transaction got there first": retrying is the user's answer.
_PG_RACE_STATES = {"40001", "40P01", "55P03"}  # serialization_failure, deadlock_detected, lock_not_available


def is_race(exc: BaseException) -> bool:
    if isinstance(exc, (StaleDataError, IntegrityError, PendingRollbackError)):
        return True
    if isinstance(exc, DBAPIError):
        return getattr(exc.orig, "sqlstate", None) in _PG_RACE_STATES
    return False


def is_busy(exc: BaseException) -> bool:
    return isinstance(exc, DBAPIError) and "database is locked" in str(exc.orig)


_strict = False  # tests make a write in a read-only request an error, production logs it


def init_transactions(app: Flask) -> None:
    global _strict
    _strict = app.testing

    def _transaction_mode():
        set_writes_expected(request.method not in READ_ONLY_METHODS)

    # First of all before-request functions: the input guard and the session check load the signed-in user
    # (the locale, the session lifetime) and so begin the request's transaction; registered in order, a GET
    # began it with the write lock on SQLite (BEGIN IMMEDIATE) and serialised every reader behind writers.
    app.before_request_funcs.setdefault(None, []).insert(0, _transaction_mode)

    @app.teardown_request
    def _reset_mode(_exc):
        set_writes_expected(True)  # CLI commands and jobs after this context write by default

    @app.teardown_request
    def _end_reading(exc):
        """A reading request that changed nothing ends its transaction with COMMIT, not the pool's ROLLBACK:
        psycopg forgets its prepared statements at every ROLLBACK, so on PostgreSQL a page's statements were
        planned again on every request (the diary's validator: 2 ms planning, 0.2 ms prepared)."""
        session = db.session()
        if (
            exc is None
            and request.method in READ_ONLY_METHODS
            and session.in_transaction()
            and not (session.new or session.dirty or session.deleted)
        ):
            try:
                session.commit()
            except DBAPIError:
                session.rollback()

    def _answer(code: int, message: str):
        db.session.rollback()
        if request.is_json or request.accept_mimetypes.best == "application/json":
            response = jsonify(ok=False, error=message)
            response.status_code = code
        else:
            response = app.make_response(error_page(code, message))
        if code == 503:
            response.headers["Retry-After"] = "30"
        return response

    @app.errorhandler(StaleDataError)
    @app.errorhandler(PendingRollbackError)
    @app.errorhandler(DBAPIError)  # IntegrityError and OperationalError are DBAPIErrors
    def _race(exc):
        if is_busy(exc):
            log.warning("database busy after the whole timeout: %s %s", request.method, request.path)
            return _answer(503, gettext(BUSY))
        if not is_race(exc):
            raise exc
        log.warning("race lost: %s %s: %s", request.method, request.path, exc, exc_info=True)
        return _answer(409, gettext(CONFLICT))


@event.listens_for(Engine, "before_cursor_execute")
def _write_in_read_only(conn, _cursor, statement, _params, _context, _executemany):
    if (
        conn.dialect.name == "sqlite"
        and not writes_expected()
        and statement.lstrip()[:7].upper().startswith(WRITE_VERBS)
    ):
        message = f"a write in a read-only request (SQLite deferred transaction): {statement[:80]}"
        if _strict:
            raise RuntimeError(message + " — wrap it in models.base.write_unit")
        log.warning(message)
