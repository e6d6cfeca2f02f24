"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL, and
undo it cleanly. Each test builds its own app on a brand-new database (a temp SQLite file, or a
scratch PostgreSQL database when TEST_DATABASE_URL points at PostgreSQL) and runs the real revisions.

Alembic's autogenerate compares tables, columns, types, nullability, indexes, unique and foreign key
constraints, but not CHECK constraints; those are compared by name here (they carry the mark range,
one-value and period rules, so a model change without a migration must not slip through).
"""

from __future__ import annotations

import os
import pprint

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import CheckConstraint, Column, Integer, MetaData, inspect, text
from sqlalchemy.exc import DBAPIError

from app import create_app
from models import db

TEST_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRESQL = TEST_URL.startswith("postgresql")


@pytest.fixture()
def migrated(fresh_url):
    """An app of its own on the fresh database, inside its app context, after `flask db upgrade`."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": fresh_url,
            "SQLALCHEMY_ENGINE_OPTIONS": {},
            "SECRET_KEY": "migration-tests",
            "TESTING": True,
        }
    )
    with app.app_context():
        flask_migrate.upgrade()
        try:
            yield app
        finally:
            db.engine.dispose()


def schema_diff(metadata: MetaData) -> list:
    """What autogenerate would write into a new revision, plus CHECK constraints missing on either side."""
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        diff = list(compare_metadata(ctx, metadata))
        inspector = inspect(conn)
        present = set(inspector.get_table_names())
        for table in metadata.sorted_tables:
            if table.name not in present:
                continue  # autogenerate already reports the missing table
            wanted = {c.name: str(c.sqltext) for c in table.constraints if isinstance(c, CheckConstraint)}
            found = {c["name"]: c["sqltext"] for c in inspector.get_check_constraints(table.name)}
            diff += [("add_check", table.name, name) for name in sorted(wanted.keys() - found.keys())]
            diff += [("remove_check", table.name, name) for name in sorted(found.keys() - wanted.keys())]
            if conn.dialect.name == "sqlite":  # SQLite keeps the text as written; PostgreSQL rewrites it
                diff += [
                    ("change_check", table.name, name, found[name], sql)
                    for name, sql in sorted(wanted.items())
                    if name in found and _squash(found[name]) != _squash(sql)
                ]
    return diff


def _squash(sql: str) -> str:
    return " ".join(sql.split())


def audit_row_is_protected() -> None:
    """Insert an audit row, then try to change and delete it: both refused by the database."""
    with db.engine.connect() as conn:
        with conn.begin():
            conn.execute(text("INSERT INTO audit_events (at, action, entity) VALUES (CURRENT_TIMESTAMP, 'x', 'y')"))
        for sql in ("UPDATE audit_events SET action = 'changed'", "DELETE FROM audit_events"):
            with pytest.raises(DBAPIError, match="audit_events is append-only"):
                with conn.begin():
                    conn.execute(text(sql))
        assert conn.execute(text("SELECT action FROM audit_events")).scalars().all() == ["x"]


def migrate_config():
    from flask import current_app

    return current_app.extensions["migrate"].migrate.get_config()


def test_upgrade_builds_exactly_the_models_schema(migrated):
    diff = schema_diff(db.metadata)
    assert diff == [], "models and migrations disagree; run `flask db migrate` and review:\n" + pprint.pformat(diff)
    with db.engine.connect() as conn:
        head = ScriptDirectory.from_config(migrate_config()).get_current_head()
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
    audit_row_is_protected()


def test_downgrade_to_base_removes_everything_and_upgrade_works_again(migrated):
    flask_migrate.downgrade(revision="base")
    with db.engine.connect() as conn:
        assert inspect(conn).get_table_names() == ["alembic_version"]
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 0
        if ON_POSTGRESQL:
            leftovers = (
                conn.execute(
                    text(
                        "SELECT proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                        " WHERE n.nspname = 'public'"
                    )
                )
                .scalars()
                .all()
            )
            assert leftovers == [], "downgrade left functions behind"
        else:
            assert conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).all() == []

    flask_migrate.upgrade()
    assert schema_diff(db.metadata) == []
    audit_row_is_protected()


def _copy_of_models_metadata() -> MetaData:
    md = MetaData(naming_convention=db.metadata.naming_convention)
    for table in db.metadata.sorted_tables:
        table.to_metadata(md)
    return md


def test_schema_check_catches_a_model_change_without_a_migration(migrated):
    md = _copy_of_models_metadata()
    assert schema_diff(md) == []  # the copy itself is faithful, so what follows is the change alone

    md.tables["marks"].append_column(Column("throwaway", Integer))
    diff = schema_diff(md)
    assert [(d[0], d[2], d[3].name) for d in diff] == [("add_column", "marks", "throwaway")], diff


def test_schema_check_catches_a_check_constraint_without_a_migration(migrated):
    md = _copy_of_models_metadata()
    md.tables["marks"].append_constraint(CheckConstraint("value <> 3", name="no_threes"))
    period_marks = md.tables["period_marks"]
    percent = next(c for c in period_marks.constraints if c.name == "ck_period_marks_percent")
    period_marks.constraints.discard(percent)
    marks = md.tables["marks"]
    marks.constraints.discard(next(c for c in marks.constraints if c.name == "ck_marks_slot"))
    marks.append_constraint(CheckConstraint("slot BETWEEN 1 AND 4", name="slot"))

    expected = {
        ("add_check", "marks", "ck_marks_no_threes"),
        ("remove_check", "period_marks", "ck_period_marks_percent"),
    }
    if not ON_POSTGRESQL:  # a changed expression under the same name is visible where the text is kept
        expected.add(("change_check", "marks", "ck_marks_slot", "slot BETWEEN 1 AND 3", "slot BETWEEN 1 AND 4"))
    assert set(schema_diff(md)) == expected


def test_sqlite_batch_migrations_keep_rows_that_other_tables_reference(tmp_path):
    """Later revisions rebuild SQLite tables (batch mode); referenced rows must survive with their links."""
    import flask_migrate

    from app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite'}"})
    with app.app_context():
        flask_migrate.upgrade(revision="0001")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO schools (id, name, short_name, code) VALUES (1, 'Ш', 'Ш', 'm')"))
            conn.execute(
                text(
                    "INSERT INTO academic_years (id, school_id, name, starts_on, ends_on) "
                    "VALUES (1, 1, '2026/2027', '2026-09-01', '2027-05-31')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO staff (id, school_id, last_name, first_name, position) "
                    "VALUES (1, 1, 'Иванова', 'Анна', 'учитель')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO school_classes (id, school_id, year_id, grade, letter, class_teacher_id) "
                    "VALUES (1, 1, 1, 5, 'А', 1)"
                )
            )
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT class_teacher_id FROM school_classes")).scalar() == 1
            assert conn.execute(text("SELECT count(*) FROM staff")).scalar() == 1
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()


def test_audit_student_backfill_fills_old_rows_and_keeps_them_protected(migrated):
    """0009f copies the student's id from the snapshots of existing mark, attendance and period-mark rows (the
    triggers lifted for that one statement only), and the log stays append-only."""
    flask_migrate.downgrade(revision="0008n")
    rows = [
        ("mark.create", "mark", None, '{"cell": "7/42", "mark": "5", "student_id": 42}'),
        ("mark.delete", "mark", '{"cell": "7/43", "mark": "4", "student_id": 43}', None),
        ("period_mark.create", "period_mark", None, '{"student_id": 44, "value": 5}'),
        ("lesson.create", "lesson", None, '{"student_id": 45, "topic": "x"}'),
    ]
    with db.engine.begin() as conn:
        for action, entity, old, new in rows:
            conn.execute(
                text(
                    "INSERT INTO audit_events (at, action, entity, old, new) "
                    "VALUES (CURRENT_TIMESTAMP, :action, :entity, :old, :new)"
                ),
                {"action": action, "entity": entity, "old": old, "new": new},
            )
    flask_migrate.upgrade()
    with db.engine.connect() as conn:
        got = conn.execute(text("SELECT action, student_id FROM audit_events ORDER BY id")).all()
        assert [tuple(r) for r in got] == [
            ("mark.create", 42),
            ("mark.delete", 43),
            ("period_mark.create", 44),
            ("lesson.create", None),
        ]
        conn.rollback()
        with pytest.raises(DBAPIError, match="audit_events is append-only"):
            with conn.begin():
                conn.execute(text("UPDATE audit_events SET student_id = 1"))


LESSON_ROWS = [
    "INSERT INTO schools (id, name, short_name, code) VALUES (1, 'Ш', 'Ш', 'm')",
    "INSERT INTO academic_years (id, school_id, name, starts_on, ends_on)"
    " VALUES (1, 1, '2026/2027', '2026-09-01', '2027-05-31')",
    "INSERT INTO staff (id, school_id, position, last_name, first_name) VALUES (1, 1, 'учитель', 'Иванова', 'А')",
    "INSERT INTO school_classes (id, school_id, year_id, grade, letter) VALUES (1, 1, 1, 5, 'А')",
    "INSERT INTO subjects (id, school_id, name, short_name) VALUES (1, 1, 'Математика', 'Мат')",
    "INSERT INTO teaching_assignments (id, year_id, class_id, subject_id, teacher_id, hours_per_week)"
    " VALUES (1, 1, 1, 1, 1, 2)",
    "INSERT INTO work_kinds (id, school_id, code, name, weight) VALUES (1, 1, 'regular', 'Работа', 1)",
    "INSERT INTO students (id, school_id, birth_date, sex, personal_file_no, last_name, first_name)"
    " VALUES (1, 1, '2015-01-01', 'f', '1', 'Петрова', 'Вера')",
    "INSERT INTO students (id, school_id, birth_date, sex, personal_file_no, last_name, first_name)"
    " VALUES (2, 1, '2015-01-01', 'm', '2', 'Петров', 'Глеб')",
    "INSERT INTO users (id, login, password_hash, session_token) VALUES (7, 'u7', 'x', 't7')",
    "INSERT INTO users (id, login, password_hash, session_token) VALUES (8, 'u8', 'x', 't8')",
    "INSERT INTO lessons (id, assignment_id, date, topic, work_kind_id, taught_by_id, recorded_at)"
    " VALUES (1, 1, '2026-09-07', 'Дроби', 1, 1, '2026-09-07 08:00:00')",
    "INSERT INTO lessons (id, assignment_id, date, topic, work_kind_id, taught_by_id, recorded_at)"
    " VALUES (2, 1, '2026-09-09', 'Дроби', 1, 1, '2026-09-09 08:00:00')",
    "INSERT INTO attendance (id, lesson_id, student_id, status, recorded_by_id, recorded_at)"
    " VALUES (1, 1, 1, 'absent', 7, '2026-09-07 10:00:00')",
    "INSERT INTO attendance (id, lesson_id, student_id, status, recorded_by_id, recorded_at)"
    " VALUES (2, 1, 2, 'late', 8, '2026-09-07 09:00:00')",
]


def test_attendance_taken_backfill_stamps_lessons_with_absences(migrated):
    """0011b stamps a lesson that has attendance rows with its first row's moment and author (09:00 by user 8,
    not 10:00 by user 7), leaves a lesson without rows unstamped; its downgrade drops the two columns."""
    flask_migrate.downgrade(revision="0010o")
    statements = LESSON_ROWS
    with db.engine.begin() as conn:
        for sql in statements:
            conn.execute(text(sql))
    flask_migrate.upgrade(revision="0011b")
    with db.engine.connect() as conn:
        got = conn.execute(
            text("SELECT id, attendance_taken_at, attendance_taken_by_id FROM lessons ORDER BY id")
        ).all()
    assert [(r[0], str(r[1])[:19] if r[1] else None, r[2]) for r in got] == [
        (1, "2026-09-07 09:00:00", 8),
        (2, None, None),
    ]
    flask_migrate.downgrade(revision="0010o")
    with db.engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("lessons")}
    assert "attendance_taken_at" not in columns and "topic" in columns
    flask_migrate.upgrade()


def test_audit_class_backfill_gives_lesson_events_their_class(migrated):
    """0011d gives the events of an existing lesson its class (from the teaching assignment); the events of a lesson
    removed since and of other entities keep none, and the log stays append-only."""
    flask_migrate.downgrade(revision="0011c")
    events = [
        ("lesson.create", "lesson", 1),
        ("lesson.update", "lesson", 99),  # removed since
        ("mark.create", "mark", 1),
    ]
    with db.engine.begin() as conn:
        for sql in LESSON_ROWS:
            conn.execute(text(sql))
        for action, entity, entity_id in events:
            conn.execute(
                text(
                    "INSERT INTO audit_events (at, action, entity, entity_id, new) "
                    "VALUES (CURRENT_TIMESTAMP, :action, :entity, :entity_id, '{}')"
                ),
                {"action": action, "entity": entity, "entity_id": entity_id},
            )
    flask_migrate.upgrade()
    with db.engine.connect() as conn:
        got = conn.execute(text("SELECT action, class_id FROM audit_events ORDER BY id")).all()
        assert [tuple(r) for r in got] == [("lesson.create", 1), ("lesson.update", None), ("mark.create", None)]
        conn.rollback()
        with pytest.raises(DBAPIError, match="audit_events is append-only"):
            with conn.begin():
                conn.execute(text("UPDATE audit_events SET class_id = 2"))
