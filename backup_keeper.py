"""The backups the system keeps (R34): the work behind models/backups.py's decisions.

- ``run_scheduled(now)``: when the schedule says a backup is due, write one (backup.py: every table at one
  snapshot) into the backups directory, read it back against its manifest (the "verified" the operator sees),
  record it (BackupRun) and delete the scheduled backups beyond "keep N". The job worker calls it every 15
  minutes (tasks.py ``scheduled_backup``); without a worker, a cron line does the same:
  ``*/15 * * * * cd /srv/journal && .venv/bin/flask --app app backup-scheduled``.
- ``drill()``: restore the latest good backup into a scratch database (a temporary SQLite file, or an empty
  database given by URL), migrated to the backup's revision; read_backup checks counts, checksums and the
  cross-table checks; then the scratch database is backed up again and every table must give the same SHA-256
  as the original file (the same row counts when the scratch is of another kind than the source: a PostgreSQL
  backup drilled on SQLite writes its moments back without their zone). The result is recorded on the backup (drilled_at, drill_ok).

Directory: ``BACKUP_DIR`` (config or environment), default instance/backups.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

from backup import BackupError, check_file, write_backup
from models import BackupRun, db
from models.backups import in_progress, is_due, last_good, plan, to_prune
from models.base import utcnow
from models.jobs import write_file_atomically

log = logging.getLogger(__name__)


def backups_dir() -> Path:
    configured = current_app.config.get("BACKUP_DIR") or os.environ.get("BACKUP_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "backups"


def backup_source():
    """What a backup reads: the engine (one snapshot on a connection of its own), or in tests the session."""
    return db.session if current_app.testing else db.engine


def make_backup(trigger: str, now: dt.datetime | None = None) -> BackupRun:
    """Write, read back and record one backup; a failure is recorded too (with its reason) and not raised."""
    now = now or utcnow()
    run = BackupRun(trigger=trigger, started_at=now, size_bytes=0, rows=0, verified=False)
    db.session.add(run)
    db.session.commit()  # the attempt is on record (and "in progress") before the long read begins
    name = f"backup-{now:%Y%m%d-%H%M%S}-{run.id}.zip"
    folder = backups_dir()
    try:
        manifest = {}
        write_file_atomically(
            folder, name, lambda out: manifest.update(write_backup(backup_source(), db.metadata, out))
        )
        path = folder / name
        with path.open("rb") as source:
            check_file(source)
        run.file_name, run.size_bytes = name, path.stat().st_size
        run.sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
        run.rows = sum(t["rows"] for t in manifest["tables"].values())
        run.verified = True
    except (BackupError, OSError) as exc:
        db.session.rollback()
        run = db.session.get(BackupRun, run.id)
        run.error = f"{exc.__class__.__name__}: {exc}"[:1000]
        log.error("backup %s failed: %s", run.id, exc.__class__.__name__)
    run.finished_at = utcnow()
    db.session.commit()
    return run


def prune(keep: int, now: dt.datetime | None = None) -> int:
    """Delete the files of scheduled backups beyond the newest ``keep`` good ones; the records stay (marked)."""
    removed = 0
    for run in to_prune(keep):
        if run.file_name:
            (backups_dir() / run.file_name).unlink(missing_ok=True)
        run.deleted_at = now or utcnow()
        removed += 1
    db.session.commit()
    return removed


def run_scheduled(now: dt.datetime | None = None) -> BackupRun | None:
    """One scheduled backup when due (and nobody is making one), then "keep N". Returns the run made, if any."""
    now = now or utcnow()
    p = plan()
    if in_progress(now) or not is_due(p, last_good(), now):
        db.session.rollback()
        return None
    run = make_backup("schedule", now)
    prune(p.keep, now)
    return run


# --- the restore drill --------------------------------------------------------------------------------
@dataclass
class Drill:
    run: BackupRun | None
    ok: bool
    tables: int = 0
    rows: int = 0
    differences: list[str] = field(default_factory=list)
    scratch: str = ""


def _scratch_app(url: str):
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "JOBS_IMMEDIATE": True})


def _restore_and_compare(url: str, manifest: dict, data: bytes, source_dialect: str) -> list[str]:
    """Build the scratch database at the backup's revision, restore into it (read_backup checks counts, checksums
    and cross-table checks), back it up again and compare every table's count and SHA-256 with the file's."""
    from flask_migrate import upgrade
    from sqlalchemy import create_engine, orm

    from backup import read_backup

    differences: list[str] = []
    if manifest["revision"]:
        scratch = _scratch_app(url)
        with scratch.app_context():
            upgrade(revision=manifest["revision"])
            db.engine.dispose()
    engine = create_engine(url)
    try:
        if not manifest["revision"]:  # a database not built by the migrations (the tests'): the models' schema
            db.metadata.create_all(engine)
        with orm.Session(engine) as session:
            read_backup(session, db.metadata, io.BytesIO(data))
            second = write_backup(engine if engine.dialect.name == "sqlite" else session, db.metadata, io.BytesIO())
        # The same database kind writes every value back byte for byte; across kinds (a PostgreSQL backup drilled
        # on SQLite) moments come back without their zone, so the counts are compared and read_backup's checks
        # of the file's checksums stand for the values.
        same_kind = engine.dialect.name == source_dialect
        for table, expected in manifest["tables"].items():
            got = second["tables"].get(table, {"rows": 0})
            if (got if same_kind else got["rows"]) != (expected if same_kind else expected["rows"]):
                differences.append(f"{table}: restored {got}, backed up {expected}")
    except BackupError as exc:
        differences.append(str(exc))
    finally:
        engine.dispose()
    return differences


def drill(scratch_url: str | None = None, now: dt.datetime | None = None) -> Drill:
    """Restore the latest good backup into a scratch database and compare (see the module's docstring)."""
    run = last_good()
    if run is None or not run.file_name or not (backups_dir() / run.file_name).exists():
        return Drill(run, False, differences=["no backup file to restore: make one first (backup-scheduled)"])
    data = (backups_dir() / run.file_name).read_bytes()
    manifest = check_file(io.BytesIO(data))
    with tempfile.TemporaryDirectory(prefix="journal-drill-") as tmp:
        url = scratch_url or f"sqlite:///{Path(tmp) / 'drill.sqlite'}"
        differences = _restore_and_compare(url, manifest, data, db.engine.dialect.name)
    result = Drill(
        run,
        not differences,
        tables=len(manifest["tables"]),
        rows=sum(t["rows"] for t in manifest["tables"].values()),
        differences=differences,
        scratch="temporary SQLite file (deleted)" if scratch_url is None else scratch_url.split("@")[-1],
    )
    run = db.session.get(BackupRun, run.id)
    run.drilled_at, run.drill_ok = now or utcnow(), result.ok
    db.session.commit()
    return result
