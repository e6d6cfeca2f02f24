"""Shared fixtures: the app on TEST_DATABASE_URL (SQLite in memory by default), a clean database per
test (each test runs inside a transaction that is rolled back), a client, and factories."""

from __future__ import annotations

import io
import os
import uuid
import zipfile

import pytest
from sqlalchemy import create_engine, orm, text
from sqlalchemy.engine import make_url

from app import create_app
from config import TestConfig
from models import db


@pytest.fixture(scope="session", autouse=True)
def archive_dir(tmp_path_factory):
    """The printouts made at archiving (archive_files.py) go to a folder of the run, not the checkout's instance/
    (set in the environment: consumer processes and the browser tests' server inherit it)."""
    folder = tmp_path_factory.mktemp("archive")
    os.environ["ARCHIVE_DIR"] = str(folder)
    return folder


@pytest.fixture(scope="session")
def app():
    """The app, with the schema created. No app context stays pushed: each test request gets its own,
    as in production (a context held open here would share `g`, and the signed-in user, across requests)."""
    app = create_app(TestConfig)
    with app.app_context():
        db.drop_all()
        db.create_all()
        engine = db.engine
    app.extensions["test_engine"] = engine
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()


@pytest.fixture()
def fresh_url(tmp_path):
    """The URL of an empty database that only this test uses (a file for SQLite, a new database on the
    PostgreSQL server of TEST_DATABASE_URL), dropped afterwards: for tests that need several connections
    or processes to see each other's commits."""
    test_url = os.environ.get("TEST_DATABASE_URL", "")
    if not test_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'fresh.sqlite'}"
        return
    url = make_url(test_url)
    name = f"fresh_{uuid.uuid4().hex[:12]}"
    maintenance = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with maintenance.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with maintenance.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        maintenance.dispose()


@pytest.fixture()
def shared_app(fresh_url):
    """An app of its own on a fresh database with the schema, for the test to commit a school into."""

    class SharedConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = fresh_url
        SQLALCHEMY_ENGINE_OPTIONS: dict = {}

    app = create_app(SharedConfig)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture()
def app_ctx(app):
    """For tests that call code needing current_app outside a request (e.g. rendering)."""
    with app.app_context():
        yield app


@pytest.fixture()
def db_session(app):
    """Runs the test inside one outer transaction; commits inside become savepoints; all rolled back.
    The session needs no app context, so tests may use db.session directly."""
    connection = app.extensions["test_engine"].connect()
    outer = connection.begin()
    original = db.session
    # A plain Session: Flask-SQLAlchemy's own get_bind would ignore the connection and pick the engine.
    # Objects stay readable after a request ends its session (expire_on_commit=False).
    db.session = orm.scoped_session(
        orm.sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False),
        scopefunc=lambda: 0,
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


@pytest.fixture()
def world(db_session):
    from world import build_world

    return build_world(db_session)


@pytest.fixture()
def login_as(client, world):
    """login_as("teacher") signs the test client in through the real login form."""
    from world import PASSWORD

    def _login(name: str):
        client.post("/logout")
        response = client.post("/login", data={"login": world.users[name].login, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    return _login


@pytest.fixture()
def count_queries(app):
    """with count_queries() as q: ...; q.count is the number of SQL statements run inside (pin N+1s). Transaction
    control and a transaction's settings (SET LOCAL, PostgreSQL only) are not counted,
    so that a pin is the same on both databases."""
    import contextlib

    from sqlalchemy import event

    engine = app.extensions["test_engine"]

    @contextlib.contextmanager
    def _count():
        counter = type("Counter", (), {"count": 0, "statements": []})()

        def _on_execute(conn, cursor, statement, parameters, context, executemany):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK", "SET LOCAL")):
                counter.count += 1
                counter.statements.append(statement)

        event.listen(engine, "before_cursor_execute", _on_execute)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", _on_execute)

    return _count


# --- small files of every accepted type (models/attachments.py ALLOWED) ---------------------------------
def _zip(entries: dict[str, bytes], *, first: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        if first:
            z.writestr(first, entries.pop(first), compress_type=zipfile.ZIP_STORED)
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


SAMPLES = {
    "pdf": b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32,
    "png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 32,
    "docx": _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
    "xlsx": _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}),
    "odt": _zip(
        {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"}, first="mimetype"
    ),
}


@pytest.fixture()
def samples():
    """Minimal files whose first bytes match their type: {"pdf": b"%PDF-…", "png": …, "docx": …}."""
    return dict(SAMPLES)
