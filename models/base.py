"""The SQLAlchemy handle, naming convention and small mixins shared by every table."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import sqlite3
from contextvars import ContextVar

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, MetaData, String, event, func
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def system_clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


clock = system_clock  # the application's one clock: tests replace it (monkeypatch models.base.clock)


def utcnow() -> dt.datetime:
    """The moment now (aware, UTC), read from ``clock``: every door, column default and rule asks this."""
    return clock()


class CreatedMixin:
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())


def short_name(last_name: str, first_name: str, middle_name: str | None) -> str:
    """ "Иванова А. П.": the surname and initials (a person's ``short_name`` from plain columns)."""
    initials = "".join(f"{p[0]}." for p in (first_name, middle_name) if p)
    return f"{last_name} {initials}".strip()


class PersonNameMixin:
    """Surname, given name and patronymic as the paper journal writes them."""

    last_name: Mapped[str] = mapped_column(String(80))
    first_name: Mapped[str] = mapped_column(String(80))
    middle_name: Mapped[str | None] = mapped_column(String(80))

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    @property
    def short_name(self) -> str:
        return short_name(self.last_name, self.first_name, self.middle_name)

    def __str__(self) -> str:
        return self.short_name


def _unicode_lower(value):
    return value.lower() if isinstance(value, str) else value


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite leaves foreign keys off per connection; WAL and a busy timeout let a few users share it.

    Also replaces the ASCII-only lower() so that Cyrillic search is case-insensitive.
    """
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()
    dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin (savepoints then work).
    dbapi_connection.isolation_level = None


# SQLite transactions that will write must hold the write lock from their BEGIN. A deferred transaction
# that reads and then writes cannot wait for the lock: when another connection committed in between, its
# snapshot is stale and SQLite answers "database is locked" at once, without calling the busy handler
# (the teacher's mark was refused with a 500). BEGIN IMMEDIATE queues behind the busy timeout instead.
# Read-only units (GET pages, backups) keep a deferred BEGIN so that readers never wait for writers (WAL).
_sqlite_writes: ContextVar[bool] = ContextVar("sqlite_writes", default=True)


@contextlib.contextmanager
def expect_writes(writes: bool):
    """Whether the transactions begun inside will write (True: BEGIN IMMEDIATE on SQLite; PostgreSQL
    ignores it): ``with expect_writes(False): …`` for a read-only unit such as a backup."""
    token = _sqlite_writes.set(writes)
    try:
        yield
    finally:
        _sqlite_writes.reset(token)


def set_writes_expected(writes: bool) -> None:
    """The same for the rest of this context (a request: read-only for GET, writing for POST)."""
    _sqlite_writes.set(writes)


def writes_expected() -> bool:
    return _sqlite_writes.get()


@contextlib.contextmanager
def write_unit(session):
    """A write inside a read-only context (a GET page noting a visit): the read transaction ends, the write
    gets a transaction of its own that begins with the write lock, and it is committed here."""
    session.commit()
    with expect_writes(True):
        try:
            yield
            session.commit()
        except BaseException:
            session.rollback()
            raise


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _sqlite_writes.get() else "BEGIN")


def read(statement, params=None):
    """Run a read-only statement on the session's connection and return its plain rows (a ``CursorResult``): no
    ORM result processing and no autoflush, ~40 µs less a statement than ``db.session.execute`` (bench/README.md,
    session 13). For the statements of every page (the navigation's counts, the diary week's validator); a
    statement that must see the request's own pending changes goes through the session."""
    return db.session.connection().execute(statement, params)


_MEMO = "transaction_memo"


def transaction_memo(key, compute):
    """``compute()``'s answer, kept for the rest of the session's transaction: the same question asked twice in
    one request (access to a child by the page's validator, then by the page; the children by the navigation's
    count, then by its switcher) runs one statement. Forgotten as soon as the session writes anything (a flush,
    an INSERT, UPDATE or DELETE through it) and when its transaction ends, so that an answer never outlives the
    rows it was read from in this session. An exception is not kept: the next call asks again."""
    memo = db.session.info.setdefault(_MEMO, {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def known(key):
    """What ``transaction_memo`` keeps under ``key`` in this transaction, None when nothing."""
    return db.session.info.get(_MEMO, {}).get(key)


def remember(key, value) -> None:
    db.session.info.setdefault(_MEMO, {})[key] = value


def forget_transaction_memo(session=None) -> None:
    """Drop what ``transaction_memo`` keeps (the session writes, its transaction ends; a test's fresh start)."""
    (session or db.session).info.pop(_MEMO, None)


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_transaction_end")
def _forget(session, *_context) -> None:
    forget_transaction_memo(session)


@event.listens_for(Session, "do_orm_execute")
def _forget_on_write(state) -> None:
    if not state.is_select:  # an INSERT, UPDATE or DELETE statement run through the session
        forget_transaction_memo(state.session)


def stamp(row, *key) -> str:
    """A page's validator (24 hex digits): what it covers (``key``: the student, the week or the year) and the row
    of counts, sums and texts its stamp statement read (models/journal/diary.py, models/reports/marks_stamp.py)."""
    return hashlib.sha256(repr((*key, tuple(map(str, row)))).encode()).hexdigest()[:24]


def add_unique(row) -> bool:
    """Insert ``row``, which a unique constraint guards: False (and nothing added) when an equal row is there
    already — written by a double click or another tab a moment earlier. A savepoint keeps the transaction."""
    from sqlalchemy.exc import IntegrityError

    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        return False
    return True


def one_of(column: str, values: tuple[str, ...]) -> str:
    """SQL text for a CHECK that ``column`` holds one of ``values``."""
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"{column} IN ({quoted})"
