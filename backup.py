"""Backups that are restored and checked (R34): every table of the database into one zip file — a JSON line per
row, typed values tagged (dates, times, decimals, bytes), a manifest with the schema revision, the row counts and
a SHA-256 per table — and back into an empty database of the same revision, all or nothing, the counts and
checksums verified. The same file moves a school from SQLite to PostgreSQL and back.

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
from decimal import Decimal
from typing import BinaryIO

from sqlalchemy import Integer, func, inspect, select, text

FORMAT = 1
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
    (tag, raw), = value.items()
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


def _revision(session) -> str | None:
    """The Alembic revision of the database (None when it was not built by the migrations)."""
    if not inspect(session.connection()).has_table("alembic_version"):
        return None
    return session.execute(text("SELECT version_num FROM alembic_version")).scalar()


def write_backup(session, metadata, out: BinaryIO, *, now: dt.datetime | None = None) -> dict:
    """Write every table into ``out`` (a zip); returns the manifest."""
    manifest = {"format": FORMAT, "revision": _revision(session),
                "created_at": (now or dt.datetime.now(dt.timezone.utc)).isoformat(), "tables": {}}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for table in _tables(metadata):
            digest = hashlib.sha256()
            count = 0
            order = list(table.primary_key.columns) or list(table.columns)
            with z.open(f"tables/{table.name}.jsonl", "w") as f:
                for row in session.execute(select(table).order_by(*order)).mappings():
                    line = json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False,
                                      separators=(",", ":")).encode("utf-8") + b"\n"
                    digest.update(line)
                    f.write(line)
                    count += 1
            manifest["tables"][table.name] = {"rows": count, "sha256": digest.hexdigest()}
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
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')!r} is not {FORMAT}")
    revision = _revision(session)
    if manifest.get("revision") != revision:
        raise BackupError(f"the backup is of schema revision {manifest.get('revision')}, this database is at "
                          f"{revision}: migrate it to the same revision first")
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
                raise BackupError(f"table {table.name} is damaged in the backup: {count} rows read, "
                                  f"{expected['rows']} expected, checksum {'ok' if same else 'wrong'}")
        if session.get_bind().dialect.name == "postgresql":
            for table in tables:
                pk = list(table.primary_key.columns)
                if len(pk) == 1 and isinstance(pk[0].type, Integer) and pk[0].autoincrement in (True, "auto"):
                    session.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
                        f"COALESCE((SELECT MAX({pk[0].name}) FROM {table.name}), 0) + 1, false)"))
    except BackupError:
        session.rollback()
        raise
    except Exception as exc:
        session.rollback()
        raise BackupError(f"restoring failed, nothing was written: {exc}") from exc
    session.commit()
    return manifest
