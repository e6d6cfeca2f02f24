"""Backups that are restored and checked (R34): every table of the database into one zip file — a JSON line per
row, typed values tagged (dates, times, decimals, bytes), a manifest with the schema revision, the row counts and
a SHA-256 per table — and back into an empty database of the same revision, all or nothing, the counts and
checksums verified. The same file moves a school from SQLite to PostgreSQL and back.

A backup is one moment: every table is read inside one read-only transaction (PostgreSQL REPEATABLE READ, READ
ONLY; SQLite one read transaction), which the manifest names. Counts and checksums only prove the file is what
was written; the restore also checks the cross-table invariants a moment must satisfy (foreign keys resolve;
each mark, lesson, attendance row and its creation audit row, written in one transaction, are both there or
both missing exactly as in the snapshot, whose findings the manifest records) and refuses what differs.

    flask --app app backup journal-2026-12-05.zip
    flask --app app restore journal-2026-12-05.zip    # into an empty, migrated database
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import zipfile
from contextlib import contextmanager
from decimal import Decimal
from typing import BinaryIO

from sqlalchemy import Connection, Engine, Integer, Select, and_, exists, func, inspect, select, text

# 2: the manifest says how the one snapshot was taken and what the cross-table checks found in it.
FORMAT = 2
READABLE = (1, 2)
CHUNK = 1000


class BackupError(Exception):
    """A backup that cannot be restored here: the message says why (nothing was written)."""


def _encode(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Decimal):
        return {"d": str(value)}
    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"t": value.isoformat()}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"b": base64.b64encode(bytes(value)).decode("ascii")}
    raise TypeError(f"cannot back up a value of type {type(value).__name__}")


def _decode(value):
    if not isinstance(value, dict):
        return value
    ((tag, raw),) = value.items()
    if tag == "d":
        return Decimal(raw)
    if tag == "dt":
        return dt.datetime.fromisoformat(raw)
    if tag == "date":
        return dt.date.fromisoformat(raw)
    if tag == "t":
        return dt.time.fromisoformat(raw)
    if tag == "b":
        return base64.b64decode(raw)
    raise BackupError(f"unknown value tag {tag!r}")


def _tables(metadata):
    return [t for t in metadata.sorted_tables if t.name != "alembic_version"]


def _revision(conn) -> str | None:
    """The Alembic revision of the database (None when it was not built by the migrations)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


# Rows written together with their audit row in one transaction (models/journal/page.py): a backup of one moment
# holds both or neither. Rows loaded in bulk (the demo school) have none, so a check compares the restored
# database with what the backup's own snapshot showed rather than with nothing.
AUDITED = (("marks", "mark"), ("lessons", "lesson"), ("attendance", "attendance"))


def _checks(metadata) -> dict[str, tuple[Select, bool]]:
    """Cross-table invariants as queries of the keys that break them: name → (query, must be empty).
    Foreign keys must all resolve; the audit pairs must break exactly where they did in the snapshot."""
    checks: dict[str, tuple[Select, bool]] = {}
    audit = metadata.tables["audit_events"]
    for name, entity in AUDITED:
        table, gone = metadata.tables[name], audit.alias("gone")
        created = exists().where(
            audit.c.entity == entity, audit.c.entity_id == table.c.id, audit.c.action == f"{entity}.create"
        )
        checks[f"{name} without the audit row of their creation"] = (
            select(table.c.id).where(~created).order_by(table.c.id),
            False,
        )
        checks[f"{entity}.create audit rows whose {entity} is neither there nor deleted"] = (
            select(audit.c.entity_id)
            .distinct()
            .where(
                audit.c.action == f"{entity}.create",
                audit.c.entity_id.is_not(None),
                ~exists().where(table.c.id == audit.c.entity_id),
                ~exists().where(
                    gone.c.entity == entity, gone.c.entity_id == audit.c.entity_id, gone.c.action == f"{entity}.delete"
                ),
            )
            .order_by(audit.c.entity_id),
            False,
        )
    for table in _tables(metadata):
        key = list(table.primary_key.columns) or list(table.columns)
        for fk in sorted(table.foreign_key_constraints, key=lambda c: c.column_keys):
            parent = fk.referred_table.alias("parent")
            pairs = [(el.parent, parent.c[el.column.name]) for el in fk.elements]
            checks[f"{table.name}.{','.join(fk.column_keys)} → {fk.referred_table.name} not found"] = (
                select(*key)
                .where(
                    and_(*(child.is_not(None) for child, _ in pairs)),
                    ~exists().where(and_(*(child == ref for child, ref in pairs))),
                )
                .order_by(*key),
                True,
            )
    return checks


def _keys(rows) -> list:
    """The offending keys of a check, packed: runs of three or more consecutive ids as [first, last]."""
    keys = sorted((row[0] if len(row) == 1 else ",".join(map(str, row)) for row in rows), key=str)
    ints = sorted(k for k in keys if isinstance(k, int))
    packed, i = [k for k in keys if not isinstance(k, int)], 0
    while i < len(ints):
        j = i
        while j + 1 < len(ints) and ints[j + 1] == ints[j] + 1:
            j += 1
        packed += [[ints[i], ints[j]]] if j - i >= 2 else ints[i : j + 1]
        i = j + 1
    return packed


def _unpack(packed: list) -> set:
    keys = set()
    for k in packed:
        keys.update(range(k[0], k[1] + 1) if isinstance(k, list) else (k,))
    return keys


def _run_checks(keys_of, metadata) -> dict[str, dict]:
    found = {}
    for name, (query, _strict) in _checks(metadata).items():
        keys = keys_of(query)
        found[name] = {"rows": len(keys), "keys": _keys(keys)}
    return found


def _differences(found: dict[str, dict], expected: dict[str, dict] | None, metadata) -> list[str]:
    """What the restored database breaks beyond what the backup's snapshot broke (``expected``; None for a
    backup made before the checks were recorded: then only the foreign keys are checked)."""
    lines = []
    for name, (_query, strict) in _checks(metadata).items():
        if expected is None and not strict:
            continue
        now = _unpack(found[name]["keys"])
        before = set() if strict else _unpack(expected.get(name, {"keys": []})["keys"])
        if now != before:
            extra, missing = sorted(now - before, key=str), sorted(before - now, key=str)
            lines.append(
                f"{name}: {len(now)} restored, {len(before)} in the backup's snapshot"
                + (f"; restored only: {', '.join(map(str, extra[:10]))}" if extra else "")
                + (f"; snapshot only: {', '.join(map(str, missing[:10]))}" if missing else "")
            )
    return lines


class _Reader:
    """Reads of one snapshot: ``rows(query)`` gives mappings with the columns' Python values."""

    def __init__(self, conn, description: str):
        self.conn, self.description = conn, description

    def rows(self, query):
        return self.conn.execute(query).mappings()

    def keys(self, query) -> list[tuple]:
        return [tuple(r) for r in self.conn.execute(query)]


class _SQLiteReader(_Reader):
    """A read transaction on a sqlite3 connection of our own (deferred BEGIN: it takes no write lock, so saves
    go on; in WAL mode its snapshot is fixed by the first read and held to the end). The statements are
    compiled by SQLAlchemy and the values converted by the columns' own result processors."""

    def __init__(self, engine):
        import sqlite3

        path = engine.url.database
        if not path or path == ":memory:" or path.startswith("file::memory:"):
            raise BackupError(
                "an in-memory SQLite database cannot be read at one snapshot from a second "
                "connection: back up a database file"
            )
        self.dialect = engine.dialect
        raw = sqlite3.connect(path, isolation_level=None, timeout=10)
        raw.execute("PRAGMA query_only=ON")
        raw.execute("BEGIN")
        super().__init__(raw, "SQLite: one read transaction (BEGIN, deferred) across all tables")

    def _execute(self, query):
        compiled = query.compile(dialect=self.dialect, compile_kwargs={"literal_binds": True})
        cursor = self.conn.execute(str(compiled))
        return cursor, [
            c.type.dialect_impl(self.dialect).result_processor(self.dialect, None) for c in query.selected_columns
        ]

    def rows(self, query):
        cursor, processors = self._execute(query)
        names = [c.name for c in query.selected_columns]
        for raw in cursor:
            yield {n: p(v) if p else v for n, p, v in zip(names, processors, raw)}

    def keys(self, query) -> list[tuple]:
        return [tuple(r) for r in self._execute(query)[0]]

    def revision(self) -> str | None:
        found = self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'")
        if found.fetchone() is None:
            return None
        row = self.conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None


@contextmanager
def snapshot(source):
    """A reader of one moment of ``source``: an Engine gets a read-only transaction of its own (PostgreSQL
    REPEATABLE READ, READ ONLY: every table at the snapshot of its first statement; SQLite: one deferred read
    transaction); a Session or Connection is read inside the transaction it is in (the tests' way)."""
    if not isinstance(source, Engine):
        yield _Reader(source if isinstance(source, Connection) else source.connection(), "the caller's transaction")
        return
    if source.dialect.name == "sqlite":
        reader = _SQLiteReader(source)
        try:
            yield reader
        finally:
            reader.conn.rollback()
            reader.conn.close()
        return
    with source.connect() as conn:
        with conn.begin():
            # DEFERRABLE would wait for a snapshot free of serialization anomalies, which matters only among
            # SERIALIZABLE transactions; the app's writers run at READ COMMITTED, so it would only delay.
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield _Reader(conn, "PostgreSQL: one REPEATABLE READ, READ ONLY transaction across all tables")


def write_backup(source, metadata, out: BinaryIO, *, now: dt.datetime | None = None) -> dict:
    """Write every table into ``out`` (a zip), all read at one snapshot of ``source`` (see ``snapshot``), with
    the cross-table checks as that snapshot saw them; returns the manifest."""
    with snapshot(source) as reader:
        revision = reader.revision() if isinstance(reader, _SQLiteReader) else _revision(reader.conn)
        manifest = {
            "format": FORMAT,
            "revision": revision,
            "created_at": (now or dt.datetime.now(dt.UTC)).isoformat(),
            "snapshot": reader.description,
            "tables": {},
        }
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for table in _tables(metadata):
                digest = hashlib.sha256()
                count = 0
                order = list(table.primary_key.columns) or list(table.columns)
                with z.open(f"tables/{table.name}.jsonl", "w") as f:
                    for row in reader.rows(select(table).order_by(*order)):
                        line = (
                            json.dumps(
                                {k: _encode(v) for k, v in row.items()}, ensure_ascii=False, separators=(",", ":")
                            ).encode("utf-8")
                            + b"\n"
                        )
                        digest.update(line)
                        f.write(line)
                        count += 1
                manifest["tables"][table.name] = {"rows": count, "sha256": digest.hexdigest()}
            manifest["checks"] = _run_checks(reader.keys, metadata)
            z.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


def read_backup(session, metadata, source: BinaryIO) -> dict:
    """Restore ``source`` into this (empty, migrated) database in one transaction; returns the manifest.
    Raises BackupError, having written nothing, when the file is damaged or does not fit."""
    try:
        z = zipfile.ZipFile(source)
        manifest = json.loads(z.read("manifest.json"))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise BackupError(f"not a backup of this system: {exc}") from None
    if manifest.get("format") not in READABLE:
        raise BackupError(f"backup format {manifest.get('format')!r} is not one of {READABLE}")
    revision = _revision(session.connection())
    if manifest.get("revision") != revision:
        raise BackupError(
            f"the backup is of schema revision {manifest.get('revision')}, this database is at "
            f"{revision}: migrate it to the same revision first"
        )
    tables = _tables(metadata)
    for table in tables:
        if session.execute(select(func.count()).select_from(table)).scalar():
            raise BackupError(f"the database is not empty (table {table.name}): restore only into a new one")
    missing = set(manifest["tables"]) - {t.name for t in tables}
    if missing:
        raise BackupError(f"unknown tables in the backup: {', '.join(sorted(missing))}")
    try:
        for table in tables:
            expected = manifest["tables"].get(table.name, {"rows": 0, "sha256": hashlib.sha256().hexdigest()})
            digest = hashlib.sha256()
            count = 0
            batch = []
            name = f"tables/{table.name}.jsonl"
            lines = io.BufferedReader(z.open(name)) if name in z.namelist() else io.BytesIO()
            for line in lines:
                digest.update(line)
                batch.append({k: _decode(v) for k, v in json.loads(line).items()})
                count += 1
                if len(batch) >= CHUNK:
                    session.execute(table.insert(), batch)
                    batch = []
            if batch:
                session.execute(table.insert(), batch)
            same = digest.hexdigest() == expected["sha256"]
            if count != expected["rows"] or not same:
                raise BackupError(
                    f"table {table.name} is damaged in the backup: {count} rows read, "
                    f"{expected['rows']} expected, checksum {'ok' if same else 'wrong'}"
                )
        differences = _differences(
            _run_checks(_Reader(session, "the restore").keys, metadata), manifest.get("checks"), metadata
        )
        if differences:
            raise BackupError(
                "the backup is not of one consistent moment (nothing was written):\n  " + "\n  ".join(differences)
            )
        if session.get_bind().dialect.name == "postgresql":
            for table in tables:
                pk = list(table.primary_key.columns)
                if len(pk) == 1 and isinstance(pk[0].type, Integer) and pk[0].autoincrement in (True, "auto"):
                    session.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
                            f"COALESCE((SELECT MAX({pk[0].name}) FROM {table.name}), 0) + 1, false)"
                        )
                    )
    except BackupError:
        session.rollback()
        raise
    except Exception as exc:
        session.rollback()
        raise BackupError(f"restoring failed, nothing was written: {exc}") from exc
    session.commit()
    return manifest


def check_file(source: BinaryIO) -> dict:
    """Read a backup file back without a database: every table's row count and SHA-256 as its manifest says.
    Returns the manifest; BackupError names the first table that differs."""
    try:
        z = zipfile.ZipFile(source)
        manifest = json.loads(z.read("manifest.json"))
        names = set(z.namelist())
        for table, expected in manifest["tables"].items():
            digest, count = hashlib.sha256(), 0
            name = f"tables/{table}.jsonl"
            for line in io.BufferedReader(z.open(name)) if name in names else ():
                digest.update(line)
                count += 1
            if count != expected["rows"] or digest.hexdigest() != expected["sha256"]:
                raise BackupError(
                    f"table {table} differs from the manifest: {count} rows read, {expected['rows']} written"
                )
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise BackupError(f"not a readable backup: {exc.__class__.__name__}") from None
    return manifest
