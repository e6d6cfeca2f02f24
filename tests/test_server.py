"""The production server as deployed (issue 12 item 2): real gunicorn with gunicorn.conf.py and wsgi:app on a
migrated database of its own, several workers taken from the environment, teachers signing in and saving
marks at once over HTTP; and the one-line request log (logsetup.py)."""

from __future__ import annotations

import http.client
import http.cookiejar
import json
import logging
import os
import re
import runpy
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from concurrency.test_concurrent_writes import LESSONS, PROCESSES, STUDENTS, _marks, _school
from flask_migrate import upgrade

from app import create_app
from config import TestConfig
from logsetup import JsonFormatter, LineFormatter
from models import db
from world import PASSWORD

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")
WORKERS, THREADS = 3, 2
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*id="jg-csrf"')

pytestmark = pytest.mark.skipif(os.name != "posix" or not GUNICORN.exists(), reason="gunicorn runs on POSIX")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def school(fresh_url):
    """A fresh database migrated to head (as `flask db upgrade` does) with one teacher's class per thread."""

    app = create_app({"TESTING": True, "SECRET_KEY": "school-setup", "SQLALCHEMY_DATABASE_URI": fresh_url})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    jobs = _school(app)
    yield app, jobs
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture()
def server_env() -> dict:
    """Settings a test adds to the server's environment (parametrize it to change them)."""
    return {}


@pytest.fixture()
def server(school, tmp_path, server_env):
    """gunicorn serving the school with the production configuration; yields (base URL, the log so far)."""
    app, _jobs = school
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "server-test-key",
        "WEB_CONCURRENCY": str(WORKERS),
        "GUNICORN_THREADS": str(THREADS),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "LOG_LEVEL": "INFO",
        "LOG_FORMAT": "text",
        "RATELIMIT_STORAGE_URI": "memory://",
        **server_env,
    }
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log_file:
        process = subprocess.Popen(
            [str(GUNICORN), "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if urllib.request.urlopen(f"{base}/healthz", timeout=2).status == 200:
                    break
            except (urllib.error.URLError, ConnectionError):
                assert process.poll() is None, log_path.read_text()
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not answer:\n" + log_path.read_text())
        yield base, log_path.read_text
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=40)


class Browser:
    """One user's cookies and CSRF token, speaking HTTP to the server."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )
        self.csrf = ""

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, str]:
        req = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            with self.opener.open(req, timeout=30) as response:
                status, body = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read().decode()
        if found := CSRF.search(body):
            self.csrf = found.group(1) or found.group(2)
        return status, body

    def sign_in(self, login: str) -> int:
        self.request("/login")
        form = urllib.parse.urlencode({"csrf_token": self.csrf, "login": login, "password": PASSWORD}).encode()
        return self.request("/login", form)[0]

    def save_mark(self, assignment_id: int, lesson_id: int, student_id: int) -> str:
        body = json.dumps(
            {
                "op": "mark",
                "assignment_id": assignment_id,
                "lesson_id": lesson_id,
                "student_id": student_id,
                "slot": 1,
                "value": "5",
                "version": None,
            }
        ).encode()
        status, text = self.request(
            "/admin/journal/cell",
            body,
            {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": self.csrf},
        )
        return f"{status} {'ok' if status == 200 and json.loads(text).get('ok') else text[:200]}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a sign-in answers 302: the test reads it as such


def _teacher(base: str, login: str, cells: list) -> Counter:
    browser = Browser(base)
    answers = Counter({f"login {browser.sign_in(login)}": 1})
    answers[f"grid {browser.request(f'/admin/journal/{cells[0][0]}')[0]}"] += 1  # the page gives the CSRF token
    for cell in cells:
        answers[f"save {browser.save_mark(*cell)}"] += 1
    answers[f"forbidden page {browser.request('/admin/invites/')[0]}"] += 1
    return answers


def test_gunicorn_workers_serve_teachers_saving_at_once(school, server):
    app, jobs = school
    base, read_log = server

    with ThreadPoolExecutor(len(jobs)) as pool:
        answers = sum(pool.map(lambda job: _teacher(base, *job), jobs), Counter())

    saves = PROCESSES * STUDENTS * LESSONS
    assert answers == {
        "login 302": PROCESSES,
        "grid 200": PROCESSES,
        "save 200 ok": saves,
        "forbidden page 403": PROCESSES,
    }
    assert _marks(app, jobs) == saves
    health = json.loads(urllib.request.urlopen(f"{base}/healthz", timeout=5).read())
    assert health["status"] == "ok" and health["database_ok"] is True

    log = read_log()
    assert f"with {WORKERS} worker(s) x {THREADS} thread(s)" in log
    assert re.search(r"\d{3} templates compiled in [\d.]+ s", log)  # by the master, before the workers fork
    assert len(set(re.findall(r"Booting worker with pid: (\d+)", log))) >= WORKERS
    refusals = [
        line for line in log.splitlines() if " WARNING journal.request refused 403 GET /admin/invites/ " in line
    ]
    assert len(refusals) == PROCESSES and all(re.search(r"user=\d+ ms=\d+$", line) for line in refusals)
    assert re.search(r" INFO gunicorn\.access POST /admin/journal/cell 200 \d+ bytes \d+ms", log)
    assert "GET /healthz" not in log  # a load balancer's probes that passed are not logged
    assert PASSWORD not in log and "teacher0" not in log and "server-test-key" not in log  # no secrets, no logins


def _client(base: str, paths: list[str]) -> Counter:
    """A client that keeps its connection while the server allows it (as urllib3, locust's and most clients'
    pool, and nginx's upstream keep-alive do) and counts what each request got: its status, or the error."""
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    answers: Counter = Counter()
    connection = None
    for path in paths:
        if connection is None:
            connection = http.client.HTTPConnection(host, int(port), timeout=30)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            answers[f"{response.status} {response.getheader('Connection', 'keep-alive')}"] += 1
            if response.will_close:
                connection.close()
                connection = None
        except (http.client.HTTPException, OSError) as error:
            answers[type(error).__name__] += 1
            connection.close()
            connection = None
    return answers


@pytest.mark.parametrize("server_env", [{"GUNICORN_MAX_REQUESTS": "20"}])
def test_workers_are_replaced_without_dropping_a_request(server):
    """Workers replaced every ~20 requests (the production setting is 10,000 ± 10 %) while 6 clients send 600
    requests without pauses: none fails. The server keeps no connection idle (Connection: close), so none can
    be closed under a request a client is sending (bench/README.md: the rush lost one in ~5,000 that way)."""
    base, log = server
    paths = ["/login", "/healthz"] * 50
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = sum(pool.map(lambda _: _client(base, paths), range(6)), Counter())
    assert answers == Counter({"200 close": 600}), answers
    assert log().count("Autorestarting worker") >= 10


def test_a_failed_request_is_one_line_with_its_traceback(caplog):
    app = create_app(TestConfig)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: a 500 page instead of the exception

    @app.get("/boom")
    def boom():
        raise RuntimeError("something broke")

    with caplog.at_level(logging.INFO, logger="journal.request"):
        assert app.test_client().get("/boom?name=Иванов").status_code == 500
        assert app.test_client().get("/no-such-page").status_code == 404

    failed, missing = caplog.records
    assert failed.levelname == "ERROR" and failed.getMessage().startswith("failed 500 GET /boom user=None ms=")
    line = LineFormatter().format(failed)
    assert "\n" not in line and "RuntimeError: something broke" in line and "Иванов" not in line
    entry = json.loads(JsonFormatter().format(failed))
    assert entry["status"] == 500 and entry["path"] == "/boom" and "RuntimeError" in entry["traceback"]
    assert missing.levelname == "INFO" and missing.getMessage().startswith("refused 404 GET /no-such-page user=None")


@pytest.mark.parametrize(
    "env, workers",
    [
        ({}, 1),  # sign-in counters in process memory: one process, or the budgets multiply
        ({"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"}, min(2 * (os.cpu_count() or 1) + 1, 8)),
        ({"WEB_CONCURRENCY": "3", "GUNICORN_THREADS": "6"}, 3),
    ],
)
def test_gunicorn_settings_come_from_the_environment(monkeypatch, env, workers):
    for name in ("RATELIMIT_STORAGE_URI", "WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_MAX_REQUESTS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    root_handlers = list(logging.getLogger().handlers)
    try:
        settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    finally:
        logging.getLogger().handlers[:] = root_handlers  # the file configures logging for gunicorn
    assert settings["workers"] == workers and settings["threads"] == int(env.get("GUNICORN_THREADS", 4))
    assert settings["preload_app"] and settings["max_requests"] == 10_000  # a new worker builds its SQL again
    assert settings["max_requests_jitter"] == settings["max_requests"] // 10
    assert settings["keepalive"] == 0  # no idle connection to close under a client's request


def test_a_shared_deployment_refuses_to_start_without_secret_key(monkeypatch):
    """Several app servers must sign sessions with one key; a generated per-machine key would sign users out."""
    import config

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set"):
        config._secret_key()
