"""Bulk writing with ids assigned here: SQLAlchemy Core executemany for ordinary tables, and a fast path
for the big ones (raw executemany on SQLite, COPY on PostgreSQL), all inside the session's transaction.

The fast path bypasses SQLAlchemy's type processing, so rows handed to it carry values already in the
database's own text form: use ``date()`` and ``ts()`` (they give exactly what SQLAlchemy would store).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, insert, select, text

from models import db

UTC = dt.UTC


class BulkWriter:
    def __init__(self, session):
        self.session = session
        self.connection = session.connection()
        self.dialect = self.connection.dialect.name
        self.tables = db.metadata.tables
        self._next: dict[str, int] = {}
        self.touched: set[str] = set()
        self._date_cache: dict[dt.date, object] = {}
        self._ts_cache: dict[dt.datetime, object] = {}

    # ids ---------------------------------------------------------------------------------------
    def ids(self, table: str, n: int = 1) -> int:
        """Reserves n consecutive ids in ``table`` and returns the first."""
        if table not in self._next:
            current = self.session.execute(select(func.max(self.tables[table].c.id))).scalar() or 0
            if self.dialect == "postgresql":
                seq = self.session.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table}).scalar()
                if seq:
                    last, called = self.session.execute(text(f"SELECT last_value, is_called FROM {seq}")).one()
                    if called:
                        current = max(current, last)  # never reuse an id the audit log may name
            self._next[table] = current + 1
        first = self._next[table]
        self._next[table] += n
        return first

    def finish(self) -> None:
        """On PostgreSQL, moves each sequence past the ids written here."""
        if self.dialect != "postgresql":
            return
        for table in sorted(self.touched):
            if "id" not in self.tables[table].c:
                continue
            self.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), 1))"
                )
            )

    # values for the fast path --------------------------------------------------------------------
    def date(self, value: dt.date):
        if self.dialect not in ("sqlite", "postgresql"):
            return value
        got = self._date_cache.get(value)
        if got is None:
            got = value.isoformat()
            self._date_cache[value] = got
        return got

    def ts(self, value: dt.datetime):
        """An aware datetime as stored: SQLite keeps naive UTC text, PostgreSQL gets ISO with offset."""
        if self.dialect not in ("sqlite", "postgresql"):
            return value
        got = self._ts_cache.get(value)
        if got is None:
            utc = value.astimezone(UTC)
            if self.dialect == "sqlite":
                got = utc.strftime("%Y-%m-%d %H:%M:%S.%f")
            else:
                got = utc.isoformat()
            self._ts_cache[value] = got
        return got

    def convert(self, value):
        if isinstance(value, dt.datetime):
            return self.ts(value)
        if isinstance(value, dt.date):
            return self.date(value)
        if isinstance(value, bool):
            return int(value) if self.dialect == "sqlite" else value
        if isinstance(value, Decimal):
            return float(value) if self.dialect == "sqlite" else value
        return value

    # writing -----------------------------------------------------------------------------------
    def insert(self, table: str, rows: list[dict], chunk: int = 5000) -> None:
        """Core executemany (SQLAlchemy types and Python-side defaults apply)."""
        if not rows:
            return
        self.touched.add(table)
        by_keys: dict[tuple, list[dict]] = {}
        for row in rows:
            by_keys.setdefault(tuple(row), []).append(row)
        for group in by_keys.values():
            for i in range(0, len(group), chunk):
                self.session.execute(insert(self.tables[table]), group[i : i + chunk])

    def rows(self, table: str, columns: tuple[str, ...], rows: list[tuple], formatted: bool = False) -> None:
        """The fast path: tuples in ``columns`` order. Unless ``formatted``, values are converted here."""
        if not rows:
            return
        self.touched.add(table)
        if not formatted:
            convert = self.convert
            rows = [tuple(convert(v) for v in row) for row in rows]
        raw = self.connection.connection.driver_connection
        if self.dialect == "postgresql":
            with raw.cursor() as cur:
                with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        elif self.dialect == "sqlite":
            marks = ", ".join("?" * len(columns))
            raw.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
        else:  # any other database: through SQLAlchemy
            self.session.execute(insert(self.tables[table]), [dict(zip(columns, r)) for r in rows])


def triggers_off(session) -> str | None:
    """PostgreSQL, superuser only: switch off triggers (foreign-key checks included) for the rest of the
    transaction, as ``pg_restore --disable-triggers`` does. Per-row FK triggers make bulk loading ~5×
    slower, and deleting a district seq-scans unindexed referencing columns (lessons.plan_item_id…) for
    every deleted row. The generator's data is consistent by construction (the tests load it into SQLite
    with foreign keys on, and ``bench/generate.py --check`` verifies every foreign key afterwards).
    Returns the previous setting to hand to ``triggers_on``, or None when nothing was changed."""
    if session.connection().dialect.name != "postgresql":
        return None
    if not session.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar():
        return None
    previous = session.execute(text("SHOW session_replication_role")).scalar()
    session.execute(text("SET LOCAL session_replication_role = replica"))
    return previous


def triggers_on(session, previous: str | None) -> None:
    if previous:
        session.execute(text(f"SET LOCAL session_replication_role = {previous}"))
