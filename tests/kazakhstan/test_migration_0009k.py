"""Revision 0009k on rows already there: the periods the system named ("1 четверть", "Учебный год") lose their
frozen Russian name (shown by locale from then on), a name the school typed stays; every school is Russian by
default; the downgrade writes the Russian names back. Runs on SQLite and on PostgreSQL (TEST_DATABASE_URL)."""

from __future__ import annotations

import flask_migrate
from sqlalchemy import text

from app import create_app
from models import db

PERIODS = [
    (1, "quarter", 1, "1 четверть"),
    (2, "quarter", 2, "Осенняя"),  # typed by the school
    (3, "half_year", 2, "2 полугодие"),
    (4, "trimester", 3, "3 триместр"),
    (5, "year", 1, "Учебный год"),
    (6, "quarter", 3, "2 четверть"),  # not the system's name of the 3rd quarter: the school's
]


SCHOOL_AND_YEAR = (
    "INSERT INTO schools (id, name, short_name, code) VALUES (1, 'Ш', 'Ш', 'm')",
    "INSERT INTO academic_years (id, school_id, name, starts_on, ends_on) VALUES (1, 1, '2026', '2026-09-01', '2027-05-31')",
)


def _names(conn) -> dict[int, str | None]:
    return dict(conn.execute(text("SELECT id, name FROM periods ORDER BY id")).all())


def test_system_period_names_become_keys_and_come_back(fresh_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_url, "SQLALCHEMY_ENGINE_OPTIONS": {}, "TESTING": True})
    with app.app_context():
        try:
            flask_migrate.upgrade(revision="0008n")
            with db.engine.begin() as conn:
                for statement in SCHOOL_AND_YEAR:
                    conn.execute(text(statement))
                for pid, scheme, number, name in PERIODS:
                    conn.execute(
                        text(
                            "INSERT INTO periods (id, year_id, scheme, number, name, starts_on, ends_on) "
                            "VALUES (:id, 1, :scheme, :number, :name, :day, :day)"
                        ),
                        {"id": pid, "scheme": scheme, "number": number, "name": name, "day": f"2026-09-{pid:02d}"},
                    )
            flask_migrate.upgrade(revision="0009k")
            with db.engine.connect() as conn:
                assert _names(conn) == {1: None, 2: "Осенняя", 3: None, 4: None, 5: None, 6: "2 четверть"}
                assert conn.execute(text("SELECT jurisdiction FROM schools")).scalar() == "RU"
            flask_migrate.downgrade(revision="0008n")
            with db.engine.connect() as conn:
                assert _names(conn) == {pid: name for pid, _s, _n, name in PERIODS}
        finally:
            db.engine.dispose()
