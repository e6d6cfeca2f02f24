"""A backup is one moment (backup.py): taken while teachers save marks — several processes, each with its own
app and connection, each saving a mark and its audit row in one transaction (models.journal.cells.set_mark) —
it restores with every mark beside its audit row, on a SQLite file and on PostgreSQL (when TEST_DATABASE_URL
is PostgreSQL). And the restore check catches a backup that is not one moment: a mark whose audit row is
missing, though the counts and checksums were rewritten to match."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import multiprocessing
import os
import uuid
import zipfile

import pytest
from sqlalchemy import create_engine, func, make_url, orm, select, text

from app import create_app
from backup import BackupError, read_backup, write_backup
from models import AuditEvent, Lesson, Mark, User, db
from models.access import Actor
from models.base import expect_writes
from models.journal.cells import set_mark

TEST_URL = os.environ.get("TEST_DATABASE_URL", "")
NOW = dt.datetime(2026, 9, 16, 9, 0, tzinfo=dt.UTC)
WRITERS = 3  # one slot of every cell each: they never contend for a row
BACKUPS = 3


def _app(url: str):
    return create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {}, "SECRET_KEY": "backup-tests", "TESTING": True}
    )


@pytest.fixture()
def new_database(tmp_path):
    """new_database(kind) → the URL of an empty database only this test uses ("sqlite" file or "postgresql"
    scratch database, dropped afterwards)."""
    made = []
    url = make_url(TEST_URL) if TEST_URL.startswith("postgresql") else None
    maintenance = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT") if url else None

    def make(kind: str) -> str:
        if kind == "sqlite":
            return f"sqlite:///{tmp_path / f'{uuid.uuid4().hex[:8]}.sqlite'}"
        if maintenance is None:
            pytest.skip("TEST_DATABASE_URL is not PostgreSQL")
        name = f"backup_{uuid.uuid4().hex[:12]}"
        with maintenance.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return url.set(database=name).render_as_string(hide_password=False)

    yield make
    if maintenance is not None:
        with maintenance.connect() as conn:
            for name in made:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        maintenance.dispose()


def _school(url: str) -> dict:
    """The world (tests/world.py) committed into ``url``, with maths 5А held every weekday 1–15.09."""
    from world import build_world

    app = _app(url)
    with app.app_context():
        db.create_all()
        w = build_world(db.session)
        day = dt.date(2026, 9, 1)
        while day <= dt.date(2026, 9, 15):
            if day.weekday() < 5 and day != w.lesson_5a.date:
                db.session.add(
                    Lesson(
                        assignment_id=w.a_maths_5a.id,
                        date=day,
                        bell_id=w.bell.id,
                        topic="Тема",
                        work_kind_id=w.regular.id,
                        taught_by_id=w.s_teacher.id,
                    )
                )
            day += dt.timedelta(days=1)
        db.session.commit()
        lessons = db.session.scalars(select(Lesson.id).where(Lesson.assignment_id == w.a_maths_5a.id)).all()
        school = {
            "teacher": w.users["teacher"].id,
            "students": [w.anna.id, w.vera.id],
            "lessons": lessons,
            "unaudited": set(db.session.scalars(select(Mark.id))),
        }
        db.engine.dispose()
    return school


def _writer(url: str, slot: int, school: dict, running, stop) -> None:
    """Toggle the mark in ``slot`` of every cell (put a 4, delete it, …) through set_mark, a commit each."""
    from sqlalchemy.exc import OperationalError

    app = _app(url)
    with app.app_context():
        # A read, begun without the write lock: queued for it behind the other writers' tight loops on a loaded
        # machine, it once waited past SQLite's busy timeout, and the writer died before its first save.
        with expect_writes(False):
            actor = Actor.of(db.session.get(User, school["teacher"]))
            db.session.rollback()
        saves = 0
        cells = [(lesson_id, student_id) for lesson_id in school["lessons"] for student_id in school["students"]]
        while saves < 2000:
            for lesson_id, student_id in cells:
                if stop.is_set():
                    db.engine.dispose()
                    return
                try:
                    version = db.session.scalar(
                        select(Mark.version).where(
                            Mark.lesson_id == lesson_id, Mark.student_id == student_id, Mark.slot == slot
                        )
                    )
                    set_mark(actor, lesson_id, student_id, slot, "" if version else "4", version, now=NOW)
                    db.session.commit()
                    saves += 1
                    if saves == 5:
                        running.release()
                except OperationalError:  # SQLite: "database is locked" for a deferred writer; next cell
                    db.session.rollback()
        db.engine.dispose()


def _audits(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(AuditEvent.__table__))
    finally:
        engine.dispose()


def _restore(url: str, source) -> tuple[dict, orm.Session]:
    engine = create_engine(url)
    db.metadata.create_all(engine)
    session = orm.Session(engine)
    return read_backup(session, db.metadata, source), session


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_backup_taken_while_marks_are_saved_is_one_moment(kind, new_database):
    url = new_database(kind)
    school = _school(url)
    # fork: the writers start at once; each builds its own app and engine and touches none of ours.
    procs = multiprocessing.get_context("fork")
    running, stop = procs.Semaphore(0), procs.Event()
    writers = [procs.Process(target=_writer, args=(url, slot, school, running, stop)) for slot in range(1, WRITERS + 1)]
    for p in writers:
        p.start()
    backups, overlapped = [], 0
    try:
        for _ in writers:
            assert running.acquire(timeout=60), "a writer did not start"
        engine = create_engine(url)
        for _ in range(BACKUPS):
            before = _audits(url)
            out = io.BytesIO()
            manifest = write_backup(engine, db.metadata, out)
            overlapped += _audits(url) > before
            backups.append((manifest, out))
        engine.dispose()
    finally:
        stop.set()
        for p in writers:
            p.join(60)
    assert all(p.exitcode == 0 for p in writers)
    assert overlapped, "no mark was saved while a backup ran"

    for n, (manifest, out) in enumerate(backups):  # the first into the same kind of database, the rest into SQLite
        assert ("REPEATABLE READ, READ ONLY" if kind == "postgresql" else "one read transaction") in manifest[
            "snapshot"
        ]
        out.seek(0)
        restored, session = _restore(new_database(kind if n == 0 else "sqlite"), out)
        try:
            marks = session.scalars(select(Mark.id)).all()
            created = set(session.scalars(select(AuditEvent.entity_id).where(AuditEvent.action == "mark.create")))
            assert set(marks) - created <= school["unaudited"]  # every mark saved has its audit row
            assert len(marks) == restored["tables"]["marks"]["rows"]
            saved = session.scalar(select(func.count()).where(AuditEvent.action.in_(("mark.create", "mark.delete"))))
            assert saved >= WRITERS * 5
        finally:
            session.close()
            session.get_bind().dispose()


def _rewritten(source: io.BytesIO, table: str, keep) -> io.BytesIO:
    """The backup with the lines of ``table`` that ``keep`` refuses removed, its count and checksum rewritten."""
    out = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w") as new:
        manifest = json.loads(old.read("manifest.json"))
        lines = [line for line in old.read(f"tables/{table}.jsonl").splitlines(keepends=True) if keep(json.loads(line))]
        data = b"".join(lines)
        manifest["tables"][table] = {"rows": len(lines), "sha256": hashlib.sha256(data).hexdigest()}
        for item in old.infolist():
            if item.filename == "manifest.json":
                new.writestr(item, json.dumps(manifest))
            else:
                new.writestr(item, data if item.filename == f"tables/{table}.jsonl" else old.read(item.filename))
    out.seek(0)
    return out


def _backup_with_a_saved_mark(world, db_session) -> tuple[io.BytesIO, int]:
    """A backup of the world after vera's 4 saved through set_mark (with its audit row); and the mark's id."""
    cell = set_mark(Actor.of(world.users["teacher"]), world.lesson_5a.id, world.vera.id, 1, "4", None, now=NOW)
    mark_id = cell.marks[0].id
    db_session.commit()
    source = io.BytesIO()
    write_backup(db.session, db.metadata, source)
    source.seek(0)
    return source, mark_id


def test_a_mark_without_its_audit_row_is_refused(db_session, world, tmp_path):
    source, mark_id = _backup_with_a_saved_mark(world, db_session)
    inconsistent = _rewritten(
        source, "audit_events", lambda row: not (row["action"] == "mark.create" and row["entity_id"] == mark_id)
    )
    with pytest.raises(BackupError) as refused:
        _restore(f"sqlite:///{tmp_path / 'restored.sqlite'}", inconsistent)
    message = str(refused.value)
    assert "not of one consistent moment" in message
    assert "marks without the audit row of their creation: " in message and f"restored only: {mark_id}" in message
    engine = create_engine(f"sqlite:///{tmp_path / 'restored.sqlite'}")
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Mark.__table__)) == 0  # nothing was written
    engine.dispose()


def test_an_audit_row_without_its_mark_is_refused(db_session, world, tmp_path):
    """The other way round: the audit log read later than the marks."""
    source, mark_id = _backup_with_a_saved_mark(world, db_session)
    with pytest.raises(BackupError) as refused:
        _restore(f"sqlite:///{tmp_path / 'restored.sqlite'}", _rewritten(source, "marks", lambda r: r["id"] != mark_id))
    assert "mark.create audit rows whose mark is neither there nor deleted: 1 restored, 0" in str(refused.value)


def test_the_commands(new_database):
    """`flask backup` reads its own snapshot of the database; `flask restore` refuses a database that is not
    empty and restores into an empty one, its checks matching."""
    url = new_database("sqlite")
    _school(url)
    app = _app(url)
    runner = app.test_cli_runner()
    path = os.path.join(os.path.dirname(make_url(url).database), "journal.zip")
    result = runner.invoke(args=["backup", path])
    with app.app_context():
        rows = sum(db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables)
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    assert f"{rows} rows" in result.output and "one snapshot (SQLite: one read transaction" in result.output
    refused = runner.invoke(args=["restore", path])  # into this database, which is not empty
    assert refused.exit_code != 0 and "not empty" in refused.output

    empty = _app(new_database("sqlite"))
    with empty.app_context():
        db.create_all()
        restored = empty.test_cli_runner().invoke(args=["restore", path])
        db.engine.dispose()
    assert restored.exit_code == 0, restored.output
    assert f"restored {rows} rows" in restored.output and "cross-table checks match" in restored.output


def test_an_in_memory_database_is_refused():
    with pytest.raises(BackupError) as refused:
        write_backup(create_engine("sqlite://"), db.metadata, io.BytesIO())
    assert "in-memory" in str(refused.value)
