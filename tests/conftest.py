"""Shared fixtures: the app on TEST_DATABASE_URL (SQLite in memory by default), a clean database per
test (each test runs inside a transaction that is rolled back), a client, and factories."""
from __future__ import annotations

import pytest
from sqlalchemy import orm

from app import create_app
from config import TestConfig
from models import db


@pytest.fixture(scope="session")
def app():
    app = create_app(TestConfig)
    with app.app_context():
        db.drop_all()
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()


@pytest.fixture()
def db_session(app):
    """Runs the test inside one outer transaction; commits inside become savepoints; all rolled back."""
    connection = db.engine.connect()
    outer = connection.begin()
    original = db.session
    # A plain Session: Flask-SQLAlchemy's own get_bind would ignore the connection and pick the engine.
    db.session = orm.scoped_session(
        orm.sessionmaker(bind=connection, join_transaction_mode="create_savepoint"), scopefunc=lambda: 0
    )
    try:
        yield db.session
    finally:
        db.session.remove()
        db.session = original
        if outer.is_active:
            outer.rollback()
        connection.close()


@pytest.fixture()
def client(app, db_session):
    return app.test_client()
