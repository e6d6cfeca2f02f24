"""Backups (backup.py, `flask backup` / `flask restore`): every table of the world into one file and back into
an empty database — same counts, same values (dates, times, decimals, bytes, zones) — and a damaged file, a
database that is not empty or of another schema revision refused with nothing written."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, func, orm, select, text

from backup import BackupError, _decode, _encode, read_backup, write_backup
from models import Student, WorkKind, db


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        7,
        2.5,
        "«Дроби» = 1/2",
        Decimal("1.50"),
        dt.date(2026, 9, 1),
        dt.datetime(2026, 9, 1, 8, 30, tzinfo=dt.UTC),
        dt.time(8, 30),
        b"%PDF-1.4\x00\xff",
    ],
)
def test_values_survive_the_file(value):
    assert _decode(_encode(value)) == value


@pytest.fixture()
def target(tmp_path):
    """A session on a second, empty SQLite database, as a restore would find it."""
    engine = create_engine(f"sqlite:///{tmp_path / 'restored.sqlite'}")
    db.metadata.create_all(engine)
    session = orm.Session(engine)
    yield session
    session.close()
    engine.dispose()


def _counts(session) -> dict[str, int]:
    return {t.name: session.execute(select(func.count()).select_from(t)).scalar() for t in db.metadata.sorted_tables}


def _backup(db_session) -> io.BytesIO:
    out = io.BytesIO()
    write_backup(db.session, db.metadata, out)
    out.seek(0)
    return out


def test_the_world_goes_there_and_back(db_session, world, target):
    before = _counts(db.session)
    anna = (world.anna.last_name, world.anna.birth_date)
    weight = db.session.scalar(select(WorkKind.weight).where(WorkKind.id == world.regular.id))
    manifest = read_backup(target, db.metadata, _backup(db_session))
    assert _counts(target) == before
    assert sum(t["rows"] for t in manifest["tables"].values()) == sum(before.values())
    restored = target.get(Student, world.anna.id)
    assert (restored.last_name, restored.birth_date) == anna
    assert target.scalar(select(WorkKind.weight).where(WorkKind.id == world.regular.id)) == weight


def test_a_damaged_file_writes_nothing(db_session, world, target):
    source = _backup(db_session)
    damaged = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(damaged, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "tables/students.jsonl":
                data = data.replace("Аннова".encode(), "Иванова".encode())
            new.writestr(item, data)
    damaged.seek(0)
    with pytest.raises(BackupError) as refused:
        read_backup(target, db.metadata, damaged)
    assert "students is damaged" in str(refused.value)
    assert sum(_counts(target).values()) == 0


def test_another_schema_revision_is_refused(db_session, world, target):
    source = _backup(db_session)
    target.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
    target.execute(text("INSERT INTO alembic_version VALUES ('0099')"))
    target.commit()
    with pytest.raises(BackupError) as refused:
        read_backup(target, db.metadata, source)
    assert "revision" in str(refused.value)


def test_not_a_backup(target):
    with pytest.raises(BackupError):
        read_backup(target, db.metadata, io.BytesIO(b"not a zip"))
